"""Collection rules for the whole project: nbval runs only the numbered story notebooks (notebooks/NN-*.ipynb, NNa-*.ipynb)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.paths import STORY_NOTEBOOK


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """Skip any other notebook (an Untitled.ipynb, a scratch copy) and the scratch folder explore/."""
    if collection_path.name == "explore" and collection_path.is_dir():
        return True
    if collection_path.suffix == ".ipynb" and not STORY_NOTEBOOK.match(collection_path.name):
        return True
    return None


def pytest_configure(config: pytest.Config) -> None:
    """nbval's kernels are forks of one warm process per test worker (tests/nbval_kernels.py); the xdist controller,
    which runs no test, skips it."""
    controller = bool(getattr(config.option, "numprocesses", None)) and not hasattr(config, "workerinput")
    if config.pluginmanager.hasplugin("nbval") and not controller:
        from tests.nbval_kernels import use_warm_kernels

        use_warm_kernels()
