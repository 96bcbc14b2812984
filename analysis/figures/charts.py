"""Plotly charts for the page's figures: bounds, ranges, approximations, comparisons, timelines.

Every function takes data (DataFrames, rows or values) and returns a themed go.Figure; no I/O.
No figure is typed here: numbers come from the data passed in. Text that could come from users
goes through `safe_text`/`wrap_safe` before it reaches titles, labels or hover text. The marks
(arrows, bands, dots) and formatting helpers they are drawn with live in analysis.figures.chart_marks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.figures.chart_marks import (
    add_share_bars,
    bar_label,
    category_axis,
    category_label,
    cell_text,
    estimate_traces,
    fact_label,
    finite,
    fuzzy_band,
    hover_fact,
    hover_text,
    interval,
    label_side,
    omitted_note,
    open_ended,
    records,
    require_columns,
    rounding_halfwidth,
    rows_px,
    single_unit,
    sources,
    three_sig,
    value_spread,
)
from analysis.figures.theme import (
    COMMENT_COLOUR,
    DERIVED_COLOUR,
    NOTE_SIZE,
    PAGE_COLOUR,
    SCHEMATIC_COLOUR,
    apply_theme,
    format_number,
    rgba,
    safe_text,
)

UNIT_LABELS = {
    "people": "Number of people",
    "percent": "Share of people (%)",
    "years": "Years",
    "count": "Count",
}
FACT_COLUMNS = ("fact_id", "value", "lower", "upper", "qualifier", "kind", "unit",
                "measure", "population", "sentence", "source")
REFERENCE_COLUMNS = ("figure", "value", "lower", "upper", "source")
RATE_COLUMNS = ("figure", "per_100k", "per_100k_lower", "per_100k_upper", "source")
EVENT_COLUMNS = ("date", "label", "kind")
EVENT_KINDS = ("comment", "page")
BAR_TEXT_ROOM = 0.2  # share of a horizontal bar chart's span added beyond each end for the values written there
MAX_COLUMNS = 5  # vertical bars at most; more lie horizontally, one labelled row each
SMALL_COUNT = 10  # bars of whole numbers up to this get a tick at every whole number
TIMELINE_LANES = {"page": "Page dates", "comment": "Comments"}  # legend names, in row order (top first)

OPEN_END_FACTOR = 1.5  # open-ended arrows run this far past the largest value (layout, not data)
PLOT_PX = 300  # plot-area height of charts without category rows
SCHEMATIC_POINTS = 41
PANEL_GAP_PX = 90


def lower_bound_chart(facts_rows: pd.DataFrame, title: str | None = None,
                      caption: str | None = None) -> go.Figure:
    """Lower bounds ("at least N") as a tick at N with a dotted arrow to the right; no bars."""
    require_columns(facts_rows, FACT_COLUMNS, "lower_bound_chart")
    wrong = facts_rows.loc[facts_rows["kind"] != "lower_bound", "fact_id"].tolist()
    if wrong:
        raise ValueError(f"lower_bound_chart: not lower bounds: {wrong}")
    unit = single_unit(facts_rows, "lower_bound_chart")
    rows = records(facts_rows)
    bounds = [float(r["lower"]) for r in rows if finite(r["lower"])]  # type: ignore[arg-type]
    end = max(bounds) * OPEN_END_FACTOR if bounds else 1.0
    fig = go.Figure()
    categories, found, missing = [], [], []
    for row in rows:
        category = category_label(fact_label(row))
        categories.append(category)
        if not finite(row["lower"]):
            missing.append(category)
            continue
        label = f"{cell_text(row['qualifier']).lower() or 'at least'} {format_number(row['lower'])}"
        found.append(label)
        fig.add_trace(open_ended(category, float(row["lower"]), end, PAGE_COLOUR,
                                  label, hover_fact(row, label),
                                  "Page figure: a minimum (no upper limit given)",
                                  showlegend=len(found) == 1, textposition=label_side(float(row["lower"]), 0, end)))
    for category in missing:
        fig.add_annotation(name="missing", x=0.01, xref="paper", y=category, yref="y",
                           xanchor="left", text="value missing on the page: not drawn",
                           showarrow=False, font={"color": PAGE_COLOUR})
    category_axis(fig, categories)
    fig.update_xaxes(range=[0, end * 1.04], rangemode="tozero", tickformat=",",
                     title={"text": UNIT_LABELS.get(unit, unit)})
    fig.update_layout(showlegend=True)
    default_title = (f"The page gives minimums, not totals: {' and '.join(found)}, "
                     "with no upper limit")
    default_caption = ("Each tick is a minimum stated on the page (\u201cat least\u201d); the "
                       "dotted arrow means the true number may be higher. The page gives no "
                       "upper limit: where the arrow stops is not a value.")
    return apply_theme(fig, title or default_title, sources(facts_rows),
                       caption or default_caption, plot_height=rows_px(categories))


def prevalence_comparison_chart(page_rate_rows: pd.DataFrame, reference_rows: pd.DataFrame,
                                title: str | None = None, caption: str | None = None,
                                cols: tuple[str, str, str] = ("per_100k", "per_100k_lower", "per_100k_upper"),
                                unit: str = "per 100,000",
                                axis_title: str = "Prevalence per 100,000 people (log scale)") -> go.Figure:
    """Forest-style dot plot (log x): published estimates with CIs, the page's figure as a floor (an arrow)."""
    require_columns(page_rate_rows, ("figure", cols[0], "source"), "page_rate_rows")
    require_columns(reference_rows, ("figure", *cols, "source"), "reference_rows")
    traces, ref_categories, omitted = estimate_traces(reference_rows, cols, unit, positive_only=True)
    published = [float(v) for v in reference_rows[cols[0]] if finite(v) and float(v) > 0]
    every = published + [float(v) for c in cols[1:] for v in reference_rows[c] if finite(v) and float(v) > 0]
    page = [r for r in records(page_rate_rows) if finite(r[cols[0]]) and r[cols[0]] > 0]
    omitted += [cell_text(r["figure"]) for r in records(page_rate_rows) if r not in page]
    every += [float(r[cols[0]]) for r in page]  # type: ignore[arg-type]
    if not every:
        raise ValueError("prevalence_comparison_chart: no positive value to draw")
    end = max(every) * OPEN_END_FACTOR
    low = min(every) / OPEN_END_FACTOR
    fig = go.Figure()
    page_categories = []
    for i, row in enumerate(page):
        rate = float(row[cols[0]])  # type: ignore[arg-type]
        category = category_label(cell_text(row["figure"]))
        page_categories.append(category)
        label = f"at least {three_sig(rate)}"
        hover = hover_text(row["figure"], f"{label} {unit} (a minimum: the page's figure is a floor)",
                       row.get("population"), row.get("note"), row["source"])
        fig.add_trace(open_ended(category, rate, end, PAGE_COLOUR, label, hover, "Page figure: a minimum",
                                 showlegend=i == 0,
                                 textposition=label_side(math.log10(rate), math.log10(low), math.log10(end))))
    for trace in traces:
        fig.add_trace(trace)
    category_axis(fig, page_categories + ref_categories)
    fig.update_xaxes(type="log", range=[math.log10(low), math.log10(end * 1.15)], dtick="D2",
                     title={"text": axis_title})
    derived = reference_rows["kind"].eq("derived").any() if "kind" in reference_rows else False
    shown = "published or converted from published figures" if derived else "published"
    default_title = f"Estimates {unit} ({shown})"
    if page and published:
        floor = max(float(r[cols[0]]) for r in page)  # type: ignore[arg-type]
        spread = value_spread(published, three_sig)
        below = sum(value < floor for value in published)
        where = ("above every" if below == len(published) else "below every" if below == 0
                 else f"above {below} of the {len(published)}")
        default_title = (f"The page's floor, at least {three_sig(floor)} {unit}, lies {where} "
                         f"point estimates shown ({shown}: {spread} {unit})")
    return apply_theme(fig, title or default_title, sources(page_rate_rows, reference_rows),
                       (caption or _forest_caption(reference_rows, cols)) + omitted_note(omitted),
                       plot_height=rows_px(page_categories + ref_categories))


