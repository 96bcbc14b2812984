"""dystonia-facts: validated tables, charts and statistics from a saved NHS Choices page.

The public API, for your own notebooks (see explore/starter.ipynb and the README):

    import analysis
    tables = analysis.setup()            # theme + renderer for charts, and the page's validated tables
    analysis.set_as_of("2027-01-31")     # the "as of" date (DYSTONIA_FACTS_AS_OF); analysis.as_of() reads it
    analysis.publish(df)                 # a table as published: no 0,1,2 index, 70,000, "missing" in words
    analysis.apply_theme(fig, title, source)  # any plotly figure in the project's theme
    analysis.charts.bar_chart(...)       # the project's charts (also analysis.context, analysis.dystonia.summary)

Names are imported on first use, so `import analysis` stays cheap (no pandas or plotly until needed).
"""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

# public name -> (module, attribute); attribute None means the module itself
_EXPORTS: dict[str, tuple[str, str | None]] = {
    "setup": ("analysis.report.notebook", "setup"),
    "load_tables": ("analysis.data.load", "page_tables"),
    "fact": ("analysis.data.load", "fact"),
    "as_of": ("analysis.paths", "as_of"),
    "publish": ("analysis.figures.publish", "publish"),
    "apply_theme": ("analysis.figures.theme", "apply_theme"),
    "format_number": ("analysis.figures.theme", "format_number"),
    "summary_table": ("analysis.dystonia.summary", "summary_table"),
    "charts": ("analysis.figures.charts", None),
    "context": ("analysis.dystonia.context", None),
    "theme": ("analysis.figures.theme", None),
    "tables": ("analysis.figures.publish", None),
    "paths": ("analysis.paths", None),
}

__all__ = sorted([*_EXPORTS, "set_as_of"])


def set_as_of(value: str | date) -> date:
    """Set the analysis "as of" date for this session (ISO date); raise ValueError naming the variable if bad."""
    import os

    from analysis.paths import AS_OF_ENV, as_of

    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    previous = os.environ.get(AS_OF_ENV)
    os.environ[AS_OF_ENV] = text
    try:
        return as_of()
    except ValueError:
        if previous is None:
            os.environ.pop(AS_OF_ENV, None)
        else:
            os.environ[AS_OF_ENV] = previous
        raise


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    module_name, attribute = _EXPORTS[name]
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Public names for tab completion."""
    return sorted(set(globals()) | set(__all__))
