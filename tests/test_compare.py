"""The page comparison: real pages, hard cases, failures kept with their reason, links, determinism, the dictionary."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analysis.compare.build import build_compare, default_pages
from analysis.compare.read import light_records, reference_records
from analysis.compare.table import (
    COMPARE,
    COMPARE_CSV,
    DICTIONARY_PATH,
    KIND_COLUMNS,
    dictionary_markdown,
    page_summary,
)
from analysis.page.errors import PageError
from tests.conftest import FIXTURES, RAW_PAGE, SHARED_PAGES, extract_quietly, needs_shared_pages, run_cli, write_page

AS_OF = "2026-11-25"
BARE_PAGE = """Mumps

Share:

Mumps is a contagious viral infection. About 1 in 3 people have no symptoms.

Find and choose services for Mumps
"""
# A review date that does not exist: extract_page refuses the page with a PageError naming line and field.
BROKEN_PAGE = BARE_PAGE.replace("Find and", "Page last reviewed: 31/02/2015\nNext review due: 31/02/2017\n\nFind and")


def read_csv(path: Path) -> pd.DataFrame:
    """Read the comparison CSV back and validate it against its schema."""
    df = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=str)
    assert list(df.columns) == list(COMPARE.columns)
    for col, spec in COMPARE.columns.items():
        dtype = str(spec.dtype)
        if dtype.startswith("datetime"):
            df[col] = pd.to_datetime(df[col], format="ISO8601")
        elif dtype == "Int64":
            df[col] = pd.array(pd.to_numeric(df[col]), dtype="Int64")
        elif dtype == "float64":
            df[col] = pd.to_numeric(df[col]).astype("float64")
        else:
            df[col] = df[col].astype(object).where(df[col].notna(), None)
    return COMPARE.validate(df)


@pytest.fixture(scope="module")
def hard_pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A bare page (no ratings, comments or review dates), a broken page, an empty file, a missing file, a real one."""
    folder = tmp_path_factory.mktemp("hard")
    return [
        write_page(folder, "bare.txt", BARE_PAGE),
        write_page(folder, "broken.txt", BROKEN_PAGE),
        write_page(folder, "empty.txt", ""),
        folder / "missing.txt",
        FIXTURES / "no-ratings.txt",
        RAW_PAGE,
    ]


