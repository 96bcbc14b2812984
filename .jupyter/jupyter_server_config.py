"""dystonia-facts' Jupyter server config, loaded by `make lab` (jupyter lab --config=.jupyter/jupyter_server_config.py).

* root and headless: --allow-root when run as root, no browser without a display (the URL with its token is printed);
* a scratch folder: the file browser and the Launcher start in explore/ (git-ignored), seeded with the starter notebook;
* warm kernels: a notebook's kernel starts with the heavy libraries imported (analysis/report/lab_kernels.py);
* legible charts: a chart keeps a minimum width and its output scrolls sideways in a narrow notebook (custom/custom.css);
* whole saves: a saved notebook replaces the file in one step (analysis/report/lab_contents.py);
* safe save: a pre-save hook keeps a notebook's bytes when nothing real changed (no PNG copies of plotly charts,
  no new execution counts, no 70000.0 -> 70000 re-serialisation), so `git diff` stays empty.
Only the standard library is used here: the server imports this file at start-up.
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCRATCH = "explore"  # git-ignored; never in the report or nbval (those take notebooks/NN-*.ipynb only)
STARTER = PROJECT_ROOT / "docs" / "explore-starter.ipynb"  # committed source of explore/starter.ipynb
PLOTLY_MIME = "application/vnd.plotly.v1+json"
# Notebook metadata the kernel rewrites on every run (Python's patch version); kept as on disk when only these differ.
VOLATILE_NB_METADATA = ("language_info",)


def ensure_scratch(root: Path = PROJECT_ROOT) -> Path:
    """Create explore/ and copy the starter notebook into it unless the user already has one there."""
    scratch = root / SCRATCH
    scratch.mkdir(exist_ok=True)
    target = scratch / "starter.ipynb"
    if STARTER.is_file() and not target.exists():
        shutil.copyfile(STARTER, target)
    return scratch


def strip_plotly_png(outputs: list[dict[str, Any]]) -> None:
    """Drop the PNG that JupyterLab's plotly extension adds beside each plotly figure (the JSON is the chart)."""
    for output in outputs:
        data = output.get("data")
        if isinstance(data, dict) and PLOTLY_MIME in data:
            data.pop("image/png", None)


def _comparable(cell: dict[str, Any]) -> dict[str, Any]:
    """A cell without what a re-run changes when nothing real did: execution counts and timing metadata."""
    outputs = [{k: v for k, v in o.items() if k != "execution_count"} for o in cell.get("outputs", [])]
    metadata = {k: v for k, v in cell.get("metadata", {}).items() if k not in ("execution", "trusted")}
    return {"cell_type": cell.get("cell_type"), "source": _text(cell.get("source", "")),
            "metadata": metadata, "outputs": [_normalised_output(o) for o in outputs]}


def _text(value: str | list[str]) -> str:
    """Notebook text fields may be a string or a list of lines."""
    return "".join(value) if isinstance(value, list) else value


def _normalised_output(output: dict[str, Any]) -> dict[str, Any]:
    """An output with its multi-line text fields joined (numbers compare by value: 70000 == 70000.0)."""
    out = dict(output)
    if "text" in out:
        out["text"] = _text(out["text"])
    if isinstance(out.get("data"), dict):
        out["data"] = {k: _text(v) if isinstance(v, list) and all(isinstance(s, str) for s in v) else v
                       for k, v in out["data"].items()}
    return out


def keep_unchanged(content: dict[str, Any], on_disk: dict[str, Any]) -> None:
    """Where a cell (or output) is the same as on disk in all but re-run noise, put the on-disk one back, byte for byte."""
    old_cells = {c.get("id"): c for c in on_disk.get("cells", []) if c.get("id")}
    for i, cell in enumerate(content.get("cells", [])):
        old = old_cells.get(cell.get("id"))
        if old is None:
            continue
        if _comparable(cell) == _comparable(old):
            content["cells"][i] = old
        elif cell.get("cell_type") == "code" and len(cell.get("outputs", [])) == len(old.get("outputs", [])):
            for j, (new_out, old_out) in enumerate(zip(cell["outputs"], old["outputs"], strict=True)):
                if _normalised_output(new_out) == _normalised_output(old_out):
                    cell["outputs"][j] = old_out
    old_meta, new_meta = on_disk.get("metadata", {}), content.get("metadata", {})

    def rest(meta: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in meta.items() if k not in VOLATILE_NB_METADATA}

    if rest(old_meta) == rest(new_meta):
        content["metadata"] = old_meta


def safe_save(model: dict[str, Any], path: str, contents_manager: Any, **kwargs: Any) -> None:
    """Pre-save hook: strip plotly PNGs, and keep every unchanged cell as it is on disk."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    content = model["content"]
    for cell in content.get("cells", []):
        if cell.get("cell_type") == "code":
            strip_plotly_png(cell.get("outputs", []))
    disk = Path(contents_manager.root_dir) / path.strip("/")
    try:
        on_disk = json.loads(disk.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # a new notebook, or an unreadable one: save what the user has
    keep_unchanged(content, on_disk)


def is_root() -> bool:
    """True when the server runs as root (a container, a cloud workspace)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def has_display() -> bool:
    """True when a desktop browser can be opened (X11, Wayland, macOS or Windows)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or os.name == "nt" \
        or os.uname().sysname == "Darwin"


if "get_config" in globals():  # executed by the Jupyter server (importing this file for tests does nothing)
    c = get_config()  # noqa: F821
    # jupyter lab loads this file for both its server and lab apps: the second hook assignment is the same hook.
    warnings.filterwarnings("ignore", message="Overriding existing pre_save_hook")
    c.ServerApp.root_dir = str(PROJECT_ROOT)
    c.ServerApp.allow_root = is_root()
    c.ServerApp.open_browser = has_display()
    # A save replaces the file in one step: a `make report` or `make test` running meanwhile never reads half of it.
    c.ServerApp.contents_manager_class = "analysis.report.lab_contents.ReplacingContentsManager"
    c.FileContentsManager.preferred_dir = SCRATCH
    c.FileContentsManager.pre_save_hook = safe_save
    c.LabApp.news_url = None
    # Kernels forked from one process that imported pandas, plotly & co. once (analysis/report/lab_kernels.py).
    c.AsyncMappingKernelManager.kernel_manager_class = "analysis.report.lab_kernels.WarmLabKernelManager"
    c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
    # The project's stylesheet (custom/custom.css here): charts keep the width their labels need, as in the report.
    c.LabApp.custom_css = True
    c.ServerApp.tornado_settings = {"static_custom_path": [str(PROJECT_ROOT / ".jupyter" / "custom")]}
    ensure_scratch()
