"""Build the static HTML report: run notebooks (cached, in parallel), export them, write the index.

Heavy modules (nbclient, nbconvert) are only imported inside the worker processes, so a
rebuild where every notebook is a cache hit stays well under a second. The cache lives in
analysis.report.cache, execution in analysis.report.execute, HTML export and assets in
analysis.report.export; this module builds the report, renders its index and is the CLI.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from analysis.output_dir import (
    PARTS_PREFIX,
    OutputError,
    check_target,
    checkpoint,
    fault_exit,
    locked,
    private_tempdir,
    recover,
    remove_orphans,
    shown,
    staged,
    swap_in,
)
from analysis.paths import (
    AS_OF_ENV,
    DEFAULT_AS_OF,
    DEFAULT_PAGE,
    NOTEBOOKS_DIR,
    PAGE_ENV,
    PROJECT_ROOT,
    REPORTS_DIR,
    STORY_NOTEBOOK,
    AsOfError,
    parse_as_of,
)
from analysis.report.cache import (
    CACHE_DIRNAME,
    MalformedCache,
    index_key,
    is_fresh,
    libraries_imported,
    load_manifest,
    notebook_key,
    notebook_modules,
    published_files,
    save_manifest,
    shared_inputs_digest,
    verify_files,
)
from analysis.report.execute import kernel_env, run_pending
from analysis.report.export import (
    ASSET_NAMES,
    TEMPLATE_DIR,
    assets_current,
    copy_csvs,
    plotly_js_path,
    prepare_exporter,
    published_files_list,
    write_assets,
)
from analysis.report.notebook_file import notebook_title
from analysis.report.parts import TRAITS_FILE, plan_parts
from analysis.report.warm import (
    Zygote,
    kernel_manager_factory,
    load_kernels,
    shared_modules,
    start_kernels,
    warm_kernels,
)

__all__ = [
    "AS_OF_ENV",
    "CACHE_DIRNAME",
    "DEFAULT_OUT",
    "DEFAULT_PAGE",
    "PAGE_ENV",
    "ROOT",
    "PageResult",
    "ReportResult",
    "add_report_parser",
    "build_report",
    "default_notebooks",
    "main",
    "notebook_title",
    "check_report_page",
    "page_index_content",
    "plotly_js_path",
    "render_index",
    "run_report",
    "shared_inputs_digest",
]

ROOT = PROJECT_ROOT
DEFAULT_OUT = REPORTS_DIR
DEFAULT_NOTEBOOK_DIR = NOTEBOOKS_DIR
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


# --------------------------------------------------------------------------- index


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


def _effective_as_of(as_of: str | None) -> str:
    """The as-of date of this build: --as-of, else $DYSTONIA_FACTS_AS_OF, else the default; checked."""
    if as_of is not None:
        parse_as_of(as_of, "--as-of (make: AS_OF)")
        return as_of.strip()
    value = os.environ.get(AS_OF_ENV)
    if value:
        parse_as_of(value, f"the environment variable {AS_OF_ENV}")
        return value.strip()
    return DEFAULT_AS_OF


def _module_name(path: Path, root: Path) -> str:
    """Dotted name of a module file under root ("analysis.figures.charts")."""
    rel = path.relative_to(root).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _is_report(out: Path) -> bool:
    """True when out holds a previous report (its cache folder or index), so it may be replaced."""
    return (out / CACHE_DIRNAME).exists() or (out / "index.html").is_file()


def _old_manifest(out: Path, stream: TextIO) -> dict[str, Any]:
    """The previous build's manifest; a malformed one is discarded (one line says so) and all is rebuilt."""
    try:
        return load_manifest(out / CACHE_DIRNAME / "manifest.json")
    except MalformedCache as exc:
        print(f"note: {shown(out / CACHE_DIRNAME)}: {exc}; discarding the cache and rebuilding everything",
              file=stream, flush=True)
        return {}


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
    check_page: Callable[..., None] | None = None,
    root: Path | None = None,
    stream: TextIO | None = None,
    kernels: str = "warm",
) -> ReportResult:
    """Execute (or reuse cached) notebooks and export pages, assets, CSVs and index.html into out, all or nothing.

    The build happens in a staging folder beside out, which replaces out in one rename only when
    everything succeeded; a failed or interrupted build leaves out exactly as it was. check_page(page,
    as_of) runs before any kernel starts. kernels is "warm" (pre-imported kernels forked per notebook,
    where the platform allows) or "fresh" (one kernel process started from scratch per notebook).
    """
    start = time.perf_counter()
    stream = stream if stream is not None else sys.stderr
    root = (root or ROOT).resolve()
    page = Path(page).absolute()
    out = Path(out).absolute()
    notebooks = [Path(nb).resolve() for nb in notebooks]
    stems = [nb.stem for nb in notebooks]
    if len(set(stems)) != len(stems):
        raise ValueError(f"notebook names must be unique: {stems}")
    if page.is_dir():
        raise FileNotFoundError(f"page {shown(page)} is a folder, not a saved page")
    if not page.is_file():
        raise FileNotFoundError(f"page not found: {page}")
    missing = [str(nb) for nb in notebooks if not nb.is_file()]
    if missing:
        raise FileNotFoundError(f"notebook not found: {', '.join(missing)}")
    page = page.resolve()
    effective_as_of = _effective_as_of(as_of)
    check_target(out, _is_report(out))

    with locked(out), contextlib.ExitStack() as stack_root:
        recover(out)
        remove_orphans()
        old = _old_manifest(out, stream) if out.is_dir() else {}
        entries: dict[str, Any] = dict(old.get("notebooks", {}))
        recorded: dict[str, str] = dict(old.get("files", {}))
        shared = shared_inputs_digest(page, root, effective_as_of)
        parts_dir = private_tempdir(PARTS_PREFIX)
        stack_root.callback(shutil.rmtree, parts_dir, ignore_errors=True)
        env = kernel_env(page, root, effective_as_of)

        def libraries_of(nbs: list[Path]) -> set[str]:
            """The top-level packages the notebooks' code imports (and the index's, when it is the page's)."""
            found = libraries_imported(nbs, root)
            if index_content is page_index_content:
                found |= libraries_imported([], ROOT, ["import analysis.report.content"])  # the project's own
            return found

        early: list[Zygote | None] = []

        def start_early() -> None:
            """Notebooks will run (--force, or the page is read for its traits because the shared inputs changed):
            the fork server starts importing the libraries now (it learns the notebooks' own modules after the plan)."""
            if kernels == "warm" and not early:
                early.append(stack_root.enter_context(start_kernels(env, libraries_of(notebooks))))

        if force:
            start_early()
        # the parts that apply to this page, and why (notebooks with sections left out run from parts_dir)
        plan = plan_parts(page, notebooks, parts_dir, shared, saved_dir=out / CACHE_DIRNAME,
                          before_reading=start_early)
        notebooks = plan.notebooks
        total = len(notebooks)
        results: dict[str, PageResult] = {}
        pending: list[tuple[Path, str, str]] = []
        for nb in notebooks:
            key, title = notebook_key(nb, shared, root), notebook_title(nb)
            entry = entries.get(nb.stem)
            if not force and is_fresh(entry, key, out / f"{nb.stem}.html", recorded):
                results[nb.stem] = PageResult(nb.stem, "cached", 0.0, title, int(entry["figures"]))
            else:
                pending.append((nb, key, title))
        index_state = old.get("index", {})
        ikey = index_key(shared, root, page.name)
        csv_names = [rel for rel in recorded if rel.startswith("data/")]
        index_fresh = (not force and index_state.get("key") == ikey and bool(csv_names)
                       and not verify_files(out, recorded, csv_names))
        expected = {f"{nb.stem}.html" for nb in notebooks} | set(csv_names) | {"index.html", *ASSET_NAMES}
        intact = (not pending and index_fresh and set(recorded) == expected
                  and not verify_files(out, recorded)
                  and set(published_files_list(out)) == expected
                  and assets_current(out, recorded))
        if intact:  # nothing to do: the previous output stands, byte for byte
            for i, nb in enumerate(notebooks, 1):
                _progress(stream, i, total, nb.stem, "cached")
            return ReportResult(out=out, pages=[results[nb.stem] for nb in notebooks],
                                seconds=time.perf_counter() - start, index=out / "index.html")
        with contextlib.ExitStack() as stack:
            zygote = early[0] if early else None
            if pending and kernels == "warm":  # it imports while the page is checked
                modules = shared_modules([{_module_name(p, root) for p in notebook_modules(nb, root)}
                                          for nb, _, _ in pending])
                libraries = libraries_of([nb for nb, _, _ in pending])
                if index_content is page_index_content:
                    modules += ["analysis.report.content", "analysis.data.load"]
                if zygote is not None:
                    load_kernels(zygote, modules, libraries)
                else:
                    zygote = stack.enter_context(warm_kernels(env, modules, libraries))
            elif zygote is not None:  # started early, but no notebook runs after all
                zygote.close()
                zygote = None
            if check_page is not None and (pending or not index_fresh):
                # before any kernel starts; with warm kernels the fork server extracts the whole page
                check_page(page, effective_as_of, zygote is None)
            stage = stack.enter_context(staged(out))  # an unwritable target fails now, not after the imports
            if zygote is not None:
                prepare_exporter()
                failure = zygote.wait_ready()
                if failure and check_page is not None:
                    raise ValueError(failure)
            report = _build_into(stage, out, notebooks, pending, results, entries, index_state, ikey,
                                 index_fresh, recorded, page, root, env, effective_as_of, jobs, stream,
                                 zygote, key_numbers, caveats, index_content, plan.index_context())
            if report.ok:
                if (parts_dir / TRAITS_FILE).is_file():  # the page's traits, so a no-change rebuild reads no page
                    shutil.copyfile(parts_dir / TRAITS_FILE, stage / CACHE_DIRNAME / TRAITS_FILE)
                checkpoint("before-swap")
                swap_in(stage, out)
                checkpoint("swapped")
                report.index = out / "index.html"
    report.seconds = time.perf_counter() - start
    return report


