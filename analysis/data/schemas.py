"""pandera schemas for every extracted table; their descriptions are the data dictionary."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine
from pandera.pandas import Check, Column, DataFrameSchema

from analysis.data.wording import KEY_NUMBER_KINDS

KINDS = ["exact", "lower_bound", "upper_bound", "approximate", "range", "qualitative"]


class Text(pandas_engine.NpString):
    """pandera's `str` column type, answered with one True when every value is a string (or missing).

    pandera checks `str` value by value and then formats a table of failure cases even when there is none
    (`check_dtype` in pandera/backends/pandas/array.py): half of a page's extraction time. A column that
    fails gets pandera's own per-value answer, so its error names the same failing values.
    """

    def check(self, pandera_dtype: Any, data_container: Any = None) -> bool | Iterable[bool]:
        """pandera's check, collapsed to True when every value passes."""
        result = super().check(pandera_dtype, data_container)
        if isinstance(result, bool) or not bool(result.all()):
            return result
        return True


def column(dtype: object, description: str, nullable: bool = False, checks: Check | list[Check] | None = None,
           unique: bool = False) -> Column:
    """Return a column with its description (one line of the data dictionary); `str` columns are Text."""
    return Column(Text() if dtype is str else dtype, checks=checks, nullable=nullable, unique=unique,
                  description=description)


_c = column


def _bounds_consistent(df: pd.DataFrame) -> bool:
    """Check that lower <= value <= upper wherever both are present."""
    ok = True
    for a, b in (("lower", "value"), ("value", "upper"), ("lower", "upper")):
        both = df[a].notna() & df[b].notna()
        ok &= bool((df.loc[both, a] <= df.loc[both, b]).all())
    return ok


def _missing_means_missing(df: pd.DataFrame) -> bool:
    """Check that a count or score is empty exactly when its status says missing (labels aside)."""
    numeric = df[df["metric"] != "average_label"]
    return bool((numeric["value"].isna() == (numeric["status"] == "missing")).all())


FACTS = DataFrameSchema(
    {
        "fact_id": _c(str, "Stable identifier of the statement (dystonia's keyed facts, or lineN_col for unclassified numbers).", unique=True),
        "value": _c(float, "The number as written; missing for a range or a statement without a number.", nullable=True),
        "lower": _c(float, "Lower bound implied by the wording; missing when the wording gives none (e.g. 'about').", nullable=True),
        "upper": _c(float, "Upper bound implied by the wording; missing for a lower bound ('at least') or 'about'.", nullable=True),
        "qualifier": _c(str, "The qualifier as written, lower-cased ('at least', 'about', 'around'); empty when none.", nullable=True),
        "kind": _c(str, "What kind of number: exact, lower_bound, upper_bound, approximate, range or qualitative.", checks=Check.isin(KINDS)),
        "unit": _c(str, "Unit of value/lower/upper: people, percent, years, types, treatments; empty for qualitative.", nullable=True),
        "measure": _c(str, "What is counted."),
        "population": _c(str, "In whom it is counted.", nullable=True),
        "attributed_to": _c(str, "Who states the figure (the page, or an organisation the page quotes)."),
        "sentence": _c(str, "The sentence verbatim (whitespace normalised: non-breaking spaces as spaces)."),
        "line": _c(int, "Line number of the sentence in the page text (1-based).", checks=Check.ge(1)),
        "source": _c(str, "The page: file name, topic and last-reviewed date."),
    },
    checks=[Check(_bounds_consistent, error="lower <= value <= upper")],
    strict=True,
    ordered=True,
    name="facts",
)

