"""The comparison's two charts: how overdue each page is, and how each page states its numbers."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis.compare.table import KIND_COLUMNS
from analysis.data.wording import KIND_NAMES, KIND_PLURALS
from analysis.figures.theme import OKABE_ITO, apply_theme, format_number, safe_text, wrap_safe

MAX_BARS = 40  # beyond this many pages, a bar per page is no longer read at a glance: the charts summarise
BAR_PX = 36  # room for a page name wrapped onto two lines
KIND_COLOURS = {
    "exact": OKABE_ITO["blue"], "lower_bound": OKABE_ITO["vermillion"], "upper_bound": OKABE_ITO["reddish_purple"],
    "approximate": OKABE_ITO["orange"], "range": OKABE_ITO["bluish_green"], "qualitative": OKABE_ITO["sky_blue"],
}  # fmt: skip
OVERDUE_COLOUR, NOT_DUE_COLOUR = OKABE_ITO["vermillion"], OKABE_ITO["bluish_green"]
SOURCE = "the saved NHS Choices pages compared, as each page states them"


LABEL_WRAP = 32
LINE_PX = 17


def topics(df: pd.DataFrame) -> list[str]:
    """Return each row's topic, or its file name where the page names none."""
    return [t if isinstance(t, str) else f for t, f in zip(df["topic"], df["page_file"], strict=True)]


def page_labels(df: pd.DataFrame) -> list[str]:
    """Return a label per row: the topic, with the file name where two pages share a topic (escaped, wrapped)."""
    names = topics(df)
    repeated = {t for t in names if names.count(t) > 1}
    stems = [f.rsplit("/", 1)[-1].rsplit(".", 1)[0] for f in df["page_file"]]
    return [wrap_safe(f"{t} ({s})" if t in repeated else t, LABEL_WRAP) for t, s in zip(names, stems, strict=True)]


def bars_height(labels: list[str]) -> int:
    """Pixels for horizontal bars: each at least BAR_PX, more for a label wrapped onto several lines."""
    return sum(max(BAR_PX, LINE_PX * (label.count("<br>") + 1) + 8) for label in labels)


def _finish(fig: go.Figure, title: str, caption: str | None, height: int) -> go.Figure:
    """Theme the chart and let its title use the figure's full width (long page names push the plot right)."""
    apply_theme(fig, title, SOURCE, caption, plot_height=height)
    fig.update_layout(title={"xref": "container", "x": 0.01}, legend={"traceorder": "normal"})
    return fig


def _days(n: int) -> str:
    """Write a day count for a title: "4,508 days"."""
    return f"{format_number(abs(n))} day{'s' if abs(n) != 1 else ''}"


def overdue_title(late: int, dated: int, as_of: str, worst: str | None = None, worst_days: int = 0) -> str:
    """State the finding: how many pages are past their next-review date, and which by the most."""
    if dated == 1 and worst is not None:
        if worst_days > 0:
            return f"{worst} is {_days(worst_days)} past its next-review date as of {as_of}"
        return f"{worst} is not past its next-review date as of {as_of}: {_days(worst_days)} to go"
    if not late:
        return f"None of the {format_number(dated)} pages is past its next-review date as of {as_of}"
    title = f"{format_number(late)} of {format_number(dated)} pages are past their next-review date as of {as_of}"
    return title + (f"; {worst} by the most, {_days(worst_days)}" if worst is not None else "")


