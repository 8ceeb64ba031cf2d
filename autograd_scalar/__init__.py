"""autograd_scalar: a scalar reverse-mode automatic differentiation engine for learning backprop.

The package, bottom to top (each part imports only those above it):

- `core`: the op table, `Value`, `backward()`, the graph snapshot, the recording state;
- `derivatives`: `grad`, `value_and_grad`, `hessian`, `jvp`, forward mode, `gradcheck`;
- `explain`: drawings, the backward trace, paths and derivations;
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
    forward_mode,
    grad,
    gradcheck,
    gradcheck_report,
    gradients,
    hessian,
    jvp,
    value_and_grad,
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
    "collector_paused",
    "detect_anomaly",
    "dot",
    "enable_grad",
    "forward_mode",
    "grad",
    "gradcheck",
    "gradcheck_report",
    "gradients",
    "hessian",
    "is_grad_enabled",
    "jvp",
    "no_grad",
    "value_and_grad",
]
__version__ = "0.1.0"
