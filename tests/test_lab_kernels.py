"""analysis.report.lab_kernels: when JupyterLab's fork server is started, kept, replaced, or not used."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from analysis.report import lab_kernels
from tests.conftest import PROJECT_ROOT

# A process that started the fork server and then ends, warning of any file it leaves open (ResourceWarning).
STARTED_THEN_ENDS = """
import os
from analysis.report import lab_kernels
zygote = lab_kernels.lab_zygote(dict(os.environ))
print(zygote is not None and zygote.proc.pid)
"""


class FakeProcess:
    """The fork server's process: running until `returncode` is set."""

    returncode: int | None = None

    def poll(self) -> int | None:
        """None while it runs."""
        return self.returncode


class FakeZygote:
    """Records what lab_zygote does with a fork server (a real one is started by the JupyterLab tests)."""

    started: list[FakeZygote] = []

    def __init__(self, env: dict[str, str], libraries: list[str]) -> None:
        """Remember the environment and libraries it was started with."""
        self.env, self.libraries, self.modules, self.closed = env, libraries, None, False
        self.proc = FakeProcess()
        FakeZygote.started.append(self)

    def load(self, modules: list[str], warm_up: bool = True) -> None:
        """Remember the project modules it was asked to import."""
        self.modules = modules

    def close(self) -> None:
        """Remember it was stopped."""
        self.closed = True


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    """lab_kernels with FakeZygote, a fresh server slot and a controllable record of the installed packages."""
    FakeZygote.started = []
    state = {"installed": [1]}
    monkeypatch.setattr(lab_kernels, "Zygote", FakeZygote)
    monkeypatch.setattr(lab_kernels, "_SERVER", {"key": None, "zygote": None})
    monkeypatch.setattr(lab_kernels, "installed_state", lambda: state["installed"])
    return state


def test_one_fork_server_for_every_kernel_of_the_server(fake: Any) -> None:
    """Kernels of two notebooks share the fork server; it imports libraries only, never the project's modules."""
    first = lab_kernels.lab_zygote({"PATH": "/bin", "JPY_SESSION_NAME": "notebooks/00-overview.ipynb"})
    second = lab_kernels.lab_zygote({"PATH": "/bin", "JPY_SESSION_NAME": "explore/starter.ipynb"})
    assert first is second and len(FakeZygote.started) == 1
    assert first.modules == [] and "pandas" in first.libraries
    assert not [name for name in first.libraries if name.split(".")[0] == "analysis"]


def test_an_upgrade_another_environment_or_its_end_replaces_it(fake: Any) -> None:
    """Installed packages changed, a kernel with another environment, or the fork server ended: a new one (the old
    one stopped)."""
    old = lab_kernels.lab_zygote({"PATH": "/bin"})
    fake["installed"] = [2]
    new = lab_kernels.lab_zygote({"PATH": "/bin"})
    assert new is not old and old.closed and not new.closed
    other = lab_kernels.lab_zygote({"PATH": "/usr/bin"})
    assert other is not new and new.closed
    other.proc.returncode = -9  # it ended (killed): the next kernel gets a new one
    assert lab_kernels.lab_zygote({"PATH": "/usr/bin"}) is not other


def test_fresh_kernels_on_request(fake: Any) -> None:
    """DYSTONIA_FACTS_FRESH_KERNELS=1 in the server's environment: kernels start the ordinary way."""
    assert lab_kernels.lab_zygote({"PATH": "/bin", lab_kernels.FRESH_ENV: "1"}) is None
    assert FakeZygote.started == []


@pytest.mark.skipif(not lab_kernels.supported(), reason="no fork server on this platform")
def test_the_fork_server_is_stopped_when_its_process_ends() -> None:
    """A process that started the fork server (JupyterLab's, or a test worker's for nbval) ends without a
    ResourceWarning for the pipes to it, and the fork server ends with it."""
    result = subprocess.run([sys.executable, "-X", "dev", "-c", STARTED_THEN_ENDS], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120, check=True)
    assert "ResourceWarning" not in result.stderr, result.stderr
    pid = int(result.stdout)
    with pytest.raises(ProcessLookupError):  # reaped by the process that started it, before it ended
        os.kill(pid, 0)