def overdue_chart(df: pd.DataFrame) -> go.Figure:
    """Bars of days past each page's next-review date (a histogram by year past due beyond MAX_BARS pages)."""
    read = df[df["status"] == "read"]
    dated = read[read["days_overdue"].notna()]
    as_of = f"{df['as_of'].iloc[0]:%d %B %Y}" if len(df) else ""
    late = int((dated["days_overdue"] > 0).sum())
    undated = len(read) - len(dated)
    caption = (f"{undated} page shows no next-review date and is not drawn." if undated == 1 else
               f"{format_number(undated)} pages show no next-review date and are not drawn." if undated else None)
    if dated.empty:
        title = "No page compared shows a next-review date"
        fig = go.Figure()
    elif len(dated) <= MAX_BARS:
        ordered = dated.assign(label=page_labels(dated), name=topics(dated)).sort_values(["days_overdue", "label"], kind="stable")
        worst = ordered.iloc[-1]
        title = overdue_title(late, len(dated), as_of, worst["name"], int(worst["days_overdue"]))
        days = [int(d) for d in ordered["days_overdue"]]
        fig = go.Figure(go.Bar(
            x=days, y=list(ordered["label"]), orientation="h",
            marker_color=[OVERDUE_COLOUR if d > 0 else NOT_DUE_COLOUR for d in days],
            text=[_days(d) + (" overdue" if d > 0 else " to go") for d in days], textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
        ))
        fig.update_yaxes(type="category", automargin=True)
        height = bars_height(list(ordered["label"]))
    else:
        years = (dated["days_overdue"] // 365).astype(int)
        counts = years.value_counts().sort_index()
        title = overdue_title(late, len(dated), as_of)
        fig = go.Figure(go.Bar(
            x=[f"{y} to {y + 1}" if y >= 0 else f"{-y - 1} to {-y} (not yet due)" for y in counts.index],
            y=[int(n) for n in counts], marker_color=[OVERDUE_COLOUR if y >= 0 else NOT_DUE_COLOUR for y in counts.index],
            hovertemplate="%{x} years: %{y} pages<extra></extra>",
        ))
        fig.update_xaxes(title_text="Years past the next-review date", type="category")
        fig.update_yaxes(title_text="Pages")
        height = 360
    if len(dated) <= MAX_BARS:
        fig.update_xaxes(title_text="Days past the next-review date (negative: not yet due)")
    fig.update_layout(showlegend=False)
    return _finish(fig, title, caption, max(height if not dated.empty else 120, 120))


def kinds_chart(df: pd.DataFrame) -> go.Figure:
    """Figures of each page stacked by kind (all pages' totals by kind beyond MAX_BARS pages)."""
    read = df[df["status"] == "read"]
    totals = {k: int(read[k].sum()) for k in KIND_COLUMNS}
    total = sum(totals.values())
    shown = [k for k in KIND_COLUMNS if totals[k]]
    if total:
        top = max(shown, key=lambda k: (totals[k], -KIND_COLUMNS.index(k)))
        title = (f"Of {format_number(total)} figures on {format_number(len(read))} pages, {format_number(totals[top])} "
                 f"({round(100 * totals[top] / total)}%) are stated as {KIND_PLURALS[top]}")
    else:
        title = "The pages compared state no figures"
    bounded = totals["lower_bound"] + totals["upper_bound"] + totals["approximate"] + totals["range"]
    caption = (f"{format_number(bounded)} figures are bounds, approximations or ranges, not exact counts."
               if bounded else None)
    fig = go.Figure()
    if len(read) <= MAX_BARS:
        labels = page_labels(read)
        for kind in shown:
            fig.add_trace(go.Bar(
                x=[int(v) for v in read[kind]], y=labels, orientation="h", name=KIND_NAMES[kind],
                marker_color=KIND_COLOURS[kind], hovertemplate=f"%{{y}}: %{{x}} {safe_text(KIND_NAMES[kind])}<extra></extra>",
            ))
        fig.update_yaxes(type="category", autorange="reversed", automargin=True)
        fig.update_xaxes(title_text="Figures on the page")
        height = bars_height(labels)
    else:
        for kind in shown:
            fig.add_trace(go.Bar(
                x=[totals[kind]], y=[f"All {format_number(len(read))} pages"], orientation="h", name=KIND_NAMES[kind],
                marker_color=KIND_COLOURS[kind], hovertemplate=f"%{{x}} {safe_text(KIND_NAMES[kind])}<extra></extra>",
            ))
        fig.update_xaxes(title_text="Figures, all pages together")
        height = 80
    fig.update_layout(barmode="stack", showlegend=bool(shown))
    return _finish(fig, title, caption, max(height, 80))
