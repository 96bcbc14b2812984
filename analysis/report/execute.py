"""Run the report's notebooks: kernel environment, concurrent kernels, one-line failure messages.

Kernels are driven by nbclient's async API from one event loop on a helper thread; this thread
exports each notebook to HTML as it finishes. Ctrl-C (or SIGTERM) in this thread cancels the
loop, shuts every kernel down and waits for them, so no process outlives the build.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from analysis.output_dir import SOCKETS_PREFIX, private_tempdir
from analysis.paths import AS_OF_ENV, PAGE_ENV
from analysis.report.export import export_html, prepare_exporter

CELL_TIMEOUT = 600
STARTUP_TIMEOUT = 120
# A kernel that has not answered within this is stopped and a new one started, once (nothing of the notebook
# has run yet). A fresh kernel answers in 1-10 s on a busy 2-core machine; in one of ~15 test-suite runs one never did
# (alive, silent for 120 s), which failed the build. The second kernel gets the rest of STARTUP_TIMEOUT.
FIRST_STARTUP_TIMEOUT = 30
# Kernels alive at once, per notebook executing: the others have started and wait for their turn.
AHEAD = 2


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


class Interrupted(KeyboardInterrupt):
    """The build was stopped by Ctrl-C or SIGTERM; kernels have been shut down."""


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM (and SIGHUP) stop the build like Ctrl-C, so cleanup runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        """Raise Interrupted in the main thread."""
        raise Interrupted(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


class _Runner:
    """An asyncio loop on a helper thread running notebooks with nbclient, at most `jobs` at a time."""

    def __init__(self, env: dict[str, str], log_dir: Path, jobs: int,
                 kernel_manager: Callable[[], Any] | None = None) -> None:
        """Prepare the loop; nothing runs until start()."""
        self.env, self.log_dir, self.jobs = env, log_dir, jobs
        self.sockets = Path()  # the kernels' socket folder, while the loop runs
        self.kernel_manager = kernel_manager
        self.results: queue.Queue[tuple[Path, Any, dict[str, Any]]] = queue.Queue()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._thread_main, name="notebook-kernels", daemon=True)
        self.tasks: list[asyncio.Task[None]] = []
        self.clients: list[Any] = []
        self._jobs: list[Path] = []

    def start(self, notebooks: list[Path]) -> None:
        """Start executing the notebooks."""
        self._jobs = list(notebooks)
        self.thread.start()

    def _thread_main(self) -> None:
        """Run every notebook in the loop, then close it."""
        asyncio.set_event_loop(self.loop)
        # Kernels talk to the build over Unix sockets in a folder of the build's own, not TCP ports: a port that was
        # free when chosen can be taken by another program's kernel (JupyterLab, another build) before ours binds it.
        self.sockets = private_tempdir(SOCKETS_PREFIX)
        try:
            self.loop.run_until_complete(self._run_all())
        finally:  # nbclient's helper tasks (kernel-alive polls) end with the loop, quietly
            leftovers = asyncio.all_tasks(self.loop)
            for task in leftovers:
                task.cancel()
            with contextlib.suppress(BaseException):
                self.loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
            self.loop.close()
            shutil.rmtree(self.sockets, ignore_errors=True)

    async def _run_all(self) -> None:
        """Schedule every notebook and wait for all: at most `jobs` execute at once, as many again start their kernels."""
        gate, started = asyncio.Semaphore(self.jobs), asyncio.Semaphore(self.jobs * AHEAD)
        self.tasks = [asyncio.ensure_future(self._run_one(nb, gate, started)) for nb in self._jobs]
        await asyncio.gather(*self.tasks, return_exceptions=True)

    async def _run_one(self, path: Path, gate: asyncio.Semaphore, started: asyncio.Semaphore) -> None:
        """Execute one notebook in its own kernel; put (path, executed notebook or None, result) on the queue.

        The kernel starts before the notebook's turn to execute (jupyter_client waits for the kernel to be
        ready and then 0.2 s for quiet: that wait overlaps other notebooks' cells), and is stopped after
        the notebook is handed over for export.
        """
        import nbformat
        from jupyter_client.manager import AsyncKernelManager
        from nbclient import NotebookClient

        async with started:
            start = time.perf_counter()
            try:
                nb = nbformat.read(path, as_version=4)
            except Exception as exc:  # noqa: BLE001 - an unreadable notebook fails alone
                self.results.put((path, None, {"error": f"reading: {type(exc).__name__}: {exc}", "seconds": 0.0}))
                return
            current: dict[str, int | None] = {"cell": None}

            def on_cell_start(cell: Any, cell_index: int) -> None:
                """Remember which cell is running."""
                current["cell"] = cell_index

            def new_client(startup_timeout: float) -> Any:
                """A notebook client with a kernel manager of its own (nothing started yet)."""
                km = self.kernel_manager() if self.kernel_manager else AsyncKernelManager(kernel_name="python3")
                km.transport, km.cache_ports = "ipc", False
                km.ip = str(self.sockets / f"k{len(self.clients)}")  # its sockets: k<N>-1 ... k<N>-5
                # and its connection file beside them (jupyter_client's default is a tmp*.json in /tmp that a killed
                # build leaves behind); the folder goes with the build, or with the next build after a kill
                km.connection_file = f"{km.ip}.json"
                client = NotebookClient(nb, km=km, kernel_name="python3", timeout=CELL_TIMEOUT,
                                        startup_timeout=startup_timeout, record_timing=False,
                                        resources={"metadata": {"path": str(path.parent)}},
                                        on_cell_start=on_cell_start)
                self.clients.append(client)
                return client

            client, note = new_client(FIRST_STARTUP_TIMEOUT), None
            waited = 0.0
            try:
                with open(self.log_dir / f"{path.stem}.kernel.log", "wb") as log:
                    try:
                        await self._start(client, log)
                    except RuntimeError as exc:  # "Kernel didn't respond in N seconds"; one that died is not retried
                        if "didn't respond" not in str(exc):
                            raise
                        await self._shutdown(client)
                        note = f"its first kernel did not answer in {FIRST_STARTUP_TIMEOUT} s: ran in a second one"
                        client = new_client(STARTUP_TIMEOUT - FIRST_STARTUP_TIMEOUT)
                        await self._start(client, log)
                    queued = time.perf_counter()
                    async with gate:
                        waited = time.perf_counter() - queued
                        await client.async_execute(env=self.env, stderr=log)
                done = (path, nb, {"seconds": time.perf_counter() - start - waited, **({"note": note} if note else {})})
            except asyncio.CancelledError:
                await self._shutdown(client)
                raise
            except Exception as exc:  # noqa: BLE001 - reported to the user, not swallowed
                done = (path, None, {"error": _describe_failure(exc, current["cell"]),
                                     "seconds": time.perf_counter() - start - waited})
            self.results.put(done)
            await self._shutdown(client)  # the kernel manager is ours, so nbclient leaves its kernel running

    async def _start(self, client: Any, log: Any) -> None:
        """Start the client's kernel and wait until it answers (RuntimeError when it dies or stays silent)."""
        await client.async_start_new_kernel(env=self.env, stderr=log)
        await client.async_start_new_kernel_client()

    @staticmethod
    async def _shutdown(client: Any) -> None:
        """Stop a client's kernel now, whatever state it is in."""
        km = getattr(client, "km", None)
        kc = getattr(client, "kc", None)
        if kc is not None:
            with contextlib.suppress(Exception):
                kc.stop_channels()
        if km is None:
            return
        with contextlib.suppress(Exception):
            if await km.is_alive():
                await km.shutdown_kernel(now=True)
        with contextlib.suppress(Exception):
            await km.cleanup_resources()

    def cancel(self, timeout: float = 20.0) -> None:
        """Cancel every notebook, shut its kernel down and wait for the loop thread to end."""
        if self.thread.is_alive():
            def cancel_all() -> None:
                """Cancel the tasks (their handlers stop their kernels)."""
                for task in self.tasks:
                    task.cancel()

            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                self.loop.call_soon_threadsafe(cancel_all)
            self.thread.join(timeout)
        for client in self.clients:  # last resort: a kernel whose shutdown did not finish
            provisioner = getattr(getattr(client, "km", None), "provisioner", None)
            pid = getattr(provisioner, "pid", None)
            if pid:
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)


