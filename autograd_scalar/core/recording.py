"""What the engine records, per thread: whether ops build graph nodes (`no_grad`,
`enable_grad`), whether anomalies raise (`detect_anomaly`), and how deeply the functional API
is nested.

The state lives in context variables, so each thread (and each asyncio task) has its own, as
PyTorch keeps grad mode per thread: a `no_grad()` block in one thread never switches
recording off in another.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import ContextDecorator, contextmanager
from contextvars import ContextVar, Token
from typing import NamedTuple

__all__ = [
    "MODES",
    "RECORDING",
    "Mode",
    "Switch",
    "collector_paused",
    "detect_anomaly",
    "enable_grad",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "mode",
    "nested",
    "nesting",
    "no_grad",
]


class Mode(NamedTuple):
    """The recording switches of one thread."""

    grad_enabled: bool = True
    anomaly: bool = False


MODES = {(g, a): Mode(g, a) for g in (True, False) for a in (True, False)}
"""The four modes, made once, so the usual one can be recognised by identity (fast)."""
RECORDING = MODES[True, False]
mode: ContextVar[Mode] = ContextVar("autograd_scalar_mode", default=RECORDING)
nesting: ContextVar[int] = ContextVar("autograd_scalar_nesting", default=0)
"""How many functional transforms (`grad`, `jvp`, ...) are running f in this thread."""


class Switch(ContextDecorator):
    """A context that sets some recording switches for the block and restores them after;
    also a decorator (`@no_grad()`), as PyTorch's. Reusable, reentrant, and one object may be
    entered by several threads at once: each thread keeps its own stack of entries."""

    def __init__(self, grad_enabled: bool | None = None, anomaly: bool | None = None) -> None:
        self.grad_enabled, self.anomaly = grad_enabled, anomaly
        self._entries = threading.local()

    def _tokens(self) -> list[Token[Mode]]:
        tokens: list[Token[Mode]] | None = getattr(self._entries, "tokens", None)
        if tokens is None:
            tokens = self._entries.tokens = []
        return tokens

    def __enter__(self) -> None:
        now = mode.get()
        grad_enabled = now.grad_enabled if self.grad_enabled is None else self.grad_enabled
        anomaly = now.anomaly if self.anomaly is None else self.anomaly
        self._tokens().append(mode.set(MODES[grad_enabled, anomaly]))

    def __exit__(self, *exc_info: object) -> None:
        mode.reset(self._tokens().pop())


def no_grad() -> Switch:
    """Compute values without recording the graph (inference, optimizer updates).

    Ops inside compute their value only: no parents, no local derivatives. A context
    (`with no_grad():`) or a decorator (`@no_grad()`), as in PyTorch.
    """
    return Switch(grad_enabled=False)


def enable_grad() -> Switch:
    """Record the graph again inside a `no_grad()` block (the functional API uses it)."""
    return Switch(grad_enabled=True)


def is_grad_enabled() -> bool:
    """Whether new ops record their parents and local derivatives (in this thread)."""
    return mode.get().grad_enabled


def detect_anomaly() -> Switch:
    """Raise at the first op, or the first backward edge, that makes a NaN or an infinity."""
    return Switch(anomaly=True)


def is_anomaly_enabled() -> bool:
    """Whether `detect_anomaly()` is on in this thread."""
    return mode.get().anomaly


@contextmanager
def nested() -> Iterator[None]:
    """Mark a functional transform running its function (inner calls then return `Value`s)."""
    token = nesting.set(nesting.get() + 1)
    try:
        yield
    finally:
        nesting.reset(token)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while big graphs are built and differentiated.

    The engine makes no reference cycles, so nothing it builds needs the collector; yet each
    full collection walks every live node, which makes building a graph of 10⁵ nodes up to
    twice as slow. Use it around a training loop or a large backward pass; the collector is
    switched back on (if it was on) when the block ends. An explicit choice, never a side
    effect of importing the package. Python has one collector per process, so this pauses
    it for every thread; and the reference cycles that `backward(create_graph=True)` makes
    (x.grad_value leads back to x) are kept until the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
