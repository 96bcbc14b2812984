"""Shared plotly theme: Okabe-Ito palette, fonts, safe text, title/source/caption layout."""

from __future__ import annotations

import html
import textwrap

import plotly.graph_objects as go
import plotly.io as pio
from plotly.io._base_renderers import ExternalRenderer

from analysis.data.narrative import format_number  # noqa: F401 - the theme's public name for it

TEMPLATE_NAME = "dystonia_facts"
SOURCES_RENDERER = "dystonia_sources"  # shows a chart's full citations under it (see SourcesBelow)
RENDERERS = f"plotly_mimetype+{SOURCES_RENDERER}"  # what notebooks use: the chart, then its long caption and citations
META_KEY = "dystonia_facts_sources"  # layout.meta key holding the full source text
CAPTION_KEY = "dystonia_facts_caption"  # layout.meta key holding a long caption, shown under the chart
SOURCE_MAX = 112  # a longer source line (two lines in the narrowest figure) moves under the chart
CAPTION_MAX = 168  # a longer caption (over three lines in the narrowest figure) moves under the chart

# Okabe & Ito (2008), "Color Universal Design": colours safe for the common colour-vision deficiencies.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
OKABE_ITO_LIST: tuple[str, ...] = tuple(OKABE_ITO.values())

# Trace order: strongest contrast on white first; yellow (weak on white) and black last.
COLORWAY: tuple[str, ...] = tuple(
    OKABE_ITO[name]
    for name in (
        "blue",
        "vermillion",
        "bluish_green",
        "orange",
        "reddish_purple",
        "sky_blue",
        "black",
        "yellow",
    )
)

# Colours by meaning, used the same way in every chart.
PAGE_COLOUR = OKABE_ITO["vermillion"]  # a figure stated on the NHS Choices page
PUBLISHED_COLOUR = OKABE_ITO["blue"]  # a published estimate (literature)
DERIVED_COLOUR = OKABE_ITO["bluish_green"]  # a figure this project derives (rates, shares, products)
COMMENT_COLOUR = OKABE_ITO["orange"]  # a user comment
SCHEMATIC_COLOUR = OKABE_ITO["black"]  # an illustration, not data

FONT_FAMILY = "Arial, Helvetica, sans-serif"
FONT_SIZE = 14
TITLE_SIZE = 16
NOTE_SIZE = 12
TEXT_COLOUR = "#222222"
GRID_COLOUR = "#E6E6E6"
AXIS_COLOUR = "#444444"

# Charts fit their container from MIN_FIGURE_PX to full width: plotly does not wrap text, so titles and notes are
# wrapped for the narrowest width and start at the figure's left edge; the width itself is responsive (no fixed
# width, autosize, responsive config). Narrower, a plot area leaves too little room for data labels beside one
# another, so a chart keeps MIN_FIGURE_PX and its output scrolls sideways (JupyterLab at 800 px with the file
# browser open gives a 360 px output area): the report's CSS and .jupyter/custom/custom.css say so.
MIN_FIGURE_PX = 600
TITLE_WRAP = 42  # characters per title line (about 8 px each at TITLE_SIZE)
NOTE_WRAP = 56  # characters per caption/source line (about 6 px each at NOTE_SIZE)
EDGE_PX = 8  # gap between the figure's left edge and its title, legend and notes
DEFAULT_PLOT_PX = 300  # plot-area height when a chart does not ask for one
MAX_PLOT_PX = 320  # tallest plot area: with title and notes a figure stays within a laptop screen
LABEL_WRAP = 30  # characters per line of a category label in the left margin (it leaves a plot at 360 px)
LEGEND_WRAP = 46  # characters per legend entry line (an entry must fit the narrowest figure)
AXIS_TITLE_WRAP = 28  # characters per x-axis title line (centred on a plot area that can be 120 px wide)
MARK_WRAP = 20  # characters per line of a label placed at a data point (it must not run out of the figure)
LABEL_CHAR_PX = 6.4  # width of a category label character at NOTE_SIZE + 1 (a generous estimate)
ROW_LINE_PX = 15  # height of a category label line; a row is never shorter than its label
_LINE_PX = 16
_TITLE_LINE_PX = 21
_TITLE_PAD_PX = 10
_LEGEND_LINE_PX = 22
_AXIS_TITLE_PX = 58
_TICK_LINE_PX = 16
_BOTTOM_PAD_PX = 12
_LEFT_PX = 90  # left margin of a numeric y axis (ticks and title)


def safe_text(s: str) -> str:
    """Escape text for plotly pseudo-HTML: no tags, no MathJax (`$` -> &#36;)."""
    escaped = html.escape(str(s), quote=False)
    return escaped.replace('"', "&#34;").replace("'", "&#39;").replace("$", "&#36;")


def wrap_safe(s: str, width: int) -> str:
    """Escape text and wrap it at `width` characters, joining lines with <br>."""
    lines: list[str] = []
    for paragraph in str(s).split("\n"):
        lines.extend(textwrap.wrap(paragraph, width=width) or [""])
    return "<br>".join(safe_text(line) for line in lines)


