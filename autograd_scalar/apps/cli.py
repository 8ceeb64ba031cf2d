"""The `autograd-scalar` command line."""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from . import examples

if TYPE_CHECKING:
    from . import train as train_module

__all__ = ["build_parser", "main"]

DRAWING_SUFFIXES = (".svg", ".dot", ".gv", ".png")
PLOT_SUFFIXES = (".png", ".svg", ".pdf")
INTERRUPTED = 130
"""The exit status after Ctrl-C: 128 + SIGINT, as a shell reports a command it interrupted."""


def _worked_example(args: argparse.Namespace) -> int:
    """Print the w1–w6 network and the small graph e = (a + b)(b + 1), computed by the engine."""
    result = examples.run_w1_w6()
    small = examples.small_graph()
    print(examples.format_w1_w6(result))
    print()
    print(examples.format_small_graph(small))
    status = 0
    for path, output in ((args.svg, result.before.E), (args.small_svg, small.e)):
        if path:
            from ..explain.draw import draw

            status |= _write(draw(output, rankdir=args.rankdir).save, path, "drawing", False)
    return status


def _bench(args: argparse.Namespace) -> int:
    """Time the engine against plain floats (and micrograd, when installed); print the table."""
    from . import bench

    print(bench.main(repeat=args.repeat, quick=args.quick))
    return 0


def _train(args: argparse.Namespace) -> int:
    """Train one of the ready-made tasks; print the result; optionally save and plot."""
    from . import train

    task = train.train_moons if args.task == "moons" else train.train_color_regression
    options = {"steps": args.steps, "seed": args.seed, "lr": args.lr}
    if args.compiled:
        options["compiled"] = True
    progress = not args.quiet and sys.stderr.isatty()  # no bar in a log file or a pipe
    try:
        result = task(progress=progress, **{k: v for k, v in options.items() if v is not None})
    except train.Diverged as err:
        print(f"{args.task}: {err}", file=sys.stderr)
        return 1
    except train.Interrupted as stop:
        print(f"{args.task}: {_kept(stop, args.save)}", file=sys.stderr)
        return INTERRUPTED
    print(
        f"{args.task}: {len(result.history)} steps in {result.seconds:.1f} s, "
        f"loss {result.history[0]:.4g} → {result.history[-1]:.4g}, "
        f"{result.metric} {result.value:.4g}"
    )
    status = 0
    if args.save:
        status |= _write(result.model.save, args.save, "model")
    if args.plot:
        title = f"{args.task}: loss"

        def plot(path: Path) -> object:
            if args.task == "moons":  # the loss curve beside the decision boundary
                return train.plot_moons(result, path)
            return train.plot_loss(result.history, path, title=title)

        status |= _write(plot, args.plot, "plot")
    return status


def _kept(stop: train_module.Interrupted, save: str | None) -> str:
    """What an interrupted run kept: its finished steps, and the model so far where --save
    asked (or in a temporary file, if that place fails now)."""
    done = f"interrupted after step {len(stop.history)}"
    if not save or stop.model is None:
        return done
    if not stop.history:
        return f"{done}: nothing to save"
    write = stop.model.save
    try:
        write(Path(save))
    except OSError as err:
        spare = _write_elsewhere(write, Path(save).suffix, "model so far")
        return f"{done}; could not write {save} ({err.strerror or err}); {spare}"
    except ValueError as err:  # the content: a NaN weight
        return f"{done}; could not write the model so far to {save}: {err}"
    return f"{done}; wrote the model so far to {save}"


def _program(args: argparse.Namespace) -> int:
    """Print the w1–w6 example as a program: primal trace, adjoint trace, adjoint source."""
    from ..compile.program import compile_program
    from ..explain.wengert import adjoint_trace, primal_trace

    net = examples.w1_w6_network()
    E = examples.forward(net).E
    print(primal_trace(E), adjoint_trace(E), sep="\n\n")
    print(f"\nadjoint program\n{compile_program(E, net.parameters()).source}", end="")
    return 0


