"""nbval's kernels forked from one warm process per test worker, as `make lab` starts JupyterLab's (lab_kernels).

A fresh kernel per notebook imports IPython, pandas, plotly and pandera again (~2 CPU-seconds each). A warm
kernel is a fork with a brand-new namespace that imports the project's own modules itself, as the notebook
does; that it gives a fresh kernel's outputs is checked byte for byte (test_report_hostile_page). With
DYSTONIA_FACTS_FRESH_KERNELS=1 in the environment, nbval starts ordinary kernels.
"""

from __future__ import annotations

import nbval.kernel
from jupyter_client.manager import KernelManager

from analysis.report.lab_kernels import WarmLaunch

PER_TEST = ("PYTEST_CURRENT_TEST",)  # pytest names the running cell: each kernel still gets its own value


class WarmNbvalKernelManager(WarmLaunch, KernelManager):
    """nbval's kernel manager with the launch step done by the worker's fork server; the rest is jupyter_client's."""

    per_kernel = PER_TEST


def use_warm_kernels() -> None:
    """Have nbval start every notebook's kernel with WarmNbvalKernelManager."""
    nbval.kernel.KernelManager = WarmNbvalKernelManager
