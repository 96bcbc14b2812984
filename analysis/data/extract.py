"""Turn a saved page into validated tables, and write or read them as CSV."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pandera.errors
from dateutil.relativedelta import relativedelta

from analysis.data.schemas import SCHEMAS
from analysis.page.coverage import check_coverage, number_ledger
from analysis.page.errors import PageError
from analysis.page.records import read_template, statements
from analysis.page.text import PageText

TABLES = list(SCHEMAS)



def _frame(name: str, rows: list[dict]) -> pd.DataFrame:
    """Build a table in its schema's column order, with the schema's dtypes."""
    schema = SCHEMAS[name]
    df = pd.DataFrame(rows, columns=list(schema.columns))
    return coerce(name, df)


def coerce(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Cast columns to the schema's dtypes (dates to datetime, missing strings to NA)."""
    for col, spec in SCHEMAS[name].columns.items():
        df[col] = _cast(df[col], str(spec.dtype))
    return df


def _cast(col: pd.Series, dtype: str) -> pd.Series:
    """Cast one column to a schema dtype; raise ValueError or TypeError if it cannot be."""
    if dtype.startswith("datetime64"):
        return pd.to_datetime(col, format="ISO8601")  # dates are written as ISO 8601; never guess day or month first
    if dtype == "float64":
        return pd.to_numeric(col).astype("float64")
    if dtype == "Int64":
        return pd.Series(pd.array(col, dtype="Int64"), index=col.index)
    if dtype == "int64":
        return col.astype("int64")
    if dtype == "bool":
        return col.astype(bool)
    if dtype == "str":
        return col.astype(object).where(col.notna(), None)
    return col


def validate(name: str, df: pd.DataFrame, where: str) -> pd.DataFrame:
    """Validate a table against its schema; raise PageError naming the table and first failure."""
    try:
        return SCHEMAS[name].validate(df, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        first = exc.failure_cases.iloc[0]
        if first["column"] == SCHEMAS[name].name:  # a check across columns: name the table, not a column
            raise PageError(where, None, name, f"fails table check {first['check']!s}") from None
        raise PageError(
            where, None, f"{name}.{first['column']}", f"fails schema check {first['check']!s} (value {first['failure_case']!r})"
        ) from None


def page_row(page: PageText, topic: str | None, title: str | None, reviews: list[dict], comments: pd.DataFrame, stated: int | None) -> dict:
    """Return the one-row page table."""
    own = next((r for r in reviews if r["what"] == "page"), {})
    media = next((r for r in reviews if r["what"] == "media"), {})
    last, due = own.get("last_reviewed"), own.get("next_review_due")
    gap = relativedelta(due, last) if last and due else None
    months = gap.years * 12 + gap.months if gap else None  # whole months
    return {
        "source_file": page.name, "sha256": page.sha256, "was_html": page.was_html, "topic": topic, "title": title,
        "last_reviewed": last, "next_review_due": due, "review_interval_months": months,
        "media_last_reviewed": media.get("last_reviewed"), "media_next_review_due": media.get("next_review_due"),
        "newest_comment": comments["date"].max() if not comments.empty else None, "comments_stated": stated,
    }  # fmt: skip


def source_text(name: str, reviewed: object) -> str:
    """The source line of a page's figures and charts: "NHS Choices, Dystonia, last reviewed 19/06/2013"."""
    return f"NHS Choices, {name}" + (f", last reviewed {reviewed:%d/%m/%Y}" if reviewed is not None and pd.notna(reviewed) else "")


def page_source(page: pd.DataFrame) -> str:
    """The source line of a page, from its one-row page table (the same line its facts carry)."""
    p = page.iloc[0]
    return source_text(p["topic"] if isinstance(p["topic"], str) else p["source_file"], p["last_reviewed"])


def extract_page(path: Path | str) -> dict[str, pd.DataFrame]:
    """Read one page and return its validated tables; its warnings are shown only if it succeeds."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tables = _extract_page(path)
    for w in caught:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
    return tables


def _extract_page(path: Path | str) -> dict[str, pd.DataFrame]:
    """Read one page and return its validated tables, keyed by table name."""
    records = read_template(path)
    page, topic, title, reviews, rating, comment, stated = (records.page, records.topic, records.title, records.reviews,
                                                             records.rating, records.comment, records.stated)
    own = next((r for r in reviews.rows if r["what"] == "page"), {})
    source = source_text(topic or page.name, own.get("last_reviewed"))
    rows, claims = statements(records, source)
    tables = {name: _frame(name, r) for name, r in rows.items()}
    tables["comments"] = _frame("comments", comment.rows)
    tables["ratings"] = _frame("ratings", rating.rows)
    tables["page"] = _frame("page", [page_row(page, topic, title, reviews.rows, tables["comments"], stated)])
    ledger = number_ledger(page, claims)
    check_coverage(page, ledger)
    tables["numbers"] = _frame("numbers", ledger.to_dict("records"))
    return {name: validate(name, tables[name], page.name) for name in TABLES}


def _fmt(x: float) -> str:
    """Format a float without a spurious '.0' or exponent, the same on every machine."""
    return f"{x:.15g}"


def write_tables(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """Write each table as out/<name>.csv (UTF-8, LF, ISO dates); return the paths."""
    return [write_csv(tables[name], out / f"{name}.csv") for name in TABLES]


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """Write one table as CSV the same way on every machine (UTF-8, LF, ISO dates, plain floats)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n", float_format=_fmt, date_format="%Y-%m-%d")
    return path


def read_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """Read tables written by write_tables, validating each against its schema."""
    tables = {}
    for name in TABLES:
        path = folder / f"{name}.csv"
        if not path.is_file():
            raise PageError(str(path), None, name, "no such file")
        df = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=str)
        columns = list(SCHEMAS[name].columns)
        if list(df.columns) != columns:
            raise PageError(str(path), 1, f"{name}.columns", f"header is {list(df.columns)}, the schema wants {columns}")
        for col, spec in SCHEMAS[name].columns.items():
            dtype = str(spec.dtype)
            if dtype == "bool" and not (bad := df[col][~df[col].isin(["True", "False"])]).empty:
                raise PageError(str(path), None, f"{name}.{col}", f"row {bad.index[0] + 1}: {bad.iloc[0]!r} is not True or False")
            if dtype == "bool":
                df[col] = df[col].map({"True": True, "False": False})
            elif dtype == "object":  # True/False/empty (types.regions_connected): the string "False" would be truthy
                df[col] = df[col].replace({"True": True, "False": False}).astype(object).where(df[col].notna(), None)
            try:
                _cast(df[col], dtype)
            except (ValueError, TypeError) as exc:
                raise PageError(str(path), None, f"{name}.{col}", f"cannot be read as {dtype}: {str(exc).splitlines()[0]}") from None
        tables[name] = validate(name, coerce(name, df), str(path))
    return tables
