"""The playground: what the page runs (`run_code`, tested here in CPython), the site it is
served from, and the page itself in a real headless Chromium on Pyodide.

The browser tests fetch Pyodide's core and @viz-js/viz at the pinned versions from the npm
registry (`npm pack`, cached in pytest's cache folder), build the site with them and serve
it on 127.0.0.1: no other network is needed.
"""

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from autograd_scalar.apps import cli
from autograd_scalar.apps.playground import (
    EXAMPLES,
    PYODIDE_VERSION,
    VIZ_VERSION,
    build_site,
    run_code,
)

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHROMIUM = "/usr/bin/chromium"


def test_w1_w6_gives_the_articles_gradients() -> None:
    result = run_code(EXAMPLES["w1–w6 network"])
    assert "error" not in result
    assert "grad 1.3125" in result["drawing"] and "grad 3.99" in result["drawing"]
    captions = [s["caption"] for s in result["stepper"]["steps"]]
    # three sums of two products (6 edges each), then 4 − y, its square and ½ ×: 21 edges
    assert len(captions) == 21 and captions[0].startswith("step 0 of 0–20")
    assert result["output"] == "E = 0.55125"


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_every_example_runs_and_every_view_shows(name: str) -> None:
    result = run_code(EXAMPLES[name])
    assert "error" not in result
    for view in ("drawing", "stepper", "derivation", "primal", "adjoint", "program"):
        assert not (isinstance(result[view], dict) and "error" in result[view]), view
    json.dumps(result)  # the page reads it as JSON


def test_the_moons_example_trains_and_has_a_boundary() -> None:
    training = run_code(EXAMPLES["moons MLP"])["training"]
    assert training["losses"][-1] < training["losses"][0] / 5
    assert len(training["grid"]) == 25 and {v > 0 for row in training["grid"] for v in row} == {
        True,
        False,
    }


def test_baydins_derivation_is_the_engines() -> None:
    import math

    result = run_code(EXAMPLES["Baydin's f(x₁, x₂)"])
    assert f"{1 / 2 + 5:.6g}" in result["derivation"]  # df/dx1 = 1/x1 + x2 = 5.5
    assert f"grad {2 - math.cos(5.0):.6g}" in result["drawing"]  # df/dx2 = x1 − cos x2


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("from autograd_scalar import Value\nValue(-1.0).log()", "ValueError: log is defined for"),
        ("x = (", "SyntaxError: '(' was never closed (line 1)"),
        ("1 + 1", "the code should end with a Value (the output to explain), got int"),
        ("undefined_name", "NameError: name 'undefined_name' is not defined"),
    ],
)
def test_an_error_is_one_line(code: str, message: str) -> None:
    error = run_code(code)["error"]
    assert error.startswith(message) and "\n" not in error


def test_the_site_loads_pyodide_and_viz_from_the_cdn_by_default(tmp_path) -> None:
    site = build_site(tmp_path / "site")
    config = json.loads((site / "config.json").read_text())
    assert config["pyodide"] == f"https://cdn.jsdelivr.net/npm/pyodide@{PYODIDE_VERSION}/"
    assert VIZ_VERSION in config["viz"]
    assert not (site / "pyodide").exists()
    for archive in config["packages"]:
        assert (site / archive).stat().st_size > 0
    import zipfile

    names = zipfile.ZipFile(site / "packages/autograd_scalar.zip").namelist()
    assert "autograd_scalar/explain/static/stepper.js" in names
    assert "autograd_scalar/explain/static/stepper.css" in names
    assert "autograd_scalar/core/value.py" in names
    # nothing of this machine's install comes along (direct_url.json names a local path)
    assert not any(n.endswith(("direct_url.json", "RECORD", "INSTALLER")) for n in names)
    for name in ("stepper.js", "stepper.css"):  # the same stepper as the page and notebook
        static = Path(cli.__file__).parent.parent / "explain/static" / name
        assert (site / name).read_text() == static.read_text()
    assert '<link rel="stylesheet" href="stepper.css">' in (site / "index.html").read_text()


