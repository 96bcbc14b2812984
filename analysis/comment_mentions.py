"""Rule-based mentions in reader comments: who is affected, numbers, and page-taxonomy terms.

Everything here is regular expressions and small vocabularies (no models), so every result can
be traced to a rule. Decisions that are judgement calls, recorded once here and in the `note`
column of the tables:

- Who is affected: a relative ("my son", "I have a daughter") counts as affected only when a
  condition word (dystonia, diagnosed, case of, ill, ...) follows in the same sentence with no
  first-person word or negation in between, or the next sentence starts with "He"/"She" and
  does the same. A first-person condition statement ("my problem", "I got Hemi Dystonia")
  makes the writer affected. The earliest such statement wins; all are kept in `all_affected`.
- Numbers: only numbers in a recognised frame become mentions ("age of 27", "for 27 years",
  "40 years ago", "2 months pregnant", "1 year old daughter", a calendar year 1800-2099).
  Counts ("3 children"), odds ("1 in 4") and days of the month are never ages.
- MRSA (and other hospital-acquired infections) is recorded as a topic, "hospital-acquired
  infection", not as a cause: in the comment it is an infection caught in hospital late in a
  long illness, which ended the patient's life; it did not cause the dystonia.
- TB meningitis is a cause the page does not list: the page names encephalitis (infection of
  the brain), not meningitis (infection of the membranes around the brain).
- A medicine is covered only when the page names it (or a brand of it: Botox for botulinum
  toxin). A medicine whose class the page names (trihexyphenidyl, an anticholinergic) stays
  uncovered, with the class in the note: a reader cannot link the two from the page.
- Topics (pregnancy, awareness and diagnosis delay, death and bereavement, care and hospital,
  hospital-acquired infection, meeting others) are curated as questions a condition overview
  page does not answer; they are never marked covered. Review them for another page.
- Symptoms are checked against the page text when it is given; without it their coverage is
  unknown (<NA>).
- Negation: a negator (no, not, never, without, neither, nor, n't) up to three words before a
  term in the same clause marks it negated ("no tremor", "not Baclofen", "never had botox").
  Negation after the term ("tremor is not a problem") is not detected. Topic patterns carry
  their own negation ("never heard of") and are not negation-checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

FLAGS = re.IGNORECASE

# --------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------

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


def _sentence_at(spans: Sequence[tuple[int, int]], pos: int) -> tuple[int, int]:
    """Return the sentence span containing a character position (or the nearest before it)."""
    best = spans[0] if spans else (0, 0)
    for span in spans:
        if span[0] <= pos:
            best = span
    return best


# --------------------------------------------------------------------------------------------
# Who is affected
# --------------------------------------------------------------------------------------------

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

_MALE = {"son", "father", "husband", "brother", "grandson", "grandfather", "uncle", "nephew"}
_FEMALE = {"daughter", "mother", "wife", "sister", "granddaughter", "grandmother", "aunt", "niece"}

_REL_WORDS = "|".join(sorted(RELATIONS, key=len, reverse=True))
_NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_UNIT_ALT = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_TENS_ALT = "|".join(_TENS)
_NUMBER = rf"(?:\d+(?:\.\d+)?|(?:{_TENS_ALT})(?:[\s-](?:{_UNIT_ALT}))?|{_UNIT_ALT})"

_REL_ADJ = (
    r"(?:late|eldest|oldest|youngest|little|baby|young|older|younger|elder|beloved|dear|new|"
    rf"{_NUMBER}[\s-]*(?:years?|yrs?|months?|weeks?)[\s-]*old)"
)
_RELATIVE = re.compile(
    r"\b(?:(?:my|our)|I\s+(?:have|had|got|'ve\s+got|have\s+got)"
    rf"(?:\s+(?:a|an|{_NUMBER}))?)\s+(?:{_REL_ADJ}\s+)*(?P<rel>{_REL_WORDS})\b",
    FLAGS,
)
_SELF_CUE = re.compile(
    r"\bmy\s+(?:own\s+)?(?:[\w-]+\s+){0,2}?(?:problems?|dystoni\w*|condition|symptoms?|diagnosis|"
    r"illness|disease|spasms?|tremors?|disorder|torticollis|blepharospasm|cramp)\b"
    r"|\bI\s+(?:was|am|'m|have\s+been|'ve\s+been|got|get|were)\s+(?:\w+\s+)?diagnosed\b"
    r"|\bI(?:\s+also)?\s+(?:have|had|got|'ve\s+got|have\s+got|suffer(?:ed)?\s+(?:from|with)|"
    rf"developed|live\s+with|am\s+living\s+with)\s+(?:(?!(?:{_REL_WORDS}|with|no)\b)[\w-]+\s+)"
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
_NEGATORS = frozenset({"no", "not", "never", "without", "neither", "nor", "none", "cannot"})
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
    return any(w in _NEGATORS or w.endswith("n't") for w in words)


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
    if (pron == "he" and rel in _FEMALE) or (pron == "she" and rel in _MALE):
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
    for m in _RELATIVE.finditer(text):
        rel = RELATIONS[m.group("rel").lower()]
        sent_end = _sentence_at(spans, m.start())[1]
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


# --------------------------------------------------------------------------------------------
# Numbers: ages, durations, years
# --------------------------------------------------------------------------------------------


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


def parse_number(token: str) -> int | float:
    """Return the numeric value of a digit string or an English number word up to ninety-nine."""
    token = token.strip().lower()
    if re.fullmatch(r"\d+", token):
        return int(token)
    if re.fullmatch(r"\d+\.\d+", token):
        return float(token)
    parts = re.split(r"[\s-]+", token)
    if parts[0] in _TENS:
        return _TENS[parts[0]] + (_NUMBER_WORDS[parts[1]] if len(parts) > 1 else 0)
    return _NUMBER_WORDS[parts[0]]


_N = rf"(?P<num>{_NUMBER})"
_APPROX = r"(?:(?:about|around|approximately|approx\.?|nearly|almost|over|roughly|only|just)\s+)?"
_YEARS_OLD = r"(?:[\s-]*(?:years?|yrs?)[\s-]*old)"
_NOT_AGE_AFTER = r"(?![\s-]*(?:months?|weeks?|days?|hours?|%|mg|am\b|pm\b|o'?clock|\d|:))"
_PERSON_NOUN = rf"{_REL_WORDS}|boy|girl|woman|man|lady|gentleman"

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
        rf"\b(?:my|our)\s+(?:{_REL_ADJ}\s+)*(?P<rel>{_REL_WORDS})\s+(?:is|was|turned|turns)\s+"
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
    rf"\b(?:my|our)\s+(?:{_REL_ADJ}\s+)*(?P<rel>{_REL_WORDS})\b"
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
    wanted = _MALE if pron in {"he", "him", "his"} else _FEMALE if pron in {"she", "her"} else None
    found = pron
    for m in _RELATIVE.finditer(text, 0, pos):
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


def _number_mention(
    text: str, frame: str, m: re.Match[str], spans: Sequence[tuple[int, int]]
) -> NumberMention:
    """Build a NumberMention from one frame match."""
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
    sent = _sentence_at(spans, span[0])
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


# --------------------------------------------------------------------------------------------
# Terms: page taxonomy and vocabularies the page does not cover
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A searchable term: its canonical label, category, page mapping and coverage."""

    label: str
    pattern: re.Pattern[str] = field(compare=False)
    category: str
    mapped_to: str | None
    group: str | None
    covered_by_page: bool | None
    note: str = ""
    negatable: bool = True


