"""Open every committed notebook in a real JupyterLab (headless Chromium): charts drawn, no errors, files untouched."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import launch_chromium, needs_chromium, open_page
from tests.conftest import PROJECT_ROOT

pytestmark = needs_chromium

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
NOTEBOOKS = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))
PLOTLY_MIME = "application/vnd.plotly.v1+json"
STARTUP_TIMEOUT = 120  # seconds; a busy 2-CPU machine can be slow to import the server
RENDER_TIMEOUT = 90_000  # milliseconds for a notebook's outputs to render
# Per-user settings for this run only: render every cell, no news or update checks. Autosave is NOT
# turned off here: the project's own .jupyter/overrides.json (installed by make) must do that, since
# the plotly renderer adds a PNG to each output and an autosave would rewrite the committed notebook.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}
# Output DOM that means something went wrong: a stderr stream, a traceback, or a renderer that threw.
ERROR_OUTPUTS = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], .jp-OutputArea-output .ansi-red-fg"
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook on screen
DRAWN = f"{PANEL} .jp-OutputArea .js-plotly-plot:has(svg.main-svg)"  # plotly figures that drew their SVG
WITH_CHARTS = ("01-", "02-", "03-", "04-")  # the committed notebooks that show charts (00-overview has none)


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab server: where it listens, its token, and what the notebooks held before it started."""

    url: str
    token: str
    log: Path
    before: dict[str, bytes]
    listing: list[str]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def notebook_outputs(name: str) -> list[dict[str, Any]]:
    """Every output of a committed notebook, read from its JSON."""
    cells = json.loads((NOTEBOOK_DIR / name).read_text(encoding="utf-8"))["cells"]
    return [o for c in cells if c.get("cell_type") == "code" for o in c.get("outputs", [])]


def shown_outputs(name: str) -> int:
    """How many output areas JupyterLab shows for a notebook (it joins consecutive outputs of one stream)."""
    count = 0
    for cell in json.loads((NOTEBOOK_DIR / name).read_text(encoding="utf-8"))["cells"]:
        previous = None
        for output in cell.get("outputs", []):
            stream = output.get("name") if output.get("output_type") == "stream" else None
            count += not (stream and stream == previous)
            previous = stream
    return count