TYPES = DataFrameSchema(
    {
        "type": _c(str, "Name of the type as the page writes it.", unique=True),
        "definition": _c(str, "The page's definition, verbatim."),
        "min_regions": _c(int, "Fewest body regions affected under the rule (generalised: trunk plus two others = 3; hemidystonia: a whole side, at least arm and leg = 2).", checks=Check.ge(1)),
        "regions_connected": _c(object, "True if the regions must be connected, False if not connected, empty if the rule says nothing.", nullable=True),
        "includes_trunk": _c(bool, "True if the rule requires the trunk."),
        "whole_side": _c(bool, "True if the rule is one entire side of the body."),
        "examples": _c(str, "Named examples of the type, ';'-separated (glosses removed).", nullable=True),
        "region_examples": _c(str, "Example body regions the definition names, ';'-separated.", nullable=True),
        "in_90pct_statement": _c(bool, "True if the 'about 90% cervical dystonia or blepharospasm' statement falls within this type."),
        "line": _c(int, "Line number of the bullet.", checks=Check.ge(1)),
    },
    strict=True, ordered=True, name="types",
)  # fmt: skip

TREATMENTS = DataFrameSchema(
    {
        "treatment": _c(str, "Main type of treatment as the page names it.", unique=True),
        "description": _c(str, "The page's description, verbatim."),
        "examples": _c(str, "Named examples (medicines, procedures), ';'-separated.", nullable=True),
        "line": _c(int, "Line number of the bullet.", checks=Check.ge(1)),
    },
    strict=True, ordered=True, name="treatments",
)  # fmt: skip

CAUSES = DataFrameSchema(
    {
        "cause": _c(str, "A cause, or what defines the category."),
        "category": _c(str, "primary, secondary, or the thought mechanism.", checks=Check.isin(["primary", "secondary", "mechanism (thought)"])),
        "sentence": _c(str, "The sentence verbatim."),
        "line": _c(int, "Line number.", checks=Check.ge(1)),
    },
    strict=True, ordered=True, name="causes",
)  # fmt: skip

TESTS = DataFrameSchema(
    {
        "test": _c(str, "A test that may be used in diagnosis.", unique=True),
        "sentence": _c(str, "The sentence verbatim."),
        "line": _c(int, "Line number.", checks=Check.ge(1)),
    },
    strict=True, ordered=True, name="tests",
)  # fmt: skip

PAGE = DataFrameSchema(
    {
        "source_file": _c(str, "The page file, relative to the project (or its name if outside)."),
        "sha256": _c(str, "SHA-256 of the file's bytes.", checks=Check.str_matches(r"^[0-9a-f]{64}$")),
        "was_html": _c(bool, "True if the file was HTML, rendered to text with an HTML parser."),
        "topic": _c(str, "The condition the page is about.", nullable=True),
        "title": _c(str, "The page heading, where the text has one.", nullable=True),
        "last_reviewed": _c("datetime64[ns]", "Page last reviewed (ISO 8601).", nullable=True),
        "next_review_due": _c("datetime64[ns]", "Page's next review due (ISO 8601).", nullable=True),
        "review_interval_months": _c(float, "Whole months from last review to next review due.", nullable=True),
        "media_last_reviewed": _c("datetime64[ns]", "A video's or tool's own 'Media last reviewed' date, if any.", nullable=True),
        "media_next_review_due": _c("datetime64[ns]", "The media's own next review due, if any.", nullable=True),
        "newest_comment": _c("datetime64[ns]", "Date of the newest comment: the page was captured on or after it.", nullable=True),
        "comments_stated": _c("Int64", "Comment count the page states; missing when it has no comment section.", nullable=True),
    },
    strict=True, ordered=True, name="page",
)  # fmt: skip

RATINGS = DataFrameSchema(
    {
        "metric": _c(str, "ratings_count, average_label, average_score or breakdown.", checks=Check.isin(["ratings_count", "average_label", "average_score", "breakdown"])),
        "label": _c(str, "Rating label ('Very helpful' ... 'Unhelpful') for a breakdown row or average label.", nullable=True),
        "value": _c(float, "The count or score; missing when the page does not show it (never zero).", nullable=True),
        "status": _c(str, "stated (on the page), derived (computed from a breakdown) or missing.", checks=Check.isin(["stated", "derived", "missing"])),
        "note": _c(str, "Why a value is missing, how it was derived, or where it was read.", nullable=True),
        "line": _c("Int64", "Line number of the value.", nullable=True),
    },
    checks=[Check(_missing_means_missing, error="a number is missing exactly when its status is 'missing'")],
    strict=True, ordered=True, name="ratings",
)  # fmt: skip

