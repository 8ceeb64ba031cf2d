"""Each op of the table written out, derived from its own rules: a symbolic scalar each rule
runs on (`expr`), and the expressions it gives as Python, NumPy, JAX and PyTorch code and as
a formula for people, Unicode and LaTeX (`op_forms`); and the adjoint notation. Below both
`explain` (the traces) and `compile` (the adjoint program), which read them."""
