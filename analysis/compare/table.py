"""The comparison table: one row per page, its pandera schema, its CSV and its data dictionary."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
from pandera.pandas import Check, DataFrameSchema

from analysis.compare.read import PageRecords
from analysis.data.extract import coerce, write_csv
from analysis.data.schemas import FACTS, KINDS, column
from analysis.page.generic_facts import PAGE_STATEMENT
from analysis.paths import PROJECT_ROOT

KIND_COLUMNS = ["exact", "lower_bound", "upper_bound", "approximate", "range", "qualitative"]
assert sorted(KIND_COLUMNS) == sorted(KINDS), "every kind of figure has its column"
# A sentence that names who made the estimate: "The Dystonia Society estimates", "according to the ONS",
# "figures from Public Health England", "estimated by the WHO". A passive "is estimated to" names no one.
_NOT_A_NAME = r"(?!(?:It|This|That|These|Those|They|We|He|She|There|Doctors?|Experts?|Studies|Research)\b)"
NAMED_SOURCE = re.compile(
    rf"\b(?i:according to) (?:the )?[A-Z]|\b(?:estimated|reported|published|calculated) by (?:the )?[A-Z]"
    rf"|\b(?i:figures|data|statistics) (?:from|by) (?:the )?[A-Z]"
    rf"|(?:^|[.;:]\s+|\b){_NOT_A_NAME}(?:[A-Z][\w'&-]*\s+){{1,6}}(?:estimates?|estimated|reports?|reported|calculates?|calculated|says|said|found)\b"
)
COMPARE_CSV = "compare.csv"
DICTIONARY_PATH = PROJECT_ROOT / "docs" / "compare-dictionary.md"


def _kinds_add_up(df: pd.DataFrame) -> bool:
    """Check that a page's figures are the sum of its figures by kind, and named sources are among them."""
    read = df[df["status"] == "read"]
    total = read[KIND_COLUMNS].sum(axis=1)
    return bool((total == read["figures"]).all() and (read["named_source"] <= read["figures"]).all())


def _error_iff_failed(df: pd.DataFrame) -> bool:
    """Check that a page has a reason exactly when it failed, and a failed page has no figures."""
    failed = df["status"] == "failed"
    return bool((df["error"].notna() == failed).all() and df.loc[failed, "figures"].isna().all())


COMPARE = DataFrameSchema(
    {
        "page_file": column(str, "The page file, relative to the project (or its name if outside)."),
        "sha256": column(str, "SHA-256 of the file's bytes; missing when the file could not be read.", nullable=True,
                         checks=Check.str_matches(r"^[0-9a-f]{64}$")),
        "status": column(str, "read, or failed (the page could not be read as the template: see error).",
                         checks=Check.isin(["read", "failed"])),
        "error": column(str, "Why the page failed, in one line naming file, line and field; empty when read.", nullable=True),
        "topic": column(str, "The condition the page is about.", nullable=True),
        "title": column(str, "The page heading, where the text has one.", nullable=True),
        "last_reviewed": column("datetime64[ns]", "Page last reviewed (ISO 8601); missing when the page shows none.", nullable=True),
        "next_review_due": column("datetime64[ns]", "Page's next review due (ISO 8601); missing when the page shows none.", nullable=True),
        "as_of": column("datetime64[ns]", "The as-of date days_overdue is counted to (a parameter, never the clock)."),
        "days_overdue": column("Int64", "Days from next_review_due to as_of: negative when not yet due, missing without a due date.",
                               nullable=True),
        "ratings_count": column("Int64", "Ratings the page says it is based on; missing when the page has no ratings block.",
                                nullable=True, checks=Check.ge(0)),
        "average_score": column(float, "Average rating out of 5 where the page shows one (screen-reader text) or its breakdown "
                                "gives one; missing otherwise, never zero.", nullable=True, checks=Check.in_range(1, 5)),
        "average_from": column(str, "stated (the page's number) or derived (mean of the per-label breakdown); missing with the average.",
                               nullable=True, checks=Check.isin(["stated", "derived"])),
        "average_label": column(str, "The average shown as a label ('Helpful'), where the page shows one.", nullable=True),
        "comments": column("Int64", "Comments the page states it has; missing when it has no comment section (not zero).",
                           nullable=True, checks=Check.ge(0)),
        "figures": column("Int64", "Statements of a figure on the page (facts), all kinds.", nullable=True, checks=Check.ge(0)),
        "exact": column("Int64", "Figures stated as exact numbers ('25%', '2 weeks').", nullable=True, checks=Check.ge(0)),
        "lower_bound": column("Int64", "Lower bounds ('at least 70,000', 'more than 1').", nullable=True, checks=Check.ge(0)),
        "upper_bound": column("Int64", "Upper bounds ('up to 10', 'fewer than 5').", nullable=True, checks=Check.ge(0)),
        "approximate": column("Int64", "Approximations ('about 90%', 'around 1 in 3').", nullable=True, checks=Check.ge(0)),
        "range": column("Int64", "Ranges ('5-10%', 'between 10 and 21 days').", nullable=True, checks=Check.ge(0)),
        "qualitative": column("Int64", "Statements without a number that the page's own rules keep (dystonia only).",
                              nullable=True, checks=Check.ge(0)),
        "named_source": column("Int64", "Figures that name who estimated them (an organisation the page quotes, or 'X estimates', "
                               "'according to X' in the sentence).", nullable=True, checks=Check.ge(0)),
        "report": column(str, "Link to this page's own report (its index.html, relative to the comparison), when one was found.",
                         nullable=True),
    },
    checks=[Check(_kinds_add_up, error="figures = sum of the kinds, named_source <= figures"),
            Check(_error_iff_failed, error="error is given exactly for failed pages")],
    strict=True, ordered=True, name="compare",
)  # fmt: skip

