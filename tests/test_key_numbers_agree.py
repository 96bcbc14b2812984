"""One definition of each key number (value, kind, wording) feeds the index, summary.csv and the notebooks."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.data.load import page_tables
from analysis.dystonia.summary import summary_table
from analysis.paths import DEFAULT_AS_OF, DEFAULT_PAGE, NOTEBOOKS_DIR, PROCESSED_DIR, as_of
from analysis.report.content import index_content

# Key numbers each notebook states outside the overview's table (a notebook that states one must show its wording).
STATED_IN = {
    "01-prevalence.ipynb": ["children_share", "adult_rate", "uk_rate"],
    "03-course-and-remission.ipynb": ["remission_illustration"],
}


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    """The one definition: the summary table built from the page."""
    return summary_table(page_tables(), as_of()).set_index("key")


def _outputs(name: str) -> str:
    """All text and HTML outputs of a committed notebook, HTML entities decoded."""
    nb = json.loads((NOTEBOOKS_DIR / name).read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            for mime in ("text/markdown", "text/html", "text/plain"):
                data = out.get("data", {}).get(mime)
                if data:
                    parts.append(html.unescape("".join(data) if isinstance(data, list) else data))
    return "\n".join(parts)


def test_summary_csv_agrees_with_the_definition(summary) -> None:
    """data/processed/summary.csv has the same key numbers, values, kinds and wordings."""
    csv = pd.read_csv(PROCESSED_DIR / "summary.csv", dtype={"wording": str, "kind": str}).set_index("key")
    assert list(csv.index) == list(summary.index)
    for col in ("statistic", "kind", "wording", "unit"):
        assert csv[col].tolist() == summary[col].tolist(), col
    for col in ("value", "lower", "upper"):
        pd.testing.assert_series_equal(csv[col], summary[col], check_names=False)


def test_index_agrees_with_the_definition(summary, tmp_path: Path) -> None:
    """The report index lists each key number with exactly the summary's statistic and wording, and its summary.csv agrees."""
    numbers, _ = index_content(DEFAULT_PAGE, tmp_path, DEFAULT_AS_OF)
    assert numbers == list(zip(summary["statistic"], summary["wording"], strict=True))
    shared = pd.read_csv(tmp_path / "summary.csv", dtype={"wording": str, "kind": str}).set_index("key")
    assert shared["kind"].tolist() == summary["kind"].tolist()
    assert shared["wording"].tolist() == summary["wording"].tolist()


def test_overview_notebook_shows_every_key_number(summary) -> None:
    """The committed overview notebook shows each key number's wording and kind."""
    text = _outputs("00-overview.ipynb")
    for key, row in summary.iterrows():
        assert row["wording"] in text, key
        assert row["kind"] in text, key


@pytest.mark.parametrize("name", sorted(STATED_IN))
def test_notebooks_state_key_numbers_in_their_one_wording(name: str, summary) -> None:
    """Each notebook that states a key number prints '**statistic:** wording.' from the definition."""
    text = _outputs(name)
    for key in STATED_IN[name]:
        row = summary.loc[key]
        assert f"**{row['statistic']}:** {row['wording']}." in text, key


def test_no_notebook_gives_a_key_number_another_kind(summary) -> None:
    """No committed notebook pairs a derived key number's value with another kind's wording ('approximate', 'at least')."""
    share = summary.loc["children_share"]
    value = f"{share['value']:.1f}%"
    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        for line in _outputs(path.name).splitlines():
            if value in line:
                assert "approximate" not in line.replace("nor an approximation", ""), (path.name, line)
                assert "about" not in line and "at least " + value not in line, (path.name, line)
