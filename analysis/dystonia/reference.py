"""Validated literature reference figures: prevalence, shares, population, remission, onset."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError

REFERENCE_PATH = (
    Path(__file__).resolve().parent.parent.parent / "data" / "external" / "epidemiology_reference.csv"
)

TOPICS = ("prevalence", "share", "population", "remission", "onset", "sex", "course", "children",
          "charity_estimate", "other")
KINDS = ("published", "derived", "recalled")
ORIGINAL_COLUMNS = (
    "figure", "value", "lower", "upper", "unit", "population",
    "year", "source", "doi", "verified", "quote",
)
UK_POPULATION_REF_ID = "ons-uk-population-mid2013"

# Unit-conversion constants (the only numbers typed in this module).
PER_100K = 100_000
PER_MILLION = 1_000_000
PER_CENT = 100
PERCENT = "percent"  # a prevalence given as a share of the population
# Divide a rate in the key unit by the value to get a rate per 100,000.
RATE_UNIT_DIVISORS = {"per million": PER_MILLION / PER_100K, "per 100,000": 1.0}
COUNT_UNITS_TO_PEOPLE = {"million people": float(PER_MILLION), "people": 1.0}

_TEXT_COLUMNS = ("ref_id", "figure", "unit", "population", "year", "source", "doi",
                 "verified", "quote", "kind", "topic")
_BOOL_TEXT = {True: True, False: False, "True": True, "False": False}


class ReferenceDataError(ValueError):
    """The reference CSV failed validation; the message names file, row and column."""


def verified_flag(verified: str) -> bool:
    """Whether a `verified` note means the value was checked against a quoted passage."""
    text = str(verified).strip().lower()
    if text.startswith("derived from verified figures"):
        return True
    return text.startswith("verified") and "inconsistent" not in text


def kind_from_verified(verified: str) -> str:
    """Return "derived" (computed), "recalled" (not checked against a source) or "published"."""
    text = str(verified).strip().lower()
    if text.startswith("derived"):
        return "derived"
    return "recalled" if text.startswith("recalled") else "published"


def _flag_matches(df: pd.DataFrame) -> pd.Series:
    """Row-wise: is_verified agrees with the `verified` note."""
    return df["is_verified"] == df["verified"].map(verified_flag)


def _kind_matches(df: pd.DataFrame) -> pd.Series:
    """Row-wise: kind agrees with the `verified` note."""
    return df["kind"] == df["verified"].map(kind_from_verified)


def _bounds_ordered(df: pd.DataFrame) -> pd.Series:
    """Row-wise: lower <= upper when both are given."""
    return df["lower"].isna() | df["upper"].isna() | (df["lower"] <= df["upper"])


def _value_in_bounds(df: pd.DataFrame) -> pd.Series:
    """Row-wise: lower <= value <= upper for whichever bounds are given."""
    above = df["lower"].isna() | df["value"].isna() | (df["lower"] <= df["value"])
    below = df["upper"].isna() | df["value"].isna() | (df["value"] <= df["upper"])
    return above & below


def _has_number(df: pd.DataFrame) -> pd.Series:
    """Row-wise: a value or a bound is given unless the unit is qualitative."""
    numbers = df[["value", "lower", "upper"]].notna().any(axis=1)
    return numbers | (df["unit"] == "qualitative")


# Data-frame-wide checks, keyed by name, with the column each one reports against.
_WIDE_CHECKS = {
    "is_verified agrees with the verified note": ("is_verified", _flag_matches),
    "kind agrees with the verified note": ("kind", _kind_matches),
    "lower <= upper": ("lower", _bounds_ordered),
    "lower <= value <= upper": ("value", _value_in_bounds),
    "value or bounds given unless qualitative": ("value", _has_number),
}


def _text(description: str, nullable: bool = False, **kwargs: object) -> pa.Column:
    """A string column with a description."""
    return pa.Column(str, nullable=nullable, description=description, **kwargs)


def _number(description: str) -> pa.Column:
    """A nullable non-negative float column with a description."""
    return pa.Column(float, pa.Check.ge(0), nullable=True, coerce=True, description=description)


REFERENCE_SCHEMA = pa.DataFrameSchema(
    {
        "ref_id": _text(
            "Stable unique slug for the row, used to look figures up in code.",
            checks=pa.Check.str_matches(r"^[a-z0-9]+(-[a-z0-9]+)*$"), unique=True,
        ),
        "figure": _text("What the figure is, verbatim from the shared source file.", unique=True),
        "value": _number("Point value in `unit`; empty for ranges and qualitative rows."),
        "lower": _number("Lower bound (95% CI where given, else range) in `unit`."),
        "upper": _number("Upper bound (95% CI where given, else range) in `unit`."),
        "unit": _text("Unit of value/lower/upper, e.g. 'per million', 'per 100,000', 'percent'."),
        "population": _text("Population or setting the figure describes."),
        "year": _text("Year or period of the data (free text, e.g. '1996-1997', 'mid-2013')."),
        "source": _text("Citation of the publication or web page."),
        "doi": _text(
            "DOI of the source when known.", nullable=True,
            checks=pa.Check.str_matches(r"^10\.\d{4,9}/\S+$"),
        ),
        "verified": _text(
            "Provenance note from the shared file: verified against a quote, recalled or derived.",
            checks=pa.Check.str_matches(r"^(verified|recalled|derived)"),
        ),
        "quote": _text("Passage the value was checked against; empty if none.", nullable=True),
        "kind": _text(
            "'published' if stated by the source and checked, 'derived' if computed from other figures, "
            "'recalled' if only recalled (never checked against the source).",
            checks=pa.Check.isin(KINDS),
        ),
        "is_verified": pa.Column(
            bool, parsers=pa.Parser(lambda s: s.map(_BOOL_TEXT)),
            description="True only when the value (or its inputs) was checked against a quote.",
        ),
        "topic": _text("Grouping used by the analysis.", checks=pa.Check.isin(TOPICS)),
    },
    checks=[pa.Check(fn, name=name, error=name) for name, (_, fn) in _WIDE_CHECKS.items()],
    strict=True,
    name="epidemiology_reference",
    description="Literature figures copied from ../shared/reference/epidemiology.csv.",
)


def _problem(err: SchemaError) -> str:
    """Short human description of what a pandera check or parse step rejected."""
    name = getattr(err.check, "name", None)
    stats = getattr(err.check, "statistics", None) or {}
    if name in _WIDE_CHECKS:
        return f"fails check: {name}"
    if name == "isin":
        return f"not one of {', '.join(stats['allowed_values'])}"
    if name == "str_matches":
        return f"does not match pattern {stats['pattern']}"
    if name == "greater_than_or_equal_to":
        return f"below minimum {stats['min_value']}"
    reason = getattr(err.reason_code, "value", "")
    return {
        "dtype_coercion_error": "not a number",
        "series_contains_nulls": "empty, or not True/False",
        "series_contains_duplicates": "duplicate value",
        "column_not_in_dataframe": "column missing",
        "column_not_in_schema": "unexpected column",
    }.get(reason, str(err).splitlines()[0])


def _error_message(path: Path, text: pd.DataFrame, err: SchemaError) -> str:
    """Format a pandera error as 'file: row N: column X: problem' (row 1 is the header)."""
    check_name = getattr(err.check, "name", None)
    column = err.column_name or getattr(err.schema, "name", None)
    if check_name in _WIDE_CHECKS:
        column = _WIDE_CHECKS[check_name][0]
    cases = err.failure_cases
    if isinstance(cases, str):  # a column missing from, or extra to, the header
        return f"{path}: header: column {cases}: {_problem(err)}"
    if not isinstance(cases, pd.DataFrame) or cases.empty or pd.isna(cases["index"].iloc[0]):
        return f"{path}: header: column {column}: {_problem(err)}"
    index = int(cases["index"].iloc[0])
    value = text.at[index, column] if column in text.columns else cases["failure_case"].iloc[0]
    return f"{path}: row {index + 2}: column {column}: {value!r} {_problem(err)}"


def load_reference(path: Path | None = None) -> pd.DataFrame:
    """Read and validate the reference CSV, raising ReferenceDataError on any problem (a fresh copy per call)."""
    path = Path(path) if path is not None else REFERENCE_PATH
    stat = path.stat()
    return _validated_reference(path, stat.st_mtime_ns, stat.st_size).copy()


@functools.lru_cache(maxsize=8)
def _validated_reference(path: Path, mtime_ns: int, size: int) -> pd.DataFrame:
    """The validated reference table of one version of the file (a notebook asks for it a dozen times)."""
    raw = pd.read_csv(path, dtype={c: str for c in _TEXT_COLUMNS})
    try:
        return REFERENCE_SCHEMA.validate(raw)
    except SchemaError as err:
        text = pd.read_csv(path, dtype=str, keep_default_na=False)  # cells as written
        raise ReferenceDataError(_error_message(path, text, err)) from None


def reference_rows(topic: str, path: Path | None = None) -> pd.DataFrame:
    """Rows of the reference table for one topic (see TOPICS)."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}; expected one of {', '.join(TOPICS)}")
    df = load_reference(path)
    return df[df["topic"] == topic].reset_index(drop=True)


