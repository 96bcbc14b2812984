"""Building blocks of the page's charts: cell formatting, hover text, category rows and marks.

Marks are the shapes that carry a figure honestly: a tick with a dotted arrow for an open-ended
bound, a band for a range, a dot with error bars for an estimate, a fuzzy band for a rounded
value. Text that could come from users goes through `safe_text`/`wrap_safe` here.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from analysis.figures.theme import (
    DERIVED_COLOUR,
    NOTE_SIZE,
    PAGE_COLOUR,
    PUBLISHED_COLOUR,
    format_number,
    rgba,
    safe_text,
    wrap_safe,
)

LABEL_WRAP = 38
BAR_LABEL_WRAP = 12  # characters per line under a vertical bar: five bars' labels fit side by side at 600 px
HOVER_WRAP = 70
ROW_PX = 56  # minimum plot height per category row
LINE_PX = 17  # extra height per wrapped label line


def finite(value: object) -> bool:
    """True when value is a real, finite number (not None, NaN or inf)."""
    try:
        return math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def cell_text(value: object) -> str:
    """A cell as text, with missing values as the empty string."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def require_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise ValueError naming any required column missing from df."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(missing)}")


def records(df: pd.DataFrame) -> list[dict[str, object]]:
    """Rows of df as dicts, in order."""
    return df.to_dict("records")


def hover_text(*parts: object) -> str:
    """Hover text: non-empty parts escaped, wrapped and joined with line breaks."""
    return "<br>".join(wrap_safe(cell_text(p), HOVER_WRAP) for p in parts if cell_text(p))


def category_label(text: str) -> str:
    """A category label, escaped and wrapped."""
    return wrap_safe(text, LABEL_WRAP)


def bar_label(text: str) -> str:
    """A category label under a vertical bar, escaped and wrapped narrow at word breaks (never rotated)."""
    lines = textwrap.wrap(text, BAR_LABEL_WRAP, break_long_words=False) or [text]
    return "<br>".join(safe_text(line) for line in lines)


def sources(*frames: pd.DataFrame | None) -> str:
    """Distinct `source` values across frames, in order of first appearance."""
    seen: list[str] = []
    for frame in frames:
        if frame is None or "source" not in frame.columns:
            continue
        for source in frame["source"]:
            if cell_text(source) and cell_text(source) not in seen:
                seen.append(cell_text(source))
    return "; ".join(seen)


def three_sig(value: float) -> str:
    """A derived value rounded to three significant figures for display."""
    if value == 0:
        return "0"
    digits = 2 - int(math.floor(math.log10(abs(value))))
    return format_number(round(value, digits))


def value_spread(values: Sequence[float], fmt: Callable[[float], str] = format_number) -> str:
    """'min-max' of values, or the single value when they are all equal."""
    low, high = fmt(min(values)), fmt(max(values))
    return low if low == high else f"{low}-{high}"


def omitted_note(omitted: Sequence[str]) -> str:
    """Caption sentence listing rows left out because they have no usable value."""
    if not omitted:
        return ""
    return " Not shown (no usable value): " + "; ".join(omitted) + "."


def rounding_halfwidth(value: float) -> float:
    """Half the rounding step implied by a number as written (90 -> 5, 70000 -> 5000, 16.43 -> 0.005)."""
    if not finite(value) or value == 0:
        return math.nan
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return float(Decimal(10) ** exponent) / 2  # type: ignore[operator]


def fact_label(row: dict[str, object]) -> str:
    """Short label for a fact row: measure and population."""
    measure, population = cell_text(row.get("measure")), cell_text(row.get("population"))
    text = f"{measure}, {population}" if measure and population else measure or population
    text = text or cell_text(row.get("fact_id"))
    return text[:1].upper() + text[1:]


def hover_fact(row: dict[str, object], *lead: object) -> str:
    """Hover text for a page fact: lead lines, what it counts, verbatim sentence, line, source."""
    line = row.get("line")
    return hover_text(*lead, row.get("measure"), row.get("population"),
                  f"Page: \u201c{cell_text(row.get('sentence'))}\u201d",
                  f"line {int(line)}" if finite(line) else "", row.get("source"))


