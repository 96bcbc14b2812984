"""analysis.report.lab_contents: a notebook saved from JupyterLab replaces the file whole, never in place."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from analysis.report.lab_contents import ReplacingContentsManager, replacing_file


def test_the_old_file_stays_whole_until_the_new_one_replaces_it(tmp_path: Path) -> None:
    """While the new bytes are written a reader sees the old file; then the new one, with the old permissions."""
    path = tmp_path / "00-overview.ipynb"
    path.write_text("old", encoding="utf-8")
    os.chmod(path, 0o640)
    with replacing_file(str(path)) as f:
        f.write("new, and longer")
        f.flush()
        assert path.read_text(encoding="utf-8") == "old"
    assert path.read_text(encoding="utf-8") == "new, and longer"
    assert oct(path.stat().st_mode & 0o777) == oct(0o640)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["00-overview.ipynb"]  # no temporary file left


def test_a_failed_save_leaves_the_old_file(tmp_path: Path) -> None:
    """An error while writing leaves the file as it was, and no temporary file."""
    path = tmp_path / "00-overview.ipynb"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError), replacing_file(str(path), text=False) as f:
        f.write(b"half of")
        raise RuntimeError("disk full")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["00-overview.ipynb"]


def test_the_contents_manager_saves_a_notebook_by_replacing_it(tmp_path: Path) -> None:
    """A save through the server's contents manager (as Ctrl+S in JupyterLab) writes a new file in the path's place."""
    path = tmp_path / "notebooks" / "01-x.ipynb"
    path.parent.mkdir()
    path.write_text("{}", encoding="utf-8")
    before = path.stat().st_ino
    nb = new_notebook(cells=[new_code_cell("1 + 1")])
    manager = ReplacingContentsManager(root_dir=str(tmp_path))
    asyncio.run(manager.save({"type": "notebook", "content": nb}, "notebooks/01-x.ipynb"))
    assert path.stat().st_ino != before  # a new file took the old one's name
    assert nbformat.read(path, as_version=4).cells[0].source == "1 + 1"
    assert sorted(p.name for p in path.parent.iterdir()) == [".ipynb_checkpoints", "01-x.ipynb"]  # no temporary file