@dataclass(frozen=True)
class TermMention:
    """One term found in a text."""

    term: str
    label: str
    category: str
    mapped_to: str | None
    group: str | None
    covered_by_page: bool | None
    negated: bool
    start: int
    end: int
    note: str


_MEDICATION_TREATMENTS = {"medication", "medications", "medicine", "medicines", "drugs"}

# (pattern, label, target page label(s) tried in order and "|"-separated, fallback category, note)
ALIASES: tuple[tuple[str, str, str, str, str], ...] = (
    (r"botox", "Botox", "botulinum toxin", "treatment", "brand name of botulinum toxin"),
    (r"dysport|xeomin", "Dysport/Xeomin", "botulinum toxin", "treatment",
     "brand name of botulinum toxin"),
    (r"botulinum", "botulinum", "botulinum toxin", "treatment", "short for botulinum toxin"),
    (r"MRI(?:\s+scans?)?", "MRI", "brain scans", "test", "MRI scan (a brain scan)"),
    (r"(?:CT|CAT)\s+scans?", "CT scan", "brain scans", "test", "CT scan (a brain scan)"),
    (r"DaT\s*scans?", "DaTscan", "brain scans", "test", "DaTscan (a brain scan)"),
    (r"DBS", "DBS", "deep brain stimulation", "treatment", "short for deep brain stimulation"),
    (r"physio", "physio", "physiotherapy", "treatment", "short for physiotherapy"),
    (r"medicines?", "medicine", "medication", "treatment", "synonym of medication"),
    (r"(?:spasmodic\s+)?torticollis", "torticollis", "cervical dystonia", "type",
     "another name for cervical dystonia"),
    (r"spasmodic\s+dysphonia", "spasmodic dysphonia", "laryngeal dystonia", "type",
     "another name for laryngeal dystonia"),
    (r"infection\s+of\s+the\s+brain", "infection of the brain", "encephalitis", "cause",
     "the page's own gloss of encephalitis"),
    (r"genetic(?:ally)?|inherited|hereditary", "genetic", "genetic|primary dystonia", "cause",
     "the page calls dystonia with a genetic cause primary dystonia"),
)