def _forest_caption(rows: pd.DataFrame, cols: tuple[str, str, str]) -> str:
    """Caption for the forest chart: explains only the marks that are drawn."""
    parts = ["Log scale. Dots: estimates"]
    if (rows[cols[1]].notna() & rows[cols[2]].notna() & rows[cols[0]].notna()).any():
        parts.append("bars: 95% confidence intervals where reported")
    if "is_verified" in rows and (~rows["is_verified"].astype(bool)).any():
        parts.append("open dots: recalled figures not verified against a source")
    if (rows[cols[0]].isna() & rows[cols[1]].notna()).any():
        parts.append("bands without a dot: published ranges")
    if "kind" in rows and rows["kind"].eq("derived").any():
        parts.append("derived colour: converted or computed by this project from published figures")
    return ("; ".join(parts) + ". The page's figure is a floor (\u201cat least\u201d), so it is an arrow: "
            "the true value may be higher.")


def _share_texts(value: float, halfwidth: float, q: str, subject: str,
                 shares: Sequence[float]) -> tuple[str, str]:
    """Default (title, caption) for share_chart, from the data."""
    lead = f"{q} " if q else ""
    title = (f"The page says {lead}{format_number(value)}% of cases are {subject}; by its own figure, at "
             f"least {lead}{format_number(value)}% would be focal dystonia")
    caption = f"Hatching and \u2248 mark an approximate figure (\u201c{q}\u201d)." if q else ""
    if finite(halfwidth):
        caption += (f" The shaded band spans {format_number(value - halfwidth)}-"
                    f"{format_number(value + halfwidth)}%, the spread if {format_number(value)} "
                    f"was rounded to the nearest {format_number(2 * halfwidth)}: the page gives "
                    "no margin.")
    caption += " The rest is shown as one block: the page does not split it by type."
    if shares:
        caption += (" Published shares measure different things (each row says what of what): only a share of "
                    "all cases compares like with like.")
    return title, caption.strip()


