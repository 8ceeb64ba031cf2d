"""Derivatives as functions, in the words of JAX (`grad`, `value_and_grad`, `vjp`, `jvp`,
`linearize`, `jacfwd`, `jacrev`, `hessian`, `hvp`, `stop_gradient`) and of PyTorch
(`gradients`), forward mode, and checks of them against finite differences (`gradcheck`,
`check_grads`)."""

from .functional import (
    Work,
    count_work,
    forward_mode,
    grad,
    gradients,
    hessian,
    hvp,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    linearize,
    stop_gradient,
    value_and_grad,
    vjp,
)
from .gradient_check import GradcheckError, check_grads, gradcheck, gradcheck_report

__all__ = [
    "GradcheckError",
    "Work",
    "check_grads",
    "count_work",
    "forward_mode",
    "grad",
    "gradcheck",
    "gradcheck_report",
    "gradients",
    "hessian",
    "hvp",
    "jacfwd",
    "jacobian",
    "jacrev",
    "jvp",
    "linearize",
    "stop_gradient",
    "value_and_grad",
    "vjp",
]
