"""Numbers in the body of any page, kept as unclassified facts so that nothing is lost."""

from __future__ import annotations

import re

from analysis.coverage import Claim
from analysis.dystonia import sentence_at
from analysis.numbers import bounds, number_tokens, qualifier_kind
from analysis.page_text import PageText

QUALIFIER_BEFORE = re.compile(r"(at least|more than|over|up to|at most|fewer than|less than|about|around|approximately|roughly|nearly|almost)\s+$", re.I)
RANGE_AFTER = re.compile(r"^\s*(?:-|–|to)\s*(\d[\d,.]*|\w+)")
UNIT_AFTER = re.compile(r"^\s*(%|per cent|[A-Za-z]+)")


def generic_facts(page: PageText, claims: list[Claim], source: str) -> tuple[list[dict], list[Claim]]:
    """Turn each body number no other field claims into an unclassified fact row."""
    taken = {(c.line, c.start, c.end) for c in claims}
    rows, new_claims = [], []
    for no, line in enumerate(page.lines, start=1):
        tokens = number_tokens(no, line)
        skip_next = False
        for i, tok in enumerate(tokens):
            if skip_next:
                skip_next = False
                continue
            if any(ln == no and s <= tok.start and tok.end <= e for ln, s, e in taken):
                continue
            qual = QUALIFIER_BEFORE.search(line[: tok.start])
            qualifier = qual.group(1).lower() if qual else ""
            end = tok.end
            upper_tok = tokens[i + 1] if i + 1 < len(tokens) else None
            rng = RANGE_AFTER.match(line[tok.end :])
            if rng and upper_tok and upper_tok.start == tok.end + rng.start(1):
                value, lower, upper, kind = None, tok.value, upper_tok.value, "range"
                end, skip_next = upper_tok.end, True
            else:
                kind = qualifier_kind(qualifier)
                value, (lower, upper) = tok.value, bounds(tok.value, kind)
            unit = UNIT_AFTER.match(line[end:])
            fact_id = f"line{no}_{tok.start}"
            rows.append(
                {
                    "fact_id": fact_id, "value": value, "lower": lower, "upper": upper,
                    "qualifier": qualifier, "kind": kind,
                    "unit": ("percent" if unit and unit.group(1) in {"%", "per cent"} else (unit.group(1).lower() if unit else "")),
                    "measure": "(not classified: number found by the generic reader)", "population": "",
                    "attributed_to": "NHS Choices page", "sentence": sentence_at(line, tok.start),
                    "line": no, "source": source,
                }
            )  # fmt: skip
            new_claims.append(Claim(no, tok.start, end, f"facts.{fact_id}"))
    return rows, new_claims