def share_chart(share_row: pd.Series, published_rows: pd.DataFrame | None = None,
                subject: str = "cervical dystonia or blepharospasm",
                title: str | None = None, caption: str | None = None) -> go.Figure:
    """An approximate share ("about 90%") as hatched bars with a band; the rest is never split."""
    missing_cols = [c for c in FACT_COLUMNS if c not in share_row.index]
    if missing_cols:
        raise ValueError(f"share_chart: missing field(s) {', '.join(missing_cols)}")
    if not finite(share_row["value"]):
        raise ValueError(f"share_chart: {share_row['fact_id']} has no value")
    value = float(share_row["value"])
    rest = 100 - value
    approximate = share_row["kind"] == "approximate"
    q = cell_text(share_row["qualifier"]).lower() or ("about" if approximate else "")
    lead = f"{q} " if q else ""
    halfwidth = rounding_halfwidth(value) if approximate else math.nan
    page_cat = category_label(f"Page: {subject} vs all other cases")
    focal_cat = category_label("By the page's figure: focal dystonia (both are focal)")
    other_cat = category_label("By the page's figure: all non-focal types")
    fig = go.Figure()
    add_share_bars(fig, page_cat, value, "\u2248" if approximate else "", q,
                   hover_fact(dict(share_row), f"{lead}{format_number(value)}% {subject}"), approximate)
    implied = "Implied by the page: a minimum or maximum"
    fig.add_trace(open_ended(focal_cat, value, 100.0, DERIVED_COLOUR,
                              f"at least {lead}{format_number(value)}%",
                              hover_text(f"Focal dystonia: at least {lead}{format_number(value)}%",
                                     f"Because {subject} are both focal dystonias"), implied,
                              textposition=label_side(value, 0, 100)))
    fig.add_trace(open_ended(other_cat, rest, 0.0, DERIVED_COLOUR,
                              f"at most {lead}{format_number(rest)}%",
                              hover_text(f"Non-focal types together: at most {lead}"
                                     f"{format_number(rest)}%",
                                     "Segmental, multifocal, generalised and hemidystonia are "
                                     "not given separately on the page"),
                              implied, showlegend=False, textposition=label_side(rest, 0, 100)))
    categories, omitted, shares = [page_cat, focal_cat, other_cat], [], []
    if published_rows is not None:
        require_columns(published_rows, REFERENCE_COLUMNS, "published_rows")
        traces, ref_categories, omitted = estimate_traces(
            published_rows, ("value", "lower", "upper"), "%")
        fig.add_traces(traces)
        categories += ref_categories
        shares = [float(v) for v in published_rows["value"] if finite(v)]
    order = list(reversed(categories))
    for centre, category, colour in ((value, page_cat, PAGE_COLOUR),
                                     (value, focal_cat, DERIVED_COLOUR),
                                     (rest, other_cat, DERIVED_COLOUR)):
        fuzzy_band(fig, centre, halfwidth, order.index(category), colour)
    category_axis(fig, categories)
    fig.update_xaxes(range=[0, 100], ticksuffix="%",  # plotly spaces the ticks for the width drawn
                     title={"text": "Share of cases (%): each row says of which cases"})
    fig.update_layout(barmode="overlay")
    default_title, default_caption = _share_texts(value, halfwidth, q, subject, shares)
    return apply_theme(fig, title or default_title,
                       sources(pd.DataFrame([share_row]), published_rows),
                       (caption or default_caption) + omitted_note(omitted),
                       plot_height=rows_px(categories))


