"""Many pages of the template made from real ones, for the comparison's scaling test and benchmark.

Each copy shifts the page's own review dates, changes its stated ratings count (where no per-label
breakdown has to add up to it) and renames its heading, so that no two copies are the same bytes.
"""

from __future__ import annotations

import re
import string
from datetime import datetime, timedelta
from pathlib import Path

REVIEW_DATE = re.compile(r"(?P<head>(?:Page|Media) last reviewed:\s*|Next review due:\s*)(?P<date>\d{1,2}/\d{1,2}/\d{4})")
RATINGS_COUNT = re.compile(r"Based on (?P<n>\d+) rating")
BREAKDOWN = re.compile(r"^\d+ ratings?$", re.M)


def _letters(i: int) -> str:
    """Return a tag made of letters only ("a", "b", ... "ba"), so a heading gains no number."""
    out = ""
    while True:
        i, r = divmod(i, 26)
        out = string.ascii_lowercase[r] + out
        if i == 0:
            return out


def vary_page(text: str, i: int) -> str:
    """Return page text with dates shifted, the ratings count changed and the heading renamed (copy number i)."""
    shift = timedelta(days=(i * 37) % 2900 - 1450)

    def move(m: re.Match) -> str:
        """Shift one review date by the copy's number of days."""
        when = datetime.strptime(m.group("date"), "%d/%m/%Y") + shift
        return f"{m.group('head')}{when:%d/%m/%Y}"

    text = REVIEW_DATE.sub(move, text)
    if not BREAKDOWN.search(text):
        text = RATINGS_COUNT.sub(lambda m: f"Based on {int(m.group('n')) + i % 500} rating", text, count=1)
    lines = text.split("\n")
    first = next((k for k, line in enumerate(lines) if line.strip()), None)
    if first is not None and " - " not in lines[first] and "Share:" in lines[: first + 12]:
        lines[first] = f"{lines[first].rstrip()} - copy {_letters(i)}"  # the topic stays; the title changes
    return "\n".join(lines)


def synthetic_pages(sources: list[Path], n: int, folder: Path) -> list[Path]:
    """Write n varied copies of the source pages (round robin) into folder; return their paths in order."""
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in sources]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        stem, text = texts[i % len(texts)]
        path = folder / f"{i:04d}-{stem}.txt"
        path.write_text(vary_page(text, i), encoding="utf-8")
        paths.append(path)
    return paths
