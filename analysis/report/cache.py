"""The report's build cache: input digests, per-notebook keys and the manifest in out/.build-cache.

A notebook's key covers its own bytes, the page, the as-of date, data/external, the lock file
(installed package versions), the report's export code and templates, and only the `analysis`
modules it imports, directly or through other modules (read from the code with `ast`). Editing
analysis/comments/readability.py therefore re-runs the notebooks that import it and no other. The manifest
records the sha256 of every file the build published, so a changed or missing file is rebuilt.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from analysis.paths import PROJECT_ROOT
from analysis.report.export import TEMPLATE_DIR, write_if_changed

PACKAGE_DIR = Path(__file__).resolve().parent.parent
CACHE_DIRNAME = ".build-cache"
CACHE_VERSION = "2"
LOCK_FILE = PROJECT_ROOT / "requirements.lock"
PACKAGE = "analysis"
# Code that shapes every exported page, whichever modules the notebook imports.
EXPORT_CODE = ("report/export.py", "report/execute.py")
INDEX_CODE = ("report/build.py",)


class MalformedCache(ValueError):
    """The cache manifest exists but cannot be used; it is discarded and everything is rebuilt."""


def _iter_files(directory: Path) -> Iterable[Path]:
    """Yield regular files under directory in sorted order, skipping caches."""
    if not directory.is_dir():
        return
    for path in sorted(directory.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def _hash_tree(digest: Any, directory: Path, label: str) -> None:
    """Feed every file's relative path and bytes under directory into digest."""
    for path in _iter_files(directory):
        rel = path.relative_to(directory).as_posix()
        digest.update(f"\0{label}/{rel}\0".encode())
        digest.update(path.read_bytes())


def _hash_file(digest: Any, path: Path, label: str) -> None:
    """Feed one file's label and bytes (or its absence) into digest."""
    digest.update(f"\0{label}\0".encode())
    digest.update(path.read_bytes() if path.is_file() else b"\0missing\0")


def shared_inputs_digest(page: Path, root: Path, as_of: str) -> str:
    """Hash the inputs common to every notebook: page, as-of date, data/external, lock file, Python."""
    digest = hashlib.sha256(f"v{CACHE_VERSION}\0{sys.version}\0as_of={as_of}\0".encode())
    _hash_tree(digest, root / "data" / "external", "external")
    _hash_file(digest, LOCK_FILE, "requirements.lock")
    _hash_file(digest, root / "analysis" / "__init__.py", "analysis/__init__.py")
    digest.update(b"\0page\0" + page.read_bytes())
    return digest.hexdigest()


# --------------------------------------------------------------------------- import graph


def _imported(tree: ast.AST, current: str | None = None) -> set[str]:
    """Names of `analysis` modules an AST imports (`import analysis.x`, `from analysis import x`, relative)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name == PACKAGE or a.name.startswith(PACKAGE + ".")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level and current:  # relative import inside the package
                base = ".".join([PACKAGE, base]) if base else PACKAGE
            if base != PACKAGE and not base.startswith(PACKAGE + "."):
                continue
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}  # `from analysis import charts` imports a module
    return found


def _modules(root: Path) -> dict[str, Path]:
    """Every module of the `analysis` package under root, by dotted name (one directory listing)."""
    base = root / PACKAGE
    found = {PACKAGE: base / "__init__.py"} if (base / "__init__.py").is_file() else {}
    for path in sorted(base.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        rel = path.relative_to(base).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        if parts:
            found[".".join((PACKAGE, *parts))] = path
    return found


# sha256 of code (and its module name) -> the `analysis` modules it imports; kept in the manifest so a
# rebuild with nothing changed parses nothing.
_IMPORTS: dict[str, list[str]] = {}


def remember_imports(known: dict[str, list[str]]) -> None:
    """Seed the import cache from a previous manifest."""
    _IMPORTS.update({k: list(v) for k, v in known.items() if isinstance(v, list)})


def known_imports() -> dict[str, list[str]]:
    """The import cache, for the manifest."""
    return dict(sorted(_IMPORTS.items()))


def _imports_of(code: bytes | str, name: str | None) -> list[str]:
    """The `analysis` modules some code imports (cached by its hash); broken code counts as importing everything."""
    data = code.encode() if isinstance(code, str) else code
    key = hashlib.sha256(data + f"\0{name}".encode()).hexdigest()
    if key not in _IMPORTS:
        try:
            _IMPORTS[key] = sorted(_imported(ast.parse(data), name))
        except SyntaxError:  # e.g. a cell of IPython magics: depend on the whole package
            _IMPORTS[key] = ["*"]
    return _IMPORTS[key]


def module_closure(sources: Iterable[str], root: Path) -> list[Path]:
    """The `analysis` module files that code in `sources` imports, directly or transitively, sorted."""
    modules = _modules(root)
    every = sorted(modules)
    todo: list[str] = []
    for source in sources:
        found = _imports_of(source, None)
        todo += every if "*" in found else found
    seen: dict[str, Path] = {}
    while todo:
        name = todo.pop()
        if name in seen or name not in modules:
            continue
        path = modules[name]
        seen[name] = path
        found = _imports_of(path.read_bytes(), name)
        todo += every if "*" in found else found
    return sorted(set(seen.values()))


def _code_cells(notebook: Path) -> list[str]:
    """The source of a notebook's code cells (unreadable notebooks give none: their bytes are hashed anyway)."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return []
    out = []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            out.append("".join(source) if isinstance(source, list) else str(source))
    return out


def _code_digest(digest: Any, files: Iterable[Path], root: Path) -> None:
    """Feed module files (labelled relative to root when inside it) into digest."""
    for path in files:
        try:
            label = path.relative_to(root).as_posix()
        except ValueError:
            label = path.name
        _hash_file(digest, path, label)


