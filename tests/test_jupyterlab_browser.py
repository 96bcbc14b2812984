"""Every committed notebook in a real JupyterLab (headless Chromium), started with the project's server config.

Charts drawn with no errors and no text outside their figure at 800, 1100 and 1600 px; opening, Run All and Save
leave the files byte for byte (git status clean); a notebook from the Launcher lands in the scratch folder.
"""

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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from analysis.paths import STORY_NOTEBOOK
from tests.browser_support import (
    MAX_FIGURE_PX,
    SHOTS,
    fills,
    launch_chromium,
    needs_chromium,
    open_page,
    resize,
    settled_figures,
    widths_from,
)
from tests.conftest import PROJECT_ROOT
from tests.process_support import process_table

pytestmark = needs_chromium

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
NOTEBOOKS = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))
PLOTLY_MIME = "application/vnd.plotly.v1+json"
STARTUP_TIMEOUT = 120  # seconds; a busy 2-CPU machine can be slow to import the server
RENDER_TIMEOUT = 90_000  # milliseconds for a notebook's outputs to render
# Per-user settings for this run only: render every cell. Autosave and the news pop-up are NOT turned off
# here: the project's own .jupyter/overrides.json (installed by make) must do that.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
CONFIG = PROJECT_ROOT / ".jupyter" / "jupyter_server_config.py"  # what `make lab` starts JupyterLab with
SCRATCH = PROJECT_ROOT / "explore"
WIDTHS = (1600, 1100, 800)  # browser window widths (at 800 the file browser leaves a 368 px output area)
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
    """JupyterLab as `make lab` starts it (project config: root, news, scratch, safe save), local, throw-away state."""
    return [
        sys.executable, "-m", "jupyterlab", f"--config={CONFIG}", "--no-browser", "--LabApp.expose_app_in_browser=True",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={PROJECT_ROOT}",
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


@dataclass(frozen=True)
class Shown:
    """One browser tab on JupyterLab, loaded once for the module, with every request and console error it made."""

    page: Any
    requests: list[str]
    errors: list[str]


@pytest.fixture(scope="module")
def lab_tab(lab: Lab, browser: Any) -> Iterator[Shown]:
    """JupyterLab loaded once (a fresh workspace); each test opens its notebook in it, as a user would."""
    page, requests, errors = open_page(browser, f"{lab.url}/lab?reset&token={lab.token}", wait_until="domcontentloaded",
                                        width=WIDTHS[0])
    try:
        page.wait_for_function("() => !!window.jupyterapp", timeout=RENDER_TIMEOUT)
        page.evaluate("async () => { await window.jupyterapp.restored; }")
        yield Shown(page, requests, errors)
    finally:
        page.close()


def open_notebook(tab: Shown, name: str) -> list[str]:
    """Close every open document and open notebooks/NAME, as double-clicking it does; return its new errors."""
    del tab.errors[:]
    tab.page.evaluate("async (path) => { const app = window.jupyterapp;"
                      " await app.commands.execute('application:close-all');"
                      " await app.commands.execute('docmanager:open', {path}); }", f"notebooks/{name}")
    return tab.errors


def close_notebook(tab: Shown, lab: Lab, path: str) -> None:
    """Close the notebook on screen without a save prompt, then stop the kernels JupyterLab started for `path` (a
    file, or every file under a folder/). A notebook Lab changed in memory (the plotly renderer's PNGs, a new
    notebook's kernel metadata) would otherwise stop close-all at "Save your work", and the next notebook's kernel
    would never start."""
    with contextlib.suppress(Exception):
        tab.page.evaluate("async () => { const app = window.jupyterapp; const w = app.shell.currentWidget;"
                          " if (w && w.context) { w.context.model.dirty = false; }"
                          " await app.commands.execute('application:close-all'); }")
    stop_kernels(lab, path)


def stop_kernels(lab: Lab, path: str) -> None:
    """Stop the kernels JupyterLab started for the file at `path`, or for every file under the folder `path`/."""
    with contextlib.suppress(OSError):
        for session in api(lab, "/api/sessions"):
            if session["path"] == path or session["path"].startswith(path.rstrip("/") + "/"):
                api(lab, f"/api/sessions/{session['id']}", method="DELETE")


def test_launcher_notebook_lands_in_scratch_folder(lab: Lab, lab_tab: Shown) -> None:
    """A new notebook from the Launcher is created in explore/ (git-ignored), not in notebooks/ or the report.

    First in the module: JupyterLab as it opens (a reset workspace shows the Launcher), in the tab the notebook
    tests then use.
    """
    before = set(os.listdir(SCRATCH)) if SCRATCH.is_dir() else set()
    page = lab_tab.page
    created: list[str] = []
    try:
        assert (SCRATCH / "starter.ipynb").is_file()  # the server config seeded the scratch folder
        card = page.locator(".jp-LauncherCard[data-category='Notebook']").first
        card.wait_for(timeout=RENDER_TIMEOUT)
        breadcrumbs = page.locator(".jp-FileBrowser .jp-BreadCrumbs").inner_text()
        assert "explore" in breadcrumbs, breadcrumbs  # the file browser starts in the scratch folder
        card.click()
        page.locator(f"{PANEL} .jp-Cell").first.wait_for(timeout=RENDER_TIMEOUT)
        # Its kernel is up before the notebook is closed: the server's warm process may still be importing, and a
        # notebook closed while its kernel starts leaves Lab connecting to a kernel already shut down (404 errors,
        # logged during the next test). The second after it lets Lab's debugger get its replies (not cancelled).
        wait_for_kernel(page)
        page.wait_for_timeout(1000)
        created = sorted(n for n in set(os.listdir(SCRATCH)) - before if n.startswith("Untitled"))
        assert [n for n in created if n.endswith(".ipynb")], created
        assert not [n for n in os.listdir(NOTEBOOK_DIR) if n.startswith("Untitled")]
        ignored = subprocess.run(["git", "check-ignore", "-q", str(SCRATCH / created[0])], cwd=PROJECT_ROOT,
                                 timeout=30)
        assert ignored.returncode == 0, "explore/ must be git-ignored"
        from analysis.report.build import default_notebooks  # what `make report` publishes

        published = [p.name for p in default_notebooks()]
        assert created[0] not in published and all(STORY_NOTEBOOK.match(n) for n in published), published
    finally:
        close_notebook(lab_tab, lab, "explore/")
        for name in created:
            (SCRATCH / name).unlink(missing_ok=True)


def test_notebooks_are_committed() -> None:
    """The committed notebooks are there, and at least some of them carry plotly charts."""
    assert NOTEBOOKS, NOTEBOOK_DIR
    assert sum(PLOTLY_MIME in o.get("data", {}) for n in NOTEBOOKS for o in notebook_outputs(n)) > 0


def assert_charts_fit(page: Any, name: str) -> None:
    """At each window width, every chart follows the output width (never below MIN_FIGURE_PX: the output then
    scrolls), keeps all its text inside its box and draws no text over other text."""
    for width in widths_from(page, WIDTHS):  # from the width it opened at: one redraw fewer
        resize(page, width)
        figures = settled_figures(page, PANEL)  # JupyterLab relays out, then the plotly renderer redraws each figure
        for index, figure in enumerate(page.locator(f"{PANEL} .js-plotly-plot").all() if SHOTS else []):
            figure.scroll_into_view_if_needed()
            figure.screenshot(path=str(SHOTS / f"lab-{name[:2]}-{index}-{width}.png"))
        assert all(fills(f) for f in figures), (name, width, figures)  # responsive, never below MIN_FIGURE_PX
        assert [(f["text"], f["overlaps"]) for f in figures if f["over"] > 1 or f["overlaps"]] == [], (name, width)
        assert all(f["height"] <= MAX_FIGURE_PX for f in figures), (name, width, figures)


def assert_renders(page: Any, lab: Lab, name: str, requests: list[str], errors: list[str]) -> None:
    """JupyterLab draws every committed plotly output of the notebook, no output shows an error, charts fit."""
    outputs = notebook_outputs(name)
    expected = sum(PLOTLY_MIME in o.get("data", {}) for o in outputs)
    assert all(o.get("output_type") != "error" for o in outputs), name
    page.locator(f"{PANEL} .jp-Cell").first.wait_for(timeout=RENDER_TIMEOUT)
    assert page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current").inner_text() == name
    page.wait_for_function(
        "([drawn, charts, areas, shown]) => document.querySelectorAll(drawn).length === charts"
        " && document.querySelectorAll(areas).length === shown",
        arg=[DRAWN, expected, f"{PANEL} .jp-OutputArea-child", shown_outputs(name)], timeout=RENDER_TIMEOUT)
    if expected:  # resizing three times and waiting for every redraw gives a late renderer error time to show up
        assert_charts_fit(page, name)
    else:
        page.wait_for_timeout(500)  # let a late renderer error show up
    assert page.locator(DRAWN).count() == expected
    if any(name.startswith(n) for n in WITH_CHARTS):
        assert expected > 0, f"{name} should carry plotly charts"
    bad = page.locator(ERROR_OUTPUTS).all_inner_texts()
    assert bad == [], (name, bad)
    assert errors == [], (name, errors)
    remote = [u for u in requests if not u.startswith((lab.url, "data:", f"blob:{lab.url}"))]
    assert remote == [], remote
    assert "official Jupyter news" not in page.locator("body").inner_text()  # overrides.json: fetchNews off


# True once every plotly output of the notebook on screen also carries the PNG the plotly renderer adds to the model.
PNG_IN_MODEL_JS = """(mime) => {
    const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
    let charts = 0, pngs = 0;
    for (let i = 0; i < cells.length; i++) {
        const outputs = cells.get(i).outputs;
        for (let j = 0; outputs && j < outputs.length; j++) {
            const data = outputs.get(j).data;
            if (data[mime]) { charts++; pngs += data['image/png'] ? 1 : 0; }
        }
    }
    return pngs === charts;
}"""


def git_status(path: Path) -> str:
    """`git status --porcelain` for one file ("" when it matches the last commit)."""
    result = subprocess.run(["git", "status", "--porcelain", "--", str(path)], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=30, check=True)
    return result.stdout


def wait_for_kernel(page: Any) -> None:
    """Wait until the notebook's kernel is connected and idle."""
    page.wait_for_function("() => { const w = window.jupyterapp.shell.currentWidget;"
                           " const k = w && w.sessionContext && w.sessionContext.session"
                           " && w.sessionContext.session.kernel; return !!k && k.status === 'idle'; }",
                           timeout=RENDER_TIMEOUT)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_renders_then_run_all_and_save_keep_it(lab: Lab, lab_tab: Shown, name: str) -> None:
    """Opened in JupyterLab, the notebook shows every committed output (charts drawn, fitting, no errors); then
    Run All and Save (Ctrl+S) leave the committed file byte for byte the same, and git sees no change."""
    path = NOTEBOOK_DIR / name
    before = path.read_bytes()
    git_before = git_status(path)
    page = lab_tab.page
    errors = open_notebook(lab_tab, name)  # only this notebook is open
    try:
        assert_renders(page, lab, name, lab_tab.requests, errors)
        assert path.read_bytes() == before, f"{name}: opening it changed the file"
        wait_for_kernel(page)
        # The command's promise resolves once every cell has run (or raises if one fails).
        ran = page.evaluate("async () => await window.jupyterapp.commands.execute('notebook:run-all-cells')")
        assert ran is not False, f"{name}: Run All reported a failure"
        wait_for_kernel(page)
        # The plotly renderer draws each new figure and adds its PNG to the model: saving must drop it again.
        page.wait_for_function(PNG_IN_MODEL_JS, arg=PLOTLY_MIME, timeout=RENDER_TIMEOUT)
        # Keyboard focus in the notebook, as a click gives it, without aiming at a point: after the width checks
        # JupyterLab's toolbar can be laid over the notebook's corner for a while, and a click there hits the toolbar.
        page.locator(f"{PANEL} .jp-Notebook").focus()
        page.keyboard.press("Control+s")
        # JupyterLab clears the dirty flag when the server has answered the save, so the file is written by then
        # (a later write would still show in test_opening_left_notebooks_untouched).
        page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty",
                               timeout=RENDER_TIMEOUT)
        assert path.read_bytes() == before, f"{name}: saving after Run All changed the file"
        assert git_status(path) == git_before  # clean on a clean checkout ("" before and after)
        assert not [e for e in errors if "Failed to load resource" not in e], errors
    finally:
        if path.read_bytes() != before:  # keep what was saved for diagnosis; never leave the notebook modified
            if SHOTS:
                SHOTS.mkdir(parents=True, exist_ok=True)
                (SHOTS / f"saved-{name}").write_bytes(path.read_bytes())
            path.write_bytes(before)
        close_notebook(lab_tab, lab, f"notebooks/{name}")


