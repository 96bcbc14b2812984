"""All-or-nothing output folders: build beside the target, swap by rename, one build at a time.

A build writes into a hidden staging folder beside its target (same file system), and only a
complete build replaces the target, by one atomic rename (Linux `renameat2(RENAME_EXCHANGE)`;
elsewhere two renames that the next build undoes if it finds them half done). A reader therefore
sees the previous output or the new one, never a mixture, whatever kills the build. A lock file
beside the target (`.NAME.lock`, `flock`, released by the kernel when the process dies) keeps
two builds from writing the same target.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import errno
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

# Private folders a build keeps in the system's temporary folder (its notebooks' parts, its kernels' sockets).
PARTS_PREFIX, SOCKETS_PREFIX = "dystonia-facts-parts-", "dystonia-facts-kernels-"
PAUSE_ENV = "DYSTONIA_FACTS_PAUSE_AT"  # test hook: "name" or "name:release-file" pauses a build there
_HINTS = {
    errno.ENOSPC: "the disk is full: free some space and run again",
    errno.EDQUOT: "the disk quota is used up: free some space and run again",
    errno.EROFS: "the file system is read-only: choose another output folder",
    errno.EACCES: "permission denied: choose another output folder or fix its permissions",
    errno.EPERM: "not permitted: choose another output folder or fix its permissions",
    errno.ENOENT: "it does not exist",
    errno.ENOTDIR: "part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder, not a file",
    errno.EIO: "the disk reported an I/O error: check it, or copy the file elsewhere and retry",
    errno.EMFILE: "too many open files: close some programs and run again",
}


class OutputError(Exception):
    """A fault about an output folder or file, said in one line (what, where, what to do)."""


def shown(path: Path | str) -> str:
    """A path as the user typed it relative to the working folder when possible."""
    path = Path(path)
    try:
        return os.path.relpath(path) if path.is_absolute() and not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def describe_os_error(exc: OSError, doing: str = "cannot use") -> str:
    """One line for an OSError: the path, the system's reason and what to do."""
    where = exc.filename if exc.filename is not None else "a file"
    reason = exc.strerror or type(exc).__name__
    hint = _HINTS.get(exc.errno or 0)
    return f"{doing} {shown(where)}: {reason}" + (f" ({hint})" if hint and hint not in reason else "")


def checkpoint(name: str) -> None:
    """Test hook: pause here while $DYSTONIA_FACTS_PAUSE_AT names this point (fault-injection tests)."""
    value = os.environ.get(PAUSE_ENV, "")
    point, _, release = value.partition(":")
    if point != name:
        return
    print(f"paused at {name}", file=sys.stderr, flush=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (release and Path(release).exists()):
        time.sleep(0.05)


def lock_path(target: Path) -> Path:
    """The lock file of an output folder: .NAME.lock beside it."""
    return target.parent / f".{target.name}.lock"


@contextlib.contextmanager
def locked(target: Path) -> Iterator[None]:
    """Hold the output folder's lock for the duration, or raise OutputError if another build holds it."""
    import fcntl

    path = lock_path(target)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(describe_os_error(exc, "cannot create the lock file")) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"another build is writing {shown(target)} (it holds {shown(path)}): "
                              "wait for it to finish, or stop it, and run again") from None
        yield
    finally:
        os.close(fd)  # closing releases the lock; the file stays, so no build can race on its creation


def check_target(target: Path, is_ours: bool) -> None:
    """Refuse a target that is a file, has no parent folder, or is a folder of something else."""
    if not target.parent.is_dir():
        kind = "is a file" if target.parent.exists() else "does not exist"
        raise OutputError(f"cannot write {shown(target)}: its parent folder {shown(target.parent)} {kind}")
    if target.exists() and not target.is_dir():
        raise OutputError(f"cannot write {shown(target)}: it is a file, not a folder; choose another output folder")
    if target.is_dir() and not is_ours and any(target.iterdir()):
        raise OutputError(f"will not replace {shown(target)}: it is not empty and holds no previous output of "
                          "this command; choose a new or empty folder")


