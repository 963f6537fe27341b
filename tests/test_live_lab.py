"""Live notebooks: JupyterLab runs a chapter and its ipywidgets slider recomputes.

Each notebook is copied to a temporary folder first, so JupyterLab's autosave can
never touch the committed outputs.
"""

from __future__ import annotations

import math
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import ROOT

pytestmark = pytest.mark.lab


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def jupyter_lab(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    """JupyterLab on a free local port, serving a temporary folder for notebook copies."""
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    # Render every cell (JupyterLab otherwise leaves off-screen outputs out of the page).
    tracker_settings = tmp_path / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker_settings.parent.mkdir(parents=True)
    tracker_settings.write_text('{"windowingMode": "none"}')
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("jupyter")),
            "lab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={notebooks}",
            f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
            f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("JupyterLab did not start within 60 s")
            time.sleep(0.5)
    yield base, token, notebooks
    server.terminate()  # also shuts down the kernel sessions it started
    server.wait(timeout=30)


def open_notebook(lab: tuple[str, str, Path], browser: object, notebook: str) -> tuple[Any, Any]:
    """A copy of ``book/<notebook>`` opened in JupyterLab (every non-local request blocked), its kernel idle."""
    base, token, folder = lab
    shutil.copy(ROOT / "book" / notebook, folder / notebook)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:")) else route.abort()
        ),
    )
    # reset: a fresh workspace, so that a notebook opened earlier in the same server is not reopened beside it.
    page.goto(f"{base}/lab/tree/{notebook}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    # JupyterLab may ask which kernel to start; answer with the notebook's own (Python 3).
    select_kernel = page.locator(".jp-Dialog button", has_text="Select")
    try:
        select_kernel.wait_for(timeout=15_000)
        select_kernel.click()
    except PlaywrightTimeout:
        pass
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    return context, page


def run_all(page: Any) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def run_notebook_and_set_first_slider(
    lab: tuple[str, str, Path], browser: object, notebook: str, value: str, expected_text: str
) -> tuple[str, str]:
    """Open a copy of ``book/<notebook>`` in JupyterLab, run all cells, type ``value`` into the
    first slider's readout and wait until an output shows ``expected_text``.

    Returns the text of that output before and after the change.
    """
    context, page = open_notebook(lab, browser, notebook)
    run_all(page)

    readout = page.locator(".widget-readout").first
    try:
        readout.wait_for(timeout=90_000)
    finally:
        page.screenshot(path=str(ROOT / "_build" / f"live-lab-{notebook}.png"))
    # Wait until every cell has run: no prompt left at "[*]" (queued or running).
    page.wait_for_function(
        "() => { const prompts = [...document.querySelectorAll('.jp-InputArea-prompt')].map(p => p.innerText);"
        " return prompts.some(p => /\\d/.test(p)) && !prompts.some(p => p.includes('*')); }",
        timeout=120_000,
    )
    live_outputs = "() => [...document.querySelectorAll('.widget-html-content')].map(el => el.innerText)"
    before = page.evaluate(live_outputs)

    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(value)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(expected) => [...document.querySelectorAll('.widget-html-content')]"
        ".some(el => el.innerText.includes(expected))",
        arg=expected_text,
        timeout=30_000,
    )
    after = page.evaluate(live_outputs)
    context.close()
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert len(changed) == 1, "exactly one live output should change"
    return changed[0]


def test_demo_slider_recomputes_in_jupyterlab(jupyter_lab: tuple[str, str, Path], browser: object) -> None:
    expected = f"{math.exp(2 * 1.959964 * math.sqrt(4 / 390)):.3f}"
    before, after = run_notebook_and_set_first_slider(jupyter_lab, browser, "demo.ipynb", "390", expected)
    assert after.endswith(expected)
    assert not before.endswith(expected)


def test_uncertainty_widget_recomputes_in_jupyterlab(jupyter_lab: tuple[str, str, Path], browser: object) -> None:
    """Chapter 5's first live widget shows what the tested Python function computes."""
    from alexandra import widgets

    precision = widgets.precision()
    events = precision.controls[0]
    assert events.name == "events"
    expected_lines = precision.lines(events=390)
    before, after = run_notebook_and_set_first_slider(
        jupyter_lab, browser, "06-uncertainty.ipynb", "390", expected_lines[0]
    )
    assert after.splitlines() == expected_lines
    assert before.splitlines() == precision.lines()