def _range_bounds(row: pd.Series, what: str) -> tuple[float, float]:
    """(lower, upper) of a range row, or ValueError if either is missing."""
    if not (finite(row["lower"]) and finite(row["upper"])):
        raise ValueError(f"{what}: {row['fact_id']} needs both lower and upper")
    return float(row["lower"]), float(row["upper"])


def _implied_people(base_row: pd.Series, lower: float, upper: float) -> tuple[float, float, float]:
    """(base, base x lower%, base x upper%) for a count and a percent range: an illustration, not a count."""
    base = base_row["lower"] if finite(base_row["lower"]) else base_row["value"]
    if not finite(base):
        raise ValueError(f"range_chart: {base_row['fact_id']} has no value")
    base = float(base)
    return base, base * lower / 100, base * upper / 100


def _people_traces(base_row: pd.Series, lower: float, upper: float
                   ) -> tuple[list[go.Scatter], str, str, float]:
    """The range applied to a count, drawn as an illustration; also its category, x title and axis end."""
    base, low_n, high_n = _implied_people(base_row, lower, upper)
    category = category_label("Illustration: the page's range x its count (not a count)")
    people = f"{format_number(low_n)}-{format_number(high_n)}"
    hover = hover_fact(dict(base_row),
                        f"{people} people = {format_number(base)} x {format_number(lower)}-"
                        f"{format_number(upper)}%",
                        "An illustration of scale, not a count: a range over the course of the illness "
                        "applied to a one-time count; neither end is a bound")
    traces = [interval(category, low_n, high_n, DERIVED_COLOUR, hover, "Illustration, not a count")]
    x_title = f"{UNIT_LABELS['people']} (the range applied to the page's {format_number(base)})"
    return traces, category, x_title, high_n * OPEN_END_FACTOR


