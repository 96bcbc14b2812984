"""Fault injection: kills at several points, concurrent builds, a full disk, a read-only target, corrupted caches.

Whatever happens, the output folder holds the previous complete output or a new complete one, the
command says so in one line (never a traceback), and no process outlives the build.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from analysis import __main__ as cli
from analysis import output_dir
from analysis.report import build as report
from analysis.report.cache import CACHE_DIRNAME
from tests.conftest import MANIFEST, PROCESSED, PROJECT_ROOT, RAW_PAGE
from tests.process_support import processes_with
from tests.test_report_build import toy_types, write_notebook

OLD_AS_OF, NEW_AS_OF = "2026-11-25", "2027-01-31"


def toy_as_of(path: Path) -> Path:
    """Toy notebook that shows the as-of date it was run with, and takes a moment."""
    return write_notebook(path, [
        new_markdown_cell("# As of"),
        new_code_cell("import os, time\ntime.sleep(0.5)\nprint('as of', os.environ['DYSTONIA_FACTS_AS_OF'])"),
    ])


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder (cache included), keyed by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def is_complete(out: Path) -> bool:
    """True when every published file matches the manifest the same build wrote, and no other file is there."""
    manifest = json.loads((out / CACHE_DIRNAME / "manifest.json").read_text())
    from analysis.report.cache import published_files

    return published_files(out) == manifest["files"]


def assert_no_processes_left(marker: str, within: float = 10.0) -> None:
    """No process carrying marker remains (after at most `within` seconds)."""
    deadline = time.monotonic() + within
    while (left := processes_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left, f"processes left behind: {left}"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A private copy of the raw page, two toy notebooks and a report built as of OLD_AS_OF."""
    root = tmp_path_factory.mktemp("faults")
    raw = root / "raw"
    raw.mkdir()
    page = Path(shutil.copy2(RAW_PAGE, raw / RAW_PAGE.name))
    shutil.copy2(MANIFEST, raw / MANIFEST.name)
    nbs = root / "notebooks"
    nbs.mkdir()
    notebooks = [toy_as_of(nbs / "00-as-of.ipynb"), toy_types(nbs / "01-types.ipynb")]
    old = root / "old"
    assert report.main(_report_args(page, old, notebooks, OLD_AS_OF)) == 0
    return {"root": root, "page": page, "notebooks": notebooks, "old": old, "old_files": snapshot(old)}


def _report_args(page: Path, out: Path, notebooks: list[Path], as_of: str, *extra: str) -> list[str]:
    """The report command's arguments for the toy notebooks."""
    return ["--page", str(page), "--out", str(out), "--as-of", as_of, "--notebooks", *map(str, notebooks), *extra]


def command(page: Path, out: Path, notebooks: list[Path], as_of: str, *extra: str) -> list[str]:
    """The report command line for the toy notebooks."""
    return [sys.executable, "-m", "analysis", "report", *_report_args(page, out, notebooks, as_of, *extra)]


def run_cli(page: Path, out: Path, notebooks: list[Path], as_of: str, *extra: str) -> subprocess.CompletedProcess:
    """Run the report command to the end."""
    return subprocess.run(command(page, out, notebooks, as_of, *extra), cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=300)