#: MyST markup that would show if JupyterLab rendered a markdown cell as plain Markdown.
RAW_MYST = re.compile(r"\{[a-z][\w:-]*\}`|:::\{|```\{|\{\{|glued\[")
MARKDOWN_TEXT = "() => [...document.querySelectorAll('.jp-MarkdownCell .myst')].map(e => e.innerText)"


def test_instructor_runs_a_chapter_and_the_prose_follows_a_changed_cell(
    jupyter_lab: tuple[str, str, Path], browser: object
) -> None:
    """An instructor opens chapter 6 in JupyterLab, reads it, runs it, changes a number and reruns."""
    context, page = open_notebook(jupyter_lab, browser, "06-uncertainty.ipynb")
    page.wait_for_selector(".jp-MarkdownCell .myst", timeout=60_000)  # jupyterlab-myst renders the prose

    # Before running anything: the prose shows numbers (stored with the notebook), never markup.
    before = page.evaluate(MARKDOWN_TEXT)
    assert any("hazard ratio for invasive disease-free survival of 1.11" in " ".join(t.split()) for t in before)
    assert [m for text in before for m in RAW_MYST.findall(text)] == []
    assert not any("Unknown Directive" in text or "Unknown Role" in text for text in before)
    notes = page.locator(".jp-OutputArea-output", has_text="run the notebook").count()
    assert notes >= 5, "each committed chart output says how to draw it"

    run_all(page)
    page.wait_for_function(
        "() => { const prompts = [...document.querySelectorAll('.jp-InputArea-prompt')].map(p => p.innerText);"
        " return prompts.filter(p => /\\d/.test(p)).length > 20 && !prompts.some(p => p.includes('*')); }",
        timeout=180_000,
    )
    page.wait_for_function("() => document.querySelectorAll('.vega-embed canvas, .vega-embed svg').length >= 5")
    after = page.evaluate(MARKDOWN_TEXT)
    assert [m for text in after for m in RAW_MYST.findall(text)] == []
    assert not page.locator(".jp-OutputArea-output", has_text="run the notebook").count(), "charts drawn once run"
    empty = page.evaluate(
        "() => [...document.querySelectorAll('.jp-OutputArea-output')].filter(o => !o.innerText.trim()"
        " && !o.querySelector('canvas, svg, img, input')).length"
    )
    assert empty == 0, "an output shows an empty box"

    # The instructor asks for a narrower interval in exercise 1: the exercise's text follows.
    given = page.locator(".jp-CodeCell", has_text="target_ratio = 1.5")
    given.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("target_ratio = 2.0\nglue_numbers(unc_ex1_ratio=target_ratio)")
    page.keyboard.press("Shift+Enter")  # runs the cell, moves to the exercise
    page.keyboard.press("Shift+Enter")  # renders the exercise again, evaluating its numbers
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-MarkdownCell .myst')]"
        ".some(e => /at most\\s+2\\.0\\s+times the lower limit/.test(e.innerText))",
        timeout=30_000,
    )
    page.screenshot(path=str(ROOT / "_build" / "live-lab-instructor.png"))
    context.close()


def test_every_chapter_opens_in_jupyterlab_as_prose_not_markup(
    jupyter_lab: tuple[str, str, Path], browser: object
) -> None:
    """Before anything runs, every page of the book reads in JupyterLab as it does in the book: numbers
    (stored with the notebook), rendered roles and directives, no raw markup and no unknown directive."""
    from notebook_outputs import toc_notebooks

    found = {}
    for path in toc_notebooks():
        relative = path.relative_to(ROOT / "book").as_posix()
        (jupyter_lab[2] / relative).parent.mkdir(parents=True, exist_ok=True)
        context, page = open_notebook(jupyter_lab, browser, relative)
        page.wait_for_selector(".jp-MarkdownCell .myst", timeout=60_000)
        texts = page.evaluate(MARKDOWN_TEXT)
        problems = [m for text in texts for m in RAW_MYST.findall(text)]
        problems += [text[:80] for text in texts if "Unknown Directive" in text or "Unknown Role" in text]
        if problems:
            found[relative] = problems
        context.close()
    assert found == {}
