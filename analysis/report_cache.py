"""The report's build cache: input digests, per-notebook keys and the manifest in out/.build-cache."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from analysis.report_export import TEMPLATE_DIR, write_if_changed

PACKAGE_DIR = Path(__file__).resolve().parent
CACHE_DIRNAME = ".build-cache"
CACHE_VERSION = "1"


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


def shared_inputs_digest(page: Path, root: Path, as_of: str) -> str:
    """Hash the inputs common to every notebook: code, page, external data, as-of."""
    digest = hashlib.sha256(f"v{CACHE_VERSION}\0{sys.version}\0as_of={as_of}\0".encode())
    _hash_tree(digest, root / "analysis", "analysis")
    if (root / "analysis").resolve() != PACKAGE_DIR:  # e.g. tests: still track the report code
        for module in sorted(PACKAGE_DIR.glob("report*.py")):
            digest.update(f"\0{module.name}\0".encode() + module.read_bytes())
        _hash_tree(digest, TEMPLATE_DIR, "report_templates")
    _hash_tree(digest, root / "data" / "external", "external")
    digest.update(b"\0page\0" + page.read_bytes())
    return digest.hexdigest()


def notebook_key(notebook: Path, shared: str) -> str:
    """Cache key of one notebook: its bytes plus the shared inputs digest."""
    return hashlib.sha256(shared.encode() + b"\0" + notebook.read_bytes()).hexdigest()


def _sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_manifest(path: Path) -> dict[str, Any]:
    """Read the cache manifest, tolerating a missing or corrupt file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("version") == CACHE_VERSION else {}


def save_manifest(path: Path, entries: dict[str, Any], index: dict[str, Any] | None = None) -> None:
    """Write the cache manifest (the index state is kept unless a new one is given)."""
    if index is None:
        index = load_manifest(path).get("index", {})
    payload = {"version": CACHE_VERSION, "notebooks": entries, "index": index}
    write_if_changed(path, json.dumps(payload, indent=1, sort_keys=True).encode())


def is_fresh(entry: dict[str, Any] | None, key: str, html_path: Path) -> bool:
    """True when a cache entry matches key and the exported page is still intact."""
    if not entry or entry.get("key") != key or not html_path.is_file():
        return False
    return _sha256_file(html_path) == entry.get("html_sha256")
