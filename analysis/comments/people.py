"""Who a reader comment says is affected (the writer or a relative), and the writer's role.

Rule-based (regular expressions and small vocabularies, no models), so every result can be traced
to a rule. A relative ("my son", "I have a daughter") counts as affected only when a condition
word (dystonia, diagnosed, case of, ill, ...) follows in the same sentence with no first-person
word or negation in between, or the next sentence starts with "He"/"She" and does the same. A
first-person condition statement ("my problem", "I got Hemi Dystonia") makes the writer affected.
The earliest such statement wins; all are kept in `all_affected`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.comments.terms import NEGATORS
from analysis.comments.text import FLAGS, NUMBER, sentence_at, sentence_spans

RELATIONS: dict[str, str] = {
    "son": "son", "sons": "son", "daughter": "daughter", "daughters": "daughter",
    "child": "child", "children": "child", "kid": "child", "kids": "child",
    "baby": "child", "father": "father", "dad": "father", "daddy": "father",
    "mother": "mother", "mum": "mother", "mom": "mother", "mummy": "mother",
    "husband": "husband", "wife": "wife", "partner": "partner",
    "brother": "brother", "sister": "sister", "grandson": "grandson",
    "granddaughter": "granddaughter", "grandchild": "grandchild",
    "grandfather": "grandfather", "grandad": "grandfather", "granddad": "grandfather",
    "grandpa": "grandfather", "grandmother": "grandmother", "grandma": "grandmother",
    "gran": "grandmother", "nan": "grandmother", "nana": "grandmother",
    "aunt": "aunt", "auntie": "aunt", "uncle": "uncle", "niece": "niece",
    "nephew": "nephew", "cousin": "cousin", "friend": "friend",
}

WRITER_ROLE: dict[str, str] = {
    "self": "patient", "son": "parent", "daughter": "parent", "child": "parent",
    "father": "child", "mother": "child", "husband": "spouse", "wife": "spouse",
    "partner": "partner", "brother": "sibling", "sister": "sibling",
    "grandson": "grandparent", "granddaughter": "grandparent", "grandchild": "grandparent",
    "grandfather": "grandchild", "grandmother": "grandchild", "aunt": "niece or nephew",
    "uncle": "niece or nephew", "niece": "aunt or uncle", "nephew": "aunt or uncle",
    "cousin": "cousin", "friend": "friend", "unknown": "unknown",
}

MALE = {"son", "father", "husband", "brother", "grandson", "grandfather", "uncle", "nephew"}
FEMALE = {"daughter", "mother", "wife", "sister", "granddaughter", "grandmother", "aunt", "niece"}

REL_WORDS = "|".join(sorted(RELATIONS, key=len, reverse=True))
REL_ADJ = (
    r"(?:late|eldest|oldest|youngest|little|baby|young|older|younger|elder|beloved|dear|new|"
    rf"{NUMBER}[\s-]*(?:years?|yrs?|months?|weeks?)[\s-]*old)"
)
RELATIVE = re.compile(
    r"\b(?:(?:my|our)|I\s+(?:have|had|got|'ve\s+got|have\s+got)"
    rf"(?:\s+(?:a|an|{NUMBER}))?)\s+(?:{REL_ADJ}\s+)*(?P<rel>{REL_WORDS})\b",
    FLAGS,
)
_SELF_CUE = re.compile(
    r"\bmy\s+(?:own\s+)?(?:[\w-]+\s+){0,2}?(?:problems?|dystoni\w*|condition|symptoms?|diagnosis|"
    r"illness|disease|spasms?|tremors?|disorder|torticollis|blepharospasm|cramp)\b"
    r"|\bI\s+(?:was|am|'m|have\s+been|'ve\s+been|got|get|were)\s+(?:\w+\s+)?diagnosed\b"
    r"|\bI(?:\s+also)?\s+(?:have|had|got|'ve\s+got|have\s+got|suffer(?:ed)?\s+(?:from|with)|"
    rf"developed|live\s+with|am\s+living\s+with)\s+(?:(?!(?:{REL_WORDS}|with|no)\b)[\w-]+\s+)"
    r"{0,3}?(?:dystoni\w*|"
    r"torticollis|blepharospasm|writer'?s\s+cramp)\b"
    r"|\bI\s+(?:am|'m)\s+an?\s+(?:\w+\s+)?(?:sufferer|patient)\b",
    FLAGS,
)
_CONDITION_CUE = re.compile(
    r"\b(?:dystoni\w*|diagnos\w*|disease|condition|case\s+of|symptoms?|spasms?|tremors?|"
    r"suffer\w*|ill|illness|disabilit\w*|disorder|contracted|affected|affects|torticollis|"
    r"blepharospasm|meningitis|stroke|palsy)\b",
    FLAGS,
)
_FIRST_PERSON = re.compile(r"\b(?:I|me|my|myself)\b")
_FOLLOW_UP = re.compile(r"^(?:and\s+|but\s+|so\s+)?(?P<pron>he|she|they)\b", FLAGS)


@dataclass(frozen=True)
class Affected:
    """Who the comment says is affected, and the writer's relation to that person."""

    affected: str
    writer_role: str
    evidence: str
    start: int | None
    end: int | None
    all_affected: tuple[str, ...] = ()
    relatives_not_affected: tuple[str, ...] = ()


