"""Bad input gives one clear line naming the file, line and field, and exit code 2 from the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from analysis.data.extract import extract_page
from analysis.page.errors import PageError
from analysis.page.provenance import manifest_entry, verify_checksum
from analysis.page.text import read_page
from tests.conftest import MANIFEST, PROJECT_ROOT, RAW_PAGE, extract_command, run_cli, write_page


def _raw_lines() -> list[str]:
    """The dystonia page's lines exactly as stored (LF-separated)."""
    return RAW_PAGE.read_text(encoding="utf-8").split("\n")


def _line_of(text: str) -> int:
    """Return the 1-based line of the dystonia page that starts with `text`."""
    return next(no for no, line in enumerate(_raw_lines(), 1) if line.startswith(text))


def _error_line(code: int, out: str, err: str) -> str:
    """Check the CLI failed cleanly with exit code 2 and one error line; return that line."""
    assert code == 2, (code, out, err)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert not out.strip(), "nothing may be written for a bad page"
    return lines[0]


def _fails(path: Path, tmp_path: Path, where: str, field: str, *words: str) -> PageError:
    """Assert the CLI and extract_page both refuse `path`, naming `where` (file[:line]) and the field."""
    out = tmp_path / "out"
    line = _error_line(*extract_command(path, out))
    assert line.startswith(f"error: {where}: {field}: "), line
    for word in words:
        assert word in line, (word, line)
    assert not out.exists() or not any(out.iterdir())
    with pytest.raises(PageError) as exc:
        extract_page(path)
    assert exc.value.field == field and f"{exc.value.file}:{exc.value.line}".startswith(where.split(":")[0])
    return exc.value


def test_the_command_exits_2_with_one_line(tmp_path) -> None:
    """Run as a separate process, the command refuses a bad page with exit code 2 and the same single line."""
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    done = run_cli("extract", path, "--out", tmp_path / "out")
    line = _error_line(done.returncode, done.stdout, done.stderr)
    assert line == _error_line(*extract_command(path, tmp_path / "out"))
    assert line.startswith("error: empty.txt: file: ") and "empty" in line, line
    assert not (tmp_path / "out").exists()


def test_empty_file(tmp_path) -> None:
    """An empty (or blank) file is named as empty."""
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    _fails(path, tmp_path, "empty.txt", "file", "empty")
    path.write_bytes(b"\n \n\t\n")
    _fails(path, tmp_path, "empty.txt", "file", "empty")


