"""A report for every real page of the template: the parts that apply, the index saying why, no empty chart.

Each shared page's report is built once (module fixture); only the notebooks that apply to a page run, so
the dystonia deep dive is never executed here (the dystonia report is covered by nbval and its own tests).
"""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from analysis.data.extract import extract_page
from analysis.figures.page_statements import KIND_LABELS
from analysis.report.build import build_report, default_notebooks, page_index_content
from analysis.report.content import TAXONOMY_TABLES
from tests.conftest import SHARED_PAGES, needs_shared_pages

pytestmark = needs_shared_pages

PAGES = sorted(p.relative_to(SHARED_PAGES).as_posix() for p in SHARED_PAGES.rglob("*.txt")) if SHARED_PAGES.is_dir() else []
DEEP_DIVE = ["00-overview", "01-prevalence", "02-types", "03-course-and-remission"]
GENERIC = ["00a-what-the-page-states", "04-page-feedback"]
WITH_COMMENTS = {"asthma-symptoms.txt", "variants/asthma-symptoms.with-screenreader-text.txt"}
BREAKDOWN = {"chickenpox.txt"}
STATED_AVERAGE = {"variants/zika-virus.with-screenreader-text.txt"}
DATA_SCRIPT = re.compile(r"<script[^>]*class=\"dfx-plotly-data\"[^>]*>(.*?)</script>", re.S)
MISSING_WORDS = re.compile(r"\b(?:NaN|nan|None|NaT|<NA>|undefined)\b")


class _Text(HTMLParser):
    """The text a reader sees: everything outside script and style elements."""

    def __init__(self) -> None:
        """Start with no text."""
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        """Enter a script or style element."""
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        """Leave a script or style element."""
        self.skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        """Keep visible text."""
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """Return the visible text of an HTML page."""
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def figures_of(html: str) -> list[dict]:
    """The plotly figures a report page draws, as JSON."""
    return [json.loads(block) for block in DATA_SCRIPT.findall(html)]


def drawn_points(figure: dict) -> int:
    """How many data points a figure's traces hold (0 for an empty chart)."""
    return sum(sum(v is not None for v in (trace.get("y") or trace.get("x") or [])) for trace in figure["data"])


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build every shared page's report once, as `make report PAGE=... OUT=...` does."""
    from nbconvert import HTMLExporter  # imported once here, so the forked notebook workers need not import it each

    HTMLExporter()
    root, built = tmp_path_factory.mktemp("any-page"), {}
    for name in PAGES:
        out = root / name.replace("/", "-").removesuffix(".txt")
        result = build_report(SHARED_PAGES / name, out, default_notebooks(), index_content=page_index_content,
                              stream=io.StringIO())
        assert result.ok, (name, result.failures)
        built[name] = out
    return built


def test_every_shared_page_is_built() -> None:
    """The five pages and two variants the README lists are all here."""
    assert len(PAGES) == 7, PAGES


@pytest.mark.parametrize("name", PAGES)
def test_generic_parts_only_and_index_says_why(reports: dict, name: str) -> None:
    """The parts that apply run and are linked with their reason; the deep dive is listed as not included, with why."""
    out = reports[name]
    topic = extract_page(SHARED_PAGES / name)["page"]["topic"].iloc[0]
    assert sorted(p.stem for p in out.glob("*.html")) == sorted(GENERIC + ["index"])
    index = visible_text((out / "index.html").read_text(encoding="utf-8"))
    assert index.startswith(f"{topic} facts")
    html = (out / "index.html").read_text(encoding="utf-8")
    for stem in GENERIC:
        assert f'href="{stem}.html"' in html
    assert "Included: applies to every page of the template." in index
    assert "Included: the page shows a ratings block" in index
    assert "Parts that do not apply" in index
    assert (out / "data" / "facts.csv").is_file()
    assert not any((out / "data" / f"{name}.csv").exists() for name in TAXONOMY_TABLES)  # no empty dystonia taxonomy
    absent = re.search(r"Not included, because the page is about (.+?); the deep dive reads dystonia's own statements"
                       r" \(prevalence, types, course and remission\): (.*?) Data ", index)
    assert absent and absent[1] == topic
    assert all(title in absent[2] for title in ("How many people have dystonia?", "Course, remission and treatment"))
    left_out = "Left out of it: When the comments were written"
    if name in WITH_COMMENTS:
        assert left_out not in index and "the page has 1 comment" in index
    else:
        assert f"{left_out}" in index and "because the page has no comment section" in index


