"""Fork server for warm kernels: import the heavy libraries once, then fork one fresh ipykernel per request.

Run by analysis.report.warm as `python -c <runner> THIS_FILE MODULES_JSON` (never as `-m analysis...`,
so a project's own `analysis` package on PYTHONPATH cannot shadow it). It imports MODULES (the libraries)
at once, then reads a first line on stdin, {"modules", "warm", "code"}: more modules (the notebooks' own,
known once the build has planned its parts), memos and warm-up code; then it says it is ready. Then it
reads one JSON request per line on stdin ({"argv", "cwd", "env", "stderr"}) and answers {"pid": N}. Each child is what
`python -m ipykernel_launcher ARGV` would be, minus the imports already done: its own session and
process group, the requested working folder, environment and stderr, and a brand-new IPython
namespace. Children die with this process (PR_SET_PDEATHSIG), and this process dies with the build
that started it, so no kernel outlives a build, even one killed with SIGKILL.

Run as `... THIS_FILE --shared MODULES_JSON WARM_UP_CODE FD` it is a shared library server instead (see
serve_shared): it imports once and forks one fork server per build of the process that started it, which gets
that build's environment and PYTHONPATH.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import json
import os
import signal
import socket
import sys

PR_SET_PDEATHSIG = 1
PARENT_ENV = "DYSTONIA_FACTS_ZYGOTE_PARENT"


def die_with_parent(expected_parent: int) -> None:
    """Ask Linux to SIGKILL this process when its parent dies; exit now if it already has."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != expected_parent:
        os._exit(1)


def preload(modules: list[str]) -> None:
    """Import the modules every notebook would import (a module that fails is left to the notebook).

    What they print to stderr while importing is dropped (debugpy warns about frozen modules: a fresh
    kernel writes that to its log, not to a notebook).
    """
    saved = os.dup(2)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    try:
        for name in modules:
            with contextlib.suppress(Exception):
                importlib.import_module(name)
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def prewarm(specs: list[list[str]]) -> str | None:
    """Call [module, function, cache] once so forks inherit its memoised result; undo it if it warned.

    Only pure, memoised functions belong here (analysis.data.load.page_tables: the page's tables, a function
    of the page file alone). A fresh kernel shows the warnings of the first call in the cell's output,
    so when the call warns (or fails) the memo is cleared and each notebook computes it itself.
    Returns the one-line message of the first failure (the page refused), which the build reports
    before any kernel starts.
    """
    import warnings

    failure = None
    for module, function, cache in specs:
        try:
            mod = importlib.import_module(module)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                getattr(mod, function)()
            clean = not caught
        except Exception as exc:  # noqa: BLE001 - said to the build in one line
            clean = False
            if failure is None:
                failure = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if not clean:
            with contextlib.suppress(Exception):
                getattr(importlib.import_module(module), cache).cache_clear()
    return failure


def warm_up(code: str) -> None:
    """Run library warm-up code (first-use caches: plotly validators, pandas HTML templates) with warnings ignored.

    Ignored warnings leave no trace in the warnings registry, so a notebook shows the same warnings as
    in a fresh kernel; the code runs in a throwaway namespace, never in a kernel's.
    """
    import warnings

    with warnings.catch_warnings(), contextlib.suppress(Exception):
        warnings.simplefilter("ignore")
        exec(compile(code, "<warm-up>", "exec"), {})  # noqa: S102 - fixed code from analysis.report.warm


def added_since(before: dict[str, str]) -> dict[str, str]:
    """The environment variables set since `before` was taken (by imports: debugpy sets one)."""
    return {k: v for k, v in os.environ.items() if k not in before}


def use_python_path(value: str | None) -> None:
    """Give this process, started without PYTHONPATH, the sys.path it would have had if started with PYTHONPATH=value.

    As Python does: each entry made absolute (from the current folder), after sys.path[0] and before the rest, and
    site's duplicate removal, which keeps a path's first place.
    """
    if not value:
        return
    first: dict[str, str] = {}
    for path in [os.path.abspath(p) for p in value.split(os.pathsep)] + sys.path[1:]:
        first.setdefault(os.path.normcase(os.path.abspath(path)), path)
    sys.path[1:] = list(first.values())


def become_kernel(request: dict, ready_fd: int, zygote: int, imported_env: dict[str, str]) -> None:
    """In the forked child: set up like a freshly launched kernel process, then run ipykernel. Never returns.

    imported_env: variables the preloaded imports set (debugpy's), which a fresh kernel's own imports set too.
    """
    try:
        os.setsid()  # its own session and process group, as jupyter_client gives a kernel
        os.write(ready_fd, b"1")
        os.close(ready_fd)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        die_with_parent(zygote)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        for name, value in imported_env.items():
            os.environ.setdefault(name, value)
        null = os.open(os.devnull, os.O_RDWR)
        err = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644) if request.get("stderr") else null
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.dup2(err, 2)
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        sys.path[0] = request["cwd"]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=request["argv"])
    except BaseException:  # noqa: BLE001 - a kernel that cannot start just ends; the client reports it
        import traceback

        with contextlib.suppress(Exception):
            traceback.print_exc()
    finally:
        os._exit(0)


