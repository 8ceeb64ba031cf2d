"""The playground: the engine live in a web page, on Pyodide (CPython compiled to
WebAssembly), with Graphviz for the web drawing the graphs.

`build_site(directory)` writes a static site: the page, its script, the stepper script, and
the package with the pure-Python packages it needs (graphviz, tqdm) as archives Pyodide
unpacks. Pyodide and the Graphviz renderer come from their CDN at pinned versions, or from
local copies (`pyodide=`, `viz=`: a folder or an npm tarball) copied in, for offline use.
`run_code(code)` is what the page runs in Pyodide for each Run: the user's code, and every
view of the value it ends with.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import http.server
import io
import json
import shutil
import tarfile
import zipfile
from importlib import import_module, resources
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

__all__ = [
    "EXAMPLES",
    "PYODIDE_CDN",
    "PYODIDE_VERSION",
    "VIZ_CDN",
    "VIZ_VERSION",
    "build_site",
    "serve",
    "run_code",
    "run_code_json",
]

PYODIDE_VERSION = "314.0.7"
VIZ_VERSION = "3.31.0"
PYODIDE_CDN = f"https://cdn.jsdelivr.net/npm/pyodide@{PYODIDE_VERSION}/"
VIZ_CDN = f"https://cdn.jsdelivr.net/npm/@viz-js/viz@{VIZ_VERSION}/dist/viz-global.js"
PYODIDE_FILES = (
    "pyodide.js",
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
PACKAGES = ("autograd_scalar", "graphviz", "tqdm")
"""The package and the pure-Python packages it imports, unpacked into the page's Python."""

EXAMPLES = {
    "small graph": """\
from autograd_scalar import Value

a, b = Value(2.0, label="a"), Value(1.0, label="b")
c = a + b; c.label = "c"
d = b + 1; d.label = "d"
e = c * d; e.label = "e"
e  # the value the code ends with is drawn, stepped through and written out
""",
    "w1–w6 network": """\
from autograd_scalar import Value

x1, x2 = Value(1.0, label="x1"), Value(0.5, label="x2")
w1, w2, w3, w4, w5, w6 = (Value(w, label=f"w{i}")
                          for i, w in enumerate([0.5, 1.5, 2.3, 3.0, 1.0, 1.0], start=1))
h1 = w1 * x1 + w2 * x2; h1.label = "h1"
h2 = w3 * x1 + w4 * x2; h2.label = "h2"
y = w5 * h1 + w6 * h2; y.label = "y"
E = 0.5 * (4.0 - y) ** 2; E.label = "E"
E  # after backward(): dE/dw5 = 1.3125, dE/dw6 = 3.99
""",
    "Baydin's f(x₁, x₂)": """\
from autograd_scalar import Value

x1, x2 = Value(2.0, label="x1"), Value(5.0, label="x2")
f = x1.log() + x1 * x2 - x2.sin(); f.label = "f"
f  # df/dx1 = 1/x1 + x2 = 5.5, df/dx2 = x1 - cos x2
""",
    "a neuron": """\
from autograd_scalar import Value

x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
b = Value(6.881373587019543, label="b")
n = x1 * w1 + x2 * w2 + b; n.label = "n"
o = n.tanh(); o.label = "o"
o
""",
    "moons MLP": """\
from autograd_scalar import Value
from autograd_scalar.apps.data import two_moons
from autograd_scalar.nn import MLP
from autograd_scalar.nn.optim import Adam
from autograd_scalar.nn.losses import binary_hinge

points, labels = two_moons(n=40, seed=0)
net = MLP(2, [8, 8, 1])
optimizer = Adam(net.parameters(), lr=0.05)
losses = []  # a list named losses is plotted
for step in range(30):
    loss = sum(binary_hinge(net(p), y) for p, y in zip(points, labels)) * (1 / len(points))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.data)
classify = lambda p: net(p).data  # a function named classify: its sign is the boundary
data = (points, labels)  # points and their ±1 labels, drawn over the boundary
x = [Value(0.5, label="x1"), Value(0.25, label="x2")]
net(x)  # one point through the trained network, drawn neuron by neuron
""",
}
BIG_GRAPH = 60
"""Past this many values the drawing and the stepper show the neuron view."""


