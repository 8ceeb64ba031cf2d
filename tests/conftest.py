"""The quick run and the full one; hypothesis profiles.

`pytest` runs the quick suite: every module, with the slow cases (exhaustive sweeps, the
million-node sizes, the notebooks) and the browser cases left out. `pytest --full` runs
everything. A `-m` expression chooses for itself (`pytest -m browser`).

Hypothesis: the "default" profile has no deadline (a shared machine makes timings noisy);
"ci" (chosen when the CI variable is set) also prints the blob that reproduces a failure.
"""

import os

import pytest
from hypothesis import settings

settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

LEFT_OUT_OF_THE_QUICK_RUN = ("slow", "browser")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full",
        action="store_true",
        help="also run the tests marked slow or browser (the quick run leaves them out)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave the slow and browser tests out unless --full (or a -m expression) asks."""
    if config.getoption("--full") or config.getoption("-m"):
        return
    kept, left_out = [], []
    for item in items:
        marked = any(item.get_closest_marker(name) for name in LEFT_OUT_OF_THE_QUICK_RUN)
        (left_out if marked else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def pytest_report_header(config: pytest.Config) -> str:
    if config.getoption("--full") or config.getoption("-m"):
        return "running every selected test"
    return "the quick run: tests marked slow or browser are left out (pytest --full runs them)"