# (label, pattern, class)
OTHER_MEDICINES: tuple[tuple[str, str, str], ...] = (
    ("Clonazepam", r"clonazepam|rivotril|klonopin", "benzodiazepine"),
    ("Diazepam", r"diazepam|valium", "benzodiazepine"),
    ("Trihexyphenidyl", r"trihexyphenidyl|benzhexol|artane", "anticholinergic"),
    ("Procyclidine", r"procyclidine|kemadrin", "anticholinergic"),
    ("Tetrabenazine", r"tetrabenazine|xenazine", "dopamine-depleting medicine"),
    ("Levodopa", r"levodopa|l[\s-]?dopa|co-careldopa|co-beneldopa|sinemet|madopar",
     "dopamine precursor"),
)

# (label, pattern, note)
OTHER_CAUSES: tuple[tuple[str, str, str], ...] = (
    ("TB meningitis", r"(?:tb|tuberculous|tubercular)\s+meningitis",
     "infection of the membranes around the brain; the page names encephalitis only"),
    ("meningitis", r"meningitis",
     "infection of the membranes around the brain; the page names encephalitis only"),
    ("cerebral palsy", r"cerebral\s+palsy", "not named on the page"),
    ("multiple sclerosis", r"multiple\s+sclerosis", "not named on the page"),
    ("Wilson's disease", r"wilson['’]?s\s+disease", "not named on the page"),
    ("Huntington's disease", r"huntington['’]?s(?:\s+disease)?", "not named on the page"),
    ("drug-induced dystonia", r"tardive(?:\s+dystonia)?|drug[\s-]induced|antipsychotics?|"
     r"neuroleptics?", "medicine side effect as a cause; not named on the page"),
    ("brain tumour", r"brain\s+tumou?rs?", "not named on the page"),
    ("lack of oxygen", r"lack\s+of\s+oxygen|hypoxi\w*|anoxi\w*", "not named on the page"),
)