def run_code(code: str) -> dict[str, Any]:
    """Run the page's code and return every view of the value it ends with, as text.

    An error in the code, or in a view, is its one-line message; the other views still show.
    """
    namespace: dict[str, Any] = {"__name__": "__playground__"}
    try:
        output = _execute(code, namespace)
    except Exception as err:  # the user's code: its error is the page's message
        return {"error": _one_line(err)}
    result: dict[str, Any] = {"training": _training(namespace)}
    from ..core.value import Value

    if not isinstance(output, Value):
        result["error"] = (
            f"the code should end with a Value (the output to explain), got {type(output).__name__}"
        )
        return result
    result.update(_views(output))
    _untangle([output, *namespace.values()])
    return result


def _untangle(found: list[Any]) -> None:
    """Cut the graphs of the run's values apart, node by node, before they are freed.

    Freeing a chain of values frees each node's parents from inside the node's own freeing,
    one C call deeper per node: in the browser a chain of 10⁴ ops overflows WebAssembly's
    stack and stops Python for good. Cut apart, each node is freed on its own."""
    from ..core.graph import topological_order
    from ..core.value import Value

    seen: set[int] = set()
    for value in found:
        if not isinstance(value, Value) or id(value) in seen:
            continue
        for node in topological_order(value):
            seen.add(id(node))
            node.parents = ()


def run_code_json(code: str) -> str:
    """`run_code` as JSON, for the page's JavaScript."""
    return json.dumps(run_code(code))


def _execute(code: str, namespace: dict[str, Any]) -> Any:
    """Run the statements; the last one, if an expression, is the value returned."""
    tree = ast.parse(code, "<playground>")
    last = tree.body[-1] if tree.body else None
    if not isinstance(last, ast.Expr):
        exec(compile(tree, "<playground>", "exec"), namespace)
        return None
    tree.body.pop()
    exec(compile(tree, "<playground>", "exec"), namespace)
    return eval(compile(ast.Expression(last.value), "<playground>", "eval"), namespace)


def _one_line(err: BaseException) -> str:
    """The error as the engine words it: its type and its first line (and where, for syntax)."""
    if isinstance(err, SyntaxError):
        return f"SyntaxError: {err.msg} (line {err.lineno})"
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0]}" if text else type(err).__name__


def _views(output: Any) -> dict[str, Any]:
    """The drawing, the stepper, the derivation, both traces and the adjoint program."""
    from ..compile.program import compile_program
    from ..core.graph import Graph
    from ..explain import derivation, draw, trace_backward
    from ..explain.trace import stepper_data
    from ..explain.wengert import adjoint_trace, primal_trace

    graph = Graph.of(output)
    big = len(graph) > BIG_GRAPH
    level = "neuron" if big else "op"
    views: dict[str, Any] = {}

    def view(name: str, make: Any) -> None:
        try:
            views[name] = make()
        except Exception as err:  # one view failing leaves the others
            views[name] = {"error": _one_line(err)}

    view("stepper", lambda: stepper_data(trace_backward(output, level=level)))
    view("drawing", lambda: draw(output, level=level).source)
    wrt = _first_input(graph)
    view("derivation", lambda: str(derivation(output, wrt, labelled=big)))
    view("primal", lambda: str(primal_trace(output)))
    view("adjoint", lambda: str(adjoint_trace(output)))
    view("program", lambda: compile_program(output).source)
    views["output"] = f"{graph.names[output]} = {output.data:.6g}"
    return views


def _first_input(graph: Any) -> Any:
    """The input the derivation is taken with respect to: the first labelled data input
    (not a neuron's weight or bias), else the first labelled leaf, else the first leaf."""
    from ..explain.views import neurons

    parameters = {p for n in neurons(graph) for p in (*n.weights, n.bias) if p is not None}
    labelled = [n for n in graph.inputs if n.label]
    data = [n for n in labelled if n not in parameters]
    return (data or labelled or graph.inputs)[0]


def _training(namespace: dict[str, Any]) -> dict[str, Any] | None:
    """The loss curve (`losses`) and the decision boundary (`classify` over `data`)."""
    losses = namespace.get("losses")
    if not isinstance(losses, list) or not losses:
        return None
    found: dict[str, Any] = {"losses": [float(x) for x in losses]}
    classify, data = namespace.get("classify"), namespace.get("data")
    if callable(classify) and isinstance(data, tuple) and len(data) == 2:
        points, labels = data
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        box = (min(xs) - 0.5, max(xs) + 0.5, min(ys) - 0.5, max(ys) + 0.5)
        n = 24
        across = [box[0] + (box[1] - box[0]) * i / n for i in range(n + 1)]
        down = [box[3] - (box[3] - box[2]) * j / n for j in range(n + 1)]
        grid = [[float(classify([x, y])) for x in across] for y in down]
        found.update(points=points, labels=list(labels), box=box, grid=grid)
    return found


