"""Numbers in the body of any page, kept as unclassified facts so that nothing is lost."""

from __future__ import annotations

import re

from analysis.page.coverage import Claim
from analysis.page.numbers import SCALE_WORDS, NumberToken, bounds, number_tokens, qualifier_kind
from analysis.page.text import PageText, sentence_at

GENERIC_MEASURE = "(not classified: number found by the generic reader)"  # what a figure counts is not read
PAGE_STATEMENT = "NHS Choices page"  # attributed_to of a figure the page states in its own voice
QUALIFIER_BEFORE = re.compile(r"(at least|more than|over|up to|at most|fewer than|less than|about|around|approximately|roughly|nearly|almost)\s+$", re.I)
# Range markers between two numbers: "2-7", "2–7" (en dash), "two to seven", "from 2 to 7"; "and" only after "between".
RANGE_AFTER = re.compile(r"^\s*(?:-|\u2013|to)\s*(\d[\d,.]*|\w+)")
BETWEEN_RANGE_AFTER = re.compile(r"^\s*(?:-|\u2013|to|and)\s*(\d[\d,.]*|\w+)")
# "between 10 and 21 days", "between the ages of 40 and 60": "between" and up to three words before the lower number.
BETWEEN_BEFORE = re.compile(r"\bbetween\s+(?:[A-Za-z]+\s+){0,3}$", re.I)
SCALE_GAP = re.compile(r"[ -]")  # "10 million", "two-thousand": a scale word right after its number
UNIT_AFTER = re.compile(r"^\s*(%|per cent|[A-Za-z]+)")
# Function words are never a unit ("65 and over", "1 in 50", "8 out of 10"): the unit is left empty instead.
NOT_UNITS = frozenset({
    "a", "an", "the", "and", "or", "but", "nor", "so", "if", "than", "as", "to", "of", "in", "on", "at", "by",
    "for", "from", "with", "without", "into", "onto", "out", "up", "down", "off", "over", "under", "about", "above",
    "below", "between", "through", "per", "each", "every", "any", "some", "all", "more", "most", "less", "least",
    "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "do", "does", "did", "will",
    "would", "can", "could", "may", "might", "must", "shall", "should", "it", "its", "this", "that", "these",
    "those", "there", "here", "which", "who", "whom", "whose", "what", "when", "where", "while", "i", "you", "he",
    "she", "we", "they", "me", "him", "her", "us", "them", "my", "your", "his", "our", "their", "yourself", "not",
    "no",
})  # fmt: skip


def _unit(line: str, end: int) -> str:
    """Return the unit written right after a number ("days", "percent"), or "" for none or a function word."""
    m = UNIT_AFTER.match(line[end:])
    if not m:
        return ""
    if m.group(1) in {"%", "per cent"}:
        return "percent"
    word = m.group(1).lower()
    return "" if word in NOT_UNITS else word


def _scale_after(line: str, tokens: list[NumberToken], i: int) -> NumberToken | None:
    """Return the scale word ("million", "hundred", "dozen") written right after token i, if any."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is None or nxt.text.lower() not in SCALE_WORDS or tokens[i].text.lower() in SCALE_WORDS:
        return None
    return nxt if SCALE_GAP.fullmatch(line[tokens[i].end : nxt.start]) else None


def generic_facts(page: PageText, claims: list[Claim], source: str) -> tuple[list[dict], list[Claim]]:
    """Turn each body number no other field claims into an unclassified fact row.

    A number and the scale word after it ("10 million") are one fact whose unit is the scale word;
    two numbers joined by a range marker ("2 to 7", "10–30%", "between 10 and 21") are one range.
    """
    taken = {(c.line, c.start, c.end) for c in claims}

    def is_taken(no: int, tok: NumberToken) -> bool:
        """Return True if another field already claims this number."""
        return any(ln == no and s <= tok.start and tok.end <= e for ln, s, e in taken)

    rows, new_claims = [], []
    for no, line in enumerate(page.lines, start=1):
        tokens = number_tokens(no, line)
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if is_taken(no, tok):
                i += 1
                continue
            qual = QUALIFIER_BEFORE.search(line[: tok.start])
            qualifier = qual.group(1).lower() if qual else ""
            last, scale = i, _scale_after(line, tokens, i)
            if scale is not None:
                last += 1
            marker = BETWEEN_RANGE_AFTER if BETWEEN_BEFORE.search(line[: tok.start]) else RANGE_AFTER
            rng = marker.match(line[tokens[last].end :])
            upper_tok = tokens[last + 1] if last + 1 < len(tokens) else None
            if rng and upper_tok and upper_tok.start == tokens[last].end + rng.start(1) and not is_taken(no, upper_tok):
                value, lower, upper, kind = None, tok.value, upper_tok.value, "range"
                last += 1
                upper_scale = _scale_after(line, tokens, last)
                if upper_scale is not None:
                    last, scale = last + 1, upper_scale
            else:
                kind = qualifier_kind(qualifier)
                value, (lower, upper) = tok.value, bounds(tok.value, kind)
            end = tokens[last].end
            unit = scale.text.lower() if scale is not None else _unit(line, end)
            fact_id = f"line{no}_{tok.start}"
            rows.append(
                {
                    "fact_id": fact_id, "value": value, "lower": lower, "upper": upper,
                    "qualifier": qualifier, "kind": kind, "unit": unit,
                    "measure": GENERIC_MEASURE, "population": "",
                    "attributed_to": PAGE_STATEMENT, "sentence": sentence_at(line, tok.start),
                    "line": no, "source": source,
                }
            )  # fmt: skip
            new_claims.append(Claim(no, tok.start, end, f"facts.{fact_id}"))
            i = last + 1
    return rows, new_claims