def _range_texts(range_row: pd.Series, stated: str, base_row: pd.Series | None) -> tuple[str, str]:
    """Default (title, caption) for range_chart, from the data."""
    title = f"The page puts the {cell_text(range_row['measure'])} at {stated}"
    caption = ("The band is the page's range, not a confidence interval. Dots: published "
               "figures; bars: 95% intervals where reported or computed from stated counts.")
    if base_row is not None:
        _, low_n, high_n = _implied_people(base_row, *_range_bounds(range_row, "range"))
        title += (f"; applied to the page's count that would be {format_number(low_n)}-"
                  f"{format_number(high_n)} people, an illustration, not a count")
        caption += (" Lower panel: the page's range applied to its count, to show scale only: "
                    "remission over the course of the illness is not a share of a one-time count, "
                    "and neither end is a bound.")
    return title, caption


def range_chart(range_row: pd.Series, base_row: pd.Series | None = None,
                published_rows: pd.DataFrame | None = None, title: str | None = None,
                caption: str | None = None) -> go.Figure:
    """A stated range ("around 5-10%") as a band; people implied from a base count; published context."""
    lower, upper = _range_bounds(range_row, "range_chart")
    q = cell_text(range_row["qualifier"]).lower()
    stated = f"{q + ' ' if q and q != 'range' else ''}{format_number(lower)}-{format_number(upper)}%"
    share_cat = category_label(f"Page: {cell_text(range_row['measure']) or 'stated range'}")
    traces = [interval(share_cat, lower, upper, PAGE_COLOUR,
                        hover_fact(dict(range_row), stated), "Page figure: a range")]
    categories, omitted, shares, uppers = [share_cat], [], [], []
    if published_rows is not None:
        require_columns(published_rows, REFERENCE_COLUMNS, "published_rows")
        ref_traces, ref_categories, omitted = estimate_traces(
            published_rows, ("value", "lower", "upper"), "%")
        traces += ref_traces
        categories += ref_categories
        shares = [float(v) for v in published_rows["value"] if finite(v)]
        uppers = [float(v) for v in published_rows["upper"] if finite(v)]
    heights = [rows_px(categories)]
    if base_row is not None:
        people_traces, people_cat, people_title, end = _people_traces(base_row, lower, upper)
        heights.append(rows_px([people_cat]))
    fig = make_subplots(rows=len(heights), cols=1, row_heights=heights,
                        vertical_spacing=PANEL_GAP_PX / (sum(heights) + PANEL_GAP_PX))
    fig.add_traces(traces, rows=1, cols=1)
    fig.add_annotation(name="range label", x=(lower + upper) / 2, y=share_cat, xref="x",
                       yref="y", yshift=18, showarrow=False, text=safe_text(stated),
                       font={"color": PAGE_COLOUR})
    category_axis(fig, categories, row=1, col=1)
    fig.update_xaxes(range=[0, max([upper, *shares, *uppers]) * 1.1], ticksuffix="%", row=1,
                     col=1, title={"text": UNIT_LABELS["percent"]})
    if base_row is not None:
        fig.add_traces(people_traces, rows=2, cols=1)
        people = people_traces[0]
        fig.add_annotation(name="range label", x=sum(people.x) / 2, y=people_cat, xref="x2",
                           yref="y2", yshift=18, showarrow=False, font={"color": DERIVED_COLOUR},
                           text=f"{format_number(people.x[0])}-{format_number(people.x[1])}")
        category_axis(fig, [people_cat], row=2, col=1)
        fig.update_xaxes(range=[0, end * 1.04], tickformat=",", row=2, col=1,
                         title={"text": people_title})
    default_title, default_caption = _range_texts(range_row, stated, base_row)
    return apply_theme(fig, title or default_title,
                       sources(pd.DataFrame([range_row]), published_rows),
                       (caption or default_caption) + omitted_note(omitted),
                       plot_height=sum(heights) + PANEL_GAP_PX * (len(heights) - 1))


