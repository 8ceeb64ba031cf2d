"""The command line, run in-process."""

import importlib
import os
from pathlib import Path

import pytest

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
