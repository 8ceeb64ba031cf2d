"""Derivatives as functions (`grad`, `value_and_grad`, `hessian`, `jvp`, forward mode) and
checks of them (`gradcheck`, hypothesis strategies in `testing`)."""

from .functional import forward_mode, grad, gradients, hessian, jvp, value_and_grad
from .gradient_check import GradcheckError, gradcheck, gradcheck_report

__all__ = [
    "GradcheckError",
    "forward_mode",
    "grad",
    "gradcheck",
    "gradcheck_report",
    "gradients",
    "hessian",
    "jvp",
    "value_and_grad",
]