def as_in_a_terminal() -> None:
    """In the build's process before it starts: Ctrl-C stops it, as in a terminal's foreground job. A test run
    started in the background by a script (`make test &`) ignores SIGINT, and its children would inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_paused(setup: dict, out: Path, point: str, release: Path | None = None) -> subprocess.Popen:
    """Start a rebuild as of NEW_AS_OF that pauses at `point`; return once it has got there."""
    env = dict(os.environ, **{output_dir.PAUSE_ENV: point + (f":{release}" if release else "")})
    proc = subprocess.Popen(command(setup["page"], out, setup["notebooks"], NEW_AS_OF, "--force"),
                            cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, start_new_session=True, preexec_fn=as_in_a_terminal)
    seen = []
    assert proc.stderr is not None
    for line in proc.stderr:
        seen.append(line)
        if line.strip() == f"paused at {point}":
            return proc
    proc.wait(30)
    raise AssertionError(f"never paused at {point}: {''.join(seen)}")


def fresh_copy(setup: dict, tmp_path: Path) -> Path:
    """A copy of the old report to rebuild over."""
    out = tmp_path / "reports"
    shutil.copytree(setup["old"], out)
    return out


@pytest.mark.parametrize(("point", "sig"), [
    ("notebook-done", signal.SIGINT),  # one notebook exported, the other's kernel still running
    ("notebook-done", signal.SIGKILL),
    ("before-swap", signal.SIGINT),  # the complete new report staged beside the old one
    ("before-swap", signal.SIGKILL),
])  # fmt: skip
def test_killed_rebuild_leaves_the_old_report(setup: dict, tmp_path: Path, point: str, sig: signal.Signals) -> None:
    """A rebuild killed before its swap leaves the previous report byte for byte; Ctrl-C says so in one line."""
    out = fresh_copy(setup, tmp_path)
    proc = start_paused(setup, out, point)
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)  # Ctrl-C reaches the whole foreground process group
    else:
        proc.kill()  # only the main process dies
    _, err = proc.communicate(timeout=60)
    assert snapshot(out) == setup["old_files"]
    assert_no_processes_left(str(setup["page"]))
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "Traceback" not in err, err
        assert err.strip().splitlines()[-1].startswith("interrupted: the build stopped and"), err
    if point == "before-swap" and sig == signal.SIGKILL:  # the next build cleans up and succeeds
        assert list(tmp_path.glob(".reports.build-*"))
        assert [p.name.split("-")[2] for p in output_dir.orphans(proc.pid)] == ["parts"]  # in the temporary folder
        assert report.main(_report_args(setup["page"], out, setup["notebooks"], NEW_AS_OF)) == 0
        assert is_complete(out) and f"as of {NEW_AS_OF}" in (out / "00-as-of.html").read_text()
        assert not list(tmp_path.glob(".reports.build-*"))
        assert output_dir.orphans(proc.pid) == []


def test_killed_after_the_swap_leaves_the_new_report(setup: dict, tmp_path: Path) -> None:
    """Killed just after the swap: the report is entirely the new one."""
    out = fresh_copy(setup, tmp_path)
    proc = start_paused(setup, out, "swapped")
    proc.kill()
    proc.communicate(timeout=60)
    assert is_complete(out)
    assert f"as of {NEW_AS_OF}" in (out / "00-as-of.html").read_text() and NEW_AS_OF in (out / "index.html").read_text()
    assert OLD_AS_OF not in (out / "00-as-of.html").read_text()
    assert_no_processes_left(str(setup["page"]))


def test_concurrent_builds(setup: dict, tmp_path: Path) -> None:
    """A second build into the same folder is refused in one line while the first runs; the first completes."""
    out = fresh_copy(setup, tmp_path)
    release = tmp_path / "release"
    first = start_paused(setup, out, "executed", release)
    second = run_cli(setup["page"], out, setup["notebooks"], OLD_AS_OF, "--force")
    assert second.returncode == 1, second.stderr
    assert second.stderr.strip() == (f"error: another build is writing {out} (it holds {tmp_path / '.reports.lock'}): "
                                     "wait for it to finish, or stop it, and run again"), second.stderr
    assert snapshot(out) == setup["old_files"]
    release.touch()
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert is_complete(out) and f"as of {NEW_AS_OF}" in (out / "00-as-of.html").read_text()
    assert_no_processes_left(str(setup["page"]))


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The single stderr line of a failed command (no traceback)."""
    err = capsys.readouterr().err
    lines = [line for line in err.strip().splitlines() if not line.startswith("[")]
    assert "Traceback" not in err and len(lines) == 1, err
    return lines[0]


def _report_main(setup: dict, out: Path, *extra: str) -> int:
    """report.main for the toy notebooks and the page copy."""
    return report.main(_report_args(setup["page"], out, setup["notebooks"], NEW_AS_OF, *extra))


def test_full_disk_while_writing_the_report(setup: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """ENOSPC while the report is written (simulated): one line naming the file, the old report untouched."""
    out = fresh_copy(setup, tmp_path)

    def full(folder: Path) -> None:
        """Write half a file, then run out of space."""
        (folder / "assets").mkdir(exist_ok=True)
        (folder / "assets" / "plotly.min.js").write_bytes(b"x" * 100)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder / "assets" / "plotly.min.js"))

    monkeypatch.setattr(report, "write_assets", full)
    assert _report_main(setup, out, "--force") == 1
    line = _one_error_line(capsys)
    assert "plotly.min.js: No space left on device" in line and line.endswith(f"{out} is unchanged"), line
    assert snapshot(out) == setup["old_files"]
    assert not list(tmp_path.glob(".reports.build-*"))


