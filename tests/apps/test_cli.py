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
