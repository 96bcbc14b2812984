"""The report builds for another copy of the dystonia page: one with no comment section at all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis import __main__ as cli
from tests.conftest import RAW_PAGE


def without_comments(folder: Path) -> Path:
    """Write the dystonia page with its comment section (count line to last report line) removed."""
    lines = RAW_PAGE.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("The 3 comments posted"))
    end = max(i for i, line in enumerate(lines) if line.startswith("Report this content"))
    path = folder / "dystonia-no-comments.txt"
    path.write_text("\n".join(lines[:start] + lines[end + 1 :]), encoding="utf-8")
    return path


def test_report_for_a_copy_without_comments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every notebook runs for the variant, without its comment sections; the index says why and leaves out the comment caveat."""
    out = tmp_path / "report"
    code = cli.main(["report", "--page", str(without_comments(tmp_path)), "--out", str(out)])  # in this process
    assert code == 0, capsys.readouterr().err
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "unverified personal views" not in index and "lower bound" in index
    assert (out / "data" / "comments.csv").read_text(encoding="utf-8").count("\n") == 1  # the header only
    feedback = (out / "04-page-feedback.html").read_text(encoding="utf-8")
    assert "How the comments read" not in feedback and "the page has no comment section" in feedback
    assert "because the page has no comment section" in index  # the index says why those sections are left out
    for page in out.glob("*.html"):  # every local link of every page (the overview links the others) resolves
        html = page.read_text(encoding="utf-8")
        targets = {t.split("#")[0] for t in re.findall(r'(?:href|src)="(?![a-z]+:)([^"#]+)', html)} - {""}
        assert targets, page.name
        assert all((out / t).is_file() for t in targets), (page.name, [t for t in targets if not (out / t).is_file()])
    assert 'href="01-prevalence.html"' in (out / "00-overview.html").read_text(encoding="utf-8")