def test_read_only_target(setup: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    """A target on a read-only file system (simulated: root ignores permissions) fails in one line."""
    out = fresh_copy(setup, tmp_path)

    writable_mkdtemp = output_dir.tempfile.mkdtemp

    def read_only(suffix: str | None = None, prefix: str | None = None, dir: str | None = None) -> str:  # noqa: A002 - tempfile's own name
        """Refuse like a read-only mount, for folders on the target's file system only (the system's temp stays writable)."""
        if dir is not None and Path(dir) == out.parent:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), dir)
        return writable_mkdtemp(suffix, prefix, dir)

    monkeypatch.setattr(output_dir.tempfile, "mkdtemp", read_only)
    assert _report_main(setup, out, "--force") == 1
    line = _one_error_line(capsys)
    assert line.startswith(f"error: cannot write beside {tmp_path}: Read-only file system"), line
    assert snapshot(out) == setup["old_files"]


@pytest.mark.parametrize("damage", ["manifest-shape", "manifest-garbage", "cache-is-a-file", "csv", "page", "asset",
                                    "stray-file", "missing-index"])
def test_damaged_cache_or_output_is_rebuilt(setup: dict, tmp_path: Path, damage: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed cache is discarded and rebuilt (one note line); a changed or extra published file is repaired."""
    out = fresh_copy(setup, tmp_path)
    cache = out / CACHE_DIRNAME
    if damage == "manifest-shape":
        (cache / "manifest.json").write_text('{"version": "2", "notebooks": [], "files": 3, "index": {}}')
    elif damage == "manifest-garbage":
        (cache / "manifest.json").write_bytes(b"\xff\x00{")
    elif damage == "cache-is-a-file":
        shutil.rmtree(cache)
        cache.write_text("not a folder")
    elif damage == "csv":
        (out / "data" / "facts.csv").write_text("8 bytes\n")
    elif damage == "page":
        (out / "01-types.html").write_text("<p>edited</p>")
    elif damage == "asset":
        (out / "assets" / "plotly.min.js").write_bytes(b"")
    elif damage == "stray-file":
        (out / "05-removed.html").write_text("<p>from an older build</p>")
    else:
        (out / "index.html").unlink()
    assert report.main(_report_args(setup["page"], out, setup["notebooks"], OLD_AS_OF)) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if damage.startswith(("manifest", "cache")):
        assert "discarding the cache and rebuilding everything" in err, err
    assert is_complete(out)
    published = {k: v for k, v in snapshot(out).items() if not k.startswith(CACHE_DIRNAME)}
    assert published == {k: v for k, v in setup["old_files"].items() if not k.startswith(CACHE_DIRNAME)}


def test_checks_before_any_kernel(setup: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Bad page, as-of dates and output folders are refused in one line before anything is built."""
    out = tmp_path / "out"
    folder_page = tmp_path / "a folder"
    folder_page.mkdir()
    cases = [
        (["--page", str(folder_page)], "is a folder, not a saved page"),
        (["--as-of", "garbage"], "--as-of (make: AS_OF) 'garbage' is not a date: write it as YYYY-MM-DD"),
        (["--as-of", "9999-12-31"], "--as-of (make: AS_OF) 9999-12-31 is outside the dates pandas can hold"),
        (["--as-of", "2010-01-01"], "as-of date 2010-01-01 is before the page was captured (on or after 2014-03-29"),
        (["--out", str(RAW_PAGE)], "it is a file, not a folder"),
        (["--out", str(tmp_path / "missing" / "out")], "its parent folder"),
        (["--out", str(PROJECT_ROOT / "analysis")], "holds no previous output of this command"),
    ]
    for args, words in cases:
        argv = ["--page", str(setup["page"]), "--out", str(out), "--notebooks", *map(str, setup["notebooks"])]
        argv += args
        code = report.main(argv)
        line = _one_error_line(capsys)
        assert code in (1, 2) and words in line, (args, line)
    assert not out.exists() and not list(tmp_path.glob(".out.build-*"))
    report.check_report_page(setup["page"], "2010-01-01", allow_before_capture=True)  # the explicit flag


@pytest.mark.parametrize(("content", "words"), [
    ('{"cells": [\n  {"cell_type": "markdown", "source": "# A"},\n  oops\n]}\n', ":3: notebook: is not valid JSON: Expecting value (column 3)"),
    ("", ":1: notebook: is not valid JSON: Expecting value (column 1)"),
    ("[]", ": notebook: is not a notebook: an object with a list of cells is expected"),
    (b"\xff{}", ": notebook: is not UTF-8 text (byte 0)"),
])  # fmt: skip
def test_a_broken_notebook_file_is_named_with_its_line(setup: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       content: str | bytes, words: str) -> None:
    """A notebook file that is not a notebook's JSON is refused in one line naming the file and the line (exit 2);
    the previous report stays."""
    out = fresh_copy(setup, tmp_path)
    broken = tmp_path / "01-types.ipynb"
    broken.write_bytes(content if isinstance(content, bytes) else content.encode())
    argv = ["--page", str(setup["page"]), "--out", str(out), "--as-of", OLD_AS_OF, "--notebooks", str(setup["notebooks"][0]),
            str(broken)]
    assert report.main(argv) == 2
    assert _one_error_line(capsys) == f"error: {broken}{words}"
    assert snapshot(out) == setup["old_files"]


def test_summary_with_a_bad_as_of_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """`summary` names the environment variable that holds a bad date."""
    monkeypatch.setenv("DYSTONIA_FACTS_AS_OF", "31/12/2026")
    assert cli.main(["summary", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == ("error: the environment variable DYSTONIA_FACTS_AS_OF '31/12/2026' is "
                                               "not a date: write it as YYYY-MM-DD, e.g. 2026-11-25")


# --------------------------------------------------------------------------- extract


def processed_copy(tmp_path: Path) -> Path:
    """A copy of data/processed to write over."""
    return Path(shutil.copytree(PROCESSED, tmp_path / "processed"))


def test_extract_full_disk_leaves_the_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """ENOSPC half-way through a table: one line, and every table exactly as it was."""
    from analysis.data import extract

    folder = processed_copy(tmp_path)
    before = snapshot(folder)
    real = extract.write_csv

    def fill_up(df: object, path: Path) -> Path:
        """Write facts.csv cut off mid-row, then fail like a full disk."""
        if path.name != "facts.csv":
            return real(df, path)
        path.write_text("fact_id,value\nuk_prev")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(extract, "write_csv", fill_up)
    assert cli.main(["extract", str(RAW_PAGE), "--out", str(folder)]) == 1
    line = _one_error_line(capsys)
    assert "facts.csv: No space left on device" in line and line.endswith("nothing was replaced"), line
    assert snapshot(folder) == before and not list(tmp_path.glob(".processed.build-*"))


def test_extract_killed_before_swap(tmp_path: Path) -> None:
    """SIGKILL just before the swap leaves the old tables; the next extract cleans up."""
    folder = processed_copy(tmp_path)
    (folder / "facts.csv").write_text("old\n")  # so that old and new differ
    before = snapshot(folder)
    env = dict(os.environ, **{output_dir.PAUSE_ENV: "extract-before-swap"})
    proc = subprocess.Popen([sys.executable, "-m", "analysis", "extract", str(RAW_PAGE), "--out", str(folder)],
                            cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    assert proc.stderr.readline().strip() == "paused at extract-before-swap"
    assert list(tmp_path.glob(".processed.build-*"))
    proc.kill()
    proc.communicate(timeout=30)
    assert snapshot(folder) == before
    assert cli.main(["extract", str(RAW_PAGE), "--out", str(folder)]) == 0
    assert snapshot(folder) == snapshot(PROCESSED) and not list(tmp_path.glob(".processed.build-*"))


def test_extract_over_another_pages_tables_needs_replace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Another page's tables are not written over a folder of tables without --replace; with it, its summary goes."""
    folder = processed_copy(tmp_path)
    before = snapshot(folder)
    other = PROJECT_ROOT / "tests" / "fixtures" / "pages" / "no-comments.txt"
    assert cli.main(["extract", str(other), "--out", str(folder)]) == 1
    line = _one_error_line(capsys)
    assert "holds the tables of data/raw/nhs-choices-dystonia-2013.txt" in line and "pass --replace" in line, line
    assert snapshot(folder) == before
    assert cli.main(["extract", str(other), "--out", str(folder), "--replace"]) == 0
    assert "no-comments.txt" in (folder / "page.csv").read_text() and not (folder / "summary.csv").exists()
    assert cli.main(["extract", str(RAW_PAGE), "--out", str(folder), "--replace", "--summary"]) == 0
    assert snapshot(folder) == before


def test_extract_unreadable_page_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """An I/O error reading the page names the page and the reason in one line."""
    real = Path.read_bytes

    def failing(self: Path) -> bytes:
        """EIO for the page only."""
        if self.name == RAW_PAGE.name:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", failing)
    assert cli.main(["extract", str(RAW_PAGE), "--out", str(tmp_path / "out")]) == 2
    line = _one_error_line(capsys)
    assert line.startswith("error: data/raw/nhs-choices-dystonia-2013.txt: file: cannot be read: Input/output error")


def test_extract_into_a_file_or_missing_parent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--out that is a file or under a missing folder is one line, exit 1."""
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    for out, words in [(afile, "it is a file, not a folder"), (tmp_path / "no" / "out", "does not exist")]:
        assert cli.main(["extract", str(RAW_PAGE), "--out", str(out)]) == 1
        assert words in _one_error_line(capsys)


# --------------------------------------------------------------------------- make


def _make(*args: str) -> list[str]:
    """Commands `make -n` would run (nothing is run)."""
    done = subprocess.run(["make", "-n", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_make_notices_an_edited_processed_table(tmp_path: Path) -> None:
    """With an up-to-date stamp `make data` does nothing; an edited (newer) facts.csv makes it extract again."""
    stamp = tmp_path / "processed.stamp"
    stamp.touch()
    future = time.time() + 3600
    os.utime(stamp, (future, future))
    venv = ("-o", ".venv/.installed")  # whether pyproject.toml changed since `make venv` is not the point here
    assert not [c for c in _make(*venv, "data", f"PROCESSED={stamp}") if "analysis extract" in c]
    assert [c for c in _make(*venv, "-W", "data/processed/facts.csv", "data", f"PROCESSED={stamp}")
            if "analysis extract" in c]


def test_make_quotes_its_variables() -> None:
    """PAGE, OUT and AS_OF with spaces reach the command as single arguments."""
    import shlex

    lines = _make("-o", "data", "-o", ".venv/.installed", "report", "PAGE=a page/with spaces.txt",
                  "OUT=an out dir", "AS_OF=2027-01-31")
    argv = shlex.split(next(c for c in lines if "analysis report" in c))
    assert argv[argv.index("--page") + 1] == "a page/with spaces.txt"
    assert argv[argv.index("--out") + 1] == "an out dir"
    assert argv[argv.index("--as-of") + 1] == "2027-01-31"


# --------------------------------------------------------------------------- small ones


def test_pseudonyms_stay_short() -> None:
    """A..Z, AA, AB, ..., ZZ, AAA: distinct and short for any number of commenters."""
    from analysis.page.template import pseudonym_letters

    names = [pseudonym_letters(i) for i in range(20_000)]
    assert names[:3] == ["A", "B", "C"] and names[25:28] == ["Z", "AA", "AB"] and names[701:703] == ["ZZ", "AAA"]
    assert len(set(names)) == len(names) and max(map(len, names)) == 4


def test_only_the_temporary_folders_of_ended_builds_are_removed() -> None:
    """remove_orphans removes a private temporary folder whose process has ended, never a running one's."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    dead = Path(tempfile.mkdtemp(prefix=f"{output_dir.PARTS_PREFIX}{ended.pid}-"))
    (dead / "part.json").write_text("{}")
    live = output_dir.private_tempdir(output_dir.SOCKETS_PREFIX)
    try:
        assert live.name.startswith(f"{output_dir.SOCKETS_PREFIX}{os.getpid()}-")
        assert dead in output_dir.orphans() and live not in output_dir.orphans()
        output_dir.remove_orphans()
        assert not dead.exists() and live.is_dir()
    finally:
        shutil.rmtree(dead, ignore_errors=True)
        shutil.rmtree(live, ignore_errors=True)


# A process that makes a build's private temporary folder and ends without removing it.
LEFT_AT_EXIT = """
from analysis import output_dir
print(output_dir.private_tempdir(output_dir.SOCKETS_PREFIX), flush=True)
"""


def test_a_process_that_ends_takes_its_temporary_folders_with_it() -> None:
    """A build's private temporary folder still there when its process ends (its thread stopped before its own
    clean-up) is removed as the process ends (atexit; `python -m analysis` calls the same before os._exit), not
    left in /tmp for the next build to find."""
    result = subprocess.run([sys.executable, "-c", LEFT_AT_EXIT], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=60, check=True)
    folder = Path(result.stdout.strip())
    assert folder.name.startswith(output_dir.SOCKETS_PREFIX)
    assert not folder.exists()
