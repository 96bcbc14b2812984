"""Dystonia's own statements: facts, types, treatments, causes and tests, keyed to its sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.page.coverage import claim_match
from analysis.page.errors import PageError
from analysis.page.generic_facts import PAGE_STATEMENT
from analysis.page.numbers import bounds, parse_number, qualifier_kind
from analysis.page.template import Extracted
from analysis.page.text import PageText, sentence_at

DASH = re.compile(r" [-\u2013] ")  # "Name - definition", with a hyphen or an en dash


@dataclass(frozen=True)
class FactRule:
    """How to find one statistical statement: a pattern and what its number counts."""

    fact_id: str
    pattern: str
    unit: str
    measure: str
    population: str
    attributed_to: str = PAGE_STATEMENT


FACT_RULES = [
    FactRule("uk_prevalence", r"estimates that (?P<q>at least) (?P<n>[\d,]+) people are affected by dystonia in the UK",
             "people", "people affected by dystonia (coverage not stated)", "United Kingdom", "The Dystonia Society (estimate quoted by the page)"),
    FactRule("children_prevalence", r"(?P<q>At least) (?P<n>[\d,]+) of these are children and young people",
             "people", "children and young people affected by dystonia", "United Kingdom, children and young people", "The Dystonia Society (estimate quoted by the page)"),
    FactRule("main_types_count", r"There are (?P<n>\w+) main types of dystonia",
             "types", "main types of dystonia the page describes", "all dystonia"),
    FactRule("cervical_blepharospasm_share", r"(?P<q>About) (?P<n>\d+)% of all cases are either cervical dystonia .*?or blepharospasm",
             "percent", "share of all dystonia cases that are cervical dystonia or blepharospasm (both focal)", "all dystonia cases"),
    FactRule("main_treatments_count", r"the (?P<n>\w+) main types of treatment are",
             "treatments", "main types of treatment the page describes", "all dystonia"),
    FactRule("focal_progression_years", r"Focal dystonia usually progresses gradually over a period of (?P<q>about) (?P<n>\w+) years",
             "years", "time over which focal dystonia progresses before it stops getting worse", "people with focal dystonia"),
    FactRule("total_remission", r"thought to occur in (?P<q>around) (?P<lo>\d+)[-\u2013](?P<hi>\d+)% of people",
             "percent", "share of people whose symptoms improve or disappear completely (total remission)", "people with dystonia"),
]  # fmt: skip

# Statements without a number that the notebooks cite; kept beside the figures as "qualitative".
STATEMENT_RULES = [
    ("remission_likelier_secondary", r"Total remission is more likely in cases of secondary dystonia", "total remission", "secondary vs primary dystonia"),
    ("lifelong_with_underlying_condition", r"symptoms of dystonia are more likely to last for the rest of their lives", "lifelong symptoms", "people with another underlying condition such as Parkinson's disease"),
    ("focal_late_onset_stable", r"These are both focal dystonias that tend to develop later in life", "onset and course of cervical dystonia and blepharospasm", "people with cervical dystonia or blepharospasm"),
    ("who_affected", r"Dystonia can affect men, women and children", "who dystonia affects", "everyone"),
    ("focal_no_worse_no_spread", r"They don't usually get any worse and no other muscles are affected", "course of cervical dystonia and blepharospasm: no worsening, no spread", "people with cervical dystonia or blepharospasm"),
]  # fmt: skip


def _flex(pattern: str) -> str:
    """Let a pattern's straight apostrophes match typographic ones too (pages mix "it's" and "it\u2019s")."""
    return pattern.replace("'", "['\u2019]")


def _search(page: PageText, pattern: str, fieldname: str) -> tuple[int, re.Match]:
    """Find a required statement or raise a PageError naming the field."""
    regex = re.compile(_flex(pattern))
    for no, line in enumerate(page.lines, start=1):
        if m := regex.search(line):
            return no, m
    raise PageError(page.name, None, fieldname, f"statement not found (pattern {pattern!r}); the page may be truncated or changed")


