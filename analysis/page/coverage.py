"""The number ledger: every number on a page is claimed by a field or listed as not a statistic."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.page.errors import PageError
from analysis.page.numbers import number_tokens
from analysis.page.text import PageText

if TYPE_CHECKING:  # pandas is imported where a ledger is made: reading a page's template (a build's checks) needs none
    import pandas as pd

# Generic English uses of number words that state no statistic.
NOT_STATISTIC_PATTERNS = [
    (re.compile(r"\bone of the\b", re.I), "idiom: 'one of the'"),
    (re.compile(r"\bfrom one \w+ to another\b", re.I), "idiom: 'from one ... to another'"),
    (re.compile(r"\bonly one muscle or a group\b", re.I), "definition, not a count"),
    (re.compile(r"\b\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M\b"), "forum post timestamp (not a comment)"),
    (re.compile(r"\bCall (?:999|111)\b", re.I), "telephone number"),
    (re.compile(r"(?<![\d,.])0\d{3,4}(?: \d{2,4}){2,3}\b"), "telephone number"),
    (re.compile(r"^-?\d{1,2}:\d{2}$"), "video player time"),
]  # fmt: skip
FORUM_START = re.compile(r"^\S.* forum$")  # a community widget: "<Condition> forum" ... "More from the community"
FORUM_END = "More from the community"
FORUM_SPAN = 40  # lines; a "... forum" heading without the widget's end line nearby claims nothing


@dataclass(frozen=True)
class Claim:
    """A span of a page line that a table field accounts for."""

    line: int
    start: int
    end: int
    field: str


def claim_match(line_no: int, match: re.Match, field: str, group: int | str = 0) -> Claim:
    """Return a Claim for a regex match (or one of its groups) on a line."""
    return Claim(line_no, match.start(group), match.end(group), field)


def claim_line(line_no: int, line: str, field: str) -> Claim:
    """Return a Claim for a whole line."""
    return Claim(line_no, 0, len(line), field)


def not_statistic_claims(page: PageText) -> list[Claim]:
    """Claim numbers inside phrases that are listed as not statistics."""
    claims = []
    for no, line in enumerate(page.lines, start=1):
        for pattern, reason in NOT_STATISTIC_PATTERNS:
            claims += [claim_match(no, m, f"not a statistic: {reason}") for m in pattern.finditer(line)]
        if FORUM_START.match(line.strip()):
            ahead = [line.strip() for line in page.lines[no : no + FORUM_SPAN]]
            if FORUM_END in ahead:
                end = no + ahead.index(FORUM_END)
                claims += [claim_line(k, page.line(k), "not a statistic: forum post (user text, not the page)") for k in range(no + 1, end + 1)]
    return claims


def number_ledger(page: PageText, claims: list[Claim]) -> pd.DataFrame:
    """Return one row per number on the page with the field that accounts for it (or None)."""
    import pandas as pd

    by_line: dict[int, list[Claim]] = {}
    for claim in claims:
        by_line.setdefault(claim.line, []).append(claim)
    rows = []
    for no, line in enumerate(page.lines, start=1):
        for tok in number_tokens(no, line):
            owners = [c for c in by_line.get(no, []) if c.start <= tok.start and tok.end <= c.end]
            owners.sort(key=lambda c: (c.end - c.start, c.field))
            rows.append(
                {
                    "line": no,
                    "start": tok.start,
                    "text": tok.text,
                    "value": tok.value,
                    "accounted_for_by": owners[0].field if owners else None,
                }
            )
    return pd.DataFrame(rows, columns=["line", "start", "text", "value", "accounted_for_by"])


def check_coverage(page: PageText, ledger: pd.DataFrame) -> None:
    """Raise PageError naming the first number that no field accounts for."""
    missing = ledger[ledger["accounted_for_by"].isna()]
    if not missing.empty:
        first = missing.iloc[0]
        raise PageError(
            page.name,
            int(first["line"]),
            "coverage",
            f"the number {first['text']!r} is not accounted for by any fact, date, rating or "
            f"comment field ({len(missing)} unaccounted in all)",
        )
