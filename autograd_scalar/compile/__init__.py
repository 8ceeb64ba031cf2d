"""Reverse mode as a program: the adjoint program (Python source, compiled replay, NumPy batch
replay) and its exports to JAX and PyTorch."""

from .export import to_jax, to_torch
from .program import GraphChanged, Program, compile_function, compile_program

__all__ = ["GraphChanged", "Program", "compile_function", "compile_program", "to_jax", "to_torch"]
