"""Tests for analysis.theme and analysis.charts: honest bounds, escaping, determinism, palette."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from analysis.figures import charts, theme

NaN = math.nan
SOURCE = "NHS Choices, Dystonia, last reviewed 19/06/2013"
HOSTILE = "<script>alert(1)</script> costs $x$"


def _fact(fact_id: str, value: float, lower: float, upper: float, qualifier: str, kind: str,
          unit: str, measure: str, population: str, sentence: str, line: int) -> dict[str, object]:
    """One row of the parser's facts table."""
    return {"fact_id": fact_id, "value": value, "lower": lower, "upper": upper,
            "qualifier": qualifier, "kind": kind, "unit": unit, "measure": measure,
            "population": population, "sentence": sentence, "line": line, "source": SOURCE}


@pytest.fixture
def facts() -> pd.DataFrame:
    """A small facts table in the parser's columns."""
    return pd.DataFrame([
        _fact("uk_prevalence", 70000, 70000, NaN, "at least", "lower_bound", "people",
              "people affected by dystonia", "UK", "at least 70,000 people are affected", 9),
        _fact("children_prevalence", 8000, 8000, NaN, "at least", "lower_bound", "people",
              "children and young people affected", "UK", "At least 8,000 of these", 9),
        _fact("cervical_blepharospasm_share", 90, NaN, NaN, "about", "approximate", "percent",
              "cases that are cervical dystonia or blepharospasm", "all cases", "About 90%", 38),
        _fact("total_remission", NaN, 5, 10, "around", "range", "percent",
              "people reaching total remission", "people with dystonia", "around 5-10%", 90),
        _fact("focal_progression_years", 5, NaN, NaN, "about", "approximate", "years",
              "years of gradual progression", "focal dystonia", "about five years", 88),
    ]).set_index("fact_id", drop=False)


@pytest.fixture
def rates() -> pd.DataFrame:
    """Reference rates per 100,000: with CI, without CI, range only, unverified, and empty."""
    def ref(ref_id: str, value: float, lower: float, upper: float, kind: str = "published",
            verified: bool = True) -> dict[str, object]:
        """One reference row, rate columns equal to value columns."""
        return {"ref_id": ref_id, "figure": f"Study {ref_id}", "value": value, "lower": lower,
                "upper": upper, "unit": "per 100,000", "per_100k": value,
                "per_100k_lower": lower, "per_100k_upper": upper, "population": "clinic cases",
                "year": "2012", "source": f"Author {ref_id}, J Test", "doi": "10.1000/x",
                "kind": kind, "is_verified": verified}
    return pd.DataFrame([
        ref("ci", 16.43, 12.09, 22.32),
        ref("noci", 60.11, NaN, NaN, kind="derived"),
        ref("range", NaN, 3.0, 732.0),
        ref("recalled", 4.98, 3.17, 7.82, verified=False),
        ref("empty", NaN, NaN, NaN),
    ])


@pytest.fixture
def page_rate() -> pd.DataFrame:
    """The page's floor as a rate per 100,000 (a minimum)."""
    return pd.DataFrame([{"figure": "Page floor per UK population", "per_100k": 109.2,
                          "source": "NHS Choices; ONS"}])


@pytest.fixture
def shares() -> pd.DataFrame:
    """Published percentages (one without a value, to be left out)."""
    return pd.DataFrame([
        {"figure": "ESDE share", "value": 61.2, "lower": NaN, "upper": NaN, "source": "ESDE 2000",
         "kind": "derived", "is_verified": True},
        {"figure": "Remission CI", "value": 12.5, "lower": 6.0, "upper": 20.0, "source": "J 1990",
         "kind": "published", "is_verified": True},
        {"figure": "No value", "value": NaN, "lower": NaN, "upper": NaN, "source": "X",
         "kind": "published", "is_verified": True},
    ])