def population_count(ref_id: str, path: Path | None = None) -> tuple[float, str]:
    """A population row in people, and its citation, both read from the reference file."""
    path = Path(path) if path is not None else REFERENCE_PATH
    df = load_reference(path)
    row = df.loc[df["ref_id"] == ref_id]
    if len(row) != 1:
        raise ReferenceDataError(f"{path}: no row with ref_id {ref_id}")
    rec = row.iloc[0]
    if rec["unit"] not in COUNT_UNITS_TO_PEOPLE:
        raise ReferenceDataError(f"{path}: {ref_id}: unknown unit {rec['unit']!r}")
    people = float(round(rec["value"] * COUNT_UNITS_TO_PEOPLE[rec["unit"]]))
    return people, f"{rec['source']}, {rec['year']}"


def uk_population_2013(path: Path | None = None) -> tuple[float, str]:
    """UK mid-2013 population in people and its citation, both read from the reference file."""
    return population_count(UK_POPULATION_REF_ID, path)


UNSEEN = "not seen"
_VOLUME_PAGES = re.compile(r"\d+\s*(?:\(\d+\))?\s*:\s*\d+")  # "47(5):548", "2000;247(10):787"
_JOURNAL = r"Lancet|Neurol|Mov Disord|Arch|Psychiatry|J "


