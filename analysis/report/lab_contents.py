"""JupyterLab saves that replace a file in one step (`make lab`), so nothing reads half a notebook.

jupyter_server writes a saved notebook in place (truncate, then write, with a backup copy aside), so a
`make report` or `make test` reading notebooks/ at that moment can read an empty or half-written file:
a report page then lost its title. Here the new bytes go to a hidden temporary file in the same folder,
which then replaces the notebook (os.replace, atomic on one file system): a reader gets the old notebook
or the new one, as the report's own outputs are replaced whole.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager


@contextlib.contextmanager
def replacing_file(path: str, text: bool = True, encoding: str = "utf-8", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a hidden temporary file beside `path` for writing; on success it replaces `path` (keeping its mode)."""
    if os.path.islink(path):  # replace the link's target, not the link
        path = os.path.join(os.path.dirname(path), os.readlink(path))
    folder, name = os.path.split(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".~{name}.", suffix=".saving", dir=folder)
    try:
        with os.fdopen(fd, "w" if text else "wb", **({"encoding": encoding} if text else {}), **kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        mode = stat.S_IMODE(os.stat(path).st_mode) if os.path.exists(path) else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    """The process's umask (read by setting it, then putting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


class ReplacingContentsManager(AsyncLargeFileManager):
    """jupyter_server's default contents manager, with every save done by replacing_file."""

    @contextlib.contextmanager
    def atomic_writing(self, os_path: str, *args: Any, **kwargs: Any) -> Iterator[IO[Any]]:
        """Write to a temporary file that replaces os_path when the save succeeded (permission errors are a 403)."""
        with self.perm_to_403(os_path), replacing_file(os_path, *args, **kwargs) as f:
            yield f
