"""Tests for the literature reference data layer (analysis/dystonia/reference.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from analysis.dystonia.reference import (
    ORIGINAL_COLUMNS,
    REFERENCE_PATH,
    REFERENCE_SCHEMA,
    TOPICS,
    UK_POPULATION_REF_ID,
    ReferenceDataError,
    load_reference,
    per_100k,
    prevalence_per_100k,
    reference_rows,
    uk_population_2013,
)

SHARED_CSV = Path(__file__).resolve().parents[2] / "shared" / "reference" / "epidemiology.csv"
needs_shared = pytest.mark.skipif(
    not SHARED_CSV.exists(),
    reason=f"shared reference file {SHARED_CSV} not present (only available in the build workspace)",
)


def _read_text(path: Path) -> list[dict[str, str]]:
    """CSV rows as dicts of the strings written in the file."""
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _write_text(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write rows (dicts of strings) to a CSV at path and return the path."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _row(df: pd.DataFrame, ref_id: str) -> pd.Series:
    """The single row with this ref_id."""
    match = df[df["ref_id"] == ref_id]
    assert len(match) == 1, ref_id
    return match.iloc[0]


def test_reference_file_validates() -> None:
    """The committed CSV passes the schema, covers every topic and has unique ids."""
    df = load_reference()
    assert REFERENCE_PATH.exists()
    assert len(df) > 0
    assert df["ref_id"].is_unique
    assert set(df["topic"]) == set(TOPICS)
    assert df["is_verified"].dtype == bool


def test_every_schema_column_has_a_description() -> None:
    """Each column of REFERENCE_SCHEMA documents itself."""
    for name, column in REFERENCE_SCHEMA.columns.items():
        assert column.description, name


@needs_shared
def test_rows_are_exact_copies_of_shared_source() -> None:
    """Every original column of every row equals the same-figure row of the shared CSV."""
    shared = {row["figure"]: row for row in _read_text(SHARED_CSV)}
    ours = _read_text(REFERENCE_PATH)
    for row in ours:
        assert row["figure"] in shared, f"{row['ref_id']}: figure not in {SHARED_CSV}"
        source = shared[row["figure"]]
        for column in ORIGINAL_COLUMNS:
            assert row[column] == source[column], f"{row['ref_id']}: {column} differs"


def test_recalled_rows_are_flagged_not_verified() -> None:
    """Rows whose note says 'recalled' are is_verified False; verified notes are True."""
    df = load_reference()
    recalled = df["verified"].str.lower().str.startswith("recalled")
    assert recalled.any(), "expected at least one recalled row (e.g. ESDE segmental)"
    assert not df.loc[recalled, "is_verified"].any()
    assert not _row(df, "esde-2000-segmental-prevalence")["is_verified"]
    assert df.loc[df["verified"] == "verified", "is_verified"].all()


def test_derived_rows_are_marked_derived() -> None:
    """Computed shares (e.g. 117/152) are kind 'derived'; stated prevalences are 'published'."""
    df = load_reference()
    shares = df[df["figure"].str.contains("/") & (df["topic"] == "share")]
    assert len(shares) > 0
    assert (shares["kind"] == "derived").all()
    assert _row(df, "esde-2000-primary-prevalence")["kind"] == "published"


def test_per_million_converts_to_per_100k() -> None:
    """152 (142-162) per million becomes 15.2 (14.2-16.2) per 100,000, marked derived."""
    frame = pd.DataFrame({
        "ref_id": ["a", "b", "c"], "figure": ["a", "b", "c"],
        "value": [152.0, 16.43, 1.2], "lower": [142.0, 12.09, None],
        "upper": [162.0, 22.32, None], "unit": ["per million", "per 100,000", "percent"],
        "kind": ["published"] * 3, "is_verified": [True] * 3,
        "source": ["s"] * 3, "doi": [None] * 3,
    })
    out = prevalence_per_100k(frame).set_index("ref_id")
    assert list(out.index) == ["a", "b"]  # percent is not a rate unit this converts
    assert out.loc["a", "per_100k"] == pytest.approx(15.2)
    assert out.loc["a", "per_100k_lower"] == pytest.approx(14.2)
    assert out.loc["a", "per_100k_upper"] == pytest.approx(16.2)
    assert out.loc["a", "kind"] == "derived"
    assert out.loc["b", "per_100k"] == pytest.approx(16.43)
    assert out.loc["b", "kind"] == "published"  # already per 100,000: value unchanged


def test_prevalence_per_100k_on_file_matches_esde() -> None:
    """On the real file, ESDE's per-million rate divided by ten gives the per-100k column."""
    df = load_reference()
    esde = _row(df, "esde-2000-primary-prevalence")
    assert esde["unit"] == "per million"
    out = prevalence_per_100k(df).set_index("ref_id")
    assert out.loc["esde-2000-primary-prevalence", "per_100k"] == pytest.approx(esde["value"] / 10)


