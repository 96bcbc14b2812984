"""Set-up shared by every notebook: plotly's renderer and theme, pandas display, the page's tables."""

from __future__ import annotations

import pandas as pd
import plotly.io as pio

from analysis.data.load import page_tables
from analysis.figures.publish import publish  # noqa: F401  (notebooks call notebook.publish(table))
from analysis.figures.theme import RENDERERS, register_template

# JupyterLab draws this mimetype with its plotly extension, and the HTML report ships plotly.js once;
# the "notebook" renderer would embed 4.8 MB of plotly.js and random div ids in every output.
# analysis.theme's sources renderer then shows a chart's long citations in full under it.
RENDERER = RENDERERS


def setup() -> dict[str, pd.DataFrame]:
    """Configure plotly and pandas for the notebooks and return the page's validated tables."""
    pio.renderers.default = RENDERER
    pio.templates.default = register_template()
    pd.set_option("display.max_colwidth", 120)
    pd.set_option("display.precision", 1)
    return page_tables()

