"""Readability of texts (Flesch reading ease, Flesch-Kincaid grade) against plain-English targets.

Scores come from textstat 0.7.4 (syllables from pyphen's en_US dictionary; no network). Its
sentence count ignores pieces of two words or fewer ("This." is not a sentence). The targets are
read from data/external/readability_targets.csv, which carries a source for every number.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import textstat

from analysis.paths import EXTERNAL_DIR

TARGETS_PATH = EXTERNAL_DIR / "readability_targets.csv"
TARGET_COLUMNS = ["measure", "comparison", "value", "unit", "meaning", "source", "url", "doi",
                  "verified", "quote"]
SCORE_COLUMNS = ["words", "sentences", "flesch_reading_ease", "flesch_kincaid_grade"]
TABLE_COLUMNS = ["name", *SCORE_COLUMNS]

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt,
}


def line_sentences(text: str) -> str:
    """End every line as a sentence: a bullet, or a line ending in ':', is one sentence, not part of the next."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(line if line.endswith((".", "!", "?")) else line.rstrip(":;,") + "." for line in lines)


def readability_scores(text: str) -> dict[str, float | int]:
    """Return word and sentence counts, Flesch reading ease and Flesch-Kincaid grade (each line ends a sentence)."""
    text = line_sentences(text)
    words = textstat.lexicon_count(text)
    if words == 0:
        return {"words": 0, "sentences": 0, "flesch_reading_ease": math.nan,
                "flesch_kincaid_grade": math.nan}
    return {
        "words": int(words),
        "sentences": int(textstat.sentence_count(text)),
        "flesch_reading_ease": float(textstat.flesch_reading_ease(text)),
        "flesch_kincaid_grade": float(textstat.flesch_kincaid_grade(text)),
    }


def readability_table(texts: dict[str, str]) -> pd.DataFrame:
    """Return one row per named text with its readability scores (TABLE_COLUMNS)."""
    rows = [{"name": name, **readability_scores(text)} for name, text in texts.items()]
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def load_targets(path: Path = TARGETS_PATH) -> pd.DataFrame:
    """Return the plain-English targets with their sources, checked for the expected columns."""
    targets = pd.read_csv(path, dtype={"value": float}, keep_default_na=False, na_values=[""])
    missing = [c for c in TARGET_COLUMNS if c not in targets.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}")
    unknown = sorted(set(targets["comparison"]) - set(_COMPARE))
    if unknown:
        raise ValueError(f"{path}: unknown comparison {unknown}")
    if targets["source"].isna().any() or targets["value"].isna().any():
        raise ValueError(f"{path}: every target needs a value and a source")
    return targets[TARGET_COLUMNS]


def check_targets(table: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Add a `meets_<measure>` column for each target whose measure is a column of the table."""
    out = table.copy()
    for target in targets.itertuples(index=False):
        if target.measure not in out.columns:
            continue
        compare = _COMPARE[target.comparison]
        out[f"meets_{target.measure}"] = [
            pd.NA if pd.isna(v) else bool(compare(float(v), float(target.value)))
            for v in out[target.measure]
        ]
        out[f"meets_{target.measure}"] = out[f"meets_{target.measure}"].astype("boolean")
    return out


def target_statement(targets: pd.DataFrame) -> str:
    """Return the targets as one plain sentence per measure, each with its source."""
    lines = []
    for measure, rows in targets.groupby("measure", sort=False):
        bounds = " and ".join(f"{r.comparison} {r.value:g}" for r in rows.itertuples(index=False))
        first = rows.iloc[0]
        lines.append(f"{measure.replace('_', ' ')} {bounds} {first['unit']} ({first['source']})")
    return "; ".join(lines) + "."