# (label, pattern, note)
TOPICS: tuple[tuple[str, str, str], ...] = (
    ("pregnancy", r"pregnan\w*|gave\s+birth|giving\s+birth|childbirth",
     "dystonia starting or changing in pregnancy"),
    ("awareness and diagnosis delay",
     r"(?:\b(?:never|not|nor|no\s+one|nobody)|n't)\b[^.!?]{0,40}?\b(?:heard|known)\s+of"
     r"|\bknew\s+(?:very\s+)?little|\b(?:only|not\s+until)\s+this\s+year\b[^.!?]{0,120}?"
     r"diagnos\w*|\b(?:many\s+|several\s+|\d+\s+)?years\s+of\s+trying"
     r"|\b(?:took|takes|taking|waited|waiting)\s+(?:\w+\s+){0,3}?(?:years|months)\s+"
     r"(?:to|for|before)\s+(?:\w+\s+){0,2}?diagnos\w*|\bmisdiagnos\w*|\bundiagnosed"
     r"|\bin\s+ignorance|\black\s+of\s+awareness",
     "not having heard of dystonia, or a long road to diagnosis"),
    ("hospital-acquired infection",
     r"MRSA|C\.?\s?diff(?:icile)?|hospital[\s-]acquired\s+infections?|superbug",
     "infection caught in hospital: a complication, not a cause of dystonia"),
    ("death and bereavement",
     r"passed\s+away|\bdied\b|\bdeath\b|funerals?|bereave\w*|\bmiss\s+(?:him|her|them)\b"
     r"|rest\s+in\s+peace",
     "a death, or living with the loss"),
    ("care and hospital",
     r"hospitals?|hospice|care\s+homes?|nursing\s+homes?|carers?|caring\s+for|"
     r"tube\s+fitted|feeding\s+tubes?|wheelchairs?",
     "hospital stays, feeding tubes, carers"),
    ("meeting others with dystonia",
     r"(?:met|meet|meeting|know|knew)\s+(?:any\s+)?other\s+(?:sufferers|patients|people\s+with|"
     r"families)|support\s+groups?",
     "contact with other patients and families"),
)

# (label, pattern)
SYMPTOMS: tuple[tuple[str, str], ...] = (
    ("tremor", r"tremors?|shak(?:e|es|ing|y)|trembl\w*"),
    ("spasms", r"spasms?"),
    ("stiffness", r"stiff(?:ness|ened|ening)?"),
    ("pain", r"pain(?:s|ful)?"),
    ("twitching", r"twitch\w*"),
    ("contractions", r"contractions?"),
    ("walking difficulty", r"(?:difficult\w*|trouble|problems?|unable|hard)\s+(?:to\s+|in\s+|"
     r"with\s+)?walk\w*"),
    ("swallowing or eating difficulty", r"swallow\w*|(?:no\s+longer|not|unable\s+to|"
     r"couldn['’]?t|could\s+not)\s+eat\b"),
    ("speech difficulty", r"speech|slurred|(?:unable|not\s+able|no\s+longer\s+able)\s+to\s+"
     r"(?:talk|speak)"),
    ("fatigue", r"exhaust\w*|fatigue\w*|tired(?:ness)?"),
)


def _word_pattern(word: str, last: bool) -> str:
    """Return the regex for one word of a page term (spelling, apostrophe and plural variants)."""
    if word.endswith("dystonia") and len(word) > len("dystonia"):
        body = re.escape(word[: -len("dystonia")]) + r"[\s-]?dystonia"
    elif word.startswith("multi") and len(word) > len("multi") + 2:
        body = r"multi[\s-]?" + re.escape(word[len("multi"):])
    else:
        body = re.escape(word)
    body = body.replace("'", "['’]?").replace("’", "['’]?")
    body = re.sub(r"is(ed|ation)", r"i[sz]\1", body)
    if not last:
        return body
    if body.endswith("y"):
        return body[:-1] + "(?:y|ies)"
    if body.endswith("s") and not body.endswith(("ss", "is", "us")):
        return body + "?"
    return body + "(?:s|es)?"


def term_regex(term: str) -> re.Pattern[str]:
    """Compile a case-insensitive, whole-word regex for a page term and its common variants."""
    cleaned = re.sub(r"\s*\([^)]*\)", "", term).strip().lower()
    words = [w for w in re.split(r"[\s-]+", cleaned) if w]
    parts = [_word_pattern(w, i == len(words) - 1) for i, w in enumerate(words)]
    if len(words) == 2 and words[0].endswith(("'s", "’s")) and words[1] in {"disease", "syndrome"}:
        parts[1] = rf"(?:[\s-]+{parts[1]})?"
        body = "".join(parts)
    else:
        body = r"[\s-]+".join(parts)
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", FLAGS)