def rgba(hex_colour: str, alpha: float) -> str:
    """Return a palette colour with transparency, as an rgba string."""
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _axis_style() -> dict[str, object]:
    """Axis defaults shared by x and y axes."""
    return {
        "showline": True,
        "linecolor": AXIS_COLOUR,
        "ticks": "outside",
        "tickcolor": AXIS_COLOUR,
        "gridcolor": GRID_COLOUR,
        "zeroline": False,
        "automargin": True,
        "title": {"font": {"size": FONT_SIZE}, "standoff": 8},
        "tickfont": {"size": NOTE_SIZE + 1},
    }


def build_template() -> go.layout.Template:
    """Build the project's plotly template."""
    return go.layout.Template(
        layout={
            "colorway": list(COLORWAY),
            "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT_COLOUR},
            "title": {"font": {"size": TITLE_SIZE}, "x": 0.0, "xref": "container", "xanchor": "left",
                      "pad": {"l": EDGE_PX}},
            "autosize": True,
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "margin": {"l": 90, "r": 56, "t": 90, "b": 140},
            "xaxis": _axis_style(),
            "yaxis": _axis_style(),
            # Under the title, from the figure's left edge; horizontal, so its entries wrap onto rows as the
            # figure narrows and plotly reserves its height above the plot (a vertical one would take width).
            "legend": {
                "orientation": "h",
                "xref": "container",
                "yref": "container",
                "x": 0.0,
                "xanchor": "left",
                "yanchor": "top",
                "tracegroupgap": 2,
                "font": {"size": NOTE_SIZE + 1},
            },
            "hoverlabel": {
                "bgcolor": "white",
                "font": {"family": FONT_FAMILY, "size": NOTE_SIZE + 1},
                "align": "left",
                "namelength": -1,
            },
        }
    )


def register_template() -> str:
    """Register the template under TEMPLATE_NAME and the sources renderer (idempotent); return the name."""
    pio.templates[TEMPLATE_NAME] = build_template()
    pio.renderers[SOURCES_RENDERER] = SourcesBelow()
    return TEMPLATE_NAME


def _note(name: str, text: str, yshift: int, size: int, left: int) -> go.layout.Annotation:
    """A left-aligned note below the plot area (source line or caption), starting at the figure's left edge."""
    return go.layout.Annotation(
        name=name,
        text=text,
        xref="paper",
        yref="paper",
        x=0.0,
        y=0.0,
        xanchor="left",
        yanchor="top",
        yshift=yshift,
        xshift=EDGE_PX - left,
        showarrow=False,
        align="left",
        font={"size": size, "color": TEXT_COLOUR},
    )


def _legend_lines(fig: go.Figure) -> int:
    """Lines the (vertical) legend will take: one per shown entry, plus any <br> in names."""
    if fig.layout.showlegend is False or (fig.layout.showlegend is None and len(fig.data) < 2):
        return 0
    shown = [t for t in fig.data if t.showlegend is not False]
    return sum((t.name or "").count("<br>") + 1 for t in shown)


def _tick_lines(fig: go.Figure) -> int:
    """Most lines in any text x value (wrapped category labels push the x-axis title down)."""
    values = [getattr(t, "x", None) for t in fig.data]  # x may be a numpy array (a figure built from pandas)
    counts = [x.count("<br>") + 1 for xs in values if xs is not None for x in xs if isinstance(x, str)]
    return max(counts, default=1)


def _rewrap(label: str, width: int) -> str:
    """Re-wrap an already escaped label (lines joined with <br>) at `width` characters."""
    words = " ".join(label.split("<br>")).split()
    return "<br>".join(textwrap.wrap(" ".join(words), width=width, break_long_words=False)) or label


def _rows_px(fig: go.Figure) -> int:
    """Plot height the category rows need for their re-wrapped labels (0 without category axes)."""
    axes = [a for a in fig.select_yaxes() if a.type == "category" and a.ticktext]
    # category rows are evenly spaced: each needs the height of the tallest label
    rows = sum(len(a.ticktext) * max(36, max(t.count("<br>") + 1 for t in a.ticktext) * ROW_LINE_PX + 10)
               for a in axes)
    return rows + 30 * len(axes) + 90 * max(len(axes) - 1, 0) if axes else 0


def _left_margin(fig: go.Figure) -> int:
    """Left margin for the y tick labels; category labels are re-wrapped narrow and the margin fixed to them."""
    lines: list[str] = []
    for axis in fig.select_yaxes():
        if axis.type != "category" or not axis.categoryarray:
            continue
        categories = list(axis.categoryarray)
        labels = [_rewrap(str(c), LABEL_WRAP) for c in categories]
        axis.update(tickmode="array", tickvals=categories, ticktext=labels, automargin=False,
                    tickfont={"size": NOTE_SIZE})
        lines += [line for label in labels for line in label.split("<br>")]
    if not lines:
        return _LEFT_PX
    return max(_LEFT_PX, round(max(len(html.unescape(line)) for line in lines) * LABEL_CHAR_PX) + 24)


