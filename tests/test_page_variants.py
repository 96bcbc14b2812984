"""Variants of the template: comment counts, tricky comments, missing blocks, line endings, punctuation, HTML."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.page.errors import PageWarning
from analysis.page.template import commenter_id
from analysis.page.text import read_page
from tests.conftest import (
    FIXTURES,
    RAW_PAGE,
    extract_quietly,
    page_lines,
    run_cli,
    without_lines,
    write_page,
)


def _page_warnings(caught: list) -> list[PageWarning]:
    """Return the PageWarnings among caught warnings."""
    return [w.message for w in caught if isinstance(w.message, PageWarning)]


def _fixture(name: str) -> tuple[dict[str, pd.DataFrame], list]:
    """Extract one fixture page."""
    return extract_quietly(FIXTURES / name)


def _assert_same_tables(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame], ignore_lines: bool = False) -> None:
    """Assert two extractions agree table by table (the page row's file name and checksum aside)."""
    assert set(a) == set(b)
    for name in a:
        left, right = a[name], b[name]
        if name == "page":
            left, right = left.drop(columns=["source_file", "sha256", "was_html"]), right.drop(columns=["source_file", "sha256", "was_html"])
        if ignore_lines:
            left, right = without_lines(left), without_lines(right)
        pd.testing.assert_frame_equal(left, right, obj=name)


# --- comment counts ------------------------------------------------------------------------------


def test_no_comment_section() -> None:
    """A 2016-style page without a comment section: no rows, the stated count missing (not 0), no warning."""
    tables, caught = _fixture("no-comments.txt")
    assert not caught
    p = tables["page"].iloc[0]
    assert tables["comments"].empty and pd.isna(p["comments_stated"]) and pd.isna(p["newest_comment"])
    assert (p["topic"], p["last_reviewed"], p["next_review_due"]) == ("Hay fever", pd.Timestamp("2016-03-14"), pd.Timestamp("2018-03-14"))
    assert tables["ratings"].set_index("metric").at["ratings_count", "value"] == 212
    fact = tables["facts"].iloc[0]
    assert (fact["value"], fact["lower"], fact["kind"], fact["qualifier"]) == (10, 10, "lower_bound", "more than")
    assert pd.isna(fact["upper"]) and fact["sentence"] == "It is estimated that more than 10 million people have hay fever in England."


def test_one_comment_singular_wording() -> None:
    """"The 1 comment posted" (singular) is read as a stated count of one, and "Comments (1)" is accounted for."""
    tables, caught = _fixture("one-comment.txt")
    assert not caught
    c = tables["comments"]
    assert tables["page"]["comments_stated"].iloc[0] == 1
    assert list(c["author"]) == ["pollen_pete"] and list(c["pseudonym"]) == ["Commenter A"]
    assert c["date"].iloc[0] == pd.Timestamp("2014-06-07")
    assert c["text"].iloc[0] == "Nasal sprays worked better for me than tablets."
    numbers = tables["numbers"]
    assert set(numbers[numbers["text"] == "1"]["accounted_for_by"]) == {"comments.header_count", "comments.stated_count"}
    assert tables["facts"].empty


MANY = [
    ("sneezy_sue", "2015-08-28"), ("GrassIsGreener", "2015-08-03"), ("pollen_pete", "2015-07-21"), ("Mum of 2", "2015-06-30"),
    ("hayfeverhelen", "2015-06-14"), ("Dr_no_more", "2015-06-02"), ("GrassIsGreener", "2015-05-19"), ("achoo", "2015-05-01"),
    ("runny-nose", "2015-04-11"), ("Itchy Eyes", "2015-03-05"), ("gardener_g", "2015-02-17"), ("late_bloomer", "2015-01-09"),
]  # fmt: skip


def test_many_comments_order_and_pseudonyms() -> None:
    """Twelve comments keep page order; a second post by the same author keeps that author's pseudonym and id."""
    tables, caught = _fixture("many-comments.txt")
    assert not caught
    c = tables["comments"]
    assert tables["page"]["comments_stated"].iloc[0] == 12 == len(c)
    assert list(c["comment_id"]) == [f"C{i}" for i in range(1, 13)] and list(c["position"]) == list(range(1, 13))
    assert [(a, d.date().isoformat()) for a, d in zip(c["author"], c["date"], strict=True)] == MANY
    assert c["header_line"].is_monotonic_increasing
    assert list(c["pseudonym"].str.removeprefix("Commenter ")) == list("ABCDEFBGHIJK")
    assert list(c["commenter_id"]) == [commenter_id(a) for a, _ in MANY]
    twice = c[c["author"] == "GrassIsGreener"]
    assert twice["commenter_id"].nunique() == 1 and twice["pseudonym"].nunique() == 1
    assert c["commenter_id"].nunique() == 11 and c["pseudonym"].nunique() == 11
    assert c["text"].iloc[1] == "Worst summer in 10 years for me.\n\nEye drops helped a bit."
    assert (c["text_line_start"].iloc[1], c["text_line_end"].iloc[1]) == (c["header_line"].iloc[1] + 2, c["header_line"].iloc[1] + 4)
    assert tables["page"]["newest_comment"].iloc[0] == pd.Timestamp("2015-08-28")


def test_digit_in_author_handle_is_not_a_fact() -> None:
    """"Mum of 2 said on ..." : the 2 belongs to the handle, not to the page's facts."""
    tables, _ = _fixture("many-comments.txt")
    assert tables["facts"].empty
    numbers = tables["numbers"]
    header = tables["comments"].set_index("author").at["Mum of 2", "header_line"]
    two = numbers[(numbers["line"] == header) & (numbers["text"] == "2")]
    assert list(two["accounted_for_by"]) == ["comments.C4.author (not a statistic)"]


def test_many_authors_get_distinct_pseudonyms(tmp_path) -> None:
    """Past 26 authors the pseudonyms stay distinct (Commenter AA ...)."""
    head = (FIXTURES / "no-comments.txt").read_text(encoding="utf-8")
    comments = "".join(f"user{i:02d} said on {i} May 2015\n\nComment number {i}.\n\nReport this content as offensive or unsuitable\n\n" for i in range(1, 29))
    path = write_page(tmp_path, "many.txt", head + f"\nThe 28 comments posted are personal views.\n\n{comments}")
    tables, _ = extract_quietly(path)
    c = tables["comments"]
    assert len(c) == 28 and c["pseudonym"].is_unique and c["commenter_id"].is_unique
    assert c["pseudonym"].iloc[26] == "Commenter AA"


def test_comment_text_that_looks_like_a_header() -> None:
    """"said on" and dates inside a comment's text stay text; only real headers start comments."""
    tables, caught = _fixture("comment-lookalikes.txt")
    assert not caught
    c = tables["comments"]
    assert list(c["author"]) == ["sneezy_sue", "dad_of_two", "tina_t"]
    assert [d.date().isoformat() for d in c["date"]] == ["2015-05-02", "2015-04-01", "2015-02-09"]
    assert c["text"].iloc[0] == "My consultant said on 3 June 2014 that it would pass by 1 September 2014. It did not."
    assert c["text"].iloc[1] == "I copied what the nurse wrote to me:\n\nNurse Jones said on 12 March 2015\n\nTake the tablets for 14 days."
    assert c["text"].iloc[2] == "1 January 2015"
    lines = page_lines(FIXTURES / "comment-lookalikes.txt")
    for _, row in c.iterrows():
        assert lines[row["header_line"] - 1] == f"{row['author']} said on {row['date'].day} {row['date']:%B %Y}"
    assert tables["facts"].empty
    numbers = tables["numbers"]
    inside = numbers[numbers["accounted_for_by"].str.contains(r"\.text \(not a statistic\)")]
    assert sorted(inside["text"]) == sorted(["3", "2014", "1", "2014", "12", "2015", "14", "1", "2015"])


# --- missing blocks ------------------------------------------------------------------------------


def test_no_ratings_is_missing_not_zero() -> None:
    """A page without a ratings block warns and leaves the ratings missing: no row, and never a 0."""
    tables, caught = _fixture("no-ratings.txt")
    warned = _page_warnings(caught)
    assert [w.field for w in warned] == ["ratings_count"]
    assert "no-ratings.txt" in warned[0].file and "missing" in warned[0].message
    assert tables["ratings"].empty
    assert tables["page"]["last_reviewed"].iloc[0] == pd.Timestamp("2016-03-14")


def test_no_ratings_warns_on_the_command_line(tmp_path) -> None:
    """The CLI prints the warning as one line and still writes the tables (exit 0)."""
    result = run_cli("extract", FIXTURES / "no-ratings.txt", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines() == [
        "warning: tests/fixtures/pages/no-ratings.txt: ratings_count: no 'Based on N ratings': ratings left missing"]  # fmt: skip
    assert pd.read_csv(tmp_path / "ratings.csv").empty


def test_no_review_dates_are_missing() -> None:
    """A page without review dates warns and leaves both dates, the interval and the source date missing."""
    tables, caught = _fixture("no-review-dates.txt")
    assert [w.field for w in _page_warnings(caught)] == ["page_last_reviewed"]
    p = tables["page"].iloc[0]
    assert p[["last_reviewed", "next_review_due", "review_interval_months", "media_last_reviewed"]].isna().all()
    assert tables["ratings"].set_index("metric").at["ratings_count", "value"] == 58


# --- line endings, encodings and punctuation ----------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
@pytest.mark.parametrize("source", ["one-comment.txt", "many-comments.txt", "comment-lookalikes.txt", "dystonia"])
def test_windows_line_endings(tmp_path, source: str, newline: str) -> None:
    """CRLF (and old Mac CR) files give the same tables as LF, line numbers included."""
    path = RAW_PAGE if source == "dystonia" else FIXTURES / source
    text = path.read_text(encoding="utf-8")
    crlf = write_page(tmp_path, "page.txt", text, newline=newline)
    assert newline.encode() in crlf.read_bytes()
    _assert_same_tables(extract_quietly(path)[0], extract_quietly(crlf)[0])
    assert "\r" not in "".join(extract_quietly(crlf)[0]["comments"]["text"])


@pytest.mark.parametrize("source", ["one-comment.txt", "dystonia"])
def test_byte_order_mark(tmp_path, source: str) -> None:
    """A UTF-8 file saved with a byte-order mark and CRLF (Windows Notepad) reads the same, first line included."""
    path = RAW_PAGE if source == "dystonia" else FIXTURES / source
    bom = tmp_path / "page.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert read_page(bom).lines == read_page(path).lines
    _assert_same_tables(extract_quietly(path)[0], extract_quietly(bom)[0])


def test_non_ascii_punctuation_fixture() -> None:
    """Curly quotes, en dashes, an ellipsis, a diaeresis and non-breaking spaces in every part of the template."""
    tables, caught = _fixture("non-ascii.txt")
    assert not caught
    p = tables["page"].iloc[0]
    assert (p["topic"], p["title"]) == ("Hay fever", "Hay fever - Symptoms")
    assert (p["last_reviewed"], p["next_review_due"]) == (pd.Timestamp("2016-03-14"), pd.Timestamp("2018-03-14"))
    assert p["comments_stated"] == 2
    assert tables["ratings"].set_index("metric").at["ratings_count", "value"] == 212
    c = tables["comments"]
    assert list(c["author"]) == ["Jo\u2019s mum", "Zo\u00eb"]
    assert [d.date().isoformat() for d in c["date"]] == ["2015-05-03", "2015-04-01"]
    assert c["text"].iloc[0] == "\u201cIt\u2019s worse in June\u201d \u2013 that\u2019s what the GP told us."
    assert c["text"].iloc[1] == "Caf\u00e9 owners: don\u2019t put flowers on the tables \u2014 please!"
    fact = tables["facts"].iloc[0]
    assert len(tables["facts"]) == 1
    assert (fact["kind"], fact["lower"], fact["upper"], fact["unit"]) == ("range", 10, 30, "percent")
    assert fact["sentence"] == "It\u2019s thought that between 10\u201330% of adults have hay fever \u2013 more than ever."


def test_dystonia_with_typographic_punctuation(tmp_path) -> None:
    """The dystonia page with curly apostrophes, en dashes and non-breaking spaces gives the same values."""
    text = RAW_PAGE.read_text(encoding="utf-8")
    typographic = (
        re.sub(r"([ \u00a0])-([ \u00a0])", "\\1\u2013\\2", text.replace("'", "\u2019").replace("5-10%", "5\u201310%"))
        .replace("70,000 people", "70,000\u00a0people").replace("Based on 87 ratings", "Based on\u00a087\u00a0ratings")
        .replace("said on 29 March 2014", "said on 29\u00a0March\u00a02014")
    )  # fmt: skip
    assert typographic.count("\u2019") > 15 and typographic.count("\u2013") == 10
    fancy = extract_quietly(write_page(tmp_path, "dystonia.txt", typographic))[0]
    plain = extract_quietly(RAW_PAGE)[0]
    values = ["fact_id", "value", "lower", "upper", "qualifier", "kind", "unit", "line"]
    pd.testing.assert_frame_equal(fancy["facts"][values], plain["facts"][values])
    for name, columns in {"types": ["type", "min_regions", "regions_connected", "includes_trunk", "whole_side", "in_90pct_statement", "line"],
                          "treatments": ["treatment", "line"], "causes": ["category", "line"], "tests": ["test", "line"],
                          "ratings": ["metric", "value", "status", "line"], "comments": ["author", "date", "commenter_id", "header_line"],
                          "numbers": ["line", "start", "value"]}.items():  # fmt: skip
        pd.testing.assert_frame_equal(fancy[name][columns], plain[name][columns], obj=name)
    assert fancy["types"].set_index("type").at["Focal dystonia", "examples"].endswith("writer\u2019s cramp")


# --- a page saved as HTML ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def html_tables() -> dict[str, pd.DataFrame]:
    """The tables of the hand-written "Save page as" HTML copy of the dystonia page."""
    tables, caught = extract_quietly(FIXTURES / "dystonia.html")
    assert not caught
    return tables


def test_html_renders_to_the_text_a_reader_sees() -> None:
    """The HTML renders to the dystonia text line for line (blank lines aside): no script, style, hidden text or menu."""
    page = read_page(FIXTURES / "dystonia.html")
    assert page.was_html
    rendered = [line.strip() for line in page.lines if line.strip()]
    assert rendered == [line for line in page_lines(RAW_PAGE) if line]
    text = "\n".join(page.lines)
    for furniture in ["_gaq", "margin", "Live Well", "Skip to main content", "cookies", "Outlook", "JavaScript", "\u2605", "Dystonia - NHS Choices", "saved from"]:
        assert furniture not in text, furniture
    bullets = [line for line in page.lines if "\u2022" in line]
    assert len(bullets) == 9 and all(line.startswith("  \u2022 ") for line in bullets)


@pytest.mark.parametrize("name", ["facts", "types", "treatments", "causes", "tests", "ratings", "comments", "numbers"])
def test_html_gives_the_same_tables_as_text(dystonia, html_tables, name: str) -> None:
    """Facts, types, treatments, causes, tests, ratings, comments and numbers equal those of the .txt, line numbers aside."""
    pd.testing.assert_frame_equal(without_lines(html_tables[name]), without_lines(dystonia[name]), obj=name)


def test_html_line_numbers_point_into_the_rendered_page(html_tables) -> None:
    """Line numbers from the HTML point at the rendered lines that hold each sentence, comment and number."""
    lines = read_page(FIXTURES / "dystonia.html").lines
    for name in ("facts", "causes", "tests"):
        for _, row in html_tables[name].iterrows():
            assert row["sentence"] in lines[row["line"] - 1]
    for _, row in html_tables["comments"].iterrows():
        assert lines[row["header_line"] - 1].endswith(f"said on {row['date'].day} {row['date']:%B %Y}")
        assert row["text"] == "\n".join(lines[row["text_line_start"] - 1 : row["text_line_end"]])
    for _, row in html_tables["numbers"].iterrows():
        assert lines[row["line"] - 1][row["start"] :].startswith(row["text"])
    p = html_tables["page"].iloc[0]
    assert p["was_html"] and p["topic"] == "Dystonia" and p["last_reviewed"] == pd.Timestamp("2013-06-19")
