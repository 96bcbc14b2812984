"""The tables' pandera schemas: text columns are checked in one step, and a bad value is still named."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from analysis.compare.table import COMPARE
from analysis.data.extract import validate
from analysis.data.schemas import SCHEMAS, Text
from analysis.page.errors import PageError


def test_every_text_column_is_text_and_reads_str_in_the_dictionary() -> None:
    """Every `str` column of the page's tables and of the comparison uses Text, which the dictionary names `str`."""
    columns = [c for schema in [*SCHEMAS.values(), COMPARE] for c in schema.columns.values()]
    text = [c for c in columns if isinstance(c.dtype, Text)]
    assert text and len(text) == sum(str(c.dtype) == "str" for c in columns)


def test_a_column_of_strings_passes_in_one_answer() -> None:
    """Strings and missing values pass with a single True (pandera's `str` answers value by value)."""
    values = pd.Series(["a", None, "b"], dtype=object)
    assert Text().check(Text(), values) is True
    assert list(pa.Column(str).dtype.check(Text(), values)) == [True, True, True]
    assert Text().check(Text()) is True  # a dtype-only check, as pandera asks before it has data


def test_a_number_in_a_text_column_is_named_as_pandera_names_it(dystonia: dict[str, pd.DataFrame]) -> None:
    """A number where text belongs fails with the same failure cases as pandera's `str`, and the table's error
    names the table, the column and the value."""
    bad = dystonia["facts"].copy()
    bad.loc[bad.index[1], "measure"] = 70000
    own, plain = pa.DataFrameSchema({"measure": pa.Column(Text())}), pa.DataFrameSchema({"measure": pa.Column(str)})
    cases = []
    for schema in (own, plain):
        with pytest.raises(pa.errors.SchemaErrors) as caught:
            schema.validate(bad[["measure"]], lazy=True)
        cases.append(caught.value.failure_cases[["column", "check", "failure_case", "index"]].to_dict("records"))
    assert cases[0] == cases[1] == [{"column": "measure", "check": "dtype('str')", "failure_case": 70000, "index": 1}]
    with pytest.raises(PageError, match=r"facts\.measure.*fails schema check dtype\('str'\) \(value 70000\)"):
        validate("facts", bad, "page.txt")