def _word_regex(pattern: str) -> re.Pattern[str]:
    """Compile a vocabulary pattern as a case-insensitive whole-word regex."""
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", FLAGS)


def _examples(value: object) -> list[str]:
    """Split a ";"-joined examples cell into clean terms (empty for missing values)."""
    if not isinstance(value, str):
        return []
    return [re.sub(r"\s*\([^)]*\)", "", part).strip() for part in value.split(";") if part.strip()]


def _column(frame: pd.DataFrame | None, name: str) -> list[object]:
    """Return a column of a taxonomy frame as a list (empty if the frame or column is missing)."""
    if frame is None or name not in frame.columns:
        return [None] * (0 if frame is None else len(frame))
    return frame[name].tolist()


def page_terms(
    types: pd.DataFrame | None,
    causes: pd.DataFrame | None,
    treatments: pd.DataFrame | None,
    tests: pd.DataFrame | None,
) -> list[Term]:
    """Return the terms a page's taxonomy tables name, with their examples, all covered."""
    terms: list[Term] = []
    for kind, examples in zip(_column(types, "type"), _column(types, "examples"), strict=True):
        terms.append(Term(kind, term_regex(kind), "type", kind, kind, True, "dystonia type"))
        terms += [
            Term(ex, term_regex(ex), "type", kind, kind, True, f"page example of {kind}")
            for ex in _examples(examples)
        ]
    categories: list[str] = []
    for cause, cat in zip(_column(causes, "cause"), _column(causes, "category"), strict=True):
        group = cat if isinstance(cat, str) else None
        terms.append(Term(cause, term_regex(cause), "cause", cause, group, True, "page cause"))
        if group and re.fullmatch(r"[a-z]+", group) and group not in categories:
            categories.append(group)
    for group in categories:  # "primary" -> "primary dystonia", named on the page as a category
        label = f"{group} dystonia"
        terms.append(Term(label, term_regex(label), "cause", label, group, True, "page cause category"))
    for treat, examples in zip(
        _column(treatments, "treatment"), _column(treatments, "examples"), strict=True
    ):
        terms.append(Term(treat, term_regex(treat), "treatment", treat, treat, True, "page treatment"))
        sub = "medicine" if treat.lower() in _MEDICATION_TREATMENTS else "treatment"
        terms += [
            Term(ex, term_regex(ex), sub, treat, treat, True, f"named on the page under {treat}")
            for ex in _examples(examples)
        ]
    for test in _column(tests, "test"):
        terms.append(Term(test, term_regex(test), "test", test, test, True, "page test"))
    unique: dict[str, Term] = {}
    for term in terms:
        unique.setdefault(term.label.lower(), term)
    return list(unique.values())


def _alias_terms(page: Sequence[Term]) -> list[Term]:
    """Return synonym, brand and abbreviation terms resolved against the page terms."""
    by_label = {t.label.lower(): t for t in page}
    out: list[Term] = []
    for pattern, label, targets, fallback, note in ALIASES:
        target = targets.split("|")[0]
        hit = next((by_label[t.lower()] for t in targets.split("|") if t.lower() in by_label), None)
        if hit is None:
            out.append(Term(label, _word_regex(pattern), fallback, None, None, False,
                            f"{note}; {target} is not on this page"))
        else:
            out.append(Term(label, _word_regex(pattern), hit.category, hit.mapped_to, hit.group,
                            True, note))
    return out


def _named_by(page: Sequence[Term], word: str) -> Term | None:
    """Return the page term whose pattern matches a whole word or phrase, if any."""
    for term in page:
        if term.pattern.fullmatch(word):
            return term
    return None


