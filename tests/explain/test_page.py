"""The stepper page: one self-contained HTML file, stepped through in a real headless Chromium.

The browser test runs wherever Chromium is installed, and always in CI (which installs it): it
is skipped only on a machine without Chromium outside CI.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from autograd_scalar import Value
from autograd_scalar.apps import examples
from autograd_scalar.explain.page import stepper_page
from autograd_scalar.explain.trace import trace_backward

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    g = examples.small_graph()  # backward() has run once, so the page shows real grads
    return trace_backward(g.e).save_html(tmp_path_factory.mktemp("page") / "steps.html")


def test_the_page_holds_every_step_and_loads_nothing(page_file: Path) -> None:
    text = page_file.read_text(encoding="utf-8")
    assert text.count('<figure class="step"') == 5
    assert text.count("<svg") == 5
    assert 'id="previous"' in text and 'id="next"' in text and 'type="range"' in text
    assert "ArrowRight" in text and "ArrowLeft" in text
    # nothing from elsewhere: no external scripts, styles, images or fonts
    assert not re.search(r"<script[^>]+src=|<link|<img|@import|url\(", text)
    # c.grad was 2 from the earlier backward(): the caption shows the real grad, 2 → 4
    assert "step 0 of 0–4: e → c: c.grad = 2 + 2 × 1 = 4" in text


def test_a_leaf_has_no_page() -> None:
    with pytest.raises(ValueError, match="nothing to step through"):
        stepper_page(trace_backward(Value(1.0)))


def test_a_trace_too_long_for_a_page_is_refused_and_nothing_written(tmp_path) -> None:
    trace = trace_backward(examples.small_graph().e)
    with pytest.raises(ValueError, match="5 steps, more than max_steps=4"):
        trace.save_html(tmp_path / "steps.html", max_steps=4)
    assert not (tmp_path / "steps.html").exists()


def test_draw_options_reach_every_drawing(tmp_path) -> None:
    trace = trace_backward(examples.small_graph().e)
    text = trace.save_html(tmp_path / "tb.html", rankdir="TB", backend="wasm").read_text()
    boxes = re.findall(r'viewBox="([^"]+)"', text)
    for i, box in enumerate(boxes):  # each step drawn top to bottom, as asked
        tall = trace.drawing(i, rankdir="TB", backend="wasm").svg()
        assert f'viewBox="{box}"' in tall
    assert len(boxes) == 5


def browser():
    """A headless Chromium from the system, driven by Playwright (never a downloaded one)."""
    if CHROMIUM is None and not os.environ.get("CI"):
        pytest.skip("Chromium is not installed (CI installs it and runs this test)")
    from playwright.sync_api import sync_playwright

    return sync_playwright(), CHROMIUM


def visible_state(page) -> tuple[str, str, str]:
    """The caption, the highlighted edge's title and the slider's value, as shown."""
    caption = page.inner_text("#caption")
    edge = page.eval_on_selector(
        "figure.step:not([hidden])",
        """f => [...f.querySelectorAll("g.edge")]
                .filter(g => g.querySelector('path[stroke="#d62728"]'))
                .map(g => g.querySelector("title").textContent).join()""",
    )
    return caption, edge, page.input_value("#slider")


@pytest.mark.browser
@pytest.mark.slow
def test_the_page_steps_in_a_real_browser(page_file: Path) -> None:
    manager, chromium = browser()
    with manager as playwright:
        browser_ = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        try:
            page = browser_.new_page()
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            first = visible_state(page)
            assert first[0].startswith("step 0 of 0–4") and first[1] and first[2] == "0"
            page.click("#next")
            second = visible_state(page)
            assert second[0].startswith("step 1 of 0–4") and second[2] == "1"
            assert second[1] and second[1] != first[1]  # another edge is highlighted
            page.keyboard.press("ArrowRight")
            assert visible_state(page)[0].startswith("step 2 of 0–4")
            page.keyboard.press("ArrowLeft")
            page.click("#previous")
            assert visible_state(page) == first
            page.fill("#slider", "4")  # dragging the slider to the end
            assert visible_state(page)[0].startswith("step 4 of 0–4")
            page.click("#next")  # past the last step nothing moves
            assert visible_state(page)[0].startswith("step 4 of 0–4")
            assert len(page.query_selector_all("figure.step:not([hidden])")) == 1
            assert requests == [page_file.as_uri()]  # the page loaded nothing else
        finally:
            browser_.close()