def facts(page: PageText, source: str) -> Extracted:
    """Extract the dystonia page's statistical statements with their bounds and verbatim sentence."""
    out = Extracted()
    for rule in FACT_RULES:
        no, m = _search(page, rule.pattern, f"facts.{rule.fact_id}")
        groups = m.groupdict()
        qualifier = (groups.get("q") or "").lower()
        if "lo" in groups:
            value, kind = None, "range"
            lower, upper = parse_number(groups["lo"]), parse_number(groups["hi"])
            out.claims += [claim_match(no, m, f"facts.{rule.fact_id}.lower", "lo"), claim_match(no, m, f"facts.{rule.fact_id}.upper", "hi")]
        else:
            value, kind = parse_number(groups["n"]), qualifier_kind(qualifier)
            lower, upper = bounds(value, kind)
            out.claims.append(claim_match(no, m, f"facts.{rule.fact_id}.value", "n"))
        out.rows.append(
            {
                "fact_id": rule.fact_id, "value": value, "lower": lower, "upper": upper,
                "qualifier": qualifier, "kind": kind, "unit": rule.unit, "measure": rule.measure,
                "population": rule.population, "attributed_to": rule.attributed_to,
                "sentence": sentence_at(page.line(no), m.start()), "line": no, "source": source,
            }
        )  # fmt: skip
    for fact_id, pattern, measure, population in STATEMENT_RULES:
        no, m = _search(page, pattern, f"facts.{fact_id}")
        out.rows.append(
            {
                "fact_id": fact_id, "value": None, "lower": None, "upper": None, "qualifier": "",
                "kind": "qualitative", "unit": "", "measure": measure, "population": population,
                "attributed_to": PAGE_STATEMENT, "sentence": sentence_at(page.line(no), m.start()),
                "line": no, "source": source,
            }
        )  # fmt: skip
    return out


def _bullets_after(page: PageText, pattern: str, fieldname: str) -> tuple[int, list[tuple[int, str]]]:
    """Return the intro line and the "  • " bullet lines that follow it."""
    no, _ = _search(page, pattern, fieldname)
    items: list[tuple[int, str]] = []
    for k in range(no + 1, len(page.lines) + 1):
        text = page.line(k).strip()
        if text.startswith("\u2022"):
            items.append((k, text.lstrip("\u2022 ").strip()))
        elif text and items:
            break
    if not items:
        raise PageError(page.name, no, fieldname, "no bulleted list after the introducing sentence")
    return no, items


def _name_and_text(page: PageText, no: int, item: str, fieldname: str) -> tuple[str, str]:
    """Split a bullet "Name - text" (hyphen or en dash); raise a PageError if it has no such dash."""
    parts = DASH.split(item, maxsplit=1)
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        raise PageError(page.name, no, fieldname, f"bullet {item[:40]!r} is not 'Name - definition'")
    return parts[0].strip(), parts[1].strip()


def split_list(text: str) -> list[str]:
    """Split "a, b (gloss), c and d" into its items, glosses removed."""
    text = re.sub(r"\s*\([^)]*\)", "", text)
    parts = re.split(r",\s*|\s+and\s+", text)
    return [p.strip() for p in parts if p.strip()]


REGION_RULES = [
    # (pattern in the definition, minimum regions, connected, includes trunk, whole side)
    (r"\ba single region\b", 1, None, False, False),
    (r"\b(?P<n>two) or more connected regions\b", None, True, False, False),
    (r"\b(?P<n>two) or more regions of the body that aren't connected\b", None, False, False, False),
    (r"\bthe trunk and at least (?P<n>two) other parts\b", None, None, True, False),
    # A whole side is at least two regions, the arm and the leg (the page's own multifocal example).
    (r"\b(?P<n>one) entire side of the body\b", 2, None, False, True),
]  # fmt: skip