def _next_result(runner: _Runner) -> tuple[Path, Any, dict[str, Any]]:
    """The next finished notebook (waiting in short steps, so Ctrl-C is seen at once)."""
    while True:
        try:
            return runner.results.get(timeout=0.1)
        except queue.Empty:
            if not runner.thread.is_alive() and runner.results.empty():
                raise RuntimeError("the notebook runner stopped unexpectedly") from None


def run_pending(
    pending: list[tuple[Path, str, str]],
    env: dict[str, str],
    log_dir: Path,
    jobs: int,
    on_done: Callable[[Path, str, str, dict[str, Any]], None],
    kernel_manager: Callable[[], Any] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> None:
    """Run notebooks concurrently and call on_done(path, key, title, result) as each one is exported.

    meanwhile() runs in this thread while the kernels work (e.g. the report's index tables).
    """
    by_path = {nb: (key, title) for nb, key, title in pending}
    runner = _Runner(env, log_dir, max(1, min(jobs, len(pending))), kernel_manager)
    with sigterm_as_interrupt():
        runner.start(list(by_path))
        try:
            prepare_exporter()  # nbconvert loads while the kernels start, not after
            if meanwhile is not None:
                meanwhile()
            for _ in by_path:
                path, nb, result = _next_result(runner)
                key, title = by_path[path]
                if nb is not None:
                    try:
                        result["html"], result["figures"] = export_html(nb, path.stem, title)
                    except Exception as exc:  # noqa: BLE001 - one line for the user
                        result = {"error": f"export: {_describe_failure(exc, None).split(': ', 1)[1]}",
                                  "seconds": result["seconds"]}
                on_done(path, key, title, result)
        except BaseException:
            runner.cancel()
            raise
        runner.thread.join()
