"""The summary statistics table: the page's key numbers and what the project derives from them."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analysis.load import fact
from analysis.reference import per_100k, uk_population_2013
from analysis.schemas import SUMMARY

COLUMNS = ["statistic", "value", "lower", "upper", "kind", "qualifier", "unit", "origin", "how", "source"]


def _row(statistic: str, value: float | None, lower: float | None, upper: float | None, kind: str, unit: str, origin: str, how: str, source: str, qualifier: str = "") -> dict:
    """Return one summary row."""
    values = [statistic, value, lower, upper, kind, qualifier, unit, origin, how, source]
    return dict(zip(COLUMNS, values, strict=True))


def _page_row(f: pd.Series, statistic: str) -> dict:
    """Return a summary row that restates a page fact with its bounds."""
    how = f"'{f['qualifier'] or 'as stated'}' on line {f['line']}"
    return _row(statistic, f["value"], f["lower"], f["upper"], f["kind"], f["unit"], "page", how, f["source"], f["qualifier"] or "")


def prevalence_rows(facts: pd.DataFrame) -> list[dict]:
    """UK count, children, children's share of the counted cases, and the rate per 100,000."""
    uk, kids = fact(facts, "uk_prevalence"), fact(facts, "children_prevalence")
    population, pop_source = uk_population_2013()
    share = 100 * kids["value"] / uk["value"]
    rate = per_100k(uk["lower"], population)
    return [
        _page_row(uk, "People affected by dystonia in the UK"),
        _page_row(kids, "Children and young people among them"),
        _row("Children and young people as a share of the counted cases", share, None, None, "approximate", "percent", "derived",
             "ratio of two lower bounds: it is neither a lower nor an upper bound on the true share", uk["source"]),
        _row("People affected per 100,000 UK population", rate, rate, None, "lower_bound", "per 100,000", "derived",
             "lower bound divided by the ONS mid-year UK population of the page's time, so also a lower bound", pop_source),
    ]  # fmt: skip


def type_rows(facts: pd.DataFrame, types: pd.DataFrame) -> list[dict]:
    """Focal share (at least about the stated share) and all other types together (at most the rest)."""
    share = fact(facts, "cervical_blepharospasm_share")
    focal = types.loc[types["in_90pct_statement"], "type"]
    name = focal.iloc[0] if len(focal) == 1 else "the type(s) containing them"
    rest = 100 - share["value"]
    return [
        _page_row(share, "Cases that are cervical dystonia or blepharospasm"),
        _row(f"Cases that are {name.lower()}", share["value"], share["value"], None, "lower_bound", "percent", "derived",
             "at least about the cervical/blepharospasm share, since both are focal", share["source"], share["qualifier"]),
        _row("Cases of all other types together", rest, None, rest, "upper_bound", "percent", "derived",
             "at most about 100% minus that share; the page gives no split across the other types", share["source"], share["qualifier"]),
    ]  # fmt: skip


def course_rows(facts: pd.DataFrame) -> list[dict]:
    """Progression period, remission range, and the remission range in people."""
    prog, rem, uk = fact(facts, "focal_progression_years"), fact(facts, "total_remission"), fact(facts, "uk_prevalence")
    low, high = uk["lower"] * rem["lower"] / 100, uk["lower"] * rem["upper"] / 100
    return [
        _page_row(prog, "Years over which focal dystonia progresses"),
        _page_row(rem, "People with total remission"),
        _row("People with total remission, out of the counted cases", None, low, high, "lower_bound_range", "people", "derived",
             "the remission range applied to the lower-bound count: each end is itself a floor", rem["source"], rem["qualifier"]),
    ]  # fmt: skip


def feedback_rows(page: pd.DataFrame, ratings: pd.DataFrame, comments: pd.DataFrame, as_of: date) -> list[dict]:
    """Ratings count and average (missing stays missing), comments, and how overdue the review is."""
    p = page.iloc[0]
    source = f"NHS Choices, {p['topic']}"
    rows = []
    count = ratings[ratings["metric"] == "ratings_count"]
    if not count.empty:
        rows.append(_row("Ratings of the page", count["value"].iloc[0], None, None, "exact", "ratings", "page", f"line {count['line'].iloc[0]}", source))
    avg = ratings[ratings["metric"] == "average_score"]
    if not avg.empty:
        a = avg.iloc[0]
        rows.append(_row("Average rating", a["value"], None, None, "exact" if a["status"] != "missing" else "missing", "score out of 5", a["status"], a["note"], source))
    if pd.notna(p["comments_stated"]):
        rows.append(_row("Comments on the page", len(comments), None, None, "exact", "comments", "page", f"the page states {p['comments_stated']}", source))
    if (days := days_past_review(page, as_of)) is not None:
        rows.append(_row(f"Days past the saved copy's next-review date, as of {as_of.isoformat()}", days, None, None, "exact", "days",
                         "derived", f"next review due {p['next_review_due']:%Y-%m-%d} on the saved copy; a later review is not known", source))  # fmt: skip
    return rows


def days_past_review(page: pd.DataFrame, as_of: date) -> int | None:
    """Days from the saved copy's 'Next review due' date to the as-of date (negative if not yet due)."""
    due = page.iloc[0]["next_review_due"]
    return None if pd.isna(due) else int((pd.Timestamp(as_of) - due).days)


def summary_table(tables: dict[str, pd.DataFrame], as_of: date) -> pd.DataFrame:
    """Return the summary statistics table for a dystonia page's tables."""
    f = tables["facts"]
    rows = prevalence_rows(f) + type_rows(f, tables["types"]) + course_rows(f)
    rows += feedback_rows(tables["page"], tables["ratings"], tables["comments"], as_of)
    df = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("value", "lower", "upper"):
        df[col] = pd.to_numeric(df[col]).astype("float64")
    return SUMMARY.validate(df)