def progression_schematic(years: float, source: str, qualifier: str = "about",
                          title: str | None = None, caption: str | None = None) -> go.Figure:
    """A labelled schematic (not data): symptoms rise over about N years, then plateau."""
    if not finite(years) or years <= 0:
        raise ValueError(f"progression_schematic: years must be a positive number, got {years}")
    years = float(years)
    xs = [2 * years * i / (SCHEMATIC_POINTS - 1) for i in range(SCHEMATIC_POINTS)]
    ys = [1 - (1 - min(x / years, 1.0)) ** 2 for x in xs]
    about = f"{qualifier} {format_number(years)} years".strip()
    fig = go.Figure(go.Scatter(
        x=xs, y=ys, mode="lines", name="Schematic course (not data)",
        line={"color": SCHEMATIC_COLOUR, "width": 3},
        hovertext=["Schematic, not data"] * len(xs), hoverinfo="text"))
    fig.add_vline(x=years, line={"color": PAGE_COLOUR, "width": 2, "dash": "dot"})
    # left of the line, under the curve's rise: the right half's foot holds the "Schematic, not data" stamp
    fig.add_annotation(name="years", x=years, y=0.08, xref="x", yref="y", xanchor="right",
                       xshift=-6, showarrow=False, font={"color": PAGE_COLOUR},
                       text=safe_text(f"\u2248{format_number(years)} years (page: {about})"))
    for name, x, text in (("phase", years / 2, "Gradual progression"),
                          ("phase", years * 1.5, "Plateau (the page's claim)")):
        fig.add_annotation(name=name, x=x, y=1.08, xref="x", yref="y", showarrow=False,
                           text=safe_text(text))
    fig.add_annotation(name="schematic", text="<b>Schematic, not data</b>", xref="paper",
                       yref="paper", x=0.99, y=0.02, xanchor="right", yanchor="bottom",
                       showarrow=False, bordercolor=SCHEMATIC_COLOUR, borderwidth=1,
                       borderpad=4, bgcolor="white")
    fig.update_xaxes(range=[0, 2 * years], title={"text": "Years since onset (approximate)"})
    fig.update_yaxes(range=[0, 1.18], showticklabels=False, showgrid=False, ticks="",
                     title={"text": "Symptom severity (schematic, no scale)"})
    fig.update_layout(showlegend=False)
    default_title = (f"The page says focal dystonia usually worsens gradually over {about}, then "
                     "stops getting worse")
    default_caption = ("Schematic, not data: the curve's shape is illustrative. Only the "
                       f"timescale ({about}) comes from the page; severity varies between people "
                       "and from day to day.")
    return apply_theme(fig, title or default_title, source, caption or default_caption,
                       plot_height=PLOT_PX)


def _day(date: pd.Timestamp) -> str:
    """A date as '19 June 2013'."""
    return f"{date.day} {date:%B %Y}"


