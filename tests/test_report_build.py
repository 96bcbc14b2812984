"""Tests for analysis.report.build: execution, caching, failures, determinism and size (toy notebooks)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis.report import build as report
from analysis.report import cache as report_cache
from analysis.report import warm
from analysis.report.build import ReportResult, build_report
from tests.process_support import alive

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
CHART_CELL = (
    "import plotly.express as px\n"
    "fig = px.bar(df, x='kind', y='n', title='Counts')\n"
    "fig.show()"
)


def write_notebook(path: Path, cells: list[nbformat.NotebookNode]) -> Path:
    """Write a notebook with fixed cell ids (so its bytes are reproducible)."""
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i}"
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC}), path)
    return path


def toy_overview(path: Path) -> Path:
    """Toy notebook: heading, a print of the page and of the toy project's `analysis`, a DataFrame, two plotly figures."""
    return write_notebook(path, [
        new_markdown_cell("# Toy overview\n\nA small notebook."),
        new_code_cell("import os\nimport pandas as pd\nimport analysis\n"
                      "print(os.path.basename(os.environ['DYSTONIA_FACTS_PAGE']), analysis.__doc__)"),
        new_code_cell("df = pd.DataFrame({'kind': ['focal', 'segmental'], 'n': [3, 5]})\ndf"),
        new_code_cell(CHART_CELL),
        new_code_cell("px.line(df, x='kind', y='n')"),
    ])


def toy_types(path: Path) -> Path:
    """Toy notebook with a single plotly figure."""
    return write_notebook(path, [
        new_markdown_cell("Intro text.\n\n## Toy types"),
        new_code_cell("import pandas as pd\ndf = pd.DataFrame({'kind': ['a', 'b'], 'n': [1, 2]})"),
        new_code_cell(CHART_CELL),
    ])


def make_project(root: Path) -> tuple[Path, list[Path]]:
    """Create a miniature project tree (analysis/, data/, notebooks/); return (page, notebooks)."""
    (root / "analysis").mkdir(parents=True)
    (root / "analysis" / "__init__.py").write_text('"""toy"""\n')
    for sub in ("raw", "processed", "external"):
        (root / "data" / sub).mkdir(parents=True)
    (root / "data" / "processed" / "types.csv").write_text("kind,n\nfocal,3\n")
    (root / "data" / "external" / "ref.txt").write_text("reference\n")
    page = root / "data" / "raw" / "page.txt"
    page.write_text("Dystonia is a movement disorder.\n")
    nb_dir = root / "notebooks"
    nb_dir.mkdir()
    return page, [toy_overview(nb_dir / "00-overview.ipynb"), toy_types(nb_dir / "01-types.ipynb")]


def build(root: Path, page: Path, notebooks: list[Path], out: Path, **kw: object) -> ReportResult:
    """build_report against the toy project tree."""
    return build_report(page, out, notebooks, root=root, as_of="2013-06-01", **kw)  # type: ignore[arg-type]


def report_files(out: Path) -> dict[str, bytes]:
    """All report files except the build cache, keyed by relative path."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and report.CACHE_DIRNAME not in p.relative_to(out).parts}


INDEX_NUMBERS, INDEX_CAVEATS = [("Types", "2")], ["Toy data."]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A toy project built once (warm kernels, the default); later tests rebuild into the same out dir."""
    root = tmp_path_factory.mktemp("proj")
    page, notebooks = make_project(root)
    out = root / "reports"
    first = build(root, page, notebooks, out, key_numbers=INDEX_NUMBERS, caveats=INDEX_CAVEATS)
    return {"root": root, "page": page, "notebooks": notebooks, "out": out, "first": first,
            "first_files": report_files(out)}


