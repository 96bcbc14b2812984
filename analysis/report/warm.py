"""Warm kernels for the report build: one process imports the heavy libraries, each notebook gets a fork of it.

A fresh kernel spends most of its life importing pandas, plotly and the `analysis` package. Here a
fork server (analysis/report/kernel_zygote.py) does those imports once, while the build checks the page;
each notebook then runs in a kernel forked from it, which is a new process with a brand-new
IPython namespace and nothing executed in it, like a fresh kernel that has already imported those
modules. jupyter_client and nbclient drive it as usual: only the launch step differs (the
connection file, ports, messages, shutdown and kill are theirs). Where fork is unavailable, or the
`python3` kernel spec is not this interpreter's ipykernel, kernels start the ordinary way.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from analysis.paths import AS_OF_ENV, PAGE_ENV

ZYGOTE = Path(__file__).resolve().parent / "kernel_zygote.py"
PARENT_ENV = "DYSTONIA_FACTS_ZYGOTE_PARENT"  # kernel_zygote.PARENT_ENV: the process the fork server dies with
RUNNER = "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
# Heavy third-party modules the report's notebooks import (directly or through `analysis`): each is imported
# when the build's notebooks import its package (all of them when that is not known). The kernel's own
# modules always are; the notebooks' own `analysis` modules are added per build.
LIBRARIES = ["numpy", "pandas", "plotly.graph_objects", "plotly.express", "plotly.io", "pandera.pandas", "bs4",
             "dateutil.relativedelta", "scipy.stats"]
# The kernel's own modules, and those its start-up imports (IPKernelApp.initialize: tornado's coroutines and
# queues, the history's sqlite3, the debugger's debugpy, 0.15 s alone): each kernel's start then takes ~0.25 s less.
KERNEL = ["IPython", "IPython.display", "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "sqlite3",
          "tornado.gen", "tornado.locks", "tornado.queues", "tornado.platform.asyncio", "psutil", "pdb", "pydoc",
          "http.server", "xmlrpc.server", "mimetypes"]

# First-use work of the libraries (not of any notebook): plotly's validators and JSON encoder, pandas' HTML
# templates, IPython's display formatters. Run once in the fork server with warnings ignored, when the
# notebooks use pandas and plotly.
WARM_UP_NEEDS = {"pandas", "plotly"}
WARM_UP = """
import pandas as pd
import plotly.express as px
import plotly.io as pio
from IPython.core.formatters import DisplayFormatter
frame = pd.DataFrame({"kind": ["a", "b"], "n": [1.5, 2.0]})
figure = px.bar(frame, x="kind", y="n", title="warm-up", error_y="n")
figure.update_layout(annotations=[{"text": "x", "showarrow": False}])
pio.to_json(figure)
DisplayFormatter().format(frame)
frame.style.format(precision=1).to_html()
"""

# The page's tables, memoised per process by analysis.data.load: computed once in the fork server (see prewarm).
PREWARM = ["analysis.data.load", "page_tables", "_tables"]


def supported() -> bool:
    """Warm kernels need fork and Linux's parent-death signal."""
    return hasattr(os, "fork") and sys.platform.startswith("linux")


class _PidProcess:
    """The part of subprocess.Popen that jupyter_client and Zygote use, for a process a fork server started."""

    def __init__(self, pid: int) -> None:
        """Remember the process's pid (a kernel's is also its process group)."""
        self.pid = pid
        self.returncode: int | None = None
        self.stdin: TextIO | None = None
        self.stdout: TextIO | None = None
        self.stderr: TextIO | None = None

    def poll(self) -> int | None:
        """None while the kernel runs (the fork server reaps it when it ends)."""
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:  # the pid was reused by someone else's process
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait until the kernel has ended."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        """Signal the kernel."""
        os.kill(self.pid, signum)

    def terminate(self) -> None:
        """SIGTERM."""
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL."""
        self.send_signal(signal.SIGKILL)


