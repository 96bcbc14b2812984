"""Read a saved page (plain text or HTML) into checked, whitespace-normalised lines."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from analysis.page.errors import PageError
from analysis.paths import display_path

MAX_BYTES = 5 * 1024 * 1024  # real pages are ~10 KB; anything this large is not a saved page
BLOCK_TAGS = [
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre",
    "section", "table", "td", "th", "tr", "ul",
]  # fmt: skip
# Not read as the page: code, head, embedded media, controls, and site navigation menus.
DROP_TAGS = ["script", "style", "noscript", "template", "head", "iframe", "svg", "img", "button", "nav"]
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<div|<p[\s>])", re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's white space (a non-breaking space is not one)


@dataclass(frozen=True)
class PageText:
    """The lines of a page as a reader sees them, with where they came from."""

    path: Path
    name: str
    sha256: str
    lines: tuple[str, ...]
    was_html: bool

    def line(self, number: int) -> str:
        """Return line `number` (1-based)."""
        return self.lines[number - 1]


def normalise_line(line: str) -> str:
    """Collapse runs of spaces and non-breaking spaces after any indent; strip the line end."""
    stripped = line.rstrip()
    indent = len(stripped) - len(stripped.lstrip(" "))
    return stripped[:indent] + _SPACES.sub(" ", stripped[indent:])


def _is_hidden(tag: Tag) -> bool:
    """Return True for an element a reader does not see."""
    style = (tag.get("style") or "").replace(" ", "").lower()
    return (
        tag.has_attr("hidden")
        or "display:none" in style
        or "visibility:hidden" in style
        or tag.get("aria-hidden") == "true"
    )


def html_to_text(html: str) -> str:
    """Render HTML to reader-visible text with a real parser: blocks become lines, items bullets."""
    soup = BeautifulSoup(html, "html.parser")
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    for tag in [t for t in soup.find_all(True) if _is_hidden(t)]:
        tag.decompose()
    for node in soup.find_all(string=True):
        if type(node) is NavigableString and node.find_parent("pre") is None:
            node.replace_with(_HTML_SPACE.sub(" ", node))  # source line breaks inside text are spaces
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(BLOCK_TAGS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
        if tag.name == "li":
            tag.insert(0, "  \u2022 ")
    text = soup.get_text()
    out: list[str] = []
    for line in text.split("\n"):
        keep = normalise_line(line.strip())
        keep = "  " + keep if keep.startswith("\u2022") else keep
        if keep.strip() == "\u2022":
            continue
        if keep == "" and (not out or out[-1] == ""):
            continue
        out.append(keep)
    return "\n".join(out).strip("\n") + "\n"


def _decode(data: bytes, name: str) -> str:
    """Decode UTF-8 or raise a PageError naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PageError(
            name, line, "encoding", f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def _is_utf16(data: bytes) -> bool:
    """True for UTF-16 text: a UTF-16 byte-order mark, or text whose every other byte is NUL."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = data[:2048]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    shares = sorted((even.count(0) / len(even), odd.count(0) / len(odd)))
    return shares[1] > 0.9 and shares[0] < 0.1


def read_page(path: Path | str, max_bytes: int = MAX_BYTES) -> PageText:
    """Read and check a saved page; raise PageError for empty, binary, huge or non-UTF-8 files."""
    path = Path(path)
    name = display_path(path)
    if path.is_dir():
        raise PageError(name, None, "file", "is a folder, not a saved page: give the page's file")
    if not path.exists():
        raise PageError(name, None, "file", "no such file")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PageError(
                name, None, "file", f"{size:,} bytes is too large for a saved page (limit {max_bytes:,})"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise PageError(name, None, "file", f"cannot be read: {exc.strerror or exc} (check the file or the disk, "
                        "or copy it elsewhere and retry)") from None
    if not data.strip():
        raise PageError(name, None, "file", "the file is empty")
    if _is_utf16(data):
        raise PageError(name, None, "encoding", "UTF-16 text, not UTF-8: save the page as UTF-8 and try again")
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise PageError(name, line, "file", "binary data (NUL byte), not a saved page")
    text = _decode(data, name)
    was_html = bool(_HTML_START.match(data[:2048])) or path.suffix.lower() in {".html", ".htm"}
    if was_html:
        text = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = tuple(normalise_line(line) for line in text.split("\n"))
    return PageText(path, name, hashlib.sha256(data).hexdigest(), lines, was_html)


def sentence_at(line: str, start: int) -> str:
    """Return the sentence of `line` that contains character `start`."""
    pos = 0
    for part in SENTENCE_END.split(line):
        begin = line.index(part, pos)
        if begin <= start < begin + len(part):
            return part.strip()
        pos = begin + len(part)
    return line.strip()
