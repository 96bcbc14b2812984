"""Which parts of the report apply to a page, and why: notebooks and sections declare what they need.

A notebook declares its needs in its metadata, `dystonia_facts.requires` (all of them) or
`dystonia_facts.requires_any` (at least one); a cell declares them in its cell metadata the same way.
A notebook whose needs the page does not meet is left out of the report; cells whose needs are not met
are dropped from the copy that runs (the committed notebook is never changed). The index lists every
part with the reason it applies or not. pandas is imported only when a page's traits must be read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.report.export import write_if_changed
from analysis.report.notebook_file import notebook_title, read_notebook

METADATA_KEY = "dystonia_facts"
PARTS_DIRNAME = "parts"  # the copies of notebooks with sections dropped, inside the build cache
TRAITS_FILE = "traits.json"
TRAITS = ("dystonia", "ratings", "comments")
TRAIT_NAMES = {"dystonia": "the dystonia deep dive", "ratings": "the ratings block", "comments": "readers' comments"}


@dataclass(frozen=True)
class Part:
    """One notebook of the report: whether it applies to the page, why, and the sections left out."""

    name: str
    title: str
    applies: bool
    reason: str
    left_out: tuple[tuple[str, str], ...] = ()

    def index_entry(self) -> dict[str, Any]:
        """The part as the index template shows it."""
        return {"title": self.title, "href": f"{self.name}.html" if self.applies else None, "applies": self.applies,
                "reason": self.reason, "left_out": [{"title": t, "reason": r} for t, r in self.left_out]}


@dataclass
class Plan:
    """The notebooks to run for a page (copies where sections are dropped) and every part with its reason."""

    notebooks: list[Path]
    parts: list[Part] = field(default_factory=list)
    topic: str | None = None

    def index_context(self) -> dict[str, Any]:
        """What the index adds: the report's title for the page's topic and the parts, applying or not."""
        if not self.parts:  # nothing declared: the index lists the notebooks as before
            return {}
        context: dict[str, Any] = {"parts": [p.index_entry() for p in self.parts]}
        if self.topic:
            context["title"] = f"{self.topic} facts"
        return context


def _needs(metadata: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Return (requires, requires_any) declared in a notebook's or cell's metadata; reject unknown traits."""
    own = metadata.get(METADATA_KEY, {}) or {}
    requires, any_of = list(own.get("requires", [])), list(own.get("requires_any", []))
    unknown = sorted(set(requires + any_of) - set(TRAITS))
    if unknown:
        raise ValueError(f"unknown requirement(s) {unknown} in notebook metadata; known: {list(TRAITS)}")
    return requires, any_of


def _met(metadata: dict[str, Any], traits: dict[str, tuple[bool, str]]) -> tuple[bool, str]:
    """Whether declared needs are met by the page's traits, and the reason (the deciding traits' reasons)."""
    requires, any_of = _needs(metadata)
    if not requires and not any_of:
        return True, "applies to every page of the template"
    missing = [t for t in requires if not traits[t][0]]
    if missing:
        return False, "; ".join(traits[t][1] for t in missing)
    if any_of and not any(traits[t][0] for t in any_of):
        return False, "; ".join(traits[t][1] for t in any_of)
    met = [t for t in requires + any_of if traits[t][0]]
    return True, "; ".join(traits[t][1] for t in met)


