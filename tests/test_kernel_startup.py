"""A notebook's kernel that never answers is replaced once; one that dies is reported, not retried."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.manager import AsyncKernelManager
from nbformat.v4 import new_code_cell

from analysis.report import execute
from tests.conftest import RAW_PAGE
from tests.process_support import alive
from tests.test_report_build import write_notebook

SILENT = "import time; time.sleep(300)"  # alive, never answers
DYING = "raise SystemExit(3)"  # gone before it could answer


def manager_running(code: str, pids: list[int]) -> type:
    """An AsyncKernelManager whose kernel is `python -c code` instead of ipykernel (its pid noted in `pids`)."""

    class Broken(AsyncKernelManager):
        """Launches a process that is not a kernel."""

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            """The broken process's command line."""
            return [sys.executable, "-c", code]

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            """Launch as jupyter_client does, noting the pid."""
            await super()._async_launch_kernel(kernel_cmd, **kw)
            pids.append(self.provisioner.pid)  # type: ignore[union-attr]

    return Broken


def run_one(tmp_path: Path, first: type) -> tuple[dict[str, Any], int]:
    """Run a one-cell notebook whose first kernel manager is `first` (then ordinary ones); its result and managers made."""
    nb = write_notebook(tmp_path / "one.ipynb", [new_code_cell("print(6 * 7)")])
    made: list[Any] = []

    def factory() -> Any:
        """`first`, then fresh kernels."""
        made.append((first if not made else AsyncKernelManager)(kernel_name="python3"))
        return made[-1]

    done: dict[str, Any] = {}
    execute.run_pending([(nb, "key", "One")], execute.kernel_env(RAW_PAGE, tmp_path, None), tmp_path, 1,
                        lambda path, key, title, result: done.update(result), kernel_manager=factory)
    return done, len(made)


def test_a_silent_kernel_is_replaced_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kernel alive but silent past the first wait is stopped; the notebook runs in a second kernel and says so."""
    monkeypatch.setattr(execute, "FIRST_STARTUP_TIMEOUT", 2)
    pids: list[int] = []
    result, made = run_one(tmp_path, manager_running(SILENT, pids))
    assert "error" not in result, result
    assert "42" in result["html"] and made == 2
    assert result["note"] == "its first kernel did not answer in 2 s: ran in a second one"
    assert len(pids) == 1 and not alive(pids[0])  # the silent one was stopped


def test_a_kernel_that_dies_is_reported_not_retried(tmp_path: Path) -> None:
    """A kernel that exits before answering fails its notebook at once, in one line; no second kernel is tried."""
    pids: list[int] = []
    result, made = run_one(tmp_path, manager_running(DYING, pids))
    assert made == 1 and len(pids) == 1
    assert result["error"] == "kernel start-up: RuntimeError: Kernel died before replying to kernel_info", result
    assert not alive(pids[0])


def test_kernels_use_unix_sockets_in_a_folder_the_build_removes(tmp_path: Path) -> None:
    """A notebook's kernel is connected over ipc (Unix sockets in the build's own folder, no TCP port another
    program could take first), with its connection file in that folder (not a tmp*.json in /tmp, which a killed
    build would leave); the folder is gone when the notebooks are done."""
    nb = write_notebook(tmp_path / "one.ipynb", [new_code_cell(
        "import json\nfrom ipykernel.connect import get_connection_file, get_connection_info\n"
        "info = json.loads(get_connection_info())\nprint(info['transport'], info['ip'], get_connection_file())")])
    done: dict[str, Any] = {}
    execute.run_pending([(nb, "key", "One")], execute.kernel_env(RAW_PAGE, tmp_path, None), tmp_path, 1,
                        lambda path, key, title, result: done.update(result))
    assert "html" in done, done
    transport, folder, connection = re.search(r"(\w+) (/\S+)/k0 (\S+)", done["html"]).groups()
    assert transport == "ipc" and Path(folder).name.startswith("dystonia-facts-kernels-")
    assert connection == f"{folder}/k0.json"
    assert not Path(folder).exists()