def test_first_build_runs_everything(project: dict) -> None:
    """A fresh build executes all notebooks and writes pages, assets, CSVs and the index."""
    first: ReportResult = project["first"]
    out: Path = project["out"]
    assert first.ok, first.failures
    assert first.ran == ["00-overview", "01-types"]
    assert [p.title for p in first.pages] == ["Toy overview", "Toy types"]
    assert [p.figures for p in first.pages] == [2, 1]
    for name in ("index.html", "00-overview.html", "01-types.html", "assets/plotly.min.js",
                 "assets/jupyterlab.css", "data/types.csv"):
        assert (out / name).is_file(), name
    overview = (out / "00-overview.html").read_text()
    assert "page.txt toy" in overview  # DYSTONIA_FACTS_PAGE reached the kernel, and the project's own `analysis`
    index = (out / "index.html").read_text()
    assert 'href="00-overview.html">Toy overview<' in index
    assert 'href="data/types.csv"' in index and "Toy data." in index and "2013-06-01" in index


def test_noop_rebuild_is_cached_and_fast(project: dict) -> None:
    """Nothing changed: every notebook is a cache hit and the build takes < 1 s."""
    before = report_files(project["out"])
    start = time.perf_counter()
    again = build(project["root"], project["page"], project["notebooks"], project["out"],
                  key_numbers=INDEX_NUMBERS, caveats=INDEX_CAVEATS)
    elapsed = time.perf_counter() - start
    assert again.cached == ["00-overview", "01-types"] and not again.ran
    assert elapsed < 1.0, f"no-op rebuild took {elapsed:.2f}s"
    assert report_files(project["out"]) == before


def test_changed_notebook_reruns_only_itself(project: dict) -> None:
    """Editing one notebook re-executes that notebook only."""
    nb_path: Path = project["notebooks"][1]
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(new_markdown_cell("Extra note.", id="cell-extra"))
    nbformat.write(nb, nb_path)
    result = build(project["root"], project["page"], project["notebooks"], project["out"])
    assert result.ran == ["01-types"] and result.cached == ["00-overview"]
    assert "Extra note." in (project["out"] / "01-types.html").read_text()


def test_force_reruns_everything(project: dict) -> None:
    """force=True ignores the cache."""
    result = build(project["root"], project["page"], project["notebooks"], project["out"],
                   force=True)
    assert result.ran == ["00-overview", "01-types"]


