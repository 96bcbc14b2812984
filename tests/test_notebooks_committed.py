"""The committed notebooks are executed, small, deterministic, and type no figure by hand."""

from __future__ import annotations

import csv
import io
import json
import re
import tokenize
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
PLOTLY_MIME = "application/vnd.plotly.v1+json"
ALLOWED_LITERALS = {"0", "1", "-1", "100"}  # indexing and percent; any other number comes from data
# Written independently of analysis.page.numbers: the words a figure could be typed as.
NUMBER_WORDS = "|".join(
    ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "half", "dozen"]
)
EXPECTED = ["00-overview", "00a-what-the-page-states", "01-prevalence", "02-types", "03-course-and-remission", "04-page-feedback"]


def _cells(path: Path, kind: str) -> list[dict]:
    """Return the notebook's cells of one kind."""
    return [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == kind]


def test_the_four_analysis_notebooks_and_feedback_exist() -> None:
    """The notebooks the project promises are all there."""
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_executed_in_order(path: Path) -> None:
    """Every code cell has an execution count (nbval skips cells without one), in order."""
    counts = [c["execution_count"] for c in _cells(path, "code")]
    assert counts == list(range(1, len(counts) + 1))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_small_offline_and_machine_free(path: Path) -> None:
    """Under 1 MB, no plotly.js or CDN in outputs, no timings or machine paths, no error outputs."""
    text = path.read_text(encoding="utf-8")
    assert path.stat().st_size < 1_000_000
    assert "cdn.plot.ly" not in text and "Plotly.newPlot" not in text
    assert not re.search(r"/(?:work|tmp|root|home|Users)/", text)
    for cell in _cells(path, "code"):
        assert "execution" not in cell["metadata"]
        assert all(o["output_type"] != "error" for o in cell["outputs"])
        assert all(o.get("name") != "stderr" for o in cell["outputs"]), "a warning was printed"


@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=lambda p: p.stem)
def test_charts_use_the_plotly_mimetype(path: Path) -> None:
    """Each analysis notebook shows at least one chart as plotly's mimetype (JupyterLab renders it)."""
    outputs = [o for c in _cells(path, "code") for o in c["outputs"]]
    assert sum(PLOTLY_MIME in o.get("data", {}) for o in outputs) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_number_typed_in_code(path: Path) -> None:
    """Code cells hold no numeric literal beyond indexing and percent: figures come from analysis."""
    for cell in _cells(path, "code"):
        tokens = tokenize.generate_tokens(io.StringIO("".join(cell["source"])).readline)
        numbers = {t.string for t in tokens if t.type == tokenize.NUMBER}
        assert numbers <= ALLOWED_LITERALS, f"typed numbers {numbers - ALLOWED_LITERALS}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_number_typed_in_text(path: Path) -> None:
    """Markdown cells state no figure: only years in citations, notebook names and the unit 'per 100,000'."""
    for cell in _cells(path, "markdown"):
        text = "".join(cell["source"])
        text = re.sub(r"\b\d\d[a-z]?-[a-z-]+(?:\.ipynb)?|\b(?:19|20)\d\d\b|per 100,000|per million", "", text)
        assert not re.findall(r"\d", text), text
        words = re.findall(rf"\b(?:{NUMBER_WORDS})\b", text, re.I)
        assert not words, f"number words typed in text: {words}"


def test_outputs_show_pseudonyms_not_handles() -> None:
    """No notebook output shows a commenter's published handle; the pseudonyms are shown instead."""
    comments = (Path(__file__).resolve().parents[1] / "data" / "processed" / "comments.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(comments)))
    outputs = "".join(json.dumps(c["outputs"]) for p in NOTEBOOKS for c in _cells(p, "code"))
    assert rows and all(r["author"] not in outputs for r in rows)
    assert all(r["pseudonym"] in outputs for r in rows)
