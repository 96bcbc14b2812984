"""The summary statistics table: the page's key numbers and what the project derives from them."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analysis.data.load import fact
from analysis.data.review import days_past_review
from analysis.data.schemas import SUMMARY
from analysis.data.wording import key_number_text
from analysis.dystonia.reference import per_100k, population_count, uk_population_2013

COLUMNS = ["key", "statistic", "value", "lower", "upper", "kind", "wording", "qualifier", "unit", "origin", "how", "source"]
CHILD_POPULATION_REF_ID = "ons-uk-population-0-17-mid2013"


def _row(key: str, statistic: str, value: float | None, lower: float | None, upper: float | None, kind: str, unit: str, origin: str, how: str, source: str, qualifier: str = "") -> dict:
    """Return one summary row (its wording is added from its kind by summary_table)."""
    values = [key, statistic, value, lower, upper, kind, "", qualifier, unit, origin, how, source]
    return dict(zip(COLUMNS, values, strict=True))


def _page_row(f: pd.Series, key: str, statistic: str) -> dict:
    """Return a summary row that restates a page fact with its bounds."""
    how = f"'{f['qualifier'] or 'as stated'}' on line {f['line']}"
    return _row(key, statistic, f["value"], f["lower"], f["upper"], f["kind"], f["unit"], "page", how, f["source"], f["qualifier"] or "")


def prevalence_rows(facts: pd.DataFrame) -> list[dict]:
    """UK count, children, children's share of the counted cases, and the rates per 100,000."""
    uk, kids = fact(facts, "uk_prevalence"), fact(facts, "children_prevalence")
    population, pop_source = uk_population_2013()
    children, child_source = population_count(CHILD_POPULATION_REF_ID)
    share = 100 * kids["lower"] / uk["lower"]
    rate = per_100k(uk["lower"], population)
    adults = per_100k(uk["lower"] - kids["lower"], population - children)
    return [
        _page_row(uk, "uk_count", "People affected by dystonia in the UK"),
        _page_row(kids, "children_count", "Children and young people among them"),
        _row("children_share", "Children and young people as a share of the counted cases", share, None, None, "ratio_of_bounds", "percent", "derived",
             "the children's lower bound over the UK lower bound: a ratio of two floors, so neither a lower nor an upper bound on the true share", uk["source"]),
        _row("uk_rate", "People affected per 100,000 UK population", rate, rate, None, "lower_bound", "per 100,000", "derived",
             "lower bound divided by the ONS mid-year UK population of the page's time, so also a lower bound", pop_source),
        _row("adult_rate", "Counted adults per 100,000 UK adults (18 and over)", adults, None, None, "difference_of_bounds", "per 100,000", "derived",
             "the UK lower bound minus the children's lower bound, over the UK mid-2013 population minus the approximate population aged 0-17; "
             "assumes 'children and young people' means under-18s (the page does not say)", f"{pop_source}; {child_source}"),
    ]  # fmt: skip


def type_rows(facts: pd.DataFrame, types: pd.DataFrame) -> list[dict]:
    """Focal share (at least about the stated share) and all other types together (at most the rest)."""
    share = fact(facts, "cervical_blepharospasm_share")
    focal = types.loc[types["in_90pct_statement"], "type"]
    name = focal.iloc[0] if len(focal) == 1 else "the type(s) containing them"
    rest = 100 - share["value"]
    return [
        _page_row(share, "cd_bsp_share", "Cases that are cervical dystonia or blepharospasm"),
        _row("focal_share", f"Cases that are {name.lower()}", share["value"], share["value"], None, "lower_bound", "percent", "derived",
             "at least about the cervical/blepharospasm share, since both are focal", share["source"], share["qualifier"]),
        _row("other_types_share", "Cases of all other types together", rest, None, rest, "upper_bound", "percent", "derived",
             "at most about 100% minus that share; the page gives no split across the other types", share["source"], share["qualifier"]),
    ]  # fmt: skip


def course_rows(facts: pd.DataFrame) -> list[dict]:
    """Progression period, remission range, and the remission range applied to the count (an illustration)."""
    prog, rem, uk = fact(facts, "focal_progression_years"), fact(facts, "total_remission"), fact(facts, "uk_prevalence")
    low, high = uk["lower"] * rem["lower"] / 100, uk["lower"] * rem["upper"] / 100
    return [
        _page_row(prog, "progression_years", "Years over which focal dystonia progresses"),
        _page_row(rem, "remission_share", "People with total remission"),
        _row("remission_illustration", "Total remission range applied to the counted cases", None, low, high, "illustration", "people", "derived",
             "the page's 'around' range for remission over the course of the illness, applied to a one-time count of people affected: "
             "an illustration of scale, not a count of people in remission, and neither end is a bound", rem["source"]),
    ]  # fmt: skip


def feedback_rows(page: pd.DataFrame, ratings: pd.DataFrame, comments: pd.DataFrame, as_of: date) -> list[dict]:
    """Ratings count and average (missing stays missing), comments, and how overdue the review is."""
    p = page.iloc[0]
    source = f"NHS Choices, {p['topic']}"
    rows = []
    count = ratings[ratings["metric"] == "ratings_count"]
    if not count.empty:
        rows.append(_row("ratings_count", "Ratings of the page", count["value"].iloc[0], None, None, "exact", "ratings", "page", f"line {count['line'].iloc[0]}", source))
    avg = ratings[ratings["metric"] == "average_score"]
    if not avg.empty:
        a = avg.iloc[0]
        rows.append(_row("average_rating", "Average rating", a["value"], None, None, "exact" if a["status"] != "missing" else "missing", "score out of 5", a["status"], a["note"], source))
    if pd.notna(p["comments_stated"]):
        rows.append(_row("comments_count", "Comments on the page", len(comments), None, None, "exact", "comment" if len(comments) == 1 else "comments", "page", f"the page states {p['comments_stated']}", source))
    if (days := days_past_review(page, as_of)) is not None:
        rows.append(_row("days_past_review", f"Days past the saved copy's next-review date, as of {as_of.isoformat()}", days, None, None, "exact", "days",
                         "derived", f"next review due {p['next_review_due']:%Y-%m-%d} on the saved copy; a later review is not known", source))  # fmt: skip
    return rows


def summary_table(tables: dict[str, pd.DataFrame], as_of: date) -> pd.DataFrame:
    """Return the summary statistics table for a dystonia page's tables."""
    f = tables["facts"]
    rows = prevalence_rows(f) + type_rows(f, tables["types"]) + course_rows(f)
    rows += feedback_rows(tables["page"], tables["ratings"], tables["comments"], as_of)
    df = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("value", "lower", "upper"):
        df[col] = pd.to_numeric(df[col]).astype("float64")
    df["wording"] = [key_number_text(row) for _, row in df.iterrows()]
    return SUMMARY.validate(df)