class SharedLibraries:
    """One process that imports every heavy library once and forks a fork server for each build of this process.

    For a process that runs many builds (a test worker): each build's fork server then starts without
    importing the libraries again. It serves builds whose kernel environment is the one it was started
    with, but for the page, the as-of date and the variables shared_libraries() was told vary.
    """

    def __init__(self, env: dict[str, str]) -> None:
        """Start the server with `env` minus the page and as-of date (given to each fork server later)."""
        self.env = _shareable(env)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.channel = ours
        self.lock = threading.Lock()
        command = [sys.executable, "-c", RUNNER, str(ZYGOTE), "--shared", json.dumps(library_preloads(None)), WARM_UP,
                   str(theirs.fileno())]
        self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, pass_fds=[theirs.fileno()],
                                     env=dict(self.env, **{PARENT_ENV: str(os.getpid())}), cwd=str(ZYGOTE.parent.parent))
        theirs.close()

    def fork(self, env: dict[str, str], libraries: list[str]) -> _PidProcess:
        """A new fork server for a build with `env`, its stdin and stdout pipes attached (text)."""
        stdin_r, stdin_w = os.pipe()
        stdout_r, stdout_w = os.pipe()
        try:
            with self.lock:
                socket.send_fds(self.channel, [json.dumps({"env": env, "libraries": libraries}).encode()],
                                [stdin_r, stdout_w])
                reply = self.channel.recv(4096)
        finally:
            os.close(stdin_r)
            os.close(stdout_w)
        if not reply:
            os.close(stdin_w)
            os.close(stdout_r)
            raise RuntimeError("the shared library server ended unexpectedly")
        proc = _PidProcess(int(json.loads(reply)["pid"]))
        proc.stdin = open(stdin_w, "w", encoding="utf-8")  # noqa: SIM115 - closed by Zygote.close
        proc.stdout = open(stdout_r, encoding="utf-8")  # noqa: SIM115 - closed by Zygote.close
        return proc

    def close(self) -> None:
        """Stop the server (fork servers it started end with it)."""
        self.channel.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


_SHARED: dict[str, Any] = {"on": False, "servers": {}, "varying": ()}


def _shareable(env: dict[str, str]) -> dict[str, str]:
    """The part of a kernel environment a shared library server must have been started with.

    Not PYTHONPATH (it names the build's project, whose modules the server never imports): each fork server puts
    its build's entries on sys.path (kernel_zygote.use_python_path), so builds of other project folders share it.
    """
    return {k: v for k, v in env.items()
            if k not in (PAGE_ENV, AS_OF_ENV, PARENT_ENV, "PYTHONPATH", *_SHARED["varying"])}


def _shared_server(env: dict[str, str]) -> SharedLibraries | None:
    """The shared library server for builds with kernel environment `env` (one per environment, started at its first
    build), or None when not sharing.

    Only from the main thread: Linux's parent-death signal follows the thread that started the server.
    """
    if not _SHARED["on"] or threading.current_thread() is not threading.main_thread():
        return None
    key = json.dumps(_shareable(env), sort_keys=True)
    server = _SHARED["servers"].get(key)
    if server is None or server.proc.poll() is not None:
        server = _SHARED["servers"][key] = SharedLibraries(env)
    return server


@contextlib.contextmanager
def shared_libraries(varying: Sequence[str] = ()) -> Iterator[None]:
    """Within the block, this process's warm builds share library servers (see SharedLibraries).

    varying: environment variables that change between builds without changing what importing the libraries
    does (each fork server still gets the build's own value), like the page and the as-of date.
    """
    _SHARED.update(on=True, varying=tuple(varying))
    try:
        yield
    finally:
        _SHARED.update(on=False, varying=())
        servers, _SHARED["servers"] = _SHARED["servers"], {}
        for server in servers.values():
            server.close()


