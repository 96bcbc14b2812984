"""Re-execute the committed notebooks in place, deterministically (no timings, no machine paths)."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from analysis.paths import NOTEBOOKS_DIR


def execute_in_place(path: Path, timeout: int = 600) -> None:
    """Run a notebook top to bottom in a fresh kernel and save it with its outputs, minus timings."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})  # fmt: skip
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


def main(argv: list[str]) -> int:
    """Execute the notebooks named on the command line (default: all of notebooks/)."""
    paths = [Path(a) for a in argv] or sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    for path in paths:
        execute_in_place(path)
        print(f"executed {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