def cited(df: pd.DataFrame) -> pd.DataFrame:
    """Rows with a missing DOI, or a journal citation without volume and pages, said as 'not seen' (never left blank)."""
    out = df.copy()
    out["doi"] = out["doi"].fillna(UNSEEN)
    no_volume = out["source"].str.contains(_JOURNAL, regex=True) & ~out["source"].str.contains(_VOLUME_PAGES)
    out.loc[no_volume, "source"] = out.loc[no_volume, "source"] + f" [volume and pages: {UNSEEN}]"
    return out


def per_100k(count: float, population: float) -> float:
    """Rate per 100,000 population for a count."""
    if population <= 0:
        raise ValueError(f"population must be positive, got {population}")
    return count / population * PER_100K


def prevalence_per_100k(df: pd.DataFrame) -> pd.DataFrame:
    """Rows in 'per million', 'per 100,000' (or percent, for prevalence rows) expressed per 100,000."""
    divisors = {**RATE_UNIT_DIVISORS, PERCENT: PER_CENT / PER_100K}
    is_prevalence = df["topic"].eq("prevalence") if "topic" in df.columns else pd.Series(False, index=df.index)
    rates = df[df["unit"].isin(list(RATE_UNIT_DIVISORS)) | (df["unit"].eq(PERCENT) & is_prevalence)].copy()
    divisor = rates["unit"].map(divisors)
    converted = divisor != 1.0
    out = pd.DataFrame({
        "ref_id": rates["ref_id"],
        "figure": rates["figure"],
        "per_100k": rates["value"] / divisor,
        "per_100k_lower": rates["lower"] / divisor,
        "per_100k_upper": rates["upper"] / divisor,
        "source_unit": rates["unit"],
        "kind": rates["kind"].where(~converted, "derived"),
        "is_verified": rates["is_verified"],
        "source": rates["source"],
        "doi": rates["doi"],
    })
    return out.reset_index(drop=True)