class Zygote:
    """The fork server process and the pipe to ask it for kernels."""

    def __init__(self, env: dict[str, str], libraries: list[str]) -> None:
        """Start the fork server with the kernels' environment; it imports `libraries` in the background.

        It waits for load() (the notebooks' own modules) before it is ready. Within shared_libraries(), it is
        forked from the shared library server instead, with every library already imported.
        """
        shared = _shared_server(env)
        if shared is not None:
            self.proc: subprocess.Popen[str] | _PidProcess = shared.fork(env, libraries)
        else:
            self.proc = subprocess.Popen([sys.executable, "-c", RUNNER, str(ZYGOTE), json.dumps(libraries)],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                         env=dict(env, **{PARENT_ENV: str(os.getpid())}), cwd=str(ZYGOTE.parent.parent))
        self.lock = threading.Lock()
        self.loaded = False
        self.ready = False
        self.failure: str | None = None

    def load(self, modules: list[str], warm_up: bool = True, warm: list[list[str]] | None = None) -> None:
        """Have it import `modules` too, run WARM_UP (when warm_up) and the memoised calls `warm`; then it is ready."""
        assert self.proc.stdin is not None and not self.loaded
        self.proc.stdin.write(json.dumps({"modules": modules, "warm": warm or [],
                                          "code": WARM_UP if warm_up else ""}) + "\n")
        self.proc.stdin.flush()
        self.loaded = True

    def _read(self) -> dict[str, Any]:
        """One JSON reply line."""
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the warm-kernel server ended unexpectedly")
        return json.loads(line)

    def wait_ready(self) -> str | None:
        """Wait until the server has imported everything; return its one-line page failure, if any."""
        with self.lock:
            if not self.ready:
                self.failure = self._read().get("error")
                self.ready = True
            return self.failure

    def call(self, module: str, function: str, args: list[Any], result: Path) -> Any:
        """Run module.function(*args) in a fork of the server (its imports and memos ready); return its value."""
        self.wait_ready()
        with self.lock:
            assert self.proc.stdin is not None
            self.proc.stdin.write(json.dumps({"call": [module, function], "args": args, "result": str(result)}) + "\n")
            self.proc.stdin.flush()
            pid = int(self._read()["pid"])
        child = _PidProcess(pid)
        while not result.exists():
            if child.poll() is not None and not result.exists():
                raise RuntimeError(f"{module}.{function} ended without a result")
            time.sleep(0.01)
        answer = json.loads(result.read_text(encoding="utf-8"))
        result.unlink()
        if "error" in answer:
            raise (ValueError if answer.get("type") in ("PageError", "ValueError", "KeyError") else RuntimeError)(
                answer["error"])
        return answer["value"]

    def fork(self, argv: list[str], cwd: str, env: dict[str, str], stderr: str | None) -> int:
        """Ask for a kernel process running ipykernel with argv; return its pid (its process group too)."""
        self.wait_ready()
        with self.lock:
            assert self.proc.stdin is not None
            request = {"argv": argv, "cwd": cwd, "env": env, "stderr": stderr}
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            return int(self._read()["pid"])

    def close(self) -> None:
        """Stop the server; it kills every kernel it forked that is still running.

        A server still importing (the build failed before it was needed: a refused page, an unwritable
        target) has forked nothing yet, so it is killed at once rather than waited for.
        """
        if not self.ready and self.proc.poll() is None:
            with contextlib.suppress(OSError):
                self.proc.kill()
        with contextlib.suppress(OSError, ValueError):
            if self.proc.stdin:
                self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


def same_interpreter(cmd: list[str]) -> bool:
    """True when a kernel command is `<this python> -m ipykernel_launcher ...`."""
    if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
        return False
    return os.path.realpath(cmd[0]) == os.path.realpath(sys.executable) or cmd[0] in ("python", "python3")


def kernel_launch_env(kw: dict[str, Any]) -> dict[str, str]:
    """The environment jupyter_client would give the kernel process (its launch keywords' env, or ours)."""
    return {k: str(v) for k, v in (kw.get("env") or os.environ).items()}