def _write(write: Callable[[Path], object], path: str, what: str, fallback: bool = True) -> int:
    """Write an output, printing where. If the checked path fails after all, one line says
    why, and (with `fallback`) the output goes to a temporary file instead, so no run is lost."""
    try:
        write(Path(path))
    except OSError as err:
        if not fallback:
            print(f"could not write the {what} to {path}: {err.strerror or err}", file=sys.stderr)
            return 1
        spare = _write_elsewhere(write, Path(path).suffix, what)
        print(f"could not write {path} ({err.strerror or err}); {spare}", file=sys.stderr)
        return 1
    except (ValueError, RuntimeError) as err:  # the content, not the place: e.g. a NaN weight
        print(f"could not write the {what} to {path}: {err}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


def _write_elsewhere(write: Callable[[Path], object], suffix: str, what: str) -> str:
    """Write to a new temporary file; say where, or that this failed too."""
    handle, spare = tempfile.mkstemp(prefix="autograd-scalar-", suffix=suffix)
    os.close(handle)
    try:
        write(Path(spare))
    except OSError as err:
        return f"nor could the {what} be written to {spare} ({err.strerror or err})"
    return f"wrote the {what} to {spare}"


def _check_outputs(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Refuse an output path that cannot be written before any work is done (with the
    subcommand's usage, as argparse refuses a bad flag)."""
    for option, suffixes in args.outputs:
        value = getattr(args, option)
        if value is None:
            continue
        path, flag = Path(value), f"--{option.replace('_', '-')}"
        if path.suffix.lower() not in suffixes:
            parser.error(f"{flag} {value}: the file must end in one of {', '.join(suffixes)}")
        if not path.parent.is_dir():
            parser.error(f"{flag} {value}: the folder {path.parent} does not exist")
        if path.is_dir() or value.endswith(("/", os.sep)):
            parser.error(f"{flag} {value}: that is a folder; give a file name in it")
        problem = _unwritable(path)
        if problem:
            parser.error(f"{flag} {value}: cannot write there ({problem})")
        drawing_png = option in ("svg", "small_svg") and path.suffix.lower() == ".png"
        if drawing_png and not shutil.which("dot"):
            parser.error(f"{flag} {value}: PNG needs Graphviz's dot program; use .svg")
        if option == "plot" and importlib.util.find_spec("matplotlib") is None:
            parser.error(f'{flag} needs matplotlib: pip install -e ".[plot]"')


def _check_task(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Refuse a training option the task or this Python cannot serve, before any work."""
    if not getattr(args, "compiled", False):
        return
    if args.task != "moons":
        parser.error("--compiled: only the moons task has a compiled loss")
    if importlib.util.find_spec("numpy") is None:
        parser.error('--compiled needs NumPy: pip install -e ".[batch]"')


def _unwritable(path: Path) -> str | None:
    """Why `path` cannot be written, found by opening it (an existing file is not changed,
    a new one is removed again), or None when it can be."""
    existed = path.exists()
    try:
        with open(path, "ab"):
            pass
    except OSError as err:
        return err.strerror or str(err)
    if not existed:
        path.unlink()
    return None


MAX_COUNT = 10_000_000
"""The largest --steps or --repeat taken: past it a run would not end in a lifetime."""


def _positive(kind: type[int] | type[float]) -> Callable[[str], float]:
    """An argparse type: a finite number of `kind` greater than 0 (an int at most MAX_COUNT)."""

    def parse(text: str) -> float:
        value = kind(text)
        if not (value > 0 and math.isfinite(value)):
            raise argparse.ArgumentTypeError(f"must be positive and finite, got {text}")
        if kind is int and value > MAX_COUNT:
            raise argparse.ArgumentTypeError(f"must be at most {MAX_COUNT:,}, got {text}")
        return value

    parse.__name__ = f"positive {kind.__name__}"
    return parse


class _Subcommand(argparse.ArgumentParser):
    """A subcommand's parser. It puts itself in its parse result (`args.parser`), so that an
    error found after parsing (a path that cannot be written) prints this subcommand's usage;
    and it writes no files (`args.outputs`) unless the subcommand says which."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_defaults(parser=self, outputs=[])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograd-scalar",
        description="A scalar reverse-mode autodiff engine for learning backprop.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Subcommand
    )
    worked = commands.add_parser(
        "worked-example", help="the articles' worked examples, computed by the engine"
    )
    worked.add_argument(
        "--svg", metavar="PATH", help="draw the w1–w6 graph after backward (.svg .dot .gv .png)"
    )
    worked.add_argument(
        "--small-svg", metavar="PATH", help="draw e = (a + b)(b + 1) after backward (same)"
    )
    worked.add_argument(
        "--rankdir", choices=["LR", "TB"], default="LR", help="left to right or top to bottom"
    )
    worked.set_defaults(
        run=_worked_example, outputs=[("svg", DRAWING_SUFFIXES), ("small_svg", DRAWING_SUFFIXES)]
    )
    training = commands.add_parser("train", help="train a small network on a made-up data set")
    training.add_argument("task", choices=["moons", "color-regression"])
    training.add_argument("--steps", type=_positive(int), help="Adam steps (moons 100, colour 300)")
    training.add_argument("--seed", type=int, help="seed for data and weights (moons 0, colour 1)")
    training.add_argument("--lr", type=_positive(float), help="Adam's lr (moons 0.02, colour 0.01)")
    training.add_argument(
        "--plot",
        metavar="PATH",
        help="write the loss curve (moons: and the decision boundary), .png .svg .pdf "
        "(needs matplotlib)",
    )
    training.add_argument("--save", metavar="JSON", help="write the trained parameters")
    training.add_argument("--quiet", action="store_true", help="no progress bar")
    training.add_argument(
        "--compiled", action="store_true", help="moons: replay one compiled program (NumPy)"
    )
    training.set_defaults(run=_train, outputs=[("plot", PLOT_SUFFIXES), ("save", (".json",))])
    program = commands.add_parser(
        "program", help="the w1–w6 example as primal trace, adjoint trace and adjoint source"
    )
    program.set_defaults(run=_program, outputs=[])
    timing = commands.add_parser(
        "bench", help="time the engine against plain floats (and micrograd if installed)"
    )
    timing.add_argument(
        "--repeat", type=_positive(int), default=5, help="runs per workload (median)"
    )
    timing.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    timing.set_defaults(run=_bench, outputs=[])
    _add_playground(commands)
    return parser


def _add_playground(commands: argparse._SubParsersAction[_Subcommand]) -> None:
    """The `playground` subcommand: write the browser playground's site, or serve it."""
    site = commands.add_parser("playground", help="the engine live in a web page (Pyodide)")
    site.add_argument("dir", nargs="?", help="write the static site here (--serve: optional)")
    site.add_argument("--serve", action="store_true", help="serve on 127.0.0.1, open a browser")
    site.add_argument("--port", type=int, default=0, help="--serve: the port (default: any)")
    site.add_argument("--pyodide", metavar="PATH", help="Pyodide's core: folder or npm tarball")
    site.add_argument("--viz", metavar="PATH", help="@viz-js/viz: folder or npm tarball")
    site.set_defaults(run=_playground)


def _playground(args: argparse.Namespace) -> int:
    from .playground import build_site, serve

    if args.dir is None and not args.serve:
        args.parser.error("give a DIR to write the site into, or --serve")
    directory = args.dir or tempfile.mkdtemp(prefix="autograd-playground-")
    site = build_site(directory, pyodide=args.pyodide, viz=args.viz)
    print(f"wrote the playground to {site}")
    if args.serve:
        serve(site, args.port)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; its exit status (2 for a refused argument, 130 after Ctrl-C)."""
    args = build_parser().parse_args(argv)
    _check_outputs(args, args.parser)
    _check_task(args, args.parser)
    try:
        status: int = args.run(args)
    except KeyboardInterrupt:  # one line, not a traceback (train says what it kept)
        print(f"{args.command}: interrupted", file=sys.stderr)
        return INTERRUPTED
    return status


if __name__ == "__main__":
    sys.exit(main())