def timeline_chart(events: pd.DataFrame, source: str, title: str | None = None,
                   caption: str | None = None) -> go.Figure:
    """Each dated event on a row of its own (page dates, then comments, each by date) on one date axis; the title
    compares the comments with the first page date given (the last review), not with a date derived from them."""
    require_columns(events, EVENT_COLUMNS, "timeline_chart")
    unknown = sorted(set(events["kind"]) - set(EVENT_KINDS))
    if unknown:
        raise ValueError(f"timeline_chart: unknown event kind(s) {unknown}")
    dated = events.assign(date=pd.to_datetime(events["date"], errors="coerce"))
    undated = int(dated["date"].isna().sum())
    dated = dated.dropna(subset=["date"])
    if dated.empty:
        raise ValueError("timeline_chart: no event has a readable date")
    # One row per event: labels never share a line, so they cannot collide however close the dates are.
    dated = dated.assign(row=[category_label(cell_text(label)) for label in dated["label"]],
                         order=dated["kind"].map({kind: i for i, kind in enumerate(TIMELINE_LANES)}))
    dated = dated.sort_values(["order", "date", "row"], kind="stable")
    start, end = dated["date"].min(), dated["date"].max()
    fig = go.Figure()
    for kind, colour, symbol in (("page", PAGE_COLOUR, "diamond"), ("comment", COMMENT_COLOUR, "circle")):
        part = dated[dated["kind"] == kind]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=[d.strftime("%Y-%m-%d") for d in part["date"]], y=list(part["row"]),
            mode="markers+text", name=TIMELINE_LANES[kind], cliponaxis=False,
            marker={"symbol": symbol, "size": 14, "color": colour},
            # the date beside its mark, on the side with more room
            text=[_day(d) for d in part["date"]],
            textposition=[label_side(d, start, end, "middle") for d in part["date"]],
            textfont={"size": NOTE_SIZE},
            hovertext=[hover_text(label, _day(d)) for label, d in zip(part["label"], part["date"], strict=True)],
            hoverinfo="text"))
    page = dated[dated["kind"] == "page"]
    for d in page["date"]:
        fig.add_shape(type="line", name="page date", xref="x", yref="paper",
                      x0=d.strftime("%Y-%m-%d"), x1=d.strftime("%Y-%m-%d"), y0=0, y1=1,
                      line={"color": rgba(PAGE_COLOUR, 0.6), "width": 1.5, "dash": "dot"},
                      layer="below")
    pad = pd.Timedelta(days=120)
    fig.update_xaxes(type="date", range=[(start - pad).strftime("%Y-%m-%d"), (end + pad).strftime("%Y-%m-%d")],
                     title={"text": "Date (year)"})
    category_axis(fig, list(dict.fromkeys(dated["row"])))
    comments = dated[dated["kind"] == "comment"]
    default_title = f"{len(comments)} comments shown against the page's dates"
    if not comments.empty and not page.empty:
        first = page.sort_index().iloc[0]  # in the order given: the page's own date before derived ones
        before = int((comments["date"] < first["date"]).sum())
        verb = "predates" if before == 1 else "predate"
        default_title = (f"{before} of {len(comments)} comments {verb} the page's date "
                         f"'{cell_text(first['label'])}' ({_day(first['date'])})")
    default_caption = ("Diamonds and dotted lines: dates printed on or recorded for the page; "
                       "circles: comments. Each has a row of its own, its date beside it. Comments are "
                       "personal views, not checked.")
    if undated:
        default_caption += f" Not shown: {undated} event(s) without a readable date."
    return apply_theme(fig, title or default_title, source, caption or default_caption)


def _span(value: float | None, lower: object, upper: object) -> tuple[float, float] | None:
    """(value - lower, upper - value) for error bars, or None when any part is missing."""
    if value is None or not (finite(lower) and finite(upper)):
        return None
    return value - float(lower), float(upper) - value  # type: ignore[arg-type]


