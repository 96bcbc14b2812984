"""tests/nbval_kernels.py: nbval's notebook kernels are forks of the worker's warm process, or ordinary ones on request."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import nbval.kernel
import pytest

from analysis.report import lab_kernels
from tests.conftest import PROJECT_ROOT
from tests.nbval_kernels import WarmNbvalKernelManager
from tests.process_support import process_table

# What the kernel has imported of the project, and the names its namespace holds before any cell ran.
PROBE = ("import sys; print(sorted(m for m in sys.modules if m.split('.')[0] == 'analysis'),"
         " sorted(k for k in globals() if k not in ('sys', 'In', 'Out', '_', '__', '___') and not k.startswith('_i')))")


def started_kernel(cwd: Path) -> tuple[Any, Any, int, str]:
    """Start a kernel as nbval does; return its manager, client, pid and what PROBE printed."""
    km, kc = nbval.kernel.start_new_kernel(kernel_name="python3", cwd=str(cwd))
    printed: list[str] = []
    kc.execute_interactive(PROBE, timeout=60, output_hook=lambda msg: printed.append(msg["content"].get("text", "")))
    return km, kc, km.provisioner.pid, "".join(printed).strip()


def test_nbval_kernels_are_warm_forks_with_a_new_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    """nbval's kernel is a fork of the warm process (pandas mapped before any cell ran) that has imported nothing of
    the project, with the namespace of an ordinary new interpreter (DYSTONIA_FACTS_FRESH_KERNELS=1 gives one)."""
    assert nbval.kernel.KernelManager is WarmNbvalKernelManager  # the project conftest installed it
    km, kc, pid, printed = started_kernel(PROJECT_ROOT / "notebooks")
    try:
        zygote = lab_kernels._SERVER["zygote"]
        assert zygote is not None and process_table()[pid][0] == zygote.proc.pid
        assert "/pandas/" in Path(f"/proc/{pid}/maps").read_text()
        warm = printed
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    monkeypatch.setenv(lab_kernels.FRESH_ENV, "1")
    km, kc, pid, printed = started_kernel(PROJECT_ROOT / "notebooks")
    try:
        assert process_table()[pid][0] == os.getpid()
        assert "/pandas/" not in Path(f"/proc/{pid}/maps").read_text()
        assert printed == warm and printed.startswith("[] [")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
