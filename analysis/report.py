"""Build the static HTML report: run notebooks (cached, in parallel), export them, write the index.

Heavy modules (nbclient, nbconvert) are only imported inside the worker processes, so a
rebuild where every notebook is a cache hit stays well under a second.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from analysis.paths import (
    AS_OF_ENV,
    DEFAULT_AS_OF,
    DEFAULT_PAGE,
    NOTEBOOKS_DIR,
    PAGE_ENV,
    PROJECT_ROOT,
    REPORTS_DIR,
)

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PROJECT_ROOT
TEMPLATE_DIR = PACKAGE_DIR / "report_templates"
NB_TEMPLATE = "dystonia_lab"
DEFAULT_OUT = REPORTS_DIR
DEFAULT_NOTEBOOK_DIR = NOTEBOOKS_DIR
PLOTLY_MIME = "application/vnd.plotly.v1+json"
CACHE_DIRNAME = ".build-cache"
CACHE_VERSION = "1"
CELL_TIMEOUT = 600
REPORT_TITLE = "Dystonia facts"


@dataclass(frozen=True)
class PageResult:
    """Outcome for one notebook: status is 'ran', 'cached' or 'failed'."""

    name: str
    status: str
    seconds: float = 0.0
    title: str = ""
    figures: int = 0
    error: str | None = None


@dataclass
class ReportResult:
    """Outcome of a whole build."""

    out: Path
    pages: list[PageResult] = field(default_factory=list)
    seconds: float = 0.0
    index: Path | None = None

    @property
    def ok(self) -> bool:
        """True when no notebook failed."""
        return all(p.status != "failed" for p in self.pages)

    @property
    def ran(self) -> list[str]:
        """Names of notebooks executed in this build."""
        return [p.name for p in self.pages if p.status == "ran"]

    @property
    def cached(self) -> list[str]:
        """Names of notebooks served from the cache."""
        return [p.name for p in self.pages if p.status == "cached"]

    @property
    def failures(self) -> list[PageResult]:
        """Notebooks that failed."""
        return [p for p in self.pages if p.status == "failed"]


# --------------------------------------------------------------------------- hashing


def _iter_files(directory: Path) -> Iterable[Path]:
    """Yield regular files under directory in sorted order, skipping caches."""
    if not directory.is_dir():
        return
    for path in sorted(directory.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def _hash_tree(digest: Any, directory: Path, label: str) -> None:
    """Feed every file's relative path and bytes under directory into digest."""
    for path in _iter_files(directory):
        rel = path.relative_to(directory).as_posix()
        digest.update(f"\0{label}/{rel}\0".encode())
        digest.update(path.read_bytes())


def shared_inputs_digest(page: Path, root: Path, as_of: str) -> str:
    """Hash the inputs common to every notebook: code, page, external data, as-of."""
    digest = hashlib.sha256(f"v{CACHE_VERSION}\0{sys.version}\0as_of={as_of}\0".encode())
    _hash_tree(digest, root / "analysis", "analysis")
    if (root / "analysis").resolve() != PACKAGE_DIR:  # e.g. tests: still track the report code
        digest.update(b"\0report.py\0" + Path(__file__).read_bytes())
        _hash_tree(digest, TEMPLATE_DIR, "report_templates")
    _hash_tree(digest, root / "data" / "external", "external")
    digest.update(b"\0page\0" + page.read_bytes())
    return digest.hexdigest()


def notebook_key(notebook: Path, shared: str) -> str:
    """Cache key of one notebook: its bytes plus the shared inputs digest."""
    return hashlib.sha256(shared.encode() + b"\0" + notebook.read_bytes()).hexdigest()


def _sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- small io helpers


def _write_if_changed(path: Path, data: bytes) -> None:
    """Atomically write data to path unless it already holds exactly those bytes."""
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _load_manifest(path: Path) -> dict[str, Any]:
    """Read the cache manifest, tolerating a missing or corrupt file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("version") == CACHE_VERSION else {}


def _save_manifest(path: Path, entries: dict[str, Any], index: dict[str, Any] | None = None) -> None:
    """Write the cache manifest (the index state is kept unless a new one is given)."""
    if index is None:
        index = _load_manifest(path).get("index", {})
    payload = {"version": CACHE_VERSION, "notebooks": entries, "index": index}
    _write_if_changed(path, json.dumps(payload, indent=1, sort_keys=True).encode())


def notebook_title(notebook: Path) -> str:
    """Return the text of the notebook's first markdown heading (or its file stem)."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return notebook.stem
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("#"):
                heading = stripped.lstrip("#").strip()
                if heading:
                    return heading
    return notebook.stem


def _human_size(n: int) -> str:
    """Format a byte count for humans."""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


# --------------------------------------------------------------------------- worker side


