"""Run the report's notebooks: kernel environment, worker processes, one-line failure messages.

nbformat and nbclient are imported only inside run_notebook, which runs in a worker process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from analysis.paths import AS_OF_ENV, PAGE_ENV
from analysis.report_export import export_html

CELL_TIMEOUT = 600


def kernel_env(page: Path, root: Path, as_of: str | None) -> dict[str, str]:
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


def run_pending(
    pending: list[tuple[Path, str, str]],
    env: dict[str, str],
    cache_dir: Path,
    jobs: int,
    on_done: Callable[[Path, str, str, dict[str, Any]], None],
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
