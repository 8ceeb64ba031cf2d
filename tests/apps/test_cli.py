"""The command line, run in-process."""

import pytest

from autograd_scalar.apps.cli import main


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