def _describe_failure(exc: BaseException, cell_index: int | None) -> str:
    """One-line description of a notebook failure: cell index and the exception's last line."""
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        last = f"{ename}: {evalue}" if evalue else str(ename)
    else:
        lines = [line for line in str(exc).strip().splitlines() if line.strip()]
        last = lines[-1].strip() if lines else type(exc).__name__
        if not last.startswith(type(exc).__name__):
            last = f"{type(exc).__name__}: {last}"
    where = f"cell index {cell_index}" if cell_index is not None else "kernel start-up"
    return f"{where}: {last}"


def _script_json(value: Any) -> str:
    """Serialise value as JSON that is safe inside a <script> element."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _prepare_for_export(nb: Any, name: str, title: str) -> int:
    """Strip volatile metadata, give plotly outputs deterministic ids; return the figure count."""
    slug = "".join(c if c.isalnum() else "-" for c in name).strip("-") or "nb"
    for key in ("widgets", "papermill", "execution"):
        nb.metadata.pop(key, None)
    nb.metadata["title"] = title
    figures = 0
    for ci, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        for oi, output in enumerate(cell.get("outputs", [])):
            if PLOTLY_MIME in output.get("data", {}):
                output.setdefault("metadata", {})["dystonia_facts"] = {
                    "div_id": f"fig-{slug}-{ci}-{oi}"
                }
                figures += 1
    return figures


def export_html(nb: Any, name: str, title: str) -> tuple[str, int]:
    """Export an executed notebook with the dystonia_lab nbconvert template; return (html, figures)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    figures = _prepare_for_export(nb, name, title)
    priority = list(HTMLExporter().default_config.NbConvertBase.display_data_priority)
    config = Config()
    config.NbConvertBase.display_data_priority = [PLOTLY_MIME, *priority]
    exporter = HTMLExporter(
        config=config,
        template_name=NB_TEMPLATE,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_filter("script_json", _script_json)
    html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    return html, figures


def _kernel_env(page: Path, root: Path, as_of: str | None) -> dict[str, str]:
    """Environment for notebook kernels."""
    env = dict(os.environ)
    env[PAGE_ENV] = str(page.resolve())
    if as_of is not None:
        env[AS_OF_ENV] = as_of
    env["PLOTLY_RENDERER"] = "plotly_mimetype"
    env["PYTHONHASHSEED"] = "0"
    old = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(root) + (os.pathsep + old if old else "")
    return env


def run_notebook(notebook: str, env: dict[str, str], title: str, log_path: str) -> dict[str, Any]:
    """Execute one notebook in a fresh kernel and export it (runs in a worker process)."""
    import nbformat
    from nbclient import NotebookClient

    start = time.perf_counter()
    path = Path(notebook)
    nb = nbformat.read(path, as_version=4)
    current: dict[str, int | None] = {"cell": None}

    def on_cell_start(cell: Any, cell_index: int) -> None:
        """Remember which cell is running."""
        current["cell"] = cell_index

    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_start=on_cell_start,
    )
    try:
        with open(log_path, "wb") as kernel_log:
            client.execute(env=env, stderr=kernel_log)
        html, figures = export_html(nb, path.stem, title)
    except Exception as exc:  # noqa: BLE001 - reported to the user, not swallowed
        return {"error": _describe_failure(exc, current["cell"]),
                "seconds": time.perf_counter() - start}
    return {"html": html, "figures": figures, "seconds": time.perf_counter() - start}


# --------------------------------------------------------------------------- assets and index


def plotly_js_path() -> Path:
    """Location of plotly.min.js shipped with the plotly Python package (without importing it)."""
    import importlib.util

    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the plotly package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


def lab_css() -> bytes:
    """JupyterLab CSS of nbconvert's lab template (index + light theme), shared by all pages."""
    from jupyter_core.paths import jupyter_path

    for directory in jupyter_path("nbconvert", "templates", "lab", "static"):
        base = Path(directory)
        if (base / "index.css").is_file() and (base / "theme-light.css").is_file():
            return (base / "index.css").read_bytes() + b"\n" + (base / "theme-light.css").read_bytes()
    raise RuntimeError("nbconvert's lab template CSS was not found")


def write_assets(out: Path) -> None:
    """Write the shared assets (plotly.js, JupyterLab CSS) once into out/assets."""
    assets = out / "assets"
    _write_if_changed(assets / "plotly.min.js", plotly_js_path().read_bytes())
    _write_if_changed(assets / "jupyterlab.css", lab_css())


def copy_csvs(source: Path, target: Path) -> list[dict[str, str]]:
    """Mirror source/*.csv into target (removing stale CSVs); return link info for the index."""
    links: list[dict[str, str]] = []
    wanted = sorted(source.glob("*.csv")) if source.is_dir() else []
    names = {p.name for p in wanted}
    if target.is_dir():
        for stale in target.glob("*.csv"):
            if stale.name not in names:
                stale.unlink()
    for csv in wanted:
        data = csv.read_bytes()
        _write_if_changed(target / csv.name, data)
        links.append({"name": csv.name, "href": f"{target.name}/{csv.name}",
                      "size": _human_size(len(data))})
    return links


