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
        "fact_id": column(str, "Stable identifier of the statement (dystonia's keyed facts, or lineN_col for unclassified numbers).", unique=True),
        "value": column(float, "The number as written; missing for a range or a statement without a number.", nullable=True),
        "lower": column(float, "Lower bound implied by the wording; missing when the wording gives none (e.g. 'about').", nullable=True),
        "upper": column(float, "Upper bound implied by the wording; missing for a lower bound ('at least') or 'about'.", nullable=True),
        "qualifier": column(str, "The qualifier as written, lower-cased ('at least', 'about', 'around'); empty when none.", nullable=True),
        "kind": column(str, "What kind of number: exact, lower_bound, upper_bound, approximate, range or qualitative.", checks=Check.isin(KINDS)),
        "unit": column(str, "Unit of value/lower/upper: people, percent, years, types, treatments; empty for qualitative.", nullable=True),
        "measure": column(str, "What is counted."),
        "population": column(str, "In whom it is counted.", nullable=True),
        "attributed_to": column(str, "Who states the figure (the page, or an organisation the page quotes)."),
        "sentence": column(str, "The sentence verbatim (whitespace normalised: non-breaking spaces as spaces)."),
        "line": column(int, "Line number of the sentence in the page text (1-based).", checks=Check.ge(1)),
        "source": column(str, "The page: file name, topic and last-reviewed date."),
    },
    checks=[Check(_bounds_consistent, error="lower <= value <= upper")],
    strict=True,
    ordered=True,
    name="facts",
)

TYPES = DataFrameSchema(
    {
        "type": column(str, "Name of the type as the page writes it.", unique=True),
        "definition": column(str, "The page's definition, verbatim."),
        "min_regions": column(int, "Fewest body regions affected under the rule (generalised: trunk plus two others = 3; hemidystonia: a whole side, at least arm and leg = 2).", checks=Check.ge(1)),
        "regions_connected": column(object, "True if the regions must be connected, False if not connected, empty if the rule says nothing.", nullable=True),
        "includes_trunk": column(bool, "True if the rule requires the trunk."),
        "whole_side": column(bool, "True if the rule is one entire side of the body."),
        "examples": column(str, "Named examples of the type, ';'-separated (glosses removed).", nullable=True),
        "region_examples": column(str, "Example body regions the definition names, ';'-separated.", nullable=True),
        "in_90pct_statement": column(bool, "True if the 'about 90% cervical dystonia or blepharospasm' statement falls within this type."),
        "line": column(int, "Line number of the bullet.", checks=Check.ge(1)),
    },
    strict=True, ordered=True, name="types",
)  # fmt: skip

TREATMENTS = DataFrameSchema(
    {
        "treatment": column(str, "Main type of treatment as the page names it.", unique=True),
        "description": column(str, "The page's description, verbatim."),
        "examples": column(str, "Named examples (medicines, procedures), ';'-separated.", nullable=True),
        "line": column(int, "Line number of the bullet.", checks=Check.ge(1)),
    },
    strict=True, ordered=True, name="treatments",
)  # fmt: skip

CAUSES = DataFrameSchema(
    {
        "cause": column(str, "A cause, or what defines the category."),
        "category": column(str, "primary, secondary, or the thought mechanism.", checks=Check.isin(["primary", "secondary", "mechanism (thought)"])),
        "sentence": column(str, "The sentence verbatim."),
        "line": column(int, "Line number.", checks=Check.ge(1)),
    },
    strict=True, ordered=True, name="causes",
)  # fmt: skip

TESTS = DataFrameSchema(
    {
        "test": column(str, "A test that may be used in diagnosis.", unique=True),
        "sentence": column(str, "The sentence verbatim."),
        "line": column(int, "Line number.", checks=Check.ge(1)),
    },
    strict=True, ordered=True, name="tests",
)  # fmt: skip

PAGE = DataFrameSchema(
    {
        "source_file": column(str, "The page file, relative to the project (or its name if outside)."),
        "sha256": column(str, "SHA-256 of the file's bytes.", checks=Check.str_matches(r"^[0-9a-f]{64}$")),
        "was_html": column(bool, "True if the file was HTML, rendered to text with an HTML parser."),
        "topic": column(str, "The condition the page is about.", nullable=True),
        "title": column(str, "The page heading, where the text has one.", nullable=True),
        "last_reviewed": column("datetime64[ns]", "Page last reviewed (ISO 8601).", nullable=True),
        "next_review_due": column("datetime64[ns]", "Page's next review due (ISO 8601).", nullable=True),
        "review_interval_months": column(float, "Whole months from last review to next review due.", nullable=True),
        "media_last_reviewed": column("datetime64[ns]", "A video's or tool's own 'Media last reviewed' date, if any.", nullable=True),
        "media_next_review_due": column("datetime64[ns]", "The media's own next review due, if any.", nullable=True),
        "newest_comment": column("datetime64[ns]", "Date of the newest comment: the page was captured on or after it.", nullable=True),
        "comments_stated": column("Int64", "Comment count the page states; missing when it has no comment section.", nullable=True),
    },
    strict=True, ordered=True, name="page",
)  # fmt: skip

