"""Numbers as written: digits, number words, and the qualifier that says what kind they are."""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
    "hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000, "dozen": 12,
}  # fmt: skip
# The words by role: the scale words that multiply a number before them ("10 million", "a dozen"),
# the units one to nineteen, and the tens.
SCALE_WORDS = {w: NUMBER_WORDS[w] for w in ("hundred", "thousand", "million", "billion", "dozen")}
UNIT_WORDS = {w: v for w, v in NUMBER_WORDS.items() if v < 20 and w not in SCALE_WORDS}
TENS_WORDS = {w: v for w, v in NUMBER_WORDS.items() if 20 <= v < 100 and v % 10 == 0}
_TENS = "|".join(TENS_WORDS)
_DIGIT_WORDS = "|".join(w for w, v in UNIT_WORDS.items() if v < 10)
# A tens word with its unit ("twenty-five", "twenty five") is one number; otherwise each word is one.
_OTHER_WORDS = "|".join(sorted({**UNIT_WORDS, **SCALE_WORDS}, key=len, reverse=True))
_WORDS = rf"(?:{_TENS})(?:[ -](?:{_DIGIT_WORDS}))?|{_OTHER_WORDS}"
# A number token: digits with optional thousands commas and decimals, or a number word.
# Digits may be glued to a unit ("2cm", "5.5cm", "over-60s", "1990s"): only a following digit ends them.
NUMBER_TOKEN = re.compile(rf"(?<![\w.])(\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)(?!\d|[.,]\d)|\b({_WORDS})\b", re.I)
QUALIFIER_KIND = {
    "at least": "lower_bound",
    "more than": "lower_bound",
    "over": "lower_bound",
    "up to": "upper_bound",
    "at most": "upper_bound",
    "fewer than": "upper_bound",
    "less than": "upper_bound",
    "under": "upper_bound",
    "about": "approximate",
    "around": "approximate",
    "approximately": "approximate",
    "approx": "approximate",
    "approx.": "approximate",
    "roughly": "approximate",
    "nearly": "approximate",
    "almost": "approximate",
    # Emphasis, not a bound: "I was only 12", "just 2 months pregnant".
    "only": "exact",
    "just": "exact",
    "": "exact",
}


@dataclass(frozen=True)
class NumberToken:
    """One number written on a page line, with its 1-based line and character span."""

    line: int
    start: int
    end: int
    text: str
    value: float


def parse_number(text: str) -> float:
    """Turn "70,000", "5", "2.5", "five" or "twenty-five" into a float; raise ValueError otherwise."""
    word = text.strip().lower()
    if word in NUMBER_WORDS:
        return float(NUMBER_WORDS[word])
    parts = re.split(r"[\s-]+", word)
    if len(parts) == 2 and parts[0] in TENS_WORDS and parts[1] in UNIT_WORDS:
        return float(TENS_WORDS[parts[0]] + UNIT_WORDS[parts[1]])
    return float(text.replace(",", ""))


def number_tokens(line_no: int, line: str) -> list[NumberToken]:
    """Return every number token on one line."""
    return [
        NumberToken(line_no, m.start(), m.end(), m.group(0), parse_number(m.group(0)))
        for m in NUMBER_TOKEN.finditer(line)
    ]


def qualifier_kind(qualifier: str) -> str:
    """Map a qualifier as written ("At least", "around") to the kind of number it makes."""
    return QUALIFIER_KIND[qualifier.strip().lower()]


def bounds(value: float, kind: str) -> tuple[float | None, float | None]:
    """Return (lower, upper) implied by a single value of a kind: a lower bound has no upper."""
    if kind == "lower_bound":
        return value, None
    if kind == "upper_bound":
        return None, value
    if kind == "exact":
        return value, value
    return None, None