COMMENTS = DataFrameSchema(
    {
        "comment_id": _c(str, "C1, C2, ... in page order.", unique=True),
        "position": _c(int, "Position on the page (1 = first shown).", checks=Check.ge(1)),
        "author": _c(str, "Author's handle as published. Do not show in shared outputs: use pseudonym."),
        "commenter_id": _c(str, "Stable pseudonymous id: first 10 hex digits of a salted SHA-256 of the handle.", checks=Check.str_matches(r"^[0-9a-f]{10}$")),
        "pseudonym": _c(str, "'Commenter A', 'B', ... in order of first appearance; use in shared outputs."),
        "date": _c("datetime64[ns]", "Date the comment was posted (ISO 8601)."),
        "header_line": _c(int, "Line of '<name> said on <date>'.", checks=Check.ge(1)),
        "text_line_start": _c(int, "First line of the comment text.", checks=Check.ge(1)),
        "text_line_end": _c(int, "Last line of the comment text.", checks=Check.ge(1)),
        "text": _c(str, "Comment text verbatim, runs of spaces collapsed (untrusted: escape before any HTML)."),
        "report_id": _c(str, "Comment id from screen-reader text, where shown.", nullable=True),
    },
    strict=True, ordered=True, name="comments",
)  # fmt: skip

NUMBERS = DataFrameSchema(
    {
        "line": _c(int, "Line of the number.", checks=Check.ge(1)),
        "start": _c(int, "Character offset in the line.", checks=Check.ge(0)),
        "text": _c(str, "The number as written (digits or a number word)."),
        "value": _c(float, "Its value."),
        "accounted_for_by": _c(str, "The table field that holds it, or why it is not a statistic."),
    },
    strict=True, ordered=True, name="numbers",
)  # fmt: skip

SCHEMAS: dict[str, DataFrameSchema] = {
    "facts": FACTS, "types": TYPES, "treatments": TREATMENTS, "causes": CAUSES, "tests": TESTS,
    "page": PAGE, "ratings": RATINGS, "comments": COMMENTS, "numbers": NUMBERS,
}  # fmt: skip

SUMMARY = DataFrameSchema(
    {
        "key": _c(str, "Stable identifier of the key number; notebooks and the report index look rows up by it.", unique=True),
        "statistic": _c(str, "What the row states.", unique=True),
        "value": _c(float, "The figure; missing for a range or a value the page does not show.", nullable=True),
        "lower": _c(float, "Lower bound, where the wording or the derivation gives one.", nullable=True),
        "upper": _c(float, "Upper bound, where the wording or the derivation gives one.", nullable=True),
        "kind": _c(str, "exact, lower_bound, upper_bound, approximate, range, ratio_of_bounds or difference_of_bounds (computed from lower "
                   "bounds: neither a bound nor an approximation), illustration (a range applied to a count: not a count) or missing.",
                   checks=Check.isin(KEY_NUMBER_KINDS)),
        "wording": _c(str, "The figure as every output writes it, with its kind (analysis.data.wording.key_number_text): the index, "
                      "summary.csv and the notebooks all show this text."),
        "qualifier": _c(str, "The page's qualifier as written, for figures the page states ('at least', 'around').", nullable=True),
        "unit": _c(str, "Unit of value, lower and upper."),
        "origin": _c(str, "page (stated), derived (computed by this project) or missing.", checks=Check.isin(["page", "derived", "missing", "stated"])),
        "how": _c(str, "Where on the page, or how it was derived.", nullable=True),
        "source": _c(str, "The page, or the publication a derivation uses."),
    },
    checks=[Check(_bounds_consistent, error="lower <= value <= upper")],
    strict=True, ordered=True, name="summary",
)  # fmt: skip

# Tables derived from the extracted ones (written by `python -m analysis summary`).
DERIVED_SCHEMAS: dict[str, DataFrameSchema] = {"summary": SUMMARY}

__all__ = ["DERIVED_SCHEMAS", "SCHEMAS", "pa"]
