"""Each op of the table written out: as Python, NumPy, JAX and PyTorch code, and as a formula
for people (Unicode and LaTeX); and the adjoint notation. Below both `explain` (the traces)
and `compile` (the adjoint program), which read them."""