def _heading(cell: dict[str, Any]) -> str | None:
    """The first Markdown heading of a cell, without its hashes."""
    if cell.get("cell_type") != "markdown":
        return None
    source = cell.get("source", "")
    text = "".join(source) if isinstance(source, list) else str(source)
    return next((line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")), None)


def declares_needs(notebook: dict[str, Any]) -> bool:
    """True when a notebook or any of its cells declares what it needs."""
    return any(_needs(m) != ([], []) for m in [notebook.get("metadata", {})] + [c.get("metadata", {}) for c in notebook["cells"]])


def page_traits(tables: dict[str, Any]) -> dict[str, tuple[bool, str]]:
    """Decide from a page's extracted tables whether it is the dystonia page, shows ratings, and has comments."""
    import pandas as pd

    from analysis.figures.theme import format_number
    from analysis.page.records import KEYED_TOPICS

    page, ratings, comments = tables["page"].iloc[0], tables["ratings"], tables["comments"]
    topic = page["topic"] if isinstance(page["topic"], str) else None
    about = f"the page is about {topic}" if topic else "the page names no topic"
    if (topic or "").lower() in KEYED_TOPICS:
        dystonia = (True, f"{about}: the project's dystonia rules read {len(tables['facts'])} statements and set them beside the literature")
    else:
        dystonia = (False, f"{about}; the deep dive reads dystonia's own statements (prevalence, types, course and remission)")
    count = ratings.loc[ratings["metric"] == "ratings_count", "value"]
    if count.empty:
        rated = (False, "the saved page shows no ratings block")
    else:
        shown = [f"{format_number(count.iloc[0])} ratings"]
        if (ratings["metric"] == "breakdown").any():
            shown.append("the breakdown by label")
        average = ratings[(ratings["metric"] == "average_score") & ratings["value"].notna()]
        shown.append(f"a {average['status'].iloc[0]} average" if not average.empty else "no average in the saved text")
        rated = (True, "the page shows a ratings block: " + ", ".join(shown))
    n = len(comments)
    if n:
        commented = (True, f"the page has {format_number(n)} comment{'s' if n != 1 else ''}")
    elif pd.isna(page["comments_stated"]):
        commented = (False, "the page has no comment section")
    else:
        commented = (False, "the page's comment section holds no comments")
    return {"dystonia": dystonia, "ratings": rated, "comments": commented, "_topic": (bool(topic), topic or "")}


def feedback_statement(tables: dict[str, Any]) -> str:
    """One Markdown line on the page's feedback: its ratings block and comments, each as it is or missing."""
    traits = page_traits(tables)
    text = "**This page:** " + "; ".join(traits[t][1] for t in ("ratings", "comments")) + "."
    if not all(traits[t][0] for t in ("ratings", "comments")):
        text += " The report leaves out the sections that need what the page does not have, and its index says why."
    return text


def _saved_traits(folder: Path | None, shared: str) -> dict[str, tuple[bool, str]] | None:
    """The traits a build saved in folder for the same shared inputs, or None."""
    try:
        saved = json.loads((folder / TRAITS_FILE).read_text(encoding="utf-8")) if folder else {}
        if saved.get("shared") == shared:
            return {k: (bool(v[0]), str(v[1])) for k, v in saved["traits"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


def _traits(page: Path, work_dir: Path, shared: str, saved_dir: Path | None,
            before_reading: Callable[[], None] | None = None) -> dict[str, tuple[bool, str]]:
    """The page's traits, from the previous build's cache when the shared inputs are unchanged (no pandas import)."""
    traits = _saved_traits(saved_dir, shared) or _saved_traits(work_dir, shared)
    if traits is None:
        from analysis.data.extract import extract_page

        if before_reading is not None:
            before_reading()

        traits = page_traits(extract_page(page))  # a PageError (a ValueError) is the CLI's one-line error, exit 2
    payload = {"shared": shared, "traits": {k: list(v) for k, v in traits.items()}}
    write_if_changed(work_dir / TRAITS_FILE, json.dumps(payload, indent=1, sort_keys=True).encode())
    return traits


def _filtered(nb: dict[str, Any], traits: dict[str, tuple[bool, str]]) -> tuple[dict[str, Any], tuple[tuple[str, str], ...]]:
    """Drop the cells whose needs are not met; return the notebook and the (sections, reason) left out."""
    kept, dropped = [], {}
    for cell in nb["cells"]:
        met, reason = _met(cell.get("metadata", {}), traits)
        if met:
            kept.append(cell)
        elif (heading := _heading(cell)) is not None:
            dropped.setdefault(reason, []).append(heading)
        else:
            dropped.setdefault(reason, [])
    left_out = tuple(("; ".join(headings) or "cells", reason) for reason, headings in dropped.items())
    return {**nb, "cells": kept}, left_out


def plan_parts(page: Path, notebooks: list[Path], work_dir: Path, shared: str, saved_dir: Path | None = None,
               before_reading: Callable[[], None] | None = None) -> Plan:
    """Decide which notebooks (and sections) apply to the page; write copies of those with sections dropped.

    work_dir receives the copies and the page's traits; saved_dir is the previous build's cache, whose
    traits are reused when the shared inputs are unchanged. Pages of parts that do not apply are simply
    not built: the report replaces its folder whole, so none is left from an earlier report.
    before_reading() is called just before the page is read for its traits (the build starts its slow
    preparations then, as the shared inputs have changed and notebooks will run).
    """
    loaded = [read_notebook(nb) for nb in notebooks]
    if not any(declares_needs(nb) for nb in loaded):  # nothing declared: every notebook applies, as it is
        return Plan(list(notebooks))
    traits = _traits(page, work_dir, shared, saved_dir, before_reading)
    plan = Plan([], topic=traits["_topic"][1] or None)
    for path, nb in zip(notebooks, loaded, strict=True):
        applies, reason = _met(nb.get("metadata", {}), traits)
        left_out: tuple[tuple[str, str], ...] = ()
        if applies:
            kept, left_out = _filtered(nb, traits)
            if left_out:  # run a copy without those cells; same stem, so the page keeps its name
                path = work_dir / PARTS_DIRNAME / path.name
                data = json.dumps(kept, indent=1, ensure_ascii=False, sort_keys=True).encode() + b"\n"
                write_if_changed(path, data)
            plan.notebooks.append(path)
        plan.parts.append(Part(path.stem, notebook_title(path), applies, reason, left_out))
    return plan