def run_call(request: dict, zygote: int) -> None:
    """In a forked child: call module.function(*args) and write {"value"} or {"error"} as JSON. Never returns."""
    try:
        die_with_parent(zygote)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        module, function = request["call"]
        try:
            value = {"value": getattr(importlib.import_module(module), function)(*request["args"])}
        except Exception as exc:  # noqa: BLE001 - handed back to the build as one line
            value = {"error": f"{type(exc).__name__}: {exc}", "type": type(exc).__name__}
        tmp = request["result"] + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(value, f)
        os.replace(tmp, request["result"])
    finally:
        os._exit(0)


def serve(libraries: list[str], parent: int | None = None, imported: dict[str, str] | None = None) -> None:
    """Preload, say ready, then fork a kernel for each request until stdin closes; then stop every kernel.

    parent: the process to die with (default: the build named by the environment); imported: variables
    that imports done before (in a shared library server) set.
    """
    env_parent = int(os.environ.pop(PARENT_ENV, "0") or 0)
    parent = env_parent if parent is None else parent
    started_env = dict(os.environ)
    if parent:
        die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    reply = os.fdopen(os.dup(1), "w")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # stray prints must not reach the reply pipe
    preload(libraries)
    first = sys.stdin.readline()
    if not first:  # the build needed no kernel after all
        return
    more = json.loads(first)
    preload(more["modules"])
    warm_up(more["code"])
    failure = prewarm(more["warm"])
    imported_env = {**(imported or {}), **added_since(started_env)}
    print(json.dumps({"ready": True, "error": failure}), file=reply, flush=True)
    children: list[int] = []
    zygote = os.getpid()
    for line in sys.stdin:
        request = json.loads(line)
        if "call" in request:
            pid = os.fork()
            if pid == 0:
                run_call(request, zygote)
            children.append(pid)
            print(json.dumps({"pid": pid}), file=reply, flush=True)
            continue
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(ready_r)
            become_kernel(request, ready_w, zygote, imported_env)
        os.close(ready_w)
        os.read(ready_r, 1)  # the child has its own process group before anyone may signal it
        os.close(ready_r)
        children.append(pid)
        print(json.dumps({"pid": pid}), file=reply, flush=True)
    for pid in children:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def serve_shared(libraries: list[str], code: str, channel: int) -> None:
    """Shared mode: import the libraries and warm them up once, then fork one fork server per request.

    A process that runs many builds (the test suite's workers) starts one of these. Each request on the
    `channel` socket carries the build's environment, the libraries, and two pipe ends that become the
    new fork server's stdin and stdout; it answers {"pid": N}. The fork server then is what a freshly
    started one would be after importing the libraries, with the build's environment; it dies with this
    process, which dies with the process that started it, and it stops when its build closes its stdin
    (the build ended or was killed).
    """
    parent = int(os.environ.pop(PARENT_ENV, "0") or 0)
    if parent:
        die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    before = dict(os.environ)
    preload(libraries)
    warm_up(code)
    imported = added_since(before)
    server = os.getpid()
    with socket.socket(fileno=channel) as sock:
        while True:
            try:
                message, fds, _, _ = socket.recv_fds(sock, 1 << 20, 2)
            except OSError:
                return
            if not message or len(fds) != 2:
                return
            request = json.loads(message)
            pid = os.fork()
            if pid == 0:
                try:
                    sock.close()
                    os.dup2(fds[0], 0)
                    os.dup2(fds[1], 1)
                    for fd in fds:
                        os.close(fd)
                    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - lives as long as the process
                    os.environ.clear()
                    os.environ.update(request["env"])
                    os.environ.update({k: v for k, v in imported.items() if k not in os.environ})
                    use_python_path(os.environ.get("PYTHONPATH"))
                    serve(request["libraries"], server, imported)
                finally:
                    os._exit(0)
            for fd in fds:
                os.close(fd)
            sock.send(json.dumps({"pid": pid}).encode())


if __name__ == "__main__":
    if sys.argv[1] == "--shared":
        serve_shared(json.loads(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    else:
        serve(json.loads(sys.argv[1]))
    os._exit(0)  # its kernels are stopped; skip tearing down pandas, scipy and plotly (0.4 s the build would wait)
