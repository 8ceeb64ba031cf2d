"""The `autograd-scalar` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import examples


def _worked_example(args: argparse.Namespace) -> int:
    """Print the w1–w6 network and the small graph e = (a + b)(b + 1), computed by the engine."""
    result = examples.run_w1_w6()
    small = examples.small_graph()
    print(examples.format_w1_w6(result))
    print()
    print(examples.format_small_graph(small))
    for path, output in ((args.svg, result.before.E), (args.small_svg, small.e)):
        if path:
            from .draw import draw

            saved = draw(output, rankdir=args.rankdir).save(path)
            print(f"\nwrote {saved}")
    return 0


def _bench(args: argparse.Namespace) -> int:
    """Time the engine against plain floats (and micrograd, when installed); print the table."""
    from . import bench

    print(bench.main(repeat=args.repeat, quick=args.quick))
    return 0


def _train(args: argparse.Namespace) -> int:
    """Train one of the ready-made tasks; print the result; optionally plot and save."""
    from . import train

    task = train.train_moons if args.task == "moons" else train.train_color_regression
    options = {"seed": args.seed, "progress": not args.quiet}
    if args.steps is not None:
        options["steps"] = args.steps
    result = task(**options)
    print(
        f"{args.task}: {len(result.history)} steps in {result.seconds:.1f} s, "
        f"loss {result.history[0]:.4g} → {result.history[-1]:.4g}, "
        f"{result.metric} {result.value:.4g}"
    )
    if args.plot:
        train.plot_loss(result.history, args.plot, title=f"{args.task}: loss")
        print(f"wrote {args.plot}")
    if args.save:
        result.model.save(args.save)
        print(f"wrote {args.save}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograd-scalar",
        description="A scalar reverse-mode autodiff engine for learning backprop.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    worked = commands.add_parser(
        "worked-example", help="the seed articles' worked examples, computed by the engine"
    )
    worked.add_argument(
        "--svg", metavar="PATH", help="draw the w1–w6 graph after backward (.svg, .dot, .png)"
    )
    worked.add_argument(
        "--small-svg", metavar="PATH", help="draw e = (a + b)(b + 1) after backward"
    )
    worked.add_argument("--rankdir", choices=["LR", "TB"], default="LR", help="layout direction")
    worked.set_defaults(run=_worked_example)
    training = commands.add_parser("train", help="train a small network on a made-up data set")
    training.add_argument("task", choices=["moons", "color-regression"])
    training.add_argument("--steps", type=int, help="optimizer steps (default: the task's own)")
    training.add_argument("--seed", type=int, default=0, help="seed for the data and weights")
    training.add_argument("--plot", metavar="PNG", help="write the loss curve (needs matplotlib)")
    training.add_argument("--save", metavar="JSON", help="write the trained parameters")
    training.add_argument("--quiet", action="store_true", help="no progress bar")
    training.set_defaults(run=_train)
    timing = commands.add_parser(
        "bench", help="time the engine against plain floats and micrograd, side by side"
    )
    timing.add_argument("--repeat", type=int, default=5, help="runs per workload (median)")
    timing.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    timing.set_defaults(run=_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