def build_site(
    directory: str | Path, pyodide: str | Path | None = None, viz: str | Path | None = None
) -> Path:
    """Write the playground as a static site into `directory` (made if missing).

    `pyodide`, `viz`: a folder or npm tarball of Pyodide's core files / of @viz-js/viz, copied
    into the site so it works offline; by default both load from their CDN at pinned versions.
    """
    site = Path(directory)
    site.mkdir(parents=True, exist_ok=True)
    pyodide_url = PYODIDE_CDN if pyodide is None else _copy_pyodide(Path(pyodide), site)
    viz_url = VIZ_CDN if viz is None else _copy_viz(Path(viz), site)
    packages = site / "packages"
    packages.mkdir(exist_ok=True)
    for name in PACKAGES:
        (packages / f"{name}.zip").write_bytes(_package_archive(name))
    static = resources.files("autograd_scalar.apps").joinpath("site")
    for asset in ("index.html", "playground.js", "playground.css"):
        (site / asset).write_text(static.joinpath(asset).read_text(encoding="utf-8"), "utf-8")
    for name in ("stepper.js", "stepper.css"):  # the stepper the saved page and notebook run
        stepper = resources.files("autograd_scalar.explain").joinpath("static", name)
        (site / name).write_text(stepper.read_text(encoding="utf-8"), encoding="utf-8")
    config = {
        "pyodide": pyodide_url,
        "viz": viz_url,
        "packages": [f"packages/{name}.zip" for name in PACKAGES],
        "examples": EXAMPLES,
    }
    (site / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    return site


def _package_archive(name: str) -> bytes:
    """An installed pure-Python package (and its .dist-info, when installed as one) zipped as
    it sits in site-packages, for `pyodide.unpackArchive`."""
    module = import_module(name)
    folder = Path(module.__file__ or "").parent
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, Path(name) / path.relative_to(folder))
        for file, source in _dist_info(name):
            archive.write(source, file)
    return buffer.getvalue()


_INSTALL_STATE = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}
"""Files pip writes when it installs: they name this machine's paths, so they stay behind."""


def _dist_info(name: str) -> list[tuple[str, Path]]:
    """The files of a package's .dist-info folder (its metadata), when installed as one."""
    try:
        dist = distribution(name)
    except PackageNotFoundError:
        return []
    found = []
    for file in dist.files or []:
        source = Path(str(dist.locate_file(file)))
        if ".dist-info/" in str(file) and file.name not in _INSTALL_STATE and source.is_file():
            found.append((str(file), source))
    return found


def _unpacked(source: Path, into: Path) -> Path:
    """A folder of the npm package: `source` itself, or a tarball's `package/` unpacked."""
    if source.is_dir():
        return source
    if not source.is_file():
        raise FileNotFoundError(f"no folder or npm tarball at {source}")
    with tarfile.open(source) as tar:
        tar.extractall(into, filter="data")
    return into / "package"


def _copy_pyodide(source: Path, site: Path) -> str:
    unpacked = _unpacked(source, site / ".unpack-pyodide")
    target = site / "pyodide"
    target.mkdir(exist_ok=True)
    for name in PYODIDE_FILES:
        if not (unpacked / name).is_file():
            raise FileNotFoundError(f"{source} has no {name}: is it Pyodide's core?")
        shutil.copyfile(unpacked / name, target / name)
    shutil.rmtree(site / ".unpack-pyodide", ignore_errors=True)
    return "pyodide/"


def _copy_viz(source: Path, site: Path) -> str:
    unpacked = _unpacked(source, site / ".unpack-viz")
    script = unpacked / "dist" / "viz-global.js"
    if not script.is_file():
        script = unpacked / "viz-global.js"
    if not script.is_file():
        raise FileNotFoundError(f"{source} has no viz-global.js: is it @viz-js/viz?")
    shutil.copyfile(script, site / "viz-global.js")
    shutil.rmtree(site / ".unpack-viz", ignore_errors=True)
    return "viz-global.js"


def serve(directory: str | Path, port: int = 0, open_browser: bool = True) -> None:
    """Serve the site on 127.0.0.1 (Pyodide needs HTTP, not file://) until interrupted."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        print(f"serving the playground at {url} (Ctrl-C stops)", flush=True)
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