def _fit_text(fig: go.Figure) -> None:
    """Re-wrap legend names, x-axis titles and data-point labels to fit a narrow figure; one legend entry per name."""
    named: set[str] = set()
    for trace in fig.data:
        if trace.name and len(trace.name) > LEGEND_WRAP:
            trace.name = _rewrap(trace.name, LEGEND_WRAP)
        if trace.name and trace.showlegend is not False:  # traces that share a name share one legend entry
            trace.legendgroup = trace.legendgroup or trace.name
            trace.showlegend = None if trace.name not in named else False
            named.add(trace.name)
    for axis in fig.select_xaxes():
        if axis.title and axis.title.text and len(axis.title.text) > AXIS_TITLE_WRAP:
            axis.title.text = _rewrap(axis.title.text, AXIS_TITLE_WRAP)
    for note in fig.layout.annotations:
        if str(note.xref or "").startswith("x") and note.text and len(note.text) > MARK_WRAP:
            note.text = _rewrap(note.text, MARK_WRAP)


def _source_line(source: str) -> tuple[str, str | None]:
    """The figure's source line and, for a long list of citations, the full text to show under the chart."""
    label = source if source.lower().startswith("source") else f"Source: {source}"
    if len(label) <= SOURCE_MAX:
        return label, None
    first, *rest = [part for part in source.split("; ") if part.strip()]
    more = f" and {len(rest)} more" if rest else ""
    return f"Source: {first}{more} (full citations under the chart)", f"Sources: {source}"


class SourcesBelow(ExternalRenderer):
    """A plotly renderer that displays a chart's full citations as wrapped text under it (JupyterLab, report)."""

    def render(self, fig_dict: dict) -> None:
        """Display the long caption and the citations kept in layout.meta, escaped, after the chart's own output."""
        meta = (fig_dict.get("layout") or {}).get("meta")
        if not isinstance(meta, dict):
            return
        from IPython.display import HTML, display

        style = "font-size: 12px; color: #444; margin: 0 0 1em; max-width: 60em; text-align: left;"
        if meta.get(CAPTION_KEY):
            display(HTML(f'<p class="dfx-caption" style="{style}"><i>{html.escape(meta[CAPTION_KEY])}</i></p>'))
        if meta.get(META_KEY):
            display(HTML(f'<p class="dfx-sources" style="{style}">{html.escape(meta[META_KEY])}</p>'))


def apply_theme(fig: go.Figure, title: str, source: str, caption: str | None = None,
                plot_height: int | None = None) -> go.Figure:
    """Apply the template, escaped finding title, caption and 'Source:' line; size to plot_height px."""
    register_template()
    _fit_text(fig)
    title_html = wrap_safe(title, TITLE_WRAP)
    source_line, sources_below = _source_line(source)
    source_html = wrap_safe(source_line, NOTE_WRAP)
    caption_below = caption if caption and len(caption) > CAPTION_MAX else None
    below = {k: v for k, v in ((CAPTION_KEY, caption_below), (META_KEY, sources_below)) if v}
    fig.update_layout(meta=below or None)
    title_lines = title_html.count("<br>") + 1
    legend_lines = _legend_lines(fig)
    axis_lines = max((a.title.text.count("<br>") + 1 for a in fig.select_xaxes() if a.title and a.title.text),
                     default=1)
    shift = -_AXIS_TITLE_PX - (_tick_lines(fig) - 1) * _TICK_LINE_PX - (axis_lines - 1) * _LINE_PX
    left = _left_margin(fig)
    notes = []
    if caption and not caption_below:
        caption_html = wrap_safe(caption, NOTE_WRAP)
        notes.append(_note("caption", f"<i>{caption_html}</i>", shift, NOTE_SIZE, left))
        shift -= (caption_html.count("<br>") + 1) * _LINE_PX + _BOTTOM_PAD_PX // 2
    notes.append(_note("source", source_html, shift, NOTE_SIZE, left))
    shift -= (source_html.count("<br>") + 1) * _LINE_PX
    # plotly drops the cap-height shift for multi-line titles anchored at the top: add it back.
    pad = _TITLE_PAD_PX + (round(0.75 * TITLE_SIZE) if title_lines > 1 else 0)
    top = _TITLE_PAD_PX + title_lines * _TITLE_LINE_PX + 2 * _BOTTOM_PAD_PX
    # Plotly reserves the legend's height above the plot: allow one entry per row (as in a narrow figure).
    plot = max(min(plot_height or DEFAULT_PLOT_PX, MAX_PLOT_PX), _rows_px(fig))
    height = (plot + top + legend_lines * _LEGEND_LINE_PX
              - shift + _BOTTOM_PAD_PX)
    kept = [a for a in fig.layout.annotations if a.name not in ("caption", "source")]
    fig.update_layout(
        template=TEMPLATE_NAME,
        title={"text": title_html, "y": 1.0, "yref": "container", "yanchor": "top", "pad": {"t": pad}},
        legend={"y": 1 - (top - _BOTTOM_PAD_PX) / height},
        margin={"t": top, "b": -shift + _BOTTOM_PAD_PX, "l": left},
        annotations=kept + notes,
        height=height,
    )
    for index, trace in enumerate(fig.data):
        trace.uid = f"trace-{index}"
    return fig


register_template()