def vocabulary_terms(page: Sequence[Term]) -> list[Term]:
    """Return medicines, causes, topics and symptoms from the fixed vocabularies."""
    out: list[Term] = []
    for label, pattern, drug_class in OTHER_MEDICINES:
        if _named_by(page, label):
            continue
        on_page = _named_by(page, drug_class) or _named_by(page, drug_class + "s")
        note = (f"{drug_class}; the page names the class ({on_page.label}) but not this medicine"
                if on_page else f"{drug_class}; not named on the page")
        out.append(Term(label, _word_regex(pattern), "medicine", None, "medication", False, note))
    for label, pattern, note in OTHER_CAUSES:
        if not _named_by(page, label):
            out.append(Term(label, _word_regex(pattern), "cause", None, "secondary", False, note))
    for label, pattern, note in TOPICS:
        out.append(Term(label, _word_regex(pattern), "topic", None, label, False, note,
                        negatable=False))
    for label, pattern in SYMPTOMS:
        out.append(Term(label, _word_regex(pattern), "symptom", None, label, None, "symptom"))
    return out


def _with_page_text(terms: Iterable[Term], page_text: str | None) -> list[Term]:
    """Mark vocabulary terms covered when the page text names them (topics stay uncovered)."""
    out: list[Term] = []
    for term in terms:
        if page_text is None or term.category == "topic" or term.covered_by_page:
            out.append(term)
            continue
        named = bool(term.pattern.search(page_text))
        note = f"{term.note}; named in the page text" if named else term.note
        out.append(Term(term.label, term.pattern, term.category, term.mapped_to, term.group,
                        named, note, term.negatable))
    return out


def build_terms(
    types: pd.DataFrame | None,
    causes: pd.DataFrame | None,
    treatments: pd.DataFrame | None,
    tests: pd.DataFrame | None,
    page_text: str | None = None,
) -> list[Term]:
    """Return all searchable terms: page taxonomy first, then aliases, then vocabularies."""
    page = page_terms(types, causes, treatments, tests)
    return page + _with_page_text(_alias_terms(page) + vocabulary_terms(page), page_text)


def is_negated(text: str, start: int, window: int = 3) -> bool:
    """Return True if a negator occurs up to `window` words before `start` in the same clause."""
    left = text[max(0, start - 120):start]
    left = re.split(r"[,;:.!?()\n]|\b(?:but|however|although|though|except)\b", left,
                    flags=FLAGS)[-1]
    words = re.findall(r"[\w'’]+", left.lower())[-(window + 1):]
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else ""
        if word == "not" and following in {"only", "just"}:
            continue
        if word == "no" and following in {"doubt", "matter"}:
            continue
        if word in _NEGATORS or word.endswith(("n't", "n’t")):
            return True
    return False


def find_terms(text: str, terms: Sequence[Term]) -> list[TermMention]:
    """Return term mentions; within topics and within other terms the longest match wins."""
    hits: list[tuple[int, int, int, Term]] = []
    for order, term in enumerate(terms):
        hits += [(m.start(), -(m.end() - m.start()), order, term)
                 for m in term.pattern.finditer(text) if m.end() > m.start()]
    hits.sort(key=lambda h: (h[1], h[0], h[2]))
    kept: list[TermMention] = []
    for start, neg_len, _, term in hits:
        end = start - neg_len
        layer = term.category == "topic"
        if any(start < k.end and k.start < end and (k.category == "topic") == layer
               for k in kept):
            continue
        negated = term.negatable and is_negated(text, start)
        kept.append(TermMention(text[start:end], term.label, term.category, term.mapped_to,
                                term.group, term.covered_by_page, negated, start, end, term.note))
    return sorted(kept, key=lambda k: k.start)


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------

MENTION_COLUMNS = [
    "comment_id", "category", "term", "label", "mapped_to", "group", "covered_by_page",
    "negated", "start", "end", "note",
]
NUMBER_COLUMNS = ["comment_id", "value", "kind", "unit", "subject", "text", "start", "end"]
PEOPLE_COLUMNS = [
    "comment_id", "affected", "writer_role", "evidence", "start", "end", "all_affected",
    "relatives_not_affected",
]
UNCOVERED_COLUMNS = [
    "topic", "category", "n_comments", "comment_ids", "terms_as_written", "example_comment_id",
    "example_quote", "note",
]


