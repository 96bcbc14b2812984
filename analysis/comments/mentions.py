"""Tables built from reader comments: term mentions, and what readers raise that the page lacks.

The rules live in one module each: analysis.comments.terms (terms, vocabularies, negation),
analysis.comments.people (who is affected) and analysis.comments.numbers (ages, durations, years).
people_table and numbers_table are imported here too, so `comment_mentions.people_table(...)`
and `comment_mentions.numbers_table(...)` keep working where they are already called.
"""

from __future__ import annotations

import pandas as pd

from analysis.comments.numbers import numbers_table
from analysis.comments.people import people_table
from analysis.comments.terms import build_terms, find_terms, page_sentences_on
from analysis.comments.text import sentence_of

__all__ = [
    "MENTION_COLUMNS", "UNCOVERED_COLUMNS", "mentions_table", "numbers_table", "people_table",
    "summarise_uncovered", "uncovered_table",
]

MENTION_COLUMNS = [
    "comment_id", "category", "term", "label", "mapped_to", "group", "covered_by_page",
    "negated", "start", "end", "note",
]
UNCOVERED_COLUMNS = [
    "topic", "category", "n_comments", "comment_ids", "terms_as_written", "example_comment_id",
    "example_quote", "note", "page_says",
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


def summarise_uncovered(mentions: pd.DataFrame, comments: pd.DataFrame, page_text: str | None = None) -> pd.DataFrame:
    """Return what readers raise that the page does not cover, one row per topic, with what the page does say."""
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
            "terms_as_written": "" if category == "topic" else ";".join(dict.fromkeys(grp["term"])),
            "example_comment_id": first["comment_id"],
            "example_quote": sentence_of(str(texts[first["comment_id"]]), int(first["start"])),
            "note": first["note"],
            "page_says": page_sentences_on(label, page_text),
        })
    table = pd.DataFrame(rows, columns=UNCOVERED_COLUMNS)
    return table.sort_values("n_comments", ascending=False, kind="stable").reset_index(drop=True)


def uncovered_table(
    comments: pd.DataFrame, *taxonomy: pd.DataFrame | None, page_text: str | None = None
) -> pd.DataFrame:
    """Return what readers raise that the page does not answer (taxonomy as for mentions_table)."""
    return summarise_uncovered(mentions_table(comments, *taxonomy, page_text=page_text), comments, page_text)