def render_index(context: dict[str, Any]) -> bytes:
    """Render the report index from the autoescaped Jinja2 site template."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR / "site")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("index.html.j2").render(**context).encode("utf-8")


# --------------------------------------------------------------------------- orchestration


def _progress(stream: TextIO, done: int, total: int, name: str, message: str) -> None:
    """Print one progress line."""
    print(f"[{done}/{total}] {name} ... {message}", file=stream, flush=True)


def _is_fresh(entry: dict[str, Any] | None, key: str, html_path: Path) -> bool:
    """True when a cache entry matches key and the exported page is still intact."""
    if not entry or entry.get("key") != key or not html_path.is_file():
        return False
    return _sha256_file(html_path) == entry.get("html_sha256")


def _run_pending(
    pending: list[tuple[Path, str, str]],
    env: dict[str, str],
    cache_dir: Path,
    jobs: int,
    on_done: Any,
) -> None:
    """Run notebooks in a process pool and call on_done(path, key, title, result) as each ends."""
    import multiprocessing

    workers = max(1, min(jobs, len(pending)))
    # fork: workers need not re-import the caller's __main__ (spawn breaks unguarded scripts)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {
            pool.submit(run_notebook, str(nb), env, title,
                        str(cache_dir / f"{nb.stem}.kernel.log")): (nb, key, title)
            for nb, key, title in pending
        }
        for future in as_completed(futures):
            nb, key, title = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - e.g. a crashed worker process
                result = {"error": _describe_failure(exc, None), "seconds": 0.0}
            on_done(nb, key, title, result)


def build_report(
    page: Path,
    out: Path,
    notebooks: list[Path],
    force: bool = False,
    jobs: int | None = None,
    as_of: str | None = None,
    *,
    key_numbers: Sequence[tuple[str, str]] = (),
    caveats: Sequence[str] = (),
    index_content: Callable[[Path, Path, str], tuple[Sequence[tuple[str, str]], Sequence[str]]] | None = None,
    root: Path | None = None,
    stream: TextIO | None = None,
) -> ReportResult:
    """Execute (or reuse cached) notebooks, export HTML pages, assets, CSVs and index.html into out."""
    start = time.perf_counter()
    stream = stream if stream is not None else sys.stderr
    root = (root or ROOT).resolve()
    page = Path(page).resolve()
    out = Path(out).resolve()
    notebooks = [Path(nb).resolve() for nb in notebooks]
    stems = [nb.stem for nb in notebooks]
    if len(set(stems)) != len(stems):
        raise ValueError(f"notebook names must be unique: {stems}")
    if not page.is_file():
        raise FileNotFoundError(f"page not found: {page}")
    missing = [str(nb) for nb in notebooks if not nb.is_file()]
    if missing:
        raise FileNotFoundError(f"notebook not found: {', '.join(missing)}")
    if as_of is not None:
        date.fromisoformat(as_of)  # ValueError for anything but an ISO date

    cache_dir = out / CACHE_DIRNAME
    cache_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = cache_dir / "manifest.json"
    entries: dict[str, Any] = dict(_load_manifest(manifest_path).get("notebooks", {}))
    effective_as_of = as_of or os.environ.get(AS_OF_ENV) or DEFAULT_AS_OF
    shared = shared_inputs_digest(page, root, effective_as_of)

    total = len(notebooks)
    results: dict[str, PageResult] = {}
    pending: list[tuple[Path, str, str]] = []
    for nb in notebooks:
        key, title = notebook_key(nb, shared), notebook_title(nb)
        entry = entries.get(nb.stem)
        if not force and _is_fresh(entry, key, out / f"{nb.stem}.html"):
            results[nb.stem] = PageResult(nb.stem, "cached", 0.0, title, int(entry["figures"]))
            _progress(stream, len(results), total, nb.stem, "cached")
        else:
            pending.append((nb, key, title))

    def on_done(nb: Path, key: str, title: str, result: dict[str, Any]) -> None:
        """Record one finished notebook: write its page or report its failure."""
        seconds = float(result.get("seconds", 0.0))
        if "error" in result:
            entries.pop(nb.stem, None)
            results[nb.stem] = PageResult(nb.stem, "failed", seconds, title, 0, result["error"])
            _progress(stream, len(results), total, nb.stem,
                      f"FAILED {seconds:.1f}s ({result['error']})")
        else:
            data = result["html"].encode("utf-8")
            _write_if_changed(out / f"{nb.stem}.html", data)
            entries[nb.stem] = {"key": key, "figures": result["figures"],
                                "html_sha256": hashlib.sha256(data).hexdigest()}
            results[nb.stem] = PageResult(nb.stem, "ran", seconds, title, result["figures"])
            _progress(stream, len(results), total, nb.stem, f"done {seconds:.1f}s")
        _save_manifest(manifest_path, entries)

    if pending:
        env = _kernel_env(page, root, as_of)
        _run_pending(pending, env, cache_dir, jobs or os.cpu_count() or 1, on_done)

    report = ReportResult(out=out, pages=[results[nb.stem] for nb in notebooks])
    write_assets(out)
    if index_content is None:
        csvs = copy_csvs(root / "data" / "processed", out / "data")
    else:  # the page's own tables and key numbers, recomputed only when the shared inputs change
        state = _load_manifest(manifest_path).get("index", {})
        if force or state.get("shared") != shared or not (out / "data").is_dir():
            for stale in (out / "data").glob("*.csv"):
                stale.unlink()
            key_numbers, caveats = index_content(page, out / "data", effective_as_of)
            state = {"shared": shared, "key_numbers": [list(k) for k in key_numbers], "caveats": list(caveats)}
            _save_manifest(manifest_path, entries, state)
        key_numbers, caveats = state["key_numbers"], state["caveats"]
        csvs = copy_csvs(out / "data", out / "data")
    if report.ok:
        context = {
            "title": REPORT_TITLE,
            "source": page.name,
            "as_of": effective_as_of,
            "pages": [{"title": p.title, "href": f"{p.name}.html"} for p in report.pages],
            "csvs": csvs,
            "key_numbers": [(str(k), str(v)) for k, v in key_numbers],
            "caveats": [str(c) for c in caveats],
        }
        report.index = out / "index.html"
        _write_if_changed(report.index, render_index(context))
    report.seconds = time.perf_counter() - start
    return report


# --------------------------------------------------------------------------- CLI


def default_notebooks(directory: Path = DEFAULT_NOTEBOOK_DIR) -> list[Path]:
    """The report's notebooks: directory/*.ipynb in name order."""
    return sorted(p for p in directory.glob("*.ipynb") if not p.name.startswith("."))