def kernels_of(lab: Lab) -> tuple[int, list[int]]:
    """The server's fork server and the kernels forked from it now."""
    table = process_table()
    server = next(pid for pid, (_, cmd) in table.items() if f"--IdentityProvider.token={lab.token}" in cmd)
    zygotes = [pid for pid, (ppid, cmd) in table.items() if ppid == server and "kernel_zygote.py" in cmd]
    assert len(zygotes) == 1, zygotes
    return zygotes[0], sorted(pid for pid, (ppid, _) in table.items() if ppid == zygotes[0])


def kernels_once(lab: Lab, ready: Callable[[list[int]], bool]) -> tuple[int, list[int]]:
    """kernels_of(lab) once `ready(kernels)` holds (failing after 30 s)."""
    deadline = time.monotonic() + 30
    while not ready((found := kernels_of(lab))[1]):
        assert time.monotonic() < deadline, found
        time.sleep(0.1)
    return found


def test_kernels_are_forks_of_one_warm_process(lab: Lab) -> None:
    """A kernel JupyterLab starts is forked from the server's one warm process (pandas already mapped into it, its
    own process group); a restarted kernel is a new fork of the same process, and a stopped one is gone."""
    kernel = api(lab, "/api/kernels", method="POST")["id"]
    try:
        zygote, (first,) = kernels_once(lab, lambda kernels: len(kernels) == 1)
        assert "/pandas/" in Path(f"/proc/{first}/maps").read_text()  # imported before the kernel existed
        assert os.getpgid(first) == first
        api(lab, f"/api/kernels/{kernel}/restart", method="POST")
        again, (second,) = kernels_once(lab, lambda kernels: len(kernels) == 1 and kernels != [first])
        assert again == zygote and second != first
    finally:
        api(lab, f"/api/kernels/{kernel}", method="DELETE")
    kernels_once(lab, lambda kernels: kernels == [])


def test_opening_left_notebooks_untouched(lab: Lab) -> None:
    """After every notebook was opened, rendered, run and saved, the files on disk are byte for byte the same, with no new files."""
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