def bar_chart(data: pd.DataFrame, x: str, y: str, *, title: str, source: str, x_label: str,
              y_label: str, caption: str | None = None, colour: str = PAGE_COLOUR,
              target: float | None = None, target_label: str | None = None,
              hover: str | None = None, lower: str | None = None,
              upper: str | None = None) -> go.Figure:
    """Bars for counts or scores (`x` the categories, `y` the values), optional error bars and target line:
    vertical up to MAX_COLUMNS bars, whose labels fit side by side at MIN_FIGURE_PX; more lie one per row."""
    require_columns(data, [c for c in (x, y, hover, lower, upper) if c], "bar_chart")
    rows = records(data)
    columns = len(rows) <= MAX_COLUMNS
    categories = [(bar_label if columns else category_label)(cell_text(r[x])) for r in rows]
    values = [float(r[y]) if finite(r[y]) else None for r in rows]  # type: ignore[arg-type]
    error = None
    if lower and upper:
        spans = [_span(v, r[lower], r[upper]) for r, v in zip(rows, values, strict=True)]
        error = {"type": "data", "symmetric": False, "color": SCHEMATIC_COLOUR,
                 "array": [s[1] if s else None for s in spans],
                 "arrayminus": [s[0] if s else None for s in spans]}
    hovers = [hover_text(r[x], f"{y_label}: {format_number(v) if v is not None else 'missing'}",
                     r[hover] if hover else "") for r, v in zip(rows, values, strict=True)]
    shown = [v for v in values if v is not None]
    # (category axis, value axis): x and y for columns, y and x for rows
    cat, val = ("x", "y") if columns else ("y", "x")
    fig = go.Figure(go.Bar(
        {cat: categories, val: values, f"error_{val}": error, **({} if columns else {"orientation": "h"})},
        name=safe_text(y_label), marker={"color": colour}, hovertext=hovers, hoverinfo="text",
        text=[format_number(v) if v is not None else "" for v in values],
        textposition="outside", cliponaxis=False))
    for category, value in zip(categories, values, strict=True):
        if value is None:
            fig.add_annotation({cat: category, val: 0}, name="missing", xref="x", yref="y",
                               **({"yanchor": "bottom"} if columns else {"xanchor": "left"}), showarrow=False,
                               text="missing", font={"color": SCHEMATIC_COLOUR, "size": NOTE_SIZE})
    if target is not None and finite(target):
        line = {"color": SCHEMATIC_COLOUR, "width": 2, "dash": "dash"}
        label = safe_text(target_label or f"Target: {format_number(target)}")
        if columns:
            fig.add_hline(y=float(target), line=line)
            fig.add_annotation(name="target", x=1, xref="paper", xanchor="right", y=float(target),
                               yref="y", yanchor="bottom", showarrow=False, text=label)
        else:
            fig.add_vline(x=float(target), line=line)
            fig.add_annotation(name="target", x=float(target), xref="x", xanchor="left", y=1, yref="paper",
                               yanchor="bottom", showarrow=False, text=label)
    if columns:
        # level labels: plotly would turn crowded ones, pushing the axis title into the notes placed under it
        fig.update_xaxes(type="category", title={"text": safe_text(x_label)}, tickangle=0)
    else:
        category_axis(fig, categories)  # top to bottom in the data's order; the labels say what each row is
        low, high = min([0.0, *shown]), max([0.0, *shown])  # every value missing: 0 to 0
        room = (high - low or 1.0) * BAR_TEXT_ROOM  # for the value written beyond each bar's end
        fig.update_xaxes(range=[low - room if low < 0 else 0, high + room if high > 0 else 0])
    fig.update_layout({f"{val}axis": {"title": {"text": safe_text(y_label)}, "rangemode": "tozero"}},
                      showlegend=False)
    if shown and all(v == int(v) for v in shown) and max(shown) <= SMALL_COUNT:
        fig.update_layout({f"{val}axis": {"dtick": 1}})  # small counts: whole-number ticks, never "1.5 figures"
    return apply_theme(fig, title, source, caption, plot_height=PLOT_PX if columns else rows_px(categories))


def uk_counts_chart(page_rows: pd.DataFrame, counts: pd.DataFrame, title: str | None = None,
                    caption: str | None = None) -> go.Figure:
    """UK counts implied by published rates (intervals where given) beside the page's floor."""
    default_caption = ("Log scale. Each published rate times the UK mid-2013 population (ONS), so every dot "
                       "is derived by this project; bars: the source's 95% confidence interval carried "
                       "through, where given. Each counts a different group in a different place and year "
                       "(hover for it). The page's figure is a floor (\u201cat least\u201d) and undated, "
                       "so it is an arrow.")
    return prevalence_comparison_chart(page_rows, counts, title, caption or default_caption,
                                       cols=("count", "count_lower", "count_upper"), unit="people",
                                       axis_title="People in the UK (log scale)")
