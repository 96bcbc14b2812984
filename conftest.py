"""Collection rules for the whole project: nbval runs only the numbered story notebooks (notebooks/NN-*.ipynb)."""

from __future__ import annotations

import re
from pathlib import Path

STORY_NOTEBOOK = re.compile(r"^\d\d-.+\.ipynb$")


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """Skip any other notebook (an Untitled.ipynb, a scratch copy) and the scratch folder explore/."""
    if collection_path.name == "explore" and collection_path.is_dir():
        return True
    if collection_path.suffix == ".ipynb" and not STORY_NOTEBOOK.match(collection_path.name):
        return True
    return None