@pytest.mark.parametrize("name", PAGES)
def test_no_empty_chart_and_no_missing_words(reports: dict, name: str) -> None:
    """Every chart draws data; no page shows NaN, None or NaT; the comment sections appear only with comments."""
    out = reports[name]
    for page in sorted(out.glob("*.html")):
        html = page.read_text(encoding="utf-8")
        figures = figures_of(html)
        assert len(figures) == html.count('class="dfx-plotly-figure"'), page.name  # every chart drawn is checked
        assert all(drawn_points(f) > 0 for f in figures), page.name
        text = visible_text(html)
        assert not MISSING_WORDS.search(text), (page.name, MISSING_WORDS.findall(text))
    feedback = visible_text((out / "04-page-feedback.html").read_text(encoding="utf-8"))
    assert ("When the comments were written" in feedback) == (name in WITH_COMMENTS)
    assert ("How the comments read (sentiment)" in feedback) == (name in WITH_COMMENTS)
    titles = [f["layout"]["title"]["text"].replace("<br>", " ") for f in figures_of((out / "04-page-feedback.html").read_text(encoding="utf-8"))]
    assert any("scores the only comment, Commenter A" in t for t in titles) == (name in WITH_COMMENTS), titles


@pytest.mark.parametrize("name", PAGES)
def test_what_the_page_states_shows_each_figure_and_its_kind(reports: dict, name: str) -> None:
    """Every figure is a row with its kind; the kinds chart is titled with the finding; review dates and days overdue."""
    out = reports[name]
    tables = extract_page(SHARED_PAGES / name)
    facts, page = tables["facts"], tables["page"].iloc[0]
    html = (out / "00a-what-the-page-states.html").read_text(encoding="utf-8")
    text = visible_text(html)
    (chart,) = figures_of(html)
    assert sum(chart["data"][0]["y"]) == (facts["kind"] != "qualitative").sum() > 0
    for kind in facts["kind"].unique():
        assert KIND_LABELS[kind] in text
    for sentence in facts["sentence"]:
        assert " ".join(sentence.split())[:60] in text
    assert f"last reviewed {page['last_reviewed']:%d %B %Y}" in text
    assert re.search(r"next review due [^:]+: [\d,]+ days before 25 November 2026", text)


@pytest.mark.parametrize("name", PAGES)
def test_ratings_breakdown_and_average_where_shown(reports: dict, name: str) -> None:
    """A breakdown is charted where the page shows one; a stated average is said; otherwise no ratings chart."""
    out = reports[name]
    html = (out / "04-page-feedback.html").read_text(encoding="utf-8")
    text = visible_text(html)
    charts = figures_of(html)
    ratings = [f for f in charts if "ratings in the breakdown" in json.dumps(f["layout"].get("title", {}))]
    if name in BREAKDOWN:
        (chart,) = ratings
        assert [int(v) for v in chart["data"][0]["y"]] == [619, 252, 81, 60, 188]
        assert "derived average" in visible_text((out / "index.html").read_text(encoding="utf-8"))
    else:
        assert not ratings
    if name in STATED_AVERAGE:
        assert "a stated average" in text
    elif name not in BREAKDOWN:
        assert "no average in the saved text" in text



def test_comparison_links_each_page_to_its_report(reports: dict, tmp_path: Path) -> None:
    """The comparison of the seven pages with the seed page links each page's row to the report built for it."""
    from analysis.compare.build import build_compare
    from analysis.paths import DEFAULT_PAGE

    folder = next(iter(reports.values())).parent
    out = tmp_path / "compare"
    result = build_compare([DEFAULT_PAGE] + [SHARED_PAGES / name for name in PAGES], out, reports=[folder], jobs=1)
    assert not result.failed and result.read == len(PAGES) + 1
    df = pd.read_csv(out / "compare.csv", keep_default_na=False)
    assert df["report"].iloc[0] == ""  # the seed page's report is not built here
    for name, link in zip(PAGES, df["report"].iloc[1:], strict=True):
        assert (out / link).resolve() == (reports[name] / "index.html").resolve(), name
