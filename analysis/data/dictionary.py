"""The data dictionary: every column of every table, generated from the pandera schemas."""

from __future__ import annotations

from pathlib import Path

from analysis.data.schemas import DERIVED_SCHEMAS, SCHEMAS
from analysis.paths import PROJECT_ROOT

DICTIONARY_PATH = PROJECT_ROOT / "docs" / "data-dictionary.md"
TABLE_PURPOSE = {
    "facts": "One row per statistical statement on the page, with its bounds and the sentence verbatim.",
    "types": "The main types of dystonia with the body-region rule that defines each.",
    "treatments": "The main types of treatment with the examples the page names.",
    "causes": "What makes dystonia primary, and the named causes of secondary dystonia.",
    "tests": "Tests the page says may be used in diagnosis.",
    "page": "One row: the page's identity, topic and review dates.",
    "ratings": "The ratings block: count, average (if shown) and per-label breakdown.",
    "comments": "Readers' comments: author, pseudonym, date and text (unverified personal views).",
    "numbers": "The ledger: every number on the page and the field that accounts for it.",
    "summary": "The key numbers with their bounds, and what this project derives from them (rates, shares, people).",
}


def dictionary_markdown() -> str:
    """Return the data dictionary as Markdown."""
    out = [
        "# Data dictionary",
        "",
        "Generated from `analysis/data/schemas.py` by `python -m analysis dictionary`; do not edit by hand.",
        "Every table is a CSV in `data/processed/` (UTF-8, ISO 8601 dates, empty cell = missing).",
        "",
    ]
    for name, schema in (SCHEMAS | DERIVED_SCHEMAS).items():
        out += [f"## `{name}.csv`", "", TABLE_PURPOSE[name], "", "| column | type | missing allowed | meaning |", "|---|---|---|---|"]
        for col, spec in schema.columns.items():
            out.append(f"| `{col}` | {spec.dtype} | {'yes' if spec.nullable else 'no'} | {spec.description} |")
        out.append("")
    return "\n".join(out)


def write_dictionary(path: Path | None = None) -> Path:
    """Write the data dictionary to docs/data-dictionary.md (or `path`)."""
    path = path or DICTIONARY_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dictionary_markdown(), encoding="utf-8")
    return path
