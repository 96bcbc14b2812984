"""The project's set-up files agree with each other."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^\s*-\s*([A-Za-z0-9_.\-]+)==([\w.]+)\s*$")


def _pyproject_pins() -> dict[str, str]:
    """Return {package: version} for every dependency in pyproject.toml, dev extras included."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = meta["dependencies"] + [d for group in meta["optional-dependencies"].values() for d in group]
    pins = {}
    for spec in specs:
        name, _, version = spec.partition("==")
        assert version, f"{spec!r} in pyproject.toml is not pinned with =="
        pins[name.lower()] = version
    return pins


def test_environment_yml_matches_pyproject() -> None:
    """environment.yml installs exactly the packages and versions pyproject.toml pins."""
    lines = (ROOT / "environment.yml").read_text().splitlines()
    conda = {m.group(1).lower(): m.group(2) for line in lines if (m := PIN.match(line))}
    assert conda == _pyproject_pins()


def test_lock_agrees_with_pyproject() -> None:
    """requirements.lock pins each direct dependency at the version pyproject.toml names."""
    lock = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        name, _, version = line.partition("==")
        lock[name.lower().replace("_", "-")] = version
    for name, version in _pyproject_pins().items():
        assert lock.get(name.replace("_", "-")) == version, name


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run calls `make test`, the command the README gives a new user."""
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make report" in readme


def test_ruff_clean() -> None:
    """The code passes ruff with the project's configuration."""
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", "--quiet", str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_data_dictionary_is_current() -> None:
    """docs/data-dictionary.md is what the schemas generate (run `make dictionary` to refresh)."""
    from analysis.data.dictionary import DICTIONARY_PATH, dictionary_markdown

    assert DICTIONARY_PATH.read_text(encoding="utf-8") == dictionary_markdown()


def test_reading_a_notebook_skips_the_slow_iri_checker() -> None:
    """`make venv` removes rfc3987-syntax: jsonschema would compile its Lark grammars in every notebook reader (1.3 s)."""
    probe = "import sys, nbformat, jsonschema; print(sorted({'rfc3987_syntax', 'lark'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]", result.stdout


def test_installed_packages_carry_bytecode() -> None:
    """The install compiles bytecode (uv does not by default), so no process recompiles pandas from source."""
    import pandas

    package = Path(pandas.__file__).parent
    assert list((package / "__pycache__").glob("__init__.cpython-*.pyc")), package


def test_slow_first_names_existing_test_files() -> None:
    """Every file tests/conftest.py schedules first exists (a renamed file would silently lose its place)."""
    from tests.conftest import SLOW_FIRST

    assert [name for name in SLOW_FIRST if not (ROOT / name).is_file()] == []
