"""Shared plotly theme: Okabe-Ito palette, fonts, safe text, title/source/caption layout."""

from __future__ import annotations

import html
import math
import textwrap
from decimal import Decimal

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE_NAME = "dystonia_facts"

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
TITLE_SIZE = 18
NOTE_SIZE = 12
TEXT_COLOUR = "#222222"
GRID_COLOUR = "#E6E6E6"
AXIS_COLOUR = "#444444"

TITLE_WRAP = 75
NOTE_WRAP = 120
_LINE_PX = 17
_TITLE_LINE_PX = 24
_TITLE_PAD_PX = 10
_LEGEND_LINE_PX = 22
_AXIS_TITLE_PX = 58
_TICK_LINE_PX = 16
_BOTTOM_PAD_PX = 12


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


def format_number(value: float) -> str:
    """Format a number as written, with thousands separators and no spurious decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "missing"
    sign = "-" if value < 0 else ""
    text = format(Decimal(repr(abs(float(value)))).normalize(), "f")
    whole, _, frac = text.partition(".")
    return f"{sign}{int(whole):,}" + (f".{frac}" if frac else "")


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
            "title": {"font": {"size": TITLE_SIZE}, "x": 0.0, "xref": "paper", "xanchor": "left"},
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "margin": {"l": 90, "r": 40, "t": 90, "b": 140},
            "xaxis": _axis_style(),
            "yaxis": _axis_style(),
            "legend": {
                "orientation": "v",
                "x": 0.0,
                "xanchor": "left",
                "y": 1.0,
                "yanchor": "bottom",
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
    """Register the template under TEMPLATE_NAME (idempotent) and return the name."""
    pio.templates[TEMPLATE_NAME] = build_template()
    return TEMPLATE_NAME


def _note(name: str, text: str, yshift: int, size: int) -> go.layout.Annotation:
    """A left-aligned note below the plot area (source line or caption)."""
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
    counts = [x.count("<br>") + 1 for t in fig.data for x in (getattr(t, "x", None) or ())
              if isinstance(x, str)]
    return max(counts, default=1)


def apply_theme(fig: go.Figure, title: str, source: str, caption: str | None = None,
                plot_height: int | None = None) -> go.Figure:
    """Apply the template, escaped finding title, caption and 'Source:' line; size to plot_height px."""
    register_template()
    title_html = wrap_safe(title, TITLE_WRAP)
    label = source if source.lower().startswith("source") else f"Source: {source}"
    source_html = wrap_safe(label, NOTE_WRAP)
    title_lines = title_html.count("<br>") + 1
    legend_lines = _legend_lines(fig)
    shift = -_AXIS_TITLE_PX - (_tick_lines(fig) - 1) * _TICK_LINE_PX
    notes = []
    if caption:
        caption_html = wrap_safe(caption, NOTE_WRAP)
        notes.append(_note("caption", f"<i>{caption_html}</i>", shift, NOTE_SIZE))
        shift -= (caption_html.count("<br>") + 1) * _LINE_PX + _BOTTOM_PAD_PX // 2
    notes.append(_note("source", source_html, shift, NOTE_SIZE))
    shift -= (source_html.count("<br>") + 1) * _LINE_PX
    # plotly drops the cap-height shift for multi-line titles anchored at the top: add it back.
    pad = _TITLE_PAD_PX + (round(0.75 * TITLE_SIZE) if title_lines > 1 else 0)
    top = _TITLE_PAD_PX + title_lines * _TITLE_LINE_PX + legend_lines * _LEGEND_LINE_PX + 2 * _BOTTOM_PAD_PX
    kept = [a for a in fig.layout.annotations if a.name not in ("caption", "source")]
    fig.update_layout(
        template=TEMPLATE_NAME,
        title={"text": title_html, "y": 1.0, "yref": "container", "yanchor": "top", "pad": {"t": pad}},
        margin={"t": top, "b": -shift + _BOTTOM_PAD_PX},
        annotations=kept + notes,
    )
    if plot_height is not None:
        fig.update_layout(height=plot_height + top - shift + _BOTTOM_PAD_PX)
    for index, trace in enumerate(fig.data):
        trace.uid = f"trace-{index}"
    return fig


register_template()
