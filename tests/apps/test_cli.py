"""The command line, run in-process (and as a process where signals or `python -m` matter)."""

import importlib
import io
import os
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import autograd_scalar
from autograd_scalar import MLP
from autograd_scalar.apps.cli import _unwritable, main


def test_worked_example_prints_the_table(capsys) -> None:
    assert main(["worked-example"]) == 0
    out = capsys.readouterr().out
    for text in ["h1", "0.55125", "dE/dw", "w5", "1.3125", "0.86875", "de/dnode"]:
        assert text in out


def test_unknown_command_exits_with_usage(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["no-such-command"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_worked_example_writes_both_drawings(tmp_path, capsys) -> None:
    big, small = tmp_path / "w.svg", tmp_path / "small.dot"
    assert main(["worked-example", "--svg", str(big), "--small-svg", str(small)]) == 0
    assert "data 0.55125" in big.read_text()
    assert "grad 5" in small.read_text()  # de/db = 5
    assert f"wrote {big}" in capsys.readouterr().out


def test_program_prints_both_traces_and_the_adjoint_source(capsys) -> None:
    assert main(["program"]) == 0
    out = capsys.readouterr().out
    primal = out.index("primal trace")
    adjoint = out.index("adjoint trace")
    source = out.index("adjoint program")
    assert primal < adjoint < source
    assert "h1    w1·x1 + w2·x2  1.25" in out
    assert "= h1 · y\u0304" in out and "1.3125" in out  # w̄5 = h1 · ȳ
    namespace: dict = {}
    exec(out[source + len("adjoint program\n") :], namespace)  # the printed source runs
    value, grads = namespace["program"](0.5, 1.5, 2.3, 3.0, 1.0, 1.0)
    assert value == pytest.approx(0.55125) and grads[4:] == pytest.approx((1.3125, 3.99))


@pytest.fixture
def unwritable_folder(tmp_path) -> Path:
    """A folder nobody may create files in: a read-only one, or sysfs for root (who ignores
    permission bits)."""
    if os.geteuid() == 0:
        return Path("/sys")
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o500)
    return folder


OUTPUT_OPTIONS = [
    (["train", "color-regression", "--steps", "3", "--quiet", "--save"], "m.json"),
    (["train", "color-regression", "--steps", "3", "--quiet", "--plot"], "loss.png"),
    (["worked-example", "--svg"], "w.svg"),
]


def refused_before_any_work(args: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    assert exit_info.value.code == 2 and captured.out == ""  # nothing ran
    assert "Traceback" not in captured.err
    return captured.err.strip().splitlines()[-1]


@pytest.mark.parametrize(("args", "name"), OUTPUT_OPTIONS)
def test_an_output_path_that_is_a_folder_is_refused_before_any_work(
    args, name: str, tmp_path, capsys
) -> None:
    folder = tmp_path / name  # a folder with a file's name
    folder.mkdir()
    for path in (str(folder), str(tmp_path / f"new-{name}") + "/"):
        line = refused_before_any_work([*args, path], capsys)
        assert line.endswith(f"{path}: that is a folder; give a file name in it")


@pytest.mark.parametrize(("args", "name"), OUTPUT_OPTIONS)
def test_an_unwritable_output_path_is_refused_before_any_work(
    args, name: str, unwritable_folder: Path, capsys
) -> None:
    path = unwritable_folder / name
    line = refused_before_any_work([*args, str(path)], capsys)
    assert line.endswith(f"{path}: cannot write there (Permission denied)")
    assert not path.exists()


def test_checking_a_path_leaves_files_as_they_were(tmp_path) -> None:
    existing, new = tmp_path / "old.json", tmp_path / "new.json"
    existing.write_text("kept")
    os.utime(existing, (1_000_000_000, 1_000_000_000))
    assert _unwritable(existing) is None and _unwritable(new) is None  # both can be written
    assert existing.read_text() == "kept" and existing.stat().st_mtime == 1_000_000_000
    assert not new.exists()  # the probe's file is removed again


def test_a_path_that_fails_after_training_costs_nothing(tmp_path, monkeypatch, capsys) -> None:
    from autograd_scalar.apps import train

    folder = tmp_path / "out"
    folder.mkdir()
    task = train.train_color_regression

    def train_then_lose_the_folder(**options):
        result = task(**options)
        folder.rmdir()  # the checked folder is gone by the time the model is written
        return result

    monkeypatch.setattr(train, "train_color_regression", train_then_lose_the_folder)
    args = ["train", "color-regression", "--steps", "3", "--quiet"]
    assert main([*args, "--save", str(folder / "m.json")]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("color-regression: 3 steps")
    (line,) = captured.err.strip().splitlines()
    assert line.startswith(f"could not write {folder / 'm.json'} (No such file or directory)")
    spare = Path(line.split("; wrote the model to ")[1])
    trained = MLP(3, [5, 3])
    trained.load(spare)
    spare.unlink()
    assert trained.state_dict() == task(steps=3, progress=False).model.state_dict()


def test_a_drawing_that_cannot_be_written_after_all_is_one_line(tmp_path, capsys) -> None:
    drawing = importlib.import_module("autograd_scalar.explain.draw")
    path = tmp_path / "gone" / "w.svg"
    path.parent.mkdir()
    save = drawing.Drawing.save

    def remove_folder_then_save(self, target):
        path.parent.rmdir()
        return save(self, target)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(drawing.Drawing, "save", remove_folder_then_save)
        assert main(["worked-example", "--svg", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"could not write the drawing to {path}: No such file or directory"]


def test_a_huge_step_count_is_refused(capsys) -> None:
    line = refused_before_any_work(["train", "moons", "--steps", "99999999999999999999"], capsys)
    assert line.endswith("--steps: must be at most 10,000,000, got 99999999999999999999")


def test_a_diverging_run_says_so(capsys) -> None:
    args = ["train", "color-regression", "--steps", "20", "--quiet", "--lr", "1e308"]
    assert main(args) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("color-regression: training diverged: the loss is nan at step")


def test_a_model_that_cannot_be_saved_as_it_is_is_one_line(tmp_path, monkeypatch, capsys) -> None:
    from autograd_scalar.apps import train

    task = train.train_color_regression

    def train_to_nan(**options):
        result = task(**options)
        result.model.parameters()[0].data = float("nan")  # a weight gone bad, loss still finite
        return result

    monkeypatch.setattr(train, "train_color_regression", train_to_nan)
    path = tmp_path / "m.json"
    assert main(["train", "color-regression", "--steps", "2", "--quiet", "--save", str(path)]) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"could not write the model to {path}: parameter 'layers.0.")
    assert "is nan" in line and not path.exists()


# -- what users expect of a command: a version, python -m, Ctrl-C, no bar in a log, usage --

ROOT = Path(__file__).resolve().parents[2]


def run_python(*args: str, **options) -> subprocess.Popen:
    """A Python of this environment with this checkout first on its path."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.Popen(
        [sys.executable, *args],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **options,
    )


def test_version_is_the_packages(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert autograd_scalar.__version__ == pyproject["project"]["version"]
    assert capsys.readouterr().out == f"autograd-scalar {autograd_scalar.__version__}\n"


def test_python_dash_m_runs_the_command() -> None:
    out, err = run_python("-m", "autograd_scalar", "--version").communicate(timeout=120)
    assert out == f"autograd-scalar {autograd_scalar.__version__}\n" and err == ""
    process = run_python("-m", "autograd_scalar", "worked-example")
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 0 and "dE/dw" in out and "de/dnode" in out


ANNOUNCE_STEPS = """
import sys
from autograd_scalar.apps import cli, train

build = train.moons_loss

def announced(*args):  # tells the test, one line per step, that a step has begun
    print("step", flush=True)
    return build(*args)

train.moons_loss = announced
sys.exit(cli.main(sys.argv[1:]))
"""


def interrupt_when(process: subprocess.Popen, stream, seen: str, times: int = 1) -> tuple[str, str]:
    """Send Ctrl-C once `seen` has begun `times` lines of `stream`; then the rest of the output."""
    lines = 0
    for line in stream:
        lines += line.startswith(seen)
        if lines == times:
            break
    process.send_signal(signal.SIGINT)
    return process.communicate(timeout=120)


def test_ctrl_c_during_training_keeps_the_finished_steps(tmp_path) -> None:
    from autograd_scalar.apps.train import train_moons

    path = tmp_path / "moons.json"
    process = run_python(
        "-c", ANNOUNCE_STEPS, "train", "moons", "--steps", "100000", "--save", str(path)
    )
    _, err = interrupt_when(process, process.stdout, "step", times=4)
    assert process.returncode == 130
    (line,) = err.strip().splitlines()  # one line, no traceback
    steps = int(line.removeprefix("moons: interrupted after step ").split(";")[0])
    assert line == f"moons: interrupted after step {steps}; wrote the model so far to {path}"
    assert 3 <= steps < 100000
    saved = MLP(2, [16, 16, 1], activation="relu")
    saved.load(path)  # the model as the finished steps left it, to the last bit
    assert saved.state_dict() == train_moons(steps=steps, progress=False).model.state_dict()


def test_ctrl_c_during_the_benchmark_is_one_line() -> None:
    process = run_python("-m", "autograd_scalar", "bench", "--repeat", "1000")
    _, err = interrupt_when(process, process.stderr, "timing")
    assert process.returncode == 130
    assert err.strip().splitlines()[-1] == "bench: interrupted" and "Traceback" not in err


def test_a_step_is_applied_whole_when_ctrl_c_comes_during_the_update(monkeypatch) -> None:
    from autograd_scalar.apps import train
    from autograd_scalar.nn.optim import Adam

    step = Adam.step

    def interrupted_half_way(self) -> None:  # Ctrl-C arrives while the weights are updated
        os.kill(os.getpid(), signal.SIGINT)
        step(self)

    monkeypatch.setattr(Adam, "step", interrupted_half_way)
    with pytest.raises(train.Interrupted) as stop:
        train.train_color_regression(steps=5, progress=False)
    monkeypatch.undo()
    assert len(stop.value.history) == 1  # the step finished, then training stopped
    one_step = train.train_color_regression(steps=1, progress=False).model
    assert stop.value.model is not None
    assert stop.value.model.state_dict() == one_step.state_dict()


def test_compiled_training_without_numpy_is_refused_with_the_install_command(
    monkeypatch, capsys
) -> None:
    monkeypatch.setitem(sys.modules, "numpy", None)  # as if NumPy were not installed
    line = refused_before_any_work(["train", "moons", "--compiled"], capsys)
    assert line.endswith('--compiled needs NumPy: pip install -e ".[batch]"')


def test_batch_replay_without_numpy_says_how_to_install_it(monkeypatch) -> None:
    from autograd_scalar import Value
    from autograd_scalar.compile.program import compile_program

    x = Value(2.0)
    program = compile_program(x * x, [x])
    monkeypatch.setitem(sys.modules, "numpy", None)
    with pytest.raises(
        ImportError, match=r'^batch replay needs NumPy: pip install -e "\.\[batch\]"$'
    ):
        program.batch([1.0, 2.0])


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [False, True])
def test_the_progress_bar_shows_on_a_terminal_only(terminal: bool, monkeypatch, capsys) -> None:
    stream = Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    assert main(["train", "color-regression", "--steps", "3"]) == 0
    assert ("colour:" in stream.getvalue()) == terminal  # the bar's label


@pytest.mark.parametrize(("args", "name"), OUTPUT_OPTIONS)
def test_a_path_error_prints_the_subcommands_usage(args, name: str, tmp_path, capsys) -> None:
    with pytest.raises(SystemExit):
        main([*args, str(tmp_path / "missing" / name)])
    err = capsys.readouterr().err
    assert err.startswith(f"usage: autograd-scalar {args[0]} ")
    assert err.strip().splitlines()[-1].endswith("does not exist")