def single_unit(df: pd.DataFrame, what: str) -> str:
    """The one unit shared by all rows, else ValueError."""
    units = sorted({cell_text(u) for u in df["unit"]})
    if len(units) != 1:
        raise ValueError(f"{what}: expected one unit, got {units}")
    return units[0]


def rows_px(categories: Sequence[str]) -> int:
    """Plot-area height for category rows, growing with wrapped label lines."""
    return sum(max(ROW_PX, LINE_PX * (c.count("<br>") + 1) + 28) for c in categories) + 30


def category_axis(fig: go.Figure, categories: Sequence[str], **where: int) -> None:
    """Show categories top-to-bottom in the given order."""
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(categories)),
                     type="category", showgrid=False, range=[-0.6, len(categories) - 0.4],
                     **where)


def _usable(value: object, positive_only: bool) -> bool:
    """A finite number, and positive when required (log axes)."""
    return finite(value) and (not positive_only or float(value) > 0)  # type: ignore[arg-type]


def label_side(x: Any, low: Any, high: Any, level: str = "top") -> str:
    """Where a label at the point x goes on an axis from low to high (numbers or dates): at `level` ("top",
    "middle"), towards the side with more room, so it starts at its point and never reaches over the axis' labels
    (give logarithms for a log axis)."""
    return f"{level} right" if x - low <= high - x else f"{level} left"


def open_ended(category: str, bound: float, end: float, colour: str, label: str,
                hover: str, name: str, showlegend: bool = True,
                textposition: str = "top center") -> go.Scatter:
    """A bound drawn as a tick at `bound` and a dotted arrow towards `end` (open-ended), its label above the
    tick at `textposition` (label_side gives the side with room)."""
    direction = "right" if end > bound else "left"
    return go.Scatter(
        x=[bound, end], y=[category, category], mode="lines+markers+text", name=name,
        legendgroup=name, showlegend=showlegend, cliponaxis=False,
        line={"color": colour, "width": 3, "dash": "dot"},
        marker={"symbol": ["line-ns-open", f"triangle-{direction}"], "size": [24, 14],
                "color": colour, "line": {"color": colour, "width": 3}},
        text=[safe_text(label), ""], textposition=textposition,
        textfont={"color": colour, "size": NOTE_SIZE + 1},
        hovertext=[hover, hover], hoverinfo="text",
    )


def interval(category: str, lower: float, upper: float, colour: str, hover: str,
              name: str, showlegend: bool = True) -> go.Scatter:
    """A range drawn as a thick translucent band from lower to upper, with end ticks."""
    return go.Scatter(
        x=[lower, upper], y=[category, category], mode="lines+markers", name=name,
        legendgroup=name, showlegend=showlegend, cliponaxis=False,
        line={"color": rgba(colour, 0.45), "width": 14},
        marker={"symbol": "line-ns-open", "size": 24, "color": colour,
                "line": {"color": colour, "width": 3}},
        hovertext=[hover, hover], hoverinfo="text",
    )


def point_estimate(category: str, value: float, colour: str, hover: str, name: str,
           ci: tuple[float, float] | None, is_verified: bool, showlegend: bool) -> go.Scatter:
    """An estimate as a dot, with asymmetric error bars when a CI is given."""
    error = None
    if ci is not None:
        error = {"type": "data", "symmetric": False, "array": [ci[1] - value],
                 "arrayminus": [value - ci[0]], "color": colour, "thickness": 2, "width": 6}
    return go.Scatter(
        x=[value], y=[category], mode="markers", name=name, legendgroup=name,
        showlegend=showlegend, error_x=error, cliponaxis=False,
        marker={"symbol": "circle" if is_verified else "circle-open", "size": 11,
                "color": colour, "line": {"color": colour, "width": 2}},
        hovertext=[hover], hoverinfo="text",
    )