# The facts of many pages validated in one call: fact ids repeat across pages, so uniqueness is per page only.
FACTS_BATCH = FACTS.update_column("fact_id", unique=False)


def names_source(fact: dict) -> bool:
    """True if a figure names who estimated it: a quoted organisation, or a named estimator in its sentence."""
    return fact["attributed_to"] != PAGE_STATEMENT or bool(NAMED_SOURCE.search(fact["sentence"]))


def _average(ratings: list[dict]) -> tuple[float | None, str | None, str | None]:
    """Return (score, 'stated' or 'derived', label) from ratings rows; a score the page does not show stays None."""
    scores = {r["status"]: r["value"] for r in ratings if r["metric"] == "average_score" and r["value"] is not None}
    how = "stated" if "stated" in scores else "derived" if "derived" in scores else None
    label = next((r["label"] for r in ratings if r["metric"] == "average_label"), None)
    return (scores[how] if how else None), how, label


def page_summary(file: str, records: PageRecords, as_of: date) -> dict:
    """Return a page's row of the comparison table."""
    p = records.page
    due = p["next_review_due"]
    count = next((r["value"] for r in records.ratings if r["metric"] == "ratings_count"), None)
    score, how, label = _average(records.ratings)
    kinds = Counter(f["kind"] for f in records.facts)
    return {
        "page_file": file, "sha256": p["sha256"], "status": "read", "error": None, "topic": p["topic"], "title": p["title"],
        "last_reviewed": p["last_reviewed"], "next_review_due": due, "as_of": as_of,
        "days_overdue": (as_of - due).days if due is not None else None,
        "ratings_count": int(count) if count is not None else None, "average_score": score, "average_from": how,
        "average_label": label, "comments": p["comments_stated"], "figures": len(records.facts),
        **{k: kinds.get(k, 0) for k in KIND_COLUMNS},
        "named_source": sum(names_source(f) for f in records.facts), "report": None,
    }  # fmt: skip


def failed_summary(file: str, sha256: str | None, error: str, as_of: date) -> dict:
    """Return the row of a page that could not be read: its file and its one-line reason."""
    row = dict.fromkeys(COMPARE.columns)
    return row | {"page_file": file, "sha256": sha256, "status": "failed", "error": error, "as_of": as_of}


def compare_frame(rows: list[dict]) -> pd.DataFrame:
    """Build and validate the comparison table from its rows (in the order given)."""
    df = pd.DataFrame(rows, columns=list(COMPARE.columns))
    for col, spec in COMPARE.columns.items():
        df[col] = _cast(df[col], str(spec.dtype))
    return COMPARE.validate(df)


def _cast(col: pd.Series, dtype: str) -> pd.Series:
    """Cast one column of plain Python values (None for missing) to a schema dtype."""
    if dtype.startswith("datetime64"):
        return pd.to_datetime(col).astype(dtype)
    if dtype == "Int64":
        return pd.Series(pd.array([None if v is None or pd.isna(v) else int(v) for v in col], dtype="Int64"), index=col.index)
    if dtype == "float64":
        return pd.to_numeric(col).astype("float64")
    return col.astype(object).where(col.notna(), None)


def validate_facts(facts: list[dict]) -> None:
    """Validate the facts rows of many pages at once against the facts schema; raise pandera's error if any fails."""
    df = coerce("facts", pd.DataFrame(facts, columns=list(FACTS_BATCH.columns)))
    FACTS_BATCH.validate(df)


def write_compare_csv(df: pd.DataFrame, path: Path) -> Path:
    """Write the comparison table as CSV the way the project writes every table (UTF-8, LF, ISO dates)."""
    return write_csv(df, path)


def dictionary_markdown() -> str:
    """Return the comparison table's data dictionary as Markdown, generated from its schema."""
    out = [
        "# Data dictionary: the page comparison",
        "",
        "Generated from `analysis/compare/table.py` by `python -m analysis compare --dictionary`; do not edit by hand.",
        f"`python -m analysis compare PAGE... --out DIR` writes `DIR/{COMPARE_CSV}` (UTF-8, ISO 8601 dates, empty cell = missing).",
        "",
        f"## `{COMPARE_CSV}`",
        "",
        "One row per page compared, in the order given: its review dates and how overdue it is, its ratings and comments, "
        "and how it states its figures. A page that could not be read keeps its row, with the reason.",
        "",
        "| column | type | missing allowed | meaning |",
        "|---|---|---|---|",
    ]
    out += [f"| `{col}` | {spec.dtype} | {'yes' if spec.nullable else 'no'} | {spec.description} |" for col, spec in COMPARE.columns.items()]
    return "\n".join(out) + "\n"


def write_dictionary(path: Path | None = None) -> Path:
    """Write the comparison's data dictionary to docs/compare-dictionary.md (or `path`)."""
    path = path or DICTIONARY_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dictionary_markdown(), encoding="utf-8")
    return path
