"""Which parts of the report apply to a page, and why: decided from the page's tables and the notebooks' metadata."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from analysis.data.extract import extract_page
from analysis.report import parts as report_parts
from analysis.report.build import default_notebooks
from analysis.report.parts import plan_parts
from tests.conftest import FIXTURES, RAW_PAGE

NOTEBOOKS = default_notebooks()
DEEP_DIVE = ["00-overview", "01-prevalence", "02-types", "03-course-and-remission"]
COMMENT_SECTIONS = ["When the comments were written", "Who writes, about whom, and the numbers they give",
                    "What readers raise that the page does not answer", "How the comments read (sentiment)"]


def plan(page: Path, cache: Path) -> report_parts.Plan:
    """The plan for a page over the committed notebooks."""
    return plan_parts(page, NOTEBOOKS, cache, shared=page.name)


def parts(p: report_parts.Plan) -> dict[str, report_parts.Part]:
    """The plan's parts by notebook name."""
    return {part.name: part for part in p.parts}


def test_dystonia_page_keeps_every_notebook_whole(tmp_path: Path) -> None:
    """The dystonia page: every committed notebook applies and runs as committed (no copy, no section dropped)."""
    p = plan(RAW_PAGE, tmp_path)
    assert p.notebooks == NOTEBOOKS
    assert all(part.applies and not part.left_out for part in p.parts)
    assert "dystonia rules" in parts(p)["01-prevalence"].reason
    assert parts(p)["00a-what-the-page-states"].reason == "applies to every page of the template"
    assert p.index_context()["title"] == "Dystonia facts"


def test_page_without_comments_drops_the_comment_sections(tmp_path: Path) -> None:
    """A page with ratings and no comment section: the deep dive is out, feedback runs without its comment sections."""
    p = plan(FIXTURES / "no-comments.txt", tmp_path)
    by_name = parts(p)
    assert [nb.stem for nb in p.notebooks] == ["00a-what-the-page-states", "04-page-feedback"]
    for name in DEEP_DIVE:
        assert not by_name[name].applies
        assert by_name[name].reason.startswith("the page is about Hay fever; the deep dive reads dystonia's own")
    feedback = by_name["04-page-feedback"]
    assert feedback.applies and feedback.reason.startswith("the page shows a ratings block")
    ((sections, reason),) = feedback.left_out
    assert reason == "the page has no comment section"
    assert all(s in sections for s in COMMENT_SECTIONS)
    copy = json.loads(p.notebooks[1].read_text(encoding="utf-8"))
    committed = json.loads(NOTEBOOKS[-1].read_text(encoding="utf-8"))
    assert p.notebooks[1].parent != NOTEBOOKS[-1].parent  # a copy runs; the committed notebook is untouched
    kept = [c for c in committed["cells"] if "comments" not in c["metadata"].get("dystonia_facts", {}).get("requires", [])]
    assert copy["cells"] == kept and len(kept) < len(committed["cells"])
    assert not any("comment_mentions.people_table" in "".join(c["source"]) for c in copy["cells"])
    assert any("ratings_chart" in "".join(c["source"]) for c in copy["cells"])


def test_page_without_ratings_or_comments_gets_what_it_states_only(tmp_path: Path) -> None:
    """No ratings block and no comments: the feedback notebook is left out, naming both reasons."""
    p = plan(FIXTURES / "no-ratings.txt", tmp_path / "cache")
    assert [nb.stem for nb in p.notebooks] == ["00a-what-the-page-states"]
    feedback = parts(p)["04-page-feedback"]
    assert not feedback.applies
    assert feedback.reason == "the saved page shows no ratings block; the page has no comment section"
    entry = feedback.index_entry()
    assert entry["href"] is None and entry["title"].startswith("Page feedback")


def test_page_with_comments_keeps_the_whole_feedback_notebook(tmp_path: Path) -> None:
    """A page with one comment and ratings: feedback runs as committed; its reason names both."""
    p = plan(FIXTURES / "one-comment.txt", tmp_path)
    feedback = parts(p)["04-page-feedback"]
    assert feedback.applies and not feedback.left_out
    assert feedback.reason.endswith("the page has 1 comment")
    assert NOTEBOOKS[-1] in p.notebooks


