"""Tables as an analyst would publish them: one helper, `publish`, for every notebook and the report.

A pandas Styler with HTML escaping on (Styler does not escape by default; page and comment text is untrusted):
no meaningless 0, 1, 2 index, thousands separators, sensible decimals, missing said in words, ';'-separated
lists shown as lists, text left-aligned and wrapped in full, numbers right-aligned, no empty header cell.
The result shows as HTML in JupyterLab and in the report, and as aligned plain text elsewhere; its HTML is
deterministic (the table id is a hash of its content) so nbval can compare it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import math
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

MISSING = "missing"  # NaN, None, NaT: never shown as NaN, None or a blank
EMPTY = "none"  # an empty string (e.g. no qualifier stated)
MAX_DECIMALS = 2
LIST_SEP = ";"
TABLE_CLASS = "dfx-table"
# Inline styles as well as the <style> block: JupyterLab's sanitiser drops <style> from untrusted outputs (a
# committed notebook opened fresh) but keeps style attributes, and they beat its right-aligned table CSS.
INLINE = {
    ("td", "dfx-num"): "text-align: right; white-space: nowrap; vertical-align: top;",
    ("td", "dfx-text"): "text-align: left; white-space: normal; vertical-align: top; min-width: 8em; "
                        "max-width: 36em; overflow-wrap: break-word;",
    ("th", "dfx-num"): "text-align: right; vertical-align: bottom; white-space: normal;",
    ("th", "dfx-text"): "text-align: left; vertical-align: bottom; white-space: normal;",
}
LIST_STYLE = "margin: 0; padding-left: 1.1em; text-align: left;"
CELL_TAG = re.compile(r'<(td|th) (id="[^"]*" )?class="([^"]*)"')
# Integer columns that are labels, not quantities: no thousands separator ("2013", "line 1027").
LABEL_NUMBER = re.compile(r"(^|_)(year|line|id)$|^line_|_line_")
# A ';'-separated list as the tables store it ("a;b;c"): a ';' directly followed by a non-space.
LIST_VALUE = re.compile(r";(?=\S)")
# A number already written as text ("70,000", "3.2", "5%"): right-aligned, and blank means missing.
NUMBER_TEXT = re.compile(r"^[-−]?\d[\d,]*(\.\d+)?%?$")
# Text columns wrap; these CSS widths keep a long citation readable without squeezing numbers.
CSS = [
    {"selector": "", "props": "border-collapse: collapse; margin: 0.5em 0 1em; font-size: 13px; "
                               "font-variant-numeric: tabular-nums; table-layout: auto; max-width: 100%;"},
    {"selector": "caption", "props": "caption-side: top; text-align: left; font-weight: bold; padding: 4px 0;"},
    {"selector": "th", "props": "text-align: left; vertical-align: bottom; padding: 4px 8px; "
                                "border-bottom: 1px solid #444; white-space: normal; font-weight: bold;"},
    {"selector": "td", "props": "vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #ddd; "
                                "white-space: normal; overflow-wrap: break-word; max-width: none;"},
    {"selector": "td.dfx-num, th.dfx-num", "props": "text-align: right; white-space: nowrap;"},
    {"selector": "td.dfx-text", "props": "text-align: left; min-width: 8em; max-width: 36em;"},
    {"selector": "ul", "props": "margin: 0; padding-left: 1.1em; text-align: left;"},
    {"selector": "li", "props": "margin: 0;"},
]


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas NA (not for lists)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _decimals(values: Iterable[float], cap: int) -> int:
    """Fewest decimals (up to cap, or one more for values below 0.1) that show every value in the column."""
    finite = [abs(float(v)) for v in values if not is_missing(v) and math.isfinite(float(v))]
    small = [v for v in finite if 0 < v < 0.1]
    limit = cap + 1 if small else cap
    for places in range(limit + 1):
        if all(abs(round(v, places) - v) < 1e-9 for v in finite):
            return places
    return limit


def _number(value: object, places: int, label: bool) -> str:
    """A number with thousands separators (none for labels such as years) and a fixed number of decimals."""
    if is_missing(value):
        return MISSING
    number = float(value)  # type: ignore[arg-type]
    if label and number.is_integer():
        return str(int(number))
    text = f"{number:,.{places}f}"  # rounded to the column's decimals, without spurious trailing zeros
    return text.rstrip("0").rstrip(".") if "." in text else text


def _items(value: object) -> list[str] | None:
    """The items of a list value (a list, tuple, array, or a ';'-separated string); None if not a list."""
    if isinstance(value, list | tuple | np.ndarray):
        return [str(v) for v in value]
    if isinstance(value, str) and LIST_VALUE.search(value):
        return [part.strip() for part in value.split(LIST_SEP) if part.strip()]
    return None


def _list_html(items: list[str]) -> str:
    """Items as an HTML bullet list, each escaped (one item is shown as plain text)."""
    if not items:
        return EMPTY
    if len(items) == 1:
        return html.escape(items[0])
    return f'<ul style="{LIST_STYLE}">' + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>"


def _text_html(value: object) -> str:
    """Any other cell as escaped text; booleans as yes/no, dates as '19 June 2013', missing in words."""
    if is_missing(value):
        return MISSING
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp | dt.date):
        return f"{value.day} {value:%B %Y}"
    items = _items(value)
    if items is not None:
        return _list_html(items)
    text = str(value)
    return html.escape(text) if text.strip() else EMPTY


def _plain(cell_html: str) -> str:
    """The plain-text form of a formatted cell (lists joined with '; ')."""
    text = cell_html.replace("</li><li>", "; ")
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _header(name: object) -> str:
    """A column header for readers: underscores as spaces, never empty."""
    text = str(name).replace("_", " ").strip() if not is_missing(name) else ""
    return text or "value"


def _number_text(series: pd.Series) -> bool:
    """True for a text column of pre-formatted numbers (blank cells allowed, at least one number)."""
    values = [str(v).strip() for v in series if not is_missing(v)]
    numbers = [v for v in values if v and v != MISSING]
    return bool(numbers) and all(NUMBER_TEXT.match(v) for v in numbers)


def _numeric(series: pd.Series) -> bool:
    """True for number columns (booleans are text: yes/no)."""
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _all_numbers(series: pd.Series) -> bool:
    """True for an object column that holds only numbers and missing values (e.g. a column of nullable ints)."""
    values = [v for v in series if not is_missing(v)]
    return bool(values) and all(isinstance(v, int | float | np.integer | np.floating)
                                and not isinstance(v, bool | np.bool_) for v in values)


def _inline_style(match: re.Match[str]) -> str:
    """Add the inline style for a cell's kind (number or text) to its opening tag."""
    tag, ident, classes = match.group(1), match.group(2) or "", match.group(3)
    kind = "dfx-num" if "dfx-num" in classes.split() else "dfx-text"
    return f'<{tag} {ident}class="{classes}" style="{INLINE[(tag, kind)]}"'