def notebook_modules(notebook: Path, root: Path) -> list[Path]:
    """The analysis modules a notebook depends on (its imports, transitively)."""
    return module_closure(_code_cells(notebook), root)


# `import a.b, c` and `from a.b import c` at the start of a line (indented too): read with a regular expression,
# not ast, because it runs before the fork server starts. A name it misreads only changes what is preloaded.
_IMPORT_LINE = re.compile(r"^[ \t]*(?:import[ \t]+([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*)|from[ \t]+(\w[\w.]*)[ \t]+import\b)",
                          re.MULTILINE)


def libraries_imported(notebooks: Iterable[Path], root: Path, code: Iterable[str] = ()) -> set[str]:
    """Top-level names of the packages other than `analysis` that the notebooks' code cells (and `code`) and the
    `analysis` modules they use import (`import plotly.express` gives "plotly")."""
    cells = [cell for notebook in notebooks for cell in _code_cells(notebook)] + list(code)
    texts = cells + [path.read_text(encoding="utf-8", errors="replace") for path in module_closure(cells, root)]
    found: set[str] = set()
    for text in texts:
        for names, module in _IMPORT_LINE.findall(text):
            found |= {name.strip().split(".")[0] for name in names.split(",")} if names else {module.split(".")[0]}
    found.discard(PACKAGE)
    return found


def notebook_key(notebook: Path, shared: str, root: Path | None = None) -> str:
    """Cache key of one notebook: its bytes, the shared inputs, the modules it imports and the export code."""
    root = root or PROJECT_ROOT
    digest = hashlib.sha256(shared.encode() + b"\0" + notebook.read_bytes())
    _code_digest(digest, notebook_modules(notebook, root), root)
    _code_digest(digest, [PACKAGE_DIR / name for name in EXPORT_CODE], PACKAGE_DIR)
    _hash_tree(digest, TEMPLATE_DIR, "report_templates")
    return digest.hexdigest()


def index_key(shared: str, root: Path, page_name: str) -> str:
    """Cache key of the index's tables and key numbers: shared inputs and the code that builds them."""
    digest = hashlib.sha256(f"{shared}\0{page_name}\0".encode())
    modules = module_closure([f"import {PACKAGE}.report.content"], PACKAGE_DIR.parent)
    _code_digest(digest, [*modules, *(PACKAGE_DIR / name for name in INDEX_CODE)], PACKAGE_DIR.parent)
    if (root / PACKAGE).resolve() != PACKAGE_DIR:  # toy projects: their processed tables feed the index
        _hash_tree(digest, root / "data" / "processed", "processed")
    return digest.hexdigest()


# --------------------------------------------------------------------------- manifest


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _valid(data: Any) -> bool:
    """True when a decoded manifest has the shape this version writes."""
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return False
    notebooks, files, index = data.get("notebooks"), data.get("files"), data.get("index")
    if not (isinstance(notebooks, dict) and isinstance(files, dict) and isinstance(index, dict)):
        return False
    entries_ok = all(isinstance(e, dict) and isinstance(e.get("key"), str) and isinstance(e.get("figures"), int)
                     for e in notebooks.values())
    files_ok = all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
    return entries_ok and files_ok


def load_manifest(path: Path) -> dict[str, Any]:
    """Read the cache manifest: {} when there is none; MalformedCache when it exists but is unusable."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        if path.parent.exists() and not path.parent.is_dir():
            raise MalformedCache(f"{path.parent.name} is a file, not a folder") from None
        return {}
    except NotADirectoryError:
        raise MalformedCache(f"{path.parent.name} is a file, not a folder") from None
    except (OSError, ValueError) as exc:
        raise MalformedCache(f"{path.name} cannot be read ({type(exc).__name__})") from None
    if not _valid(data):
        raise MalformedCache(f"{path.name} has the wrong shape or version")
    if isinstance(data.get("imports"), dict):
        remember_imports(data["imports"])
    return data


def save_manifest(path: Path, entries: dict[str, Any], index: dict[str, Any], files: dict[str, str]) -> None:
    """Write the cache manifest: notebook entries, index state, every published file's sha256, the import cache."""
    payload = {"version": CACHE_VERSION, "notebooks": entries, "index": index, "files": files,
               "imports": known_imports()}
    write_if_changed(path, json.dumps(payload, indent=1, sort_keys=True).encode())


def published_files(out: Path) -> dict[str, str]:
    """sha256 of every file under out except the cache, keyed by relative path."""
    return {p.relative_to(out).as_posix(): sha256_file(p) for p in sorted(out.rglob("*"))
            if p.is_file() and CACHE_DIRNAME not in p.relative_to(out).parts}


def verify_files(out: Path, recorded: dict[str, str], names: Iterable[str] | None = None) -> set[str]:
    """Relative paths (of `names`, default all recorded) that are missing or differ from their recorded hash."""
    bad = set()
    for rel in (recorded if names is None else names):
        path = out / rel
        try:
            if rel not in recorded or not path.is_file() or sha256_file(path) != recorded[rel]:
                bad.add(rel)
        except OSError:
            bad.add(rel)
    return bad


def is_fresh(entry: dict[str, Any] | None, key: str, html_path: Path, recorded: dict[str, str] | None = None) -> bool:
    """True when a cache entry matches key and the exported page is still intact."""
    if not entry or entry.get("key") != key or not html_path.is_file():
        return False
    expected = (recorded or {}).get(html_path.name) or entry.get("html_sha256")
    try:
        return sha256_file(html_path) == expected
    except OSError:
        return False
