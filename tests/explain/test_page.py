"""The stepper page: one self-contained HTML file with one drawing and per-step data, stepped
through in a real headless Chromium by the one stepper script.

The browser test runs wherever Chromium is installed, and always in CI (which installs it): it
is skipped only on a machine without Chromium outside CI.
"""

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from autograd_scalar import Value
from autograd_scalar.apps import examples
from autograd_scalar.explain.page import stepper_script
from autograd_scalar.explain.trace import trace_backward
from autograd_scalar.nn import MLP

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    g = examples.small_graph()  # backward() has run once, so the page shows real grads
    return trace_backward(g.e).save_html(tmp_path_factory.mktemp("page") / "steps.html")


def mlp_loss() -> Value:
    net = MLP(2, [4, 4, 1])
    return (net([Value(0.5, label="x1"), Value(-1.0, label="x2")]) - 1.0) ** 2


def test_the_page_holds_one_drawing_and_loads_nothing(page_file: Path) -> None:
    text = page_file.read_text(encoding="utf-8")
    assert text.count("\\u003csvg") == 1  # one drawing, its steps as data
    assert stepper_script() in text  # the one stepper script, inline
    # nothing from elsewhere: no external scripts, styles, images or fonts
    assert not re.search(r"<script[^>]+src=|<link|<img|@import|url\(", text)
    # c.grad was 2 from the earlier backward(): the caption shows the real grad, 2 → 4
    assert "step 0 of 0\\u20134: e \\u2192 c: c.grad = 2 + 2 \\u00d7 1 = 4" in text


def test_an_mlp_page_stays_small(tmp_path) -> None:
    loss = mlp_loss()
    op = trace_backward(loss).save_html(tmp_path / "op.html")
    neuron = trace_backward(loss, level="neuron").save_html(tmp_path / "neuron.html")
    assert len(trace_backward(loss)) == 75
    # one drawing per page: a fraction of the 5.8 MB a drawing per step made
    assert op.stat().st_size < 400_000 and neuron.stat().st_size < 150_000


def test_a_leaf_has_no_page(tmp_path) -> None:
    with pytest.raises(ValueError, match="nothing to step through"):
        trace_backward(Value(1.0)).save_html(tmp_path / "leaf.html")
    assert list(tmp_path.iterdir()) == []


def test_a_trace_too_long_for_a_page_is_refused_and_nothing_written(tmp_path) -> None:
    trace = trace_backward(examples.small_graph().e)
    with pytest.raises(ValueError, match="5 steps, more than max_steps=4"):
        trace.save_html(tmp_path / "steps.html", max_steps=4)
    assert list(tmp_path.iterdir()) == []


def test_a_path_that_is_not_a_web_page_is_refused_by_name(tmp_path) -> None:
    trace = trace_backward(examples.small_graph().e)
    with pytest.raises(ValueError, match=r"'.*s\.txt' must end in \.html"):
        trace.save_html(tmp_path / "s.txt")
    assert list(tmp_path.iterdir()) == []


def test_a_lone_surrogate_in_a_label_is_escaped_and_an_old_page_kept_on_failure(
    tmp_path,
) -> None:
    x = Value(2.0, label="x\ud800")
    page = trace_backward(x * x).save_html(tmp_path / "s.html")
    assert "\\\\ud800" in page.read_text(encoding="utf-8")  # written as its escape, \ud800
    before = page.read_bytes()
    with pytest.raises(ValueError):
        trace_backward(x * x).save_html(page, max_steps=1)
    assert page.read_bytes() == before and len(list(tmp_path.iterdir())) == 1


def test_draw_options_reach_the_drawing(tmp_path) -> None:
    trace = trace_backward(examples.small_graph().e)
    text = trace.save_html(tmp_path / "tb.html", rankdir="TB", backend="wasm").read_text()
    assert "rankdir=TB" in text


def browser():
    """A headless Chromium from the system, driven by Playwright (never a downloaded one)."""
    if CHROMIUM is None and not os.environ.get("CI"):
        pytest.skip("Chromium is not installed (CI installs it and runs this test)")
    from playwright.sync_api import sync_playwright

    return sync_playwright(), CHROMIUM


def visible_state(page) -> tuple[str, str, str]:
    """The caption, the highlighted edges' titles and the slider's value, as shown."""
    caption = page.inner_text(".caption")
    edges = page.eval_on_selector_all(
        "g.edge.lit", "gs => gs.map(g => g.querySelector('title').textContent).join()"
    )
    return caption, edges, page.input_value(".slider")