@pytest.fixture
def events() -> pd.DataFrame:
    """Page dates and comments, one comment with a hostile label and one undated."""
    return pd.DataFrame([
        {"date": "2013-06-19", "label": "Page last reviewed", "kind": "page"},
        {"date": "2015-06-19", "label": "Next review due", "kind": "page"},
        {"date": "2010-10-19", "label": "pauline15", "kind": "comment"},
        {"date": "2014-03-29", "label": HOSTILE, "kind": "comment"},
        {"date": None, "label": "undated", "kind": "comment"},
    ])


def _builders(facts: pd.DataFrame, rates: pd.DataFrame, page_rate: pd.DataFrame,
              shares: pd.DataFrame, events: pd.DataFrame) -> dict[str, Callable[[], go.Figure]]:
    """Every chart function, ready to build from the fixtures."""
    bounds = facts[facts["kind"] == "lower_bound"]
    scores = pd.DataFrame({"who": ["a", "b", "c"], "score": [3.0, NaN, 5.0],
                           "lo": [2.0, NaN, 4.0], "hi": [4.0, NaN, 7.0]})
    return {
        "lower_bound": lambda: charts.lower_bound_chart(bounds),
        "prevalence": lambda: charts.prevalence_comparison_chart(page_rate, rates),
        "share": lambda: charts.share_chart(facts.loc["cervical_blepharospasm_share"],
                                            shares[shares["figure"] != "Remission CI"]),
        "range": lambda: charts.range_chart(facts.loc["total_remission"],
                                            facts.loc["uk_prevalence"], shares),
        "schematic": lambda: charts.progression_schematic(
            facts.loc["focal_progression_years", "value"], SOURCE),
        "timeline": lambda: charts.timeline_chart(events, SOURCE),
        "bar": lambda: charts.bar_chart(scores, "who", "score", title="Scores by commenter",
                                        source=SOURCE, x_label="Commenter",
                                        y_label="Score (points)", target=4.0,
                                        target_label="Target: 4 points", lower="lo", upper="hi"),
    }


@pytest.fixture
def builders(facts: pd.DataFrame, rates: pd.DataFrame, page_rate: pd.DataFrame,
             shares: pd.DataFrame, events: pd.DataFrame) -> dict[str, Callable[[], go.Figure]]:
    """The chart builders over the fixtures."""
    return _builders(facts, rates, page_rate, shares, events)


CHARTS = ("lower_bound", "prevalence", "share", "range", "schematic", "timeline", "bar")


def _plain(text: str) -> str:
    """Category label without the <br> line breaks added by wrapping."""
    return text.replace("<br>", " ")


def _trace_for(fig: go.Figure, label: str) -> go.Scatter:
    """The first non-bar trace whose category contains label (case-insensitive)."""
    for trace in fig.data:
        if trace.type != "bar" and trace.y is not None and label.lower() in _plain(str(trace.y[0])).lower():
            return trace
    raise AssertionError(f"no trace for {label!r}")


