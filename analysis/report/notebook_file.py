"""A notebook file as the build reads it: its JSON (bad JSON names the file and line) and its title."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from analysis.page.errors import PageError


def read_notebook(notebook: Path) -> dict[str, Any]:
    """Return a notebook file's JSON; raise PageError naming the file and line when it is not a notebook's JSON."""
    try:
        data = json.loads(notebook.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise PageError(notebook, None, "notebook", f"is not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise PageError(notebook, exc.lineno, "notebook", f"is not valid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells", []), list):
        raise PageError(notebook, None, "notebook", "is not a notebook: an object with a list of cells is expected")
    return data


def notebook_title(notebook: Path) -> str:
    """Return the text of the notebook's first markdown heading (its file stem when it has none)."""
    for cell in read_notebook(notebook).get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("#"):
                heading = stripped.lstrip("#").strip()
                if heading:
                    return heading
    return notebook.stem