def api(lab: Lab, path: str, method: str = "GET") -> Any:
    """Call the server's REST API with the token; return the decoded JSON body (or None)."""
    req = urllib.request.Request(f"{lab.url}{path}", method=method, headers={"Authorization": f"token {lab.token}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        body = resp.read()
    return json.loads(body) if body else None


def lab_command(port: int, token: str, tmp: Path) -> list[str]:
    """The JupyterLab command line: local only, token auth, project root, no network, throw-away state."""
    return [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={PROJECT_ROOT}",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}", f"--LabApp.user_settings_dir={tmp / 'settings'}",
    ]  # fmt: skip


def lab_env(tmp: Path) -> dict[str, str]:
    """Environment with fresh Jupyter and IPython state directories under tmp."""
    env = dict(os.environ)
    for var, sub in [("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTER_CONFIG_DIR", "config"),
                     ("JUPYTER_DATA_DIR", "data"), ("IPYTHONDIR", "ipython")]:
        env[var] = str(tmp / sub)
        (tmp / sub).mkdir()
    env.pop("JUPYTER_TOKEN", None)
    return env


def wait_until_ready(proc: subprocess.Popen, lab: Lab) -> None:
    """Poll /api/status until the server answers with the token, or fail with its log."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"JupyterLab exited with {proc.returncode}:\n{lab.log.read_text(errors='replace')[-3000:]}")
        try:
            if "started" in api(lab, "/api/status"):
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {STARTUP_TIMEOUT}s:\n{lab.log.read_text(errors='replace')[-3000:]}")


def stop(proc: subprocess.Popen, lab: Lab) -> None:
    """Ask the server to shut down (it stops its kernels); terminate, then kill, if it does not."""
    try:
        api(lab, "/api/shutdown", method="POST")
        proc.wait(timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """One JupyterLab server for the whole module, with throw-away runtime, settings and workspaces."""
    tmp = tmp_path_factory.mktemp("lab")
    for name, values in LAB_SETTINGS.items():
        (tmp / "settings" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp / "settings" / name).write_text(json.dumps(values), encoding="utf-8")
    port, token = free_port(), secrets.token_hex(16)
    lab = Lab(f"http://127.0.0.1:{port}", token, tmp / "lab.log",
              {n: (NOTEBOOK_DIR / n).read_bytes() for n in NOTEBOOKS}, sorted(set(os.listdir(NOTEBOOK_DIR)) - {".ipynb_checkpoints"}))
    with lab.log.open("wb") as log:
        proc = subprocess.Popen(lab_command(port, token, tmp), cwd=tmp, env=lab_env(tmp),
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_ready(proc, lab)
        yield lab
    finally:
        stop(proc, lab)


@pytest.fixture(scope="module")
def browser(lab: Lab) -> Iterator[Any]:
    """A headless Debian Chromium driven by playwright (started after the server, closed before it stops)."""
    with launch_chromium() as chromium:
        yield chromium


def test_notebooks_are_committed() -> None:
    """The committed notebooks are there, and at least some of them carry plotly charts."""
    assert NOTEBOOKS, NOTEBOOK_DIR
    assert sum(PLOTLY_MIME in o.get("data", {}) for n in NOTEBOOKS for o in notebook_outputs(n)) > 0


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_renders_in_jupyterlab(lab: Lab, browser: Any, name: str) -> None:
    """JupyterLab draws every committed plotly output of the notebook, and no output shows an error."""
    outputs = notebook_outputs(name)
    expected = sum(PLOTLY_MIME in o.get("data", {}) for o in outputs)
    assert all(o.get("output_type") != "error" for o in outputs), name
    url = f"{lab.url}/lab/tree/notebooks/{name}?reset&token={lab.token}"  # reset: only this notebook is open
    page, requests, errors = open_page(browser, url, wait_until="domcontentloaded")
    try:
        page.locator(f"{PANEL} .jp-Cell").first.wait_for(timeout=RENDER_TIMEOUT)
        assert page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current").inner_text() == name
        page.wait_for_function(
            "([drawn, charts, areas, shown]) => document.querySelectorAll(drawn).length === charts"
            " && document.querySelectorAll(areas).length === shown",
            arg=[DRAWN, expected, f"{PANEL} .jp-OutputArea-child", shown_outputs(name)], timeout=RENDER_TIMEOUT)
        page.wait_for_timeout(500)  # let a late renderer error show up
        assert page.locator(DRAWN).count() == expected
        if any(name.startswith(n) for n in WITH_CHARTS):
            assert expected > 0, f"{name} should carry plotly charts"
        bad = page.locator(ERROR_OUTPUTS).all_inner_texts()
        assert bad == [], (name, bad)
        assert errors == [], (name, errors)
        remote = [u for u in requests if not u.startswith((lab.url, "data:", f"blob:{lab.url}"))]
        assert remote == [], remote
    finally:
        page.close()
        with contextlib.suppress(OSError):  # stop the kernel JupyterLab started for this notebook
            for session in api(lab, "/api/sessions"):
                if session["path"] == f"notebooks/{name}":
                    api(lab, f"/api/sessions/{session['id']}", method="DELETE")


def test_opening_left_notebooks_untouched(lab: Lab) -> None:
    """After every notebook was opened (and rendered), the files on disk are byte for byte the same, with no new files."""
    time.sleep(1)
    for name, data in lab.before.items():
        assert (NOTEBOOK_DIR / name).read_bytes() == data, f"{name} was modified on disk"
    # JupyterLab keeps a checkpoint of each opened notebook in .ipynb_checkpoints/, which git ignores.
    assert sorted(set(os.listdir(NOTEBOOK_DIR)) - {".ipynb_checkpoints"}) == lab.listing
    assert ".ipynb_checkpoints/" in (PROJECT_ROOT / ".gitignore").read_text()
    assert not (PROJECT_ROOT / ".virtual_documents").exists()
    for model in api(lab, "/api/contents/notebooks")["content"]:
        if model["name"] in lab.before:
            assert model["size"] == len(lab.before[model["name"]]), model["name"]
