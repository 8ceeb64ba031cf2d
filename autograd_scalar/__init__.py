"""autograd_scalar: a scalar reverse-mode automatic differentiation engine for learning backprop.

The package, bottom to top (each part imports only those above it):

- `core`: the op table, `Value`, `backward()`, the graph snapshot, the recording state;
- `derivatives`: `grad`, `value_and_grad`, `vjp`, `jvp`, the Jacobians, `hessian`, `hvp`,
  forward mode, `gradcheck` and `check_grads`;
- `forms`: each op written out as code and as a formula, derived from its rules;
- `explain`: drawings, the backward trace, paths and derivations;
- `compile`: the adjoint program, its compiled and batch replay, and exports to JAX and PyTorch;
- `nn`: modules, losses, optimizers;
- `apps`: data sets, training, the worked examples, the benchmark, the CLI.
"""

from .core import (
    Graph,
    Op,
    Value,
    apply,
    collector_paused,
    detect_anomaly,
    dot,
    enable_grad,
    is_grad_enabled,
    no_grad,
)
from .derivatives import (
    GradcheckError,
    check_grads,
    count_work,
    forward_mode,
    grad,
    gradcheck,
    gradcheck_report,
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
from .nn import MLP, Layer, Module, Neuron, StateFileError

__all__ = [
    "MLP",
    "GradcheckError",
    "Graph",
    "Layer",
    "Module",
    "Neuron",
    "StateFileError",
    "Op",
    "Value",
    "apply",
    "check_grads",
    "collector_paused",
    "count_work",
    "detect_anomaly",
    "dot",
    "enable_grad",
    "forward_mode",
    "grad",
    "gradcheck",
    "gradcheck_report",
    "gradients",
    "hessian",
    "hvp",
    "is_grad_enabled",
    "jacfwd",
    "jacobian",
    "jacrev",
    "jvp",
    "linearize",
    "no_grad",
    "stop_gradient",
    "value_and_grad",
    "vjp",
]
__version__ = "0.1.0"