def grad_texts(page) -> list[str]:
    return page.eval_on_selector_all(
        "g.node text", "ts => ts.map(t => t.textContent).filter(t => t.startsWith('grad '))"
    )


@pytest.mark.browser
@pytest.mark.slow
def test_the_page_steps_in_a_real_browser(page_file: Path) -> None:
    manager, chromium = browser()
    with manager as playwright:
        browser_ = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        try:
            page = browser_.new_page()
            requests: list[str] = []
            errors: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri())
            first = visible_state(page)
            assert first[0].startswith("step 0 of 0–4") and first[1] and first[2] == "0"
            assert "grad 4" in grad_texts(page)  # c: 2 + 2 after step 0
            page.click(".next")
            second = visible_state(page)
            assert second[0].startswith("step 1 of 0–4") and second[2] == "1"
            assert second[1] and second[1] != first[1]  # another edge is highlighted
            page.keyboard.press("ArrowRight")
            assert visible_state(page)[0].startswith("step 2 of 0–4")
            page.keyboard.press("ArrowLeft")
            page.click(".previous")
            assert visible_state(page) == first
            page.fill(".slider", "4")  # dragging the slider to the end
            assert visible_state(page)[0].startswith("step 4 of 0–4")
            assert "grad 10" in grad_texts(page)  # b's grad once the pass is done
            page.click(".next")  # past the last step nothing moves
            assert visible_state(page)[0].startswith("step 4 of 0–4")
            assert requests == [page_file.as_uri()] and errors == []
        finally:
            browser_.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_neuron_level_page_steps_in_a_real_browser(tmp_path) -> None:
    manager, chromium = browser()
    trace = trace_backward(mlp_loss(), level="neuron")
    path = trace.save_html(tmp_path / "neurons.html")
    with manager as playwright:
        browser_ = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        try:
            page = browser_.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(path.as_uri())
            page.click(".next")
            caption, edges, _ = visible_state(page)
            assert caption == trace.caption(1)  # the output neuron passes its grad on
            assert len(edges.split(",")) == 2 * 4  # to the four neurons before it, each edge
            # in two halves, through the node that writes its number
            for _ in range(len(trace)):
                page.keyboard.press("ArrowRight")
            assert page.inner_text(".caption") == trace.caption(len(trace) - 1)
            size = page.eval_on_selector("g.node text", "t => t.getBoundingClientRect().height")
            assert size >= 10  # box text stays readable at 1600 px: it scrolls, never shrinks
        finally:
            browser_.close()


@pytest.mark.browser
@pytest.mark.slow
def test_two_notebook_steppers_step_apart_in_a_real_browser(tmp_path) -> None:
    """Notebook outputs inserted as JupyterLab inserts HTML (innerHTML, then each script run
    anew): two steppers on one page, each with its own buttons and keys."""
    manager, chromium = browser()
    first = trace_backward(examples.small_graph().e).stepper()._repr_html_()
    second = trace_backward(mlp_loss(), level="neuron").stepper()._repr_html_()
    (tmp_path / "cells.json").write_text(json.dumps([first, second]))
    with manager as playwright:
        browser_ = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        try:
            page = browser_.new_page()
            page.goto((tmp_path / "cells.json").as_uri())
            cells = json.loads(page.inner_text("body"))
            page.set_content("<div id='a'></div><div id='b'></div>")
            page.evaluate(
                """cells => cells.forEach((html, k) => {
                    const out = document.getElementById(k ? "b" : "a");
                    out.innerHTML = html;
                    out.querySelectorAll("script").forEach(old => {
                        const run = document.createElement("script");
                        run.textContent = old.textContent;
                        old.replaceWith(run);
                    });
                })""",
                cells,
            )
            page.click("#b .next")
            page.click("#b .next")
            assert page.inner_text("#a .caption").startswith("step 0 of 0–4")
            assert page.inner_text("#b .caption").startswith("step 2 of 0–9")
            page.focus("#a .autograd-stepper")
            page.keyboard.press("ArrowRight")
            assert page.inner_text("#a .caption").startswith("step 1 of 0–4")
            assert page.inner_text("#b .caption").startswith("step 2 of 0–9")
        finally:
            browser_.close()
