"""Benchmark what a new user waits for: a fresh clone's `make venv` and `make report`, then `make test`.

Run `python -m analysis.report.bench_setup` (`make bench` does). The committed HEAD is cloned into a
temporary folder with the shared pages linked beside it (as CI sees them), and the README's commands
run there as child processes: `make venv` with empty uv and pip caches (every package is fetched as on
a new machine), `make report`, then `make test`. Prints a markdown table with the targets of issue 11.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from analysis.paths import PROJECT_ROOT

INSTALL_TARGET_S = 60.0
TEST_TARGET_S = 120.0
SHARED = PROJECT_ROOT.parent / "shared"


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    """Run cmd to the end; return (seconds, its output's last lines). Raise with the output if it fails."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{output[-3000:]}")
    return seconds, output


def fresh_clone(workdir: Path) -> Path:
    """Clone the committed HEAD into workdir/dystonia-facts, with ../shared linked beside it."""
    clone = workdir / "dystonia-facts"
    subprocess.run(["git", "clone", "--quiet", str(PROJECT_ROOT), str(clone)], check=True)
    if SHARED.is_dir():
        (workdir / "shared").symlink_to(SHARED, target_is_directory=True)
    return clone


def measure(run_tests: bool = True) -> list[tuple[str, str, str]]:
    """(measurement, result, target) rows for the fresh set-up and the test suite."""
    with tempfile.TemporaryDirectory(prefix="dystonia-setup-") as tmp:
        workdir = Path(tmp)
        clone = fresh_clone(workdir)
        env = dict(os.environ, UV_CACHE_DIR=str(workdir / "uv-cache"), PIP_NO_CACHE_DIR="1")
        env.pop("VIRTUAL_ENV", None)
        venv_s, _ = timed(["make", "venv"], clone, env)
        report_s, _ = timed(["make", "report"], clone, env)
        rows = [
            ("fresh clone: `make venv` (empty package caches)", f"{venv_s:.1f} s",
             f"under {INSTALL_TARGET_S:.0f} s: {'met' if venv_s < INSTALL_TARGET_S else 'NOT met'}"),
            ("fresh clone: `make report` (extraction, then every notebook)", f"{report_s:.1f} s", "–"),
        ]
        if run_tests:
            test_s, output = timed(["make", "test"], clone, env)
            summary = re.findall(r"\d+ passed[^\n]*", output)
            rows.append(("fresh clone: `make test` (2 workers if 2 cores)",
                         f"{test_s:.1f} s ({summary[-1] if summary else 'no summary'})",
                         f"at most {TEST_TARGET_S:.0f} s: {'met' if test_s <= TEST_TARGET_S else 'NOT met'}"))
        return rows


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point for python -m analysis.report.bench_setup."""
    parser = argparse.ArgumentParser(prog="python -m analysis.report.bench_setup", description=__doc__)
    parser.add_argument("--no-tests", action="store_true", help="skip `make test`")
    args = parser.parse_args(argv)
    rows = [("measurement", "result", "target"), ("---", "---", "---"), *measure(not args.no_tests)]
    print("\n".join("| " + " | ".join(row) + " |" for row in rows))
    print(f"\nMachine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