def _ordered_comments(comments: pd.DataFrame) -> pd.DataFrame:
    """Return the comments sorted by position when that column exists."""
    if "position" in comments.columns:
        return comments.sort_values("position", kind="stable")
    return comments


def mentions_table(
    comments: pd.DataFrame,
    types: pd.DataFrame | None,
    causes: pd.DataFrame | None,
    treatments: pd.DataFrame | None,
    tests: pd.DataFrame | None,
    page_text: str | None = None,
) -> pd.DataFrame:
    """Return one row per term mention in each comment (columns MENTION_COLUMNS)."""
    terms = build_terms(types, causes, treatments, tests, page_text)
    rows = [
        {"comment_id": cid, **{k: getattr(m, k) for k in MENTION_COLUMNS[1:]}}
        for cid, text in zip(comments["comment_id"], comments["text"], strict=True)
        for m in find_terms(str(text), terms)
    ]
    table = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    table["covered_by_page"] = table["covered_by_page"].astype("boolean")
    table["negated"] = table["negated"].astype(bool)
    return table


def numbers_table(comments: pd.DataFrame) -> pd.DataFrame:
    """Return one row per number mention in each comment (columns NUMBER_COLUMNS)."""
    rows = [
        {"comment_id": cid, **{k: getattr(n, k) for k in NUMBER_COLUMNS[1:]}}
        for cid, text in zip(comments["comment_id"], comments["text"], strict=True)
        for n in number_mentions(str(text))
    ]
    return pd.DataFrame(rows, columns=NUMBER_COLUMNS)


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


def sentence_of(text: str, start: int) -> str:
    """Return the sentence of a text that contains a character position, verbatim."""
    spans = sentence_spans(text)
    if not spans:
        return ""
    s, e = _sentence_at(spans, start)
    return text[s:e]


def summarise_uncovered(mentions: pd.DataFrame, comments: pd.DataFrame) -> pd.DataFrame:
    """Return what readers raise that the page does not cover, one row per topic."""
    ordered = _ordered_comments(comments)
    rank = {cid: i for i, cid in enumerate(ordered["comment_id"])}
    texts = dict(zip(ordered["comment_id"], ordered["text"], strict=True))
    uncovered = mentions["covered_by_page"].eq(False).fillna(False).astype(bool)
    open_ = mentions[uncovered & ~mentions["negated"].astype(bool)].copy()
    if open_.empty:
        return pd.DataFrame(columns=UNCOVERED_COLUMNS)
    open_["rank"] = open_["comment_id"].map(rank)
    open_ = open_.sort_values(["rank", "start"], kind="stable")
    rows = []
    for (label, category), grp in open_.groupby(["label", "category"], sort=False):
        first = grp.iloc[0]
        ids = list(dict.fromkeys(grp["comment_id"]))
        rows.append({
            "topic": label, "category": category, "n_comments": len(ids),
            "comment_ids": ";".join(map(str, ids)),
            "terms_as_written": ";".join(dict.fromkeys(grp["term"])),
            "example_comment_id": first["comment_id"],
            "example_quote": sentence_of(str(texts[first["comment_id"]]), int(first["start"])),
            "note": first["note"],
        })
    table = pd.DataFrame(rows, columns=UNCOVERED_COLUMNS)
    return table.sort_values("n_comments", ascending=False, kind="stable").reset_index(drop=True)


def uncovered_table(
    comments: pd.DataFrame,
    types: pd.DataFrame | None,
    causes: pd.DataFrame | None,
    treatments: pd.DataFrame | None,
    tests: pd.DataFrame | None,
    page_text: str | None = None,
) -> pd.DataFrame:
    """Return what readers raise that the page does not answer (columns UNCOVERED_COLUMNS)."""
    mentions = mentions_table(comments, types, causes, treatments, tests, page_text)
    return summarise_uncovered(mentions, comments)
