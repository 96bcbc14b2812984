"""Shared paths, page helpers and the extracted dystonia tables for the data-layer tests."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# pandas and the extractor are imported where they are used: the xdist controller, which only schedules the tests,
# loads this file before it starts the workers (importing them took 0.8 s of its start-up).
if TYPE_CHECKING:
    import pandas as pd

# pytest caches each test module with its asserts rewritten only where Python may write bytecode; this machine
# sets PYTHONDONTWRITEBYTECODE, so every run and worker rewrote ~50 modules again (~1 s each). The test modules
# are imported after this file.
sys.dont_write_bytecode = False

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RAW_PAGE = PROJECT_ROOT / "data" / "raw" / "nhs-choices-dystonia-2013.txt"
MANIFEST = PROJECT_ROOT / "data" / "raw" / "MANIFEST.json"
PROCESSED = PROJECT_ROOT / "data" / "processed"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pages"
SHARED_PAGES = Path(__file__).resolve().parents[2] / "shared" / "pages"
LINE_COLUMNS = {"line", "header_line", "text_line_start", "text_line_end"}

# Test files that take longest (a JupyterLab server, real report builds, browsers), in the order they start.
# `make test` runs whole files on every core (pytest-xdist --dist loadfile, in collection order): a worker takes
# the next file when it is done with one, so the long ones go first and the workers finish together.
SLOW_FIRST = (
    "tests/test_jupyterlab_browser.py",
    "tests/test_report_hostile_page.py",
    "tests/test_faults.py",
    "tests/test_report_fit_browser.py",
    "tests/test_report_any_page.py",
    "tests/test_bad_input.py",
    "tests/test_report_build.py",
    "tests/test_report_browser.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The slowest test files come first; the rest keep their order."""
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


needs_shared_pages = pytest.mark.skipif(
    not (SHARED_PAGES / "README.md").is_file(),
    reason=f"the shared real pages {SHARED_PAGES} are not present (they live beside the project in the build workspace)",
)


def page_lines(path: Path) -> list[str]:
    """Return a page's lines read straight from the file, white space normalised as a reader sees it."""
    text = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
    return [" ".join(line.replace("\u00a0", " ").split()) for line in text.split("\n")]


def write_page(folder: Path, name: str, text: str, newline: str = "\n") -> Path:
    """Write page text (LF in `text`) to folder/name as UTF-8 with the given line ending; return its path."""
    path = folder / name
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


_EXTRACTED: dict[tuple[str, bytes] | None, tuple[dict[str, pd.DataFrame], list[warnings.WarningMessage]]] = {}


def extract_quietly(path: Path) -> tuple[dict[str, pd.DataFrame], list[warnings.WarningMessage]]:
    """Extract a page, returning its tables (a copy each caller may change) and the warnings it raised.

    Many tests read the same fixture pages: a page whose bytes were extracted before in this process is not
    extracted again (~0.1 s each).
    """
    try:
        key: tuple[str, bytes] | None = (str(Path(path).resolve()), Path(path).read_bytes())
    except OSError:  # unreadable: extract_page raises, saying why
        key = None
    if key is None or key not in _EXTRACTED:
        from analysis.data.extract import extract_page

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tables = extract_page(path)
        _EXTRACTED[key] = tables, list(caught)
    tables, caught = _EXTRACTED[key]
    return {name: table.copy(deep=True) for name, table in tables.items()}, list(caught)


def run_cli(*args: str | Path, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    """Run `python -m analysis ARGS` as a user would and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "analysis", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def extract_command(path: Path, out: Path) -> tuple[int, str, str]:
    """`python -m analysis extract PATH --out OUT` through the CLI's entry point in this process: (exit code, stdout, stderr).

    main's return value is the process's exit code (`python -m analysis` exits with it); an exception
    escaping it would fail the test here as it would print a traceback there.
    tests/test_bad_input.py::test_the_command_exits_2_with_one_line runs the command as a separate process.
    """
    from analysis import __main__ as cli

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), warnings.catch_warnings():
        code = cli.main(["extract", str(path), "--out", str(out)])  # it sets warnings.showwarning, restored here
    return code, stdout.getvalue(), stderr.getvalue()


def without_lines(df: pd.DataFrame) -> pd.DataFrame:
    """Return a table without its line-number columns (they depend on how the page was laid out)."""
    return df.drop(columns=[c for c in df.columns if c in LINE_COLUMNS])


def digit_groups(text: str) -> list[str]:
    """Return every number written in digits (thousands commas, decimals) that is not part of a word like "Brummy40"."""
    return re.findall(r"(?<![A-Za-z\d.,])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)", text)


@pytest.fixture(scope="session", autouse=True)
def shared_library_server() -> Iterator[None]:
    """A test worker's in-process warm builds fork their fork server from one library server (the libraries
    are imported once per worker, not once per build); command-line builds still start their own."""
    from analysis.report.warm import shared_libraries

    with shared_libraries(varying=["PYTEST_CURRENT_TEST"]):  # pytest names the running test in the environment
        yield


@pytest.fixture(scope="session")
def raw_text() -> str:
    """The committed dystonia page as text."""
    return RAW_PAGE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def raw_lines() -> list[str]:
    """The committed dystonia page's lines, read independently of the parser."""
    return page_lines(RAW_PAGE)


@pytest.fixture(scope="session")
def dystonia() -> dict[str, pd.DataFrame]:
    """The tables extracted from the committed dystonia page."""
    from analysis.data.extract import extract_page

    return extract_page(RAW_PAGE)

