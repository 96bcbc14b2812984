"""The comparison's HTML page: the table in words (never NaN), the two charts, the pages that failed."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.utils import PlotlyJSONEncoder

from analysis.compare.charts import kinds_chart, overdue_chart
from analysis.compare.table import COMPARE_CSV, KIND_COLUMNS
from analysis.figures.theme import format_number
from analysis.report.export import TEMPLATE_DIR

TITLE = "NHS Choices pages compared"
HEADERS = ["Page", "Last reviewed", "Next review due", "Days overdue", "Ratings", "Average rating", "Comments",
           "Figures", "Exact", "Lower bounds", "Upper bounds", "Approxi\u00admations", "Ranges", "No number",
           "Name who estimated"]  # fmt: skip
NUMERIC = set(HEADERS[7:]) | {"Days overdue", "Ratings", "Comments"}


def figure_json(fig: go.Figure) -> str:
    """Serialise a figure as JSON that is deterministic and safe inside a <script> element."""
    text = json.dumps(fig.to_plotly_json(), cls=PlotlyJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _cell(text: str, num: bool = False, missing: bool = False, date: bool = False) -> dict[str, Any]:
    """One table cell, with its CSS classes."""
    classes = [c for c, on in (("num", num), ("missing", missing), ("date", date)) if on]
    return {"text": text, "classes": " ".join(classes)}


def _date(value: object) -> dict[str, Any]:
    """A date cell: ISO 8601, or 'not shown'."""
    return _cell("not shown", missing=True) if pd.isna(value) else _cell(f"{value:%Y-%m-%d}", date=True)


def _count(value: object, absent: str) -> dict[str, Any]:
    """A count cell with thousands separators, or the reason it is missing."""
    return _cell(absent, missing=True) if pd.isna(value) else _cell(format_number(int(value)), num=True)


def _average(row: pd.Series) -> dict[str, Any]:
    """The average rating cell: the score and where it comes from, the label, or 'not shown'."""
    label = f"label '{row['average_label']}'" if pd.notna(row["average_label"]) else ""
    if pd.isna(row["average_score"]):
        return _cell(label or "not shown", missing=not label)
    how = "stated" if row["average_from"] == "stated" else "derived from the breakdown"
    return _cell(f"{format_number(round(float(row['average_score']), 2))} of 5 ({how})" + (f"; {label}" if label else ""))


def table_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of the pages that were read, as the HTML table shows them."""
    rows = []
    for _, r in df[df["status"] == "read"].iterrows():
        overdue = _count(r["days_overdue"], "no due date")
        cells = [_date(r["last_reviewed"]), _date(r["next_review_due"]), overdue,
                 _count(r["ratings_count"], "no ratings block"), _average(r), _count(r["comments"], "no comment section"),
                 _count(r["figures"], ""), *[_count(r[k], "") for k in KIND_COLUMNS], _count(r["named_source"], "")]
        topic = r["topic"] if pd.notna(r["topic"]) else "(no topic found)"
        rows.append({"topic": topic, "file": r["page_file"], "report": r["report"] if pd.notna(r["report"]) else None, "cells": cells})
    return rows


def render_compare(df: pd.DataFrame, as_of: str) -> bytes:
    """Render the comparison page from the validated table, with the autoescaped Jinja2 template."""
    import jinja2

    charts = [("chart-overdue", overdue_chart(df)), ("chart-kinds", kinds_chart(df))]
    failed = df[df["status"] == "failed"]
    context = {
        "title": TITLE, "as_of": as_of, "csv": COMPARE_CSV,
        "read": int((df["status"] == "read").sum()), "failed": len(failed),
        "headers": [{"text": h, "num": h in NUMERIC} for h in HEADERS],
        "rows": table_rows(df), "linked": int(df["report"].notna().sum()),
        "failures": [{"file": f, "error": e} for f, e in zip(failed["page_file"], failed["error"], strict=True)],
        "charts": [{"id": cid, "json": figure_json(fig), "label": _plain_title(fig)} for cid, fig in charts],
    }  # fmt: skip
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR / "compare")), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env.get_template("index.html.j2").render(**context).encode("utf-8")


def _plain_title(fig: go.Figure) -> str:
    """The chart's title as plain text, for its accessible label (the template escapes it again)."""
    import html

    return html.unescape(str(fig.layout.title.text or "").replace("<br>", " "))
