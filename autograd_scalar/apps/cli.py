"""The `autograd-scalar` command line."""

from __future__ import annotations

import argparse
import importlib.util
import math
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from . import examples

DRAWING_SUFFIXES = (".svg", ".dot", ".gv", ".png")
PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def _worked_example(args: argparse.Namespace) -> int:
    """Print the w1–w6 network and the small graph e = (a + b)(b + 1), computed by the engine."""
    result = examples.run_w1_w6()
    small = examples.small_graph()
    print(examples.format_w1_w6(result))
    print()
    print(examples.format_small_graph(small))
    for path, output in ((args.svg, result.before.E), (args.small_svg, small.e)):
        if path:
            from ..explain.draw import draw

            saved = draw(output, rankdir=args.rankdir).save(path)
            print(f"\nwrote {saved}")
    return 0


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
    result = task(progress=not args.quiet, **{k: v for k, v in options.items() if v is not None})
    print(
        f"{args.task}: {len(result.history)} steps in {result.seconds:.1f} s, "
        f"loss {result.history[0]:.4g} → {result.history[-1]:.4g}, "
        f"{result.metric} {result.value:.4g}"
    )
    if args.save:
        result.model.save(args.save)
        print(f"wrote {args.save}")
    if args.plot:
        if args.task == "moons":  # the loss curve beside the decision boundary
            train.plot_moons(result, args.plot)
        else:
            train.plot_loss(result.history, args.plot, title=f"{args.task}: loss")
        print(f"wrote {args.plot}")
    return 0


def _program(args: argparse.Namespace) -> int:
    """Print the w1–w6 example as a program: primal trace, adjoint trace, adjoint source."""
    from ..explain.program import compile_program
    from ..explain.wengert import adjoint_trace, primal_trace

    net = examples.w1_w6_network()
    E = examples.forward(net).E
    print(primal_trace(E), adjoint_trace(E), sep="\n\n")
    print(f"\nadjoint program\n{compile_program(E, net.parameters()).source}", end="")
    return 0


def _check_outputs(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Refuse an output path that cannot be written before any work is done."""
    for option, suffixes in args.outputs:
        value = getattr(args, option)
        if value is None:
            continue
        path, flag = Path(value), f"--{option.replace('_', '-')}"
        if path.suffix.lower() not in suffixes:
            parser.error(f"{flag} {value}: the file must end in one of {', '.join(suffixes)}")
        if not path.parent.is_dir():
            parser.error(f"{flag} {value}: the folder {path.parent} does not exist")
        drawing_png = option in ("svg", "small_svg") and path.suffix.lower() == ".png"
        if drawing_png and not shutil.which("dot"):
            parser.error(f"{flag} {value}: PNG needs Graphviz's dot program; use .svg")
        if option == "plot" and importlib.util.find_spec("matplotlib") is None:
            parser.error(f'{flag} needs matplotlib: pip install -e ".[plot]"')


def _positive(kind: type) -> object:
    """An argparse type: a finite number of `kind` greater than 0."""

    def parse(text: str):
        value = kind(text)
        if not (value > 0 and math.isfinite(value)):
            raise argparse.ArgumentTypeError(f"must be positive and finite, got {text}")
        return value

    parse.__name__ = f"positive {kind.__name__}"
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograd-scalar",
        description="A scalar reverse-mode autodiff engine for learning backprop.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_outputs(args, parser)
    if getattr(args, "compiled", False) and args.task != "moons":
        parser.error("--compiled: only the moons task has a compiled loss")
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
