"""Export a program to JAX or PyTorch, for a model that outgrows a scalar engine.

`to_jax(program)` writes the program's forward lines against `jax.numpy`, so `jax.grad`,
`jax.jit` and `jax.vmap` take it from there, on whatever devices JAX has; `to_torch(program)`
does the same with `torch`. Each returns a function of the program's inputs that returns the
output; the source it runs is `program.forward_source("jnp")` (or `"torch"`).

JAX computes in float32 unless 64-bit mode is on (`jax.config.update("jax_enable_x64",
True)`); turn it on to compare with the engine's floats. The exported code has no domain
checks: JAX and PyTorch give NaN or inf where the engine raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .program import FUNCTION_NAME, Program


def to_jax(program: Program) -> Callable[..., Any]:
    """The program's forward pass over `jax.numpy` arrays (needs `pip install jax`)."""
    return _load(program, "jnp", "jax")


def to_torch(program: Program) -> Callable[..., Any]:
    """The program's forward pass over `torch` tensors (needs PyTorch)."""
    return _load(program, "torch", "torch")


def _load(program: Program, module: str, package: str) -> Callable[..., Any]:
    if not isinstance(program, Program):
        raise TypeError(f"export takes a Program, got {type(program).__name__}")
    source = program.forward_source(module)
    try:
        __import__(package)
    except ImportError:
        message = f"exporting to {package} needs it installed: pip install {package}"
        raise ImportError(message) from None
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<{FUNCTION_NAME} for {package}>", "exec"), namespace)
    function: Callable[..., Any] = namespace[FUNCTION_NAME]
    return function
