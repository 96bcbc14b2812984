"""Page-taxonomy terms and vocabularies the page does not cover, found in reader comments.

Rule-based (regular expressions and small vocabularies, no models), so every mention can be
traced to a rule. Decisions that are judgement calls, recorded once here and in each term's note:

- MRSA (and other hospital-acquired infections) is recorded as a topic, "hospital-acquired
  infection", not as a cause: in the comment it is an infection caught in hospital late in a
  long illness, which ended the patient's life; it did not cause the dystonia.
- TB meningitis is an infection of the brain (of its membranes): it is mapped to the page's
  "encephalitis (infection of the brain)" as a related cause and counted as covered, with a note
  that the page does not name meningitis.
- Body-region phrases map to the page's own type definitions: "every muscle in his body" to
  generalised dystonia, "his left arm and leg" to the page's multifocal example (the left arm and
  left leg).
- Topics are shown under their label with the whole sentence quoted, never as the phrase fragment
  a rule matched ("in ignorance"): the uncovered table leaves terms_as_written empty for topics.
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

from analysis.comments.text import FLAGS, sentence_spans

NEGATORS = frozenset({"no", "not", "never", "without", "neither", "nor", "none", "cannot"})


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
    (r"(?:every|all\s+the)\s+muscles?\s+(?:in|of)\s+(?:his|her|their|my|your|the)\s+body"
     r"|(?:whole|entire)\s+body", "every muscle in the body", "Generalised dystonia", "type",
     "the whole body: the page's generalised dystonia (the trunk and at least two other parts)"),
    (r"(?:left|right)\s+arm\s+and\s+(?:(?:left|right)\s+)?leg", "arm and leg", "Multifocal dystonia",
     "type", "an arm and a leg: the page's own multifocal example (the left arm and left leg)"),
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

# Causes related to a page cause: (label, pattern, page cause, note); covered through that cause.
RELATED_CAUSES: tuple[tuple[str, str, str, str], ...] = (
    ("TB meningitis", r"(?:tb|tuberculous|tubercular)\s+meningitis", "encephalitis",
     "an infection of the brain (its membranes), related to the page's \u201cencephalitis (infection "
     "of the brain)\u201d; the page does not name meningitis"),
    ("meningitis", r"meningitis", "encephalitis",
     "an infection of the brain (its membranes), related to the page's \u201cencephalitis (infection "
     "of the brain)\u201d; the page does not name meningitis"),
)

# (label, pattern, note)
OTHER_CAUSES: tuple[tuple[str, str, str], ...] = (
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

# Where a page may touch on a topic without answering it: the sentence is shown beside the topic, so
# "the page does not answer this" never hides what the page does say.
TOPIC_ON_PAGE: dict[str, str] = {
    "pregnancy": r"pregnan\w*",
    "awareness and diagnosis delay": r"undiagnosed|difficult\s+to\s+diagnose|diagnos\w*\s+is\s+a\s+complicated",
    "death and bereavement": r"\bdie[sd]?\b|\bdeath\b|\bfatal\b|life\s+expectancy",
    "care and hospital": r"\bhospitals?\b|\bcarers?\b|help\s+at\s+home",
    "meeting others with dystonia": r"support\s+groups?",
}


def page_sentences_on(label: str, page_text: str | None) -> str:
    """Return the page's sentences that touch on a topic (joined by ' / '), or '' when none do."""
    pattern = TOPIC_ON_PAGE.get(label)
    if not pattern or not page_text:
        return ""
    found = []
    for line in page_text.splitlines():
        for start, end in sentence_spans(line):
            if re.search(pattern, line[start:end], FLAGS):
                found.append(line[start:end])
    return " / ".join(dict.fromkeys(found))


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
    for label, pattern, target, note in RELATED_CAUSES:
        hit = _named_by(page, target)
        if hit and not _named_by(page, label):
            out.append(Term(label, _word_regex(pattern), "cause", hit.mapped_to, hit.group, True, note))
        elif not _named_by(page, label):
            out.append(Term(label, _word_regex(pattern), "cause", None, "secondary", False,
                            f"an infection of the brain; the page names neither it nor {target}"))
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
        mapped = term.label if named and term.category == "symptom" else term.mapped_to
        out.append(Term(term.label, term.pattern, term.category, mapped, term.group,
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
        if word in NEGATORS or word.endswith(("n't", "n’t")):
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
