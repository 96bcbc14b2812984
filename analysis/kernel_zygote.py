"""Fork server for warm kernels: import the heavy libraries once, then fork one fresh ipykernel per request.

Run by analysis.report_warm as `python -c <runner> THIS_FILE MODULES_JSON` (never as `-m analysis...`,
so a project's own `analysis` package on PYTHONPATH cannot shadow it). It reads one JSON request per
line on stdin ({"argv", "cwd", "env", "stderr"}) and answers {"pid": N}. Each child is what
`python -m ipykernel_launcher ARGV` would be, minus the imports already done: its own session and
process group, the requested working folder, environment and stderr, and a brand-new IPython
namespace. Children die with this process (PR_SET_PDEATHSIG), and this process dies with the build
that started it, so no kernel outlives a build, even one killed with SIGKILL.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import json
import os
import signal
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
    """Import the modules every notebook would import (a module that fails is left to the notebook)."""
    for name in modules:
        with contextlib.suppress(Exception):
            importlib.import_module(name)


def prewarm(specs: list[list[str]]) -> None:
    """Call [module, function, cache] once so forks inherit its memoised result; undo it if it warned.

    Only pure, memoised functions belong here (analysis.load.page_tables: the page's tables, a function
    of the page file alone). A fresh kernel shows the warnings of the first call in the cell's output,
    so when the call warns (or fails) the memo is cleared and each notebook computes it itself.
    """
    import warnings

    for module, function, cache in specs:
        try:
            mod = importlib.import_module(module)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                getattr(mod, function)()
            clean = not caught
        except Exception:  # noqa: BLE001 - the notebook will meet (and report) the same failure
            clean = False
        if not clean:
            with contextlib.suppress(Exception):
                getattr(importlib.import_module(module), cache).cache_clear()


def become_kernel(request: dict, ready_fd: int, zygote: int) -> None:
    """In the forked child: set up like a freshly launched kernel process, then run ipykernel. Never returns."""
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


def serve(modules: list[str], warm: list[list[str]]) -> None:
    """Preload, say ready, then fork a kernel for each request until stdin closes; then stop every kernel."""
    parent = int(os.environ.pop(PARENT_ENV, "0") or 0)
    if parent:
        die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    preload(modules)
    prewarm(warm)
    reply = os.fdopen(os.dup(1), "w")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # stray prints must not reach the reply pipe
    print(json.dumps({"ready": True}), file=reply, flush=True)
    children: list[int] = []
    zygote = os.getpid()
    for line in sys.stdin:
        request = json.loads(line)
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(ready_r)
            become_kernel(request, ready_w, zygote)
        os.close(ready_w)
        os.read(ready_r, 1)  # the child has its own process group before anyone may signal it
        os.close(ready_r)
        children.append(pid)
        print(json.dumps({"pid": pid}), file=reply, flush=True)
    for pid in children:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)


if __name__ == "__main__":
    serve(json.loads(sys.argv[1]) if len(sys.argv) > 1 else [], json.loads(sys.argv[2]) if len(sys.argv) > 2 else [])
