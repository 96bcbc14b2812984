"""data/processed is exactly what extracting the raw page gives, and reads back validated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.data.extract import TABLES, extract_page, read_tables, write_tables
from analysis.page.errors import PageError
from tests.conftest import PROCESSED, RAW_PAGE, run_cli


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    """The raw dystonia page extracted afresh into a temporary folder."""
    out = tmp_path_factory.mktemp("processed")
    write_tables(extract_page(RAW_PAGE), out)
    return out


@pytest.mark.parametrize("name", TABLES)
def test_rebuild_is_byte_identical(rebuilt: Path, name: str) -> None:
    """Each committed CSV is byte for byte what extraction writes (UTF-8, LF, ISO dates, no '.0')."""
    committed = (PROCESSED / f"{name}.csv").read_bytes()
    assert (rebuilt / f"{name}.csv").read_bytes() == committed, f"data/processed/{name}.csv is stale: run make data"
    assert b"\r\n" not in committed and not committed.startswith(b"\xef\xbb\xbf")


def test_cli_rebuild_is_byte_identical(tmp_path) -> None:
    """`python -m analysis extract` writes the same bytes as the committed tables."""
    result = run_cli("extract", RAW_PAGE, "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert not result.stderr
    for name in TABLES:
        assert (tmp_path / f"{name}.csv").read_bytes() == (PROCESSED / f"{name}.csv").read_bytes(), name


def test_read_tables_validates_committed(rebuilt: Path) -> None:
    """read_tables gives the extracted tables back, with the schema's types, from the committed CSVs."""
    tables = read_tables(PROCESSED)
    fresh = extract_page(RAW_PAGE)
    assert set(tables) == set(TABLES)
    for name in TABLES:
        # CSV cannot tell an empty text from a missing one: extract_page's "" reads back as None.
        expected = fresh[name].apply(lambda col: col.replace("", None) if col.dtype == object else col)
        pd.testing.assert_frame_equal(tables[name], expected, obj=name)
    assert pd.isna(tables["facts"].set_index("fact_id").at["uk_prevalence", "upper"])
    assert tables["ratings"].set_index("metric").at["average_score", "status"] == "missing"


def _corrupt(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """Copy data/processed to tmp_path with one edit in name.csv; return the folder."""
    folder = tmp_path / "processed"
    shutil.copytree(PROCESSED, folder)
    path = folder / f"{name}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(("name", "old", "new", "column"), [
    ("facts", "lower_bound,people", "maybe,people", "facts.kind"),  # not one of the kinds
    ("facts", "uk_prevalence,70000,70000,", "uk_prevalence,70000,80000,", "facts"),  # lower above value
    ("facts", "uk_prevalence,70000", "uk_prevalence,seventy thousand", "facts.value"),  # not a number
    ("types", "Focal dystonia,", "Segmental dystonia,", "types.type"),  # duplicate key
    ("types", ",False,False,Cervical", ",maybe,False,Cervical", "types.includes_trunk"),  # not a boolean
    ("ratings", "average_score,,,missing", "average_score,,0,missing", "ratings"),  # missing but with a value
    ("comments", ",2014-03-29,", ",2014-02-30,", "comments.date"),  # impossible date
    ("comments", ",a29080eeea,", ",not-hex,", "comments.commenter_id"),
    ("page", ",24,", ",two years,", "page.review_interval_months"),
    ("numbers", "line,start,text,value,accounted_for_by", "line,start,text,value", "numbers.columns"),  # a column lost
])  # fmt: skip
def test_corrupted_csv_names_file_and_column(tmp_path, name: str, old: str, new: str, column: str) -> None:
    """A corrupted copy of a CSV is refused with a PageError naming the file and the column (or table check)."""
    folder = _corrupt(tmp_path, name, old, new)
    with pytest.raises(PageError) as exc:
        read_tables(folder)
    err = exc.value
    assert err.file == str(folder / f"{name}.csv")
    assert err.field == column, err
    assert "\n" not in str(err)


def test_missing_csv_is_named(tmp_path) -> None:
    """A folder without one of the tables names that file."""
    folder = tmp_path / "processed"
    shutil.copytree(PROCESSED, folder)
    (folder / "tests.csv").unlink()
    with pytest.raises(PageError, match="tests.csv"):
        read_tables(folder)