class PublishedTable:
    """A formatted table: HTML for JupyterLab and the report, aligned text for a terminal."""

    def __init__(self, data: pd.DataFrame, cells: pd.DataFrame, numeric: list[str], caption: str | None) -> None:
        """Keep the source data, the formatted cells (escaped HTML strings) and which columns are numbers."""
        self.data = data
        self.cells = cells
        self.numeric = numeric
        self.caption = caption

    @property
    def styler(self) -> Any:
        """The pandas Styler behind the HTML (escaping on, index hidden, deterministic id)."""
        digest = hashlib.sha256(self.cells.to_json().encode() + (self.caption or "").encode()).hexdigest()[:10]
        styler = self.cells.style
        styler.set_uuid(digest)
        styler.hide(axis="index")
        # The cells are already escaped HTML (lists as <ul>); headers are escaped here.
        styler.format_index(_header, axis="columns", escape="html")
        styler.set_table_attributes(f'class="{TABLE_CLASS} dataframe"')  # pandas' class, for CSS and tests
        styler.set_table_styles(CSS, overwrite=True)
        styler.set_td_classes(pd.DataFrame(
            [["dfx-num" if c in self.numeric else "dfx-text" for c in self.cells.columns]] * len(self.cells),
            index=self.cells.index, columns=self.cells.columns))
        if self.caption:
            styler.set_caption(html.escape(self.caption))
        return styler

    def _none_found(self) -> str:
        """What an empty table says instead of a header with no rows."""
        columns = ", ".join(_header(c) for c in self.cells.columns)
        return f"Nothing found{f' ({self.caption})' if self.caption else ''}: no rows of {columns}."

    def to_html(self) -> str:
        """The table as HTML (a <style> block and a <table>); a table without rows says so in words."""
        if self.cells.empty:
            return f'<p class="dfx-empty">{html.escape(self._none_found())}</p>'
        text = self.styler.to_html()
        for number, column in enumerate(self.cells.columns):  # header alignment follows the column
            kind = "dfx-num" if column in self.numeric else "dfx-text"
            text = text.replace(f'class="col_heading level0 col{number}"',
                                f'class="col_heading level0 col{number} {kind}"', 1)
        return CELL_TAG.sub(_inline_style, text)

    def _repr_html_(self) -> str:
        """Rich display in JupyterLab and nbconvert."""
        return self.to_html()

    def to_string(self) -> str:
        """The table as aligned plain text (same formatting, no markup)."""
        if self.cells.empty:
            return self._none_found()
        plain = self.cells.map(_plain)
        plain.columns = [_header(c) for c in self.cells.columns]
        return plain.to_string(index=False)

    def __repr__(self) -> str:
        """Plain-text display (also what nbval compares beside the HTML)."""
        return self.to_string()


def publish(df: pd.DataFrame, *, caption: str | None = None, decimals: int | dict[str, int] | None = None,
            index: bool | None = None) -> PublishedTable:
    """Format a DataFrame for publication; `index=None` keeps the index only if it is named (it means something)."""
    data = df.copy()
    keep_index = index if index is not None else any(name is not None for name in data.index.names)
    data = data.reset_index() if keep_index else data.reset_index(drop=True)
    data.columns = [str(c) if not isinstance(c, tuple) else " ".join(map(str, c)) for c in data.columns]
    cells = pd.DataFrame(index=data.index)
    numeric: list[str] = []
    for column in data.columns:
        series = data[column]
        if _numeric(series) or (series.dtype == object and _all_numbers(series)):
            numeric.append(column)
            label = bool(LABEL_NUMBER.search(column.lower()))
            wanted = decimals.get(column) if isinstance(decimals, dict) else decimals
            places = wanted if wanted is not None else _decimals(series, MAX_DECIMALS)
            cells[column] = [_number(v, places, label) for v in series]
        elif series.dtype == object and _number_text(series):
            numeric.append(column)
            cells[column] = [html.escape(str(v).strip()) if not is_missing(v) and str(v).strip() else MISSING
                             for v in series]
        else:
            cells[column] = [_text_html(v) for v in series]
    return PublishedTable(data, cells, numeric, caption)
