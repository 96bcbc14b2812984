"""Five other real pages of the template (and two screen-reader variants) read as their README describes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
import pytest

from analysis.page.template import commenter_id
from tests.conftest import SHARED_PAGES, digit_groups, extract_quietly, needs_shared_pages, page_lines

pytestmark = needs_shared_pages


@dataclass(frozen=True)
class Expected:
    """What the README's table (and the page text) says one page holds."""

    topic: str
    title: str
    reviewed: tuple[str, str]
    media: tuple[str, str] | None
    ratings: int
    comments_stated: int | None
    comments: tuple[tuple[str, str], ...] = ()
    average_label: str | None = None
    average_stated: float | None = None
    breakdown: tuple[tuple[str, int], ...] = ()
    report_ids: tuple[str, ...] = ()


ASTHMA = Expected("Asthma", "Asthma - Symptoms", ("2012-07-23", "2014-07-23"), ("2012-11-01", "2014-11-01"), 304, 1,
                  comments=(("theboy9690", "2009-11-13"),))  # fmt: skip
ZIKA = Expected("Zika virus", "Zika virus", ("2016-02-12", "2018-02-12"), None, 94, None)
PAGES = {
    "asthma-symptoms.txt": ASTHMA,
    "abdominal-aortic-aneurysm.txt": Expected("Abdominal aortic aneurysm", "Abdominal aortic aneurysm", ("2014-08-30", "2017-08-30"), None, 867, None),
    "labial-fusion.txt": Expected("Labial fusion", "Labial fusion", ("2016-06-20", "2018-06-20"), ("2016-05-03", "2019-05-03"), 77, None),
    "zika-virus.txt": ZIKA,
    "chickenpox.txt": Expected("Chickenpox", "Chickenpox", ("2014-07-28", "2016-11-28"), None, 1200, None, average_label="Helpful",
                               breakdown=(("Very helpful", 619), ("Helpful", 252), ("Fairly helpful", 81), ("Not very helpful", 60), ("Unhelpful", 188))),
    "variants/asthma-symptoms.with-screenreader-text.txt": Expected(**{**ASTHMA.__dict__, "report_ids": ("5094",)}),
    "variants/zika-virus.with-screenreader-text.txt": Expected(**{**ZIKA.__dict__, "average_stated": 4.0}),
}  # fmt: skip
INTERVALS = {"abdominal-aortic-aneurysm.txt": 36, "chickenpox.txt": 28}


@pytest.fixture(scope="module")
def extracted() -> dict[str, tuple[dict[str, pd.DataFrame], list]]:
    """Every shared page's tables and warnings, extracted once."""
    return {name: extract_quietly(SHARED_PAGES / name) for name in PAGES}


def test_every_shared_page_is_covered() -> None:
    """The expectations name every page file in the shared folder, so a new page is not silently skipped."""
    on_disk = {p.relative_to(SHARED_PAGES).as_posix() for p in SHARED_PAGES.rglob("*.txt")}
    assert on_disk == set(PAGES)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_row(extracted, name: str) -> None:
    """Topic, title, the page's own review dates (not the media pair), the media pair and the checksum."""
    want = PAGES[name]
    tables, caught = extracted[name]
    assert not caught, [str(w.message) for w in caught]
    p = tables["page"].iloc[0]
    assert (p["topic"], p["title"]) == (want.topic, want.title)
    assert (p["last_reviewed"], p["next_review_due"]) == tuple(map(pd.Timestamp, want.reviewed))
    lines = page_lines(SHARED_PAGES / name)
    day, due = (pd.Timestamp(d).strftime("%d/%m/%Y") for d in want.reviewed)
    assert f"Page last reviewed: {day}" in lines and f"Next review due: {due}" in lines
    assert p["review_interval_months"] == INTERVALS.get(name.split("/")[-1].split(".")[0] + ".txt", 24)
    if want.media:
        assert (p["media_last_reviewed"], p["media_next_review_due"]) == tuple(map(pd.Timestamp, want.media))
    else:
        assert pd.isna(p["media_last_reviewed"]) and pd.isna(p["media_next_review_due"])
    assert p["sha256"] == hashlib.sha256((SHARED_PAGES / name).read_bytes()).hexdigest()
    assert not p["was_html"]


