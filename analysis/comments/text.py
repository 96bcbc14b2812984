"""Text primitives the comment extractors share: sentence spans and English number words."""

from __future__ import annotations

import re
from collections.abc import Sequence

from analysis.page.numbers import TENS_WORDS, UNIT_WORDS

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
# The words and their values are analysis.page.numbers.NUMBER_WORDS (its units and tens; comments read no
# scale words), and analysis.comments.numbers.parse_number reads them with analysis.page.numbers.parse_number.
_UNIT_ALT = "|".join(sorted(UNIT_WORDS, key=len, reverse=True))
_TENS_ALT = "|".join(TENS_WORDS)
NUMBER = rf"(?:\d+(?:\.\d+)?|(?:{_TENS_ALT})(?:[\s-](?:{_UNIT_ALT}))?|{_UNIT_ALT})"
