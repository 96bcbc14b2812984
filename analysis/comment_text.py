"""Text primitives the comment extractors share: sentence spans and English number words."""

from __future__ import annotations

import re
from collections.abc import Sequence

FLAGS = re.IGNORECASE

_SENTENCE_END = re.compile(r"[.!?]+(?=[\s\"')]|$)|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) character spans of the sentences in a text, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    bounds = [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    for end in bounds:
        chunk = text[start:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk) - len(chunk.rstrip())
            spans.append((start + lead, end - trail))
        start = end
    return spans


def sentence_at(spans: Sequence[tuple[int, int]], pos: int) -> tuple[int, int]:
    """Return the sentence span containing a character position (or the nearest before it)."""
    best = spans[0] if spans else (0, 0)
    for span in spans:
        if span[0] <= pos:
            best = span
    return best


def sentence_of(text: str, start: int) -> str:
    """Return the sentence of a text that contains a character position, verbatim."""
    spans = sentence_spans(text)
    if not spans:
        return ""
    s, e = sentence_at(spans, start)
    return text[s:e]


# A number as written: digits, or an English number word up to ninety-nine ("twenty-five").
NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_UNIT_ALT = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_TENS_ALT = "|".join(TENS)
NUMBER = rf"(?:\d+(?:\.\d+)?|(?:{_TENS_ALT})(?:[\s-](?:{_UNIT_ALT}))?|{_UNIT_ALT})"