@pytest.mark.parametrize("name", list(PAGES))
def test_ratings(extracted, name: str) -> None:
    """The total count (never a breakdown count), the average as shown, derived or missing, and the breakdown."""
    want = PAGES[name]
    r = extracted[name][0]["ratings"]
    count = r[r["metric"] == "ratings_count"]
    assert list(count["value"]) == [want.ratings] and list(count["status"]) == ["stated"]
    assert f"Based on {want.ratings} ratings" in page_lines(SHARED_PAGES / name)[int(count["line"].iloc[0]) - 1]
    breakdown = r[r["metric"] == "breakdown"]
    assert list(zip(breakdown["label"], breakdown["value"], strict=True)) == list(want.breakdown)
    labels = r[r["metric"] == "average_label"]
    assert list(labels["label"]) == ([want.average_label] if want.average_label else [])
    avg = r[r["metric"] == "average_score"]
    assert len(avg) == 1
    avg = avg.iloc[0]
    if want.breakdown:
        mean = sum(n * s for (_, n), s in zip(want.breakdown, [5, 4, 3, 2, 1], strict=True)) / want.ratings
        assert avg["status"] == "derived" and avg["value"] == pytest.approx(mean, abs=1e-4)
        assert "mean of the breakdown" in avg["note"]
    elif want.average_stated is not None:
        assert (avg["status"], avg["value"]) == ("stated", want.average_stated)
        assert "The average rating out of 5 for this page is 4" in page_lines(SHARED_PAGES / name)[int(avg["line"]) - 1]
    else:
        assert avg["status"] == "missing" and pd.isna(avg["value"]) and avg["note"]
    assert not (r["value"] == 0).any()


def test_chickenpox_breakdown_sums_to_the_stated_total(extracted) -> None:
    """The per-label counts (each "N ratings") add up to the 1200 total, which is not one of them."""
    r = extracted["chickenpox.txt"][0]["ratings"]
    breakdown = r[r["metric"] == "breakdown"]["value"]
    assert breakdown.sum() == 1200 and 1200 not in set(breakdown)
    assert r[r["metric"] == "average_label"]["value"].isna().all()


@pytest.mark.parametrize("name", list(PAGES))
def test_comments(extracted, name: str) -> None:
    """Stated count and the comments themselves; no comment section gives no rows and a missing count."""
    want = PAGES[name]
    tables = extracted[name][0]
    p, c = tables["page"].iloc[0], tables["comments"]
    if want.comments_stated is None:
        assert pd.isna(p["comments_stated"]) and c.empty and pd.isna(p["newest_comment"])
        return
    assert p["comments_stated"] == want.comments_stated == len(c)
    assert [(a, d.date().isoformat()) for a, d in zip(c["author"], c["date"], strict=True)] == list(want.comments)
    assert list(c["commenter_id"]) == [commenter_id(a) for a in c["author"]]
    assert list(c["pseudonym"]) == ["Commenter A"]
    assert list(c["report_id"].dropna()) == list(want.report_ids)
    lines = page_lines(SHARED_PAGES / name)
    row = c.iloc[0]
    assert lines[row["header_line"] - 1] == "theboy9690 said on 13 November 2009"
    assert row["text"] == "good to check about broncitis as well to make sure as the symptoms are like each other"
    assert p["newest_comment"] == pd.Timestamp("2009-11-13")


def test_screen_reader_comment_wording(extracted) -> None:
    """"comments about 'Symptoms' posted" still gives the count, and "comment id 5094" the report id."""
    name = "variants/asthma-symptoms.with-screenreader-text.txt"
    lines = page_lines(SHARED_PAGES / name)
    assert any("comments about \u2018Symptoms\u2019 posted" in line for line in lines)
    tables = extracted[name][0]
    assert tables["page"]["comments_stated"].iloc[0] == 1
    assert tables["comments"]["report_id"].tolist() == ["5094"]
    numbers = tables["numbers"]
    assert numbers[numbers["text"] == "5094"]["accounted_for_by"].tolist() == ["comments.report_id"]