def _build_into(stage: Path, out: Path, notebooks: list[Path], pending: list[tuple[Path, str, str]],
                results: dict[str, PageResult], entries: dict[str, Any], index_state: dict[str, Any],
                ikey: str, index_fresh: bool, recorded: dict[str, str], page: Path, root: Path,
                env: dict[str, str], effective_as_of: str, jobs: int | None, stream: TextIO,
                zygote: Zygote | None,
                key_numbers: Sequence[tuple[str, str]], caveats: Sequence[str],
                index_content: Callable[..., tuple[Sequence[tuple[str, str]], Sequence[str]]] | None,
                index_extra: dict[str, Any]) -> ReportResult:
    """Write a complete report into the staging folder; return the result (not ok: stage is discarded)."""
    total = len(notebooks)
    cache_dir = stage / CACHE_DIRNAME
    cache_dir.mkdir()
    for done, name in enumerate(results, 1):  # verified pages of the previous build
        shutil.copyfile(out / f"{name}.html", stage / f"{name}.html")
        _progress(stream, done, total, name, "cached")
    new_entries = {name: entries[name] for name in results}

    def on_done(nb: Path, key: str, title: str, result: dict[str, Any]) -> None:
        """Record one finished notebook: write its page or report its failure."""
        seconds = float(result.get("seconds", 0.0))
        if "error" in result:
            results[nb.stem] = PageResult(nb.stem, "failed", seconds, title, 0, result["error"])
            _progress(stream, len(results), total, nb.stem, f"FAILED {seconds:.1f}s ({result['error']})")
            return
        data = result["html"].encode("utf-8")
        (stage / f"{nb.stem}.html").write_bytes(data)
        new_entries[nb.stem] = {"key": key, "figures": result["figures"]}
        results[nb.stem] = PageResult(nb.stem, "ran", seconds, title, result["figures"])
        note = f" ({result['note']})" if "note" in result else ""
        _progress(stream, len(results), total, nb.stem, f"done {seconds:.1f}s{note}")
        checkpoint("notebook-done")

    index: dict[str, Any] = {}

    def assets_and_tables() -> None:
        """Assets, the index's CSVs and key numbers (while the kernels work, when there are any)."""
        write_assets(stage)
        if index_content is None:  # toy projects: their processed CSVs as they are
            index["csvs"] = copy_csvs(root / "data" / "processed", stage / "data")
            index["state"] = {"key": ikey, "key_numbers": [list(k) for k in key_numbers], "caveats": list(caveats)}
            return
        index["state"] = index_state  # the page's own tables and key numbers, recomputed when their inputs change
        if index_fresh:
            for rel in (r for r in recorded if r.startswith("data/")):
                (stage / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(out / rel, stage / rel)
        elif zygote is not None and index_content is page_index_content:  # pandas is loaded there already
            numbers, notes = zygote.call("analysis.report.build", "index_content_json",
                                         [str(page), str(stage / "data"), effective_as_of], cache_dir / "index.json")
            index["state"] = {"key": ikey, "key_numbers": numbers, "caveats": notes}
        else:
            numbers, notes = index_content(page, stage / "data", effective_as_of)
            index["state"] = {"key": ikey, "key_numbers": [list(k) for k in numbers], "caveats": list(notes)}
        index["csvs"] = copy_csvs(stage / "data", stage / "data")

    if pending:
        factory = kernel_manager_factory(zygote) if zygote is not None else None
        run_pending(pending, env, cache_dir, jobs or os.cpu_count() or 1, on_done, kernel_manager=factory,
                    meanwhile=assets_and_tables)
    else:
        assets_and_tables()
    report = ReportResult(out=out, pages=[results[nb.stem] for nb in notebooks])
    if not report.ok:
        return report
    checkpoint("executed")
    csvs, index_state = index["csvs"], index["state"]
    context = {
        "title": REPORT_TITLE,
        "source": page.name,
        "as_of": effective_as_of,
        "pages": [{"title": p.title, "href": f"{p.name}.html"} for p in report.pages],
        "csvs": csvs,
        "key_numbers": [(str(k), str(v)) for k, v in index_state["key_numbers"]],
        "caveats": [str(c) for c in index_state["caveats"]],
        **index_extra,
    }
    (stage / "index.html").write_bytes(render_index(context))
    save_manifest(cache_dir / "manifest.json", new_entries, index_state, published_files(stage))
    return report


# --------------------------------------------------------------------------- CLI


def default_notebooks(directory: Path = DEFAULT_NOTEBOOK_DIR) -> list[Path]:
    """The report's notebooks: the numbered story notebooks of directory, in name order (no Untitled.ipynb)."""
    return sorted(p for p in directory.glob("*.ipynb") if STORY_NOTEBOOK.match(p.name))


def add_report_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the 'report' sub-command to an argparse subparsers object."""
    parser = subparsers.add_parser("report", help="build the HTML report from the notebooks")
    _add_report_arguments(parser)
    parser.set_defaults(func=lambda args: run_report(args, index_content=page_index_content))
    return parser


def page_index_content(page: Path, data_dir: Path, as_of: str) -> tuple[Sequence[tuple[str, str]], Sequence[str]]:
    """Import the (pandas-heavy) index builder only when the index must be rebuilt."""
    from analysis.report.content import index_content

    return index_content(page, data_dir, as_of)


def index_content_json(page: str, data_dir: str, as_of: str) -> list[list[Any]]:
    """page_index_content with JSON-friendly arguments and result (run in a fork of the warm-kernel server)."""
    numbers, notes = page_index_content(Path(page), Path(data_dir), as_of)
    return [[list(k) for k in numbers], list(notes)]


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
    parser.add_argument("--allow-before-capture", action="store_true",
                        help="accept an as-of date before the page was captured")
    parser.add_argument("--kernels", choices=("warm", "fresh"), default="warm",
                        help="warm: kernels forked from one process that imported the libraries (default); "
                             "fresh: a new kernel process per notebook")


def check_report_page(page: Path, as_of: str, allow_before_capture: bool = False, full: bool = True) -> None:
    """Refuse, before any kernel starts, a page the notebooks cannot analyse or an as-of date before its capture.

    full: extract and validate every table (without it, only the page's topic and dates are read: the
    warm-kernel server extracts the whole page meanwhile and its failure is reported the same way).
    """
    from analysis.page import template
    from analysis.page.provenance import verify_checksum
    from analysis.page.text import read_page

    if full:
        from analysis.data.extract import extract_page  # pandas and pandera: only a full check needs them

        row = extract_page(page)["page"].iloc[0]
    else:
        text = read_page(page)
        verify_checksum(text)
        reviews = template.review_dates(text).rows
        own = next((r for r in reviews if r["what"] == "page"), {})
        media = next((r for r in reviews if r["what"] == "media"), {})
        dates = [c["date"] for c in template.comments(text)[0].rows]
        row = {"topic": template.page_topic(text)[0], "newest_comment": max(dates) if dates else None,
               "last_reviewed": own.get("last_reviewed"), "media_last_reviewed": media.get("last_reviewed")}
    dates = {what: row[column] for what, column in (("its newest comment", "newest_comment"),
                                                    ("its last review", "last_reviewed"),
                                                    ("its media's last review", "media_last_reviewed"))
             if row[column] is not None and row[column] == row[column]}
    if dates and not allow_before_capture:
        what, latest = max(dates.items(), key=lambda item: item[1])
        if date.fromisoformat(as_of) < (latest.date() if hasattr(latest, "date") else latest):
            raise AsOfError(f"as-of date {as_of} is before the page was captured (on or after {latest:%Y-%m-%d}, "
                            f"{what}): pass a later --as-of, or --allow-before-capture to use it anyway")


def run_report(
    args: argparse.Namespace,
    key_numbers: Sequence[tuple[str, str]] = (),
    caveats: Sequence[str] = (),
    index_content: Callable[[Path, Path, str], tuple[Sequence[tuple[str, str]], Sequence[str]]] | None = None,
) -> int:
    """Run the report command from parsed arguments; return the process exit code (one line on any failure)."""
    page = args.page or Path(os.environ.get(PAGE_ENV) or DEFAULT_PAGE)
    notebooks = args.notebooks or default_notebooks()
    if not notebooks:
        print("error: no notebooks found", file=sys.stderr)
        return 2
    allow = bool(getattr(args, "allow_before_capture", False))
    check = None
    if index_content is not None:
        def check(p: Path, as_of: str, full: bool = True) -> None:
            """The real project's page checks."""
            check_report_page(p, as_of, allow, full)
    out = args.out
    try:
        result = build_report(page, out, notebooks, force=args.force, jobs=args.jobs,
                              as_of=args.as_of, key_numbers=key_numbers, caveats=caveats,
                              index_content=index_content, check_page=check,
                              kernels=getattr(args, "kernels", "warm"))
    except (FileNotFoundError, ValueError) as exc:  # bad page, as-of date or arguments (PageError is one)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OutputError, OSError, KeyboardInterrupt) as exc:  # Ctrl-C or SIGTERM: kernels are already stopped
        return fault_exit(exc, f"{shown(out)} is unchanged", stopped="the build stopped and ")
    if not result.ok:
        for failure in result.failures:
            print(f"error: {failure.name} failed at {failure.error}", file=sys.stderr)
        print(f"error: {shown(out)} is unchanged (the report is replaced only when every notebook succeeds)",
              file=sys.stderr)
        return 1
    print(f"report: {shown(result.index or out)} ({len(result.ran)} run, {len(result.cached)} cached, "
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
    return run_report(parser.parse_args(args_list), index_content=page_index_content)


if __name__ == "__main__":
    sys.exit(main())