def _annotation(fig: go.Figure, name: str) -> go.layout.Annotation:
    """The annotation with the given name (a long caption is kept in layout.meta and shown under the chart)."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    if name == "caption" and theme.CAPTION_KEY in meta:
        return go.layout.Annotation(text=meta[theme.CAPTION_KEY], name="caption")
    found = [a for a in fig.layout.annotations if a.name == name]
    assert found, f"no {name!r} annotation"
    return found[0]


def _colours(fig: go.Figure) -> list[str]:
    """Every colour set on traces (markers, lines, error bars, patterns)."""
    found: list[str] = []

    def walk(node: object) -> None:
        """Collect colour strings below node."""
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("color", "fgcolor") and isinstance(value, str):
                    found.append(value)
                elif key in ("color", "fgcolor") and isinstance(value, list):
                    found.extend(v for v in value if isinstance(v, str))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(fig.to_json())["data"])
    return found


# --- theme -------------------------------------------------------------------------------------

def test_palette_is_okabe_ito() -> None:
    """The colorway is exactly the eight Okabe-Ito colours, and meaning colours come from it."""
    assert list(theme.OKABE_ITO_LIST) == ["#000000", "#E69F00", "#56B4E9", "#009E73",
                                          "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
    assert sorted(theme.COLORWAY) == sorted(theme.OKABE_ITO_LIST)
    assert list(pio.templates[theme.TEMPLATE_NAME].layout.colorway) == list(theme.COLORWAY)
    for colour in (theme.PAGE_COLOUR, theme.PUBLISHED_COLOUR, theme.DERIVED_COLOUR,
                   theme.COMMENT_COLOUR, theme.SCHEMATIC_COLOUR):
        assert colour in theme.OKABE_ITO_LIST
    assert len({theme.PAGE_COLOUR, theme.PUBLISHED_COLOUR, theme.DERIVED_COLOUR}) == 3


@pytest.mark.parametrize("name", CHARTS)
def test_chart_colours_are_okabe_ito(builders: dict[str, Callable[[], go.Figure]],
                                     name: str) -> None:
    """Every trace colour is an Okabe-Ito colour, solid or translucent."""
    allowed = set(theme.OKABE_ITO_LIST)
    allowed |= {theme.rgba(c, a) for c in theme.OKABE_ITO_LIST for a in (0.18, 0.35, 0.45, 0.6)}
    for colour in _colours(builders[name]()):
        assert colour in allowed, colour


def test_template_registered_with_readable_fonts() -> None:
    """The template is registered, on white, with a readable font size."""
    template = pio.templates[theme.TEMPLATE_NAME]
    assert template.layout.plot_bgcolor == "white"
    assert template.layout.paper_bgcolor == "white"
    assert template.layout.font.size >= 12
    assert template.layout.font.family


def test_safe_text_escapes_html_and_dollar() -> None:
    """safe_text removes tags and MathJax delimiters but keeps the characters readable."""
    out = theme.safe_text(HOSTILE + ' "q" \'s\' & more')
    assert "<" not in out and ">" not in out and "$" not in out
    assert "&lt;script&gt;" in out and "&#36;x&#36;" in out
    assert "&amp; more" in out and "&#34;q&#34;" in out and "&#39;s&#39;" in out


def test_apply_theme_escapes_title_and_adds_source_and_caption() -> None:
    """Title, caption and source are escaped; the source line starts with 'Source:'."""
    fig = theme.apply_theme(go.Figure(go.Scatter(x=[1], y=[2])), HOSTILE, "A <b>site</b> $1",
                            caption="Caption with $y$")
    assert "&lt;script&gt;" in fig.layout.title.text
    assert "<script" not in fig.layout.title.text and "$" not in fig.layout.title.text
    source = _annotation(fig, "source")
    assert source.text.startswith("Source: A &lt;b&gt;site&lt;/b&gt; &#36;1")
    assert "$" not in _annotation(fig, "caption").text
    assert fig.layout.template.layout.colorway == tuple(theme.COLORWAY)
    assert fig.data[0].uid == "trace-0"


def test_apply_theme_twice_keeps_one_source_line() -> None:
    """Re-theming replaces the source and caption instead of stacking them."""
    fig = theme.apply_theme(go.Figure(), "t", SOURCE, caption="c")
    fig = theme.apply_theme(fig, "t", SOURCE, caption="c")
    assert [a.name for a in fig.layout.annotations].count("source") == 1
    assert [a.name for a in fig.layout.annotations].count("caption") == 1


@pytest.mark.parametrize(("value", "text"), [(70000, "70,000"), (16.43, "16.43"), (-0.3, "-0.3"),
                                             (109.0, "109"), (NaN, "missing")])
def test_format_number(value: float, text: str) -> None:
    """Numbers are shown as written, with separators, never NaN or 0 for missing."""
    assert theme.format_number(value) == text


@pytest.mark.parametrize(("value", "half"), [(90, 5), (70000, 5000), (5, 0.5), (16.43, 0.005)])
def test_rounding_halfwidth(value: float, half: float) -> None:
    """The rounding step implied by a number as written."""
    assert charts.rounding_halfwidth(value) == pytest.approx(half)
    assert math.isnan(charts.rounding_halfwidth(NaN))


# --- every chart -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_has_source_title_and_axis_labels(
        builders: dict[str, Callable[[], go.Figure]], name: str) -> None:
    """Each chart has a finding title, a 'Source:' line and labelled x axes."""
    fig = builders[name]()
    assert _annotation(fig, "source").text.startswith("Source: ")
    assert len(fig.layout.title.text) > 10
    assert fig.layout.template.layout.colorway == tuple(theme.COLORWAY)
    layout = fig.to_plotly_json()["layout"]
    x_axes = [k for k in layout if re.fullmatch(r"xaxis\d*", k)]
    assert x_axes and all(layout[k]["title"]["text"] for k in x_axes)


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_deterministic(builders: dict[str, Callable[[], go.Figure]],
                                      name: str) -> None:
    """Two builds give byte-identical JSON, with explicit uids."""
    first, second = builders[name](), builders[name]()
    assert first.to_json() == second.to_json()
    assert [t.uid for t in first.data] == [f"trace-{i}" for i in range(len(first.data))]


@pytest.mark.parametrize("name", CHARTS)
def test_hover_text_is_escaped_once(builders: dict[str, Callable[[], go.Figure]],
                                    name: str) -> None:
    """Hover text keeps its own line breaks and never shows escaped markup or 'nan'."""
    for trace in builders[name]().data:
        for hover in trace.hovertext or ():
            assert hover and "&lt;br&gt;" not in hover and "&amp;" not in hover
            assert not re.search(r"\bnan\b", hover, re.IGNORECASE)


@pytest.mark.parametrize("name", CHARTS)
def test_no_nan_drawn_as_zero(builders: dict[str, Callable[[], go.Figure]], name: str) -> None:
    """Scatter traces carry only finite x values; nothing missing is coerced to 0."""
    fig = builders[name]()
    for trace in fig.data:
        if trace.type == "scatter" and name != "timeline":
            assert all(x is not None and math.isfinite(x) for x in trace.x), trace.name


# --- lower bounds ------------------------------------------------------------------------------

def test_lower_bounds_are_open_ended_arrows_not_bars(facts: pd.DataFrame) -> None:
    """Each 'at least N' is a tick at N plus an arrow to the right, labelled, with no bar."""
    bounds = facts[facts["kind"] == "lower_bound"]
    fig = charts.lower_bound_chart(bounds)
    assert not [t for t in fig.data if t.type == "bar"]
    for row in bounds.itertuples():
        trace = _trace_for(fig, row.measure[:20])
        assert trace.x[0] == row.lower
        assert trace.x[1] > row.lower
        assert trace.marker.symbol[1] == "triangle-right"
        assert trace.line.dash == "dot"
        assert trace.text[0] == f"at least {theme.format_number(row.lower)}"
    assert "at least 70,000" in fig.layout.title.text.replace("<br>", " ")  # titles wrap to fit narrow figures
    assert "no upper limit" in _annotation(fig, "caption").text.replace("<br>", " ")


def test_lower_bound_chart_rejects_other_kinds(facts: pd.DataFrame) -> None:
    """A range or approximation is not silently drawn as a lower bound."""
    with pytest.raises(ValueError, match="not lower bounds"):
        charts.lower_bound_chart(facts)


def test_lower_bound_missing_value_is_labelled_not_zero(facts: pd.DataFrame) -> None:
    """A lower bound without a number is labelled missing and not drawn."""
    bounds = facts[facts["kind"] == "lower_bound"].copy()
    bounds.loc["children_prevalence", "lower"] = NaN
    fig = charts.lower_bound_chart(bounds)
    assert len(fig.data) == 1
    assert "missing" in _annotation(fig, "missing").text
    assert "Children" in _plain(_annotation(fig, "missing").y)


# --- prevalence comparison ---------------------------------------------------------------------

def test_prevalence_error_bars_equal_ci(builders: dict[str, Callable[[], go.Figure]],
                                        rates: pd.DataFrame) -> None:
    """Error bars reach exactly the published 95% CI; the axis is log."""
    fig = builders["prevalence"]()
    assert fig.layout.xaxis.type == "log"
    for ref_id in ("ci", "recalled"):
        row = rates.set_index("ref_id").loc[ref_id]
        trace = _trace_for(fig, f"Study {ref_id}")
        assert trace.x[0] == row["per_100k"]
        assert trace.x[0] + trace.error_x.array[0] == pytest.approx(row["per_100k_upper"])
        assert trace.x[0] - trace.error_x.arrayminus[0] == pytest.approx(row["per_100k_lower"])
        assert row["source"] in _plain(trace.hovertext[0])


def test_prevalence_page_rate_is_a_floor(builders: dict[str, Callable[[], go.Figure]],
                                         page_rate: pd.DataFrame) -> None:
    """The page's rate is an arrow from the floor, without error bars."""
    fig = builders["prevalence"]()
    trace = _trace_for(fig, "Page floor")
    assert trace.x[0] == page_rate["per_100k"].iloc[0]
    assert trace.marker.symbol[1] == "triangle-right"
    assert trace.error_x.array is None
    assert trace.text[0].startswith("at least")
    assert "above every" in fig.layout.title.text


