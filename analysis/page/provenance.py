"""The raw-data manifest: each raw file's SHA-256 and origin, checked on every load."""

from __future__ import annotations

import json
from pathlib import Path

from analysis.page.errors import PageError
from analysis.page.text import PageText
from analysis.paths import MANIFEST_PATH, display_path


def manifest_entries(manifest: Path = MANIFEST_PATH) -> dict[str, dict]:
    """Return the manifest's entries keyed by file name."""
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return {entry["file"]: entry for entry in data["files"]}


def manifest_entry(path: Path, manifest: Path | None = None) -> dict | None:
    """Return the entry for a file in the MANIFEST.json beside it, or None for pages without one."""
    path = Path(path).resolve()
    manifest = manifest or path.parent / MANIFEST_PATH.name
    if path.parent != manifest.resolve().parent or not manifest.is_file():
        return None
    return manifest_entries(manifest).get(path.name)


def verify_checksum(page: PageText, manifest: Path | None = None) -> dict | None:
    """Refuse a raw file whose SHA-256 differs from the manifest beside it; return its entry."""
    manifest = manifest or page.path.parent / MANIFEST_PATH.name
    entry = manifest_entry(page.path, manifest)
    if entry is None:
        return None
    if entry["sha256"] != page.sha256:
        raise PageError(
            page.name,
            None,
            "sha256",
            f"the file changed: SHA-256 is {page.sha256[:12]}…, {display_path(manifest)} records "
            f"{entry['sha256'][:12]}…; raw data is never edited (restore it with git)",
        )
    return entry