@pytest.fixture(scope="module")
def hard(hard_pages: list[Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """The comparison of the hard cases."""
    out = tmp_path_factory.mktemp("hard-out") / "compare"
    build_compare(hard_pages, out, AS_OF, reports=[], jobs=1)
    return out, read_csv(out / COMPARE_CSV)


def test_a_broken_page_is_listed_with_its_reason_and_the_others_are_compared(hard: tuple[Path, pd.DataFrame], hard_pages: list[Path]) -> None:
    out, df = hard
    assert len(df) == len(hard_pages)
    assert list(df["status"]) == ["read", "failed", "failed", "failed", "read", "read"]
    for path, (_, row) in zip(hard_pages, df.iterrows(), strict=True):
        if row["status"] == "failed":
            with pytest.raises(PageError) as caught:
                extract_quietly(path)
            assert row["error"] == str(caught.value) and "\n" not in row["error"]
            assert pd.isna(row["figures"]) and pd.isna(row["topic"])
    assert "impossible date '31/02/2015'" in df["error"].iloc[1] and ":" in df["error"].iloc[1]
    html = (out / "index.html").read_text(encoding="utf-8")
    section = html.split('id="failures"')[1]
    for name in ("broken.txt", "empty.txt", "missing.txt"):
        assert name in section
    assert "the file is empty" in section and "no such file" in section


def test_a_page_without_ratings_comments_or_review_dates_is_missing_never_zero(hard: tuple[Path, pd.DataFrame]) -> None:
    out, df = hard
    bare = df.iloc[0]
    assert bare["topic"] == "Mumps"
    for col in ("last_reviewed", "next_review_due", "days_overdue", "ratings_count", "average_score", "comments"):
        assert pd.isna(bare[col]), col
    assert (bare["figures"], bare["approximate"], bare["exact"]) == (2, 1, 1)  # "About 1 in 3": the qualifier binds the 1
    no_ratings = df.iloc[4]
    assert pd.isna(no_ratings["ratings_count"]) and pd.isna(no_ratings["average_score"])
    html = (out / "index.html").read_text(encoding="utf-8")
    row = html.split("<code>bare.txt</code>")[1].split("</tr>")[0]
    for words in ("not shown", "no due date", "no ratings block", "no comment section"):
        assert words in row
    assert "NaN" not in html and ">nan<" not in html and ">0 of 5" not in html


def test_the_fast_path_gives_each_page_the_same_row_as_extract_page(hard_pages: list[Path]) -> None:
    pages = [p for p in hard_pages if p.is_file() and p.stat().st_size] + sorted(FIXTURES.glob("*.txt"))
    when = date.fromisoformat(AS_OF)
    for page in pages:
        try:
            expected = page_summary(page.name, reference_records(page), when)
        except PageError as exc:
            with pytest.raises(PageError, match="31/02/2015"):
                light_records(page)
            assert "31/02/2015" in str(exc)
            continue
        assert page_summary(page.name, light_records(page), when) == expected, page


@needs_shared_pages
def test_real_pages_are_compared_with_the_figures_extract_page_gives(tmp_path: Path) -> None:
    pages = default_pages()
    assert len(pages) == 8 and pages[0] == RAW_PAGE and pages[-1].parent == SHARED_PAGES / "variants"
    result = build_compare(pages, tmp_path / "compare", AS_OF, reports=[])
    df = read_csv(tmp_path / "compare" / COMPARE_CSV)
    assert result.read == 8 and not result.failed and (df["status"] == "read").all()
    for page, (_, row) in zip(pages, df.iterrows(), strict=True):
        tables, _ = extract_quietly(page)
        p, facts, ratings = tables["page"].iloc[0], tables["facts"], tables["ratings"]
        assert row["topic"] == p["topic"] and row["sha256"] == hashlib.sha256(page.read_bytes()).hexdigest()
        assert row["days_overdue"] == (pd.Timestamp(AS_OF) - p["next_review_due"]).days
        kinds = Counter(facts["kind"])
        assert [row[k] for k in KIND_COLUMNS] == [kinds.get(k, 0) for k in KIND_COLUMNS] and row["figures"] == len(facts)
        count = ratings.loc[ratings["metric"] == "ratings_count", "value"]
        assert row["ratings_count"] == int(count.iloc[0])
        assert (pd.isna(row["comments"]) and pd.isna(p["comments_stated"])) or row["comments"] == p["comments_stated"]
    by_file = df.set_index("page_file")
    assert by_file.loc["chickenpox.txt", "average_from"] == "derived" and by_file.loc["chickenpox.txt", "average_label"] == "Helpful"
    assert round(by_file.loc["chickenpox.txt", "average_score"], 2) == 3.88
    assert by_file.loc["zika-virus.with-screenreader-text.txt", "average_score"] == 4.0
    assert pd.isna(by_file.loc["zika-virus.txt", "average_score"])  # shown only as a graphic: missing, not zero
    assert pd.isna(by_file.loc["abdominal-aortic-aneurysm.txt", "comments"]) and by_file.loc["asthma-symptoms.txt", "comments"] == 1
    dystonia = df.iloc[0]
    assert dystonia["named_source"] == 2 and dystonia["lower_bound"] == 2  # the Dystonia Society's two estimates
    assert (df["named_source"].iloc[1:] == 0).all()  # no other page says who estimated its figures
    html = (tmp_path / "compare" / "index.html").read_text(encoding="utf-8")
    assert "4,508 days" in html and "Asthma" in html  # the most overdue page, named in the chart title
    comments = extract_quietly(RAW_PAGE)[0]["comments"]
    for author, text in zip(comments["author"], comments["text"], strict=True):
        assert author not in html and text[:40] not in html  # counted, never quoted or named


def test_each_page_links_to_its_own_report(tmp_path: Path) -> None:
    report = tmp_path / "reports" / "dystonia"
    (report / "data").mkdir(parents=True)
    (report / "index.html").write_text("<html></html>", encoding="utf-8")
    sha = hashlib.sha256(RAW_PAGE.read_bytes()).hexdigest()
    with (report / "data" / "page.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["source_file", "sha256"], ["x", sha]])
    other = tmp_path / "reports" / "stale"  # a report of another copy of the page: not linked
    (other / "data").mkdir(parents=True)
    (other / "index.html").write_text("<html></html>", encoding="utf-8")
    (other / "data" / "page.csv").write_text(f"source_file,sha256\nx,{'0' * 64}\n", encoding="utf-8")
    out = tmp_path / "out" / "compare"
    build_compare([RAW_PAGE, FIXTURES / "no-ratings.txt"], out, AS_OF, reports=[tmp_path / "reports"], jobs=1)
    df = read_csv(out / COMPARE_CSV)
    assert df["report"].iloc[0] == "../../reports/dystonia/index.html" and pd.isna(df["report"].iloc[1])
    assert (out / df["report"].iloc[0]).resolve() == (report / "index.html").resolve()
    assert 'href="../../reports/dystonia/index.html"' in (out / "index.html").read_text(encoding="utf-8")


def test_rebuilds_are_the_same_bytes_and_serial_equals_parallel(tmp_path: Path) -> None:
    pages = [*sorted(FIXTURES.glob("*.txt")), RAW_PAGE]
    from analysis.compare.synthetic import synthetic_pages

    pages += synthetic_pages(pages, 60, tmp_path / "pages")  # enough to start worker processes
    outputs = []
    for i, jobs in enumerate((1, 2)):  # a rebuild, and serial against parallel: the same bytes
        out = tmp_path / f"out{i}"
        build_compare(pages, out, AS_OF, reports=[], jobs=jobs)
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert outputs[0] == outputs[1]
    assert set(outputs[0]) == {"index.html", COMPARE_CSV, "assets/plotly.min.js"}


def test_an_existing_comparison_is_replaced_whole_and_a_report_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "compare"
    build_compare([RAW_PAGE], out, AS_OF, reports=[], jobs=1)
    (out / "stale.txt").write_text("from an older comparison", encoding="utf-8")
    build_compare([RAW_PAGE], out, "2027-01-01", reports=[], jobs=1)
    assert not (out / "stale.txt").exists() and "2027-01-01" in (out / COMPARE_CSV).read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["compare"]  # no staging or old folder left behind
    report = tmp_path / "reports"
    (report / "data").mkdir(parents=True)
    (report / "index.html").write_text("a report", encoding="utf-8")
    with pytest.raises(ValueError, match="is not a comparison"):
        build_compare([RAW_PAGE], report, AS_OF, reports=[], jobs=1)
    assert (report / "index.html").read_text(encoding="utf-8") == "a report"


def test_the_command_line_lists_failures_and_refuses_a_bad_as_of(tmp_path: Path) -> None:
    broken = write_page(tmp_path, "broken.txt", BROKEN_PAGE)
    done = run_cli("compare", RAW_PAGE, broken, "--out", tmp_path / "c", "--reports")
    assert done.returncode == 0, done.stderr
    assert "compared 1 page (1 could not be read)" in done.stdout
    assert [line for line in done.stderr.splitlines() if line.startswith("warning: ")] == [
        f"warning: broken.txt not compared: {read_csv(tmp_path / 'c' / COMPARE_CSV)['error'].iloc[1]}"]
    bad = run_cli("compare", RAW_PAGE, "--out", tmp_path / "d", "--as-of", "25/11/2026", "--reports")
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr


def test_the_data_dictionary_is_generated_from_the_schema() -> None:
    text = dictionary_markdown()
    for col, spec in COMPARE.columns.items():
        assert f"| `{col}` |" in text and spec.description in text
    assert DICTIONARY_PATH.read_text(encoding="utf-8") == text, "run `python -m analysis compare --write-dictionary`"


def test_chart_titles_state_the_finding_and_pages_not_yet_due_are_drawn_apart(tmp_path: Path) -> None:
    from analysis.compare.charts import NOT_DUE_COLOUR, OVERDUE_COLOUR, overdue_chart, overdue_title

    assert overdue_title(1, 1, "1 May 2020", "Dystonia", 4177) == "Dystonia is 4,177 days past its next-review date as of 1 May 2020"
    assert overdue_title(0, 1, "1 May 2020", "Dystonia", -1) == "Dystonia is not past its next-review date as of 1 May 2020: 1 day to go"
    assert overdue_title(2, 1000, "1 May 2020").startswith("2 of 1,000 pages are past")
    pages = [RAW_PAGE, FIXTURES / "no-comments.txt", FIXTURES / "no-review-dates.txt"]  # due 2015, due 2018, no date
    build_compare(pages, tmp_path / "c", "2016-01-01", reports=[], jobs=1)
    df = read_csv(tmp_path / "c" / COMPARE_CSV)
    assert list(df["days_overdue"].isna()) == [False, False, True] and df["days_overdue"].iloc[1] < 0 < df["days_overdue"].iloc[0]
    fig = overdue_chart(df)
    assert fig.layout.title.text.replace("<br>", " ").startswith("1 of 2 pages are past their next-review date as of 01 January 2016")
    bars = dict(zip(fig.data[0].y, fig.data[0].marker.color, strict=True))
    assert bars == {"Hay fever": NOT_DUE_COLOUR, "Dystonia": OVERDUE_COLOUR}
    assert "1 page shows no next-review date" in next(a.text for a in fig.layout.annotations if a.name == "caption")


def test_a_page_whose_facts_break_the_schema_fails_alone_with_extract_pages_reason(tmp_path: Path) -> None:
    backwards = write_page(tmp_path, "backwards.txt", BARE_PAGE.replace("no symptoms.", "no symptoms for 10-5 days."))
    with pytest.raises(PageError) as caught:
        extract_quietly(backwards)
    assert "lower <= value <= upper" in str(caught.value)
    light_records(backwards)  # the fast path alone does not check the schema: the batched check must catch it
    out = tmp_path / "c"
    build_compare([RAW_PAGE, backwards, FIXTURES / "no-comments.txt"], out, AS_OF, reports=[], jobs=1)
    df = read_csv(out / COMPARE_CSV)
    assert list(df["status"]) == ["read", "failed", "read"] and df["error"].iloc[1] == str(caught.value)


def test_a_comparison_renamed_aside_by_a_killed_run_is_put_back(tmp_path: Path) -> None:
    out = tmp_path / "compare"
    build_compare([RAW_PAGE], out, AS_OF, reports=[], jobs=1)
    dead = 2**22 + 12345  # above the default pid_max: no such process
    out.rename(tmp_path / f".compare.old-{dead}")  # killed after renaming the old comparison aside...
    (tmp_path / f".compare.tmp-{dead}").mkdir()  # ...with its half-written new one beside it
    from analysis.compare.build import _recover

    _recover(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compare"] and (out / COMPARE_CSV).is_file()


@pytest.mark.parametrize(("sentence", "named"), [
    ("The Dystonia Society estimates that at least 70,000 people are affected.", True),
    ("According to the Office for National Statistics, 1 in 10 people have it.", True),
    ("Figures from Public Health England show 5,000 cases a year.", True),
    ("The vaccine is estimated to offer 98% protection.", False),  # passive: no one is named
    ("It is estimated that 1 in 5 people are affected.", False),
    ("Research found that 3 in 10 people recover.", False),  # names no one in particular
    ("About 90% of cases are cervical dystonia.", False),
])
def test_a_figure_names_who_estimated_it_only_when_its_sentence_or_attribution_does(sentence: str, named: bool) -> None:
    from analysis.compare.table import names_source

    assert names_source({"attributed_to": "NHS Choices page", "sentence": sentence}) is named
    assert names_source({"attributed_to": "The Dystonia Society (estimate quoted by the page)", "sentence": sentence})


def test_an_unexpected_error_on_one_page_is_its_one_line_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.compare import run as compare_run

    real = compare_run.light_records

    def flaky(path: Path) -> object:
        """Fail on the raw page only, as a bug in a reader would."""
        if Path(path) == RAW_PAGE:
            raise RuntimeError("boom\non two lines")
        return real(path)

    monkeypatch.setattr(compare_run, "light_records", flaky)
    rows = compare_run.read_pages([RAW_PAGE, FIXTURES / "no-comments.txt"], date.fromisoformat(AS_OF), jobs=1)
    assert [r["status"] for r in rows] == ["failed", "read"] and rows[0]["error"] == "unexpected RuntimeError: boom on two lines"