def test_prevalence_missing_values_omitted_and_named(
        builders: dict[str, Callable[[], go.Figure]]) -> None:
    """No CI means no error bar; a range has no dot; an empty row is left out and named."""
    fig = builders["prevalence"]()
    assert _trace_for(fig, "Study noci").error_x.array is None
    ranged = _trace_for(fig, "Study range")
    assert list(ranged.x) == [3.0, 732.0] and ranged.mode == "lines+markers"
    assert not [t for t in fig.data if "Study empty" in _plain(str(t.y[0]))]
    assert "Study empty" in _annotation(fig, "caption").text
    assert _trace_for(fig, "Study recalled").marker.symbol == "circle-open"


# --- share -------------------------------------------------------------------------------------

def test_share_chart_is_approximate_and_not_split(facts: pd.DataFrame,
                                                  builders: dict[str, Callable[[], go.Figure]]
                                                  ) -> None:
    """About 90% is hatched with a band; the rest is one block; implied focal >= about 90%."""
    row = facts.loc["cervical_blepharospasm_share"]
    fig = builders["share"]()
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == 2
    assert [b.x[0] for b in bars] == [row["value"], 100 - row["value"]]
    assert [b.base[0] for b in bars] == [0, row["value"]]
    assert all(b.marker.pattern.shape == "/" for b in bars)
    bands = [s for s in fig.layout.shapes if s.name == "approximate band"]
    assert (bands[0].x0, bands[0].x1) == (85, 95)
    focal = _trace_for(fig, "focal dystonia")
    assert focal.x[0] == row["value"] and focal.marker.symbol[1] == "triangle-right"
    assert "at least about 90%" in focal.text[0]
    other = _trace_for(fig, "non-focal")
    assert other.x[0] == 100 - row["value"] and other.marker.symbol[1] == "triangle-left"
    assert "\u2248" in _annotation(fig, "caption").text or "\u2248" in "".join(
        a.text for a in fig.layout.annotations)
    title = _plain(fig.layout.title.text)
    assert title.startswith("The page says about 90%") and "would be focal" in title
    assert "published shares shown are lower" not in title  # comparators measure different things