def test_cache_key_covers_inputs(project: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Page bytes, data/external files, the lock file and the as-of date change every key; a module only its importers'."""
    root: Path = project["root"]
    page: Path = project["page"]
    base = report.shared_inputs_digest(page, root, "2013-06-01")
    assert report.shared_inputs_digest(page, root, "2013-06-01") == base
    assert report.shared_inputs_digest(page, root, "2014-01-01") != base
    other_page = tmp_path / "page.txt"
    other_page.write_text("changed\n")
    assert report.shared_inputs_digest(other_page, root, "2013-06-01") != base
    extra = root / "data" / "external" / "new.txt"
    extra.write_text("x")
    try:
        assert report.shared_inputs_digest(page, root, "2013-06-01") != base
    finally:
        extra.unlink()
    lock = tmp_path / "requirements.lock"
    lock.write_text("pandas==0.0.1\n")
    monkeypatch.setattr(report_cache, "LOCK_FILE", lock)
    assert report.shared_inputs_digest(page, root, "2013-06-01") != base  # an upgrade re-runs everything
    monkeypatch.undo()
    module = root / "analysis" / "helpers.py"
    module.write_text("X = 1\n")
    user = write_notebook(tmp_path / "05-user.ipynb", [new_code_cell("from analysis.helpers import X\nX")])
    others = project["notebooks"]
    try:
        keys = {nb.name: report_cache.notebook_key(nb, base, root) for nb in [user, *others]}
        module.write_text("X = 2\n")
        changed = {nb.name: report_cache.notebook_key(nb, base, root) for nb in [user, *others]}
        assert changed[user.name] != keys[user.name]
        assert all(changed[nb.name] == keys[nb.name] for nb in others)
    finally:
        module.unlink()


def test_import_graph_of_the_real_notebooks() -> None:
    """readability.py is imported (through other modules too) by 04 alone; notebook.py by every notebook."""
    notebooks = report.default_notebooks()
    deps = {nb.stem: {p.name for p in report_cache.notebook_modules(nb, report.ROOT)} for nb in notebooks}
    assert [name for name, mods in deps.items() if "readability.py" in mods] == ["04-page-feedback"]
    assert all("notebook.py" in mods and "load.py" in mods and "extract.py" in mods for mods in deps.values())


def test_failing_notebook_names_notebook_and_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A raising cell fails the build; the CLI names notebook, cell index and error, exit 1."""
    page, _ = make_project(tmp_path / "proj")
    bad = write_notebook(tmp_path / "proj" / "notebooks" / "02-broken.ipynb", [
        new_markdown_cell("# Broken"),
        new_code_cell("x = 1"),
        new_code_cell("y = x / 0"),
        new_code_cell("print('never')"),
    ])
    code = report.main(["report", "--page", str(report.DEFAULT_PAGE), "--out", str(tmp_path / "out"),
                        "--notebooks", str(bad)])
    err = capsys.readouterr().err
    assert code == 1
    assert "02-broken" in err and "cell index 2" in err and "ZeroDivisionError: division by zero" in err
    assert re.search(r"\[1/1\] 02-broken \.\.\. FAILED", err)
    assert not (tmp_path / "out" / "02-broken.html").exists()


def test_warm_kernels_give_the_bytes_of_fresh_kernels(project: dict, tmp_path: Path) -> None:
    """A build with warm (forked, pre-imported) kernels and one with a fresh kernel per notebook are identical.

    The warm build is the module's first build (its files as it wrote them); the fresh one builds a new copy of
    the same toy project (its files are written byte for byte alike) with the same index numbers and caveats.
    """
    page, notebooks = make_project(tmp_path / "proj")
    assert [nb.read_bytes() for nb in notebooks] == [nb.read_bytes() for nb in make_project(tmp_path / "again")[1]]
    b = build(tmp_path / "proj", page, notebooks, tmp_path / "b", kernels="fresh", key_numbers=INDEX_NUMBERS,
              caveats=INDEX_CAVEATS)
    assert project["first"].ok and b.ok
    files_a, files_b = project["first_files"], report_files(tmp_path / "b")
    assert files_a.keys() == files_b.keys()
    different = [name for name in files_a if files_a[name] != files_b[name]]
    assert not different


def test_a_shared_library_server_gives_the_bytes_of_an_own_fork_server(project: dict, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The module's first build forked its fork server from the test worker's shared library server; a build of
    the same project with a fork server of its own (as `python -m analysis report` starts) is identical."""
    key = json.dumps(warm._shareable(report.kernel_env(project["page"], project["root"], "2013-06-01")), sort_keys=True)
    assert key in warm._SHARED["servers"]
    monkeypatch.setitem(warm._SHARED, "on", False)
    page, notebooks = make_project(tmp_path / "proj")
    own = build(tmp_path / "proj", page, notebooks, tmp_path / "own", key_numbers=INDEX_NUMBERS, caveats=INDEX_CAVEATS)
    assert own.ok
    assert report_files(tmp_path / "own") == project["first_files"]


SYS_PATH = "import json, sys; print(json.dumps(sys.path))"
USE_PYTHON_PATH = ("import json, os, runpy, sys; use = runpy.run_path(sys.argv[1])['use_python_path']; "
                   "use(os.environ['WANTED']); print(json.dumps(sys.path))")


@pytest.mark.parametrize("entries", [["/opt/one"], ["proj", "/opt/one", "proj"], ["a", "", "/opt/b", ""]])
def test_a_fork_server_of_a_shared_server_gets_the_sys_path_its_pythonpath_gives(entries: list[str],
                                                                                 tmp_path: Path) -> None:
    """A shared library server starts without PYTHONPATH; each fork server it forks puts its build's PYTHONPATH on
    sys.path as a process started with it has it (entries made absolute, in order, duplicates dropped)."""
    value = os.pathsep.join(entries)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    started = subprocess.run([sys.executable, "-c", SYS_PATH], cwd=tmp_path, env=dict(env, PYTHONPATH=value),
                             capture_output=True, text=True, check=True)
    forked = subprocess.run([sys.executable, "-c", USE_PYTHON_PATH, str(warm.ZYGOTE)], cwd=tmp_path,
                            env=dict(env, WANTED=value), capture_output=True, text=True, check=True)
    assert json.loads(forked.stdout) == json.loads(started.stdout)
    assert str(tmp_path / entries[0]) in json.loads(started.stdout)


SHARED_SERVER_CHILD = """
import json, sys, time
from pathlib import Path
from analysis.report import warm
from analysis.report.execute import kernel_env

with warm.shared_libraries():
    zygote = warm.Zygote(kernel_env(Path(sys.argv[1]), Path.cwd(), None), [])
    zygote.load([], warm_up=False)
    assert zygote.wait_ready() is None
    kernel = zygote.fork(["-f", sys.argv[2]], str(Path.cwd()), {}, None)
    (server,) = warm._SHARED["servers"].values()
    print(json.dumps([server.proc.pid, zygote.proc.pid, kernel]), flush=True)
    time.sleep(120)
"""


def test_a_killed_build_process_takes_its_shared_library_server_and_kernels_with_it(tmp_path: Path) -> None:
    """SIGKILL the process that started a shared library server: the server, the fork server it forked and that
    one's kernel all end (the server sees its channel close, or gets its parent-death signal; the rest follow by
    parent-death signals), as with a fork server of its own."""
    page = tmp_path / "page.txt"
    page.write_text("Dystonia is a movement disorder.\n")
    proc = subprocess.Popen([sys.executable, "-c", SHARED_SERVER_CHILD, str(page), str(tmp_path / "kernel.json")],
                            cwd=report.ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    pids = json.loads(proc.stdout.readline())
    assert len(set(pids)) == 3 and all(alive(pid) for pid in pids)
    proc.kill()
    proc.wait(10)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in pids if alive(pid)]


def test_size_and_single_local_plotly(project: dict) -> None:
    """One local plotly.min.js, no CDN scripts, total size within plotly.js + 1 MB."""
    out: Path = project["out"]
    plotly_js = report.plotly_js_path()
    copies = [p for p in out.rglob("*.js")]
    assert copies == [out / "assets" / "plotly.min.js"]
    assert copies[0].read_bytes() == plotly_js.read_bytes()
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    assert total <= plotly_js.stat().st_size + 1024 * 1024, total
    for html in out.glob("*.html"):
        text = html.read_text()
        assert "cdn." not in text, html.name
        srcs = re.findall(r"<script[^>]*\bsrc=\"([^\"]*)\"", text)
        assert all(not s.startswith(("http:", "https:", "//")) for s in srcs), (html.name, srcs)
        if html.name != "index.html":
            assert srcs == ["assets/plotly.min.js"], (html.name, srcs)
            assert "MathJax" not in text and "require.min.js" not in text


def test_bad_arguments_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing page or a malformed as-of date is a usage error (exit 2) before anything runs."""
    page, notebooks = make_project(tmp_path / "proj")
    out = str(tmp_path / "out")
    nbs = [str(nb) for nb in notebooks]
    assert report.main(["--page", str(tmp_path / "nope.txt"), "--out", out, "--notebooks", *nbs]) == 2
    assert "page not found" in capsys.readouterr().err
    assert report.main(["--page", str(page), "--out", out, "--as-of", "June 2013",
                        "--notebooks", *nbs]) == 2
    assert "June 2013" in capsys.readouterr().err
    assert not (tmp_path / "out" / "00-overview.html").exists()


def test_notebook_title_fallback(tmp_path: Path) -> None:
    """Without a markdown heading the title is the file stem."""
    nb = write_notebook(tmp_path / "03-untitled.ipynb", [new_code_cell("1")])
    assert report.notebook_title(nb) == "03-untitled"
