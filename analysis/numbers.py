"""Numbers as written: digits, number words, and the qualifier that says what kind they are."""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "thousand": 1000,
}  # fmt: skip
_WORDS = "|".join(NUMBER_WORDS)
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
    "about": "approximate",
    "around": "approximate",
    "approximately": "approximate",
    "roughly": "approximate",
    "nearly": "approximate",
    "almost": "approximate",
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
    """Turn "70,000", "5", "2.5" or "five" into a float; raise ValueError otherwise."""
    word = NUMBER_WORDS.get(text.strip().lower())
    if word is not None:
        return float(word)
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