# --- range -------------------------------------------------------------------------------------

def test_range_chart_uses_lower_and_upper(facts: pd.DataFrame,
                                          builders: dict[str, Callable[[], go.Figure]]) -> None:
    """The band runs from lower to upper; the range x the count is one band labelled an illustration, no arrow."""
    share, base = facts.loc["total_remission"], facts.loc["uk_prevalence"]
    fig = builders["range"]()
    band = _trace_for(fig, "total remission")
    assert list(band.x) == [share["lower"], share["upper"]]
    people = [t for t in fig.data if t.y is not None and "Illustration" in _plain(str(t.y[0]))]
    expected = [base["lower"] * share["lower"] / 100, base["lower"] * share["upper"] / 100]
    assert len(people) == 1 and list(people[0].x) == pytest.approx(expected)
    assert "not a count" in _plain(str(people[0].y[0])) and "People affected" not in _plain(str(people[0].y[0]))
    assert "an illustration, not a count" in _plain(fig.layout.title.text)
    ci = _trace_for(fig, "Remission CI")
    assert ci.x[0] + ci.error_x.array[0] == 20.0 and ci.x[0] - ci.error_x.arrayminus[0] == 6.0
    assert "around 5-10%" in fig.layout.title.text


@pytest.mark.parametrize(("fact_id", "field", "build", "message"), [
    pytest.param("cervical_blepharospasm_share", "value", charts.share_chart, "no value",
                 id="share-without-value"),
    pytest.param("total_remission", "upper", charts.range_chart, "lower and upper",
                 id="range-without-upper"),
])
def test_chart_requires_its_numbers(facts: pd.DataFrame, fact_id: str, field: str,
                                    build: Callable[[pd.Series], go.Figure], message: str) -> None:
    """A share without a value, or a range without an upper bound, is an error, not a zero-width mark."""
    row = facts.loc[fact_id].copy()
    row[field] = NaN
    with pytest.raises(ValueError, match=message):
        build(row)


