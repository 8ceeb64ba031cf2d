"""Loss functions built from `Value`s, so `backward()` differentiates them like any graph.

Predictions, logits and scores may be `Value`s or plain numbers (which become leaves); every
loss returns a `Value`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from numbers import Integral

from ..core.ops import Number
from ..core.value import Value

__all__ = [
    "binary_hinge",
    "half_squared_error",
    "hinge",
    "l2_penalty",
    "mse",
    "softmax",
    "softmax_cross_entropy",
    "total",
]

Scalars = Sequence[Value | Number]


def half_squared_error(predictions: Value | Scalars, targets: Number | Sequence[Number]) -> Value:
    """E = Σᵢ ½(pᵢ − tᵢ)², whose derivative is simply pᵢ − tᵢ (the articles' loss)."""
    ps, ts = _paired(predictions, targets)
    return total(0.5 * (p - t) ** 2 for p, t in zip(ps, ts))


def mse(predictions: Value | Scalars, targets: Number | Sequence[Number]) -> Value:
    """Mean squared error: (1/n) Σᵢ (pᵢ − tᵢ)²."""
    ps, ts = _paired(predictions, targets)
    return total((p - t) ** 2 for p, t in zip(ps, ts)) / len(ps)


def softmax(logits: Scalars) -> list[Value]:
    """pⱼ = e^(zⱼ − m) / Σₖ e^(zₖ − m) with m = max z, which cannot overflow."""
    shifted = _shifted(logits)
    exps = [z.exp() for z in shifted]
    denominator = total(exps)
    return [e / denominator for e in exps]


def softmax_cross_entropy(logits: Scalars, label: int) -> Value:
    """L = −z_y + log Σⱼ e^(zⱼ): the negative log of softmax's probability for the label.

    Computed as log Σⱼ e^(zⱼ − m) − (z_y − m) with m = max z, so no exponent overflows;
    dL/dzⱼ = softmaxⱼ − [j = y].
    """
    label = _check_label(logits, label)
    shifted = _shifted(logits)
    return total(z.exp() for z in shifted).log() - shifted[label]


def hinge(scores: Scalars, label: int, margin: float = 1.0) -> Value:
    """Multiclass SVM loss: Σ_{j ≠ y} max(0, s_j − s_y + margin)."""
    label = _check_label(scores, label)
    values = _values(scores)
    correct = values[label]
    terms = [(s - correct + margin).relu() for j, s in enumerate(values) if j != label]
    return total(terms) if terms else Value(0.0)


def binary_hinge(score: Value | Number, label: int, margin: float = 1.0) -> Value:
    """max(0, margin − y·s) for a label y of +1 or −1: a two-class SVM on one score."""
    if isinstance(label, bool) or not isinstance(label, Integral) or label not in (-1, 1):
        raise ValueError(f"binary_hinge needs a label of +1 or -1, got {label!r}")
    (score,) = _values([score])
    return (margin - label * score).relu()


def l2_penalty(parameters: Sequence[Value], reg: float) -> Value:
    """½ · reg · Σ w²: its derivative adds reg · w to each weight's gradient."""
    if not parameters:
        raise ValueError("l2_penalty needs at least one parameter")
    return 0.5 * reg * total(w * w for w in parameters)


def total(terms: Iterable[Value | Number]) -> Value:
    """Σ terms, as a chain of additions (the first term starts it: no 0 + ... node).

    Always a `Value`: plain numbers among the terms are constants of the sum.
    """
    result = None
    for term in terms:
        if result is None:
            result = term if isinstance(term, Value) else Value(term)
        else:
            result = result + term
    if result is None:
        raise ValueError("cannot sum an empty list of terms")
    return result


def _shifted(logits: Scalars) -> list[Value]:
    if not logits:
        raise ValueError("softmax needs at least one logit")
    values = _values(logits)
    top = max(z.data for z in values)
    return [z - top for z in values]


def _values(xs: Scalars) -> list[Value]:
    """Each item as a `Value`: plain numbers become leaves (constants of the loss)."""
    return [x if isinstance(x, Value) else Value(x) for x in xs]


def _paired(
    predictions: Value | Number | Scalars, targets: Number | Sequence[Number]
) -> tuple[list[Value], list[Number]]:
    ps = _values([predictions] if isinstance(predictions, (Value, int, float)) else predictions)
    ts = [targets] if isinstance(targets, (int, float)) else list(targets)
    if len(ps) != len(ts) or not ps:
        raise ValueError(f"got {len(ps)} predictions and {len(ts)} targets; need the same, ≥ 1")
    return ps, ts


def _check_label(logits: Scalars, label: int) -> int:
    """The label as an int: any integer type but bool (NumPy's included), in range."""
    if isinstance(label, bool) or not isinstance(label, Integral) or not 0 <= label < len(logits):
        raise ValueError(f"label must be an int in [0, {len(logits)}), got {label!r}")
    return int(label)
