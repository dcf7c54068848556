"""Files of the cache directory that only this user can have written.

The snapshot cache (:mod:`gmspolicy.dataset.snapshot`), the entry-point index
(:mod:`gmspolicy._entry_points`) and the compiled page templates
(:mod:`gmspolicy.exporters.html`) keep files that gmspolicy reads back as code or as what
to import, so they are trusted as Python trusts its own ``__pycache__``, and more
strictly: the directory and the file must be owned by the current user and writable by
no one else, the file is opened relative to the open directory without following a link,
and both are checked on their open descriptors, so nothing can be swapped in between the
check and the read. Files are written atomically (a temporary file in the same
directory, renamed into place; removed whatever happens if the write fails). On systems
without POSIX file owners nothing is trusted.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

#: Whether this process keeps compiled page templates in the cache directory
#: (:mod:`gmspolicy.exporters.html`): the command line sets it when its cache is on
#: (neither ``--no-cache`` nor ``GMSPOLICY_CACHE=0``); a library caller's process writes
#: nothing there unless it sets it too.
keep_compiled_templates = False

#: How the temporary files of an atomic write are named (``.snapshot-XXXX.tmp``): one
#: left by a killed run is removed by the snapshot cache's pruning.
TEMP_PREFIX = ".snapshot-"
TEMP_SUFFIX = ".tmp"


def trusted(st: os.stat_result) -> bool:
    """True for a file or directory owned by this user that no one else may write."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return False  # no POSIX owners to check: never trusted
    return st.st_uid == getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


@contextlib.contextmanager
def trusted_dir(folder: Path) -> Iterator[int | None]:
    """A descriptor of ``folder`` when it is a trusted directory (else ``None``), closed
    on exit."""
    try:
        dfd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield None
        return
    try:
        st = os.fstat(dfd)
        yield dfd if stat.S_ISDIR(st.st_mode) and trusted(st) else None
    finally:
        os.close(dfd)


def open_in(dfd: int, name: str) -> BinaryIO | None:
    """The trusted regular file ``name`` of the directory ``dfd``, opened for reading
    without following a link; ``None`` when it is missing or not trusted."""
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0), dir_fd=dfd)
    except OSError:
        return None
    fh = os.fdopen(fd, "rb")
    st = os.fstat(fh.fileno())
    if not (stat.S_ISREG(st.st_mode) and trusted(st)):
        fh.close()
        return None
    return fh


@contextlib.contextmanager
def trusted_file(folder: Path, name: str) -> Iterator[tuple[int, BinaryIO] | None]:
    """The trusted file ``name`` of the trusted directory ``folder``, open for reading,
    with the directory's descriptor (to remove or touch the file by name); ``None`` when
    either is missing or not trusted. Both are closed on exit."""
    with trusted_dir(folder) as dfd:
        fh = open_in(dfd, name) if dfd is not None else None
        if dfd is None or fh is None:
            yield None
            return
        with fh:
            yield dfd, fh


def read_trusted(folder: Path, name: str, limit: int) -> bytes | None:
    """The bytes of the trusted file ``name`` in the trusted directory ``folder``;
    ``None`` when either is missing or not trusted, or the file is over ``limit`` bytes."""
    with trusted_file(folder, name) as found:
        if found is None:
            return None
        fh = found[1]
        if os.fstat(fh.fileno()).st_size > limit:
            return None
        data = fh.read(limit + 1)
    return data if len(data) <= limit else None


def write_trusted(folder: Path, name: str, write: Callable[[BinaryIO], object]) -> bool:
    """Write ``name`` in ``folder`` (made owner-only if missing) atomically, by calling
    ``write`` on the temporary file; ``False`` when the directory cannot be made or is not
    trusted. Whatever ``write`` raises is raised, after the temporary file is removed."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not trusted(folder.stat()):
            return False
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, folder / name)
    except BaseException:  # an interrupt too: never leave the temporary file behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True
