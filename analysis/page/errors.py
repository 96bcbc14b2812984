"""Errors and warnings that name the file, the line and the field."""

from __future__ import annotations

from pathlib import Path


def _where(file: Path | str, line: int | None, field: str) -> str:
    """Format "file:line: field" for a message."""
    loc = f"{file}:{line}" if line else f"{file}"
    return f"{loc}: {field}"


class _Located(Exception):
    """A message that names the file, the line and the field it is about."""

    def __init__(self, file: Path | str, line: int | None, field: str, message: str) -> None:
        """Keep where the problem is, and say it in one line."""
        self.file, self.line, self.field, self.message = str(file), line, field, message
        super().__init__(f"{_where(file, line, field)}: {message}")


class PageError(_Located, ValueError):
    """Bad input: a page that cannot be read or disagrees with itself."""


class PageWarning(_Located, UserWarning):
    """Unusual but readable input: a value is missing and stays missing."""
