"""The package layout cannot silently rot: imports flow one way between analysis/'s folders (read from the AST).

page (reading) -> data (tables) -> dystonia, comments (analysis) -> figures -> report -> compare.
A module may import its own folder, the top level (paths, output_dir) and folders earlier in that list.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "analysis"

# folder -> rank: an import must point to a lower rank, or to the importer's own folder
RANKS = {"": 0, "page": 1, "data": 2, "dystonia": 3, "comments": 3, "figures": 4, "report": 5, "compare": 6}
ENTRY_POINTS = {"analysis/__init__.py", "analysis/__main__.py"}  # the public API and the CLI may import anything
TOP_LEVEL = {"paths", "output_dir"}  # the only modules beside the folders

# Imports against the direction that exist today, each with the change that would remove it.
# A new violation fails the test; so does one listed here that has gone (then delete its line).
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}


def _folder(path: Path) -> str:
    """'' for a top-level module, else its folder under analysis/."""
    rel = path.relative_to(PACKAGE).parts
    return "" if len(rel) == 1 else rel[0]


def _imports_in(text: str, package: list[str]) -> set[str]:
    """Dotted `analysis...` names some code imports anywhere (function-level and relative imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "analysis"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], *([node.module] if node.module else [])])
            if base.split(".")[0] != "analysis":
                continue
            found.add(base)
            for alias in node.names:  # `from analysis.figures import theme` imports the module theme
                path = PACKAGE.parent.joinpath(*base.split("."), alias.name)
                if path.with_suffix(".py").is_file() or path.is_dir():
                    found.add(f"{base}.{alias.name}")
    return found


def _imported_modules(path: Path) -> set[str]:
    """Dotted `analysis...` names a module of the package imports."""
    return _imports_in(path.read_text(encoding="utf-8"), ["analysis", *path.relative_to(PACKAGE).parts[:-1]])


def _target_folder(dotted: str) -> str | None:
    """Folder of an imported analysis module ('' for top level), None for the package itself."""
    parts = dotted.split(".")[1:]
    if not parts:
        return None
    return parts[0] if parts[0] in RANKS and (PACKAGE / parts[0]).is_dir() else ""


def _modules() -> list[Path]:
    """Every module of the package."""
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def violations() -> dict[tuple[str, str], list[str]]:
    """(module, folder it wrongly imports) -> the imported modules."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in _modules():
        rel = path.relative_to(PACKAGE.parent).as_posix()
        if rel in ENTRY_POINTS:
            continue
        source = _folder(path)
        for dotted in sorted(_imported_modules(path)):
            target = _target_folder(dotted)
            if target is None or target == source:
                continue
            if RANKS[target] >= RANKS[source]:
                found.setdefault((rel, target), []).append(dotted)
    return found


def test_every_module_lives_in_a_known_folder():
    """No module is added beside the folders, and no folder appears that the direction does not rank."""
    strays = [p.relative_to(PACKAGE.parent).as_posix() for p in _modules()
              if _folder(p) == "" and p.stem not in TOP_LEVEL and p.relative_to(PACKAGE.parent).as_posix()
              not in ENTRY_POINTS]
    assert not strays, f"put these modules in a folder (page, data, dystonia, comments, figures, report, compare): {strays}"
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and any(p.glob("*.py")))
    unknown = [f for f in folders if f not in RANKS]
    assert not unknown, f"give these folders a rank in RANKS: {unknown}"


@pytest.mark.parametrize("folder", sorted(f for f in RANKS if f))
def test_each_folder_says_what_it_is_for(folder):
    """Every folder is a package whose __init__ docstring names its job."""
    init = PACKAGE / folder / "__init__.py"
    assert init.is_file(), f"{init} is missing"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert doc and len(doc) > 20, f"{init}: give it a one-line docstring saying what the folder is for"


def test_imports_flow_one_way():
    """page -> data -> dystonia/comments -> figures -> report -> compare; only the listed exceptions go back."""
    found = violations()
    new = {k: v for k, v in found.items() if k not in KNOWN_VIOLATIONS}
    assert not new, "imports against the direction (move the code, or the module, so they flow one way):\n" + "\n".join(
        f"  {mod} imports {', '.join(v)} ({folder}/ comes later)" for (mod, folder), v in sorted(new.items()))
    gone = sorted(set(KNOWN_VIOLATIONS) - set(found))
    assert not gone, f"these listed violations are fixed; delete them from KNOWN_VIOLATIONS: {gone}"


def test_the_checker_sees_every_kind_of_import():
    """Function-level, `from analysis.x import module` and relative imports all count, and rank as they should."""
    code = "def f():\n    from analysis.report.build import x\nfrom ..figures import theme\nimport analysis.paths\n"
    names = _imports_in(code, ["analysis", "data"])
    assert {"analysis.report.build", "analysis.figures", "analysis.figures.theme", "analysis.paths"} <= names
    folders = {_target_folder(n) for n in names}
    assert folders == {"report", "figures", ""}
    assert all(RANKS[f] > RANKS["data"] for f in folders - {""})


def test_notebooks_for_every_page_import_nothing_of_dystonia():
    """A notebook that runs for any page of the template (it does not require the dystonia page) imports no module of
    analysis/dystonia, directly or through other modules: editing dystonia's code never re-runs it."""
    from analysis.paths import NOTEBOOKS_DIR, PROJECT_ROOT
    from analysis.report.cache import notebook_modules
    from analysis.report.notebook_file import read_notebook
    from analysis.report.parts import METADATA_KEY

    generic = [nb for nb in sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
               if "dystonia" not in read_notebook(nb).get("metadata", {}).get(METADATA_KEY, {}).get("requires", [])]
    assert len(generic) >= 2, generic  # 00a (every page) and 04 (pages with ratings or comments)
    for nb in generic:
        closure = notebook_modules(nb, PROJECT_ROOT)
        assert closure and not [m.name for m in closure if m.parent.name == "dystonia"], (nb.name, closure)