@pytest.mark.parametrize("name", ["asthma-symptoms.txt", "variants/asthma-symptoms.with-screenreader-text.txt", "abdominal-aortic-aneurysm.txt"])
def test_forum_posts_are_neither_comments_nor_facts(extracted, name: str) -> None:
    """The forum widget's posts, reply counts and US-style timestamps are user text: no comment, no page fact."""
    tables = extracted[name][0]
    lines = page_lines(SHARED_PAGES / name)
    start = next(no for no, line in enumerate(lines, 1) if line.endswith(" forum"))
    end = lines.index("More from the community") + 1
    assert not tables["comments"]["text"].str.contains("Lung Function|Baroque|NAC|palpitations").any()
    assert len(tables["comments"]) == (0 if name.startswith("abdominal") else 1)
    assert not tables["facts"]["line"].between(start, end).any()
    numbers = tables["numbers"]
    in_forum = numbers[numbers["line"].between(start, end)]
    assert len(in_forum) >= 4 and in_forum["accounted_for_by"].str.startswith("not a statistic: forum post").all()


@pytest.mark.parametrize(("name", "reason", "texts"), [
    ("zika-virus.txt", "telephone number", ["0300", "123", "23", "23"]),
    ("labial-fusion.txt", "video player time", ["0", "00", "1", "29", "1", "29"]),
])  # fmt: skip
def test_page_furniture_numbers_are_not_facts(extracted, name: str, reason: str, texts: list[str]) -> None:
    """A telephone number and a video player's clock are listed as not statistics, not turned into facts."""
    tables = extracted[name][0]
    numbers = tables["numbers"]
    furniture = numbers[numbers["accounted_for_by"] == f"not a statistic: {reason}"]
    assert list(furniture["text"]) == texts
    assert not tables["facts"]["line"].isin(furniture["line"]).any()


def test_generic_facts_keep_their_wording(extracted) -> None:
    """A generic page's numbers become unclassified facts with bounds from their qualifier, sentence verbatim."""
    facts = extracted["zika-virus.txt"][0]["facts"]
    lines = page_lines(SHARED_PAGES / "zika-virus.txt")
    row = facts[facts["sentence"].str.contains("last around two to seven days")].iloc[0]
    assert (row["kind"], row["lower"], row["upper"], row["unit"]) == ("range", 2, 7, "days")
    row = facts[facts["sentence"].str.contains("concentrations up to 50%")].iloc[0]
    assert (row["kind"], pd.isna(row["lower"]), row["upper"], row["unit"]) == ("upper_bound", True, 50, "percent")
    for _, row in facts.iterrows():
        assert row["sentence"] in lines[row["line"] - 1]
        assert row["attributed_to"] == "NHS Choices page" and row["measure"].startswith("(not classified")


@pytest.mark.parametrize("name", list(PAGES))
def test_every_number_is_accounted_for(extracted, name: str) -> None:
    """The ledger accounts for every number on each page, and the review-date numbers go to the right pair."""
    numbers = extracted[name][0]["numbers"]
    assert numbers["accounted_for_by"].notna().all()
    lines = page_lines(SHARED_PAGES / name)
    for field, prefix in (("page_last_reviewed", "Page last reviewed"), ("media_last_reviewed", "Media last reviewed")):
        owned = set(numbers[numbers["accounted_for_by"] == field]["line"])
        assert owned == {no for no, line in enumerate(lines, 1) if line.startswith(prefix)}


@pytest.mark.parametrize("name", PAGES)  # the aneurysm page has "2cm" and "5.5cm": digits glued to units
def test_ledger_counts_every_digit_group(extracted, name: str) -> None:
    """The ledger has one row per run of digits on the page, as a plain regex finds them."""
    numbers = extracted[name][0]["numbers"]
    in_ledger = sorted(t for t in numbers["text"] if t[0].isdigit())
    assert in_ledger == sorted(digit_groups((SHARED_PAGES / name).read_text(encoding="utf-8")))