async def launch_forked(manager: Any, zygote: Zygote, kernel_cmd: list[str], kw: dict[str, Any]) -> None:
    """A kernel manager's launch step done by a fork server: the kernel is forked, jupyter_client does the rest."""
    import asyncio

    stderr = kw.get("stderr")
    env = kernel_launch_env(kw)
    cwd = str(kw.get("cwd") or os.getcwd())
    pid = await asyncio.get_running_loop().run_in_executor(
        None, lambda: zygote.fork(kernel_cmd[3:], cwd, env, getattr(stderr, "name", None)))
    provisioner = manager.provisioner
    assert provisioner is not None
    provisioner.process = _PidProcess(pid)
    provisioner.pid = provisioner.pgid = pid
    provisioner.cwd = cwd
    manager._reconcile_connection_info(provisioner.connection_info)


def _manager_class() -> type:
    """AsyncKernelManager whose launch step asks the fork server (imported lazily: it is heavy)."""
    from jupyter_client.manager import AsyncKernelManager

    class WarmKernelManager(AsyncKernelManager):
        """Launch the kernel as a fork of the warm server; everything else is jupyter_client's own."""

        zygote: Zygote | None = None

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            """Fork a warm kernel instead of starting a new interpreter (when it is the same kernel)."""
            if self.zygote is None or not same_interpreter(kernel_cmd):
                await super()._async_launch_kernel(kernel_cmd, **kw)
                return
            await launch_forked(self, self.zygote, kernel_cmd, kw)

    return WarmKernelManager


def shared_modules(per_notebook: list[set[str]]) -> list[str]:
    """The modules to import in the fork server: those at least two of the notebooks import (all, for one notebook).

    A module only one notebook uses (the comments' sentiment and readability: 0.45 s) is imported by that
    notebook's kernel, in parallel with the others, instead of delaying every kernel's start.
    """
    if len(per_notebook) == 1:
        return sorted(per_notebook[0])
    counts = Counter(name for names in per_notebook for name in names)
    return sorted(name for name, n in counts.items() if n > 1)


def library_preloads(libraries: set[str] | None) -> list[str]:
    """The modules of LIBRARIES whose package is in `libraries` (every one when it is None), and the kernel's."""
    chosen = LIBRARIES if libraries is None else [m for m in LIBRARIES if m.split(".")[0] in libraries]
    return [*chosen, *KERNEL]


@contextlib.contextmanager
def start_kernels(env: dict[str, str], libraries: set[str] | None = None) -> Iterator[Zygote | None]:
    """Start the fork server now, importing the heavy libraries among `libraries` (the top-level packages the
    notebooks' code imports; None: not known, all of them) while the caller works; yield it (None where
    unsupported). It is ready once load_kernels() has told it the notebooks' own modules."""
    if not supported():
        yield None
        return
    zygote = Zygote(env, library_preloads(libraries))
    try:
        yield zygote
    finally:
        zygote.close()


def load_kernels(zygote: Zygote, modules: list[str], libraries: set[str] | None = None) -> None:
    """Tell a started fork server the `analysis` modules the notebooks use (and the heavy libraries their code
    imports, when it started without knowing which notebooks run): it imports them and warms up."""
    warm = [PREWARM] if PREWARM[0] in modules else []
    zygote.load([*library_preloads(libraries), *modules], libraries is None or libraries >= WARM_UP_NEEDS, warm)


@contextlib.contextmanager
def warm_kernels(env: dict[str, str], modules: list[str], libraries: set[str] | None = None) -> Iterator[Zygote | None]:
    """Start the fork server now (it imports while the caller works); yield it, or None where unsupported.

    modules: the `analysis` modules the notebooks use; libraries: the top-level packages their code imports
    (None: not known, every heavy library is imported).
    """
    with start_kernels(env, libraries) as zygote:
        if zygote is not None:
            load_kernels(zygote, modules, libraries)
        yield zygote


def kernel_manager_factory(zygote: Zygote) -> Callable[[], Any]:
    """A factory of kernel managers that launch through the fork server."""
    manager_class = _manager_class()

    def factory() -> Any:
        """A kernel manager for one notebook."""
        km = manager_class(kernel_name="python3")
        km.zygote = zygote
        return km

    return factory