# --- schematic, timeline, bars -----------------------------------------------------------------

def test_progression_schematic_is_labelled_not_data(facts: pd.DataFrame) -> None:
    """The schematic says so, uses the page's years, and has the approximate x label."""
    years = facts.loc["focal_progression_years", "value"]
    fig = charts.progression_schematic(years, SOURCE)
    assert "Schematic, not data" in _annotation(fig, "schematic").text
    assert fig.layout.xaxis.title.text.replace("<br>", " ") == "Years since onset (approximate)"
    assert fig.layout.shapes[0].x0 == years
    assert max(fig.data[0].x) == 2 * years
    assert fig.data[0].y[-1] == fig.data[0].y[len(fig.data[0].y) // 2]  # plateau after N years
    with pytest.raises(ValueError):
        charts.progression_schematic(NaN, SOURCE)


def test_timeline_escapes_labels_and_counts_undated(
        builders: dict[str, Callable[[], go.Figure]]) -> None:
    """Comment labels are escaped in row labels and hover; undated events are reported, not drawn."""
    fig = builders["timeline"]()
    payload = fig.to_json()
    assert "<script" not in payload and "$x$" not in payload
    comments = [t for t in fig.data if t.name == "Comments"][0]
    assert any("&lt;script&gt;" in t for t in fig.layout.yaxis.ticktext)
    assert any("&lt;script&gt;" in h for h in comments.hovertext)
    assert list(comments.x) == ["2010-10-19", "2014-03-29"]
    assert "1 event(s) without a readable date" in _annotation(fig, "caption").text
    assert len([s for s in fig.layout.shapes if s.name == "page date"]) == 2
    assert fig.layout.title.text.startswith("1 of 2 comments predates")


def test_timeline_gives_each_event_a_row_with_its_date(builders: dict[str, Callable[[], go.Figure]]) -> None:
    """Every dated event has a row of its own (page dates above comments, each by date), so no two labels share
    a line however close their dates; the date is written beside each mark, on the side with more room."""
    fig = builders["timeline"]()
    page, comments = ([t for t in fig.data if t.name == name][0] for name in ("Page dates", "Comments"))
    rows = list(page.y) + list(comments.y)
    assert len(rows) == len(set(rows)) == 4
    assert list(reversed(fig.layout.yaxis.categoryarray)) == rows  # top to bottom
    assert rows[:3] == ["Page last reviewed", "Next review due", "pauline15"]
    assert list(page.text) == ["19 June 2013", "19 June 2015"]
    assert list(comments.text) == ["19 October 2010", "29 March 2014"]
    assert list(comments.textposition) == ["middle right", "middle left"]  # the side away from the nearer end


def test_timeline_rejects_unknown_kind(events: pd.DataFrame) -> None:
    """Only 'comment' and 'page' events are accepted."""
    with pytest.raises(ValueError, match="unknown event kind"):
        charts.timeline_chart(events.assign(kind="other"), SOURCE)


def test_bar_chart_missing_value_is_labelled_not_zero(
        builders: dict[str, Callable[[], go.Figure]]) -> None:
    """NaN stays missing (None) and is labelled; error bars and target come from the data."""
    fig = builders["bar"]()
    bar = fig.data[0]
    assert list(bar.y) == [3.0, None, 5.0]
    assert _annotation(fig, "missing").x == "b"
    assert list(bar.error_y.array) == [1.0, None, 2.0]
    assert list(bar.error_y.arrayminus) == [1.0, None, 1.0]
    assert fig.layout.shapes[0].y0 == 4.0
    assert _annotation(fig, "target").text == "Target: 4 points"


def test_more_bars_than_fit_side_by_side_lie_one_per_row() -> None:
    """Up to MAX_COLUMNS bars stand side by side, labels wrapped level under them; more lie horizontally, one
    labelled row each in the data's order, with room beyond both ends for the values written there, the missing
    one labelled, error bars and target along the value axis."""
    few = pd.DataFrame({"who": ["a lower bound", "b", "c"], "n": [1.0, 2.0, 0.0]})
    fig = charts.bar_chart(few, "who", "n", title="t", source=SOURCE, x_label="Kind", y_label="Figures")
    assert fig.data[0].orientation is None and list(fig.data[0].x) == ["a lower<br>bound", "b", "c"]
    assert fig.layout.xaxis.tickangle == 0 and fig.layout.yaxis.dtick == 1  # whole numbers, never "1.5 figures"
    names = [f"Commenter {letter}" for letter in "ABCDEFGHIJKL"]
    scores = [-0.8, None, *[0.5] * 10]
    many = pd.DataFrame({"who": names, "score": scores, "lo": [-0.9, None, *[0.4] * 10], "hi": [-0.7, None, *[0.6] * 10]})
    fig = charts.bar_chart(many, "who", "score", title="t", source=SOURCE, x_label="Comment", y_label="Score",
                           target=0.2, lower="lo", upper="hi")
    bar = fig.data[0]
    assert len(names) > charts.MAX_COLUMNS and bar.orientation == "h"
    assert list(bar.y) == names and list(bar.x) == scores
    assert list(reversed(fig.layout.yaxis.categoryarray)) == names  # top to bottom as given
    low, high = fig.layout.xaxis.range
    assert low < -0.8 and high > 0.5 and fig.layout.xaxis.dtick is None
    assert _annotation(fig, "missing").y == "Commenter B"
    assert list(bar.error_x.array)[:2] == pytest.approx([0.1, None], nan_ok=True)
    assert fig.layout.shapes[0].x0 == 0.2 and fig.layout.xaxis.title.text == "Score"


def test_hostile_text_never_reaches_json_unescaped(facts: pd.DataFrame) -> None:
    """User text in titles, sources, labels and hover is escaped everywhere in the output."""
    hostile = facts[facts["kind"] == "lower_bound"].assign(sentence=HOSTILE, measure=HOSTILE)
    payloads = [
        charts.lower_bound_chart(hostile, title=HOSTILE, caption=HOSTILE).to_json(),
        charts.bar_chart(pd.DataFrame({"who": [HOSTILE], "n": [1.0]}), "who", "n", title=HOSTILE,
                         source=HOSTILE, x_label="Commenter", y_label="Comments (count)").to_json(),
    ]
    for payload in payloads:
        assert "<script" not in payload and "$x$" not in payload


def test_report_and_jupyterlab_keep_charts_at_the_theme_minimum_width() -> None:
    """The report's CSS and JupyterLab's custom.css give a chart the theme's minimum width, in one value, and let
    its output scroll sideways below it; the Lab config loads that stylesheet."""
    root = Path(__file__).resolve().parents[1]
    report_css = (root / "analysis/report/templates/dystonia_lab/index.html.j2").read_text(encoding="utf-8")
    lab_css = (root / ".jupyter/custom/custom.css").read_text(encoding="utf-8")
    for css in (report_css, lab_css):
        assert re.findall(r"min-width: (\d+)px", css) == [str(theme.MIN_FIGURE_PX)]
        assert "overflow-x: auto" in css
    config = (root / ".jupyter/jupyter_server_config.py").read_text(encoding="utf-8")
    assert "c.LabApp.custom_css = True" in config and '"static_custom_path"' in config
