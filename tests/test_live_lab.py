"""Live notebook: JupyterLab runs the demo chapter and its ipywidgets slider recomputes.

The notebook is copied to a temporary folder first, so JupyterLab's autosave can
never touch the committed outputs.
"""

from __future__ import annotations

import math
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import ROOT

pytestmark = pytest.mark.lab


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def jupyter_lab(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """JupyterLab on a free local port, serving a copy of the demo notebook."""
    shutil.copy(ROOT / "book" / "demo.ipynb", tmp_path / "demo.ipynb")
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser", "--allow-root",
            f"--port={port}", "--ip=127.0.0.1", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={tmp_path}", f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
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
    yield base, token
    server.terminate()  # also shuts down the kernel sessions it started
    server.wait(timeout=30)


def test_ipywidgets_slider_recomputes_in_jupyterlab(
    jupyter_lab: tuple[str, str], browser: object
) -> None:
    base, token = jupyter_lab
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:")) else route.abort(),
    )
    page.goto(f"{base}/lab/tree/demo.ipynb?token={token}")
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    # JupyterLab may ask which kernel to start; answer with the notebook's own (Python 3).
    select_kernel = page.locator(".jp-Dialog button", has_text="Select")
    try:
        select_kernel.wait_for(timeout=15_000)
        select_kernel.click()
    except PlaywrightTimeout:
        pass
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)

    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()

    readout = page.locator(".widget-readout").first
    try:
        readout.wait_for(timeout=60_000)
    finally:
        page.screenshot(path=str(ROOT / "_build" / "live-lab.png"))
    result = page.locator(".widget-html-content", has_text="CI ratio").first
    result.wait_for(timeout=60_000)
    before = result.inner_text()

    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("390")
    page.keyboard.press("Enter")

    expected = math.exp(2 * 1.959964 * math.sqrt(4 / 390))
    page.wait_for_function(
        "(expected) => [...document.querySelectorAll('.widget-html-content')]"
        ".some(el => el.innerText.includes(expected))",
        arg=f"{expected:.3f}",
        timeout=30_000,
    )
    after = result.inner_text()
    assert after != before
    assert after.endswith(f"{expected:.3f}")
    context.close()