def test_per_100k() -> None:
    """Counts become rates per 100,000 and a non-positive population is refused."""
    assert per_100k(70_000, 64_100_000) == pytest.approx(109.2, abs=0.05)
    assert per_100k(0, 1) == 0
    with pytest.raises(ValueError):
        per_100k(1, 0)


def test_uk_population_2013_comes_from_the_file(tmp_path: Path) -> None:
    """The population and citation are read from the CSV: editing the copy changes them."""
    df = load_reference()
    row = _row(df, UK_POPULATION_REF_ID)
    people, citation = uk_population_2013()
    assert row["unit"] == "million people"
    assert people == pytest.approx(row["value"] * 1_000_000)
    assert citation.startswith(row["source"])
    assert "ONS" in citation

    rows = _read_text(REFERENCE_PATH)
    for r in rows:
        if r["ref_id"] == UK_POPULATION_REF_ID:
            r["value"], r["source"] = "1.5", "Test source"
    edited = _write_text(tmp_path / "edited.csv", rows)
    assert uk_population_2013(edited) == (1_500_000.0, f"Test source, {row['year']}")


@needs_shared
def test_uk_population_2013_matches_shared() -> None:
    """The population equals the shared file's 'UK population, mid-2013' row, in people."""
    shared = {row["figure"]: row for row in _read_text(SHARED_CSV)}
    people, _ = uk_population_2013()
    assert people == pytest.approx(float(shared["UK population, mid-2013"]["value"]) * 1e6)


@pytest.mark.parametrize(
    ("ref_id", "column", "bad", "expected"),
    [
        ("esde-2000-focal-prevalence", "value", "abc", "row 3: column value: 'abc' not a number"),
        ("esde-2000-segmental-prevalence", "is_verified", "True",
         "row 7: column is_verified: 'True' fails check: is_verified agrees with the verified note"),
        ("esde-2000-cervical-prevalence", "is_verified", "maybe",
         "row 4: column is_verified: 'maybe' empty, or not True/False"),
        ("esde-2000-primary-prevalence", "lower", "200", "row 2: column lower: '200' fails check"),
        ("esde-2000-primary-prevalence", "topic", "gossip", "row 2: column topic: 'gossip' not one of"),
        ("esde-2000-primary-prevalence", "kind", "derived", "row 2: column kind: 'derived' fails"),
    ],
)
def test_corrupted_copy_gives_clear_error(
    tmp_path: Path, ref_id: str, column: str, bad: str, expected: str
) -> None:
    """A corrupted cell gives one line: file, spreadsheet row, column, problem."""
    rows = _read_text(REFERENCE_PATH)
    for r in rows:
        if r["ref_id"] == ref_id:
            r[column] = bad
    broken = _write_text(tmp_path / "broken.csv", rows)
    with pytest.raises(ReferenceDataError) as info:
        load_reference(broken)
    message = str(info.value)
    assert message.startswith(f"{broken}: ")
    assert expected in message
    assert "\n" not in message
    assert isinstance(info.value, ValueError)


def test_missing_column_is_reported(tmp_path: Path) -> None:
    """Dropping a column names the file and the column."""
    rows = [{k: v for k, v in r.items() if k != "doi"} for r in _read_text(REFERENCE_PATH)]
    broken = _write_text(tmp_path / "nodoi.csv", rows)
    with pytest.raises(ReferenceDataError, match=r"nodoi\.csv: header: column doi: column missing"):
        load_reference(broken)


def test_reference_rows_by_topic() -> None:
    """reference_rows filters by topic and rejects unknown topics."""
    remission = reference_rows("remission")
    assert len(remission) > 0
    assert (remission["topic"] == "remission").all()
    assert "dystonia-society-remission-text" in set(remission["ref_id"])
    with pytest.raises(ValueError, match="unknown topic"):
        reference_rows("gossip")


def test_prevalence_in_percent_converts_to_per_100k() -> None:
    """A prevalence given in percent (Wales SAIL) becomes per 100,000; a share in percent does not."""
    rows = load_reference()
    wales = prevalence_per_100k(rows[rows["ref_id"] == "wales-sail-2017-prevalence"]).iloc[0]
    source = rows.set_index("ref_id").loc["wales-sail-2017-prevalence"]
    assert wales["per_100k"] == pytest.approx(source["value"] * 1000) and wales["kind"] == "derived"
    shares = rows[rows["topic"] == "share"]
    assert prevalence_per_100k(shares).empty