def add_report_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the 'report' sub-command to an argparse subparsers object."""
    parser = subparsers.add_parser("report", help="build the HTML report from the notebooks")
    _add_report_arguments(parser)
    parser.set_defaults(func=lambda args: run_report(args, index_content=page_index_content))
    return parser


def page_index_content(page: Path, data_dir: Path, as_of: str) -> tuple[Sequence[tuple[str, str]], Sequence[str]]:
    """Import the (pandas-heavy) index builder only when the index must be rebuilt."""
    from analysis.report_content import index_content

    return index_content(page, data_dir, as_of)


def _add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the report command."""
    parser.add_argument("--page", type=Path, default=None,
                        help=f"saved page (default: ${PAGE_ENV} or {DEFAULT_PAGE.relative_to(ROOT)})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--force", action="store_true", help="re-run every notebook")
    parser.add_argument("--jobs", type=int, default=None, help="parallel notebooks (default: CPUs)")
    parser.add_argument("--as-of", default=None, help=f"ISO date passed as ${AS_OF_ENV}")
    parser.add_argument("--notebooks", type=Path, nargs="+", default=None,
                        help="notebooks to include (default: notebooks/*.ipynb)")


def run_report(
    args: argparse.Namespace,
    key_numbers: Sequence[tuple[str, str]] = (),
    caveats: Sequence[str] = (),
    index_content: Callable[[Path, Path, str], tuple[Sequence[tuple[str, str]], Sequence[str]]] | None = None,
) -> int:
    """Run the report command from parsed arguments; return the process exit code."""
    page = args.page or Path(os.environ.get(PAGE_ENV) or DEFAULT_PAGE)
    notebooks = args.notebooks or default_notebooks()
    if not notebooks:
        print("error: no notebooks found", file=sys.stderr)
        return 2
    try:
        result = build_report(page, args.out, notebooks, force=args.force, jobs=args.jobs,
                              as_of=args.as_of, key_numbers=key_numbers, caveats=caveats,
                              index_content=index_content)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not result.ok:
        for failure in result.failures:
            print(f"error: {failure.name} failed at {failure.error}", file=sys.stderr)
        return 1
    print(f"report: {result.index} ({len(result.ran)} run, {len(result.cached)} cached, "
          f"{result.seconds:.1f}s)", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point: [report] [--page PAGE] [--out DIR] [--force] [--jobs N] [--as-of DATE]."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["report"]:
        args_list = args_list[1:]
    parser = argparse.ArgumentParser(prog="python -m analysis report",
                                     description="Build the HTML report from the notebooks.")
    _add_report_arguments(parser)
    return run_report(parser.parse_args(args_list))


if __name__ == "__main__":
    sys.exit(main())