def estimate_traces(rows: pd.DataFrame, cols: tuple[str, str, str], unit: str,
                     positive_only: bool = False) -> tuple[list[go.Scatter], list[str], list[str]]:
    """Dots with CIs, or ranges, for reference rows; returns traces, categories, omitted rows."""
    traces: list[go.Scatter] = []
    categories: list[str] = []
    omitted: list[str] = []
    shown: set[str] = set()
    for row in records(rows):
        value, lower, upper = (row.get(c) for c in cols)
        point = float(value) if _usable(value, positive_only) else None  # type: ignore[arg-type]
        ok_ci = _usable(lower, positive_only) and _usable(upper, positive_only)
        ci = (float(lower), float(upper)) if ok_ci else None  # type: ignore[arg-type]
        if point is None and ci is None:
            omitted.append(cell_text(row.get("figure")))
            continue
        verified = bool(row.get("is_verified", True))
        derived = cell_text(row.get("kind")) == "derived"
        colour = DERIVED_COLOUR if derived else PUBLISHED_COLOUR
        ci_text = f"{format_number(ci[0])}-{format_number(ci[1])}" if ci else ""
        if point is None:
            form, numbers = "range, no point estimate", f"range {ci_text} {unit}"
        else:
            stated = cell_text(row.get("interval")).split(" (")[0]  # e.g. "95% Wilson interval" from counts
            form = f"estimate with {stated or '95% CI'}" if ci else "estimate, no CI reported"
            numbers = f"{format_number(point)} {unit}" + (f" (95% CI {ci_text})" if ci else "")
        name = f"{'Derived from published figures' if derived else 'Published'}: {form}"
        name += "" if verified else " (recalled, not verified)"
        category = category_label(cell_text(row.get("label")) or cell_text(row.get("figure")))
        doi = cell_text(row.get("doi"))
        hover = hover_text(row.get("figure"), numbers, row.get("note"), row.get("population"), row.get("year"),
                       row.get("source"), f"doi:{doi}" if doi else "",
                       "Verified against a quoted passage" if verified else "Recalled, not verified")
        if point is None:
            traces.append(interval(category, ci[0], ci[1], colour, hover, name,  # type: ignore[index]
                                    name not in shown))
        else:
            traces.append(point_estimate(category, point, colour, hover, name, ci, verified,
                                 name not in shown))
        shown.add(name)
        categories.append(category)
    return traces, categories, omitted


def fuzzy_band(fig: go.Figure, centre: float, halfwidth: float, y_index: int,
                colour: str) -> None:
    """A translucent band centre +/- halfwidth over one category row (approximate value)."""
    if not finite(halfwidth) or halfwidth <= 0:
        return
    fig.add_shape(type="rect", name="approximate band", xref="x", yref="y",
                  x0=centre - halfwidth, x1=centre + halfwidth, y0=y_index - 0.3,
                  y1=y_index + 0.3, fillcolor=rgba(colour, 0.18), layer="below",
                  line={"color": rgba(colour, 0.6), "width": 1, "dash": "dot"})


def add_share_bars(fig: go.Figure, category: str, value: float, mark: str, q: str, hover: str,
                   approximate: bool) -> None:
    """Two stacked bars on one row: the page's share and the rest (one block, not split)."""
    pattern = {"shape": "/", "solidity": 0.25} if approximate else None
    for x, base, colour, text, name in (
        (value, 0.0, PAGE_COLOUR, f"{mark}{format_number(value)}%",  # its row's label names the subject
         f"Page figure ({q})" if q else "Page figure"),
        (100 - value, value, DERIVED_COLOUR, f"{mark}{format_number(100 - value)}% all other cases",
         "The rest (100% minus the page figure), not split by type"),
    ):
        fig.add_trace(go.Bar(
            x=[x], base=[base], y=[category], orientation="h", name=name,
            marker={"color": rgba(colour, 0.35), "line": {"color": colour, "width": 1.5},
                    "pattern": {**pattern, "fgcolor": colour} if pattern else None},
            hovertext=[hover], hoverinfo="text", width=0.45))
        fig.add_annotation(name="share label", x=base + x if base else x / 2, y=category,
                           xref="x", yref="y", yshift=0 if base == 0 else 28, showarrow=False,
                           xanchor="right" if base else "center", text=safe_text(text),
                           bgcolor="white" if base == 0 else None, font={"color": colour})
