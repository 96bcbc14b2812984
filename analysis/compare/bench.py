"""Benchmark the comparison: 250, 500 and 1,000 generated pages, wall time and peak memory with worker processes.

Run `python -m analysis.compare.bench` (options: --sizes, --jobs, --keep). Each size runs the real
command line (`python -m analysis compare PAGES --out DIR`) as a child process, so Python start-up and
imports count. Memory is sampled every 20 ms over the child and all its descendants from /proc:
the peak of their summed RSS (shared pages counted once per process: an upper bound) and of their
summed PSS (shared pages split between the processes that share them: what the tree really uses).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from analysis.compare.build import default_pages
from analysis.compare.synthetic import synthetic_pages
from analysis.paths import PROJECT_ROOT

SIZES = (250, 500, 1000)
TARGET_PAGES = 1000
TARGET_SECONDS, TARGET_MB = 60.0, 1024.0
SAMPLE_SECONDS = 0.02


@dataclass(frozen=True)
class Run:
    """One timed comparison of n pages."""

    pages: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    peak_pss_mb: float
    processes: int
    exit_code: int


def _tree(pid: int) -> list[int]:
    """Return pid and all its descendants, from /proc/<pid>/task/*/children."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                todo += [int(c) for c in task.read_text().split()]
            except OSError:
                continue
    return out


def _memory_kb(pid: int) -> tuple[int, int]:
    """Return (RSS, PSS) of one process in kB, or zeros if it has gone."""
    try:
        rss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmRSS:"))
        pss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines() if line.startswith("Pss:"))
    except (OSError, StopIteration, ValueError):
        return 0, 0
    return rss, pss


def timed_compare(pages: list[Path], out: Path, jobs: int | None) -> Run:
    """Run the compare command on pages as a child process; return its wall time and the tree's peak memory."""
    cmd = [sys.executable, "-m", "analysis", "compare", *map(str, pages), "--out", str(out), "--reports"]
    cmd += ["--jobs", str(jobs)] if jobs else []
    start = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_rss = peak_pss = processes = 0
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)  # usage covers the child and the workers it reaped
        if pid:
            break
        tree = _tree(child.pid)
        sizes = [_memory_kb(p) for p in tree]
        peak_rss, peak_pss = max(peak_rss, sum(s[0] for s in sizes)), max(peak_pss, sum(s[1] for s in sizes))
        processes = max(processes, len(tree))
        time.sleep(SAMPLE_SECONDS)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code:
        print(child.stderr.read().decode(errors="replace")[-2000:], file=sys.stderr)
    child.stderr.close()
    cpu = usage.ru_utime + usage.ru_stime
    return Run(len(pages), seconds, cpu, peak_rss / 1024, peak_pss / 1024, processes, code)


def linearity(runs: list[Run], cpu: bool = False) -> float:
    """Return the (wall or CPU) time per page at the largest size over that at the smallest (1.0 = linear)."""
    first, last = runs[0], runs[-1]
    spent = (lambda r: r.cpu_seconds) if cpu else (lambda r: r.seconds)
    return (spent(last) / last.pages) / (spent(first) / first.pages)


def fixed_and_per_page(runs: list[Run], cpu: bool = False) -> tuple[float, float]:
    """Least-squares fit of (wall or CPU) seconds = fixed + per_page * pages over the runs; return (fixed, per_page)."""
    xs, ys = [r.pages for r in runs], [r.cpu_seconds if cpu else r.seconds for r in runs]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0
    return my - slope * mx, slope


def target_run(runs: list[Run]) -> Run:
    """The run the targets apply to: 1,000 pages, or the largest run if there is none of that size."""
    return next((r for r in runs if r.pages == TARGET_PAGES), runs[-1])


def report(runs: list[Run], jobs: int | None) -> str:
    """Format the runs as a Markdown table with the targets and the linearity figure."""
    lines = [
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}; jobs={jobs or os.cpu_count()}",
        "",
        "| pages | wall time | wall per page | CPU time, all processes | CPU per page | peak RSS, all processes "
        "| peak PSS, all processes | processes |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [f"| {r.pages:,} | {r.seconds:.1f} s | {1000 * r.seconds / r.pages:.1f} ms | {r.cpu_seconds:.1f} s "
              f"| {1000 * r.cpu_seconds / r.pages:.1f} ms | {r.peak_rss_mb:.0f} MB | {r.peak_pss_mb:.0f} MB | {r.processes} |"
              for r in runs]  # fmt: skip
    big, target = runs[-1], target_run(runs)
    (fixed, per_page), (cpu_fixed, cpu_per_page) = fixed_and_per_page(runs), fixed_and_per_page(runs, cpu=True)
    lines += [
        "",
        f"Time per page at {big.pages:,} pages / at {runs[0].pages:,} pages: wall {linearity(runs):.2f}, "
        f"CPU {linearity(runs, cpu=True):.2f} (1.00 = linear; below 1 the fixed start-up cost is spread over more pages).",
        f"Straight-line fit, seconds = fixed + per page x pages: wall {fixed:.1f} s + {1000 * per_page:.1f} ms a page; "
        f"CPU {cpu_fixed:.1f} s + {1000 * cpu_per_page:.1f} ms a page (fixed: start-up, imports, writing the HTML page).",
        f"{target.pages:,} pages: {target.seconds:.1f} s (target under {TARGET_SECONDS:.0f} s: "
        f"{'met' if target.seconds < TARGET_SECONDS else 'NOT met'}), peak RSS {target.peak_rss_mb:.0f} MB "
        f"(target under {TARGET_MB:.0f} MB: {'met' if target.peak_rss_mb < TARGET_MB else 'NOT met'}).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Generate the pages once, time each size, print the table; non-zero if a run failed or missed a target."""
    parser = argparse.ArgumentParser(prog="python -m analysis.compare.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: CPUs)")
    parser.add_argument("--keep", type=Path, default=None, help="write the generated pages and outputs here and keep them")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="compare-bench-") as tmp:
        work = args.keep or Path(tmp)
        pages = synthetic_pages(default_pages(), max(args.sizes), work / "pages")
        runs = []
        for n in sorted(args.sizes):
            runs.append(timed_compare(pages[:n], work / f"out-{n}", args.jobs))
            print(f"{n} pages: {runs[-1].seconds:.1f} s, peak RSS {runs[-1].peak_rss_mb:.0f} MB", file=sys.stderr, flush=True)
    print(report(runs, args.jobs))
    target = target_run(runs)
    ok = all(r.exit_code == 0 for r in runs) and target.seconds < TARGET_SECONDS and target.peak_rss_mb < TARGET_MB
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
