"""Numbers in reader comments: ages, durations, years ago, pregnancy months and calendar years.

Only numbers in a recognised frame become mentions ("age of 27", "for 27 years", "40 years ago",
"2 months pregnant", "1 year old daughter", a calendar year 1800-2099). Counts ("3 children"),
odds ("1 in 4") and days of the month are never ages. An age is attributed to the person the
sentence refers to (rules in analysis.comments.people). A qualifier written just before the number
("about 2 months pregnant", "over 20 years") is kept as written, with the kind of number it makes
(analysis.page.numbers.qualifier_kind).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd

from analysis.comments.people import FEMALE, MALE, REL_ADJ, REL_WORDS, RELATIONS, RELATIVE
from analysis.comments.text import FLAGS, NUMBER, sentence_at, sentence_spans
from analysis.page.numbers import parse_number as parse_number_word
from analysis.page.numbers import qualifier_kind


@dataclass(frozen=True)
class NumberMention:
    """One number in a recognised frame, normalised, with its kind and character span."""

    value: int | float
    kind: str
    unit: str
    text: str
    start: int
    end: int
    subject: str | None = None
    qualifier: str = ""

    @property
    def kind_of_number(self) -> str:
        """The kind of number the qualifier makes: approximate, lower_bound, upper_bound or exact."""
        return qualifier_kind(self.qualifier)


def parse_number(token: str) -> int | float:
    """Return the numeric value of a digit string or an English number word up to ninety-nine."""
    token = token.strip().lower()
    if re.fullmatch(r"\d+", token):
        return int(token)
    if re.fullmatch(r"\d+\.\d+", token):
        return float(token)
    return int(parse_number_word(token))


_N = rf"(?P<num>{NUMBER})"
_APPROX = r"(?:(?:about|around|approximately|approx\.?|nearly|almost|over|roughly|only|just)\s+)?"
# A qualifier right before the number, as analysis.page.numbers.QUALIFIER_KIND knows it.
_QUALIFIER_BEFORE = re.compile(
    r"\b(at\s+least|more\s+than|less\s+than|fewer\s+than|up\s+to|at\s+most|over|under|about|around|"
    r"approximately|approx\.?|roughly|nearly|almost|only|just)\s+$",
    FLAGS,
)
_YEARS_OLD = r"(?:[\s-]*(?:years?|yrs?)[\s-]*old)"
_NOT_AGE_AFTER = r"(?![\s-]*(?:months?|weeks?|days?|hours?|%|mg|am\b|pm\b|o'?clock|\d|:))"
_PERSON_NOUN = rf"{REL_WORDS}|boy|girl|woman|man|lady|gentleman"

# (frame, pattern); earlier frames win where matches overlap.
_NUMBER_FRAMES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("pregnancy", re.compile(
        rf"\b{_N}\s*(?P<unit>months?|weeks?)\s+(?:pregnant|into\s+(?:my|her|the)\s+pregnancy)\b",
        FLAGS)),
    ("ago", re.compile(rf"\b{_N}\s*(?P<unit>years?|yrs?|months?|weeks?|days?)\s+ago\b", FLAGS)),
    ("age", re.compile(rf"\b{_N}\s*(?:years?|yrs?)\s+of\s+age\b", FLAGS)),
    ("age", re.compile(rf"\bage\s+(?:of\s+)?{_APPROX}{_N}\b{_NOT_AGE_AFTER}{_YEARS_OLD}?", FLAGS)),
    ("age", re.compile(rf"\baged\s+{_APPROX}{_N}\b{_NOT_AGE_AFTER}{_YEARS_OLD}?", FLAGS)),
    ("age", re.compile(
        rf"\b(?:when|since|as|because|until|till)\s+(?P<pron>I|he|she|they|we)\s+"
        rf"(?:was|were|am|is|turned)\s+{_APPROX}{_N}\b{_NOT_AGE_AFTER}{_YEARS_OLD}?",
        FLAGS)),
    ("age", re.compile(
        r"\b(?:diagnosed|started|starting|began|begun|developed|onset)\b[^.!?\d]{0,30}?"
        rf"(?P<span>\bat\s+{_APPROX}{_N}\b{_NOT_AGE_AFTER}{_YEARS_OLD}?)",
        FLAGS)),
    ("age", re.compile(
        rf"\b(?:my|our)\s+(?:{REL_ADJ}\s+)*(?P<rel>{REL_WORDS})\s+(?:is|was|turned|turns)\s+"
        rf"(?:now\s+)?{_APPROX}{_N}\b{_NOT_AGE_AFTER}{_YEARS_OLD}?",
        FLAGS)),
    ("age_attr", re.compile(rf"\b{_N}{_YEARS_OLD}(?:\s+(?P<noun>{_PERSON_NOUN})\b)?", FLAGS)),
    ("duration", re.compile(
        r"\b(?:for|(?:over|in|during)\s+the\s+(?:last|past)|the\s+(?:last|past))\s+"
        rf"{_APPROX}{_N}\s*(?P<unit>years?|yrs?|months?|weeks?|days?)\b",
        FLAGS)),
    ("duration", re.compile(
        rf"\b{_N}\s*(?P<unit>years?|yrs?|months?)\s+(?:of|with|living\s+with|suffering)\b",
        FLAGS)),
    ("calendar_year", re.compile(
        r"(?<![\d£$€/.,:-])(?P<num>1[89]\d{2}|20\d{2})(?![\d/%:]|\.\d|\s*(?:years?|yrs?|%))")),
)

_ONSET_CUE = re.compile(
    r"\b(?:start\w*|began|begin\w*|begun|onset|developed|develop|first|came\s+on|contracted|"
    r"became\s+ill|got\s+ill)\b",
    FLAGS,
)
_DIAGNOSIS_CUE = re.compile(r"\bdiagnos\w*", FLAGS)
_PERSON_REF = re.compile(
    rf"\b(?:my|our)\s+(?:{REL_ADJ}\s+)*(?P<rel>{REL_WORDS})\b"
    r"|\b(?P<pron>I|me|my|myself|we|he|him|his|she|her|they|them|their)\b",
    FLAGS,
)
_SELF_WORDS = {"i", "me", "my", "myself", "we"}
_SELF_FRAME = re.compile(r"\b(?:I\s+am|I'm|I\s+was)\s+(?:an?\s+)?$", FLAGS)


def _unit_name(unit: str) -> str:
    """Return the plural unit name for a matched unit word ("yr" -> "years")."""
    unit = unit.lower()
    if unit.startswith(("yr", "year")):
        return "years"
    return unit if unit.endswith("s") else unit + "s"


def _resolve_pronoun(text: str, pos: int, pron: str) -> str:
    """Return the relative a third-person pronoun most likely refers to, else the pronoun."""
    pron = pron.lower()
    if pron in _SELF_WORDS:
        return "self"
    wanted = MALE if pron in {"he", "him", "his"} else FEMALE if pron in {"she", "her"} else None
    found = pron
    for m in RELATIVE.finditer(text, 0, pos):
        rel = RELATIONS[m.group("rel").lower()]
        if wanted is None or rel in wanted:
            found = rel
    return found


def _subject_before(text: str, sent_start: int, pos: int) -> str | None:
    """Return the last person referred to in the sentence before a position."""
    subject: str | None = None
    for m in _PERSON_REF.finditer(text, sent_start, pos):
        if m.group("rel"):
            subject = RELATIONS[m.group("rel").lower()]
        else:
            subject = _resolve_pronoun(text, m.start(), m.group("pron"))
    return subject


def _age_kind(text: str, sent: tuple[int, int], start: int, subject: str | None) -> str:
    """Return the kind of an age from the nearest onset or diagnosis word in its sentence."""
    best: tuple[int, str] | None = None
    for pattern, kind in ((_ONSET_CUE, "age_at_onset"), (_DIAGNOSIS_CUE, "age_at_diagnosis")):
        for cue in pattern.finditer(text, *sent):
            distance = abs(cue.start() - start)
            if best is None or distance < best[0]:
                best = (distance, kind)
    if best is not None:
        return best[1]
    return "age" if subject in (None, "self") else "age_of_other"


def _qualifier(text: str, num_start: int) -> str:
    """Return the qualifier written right before a number, lower-cased ("" if none)."""
    q = _QUALIFIER_BEFORE.search(text, max(0, num_start - 40), num_start)
    return " ".join(q.group(1).lower().split()) if q else ""


def _number_mention(
    text: str, frame: str, m: re.Match[str], spans: Sequence[tuple[int, int]]
) -> NumberMention:
    """Build a NumberMention from one frame match, with the qualifier before its number."""
    return replace(_bare_mention(text, frame, m, spans), qualifier=_qualifier(text, m.start("num")))


def _bare_mention(
    text: str, frame: str, m: re.Match[str], spans: Sequence[tuple[int, int]]
) -> NumberMention:
    """Build a NumberMention (without its qualifier) from one frame match."""
    span = m.span("span") if "span" in m.groupdict() and m.group("span") else m.span()
    value = parse_number(m.group("num"))
    if frame == "calendar_year":
        return NumberMention(value, "calendar_year", "year", text[span[0]:span[1]], *span)
    if frame in {"pregnancy", "ago", "duration"}:
        unit = _unit_name(m.group("unit"))
        kind = {"pregnancy": f"pregnancy_{unit}", "ago": f"{unit}_ago"}.get(
            frame, f"duration_{unit}"
        )
        return NumberMention(value, kind, unit, text[span[0]:span[1]], *span)
    sent = sentence_at(spans, span[0])
    groups = m.groupdict()
    if frame == "age_attr" and groups.get("noun"):
        if _SELF_FRAME.search(text[sent[0]:span[0]]):
            subject: str | None = "self"
        else:
            subject = RELATIONS.get(groups["noun"].lower(), groups["noun"].lower())
            return NumberMention(value, "age_of_other", "years", m.group(0), *span, subject)
    elif groups.get("rel"):
        subject = RELATIONS[groups["rel"].lower()]
    elif groups.get("pron"):
        subject = _resolve_pronoun(text, m.start(), groups["pron"])
    else:
        subject = _subject_before(text, sent[0], span[0])
    if frame == "age_attr":  # "N years old" states a current age, whatever else the sentence says
        kind = "age" if subject in (None, "self") else "age_of_other"
    else:
        kind = _age_kind(text, sent, span[0], subject)
    return NumberMention(value, kind, "years", text[span[0]:span[1]], *span, subject)


def number_mentions(text: str) -> list[NumberMention]:
    """Return ages, durations, years-ago, pregnancy months and calendar years in a text."""
    spans = sentence_spans(text)
    taken: list[range] = []
    found: list[NumberMention] = []
    for frame, pattern in _NUMBER_FRAMES:
        for m in pattern.finditer(text):
            mention = _number_mention(text, frame, m, spans)
            if any(mention.start < r.stop and r.start < mention.end for r in taken):
                continue
            taken.append(range(mention.start, mention.end))
            found.append(mention)
    return sorted(found, key=lambda n: n.start)


# qualifier and kind_of_number come last, so tables that select the first eight by name are unchanged.
NUMBER_COLUMNS = ["comment_id", "value", "kind", "unit", "subject", "text", "start", "end",
                  "qualifier", "kind_of_number"]


def numbers_table(comments: pd.DataFrame) -> pd.DataFrame:
    """Return one row per number mention in each comment (columns NUMBER_COLUMNS)."""
    rows = [
        {"comment_id": cid, **{k: getattr(n, k) for k in NUMBER_COLUMNS[1:]}}
        for cid, text in zip(comments["comment_id"], comments["text"], strict=True)
        for n in number_mentions(str(text))
    ]
    return pd.DataFrame(rows, columns=NUMBER_COLUMNS)
