"""Warm kernels for JupyterLab (`make lab`): each notebook's kernel is forked from a process that imported the libraries.

A fresh kernel spends ~2 s importing IPython's debugger, pandas, plotly, pandera and scipy before a
notebook's first cells are done. Under `make lab` the Jupyter server keeps one fork server
(analysis/report/warm.py) that imported those third-party libraries once; each kernel (a notebook
opened, a kernel restarted) is a fork of it with a brand-new namespace, as in the report build. The
project's own `analysis` modules are never preloaded, so an edited module is what a restarted kernel
imports. The fork server is replaced when the installed packages change (an upgrade while the server
runs). Kernels start the ordinary way where fork is unavailable, for another kernel than this
interpreter's ipykernel, or with DYSTONIA_FACTS_FRESH_KERNELS=1 in the server's environment.
"""

from __future__ import annotations

import atexit
import json
import os
import site
import threading
from typing import Any

from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

from analysis.report.warm import Zygote, kernel_launch_env, launch_forked, library_preloads, same_interpreter, supported

FRESH_ENV = "DYSTONIA_FACTS_FRESH_KERNELS"
# Set by the Jupyter server per kernel (the notebook's path); each kernel still gets its own value.
PER_KERNEL = ("JPY_SESSION_NAME",)
_SERVER: dict[str, Any] = {"key": None, "zygote": None}


def installed_state() -> list[int]:
    """When the installed packages last changed (the site-packages folders' modification times)."""
    return [os.stat(path).st_mtime_ns for path in site.getsitepackages() if os.path.isdir(path)]


def close_lab_zygote() -> None:
    """Stop this process's fork server, if it started one (at exit: no pipe to it is left open)."""
    zygote = _SERVER["zygote"]
    _SERVER.update(key=None, zygote=None)
    if zygote is not None:
        zygote.close()


atexit.register(close_lab_zygote)


def lab_zygote(env: dict[str, str], per_kernel: tuple[str, ...] = PER_KERNEL) -> Zygote | None:
    """The server's fork server for kernels with environment `env` (started for the first kernel; replaced when the
    environment, but for the `per_kernel` variables, or the installed packages changed, or when it ended); None:
    start this kernel the ordinary way."""
    if not supported() or env.get(FRESH_ENV) == "1" or threading.current_thread() is not threading.main_thread():
        return None  # the parent-death signal follows the thread that starts the fork server: only the main one
    key = json.dumps([{k: v for k, v in env.items() if k not in per_kernel}, installed_state()], sort_keys=True)
    if _SERVER["key"] != key or _SERVER["zygote"].proc.poll() is not None:  # new, changed, or it ended
        if _SERVER["zygote"] is not None:
            _SERVER["zygote"].close()  # its kernels stop too: only after an upgrade or with another environment
        zygote = Zygote(env, library_preloads(None))
        zygote.load([], warm_up=True)
        _SERVER.update(key=key, zygote=zygote)
    return _SERVER["zygote"]


class WarmLaunch:
    """Kernel manager mixin: the launch step done by this process's fork server (lab_zygote); the rest is the base
    manager's. `per_kernel`: the environment variables that differ between kernels of one fork server."""

    per_kernel: tuple[str, ...] = PER_KERNEL

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        """Fork a warm kernel (a fresh interpreter for another kernel, or where that is not supported)."""
        zygote = lab_zygote(kernel_launch_env(kw), self.per_kernel) if same_interpreter(kernel_cmd) else None
        if zygote is None:
            await super()._async_launch_kernel(kernel_cmd, **kw)  # the base manager's own launch
            return
        await launch_forked(self, zygote, kernel_cmd, kw)


class WarmLabKernelManager(WarmLaunch, ServerKernelManager):
    """JupyterLab's kernel manager with the launch step done by the server's fork server; the rest is jupyter_client's."""