RATINGS = DataFrameSchema(
    {
        "metric": column(str, "ratings_count, average_label, average_score or breakdown.", checks=Check.isin(["ratings_count", "average_label", "average_score", "breakdown"])),
        "label": column(str, "Rating label ('Very helpful' ... 'Unhelpful') for a breakdown row or average label.", nullable=True),
        "value": column(float, "The count or score; missing when the page does not show it (never zero).", nullable=True),
        "status": column(str, "stated (on the page), derived (computed from a breakdown) or missing.", checks=Check.isin(["stated", "derived", "missing"])),
        "note": column(str, "Why a value is missing, how it was derived, or where it was read.", nullable=True),
        "line": column("Int64", "Line number of the value.", nullable=True),
    },
    checks=[Check(_missing_means_missing, error="a number is missing exactly when its status is 'missing'")],
    strict=True, ordered=True, name="ratings",
)  # fmt: skip

COMMENTS = DataFrameSchema(
    {
        "comment_id": column(str, "C1, C2, ... in page order.", unique=True),
        "position": column(int, "Position on the page (1 = first shown).", checks=Check.ge(1)),
        "author": column(str, "Author's handle as published. Do not show in shared outputs: use pseudonym."),
        "commenter_id": column(str, "Stable pseudonymous id: first 10 hex digits of a salted SHA-256 of the handle.", checks=Check.str_matches(r"^[0-9a-f]{10}$")),
        "pseudonym": column(str, "'Commenter A', 'B', ... in order of first appearance; use in shared outputs."),
        "date": column("datetime64[ns]", "Date the comment was posted (ISO 8601)."),
        "header_line": column(int, "Line of '<name> said on <date>'.", checks=Check.ge(1)),
        "text_line_start": column(int, "First line of the comment text.", checks=Check.ge(1)),
        "text_line_end": column(int, "Last line of the comment text.", checks=Check.ge(1)),
        "text": column(str, "Comment text verbatim, runs of spaces collapsed (untrusted: escape before any HTML)."),
        "report_id": column(str, "Comment id from screen-reader text, where shown.", nullable=True),
    },
    strict=True, ordered=True, name="comments",
)  # fmt: skip

NUMBERS = DataFrameSchema(
    {
        "line": column(int, "Line of the number.", checks=Check.ge(1)),
        "start": column(int, "Character offset in the line.", checks=Check.ge(0)),
        "text": column(str, "The number as written (digits or a number word)."),
        "value": column(float, "Its value."),
        "accounted_for_by": column(str, "The table field that holds it, or why it is not a statistic."),
    },
    strict=True, ordered=True, name="numbers",
)  # fmt: skip

SCHEMAS: dict[str, DataFrameSchema] = {
    "facts": FACTS, "types": TYPES, "treatments": TREATMENTS, "causes": CAUSES, "tests": TESTS,
    "page": PAGE, "ratings": RATINGS, "comments": COMMENTS, "numbers": NUMBERS,
}  # fmt: skip

SUMMARY = DataFrameSchema(
    {
        "key": column(str, "Stable identifier of the key number; notebooks and the report index look rows up by it.", unique=True),
        "statistic": column(str, "What the row states.", unique=True),
        "value": column(float, "The figure; missing for a range or a value the page does not show.", nullable=True),
        "lower": column(float, "Lower bound, where the wording or the derivation gives one.", nullable=True),
        "upper": column(float, "Upper bound, where the wording or the derivation gives one.", nullable=True),
        "kind": column(str, "exact, lower_bound, upper_bound, approximate, range, ratio_of_bounds or difference_of_bounds (computed from lower "
                       "bounds: neither a bound nor an approximation), illustration (a range applied to a count: not a count) or missing.",
                       checks=Check.isin(KEY_NUMBER_KINDS)),
        "wording": column(str, "The figure as every output writes it, with its kind (analysis.data.wording.key_number_text): the index, "
                          "summary.csv and the notebooks all show this text."),
        "qualifier": column(str, "The page's qualifier as written, for figures the page states ('at least', 'around').", nullable=True),
        "unit": column(str, "Unit of value, lower and upper."),
        "origin": column(str, "page (stated), derived (computed by this project) or missing.", checks=Check.isin(["page", "derived", "missing", "stated"])),
        "how": column(str, "Where on the page, or how it was derived.", nullable=True),
        "source": column(str, "The page, or the publication a derivation uses."),
    },
    checks=[Check(_bounds_consistent, error="lower <= value <= upper")],
    strict=True, ordered=True, name="summary",
)  # fmt: skip

# Tables derived from the extracted ones (written by `python -m analysis summary`).
DERIVED_SCHEMAS: dict[str, DataFrameSchema] = {"summary": SUMMARY}

__all__ = ["DERIVED_SCHEMAS", "SCHEMAS", "pa"]
