"""The number ledger: every number on the page is held by a field or listed as not a statistic."""

from __future__ import annotations

import re

import pytest

from analysis.data.extract import extract_page
from analysis.page.coverage import check_coverage, number_ledger
from analysis.page.errors import PageError
from analysis.page.numbers import number_tokens
from analysis.page.text import read_page
from tests.conftest import FIXTURES, RAW_PAGE, digit_groups, extract_command, extract_quietly, write_page

# Written out here, not imported from analysis.page.numbers, so the ledger is checked against an independent list.
UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000, "dozen": 12}
WORD_VALUES = {**UNITS, **TENS, **SCALES}
_ONE_TO_NINE = "|".join(w for w, v in UNITS.items() if v < 10)
NUMBER_WORDS = rf"\b(?:(?:{'|'.join(TENS)})(?:[ -](?:{_ONE_TO_NINE}))?|{'|'.join(sorted({**UNITS, **SCALES}, key=len, reverse=True))})\b"


def test_every_number_is_accounted_for(dystonia) -> None:
    """No number on the dystonia page is left without a field or a not-a-statistic reason."""
    numbers = dystonia["numbers"]
    assert numbers["accounted_for_by"].notna().all() and (numbers["accounted_for_by"] != "").all()


def test_ledger_counts_every_digit_group(dystonia, raw_text) -> None:
    """The ledger's digit rows are exactly the runs of digits a plain regex finds on the page."""
    numbers = dystonia["numbers"]
    in_digits = numbers[numbers["text"].str[0].str.isdigit()]
    assert sorted(in_digits["text"]) == sorted(digit_groups(raw_text))
    assert len(in_digits) == len(digit_groups(raw_text)) == 26


def test_ledger_counts_every_number_word(dystonia, raw_text) -> None:
    """The ledger's number-word rows are exactly the number words a plain regex finds on the page."""
    numbers = dystonia["numbers"]
    words = numbers[~numbers["text"].str[0].str.isdigit()]
    assert sorted(words["text"].str.lower()) == sorted(w.lower() for w in re.findall(NUMBER_WORDS, raw_text, re.I))


@pytest.mark.parametrize("word", list(WORD_VALUES))
def test_every_number_word_is_a_number(word: str) -> None:
    """Each number word, thirteen to nineteen, the tens and the scale words included, is one ledger number."""
    for written in (word, word.capitalize(), word.upper()):
        tokens = number_tokens(1, f"Around {written} of them.")
        assert [(t.text, t.value) for t in tokens] == [(written, WORD_VALUES[word])]
        assert re.findall(NUMBER_WORDS, f"Around {written} of them.", re.I) == [written]


@pytest.mark.parametrize(("text", "value"), [("twenty-five", 25), ("ninety nine", 99), ("Sixty-one", 61)])
def test_compound_number_words_are_one_number(text: str, value: int) -> None:
    """A tens word joined to its unit ("twenty-five") is one number with its whole value."""
    assert [(t.text, t.value) for t in number_tokens(1, f"about {text} people")] == [(text, value)]
    assert re.findall(NUMBER_WORDS, f"about {text} people", re.I) == [text]


def test_ledger_positions_point_at_the_numbers(dystonia, raw_lines) -> None:
    """Each ledger row's line and offset point at its number in the page text."""
    page = read_page(RAW_PAGE)
    for _, row in dystonia["numbers"].iterrows():
        assert page.line(row["line"])[row["start"] :].startswith(row["text"])


@pytest.mark.parametrize(("text", "field"), [
    ("70,000", "facts.uk_prevalence.value"),
    ("8,000", "facts.children_prevalence.value"),
    ("90", "facts.cervical_blepharospasm_share.value"),
    ("87", "ratings.ratings_count"),
    ("1974", "comments.C2.text (not a statistic)"),
])  # fmt: skip
def test_numbers_go_to_their_fields(dystonia, text: str, field: str) -> None:
    """Headline numbers are held by the field that reports them; numbers in comments are marked as comment text."""
    numbers = dystonia["numbers"]
    assert list(numbers[numbers["text"] == text]["accounted_for_by"]) == [field]


def test_review_date_numbers_go_to_the_review_fields(dystonia) -> None:
    """19/06/2013 and 19/06/2015 are the page's review dates, each of their three numbers."""
    numbers = dystonia["numbers"]
    by_field = numbers.groupby("accounted_for_by")["text"].apply(list).to_dict()
    assert by_field["page_last_reviewed"] == ["19", "06", "2013"]
    assert by_field["page_next_review_due"] == ["19", "06", "2015"]


def _with_sentence(tmp_path, sentence: str, after: str = "At least 8,000 of") -> tuple:
    """Write the dystonia page with a new body paragraph after the one ending `after`; return (path, its line)."""
    lines = RAW_PAGE.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if after in line) + 1
    lines[at:at] = ["", sentence]
    return write_page(tmp_path, "dystonia.txt", "\n".join(lines)), at + 2


@pytest.mark.parametrize(("sentence", "number"), [
    ("Around 3,000 new cases are diagnosed each year.", "3,000"),
    ("Symptoms usually start between the ages of 40 and 60.", "40"),
    ("About one in three people with dystonia also have tremor.", "one"),
    ("Around sixty per cent of them are women.", "sixty"),
    ("Perhaps a million more have it without knowing.", "million"),
    ("Fourteen of them are under sixteen.", "Fourteen"),
])  # fmt: skip
def test_new_number_in_the_body_fails(tmp_path, sentence: str, number: str) -> None:
    """A new sentence with a number in the dystonia body is refused, naming its line, until a rule claims it."""
    path, line = _with_sentence(tmp_path, sentence)
    with pytest.raises(PageError) as exc:
        extract_page(path)
    assert (exc.value.line, exc.value.field) == (line, "coverage")
    assert repr(number) in exc.value.message
    code, _, err = extract_command(path, tmp_path / "out")
    assert code == 2 and "Traceback" not in err
    assert err.strip() == f"error: {path.name}:{line}: coverage: {exc.value.message}"


def test_new_sentence_without_a_number_is_fine(tmp_path) -> None:
    """A new sentence with no number leaves the ledger unchanged apart from shifted lines."""
    path, line = _with_sentence(tmp_path, "Dystonia is not contagious.")
    tables = extract_page(path)
    assert len(tables["numbers"]) == 36 and tables["numbers"]["accounted_for_by"].notna().all()


def test_check_coverage_names_the_first_unclaimed_number() -> None:
    """With no claims at all, the first number on the page (line 5, "one of the") is the one named."""
    page = read_page(RAW_PAGE)
    ledger = number_ledger(page, [])
    assert ledger["accounted_for_by"].isna().all() and len(ledger) == 36
    with pytest.raises(PageError) as exc:
        check_coverage(page, ledger)
    assert (exc.value.line, exc.value.field) == (5, "coverage") and "36 unaccounted" in exc.value.message


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.txt")))
def test_fixture_pages_are_fully_accounted(name: str) -> None:
    """Every number on the fixture pages is accounted for and counted, as on the real page."""
    tables, _ = extract_quietly(FIXTURES / name)
    numbers = tables["numbers"]
    assert numbers["accounted_for_by"].notna().all()
    digits = sorted(t for t in numbers["text"] if t[0].isdigit())
    assert digits == sorted(digit_groups((FIXTURES / name).read_text(encoding="utf-8")))