def types(page: PageText, share_sentence: str) -> Extracted:
    """Extract the main types with their body-region rule, examples and the 90% statement's reach."""
    out = Extracted()
    _, items = _bullets_after(page, r"There are \w+ main types of dystonia", "types")
    named_in_share = {t.lower() for t in re.findall(r"cervical dystonia|blepharospasm", share_sentence, re.I)}
    for no, item in items:
        name, definition = _name_and_text(page, no, item, "types")
        row = {"type": name.strip(), "definition": definition.strip(), "min_regions": None, "regions_connected": None,
               "includes_trunk": False, "whole_side": False, "examples": "", "region_examples": "", "line": no}  # fmt: skip
        line = page.line(no)
        for pattern, minimum, connected, trunk, side in REGION_RULES:
            if m := re.search(_flex(pattern), line):
                n = parse_number(m.group("n")) if "n" in m.groupdict() else None
                row["min_regions"] = minimum if minimum else int(n) + (1 if trunk else 0)
                row.update(regions_connected=connected, includes_trunk=trunk, whole_side=side)
                if "n" in m.groupdict():
                    out.claims.append(claim_match(no, m, f"types[{row['type']}].region_rule", "n"))
                break
        else:
            raise PageError(page.name, no, "types.region_rule", f"no body-region rule recognised for {name.strip()!r}")
        if m := re.search(r"([^.]+?) (?:are all examples|is an example)", definition):
            row["examples"] = ";".join(split_list(m.group(1)))
        if m := re.search(r"such as ([^,.]+)", definition):
            row["region_examples"] = ";".join(split_list(m.group(1).replace(" or ", " and ")))
        examples = {e.lower() for e in row["examples"].split(";") if e}
        row["in_90pct_statement"] = bool(named_in_share) and named_in_share <= examples
        out.rows.append(row)
    return out


def treatments(page: PageText) -> Extracted:
    """Extract the main types of treatment with the examples the page names."""
    out = Extracted()
    _, items = _bullets_after(page, r"the \w+ main types of treatment are", "treatments")
    for no, item in items:
        name, description = _name_and_text(page, no, item, "treatments")
        examples = []
        if m := re.match(r"such as ([^;.]+)", description):
            examples += split_list(m.group(1))
        examples += re.findall(r"\(([^)]+)\)", description)
        out.rows.append({"treatment": name.strip(), "description": description.strip(), "examples": ";".join(examples), "line": no})
    return out


def causes(page: PageText) -> Extracted:
    """Extract the causes: what makes dystonia primary, and the named causes of secondary dystonia."""
    out = Extracted()
    no, m = _search(page, r"If there's no identifiable cause of dystonia, or if the cause is genetic, it's described as primary dystonia", "causes.primary")
    for cause in ("no identifiable cause", "genetic"):
        out.rows.append({"cause": cause, "category": "primary", "sentence": sentence_at(page.line(no), m.start()), "line": no})
    no, m = _search(page, r"Common causes include (?P<list>[^.]+)\.", "causes.secondary")
    for cause in split_list(m.group("list")):
        out.rows.append({"cause": cause, "category": "secondary", "sentence": sentence_at(page.line(no), m.start()), "line": no})
    no, m = _search(page, r"caused by a problem with the part of the brain that controls muscle movement \((?P<part>[^)]+)\)", "causes.mechanism")
    out.rows.append({"cause": f"problem in {m.group('part')}", "category": "mechanism (thought)", "sentence": sentence_at(page.line(no), m.start()), "line": no})
    return out


def diagnostic_tests(page: PageText) -> Extracted:
    """Extract the tests the page says may be used in diagnosis."""
    out = Extracted()
    no, m = _search(page, r"These may include (?P<list>brain scans[^.]*)\.", "tests")
    text = re.sub(r"\b(\w+) or (\w+) tests\b", r"\1 tests and \2 tests", m.group("list"))
    for test in split_list(text):
        out.rows.append({"test": test, "sentence": sentence_at(page.line(no), m.start()), "line": no})
    return out