def test_traits_are_cached_with_the_shared_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild with the same inputs reads the page's traits from the cache; new inputs read the page again."""
    first = plan(FIXTURES / "no-comments.txt", tmp_path)

    def refuse(path: object) -> None:
        """Fail if the page is read again."""
        raise AssertionError("the page was extracted again")

    monkeypatch.setattr("analysis.data.extract.extract_page", refuse)
    assert plan(FIXTURES / "no-comments.txt", tmp_path).parts == first.parts
    with pytest.raises(AssertionError, match="extracted again"):
        plan_parts(FIXTURES / "no-comments.txt", NOTEBOOKS, tmp_path, shared="other inputs")


def test_notebooks_without_declared_needs_all_apply(tmp_path: Path) -> None:
    """Notebooks that declare nothing (toy projects) all apply, as they are, and the page is not even read."""
    nb = tmp_path / "00-toy.ipynb"
    nb.write_text(json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "source": "1"}], "metadata": {}}))
    page = tmp_path / "not-a-page.txt"
    page.write_text("no template here\n")
    p = plan_parts(page, [nb], tmp_path / "cache", shared="x")
    assert p.notebooks == [nb] and p.index_context() == {}


def test_unknown_requirement_is_refused(tmp_path: Path) -> None:
    """A notebook needing a trait the project does not know is a clear error, not a silently skipped part."""
    nb = tmp_path / "00-odd.ipynb"
    nb.write_text(json.dumps({"cells": [], "metadata": {"dystonia_facts": {"requires": ["videos"]}}}))
    with pytest.raises(ValueError, match=r"unknown requirement\(s\) \['videos'\]"):
        plan_parts(RAW_PAGE, [nb], tmp_path, shared="x")


@pytest.mark.parametrize("name, dystonia, ratings, comments", [
    ("dystonia.html", True, "the page shows a ratings block: 87 ratings, no average in the saved text", "the page has 3 comments"),
    ("many-comments.txt", False, None, "the page has 12 comments"),
    ("no-review-dates.txt", False, None, "the page has no comment section"),
])  # fmt: skip
def test_traits_of_written_hard_cases(name: str, dystonia: bool, ratings: str | None, comments: str) -> None:
    """Each trait and its reason, read from the page's tables."""
    traits = report_parts.page_traits(extract_page(FIXTURES / name))
    assert traits["dystonia"][0] is dystonia
    if ratings:
        assert traits["ratings"] == (True, ratings)
    assert traits["comments"][1] == comments


def test_feedback_statement_says_what_is_left_out() -> None:
    """The feedback notebook's opening line says what the page lacks and that the report leaves it out."""
    text = report_parts.feedback_statement(extract_page(FIXTURES / "no-comments.txt"))
    assert "the page has no comment section" in text and "leaves out" in text
    assert "leaves out" not in report_parts.feedback_statement(extract_page(RAW_PAGE))


def test_report_for_a_page_without_dates_figures_or_comments(tmp_path: Path) -> None:
    """A written hard case (no review dates, no figures, no comments): its report says so, with no chart and no NaN."""
    from analysis.report.build import build_report, page_index_content
    from tests.test_report_any_page import MISSING_WORDS, figures_of, visible_text

    out = tmp_path / "report"
    page = FIXTURES / "no-review-dates.txt"
    with pytest.warns(UserWarning, match="no 'Page last reviewed' date"):
        result = build_report(page, out, NOTEBOOKS, index_content=page_index_content, stream=io.StringIO())
    assert result.ok, result.failures
    assert [p.name for p in result.pages] == ["00a-what-the-page-states", "04-page-feedback"]
    states = (out / "00a-what-the-page-states.html").read_text(encoding="utf-8")
    text = visible_text(states)
    assert not figures_of(states) and "The page states no figure with a number" in text
    assert "last reviewed missing, next review due missing" in text and "The page states no figure to list." in text
    index = visible_text((out / "index.html").read_text(encoding="utf-8"))
    assert "because the page has no comment section" in index and "The page shows no review date." in index
    for html in out.glob("*.html"):
        shown = visible_text(html.read_text(encoding="utf-8"))
        assert not MISSING_WORDS.search(shown), (html.name, MISSING_WORDS.findall(shown))