def test_a_folder_that_is_not_pyodide_is_refused_by_name(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="has no pyodide.js: is it Pyodide's core"):
        build_site(tmp_path / "site", pyodide=tmp_path)


def test_the_command_needs_a_folder_or_serve(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as refused:
        cli.main(["playground"])
    assert refused.value.code == 2
    err = capsys.readouterr().err
    assert "give a DIR" in err and "usage: autograd-scalar playground" in err
    assert cli.main(["playground", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "index.html").is_file()


# --- in a real browser -------------------------------------------------------------------


@pytest.fixture(scope="module")
def npm_tarballs(pytestconfig) -> dict[str, Path]:
    """Pyodide's and viz's npm tarballs at the pinned versions, fetched once and cached."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    cache = Path(pytestconfig.cache.mkdir("playground-npm"))
    wanted = {
        "pyodide": cache / f"pyodide-{PYODIDE_VERSION}.tgz",
        "viz": cache / f"viz-js-viz-{VIZ_VERSION}.tgz",
    }
    if not all(p.is_file() for p in wanted.values()):
        # packed into a folder of this run's own, then moved in whole: two test runs sharing
        # the cache (CI runs two Pythons side by side) never read a half-written tarball
        with tempfile.TemporaryDirectory(dir=cache) as packing:
            subprocess.run(
                ["npm", "pack", f"pyodide@{PYODIDE_VERSION}", f"@viz-js/viz@{VIZ_VERSION}"],
                cwd=packing,
                check=True,
                capture_output=True,
                timeout=600,
            )
            for path in wanted.values():
                os.replace(Path(packing) / path.name, path)
    return wanted


@pytest.fixture(scope="module")
def served(npm_tarballs, tmp_path_factory) -> Iterator[str]:
    """The site, built with the local copies, served on 127.0.0.1."""
    site = build_site(
        tmp_path_factory.mktemp("playground"),
        pyodide=npm_tarballs["pyodide"],
        viz=npm_tarballs["viz"],
    )

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser_page(served):
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        outside: list[str] = []
        page.on(
            "request",
            lambda r: None if r.url.startswith(served) else outside.append(r.url),
        )
        started = time.perf_counter()
        page.goto(served)
        page.wait_for_selector("body[data-ready=yes]", timeout=180_000)
        page.first_load = time.perf_counter() - started
        yield page
        browser.close()
        assert outside == []  # everything came from the site itself


def run_and_wait(page, action) -> None:
    runs = int(page.get_attribute("body", "data-runs") or 0)
    action()
    page.wait_for_function(f"+document.body.dataset.runs > {runs}", timeout=120_000)


def grads_drawn(page) -> list[str]:
    return page.eval_on_selector_all(
        "#view-drawing g.node text",
        "ts => ts.map(t => t.textContent).filter(t => t.startsWith('grad '))",
    )


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_each_example_runs_in_the_page_with_the_engines_numbers(browser_page, name) -> None:
    page = browser_page
    run_and_wait(page, lambda: page.select_option("#examples", name))
    assert page.inner_text("#error") == ""
    expected = run_code(EXAMPLES[name])  # the same engine in CPython
    assert page.inner_text("#output") == expected["output"]
    assert page.text_content("#view-derivation") == expected["derivation"]
    assert page.text_content("#view-program") == expected["program"]
    assert sorted(grads_drawn(page)) == sorted(re.findall(r"grad [^ }|\"]+", expected["drawing"]))
    if name == "w1–w6 network":
        assert "grad 1.3125" in grads_drawn(page) and "grad 3.99" in grads_drawn(page)
    if name == "moons MLP":
        page.click("button[data-view=training]")
        assert page.query_selector("#view-training polyline.loss")
        assert page.query_selector("#view-training svg.boundary")


@pytest.mark.browser
@pytest.mark.slow
def test_the_stepper_moves_in_the_page(browser_page) -> None:
    page = browser_page
    run_and_wait(page, lambda: page.select_option("#examples", "small graph"))
    page.click("button[data-view=stepper]")
    assert page.inner_text("#view-stepper .caption").startswith("step 0 of 0–4")
    page.click("#view-stepper .next")
    assert page.inner_text("#view-stepper .caption").startswith("step 1 of 0–4")
    assert (
        page.eval_on_selector_all("#view-stepper g.edge.lit", "gs => gs.length") == 2
    )  # the edge, drawn in two halves through its number
    # the moons network is stepped neuron by neuron
    run_and_wait(page, lambda: page.select_option("#examples", "moons MLP"))
    page.click("button[data-view=stepper]")
    caption = page.inner_text("#view-stepper .caption")
    assert re.match(r"step 0 of 0–16: L2\.n0 passes its grad", caption)  # 1 + 8 + 8 neurons
    lit = page.eval_on_selector_all("#view-stepper g.edge.lit", "gs => gs.length")
    assert lit == 8  # the pieces of its 8 input edges, as drawn
    page.click("#view-stepper .next")
    assert re.match(r"step 1 of 0–16: L1\.n0 passes", page.inner_text("#view-stepper .caption"))


@pytest.mark.browser
@pytest.mark.slow
def test_edited_code_runs_and_an_error_is_one_line(browser_page) -> None:
    page = browser_page
    page.fill("#code", "from autograd_scalar import Value\nx = Value(3.0, label='x')\nx * x")
    run_and_wait(page, lambda: page.press("#code", "Control+Enter"))
    assert page.inner_text("#error") == "" and "grad 6" in grads_drawn(page)
    page.fill("#code", "from autograd_scalar import Value\nValue(-1.0).log()")
    run_and_wait(page, lambda: page.click("#run"))
    error = page.inner_text("#error")
    assert error.startswith("ValueError: log is defined for x > 0") and "\n" not in error
    assert "Traceback" not in page.inner_text("body")


@pytest.mark.browser
@pytest.mark.slow
def test_a_link_restores_its_code_and_view(browser_page) -> None:
    page = browser_page
    code = "from autograd_scalar import Value\ny = Value(2.0, label='y') ** 3  # ünïcode\ny"
    page.fill("#code", code)
    run_and_wait(page, lambda: page.click("#run"))
    page.click("button[data-view=adjoint]")
    link = page.url
    page.goto("about:blank")
    page.goto(link)
    page.wait_for_selector("body[data-ready=yes]", timeout=180_000)
    assert page.input_value("#code") == code
    assert page.get_attribute("#view-adjoint", "class") == "view open"
    assert "grad 12" in grads_drawn(page)


@pytest.mark.browser
@pytest.mark.slow
def test_a_long_chain_runs_and_python_lives_on(browser_page) -> None:
    # freeing a chain of 10⁴ ops node inside node overflowed WebAssembly's stack, and
    # Pyodide stopped for good; the page cuts the run's graphs apart before they are freed
    page = browser_page
    page.fill(
        "#code",
        "from autograd_scalar import Value\nx = Value(0.5, label='x')\ny = x\n"
        "for _ in range(5000):\n    y = y * 0.999999 + 0.001\ny",
    )
    run_and_wait(page, lambda: page.click("#run"))
    # past 60 values the drawing and stepper show the neuron view: here x → the output
    assert page.inner_text("#error") == "" and page.inner_text("#output") == "v₁₀₀₀₀ = 5.48503"
    run_and_wait(page, lambda: page.select_option("#examples", "small graph"))
    assert page.inner_text("#error") == "" and page.inner_text("#output") == "e = 6"


def test_serve_serves_the_site_on_localhost_and_opens_a_browser(tmp_path) -> None:
    import os
    import socket
    import sys
    import urllib.request

    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    opened = tmp_path / "opened"
    env = {**os.environ, "BROWSER": f"{sys.executable} -c \"open(r'{opened}', 'w').write('%s')\""}
    command = [sys.executable, "-m", "autograd_scalar.apps.cli", "playground", str(tmp_path / "s")]
    server = subprocess.Popen([*command, "--serve", "--port", str(port)], env=env)
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(100):
            try:
                page = urllib.request.urlopen(url, timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert "autograd_scalar playground" in page
        for _ in range(100):
            if opened.exists():
                break
            time.sleep(0.1)
        assert opened.read_text() == url  # the browser was sent to the page
    finally:
        server.terminate()
        server.wait(timeout=10)
