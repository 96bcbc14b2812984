"""The project's JupyterLab pre-save hook: a save with nothing really changed keeps the committed bytes."""

from __future__ import annotations

import copy
import importlib.util
import io
import json
import os
import runpy
from pathlib import Path
from typing import Any

import nbformat
import pytest

from analysis.paths import STORY_NOTEBOOK
from tests.conftest import PROJECT_ROOT

CONFIG = PROJECT_ROOT / ".jupyter" / "jupyter_server_config.py"
NOTEBOOKS = sorted(p for p in (PROJECT_ROOT / "notebooks").glob("*.ipynb") if STORY_NOTEBOOK.match(p.name))
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def load_config() -> Any:
    """Import the server config file as a module (outside a server it only defines functions)."""
    spec = importlib.util.spec_from_file_location("dfx_jupyter_config", CONFIG)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeContentsManager:
    """What the hook reads from the contents manager: its root directory."""

    def __init__(self, root: Path) -> None:
        self.root_dir = str(root)


def as_javascript(value: Any) -> Any:
    """What JupyterLab sends back: JSON parsed and re-serialised by JavaScript (70000.0 becomes 70000)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: as_javascript(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_javascript(v) for v in value]
    return value


def lab_model(path: Path, *, run_all: bool) -> dict[str, Any]:
    """The save model JupyterLab sends after opening (PNG per chart) or Run All (new counts too)."""
    content = as_javascript(json.loads(path.read_text(encoding="utf-8")))
    for cell in content["cells"]:
        for output in cell.get("outputs", []):
            if PLOTLY_MIME in output.get("data", {}):
                output["data"]["image/png"] = "iVBORw0KGgo" * 1000
        if run_all and cell["cell_type"] == "code":
            cell["execution_count"] = (cell["execution_count"] or 0) + 10
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = cell["execution_count"]
    content["metadata"]["language_info"]["version"] = "3.11.99"
    return {"type": "notebook", "format": "json", "content": content}


def saved_bytes(model: dict[str, Any]) -> bytes:
    """The bytes jupyter_server writes for a notebook model (it calls nbformat.write, as here)."""
    buffer = io.StringIO()
    nbformat.write(nbformat.from_dict(model["content"]), buffer, version=nbformat.NO_CONVERT)
    return buffer.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def config() -> Any:
    """The project's Jupyter server config, imported."""
    return load_config()


def test_server_config_handles_root_headless_scratch_and_save(monkeypatch: pytest.MonkeyPatch) -> None:
    """As `make lab` loads it: --allow-root when root, no browser without a display, explore/ first, safe save."""
    from traitlets.config import Config

    for display in ("", ":0"):
        monkeypatch.setenv("DISPLAY", display)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        cfg = Config()
        runpy.run_path(str(CONFIG), init_globals={"get_config": lambda cfg=cfg: cfg})
        assert cfg.ServerApp.allow_root == (os.geteuid() == 0)
        assert cfg.ServerApp.open_browser == bool(display)
        assert cfg.ServerApp.root_dir == str(PROJECT_ROOT)
        assert cfg.FileContentsManager.preferred_dir == "explore"
        assert cfg.FileContentsManager.pre_save_hook.__name__ == "safe_save"
        assert cfg.LabApp.news_url is None
    assert (PROJECT_ROOT / "explore" / "starter.ipynb").is_file()
    overrides = json.loads((PROJECT_ROOT / ".jupyter" / "overrides.json").read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert overrides["@jupyterlab/docmanager-extension:plugin"]["autosave"] is False


def test_config_uses_the_scratch_folder_and_is_git_ignored(config: Any) -> None:
    """The scratch folder is git-ignored; its starter's source (docs/) is committed and not ignored."""
    assert config.SCRATCH == "explore"
    assert "explore/" in (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert config.STARTER.is_file() and config.STARTER.parent.name == "docs"


@pytest.mark.parametrize("run_all", [False, True], ids=["open-save", "run-all-save"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_unchanged_save_keeps_committed_bytes(config: Any, path: Path, run_all: bool) -> None:
    """Open (or Run All) then Ctrl+S: the hook gives back the committed bytes exactly."""
    model = lab_model(path, run_all=run_all)
    assert saved_bytes(model) != path.read_bytes()  # without the hook the file would change
    config.safe_save(model, f"notebooks/{path.name}", FakeContentsManager(PROJECT_ROOT))
    assert saved_bytes(model) == path.read_bytes()


def test_real_change_is_saved_without_png(config: Any) -> None:
    """An edited cell and a changed output are saved; other cells keep their bytes; no PNG is kept."""
    path = next(p for p in NOTEBOOKS if PLOTLY_MIME in p.read_text(encoding="utf-8"))
    model = lab_model(path, run_all=True)
    code = [c for c in model["content"]["cells"] if c["cell_type"] == "code"]
    code[-1]["source"] += "\n# my note"
    config.safe_save(model, f"notebooks/{path.name}", FakeContentsManager(PROJECT_ROOT))
    saved = json.loads(saved_bytes(model))
    original = json.loads(path.read_text(encoding="utf-8"))
    assert "".join(saved["cells"][-1]["source"]).endswith("# my note") or any(
        "".join(c["source"]).endswith("# my note") for c in saved["cells"])
    assert "image/png" not in json.dumps(saved)
    changed = [i for i, (a, b) in enumerate(zip(saved["cells"], original["cells"], strict=True)) if a != b]
    assert len(changed) == 1, changed
    assert saved["metadata"] == original["metadata"]


def test_new_notebook_is_saved_as_is(config: Any, tmp_path: Path) -> None:
    """A notebook not on disk yet (e.g. from the Launcher) is saved as sent, minus plotly PNGs."""
    model = {"type": "notebook", "content": copy.deepcopy(json.loads(NOTEBOOKS[0].read_text(encoding="utf-8")))}
    before = copy.deepcopy(model)
    config.safe_save(model, "explore/Untitled.ipynb", FakeContentsManager(tmp_path))
    assert model == before


def test_scratch_folder_gets_the_starter_once(config: Any, tmp_path: Path) -> None:
    """ensure_scratch creates explore/ with the starter, and never overwrites the user's copy."""
    scratch = config.ensure_scratch(tmp_path)
    starter = scratch / "starter.ipynb"
    assert starter.read_bytes() == config.STARTER.read_bytes()
    starter.write_text("mine", encoding="utf-8")
    config.ensure_scratch(tmp_path)
    assert starter.read_text(encoding="utf-8") == "mine"