def test_binary_data(tmp_path) -> None:
    """Binary data (a NUL byte) is refused, naming the line it is on."""
    path = tmp_path / "picture.txt"
    path.write_bytes(b"Dystonia\n\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    err = _fails(path, tmp_path, "picture.txt:5", "file", "binary")
    assert err.line == 5


def test_truncated_in_the_middle_of_a_comment(tmp_path) -> None:
    """A page cut inside the second comment names that comment's header line and the missing end."""
    text = RAW_PAGE.read_text(encoding="utf-8")
    cut = text[: text.index("He got worse as the years went on")]
    path = write_page(tmp_path, "cut.txt", cut)
    header = _line_of("Brummy40 said on")
    _fails(path, tmp_path, f"cut.txt:{header}", "comment_text", "Brummy40", "truncated")


def test_truncated_before_the_comments_end_marker(tmp_path) -> None:
    """A page cut right after a comment's text (before "Report this content") is refused as truncated too."""
    lines = _raw_lines()
    end = _line_of("pauline15 said on") + 2
    path = write_page(tmp_path, "cut.txt", "\n".join(lines[:end]) + "\n")
    _fails(path, tmp_path, f"cut.txt:{end - 2}", "comment_text", "pauline15", "truncated")


@pytest.mark.parametrize(("keep", "field"), [
    (8, "facts.uk_prevalence"),  # only the opening lines: "Who is affected by dystonia?" survives
    (40, "facts.main_treatments_count"),  # cut inside "Causes of dystonia"
    (72, "facts.focal_progression_years"),  # cut just before the course of the condition
])  # fmt: skip
def test_truncated_before_the_facts(tmp_path, keep: int, field: str) -> None:
    """A dystonia page cut before some of its facts names the first missing fact (its topic line is gone too)."""
    path = write_page(tmp_path, "cut.txt", "\n".join(_raw_lines()[:keep]) + "\n")
    assert "Find and choose services" not in path.read_text()
    _fails(path, tmp_path, "cut.txt", field, "not found", "truncated")


def test_truncated_to_the_first_line(tmp_path) -> None:
    """A page with nothing of the template left is refused rather than read as a page with no data."""
    path = write_page(tmp_path, "cut.txt", _raw_lines()[0] + "\n")
    _fails(path, tmp_path, "cut.txt", "page", "cut short")


def test_impossible_comment_date(tmp_path) -> None:
    """31 February is refused, naming the comment header's line and the date field."""
    text = RAW_PAGE.read_text(encoding="utf-8").replace("morbitz1 said on 29 March 2014", "morbitz1 said on 31 February 2014")
    path = write_page(tmp_path, "bad-date.txt", text)
    _fails(path, tmp_path, f"bad-date.txt:{_line_of('morbitz1 said on')}", "comment_date", "31 February 2014")


def test_impossible_review_date(tmp_path) -> None:
    """An impossible "Page last reviewed" date names its line and field."""
    text = RAW_PAGE.read_text(encoding="utf-8").replace("Page last reviewed: 19/06/2013", "Page last reviewed: 31/06/2013")
    path = write_page(tmp_path, "bad-date.txt", text)
    _fails(path, tmp_path, f"bad-date.txt:{_line_of('Page last reviewed')}", "page_last_reviewed", "31/06/2013")


@pytest.mark.parametrize("stated", ["2", "4"])
def test_stated_comment_count_disagrees(tmp_path, stated: str) -> None:
    """"The N comments posted" with N not the number of comments found names the count's line."""
    text = RAW_PAGE.read_text(encoding="utf-8").replace("The 3 comments posted", f"The {stated} comments posted")
    path = write_page(tmp_path, "count.txt", text)
    _fails(path, tmp_path, f"count.txt:{_line_of('The 3 comments posted')}", "comments.stated_count", f"states {stated}", "3 were found")


def test_ratings_breakdown_disagrees_with_total(tmp_path) -> None:
    """A breakdown that does not add up to "Based on N ratings" names the total's line."""
    shared = PROJECT_ROOT.parent / "shared" / "pages" / "chickenpox.txt"
    if not shared.is_file():
        pytest.skip(f"the shared page {shared} is not present")
    text = shared.read_text(encoding="utf-8").replace("619 ratings", "618 ratings")
    path = write_page(tmp_path, "chickenpox.txt", text)
    line = next(no for no, ln in enumerate(text.split("\n"), 1) if ln.startswith("Based on 1200"))
    _fails(path, tmp_path, f"chickenpox.txt:{line}", "ratings_count", "1199", "1200")


def _raw_copy(tmp_path: Path) -> Path:
    """Copy data/raw (the page and MANIFEST.json) into tmp_path; return the copied page."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy2(RAW_PAGE, raw / RAW_PAGE.name)
    shutil.copy2(MANIFEST, raw / MANIFEST.name)
    return raw / RAW_PAGE.name


def test_manifest_is_found_beside_the_file(tmp_path) -> None:
    """A copy of data/raw is checked against the MANIFEST.json in its own folder; unchanged, it passes."""
    page = _raw_copy(tmp_path)
    entry = manifest_entry(page, page.parent / "MANIFEST.json")
    assert entry is not None and entry["sha256"] == json.loads(MANIFEST.read_text())["files"][0]["sha256"]
    assert extract_page(page)["page"]["sha256"].iloc[0] == entry["sha256"]
    assert manifest_entry(tmp_path / "elsewhere.txt") is None


def test_changed_checksum(tmp_path) -> None:
    """One changed byte in a raw copy is refused against its own folder's manifest, naming the sha256 field."""
    page = _raw_copy(tmp_path)
    data = bytearray(page.read_bytes())
    at = data.index(b"70,000")
    data[at] = ord("8")  # 70,000 -> 80,000: still a readable page, but not the one recorded
    page.write_bytes(bytes(data))
    err = _fails(page, tmp_path, RAW_PAGE.name, "sha256", "the file changed", "MANIFEST.json")
    assert err.line is None
    with pytest.raises(PageError, match="sha256"):
        verify_checksum(read_page(page), page.parent / "MANIFEST.json")


def test_committed_page_passes_its_checksum() -> None:
    """The committed raw page matches its manifest entry."""
    entry = verify_checksum(read_page(RAW_PAGE))
    assert entry is not None and entry["file"] == RAW_PAGE.name


def test_file_of_100_mb(tmp_path) -> None:
    """A 100 MB (sparse) file is refused by size before it is read."""
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(100 * 1024 * 1024)
    assert path.stat().st_size == 104_857_600
    _fails(path, tmp_path, "huge.txt", "file", "104,857,600 bytes", "too large")


def test_not_utf8(tmp_path) -> None:
    """Latin-1 bytes are refused, naming the line of the first bad byte and the encoding field."""
    data = RAW_PAGE.read_bytes().replace("Parkinson\u2019s disease.".encode(), "Parkinson\xb4s disease.".encode("latin-1"), 1)
    path = tmp_path / "latin1.txt"
    path.write_bytes(data)
    err = _fails(path, tmp_path, f"latin1.txt:{_line_of('Secondary dystonia is where')}", "encoding", "not UTF-8", "0xb4")
    assert err.line == 43


def test_missing_file(tmp_path) -> None:
    """A path that does not exist is named as missing."""
    _fails(tmp_path / "nowhere.txt", tmp_path, "nowhere.txt", "file", "no such file")


def test_bullet_without_a_dash(tmp_path) -> None:
    """A type bullet that is not "Name - definition" is refused rather than read as a nameless type."""
    text = RAW_PAGE.read_text(encoding="utf-8").replace("Hemidystonia - where", "Hemidystonia, where")
    path = write_page(tmp_path, "dash.txt", text)
    _fails(path, tmp_path, f"dash.txt:{_line_of('  • Hemidystonia')}", "types", "Name - definition")


def test_folder_given_as_the_page(tmp_path) -> None:
    """A folder is named as a folder, not as a missing file."""
    folder = tmp_path / "pages"
    folder.mkdir()
    _fails(folder, tmp_path, "pages", "file", "is a folder")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_named_as_utf16(tmp_path, encoding: str) -> None:
    """UTF-16 text (with or without a byte-order mark) is called UTF-16, not binary data."""
    path = tmp_path / "wide.txt"
    path.write_bytes(RAW_PAGE.read_text(encoding="utf-8").encode(encoding))
    _fails(path, tmp_path, "wide.txt", "encoding", "UTF-16", "save the page as UTF-8")