def recover(target: Path) -> None:
    """Undo what a killed build left beside target: restore a half-swapped folder, drop staging folders."""
    parent = target.parent
    olds = sorted(parent.glob(f".{target.name}.old-*"))
    if not target.exists() and olds:
        os.rename(olds[-1], target)  # killed between the two renames of a non-atomic swap
        olds = olds[:-1]
    for stale in [*olds, *parent.glob(f".{target.name}.build-*")]:
        shutil.rmtree(stale, ignore_errors=True)


def private_tempdir(prefix: str) -> Path:
    """A new private folder in the system's temporary folder named after this process (PREFIX<pid>-<random>): if
    the process ends before its build removed the folder, remove_own_tempdirs does at exit; if it is killed, the
    next build does (remove_orphans)."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


def remove_own_tempdirs() -> None:
    """Remove this process's private_tempdir folders that are still there (a build's thread stopped before its own
    clean-up: cancelled, or its process ending); `python -m analysis` calls it before os._exit, others at exit."""
    remove_orphans(os.getpid())


atexit.register(remove_own_tempdirs)  # the process id is read at exit: a forked child never removes its parent's


def pid_alive(pid: int) -> bool:
    """True if a process with this id is running (ours or another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def orphans(pid: int | None = None) -> list[Path]:
    """The private_tempdir folders of builds that no longer run (or, given `pid`, of that process), ours only."""
    found = []
    for prefix in (PARTS_PREFIX, SOCKETS_PREFIX):
        for path in Path(tempfile.gettempdir()).glob(f"{prefix}*-*"):
            owner = path.name[len(prefix):].split("-", 1)[0]
            if not owner.isdigit():
                continue
            if (int(owner) != pid) if pid is not None else pid_alive(int(owner)):
                continue
            with contextlib.suppress(OSError):
                if path.is_dir() and path.stat().st_uid == os.getuid():
                    found.append(path)
    return sorted(found)


def remove_orphans(pid: int | None = None) -> None:
    """Remove what killed builds left in the system's temporary folder (their private_tempdir folders), or, given
    `pid`, that process's."""
    for path in orphans(pid):
        shutil.rmtree(path, ignore_errors=True)


def staging_dir(target: Path) -> Path:
    """A new empty hidden folder beside target (same file system, so the swap is a rename)."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.build-", dir=target.parent))
    except OSError as exc:
        raise OutputError(describe_os_error(exc, "cannot write beside")) from None
    if target.is_dir():  # mkdtemp makes it private: give it the permissions of the folder it replaces
        mode = stat.S_IMODE(target.stat().st_mode)
    else:
        mask = os.umask(0o022)
        os.umask(mask)
        mode = 0o777 & ~mask
    os.chmod(staging, mode)
    return staging


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with renameat2(RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in(staging: Path, target: Path) -> None:
    """Make staging the target in one rename; the previous target is removed afterwards."""
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the previous output
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    os.rename(staging, target)
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def staged(target: Path) -> Iterator[Path]:
    """Yield a staging folder; remove it unless the caller swapped it in (see swap_in)."""
    staging = staging_dir(target)
    try:
        yield staging
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)



def fault_exit(exc: OutputError | OSError | KeyboardInterrupt, unchanged: str, stopped: str = "") -> int:
    """Print one line for a fault of the output or the system, or Ctrl-C, saying what is unchanged; return the exit status."""
    if isinstance(exc, KeyboardInterrupt):
        print(f"interrupted: {stopped}{unchanged}", file=sys.stderr)
        return 130
    print(f"error: {exc if isinstance(exc, OutputError) else describe_os_error(exc)}"
          f"{'' if isinstance(exc, OutputError) else '; ' + unchanged}", file=sys.stderr)
    return 1
