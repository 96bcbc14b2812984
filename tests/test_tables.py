"""analysis.publish: tables as an analyst would publish them, and the small public API of `analysis`."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.figures.publish import publish
from tests.conftest import PROJECT_ROOT


def headers(html: str) -> list[str]:
    """Text of every <th> in the HTML."""
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)]


def cells(html: str) -> list[str]:
    """Inner HTML of every <td>."""
    return [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]


@pytest.fixture
def frame() -> pd.DataFrame:
    """A filtered table as the notebooks have them: gaps in the index, floats, NaN, None, lists, markup."""
    df = pd.DataFrame({
        "figure": ["<b>Page</b>", "ESDE & co", "Wales", "Hannover"],
        "value": [70000.0, 15.2, np.nan, 1234567.891],
        "share": [0.6249, 0.1, 0.25, np.nan],
        "year": [2013, 2000, 2019, 2007],
        "examples": ["a;b;c", "", None, "one"],
        "verified": [True, False, True, pd.NA],
        "source": ["x " * 200, "y", "z", "w"],
    }, index=[0, 3, 6, 7])
    df["verified"] = df["verified"].astype("boolean")
    return df


def test_no_meaningless_index_and_no_empty_header(frame: pd.DataFrame) -> None:
    """The 0, 3, 6, 7 index is not shown; every header cell has text, underscores read as spaces."""
    html = publish(frame).to_html()
    assert headers(html) == ["figure", "value", "share", "year", "examples", "verified", "source"]
    assert all(headers(html))
    named = publish(frame.rename_axis("row_id")).to_html()
    assert headers(named)[0] == "row id" and all(headers(named))


def test_numbers_missing_lists_and_escaping(frame: pd.DataFrame) -> None:
    """Separators and column-wise decimals, missing in words, years plain, lists as <ul>, markup escaped."""
    table = publish(frame)
    html = table.to_html()
    body = cells(html)
    assert "70,000" in body and "1,234,567.89" in body and "15.2" in body and "missing" in body
    assert "0.62" in body and "2013" in body and "2,013" not in body
    assert '<li>a</li><li>b</li><li>c</li>' in html and "none" in body
    assert "&lt;b&gt;Page&lt;/b&gt;" in html and "<b>Page</b>" not in html and "ESDE &amp; co" in html
    assert "yes" in body and "no" in body
    assert not re.search(r">\s*(NaN|None|nan|<NA>)\s*<", html)
    assert ("x " * 200).strip() in html  # long text in full, wrapped by CSS, never cut with "..."
    assert "..." not in str(table)
    whole = publish(pd.DataFrame({"n": [70000.0, 8000.0]})).to_html()
    assert cells(whole) == ["70,000", "8,000"]


def test_alignment_is_inline(frame: pd.DataFrame) -> None:
    """Text left, numbers right, as inline styles (JupyterLab's sanitiser drops <style> blocks)."""
    html = publish(frame).to_html()
    for tag in re.findall(r"<td[^>]*>", html):
        assert ("text-align: right" in tag) == ("dfx-num" in tag), tag
        assert "text-align:" in tag


def test_deterministic_and_plain_text(frame: pd.DataFrame) -> None:
    """Same table, same bytes (nbval compares them); the text form has no index and no markup."""
    assert publish(frame).to_html() == publish(frame.copy()).to_html()
    text = repr(publish(frame))
    assert "<" not in text.replace("<b>", "").replace("</b>", "") or "&lt;" not in text
    assert text.splitlines()[0].split()[0] == "figure"


def test_a_table_without_rows_says_nothing_found_in_words() -> None:
    """An empty table is a sentence naming its columns (escaped), not a header row over nothing."""
    table = publish(pd.DataFrame(columns=["comment_id", "value"]), caption="Numbers <in> comments")
    html = table.to_html()
    assert "<table" not in html and "Nothing found" in html and "comment id, value" in html
    assert "&lt;in&gt;" in html and "<in>" not in html
    assert repr(table).startswith("Nothing found (Numbers <in> comments)")
    assert "<table" in publish(pd.DataFrame({"a": [1]})).to_html()


def test_import_analysis_is_cheap() -> None:
    """`import analysis` loads neither pandas nor plotly; the public names resolve on first use."""
    code = ("import sys, analysis; assert 'pandas' not in sys.modules and 'plotly' not in sys.modules; "
            "analysis.publish; analysis.charts.bar_chart; analysis.apply_theme; print('ok')")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.strip() == "ok", result.stderr
    assert set(analysis.__all__) >= {"setup", "load_tables", "publish", "apply_theme", "set_as_of", "as_of"}


def test_as_of_error_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad as-of date is refused naming DYSTONIA_FACTS_AS_OF; set_as_of keeps the previous good one."""
    monkeypatch.setenv("DYSTONIA_FACTS_AS_OF", "2027-01-31")
    with pytest.raises(ValueError, match="DYSTONIA_FACTS_AS_OF '31/01/2027'.*YYYY-MM-DD"):
        analysis.set_as_of("31/01/2027")
    assert str(analysis.as_of()) == "2027-01-31"
    monkeypatch.setenv("DYSTONIA_FACTS_AS_OF", "soon")
    with pytest.raises(ValueError, match="DYSTONIA_FACTS_AS_OF"):
        analysis.as_of()