def _has_negation(segment: str) -> bool:
    """Return True if a stretch of text contains a negating word."""
    words = re.findall(r"[\w']+", segment.lower())
    return any(w in NEGATORS or w.endswith("n't") for w in words)


def _relative_affected(text: str, rel_end: int, sent_end: int, self_spans: list[range]) -> bool:
    """Return True if a condition word follows a relative in its sentence, unblocked."""
    for cue in _CONDITION_CUE.finditer(text, rel_end, sent_end):
        if any(cue.start() in span for span in self_spans):
            return False
        between = text[rel_end:cue.start()]
        return not (_FIRST_PERSON.search(between) or _has_negation(between))
    return False


def _follow_up_affected(
    text: str, rel: str, sent_end: int, spans: Sequence[tuple[int, int]]
) -> bool:
    """Return True if the next sentence starts with a matching pronoun and a condition word."""
    nxt = [s for s in spans if s[0] >= sent_end]
    if not nxt:
        return False
    start, end = nxt[0]
    lead = _FOLLOW_UP.match(text[start:end])
    if not lead:
        return False
    pron = lead.group("pron").lower()
    if (pron == "he" and rel in FEMALE) or (pron == "she" and rel in MALE):
        return False
    return _relative_affected(text, start + lead.end(), end, [])


def affected_person(text: str) -> Affected:
    """Return who the comment says is affected (self or a relative) by the documented rules."""
    spans = sentence_spans(text)
    self_hits = list(_SELF_CUE.finditer(text))
    self_spans = [range(m.start(), m.end()) for m in self_hits]
    candidates: list[tuple[int, int, str, str]] = [
        (m.start(), m.end(), "self", m.group(0)) for m in self_hits
    ]
    not_affected: list[str] = []
    for m in RELATIVE.finditer(text):
        rel = RELATIONS[m.group("rel").lower()]
        sent_end = sentence_at(spans, m.start())[1]
        if _relative_affected(text, m.end(), sent_end, self_spans) or _follow_up_affected(
            text, rel, sent_end, spans
        ):
            candidates.append((m.start(), m.end(), rel, m.group(0)))
        else:
            not_affected.append(rel)
    candidates.sort()
    ordered = tuple(dict.fromkeys(c[2] for c in candidates))
    others = tuple(dict.fromkeys(r for r in not_affected if r not in ordered))
    if not candidates:
        return Affected("unknown", "unknown", "", None, None, (), others)
    start, end, who, evidence = candidates[0]
    return Affected(who, WRITER_ROLE.get(who, "relative"), evidence, start, end, ordered, others)


PEOPLE_COLUMNS = [
    "comment_id", "affected", "writer_role", "evidence", "start", "end", "all_affected",
    "relatives_not_affected",
]


def people_table(comments: pd.DataFrame) -> pd.DataFrame:
    """Return one row per comment: who is affected and the writer's role (PEOPLE_COLUMNS)."""
    rows = []
    for cid, text in zip(comments["comment_id"], comments["text"], strict=True):
        who = affected_person(str(text))
        rows.append({
            "comment_id": cid, "affected": who.affected, "writer_role": who.writer_role,
            "evidence": who.evidence, "start": who.start, "end": who.end,
            "all_affected": ";".join(who.all_affected),
            "relatives_not_affected": ";".join(who.relatives_not_affected),
        })
    return pd.DataFrame(rows, columns=PEOPLE_COLUMNS)
