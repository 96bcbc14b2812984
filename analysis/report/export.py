"""Write the report's files: notebook pages via the dystonia_lab nbconvert template, assets, CSVs.

nbconvert is imported only inside export_html (it runs in the worker processes), so importing
this module stays cheap for a rebuild where every notebook is a cache hit.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path
from typing import Any

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
NB_TEMPLATE = "dystonia_lab"
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def write_if_changed(path: Path, data: bytes) -> None:
    """Atomically write data to path unless it already holds exactly those bytes."""
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _human_size(n: int) -> str:
    """Format a byte count for humans."""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


# --------------------------------------------------------------------------- notebook pages


def _script_json(value: Any) -> str:
    """Serialise value as JSON that is safe inside a <script> element."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


# A Markdown link target that is a sibling notebook: [text](01-prevalence.ipynb) or (...ipynb#section).
NOTEBOOK_LINK = re.compile(r"\]\(([\w-]+)\.ipynb(#[\w-]*)?\)")


def _prepare_for_export(nb: Any, name: str, title: str) -> int:
    """Strip volatile metadata, give plotly outputs deterministic ids; return the figure count."""
    slug = "".join(c if c.isalnum() else "-" for c in name).strip("-") or "nb"
    for key in ("widgets", "papermill", "execution"):
        nb.metadata.pop(key, None)
    nb.metadata["title"] = title
    figures = 0
    for ci, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        if cell.cell_type == "markdown":  # links between notebooks point at their report pages
            cell.source = NOTEBOOK_LINK.sub(r"](\1.html\2)", cell.source)
        for oi, output in enumerate(cell.get("outputs", [])):
            if PLOTLY_MIME in output.get("data", {}):
                output.setdefault("metadata", {})["dystonia_facts"] = {
                    "div_id": f"fig-{slug}-{ci}-{oi}"
                }
                figures += 1
    return figures


@functools.cache
def _exporter() -> Any:
    """One HTMLExporter with the dystonia_lab template, reused for every page (templates load once)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    priority = list(HTMLExporter().default_config.NbConvertBase.display_data_priority)
    config = Config()
    config.NbConvertBase.display_data_priority = [PLOTLY_MIME, *priority]
    exporter = HTMLExporter(
        config=config,
        template_name=NB_TEMPLATE,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_filter("script_json", _script_json)
    return exporter


# A small executed notebook with the kinds of cells and outputs the report's pages have. Exporting it once
# compiles what the first real page would otherwise compile while the build waits for it: the templates'
# code, the Markdown renderer, the Pygments lexers and the regular expressions of the HTML sanitiser.
_WARM_UP_NOTEBOOK = {
    "nbformat": 4, "nbformat_minor": 5,
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                 "language_info": {"name": "python", "codemirror_mode": {"name": "ipython", "version": 3},
                                   "pygments_lexer": "ipython3", "file_extension": ".py"}},
    "cells": [
        {"cell_type": "markdown", "id": "w0", "metadata": {},
         "source": "# Warm-up\n\nSome *text*, a [link](01-x.ipynb#a), `code`, a list:\n\n- one\n- two\n\n"
                   "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```"},
        {"cell_type": "code", "id": "w1", "metadata": {}, "execution_count": 1,
         "source": "import pandas as pd\n%matplotlib inline\ndf = pd.DataFrame({'a': [1]})  # comment\ndf",
         "outputs": [
             {"output_type": "stream", "name": "stdout", "text": "text \x1b[31mred\x1b[0m\n"},
             {"output_type": "execute_result", "execution_count": 1, "metadata": {},
              "data": {"text/plain": "   a\n0  1", "text/html": "<table><tr><td>1</td></tr></table>"}},
             {"output_type": "display_data", "metadata": {},
              "data": {PLOTLY_MIME: {"data": [], "layout": {}}, "text/html": "<div></div>", "text/plain": "Figure"}},
             {"output_type": "display_data", "metadata": {}, "data": {"text/markdown": "**bold**", "text/plain": "x"}},
         ]},
    ],
}


def prepare_exporter() -> None:
    """Load nbconvert and the templates now (while kernels run), not when the first page is ready."""
    _warmed_exporter()


@functools.cache
def _warmed_exporter() -> None:
    """The exporter, with one throwaway page exported (its output is discarded)."""
    import nbformat

    _exporter().from_notebook_node(nbformat.from_dict(_WARM_UP_NOTEBOOK), resources={"metadata": {"name": "warm-up"}})


def export_html(nb: Any, name: str, title: str) -> tuple[str, int]:
    """Export an executed notebook with the dystonia_lab nbconvert template; return (html, figures)."""
    figures = _prepare_for_export(nb, name, title)
    html, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": name}})
    return html, figures


# --------------------------------------------------------------------------- shared assets and CSVs


def plotly_js_path() -> Path:
    """Location of plotly.min.js shipped with the plotly Python package (without importing it)."""
    import importlib.util

    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the plotly package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


def lab_css() -> bytes:
    """JupyterLab CSS of nbconvert's lab template (index + light theme), shared by all pages."""
    from jupyter_core.paths import jupyter_path

    for directory in jupyter_path("nbconvert", "templates", "lab", "static"):
        base = Path(directory)
        if (base / "index.css").is_file() and (base / "theme-light.css").is_file():
            return (base / "index.css").read_bytes() + b"\n" + (base / "theme-light.css").read_bytes()
    raise RuntimeError("nbconvert's lab template CSS was not found")


ASSET_NAMES = ("assets/plotly.min.js", "assets/jupyterlab.css")


def _asset_bytes() -> dict[str, bytes]:
    """The shared assets' bytes by relative path."""
    return {"assets/plotly.min.js": plotly_js_path().read_bytes(), "assets/jupyterlab.css": lab_css()}


def write_assets(out: Path) -> None:
    """Write the shared assets (plotly.js, JupyterLab CSS) once into out/assets."""
    for rel, data in _asset_bytes().items():
        write_if_changed(out / rel, data)


def assets_current(out: Path, recorded: dict[str, str]) -> bool:
    """True when the recorded hashes of the assets are those of the installed packages' files."""
    import hashlib

    return all(recorded.get(rel) == hashlib.sha256(data).hexdigest() for rel, data in _asset_bytes().items())


def published_files_list(out: Path) -> list[str]:
    """Relative paths of the files under out, except the build cache."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                  if p.is_file() and ".build-cache" not in p.relative_to(out).parts)


def copy_csvs(source: Path, target: Path) -> list[dict[str, str]]:
    """Mirror source/*.csv into target (removing stale CSVs); return link info for the index."""
    links: list[dict[str, str]] = []
    wanted = sorted(source.glob("*.csv")) if source.is_dir() else []
    names = {p.name for p in wanted}
    if target.is_dir():
        for stale in target.glob("*.csv"):
            if stale.name not in names:
                stale.unlink()
    for csv in wanted:
        data = csv.read_bytes()
        write_if_changed(target / csv.name, data)
        links.append({"name": csv.name, "href": f"{target.name}/{csv.name}",
                      "size": _human_size(len(data))})
    return links
