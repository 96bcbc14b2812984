"""The real notebooks give the same report bytes with warm kernels as with a fresh kernel per notebook."""

from __future__ import annotations

from pathlib import Path

from analysis.report import build as report
from tests.test_report_build import report_files


def test_real_report_same_bytes_warm_and_fresh(tmp_path: Path) -> None:
    """Every file of the report (pages, CSVs, assets, index) is byte-identical between the two ways of running."""
    notebooks = report.default_notebooks()
    builds = {}
    kernels = "fresh"
    for mode in ("warm", kernels):
        out = tmp_path / mode
        result = report.build_report(report.DEFAULT_PAGE, out, notebooks, force=True, kernels=mode,
                                     index_content=report.page_index_content)
        assert result.ok, result.failures
        assert result.ran == [nb.stem for nb in notebooks]
        builds[mode] = report_files(out)
    assert builds["warm"].keys() == builds[kernels].keys()
    assert [name for name in builds["warm"] if builds["warm"][name] != builds[kernels][name]] == []
    assert sum(1 for name in builds["warm"] if name.endswith(".html")) == len(notebooks) + 1
