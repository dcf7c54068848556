"""A cache of validated datasets, so that a command on unchanged files skips the parse.

Every command reads and validates the whole dataset before it prints anything. For the
same files, the same gmspolicy and the same Python, the result is always the same
:class:`~gmspolicy.policyset.PolicySet`, so the command line keeps it: after a successful
load it writes a *snapshot* (the validated set, pickled) named by a fingerprint of

- every dataset file's path and exact bytes (the files :func:`~gmspolicy._files.dataset_files`
  lists, read in full: any change to any byte gives another fingerprint);
- how the files are named in messages (``FILE:LINE`` places depend on the working
  directory), the size limit and an explicit ``today``;
- gmspolicy's version and the size and modification time of each of its modules, and
  the Python version.

A later run with the same fingerprint loads the snapshot instead of parsing and
validating again; any other run parses, validates and writes a new one. Only a dataset
that passed validation is ever stored, so a snapshot never hides a problem: invalid data
is read and reported every time.

Snapshots live in ``$GMSPOLICY_CACHE_DIR``, else ``$XDG_CACHE_HOME/gmspolicy/datasets``,
else ``~/.cache/gmspolicy/datasets``; at most :data:`KEEP` are kept. A snapshot is a
pickle, which runs code when loaded, so it is trusted as Python trusts its own
``__pycache__``: it is read only from a directory and file owned by the current user
that no one else may write to, and anything unreadable or damaged is ignored and
replaced. ``GMSPOLICY_CACHE=0`` (or ``gmspolicy --no-cache``) turns the cache off; the
library's :func:`~gmspolicy.dataset.load_dataset` uses it only when asked
(``cache=True``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from gmspolicy._files import (
    MAX_FILE_BYTES,
    bundled_data_dir,
    dataset_files,
    display_path,
    read_file_bounded,
)
from gmspolicy._gc import without_gc
from gmspolicy._version import __version__

if TYPE_CHECKING:
    from gmspolicy.policyset import PolicySet

#: How many snapshots are kept (the least recently used are removed beyond this).
KEEP = 8

#: Bumped when the snapshot layout changes.
FORMAT = 1

_SUFFIX = ".pickle"


def cached_load(
    path: str | os.PathLike[str] | None = None,
    *,
    today: dt.date | None = None,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> PolicySet:
    """:func:`gmspolicy.dataset.load_dataset` through the snapshot cache: the stored
    snapshot when the fingerprint matches, else a full read and validation whose result
    is then stored (when the files did not change while they were read). Reads nothing
    else on a hit, and imports neither the YAML parser nor the record converter."""
    root = Path(path) if path is not None else bundled_data_dir()
    key = (
        fingerprint(root, today=today, max_file_bytes=max_file_bytes)
        if enabled() and root.is_dir()
        else None
    )
    if key is not None:
        found = load(key)
        if found is not None:
            return found
    from gmspolicy.dataset import load_dataset

    pset = load_dataset(root, today=today, max_file_bytes=max_file_bytes)
    if key is not None and fingerprint(root, today=today, max_file_bytes=max_file_bytes) == key:
        store(key, pset)
    return pset


def enabled() -> bool:
    """False when ``GMSPOLICY_CACHE`` is ``0``, ``no``, ``off`` or ``false``."""
    return os.environ.get("GMSPOLICY_CACHE", "1").strip().lower() not in {"0", "no", "off", "false"}


def cache_dir() -> Path:
    """The directory snapshots are kept in (not created here)."""
    explicit = os.environ.get("GMSPOLICY_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gmspolicy" / "datasets"


def _code_signature() -> bytes:
    """Size and modification time of every module of this package (an edited checkout
    must not reuse snapshots made by other code)."""
    here = Path(__file__).resolve().parent
    parts = [f"{__version__}|{sys.version}|{FORMAT}"]
    for path in sorted(here.rglob("*.py")):
        st = path.stat()
        parts.append(f"{path.relative_to(here).as_posix()}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts).encode()


def fingerprint(root: Path, *, today: dt.date | None, max_file_bytes: int) -> str | None:
    """The fingerprint of a dataset directory as it is now, or ``None`` when a file is
    not a plain readable file within the size limit (the reader will report it; such a
    set is never cached)."""
    digest = hashlib.sha256(_code_signature())
    digest.update(f"\0{display_path(root)}\0{today}\0{max_file_bytes}\0".encode())
    for path in dataset_files(root):
        data = read_file_bounded(path, max_file_bytes)
        if isinstance(data, str):
            return None
        digest.update(f"\0{path.relative_to(root).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _trusted(path: Path) -> bool:
    """True for a file (or directory) owned by this user that no one else may write."""
    try:
        st = path.stat()
    except OSError:
        return False
    getuid = getattr(os, "getuid", None)
    if getuid is not None and st.st_uid != getuid():
        return False
    return not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load(key: str) -> PolicySet | None:
    """The snapshot stored under ``key``, or ``None`` (missing, untrusted or damaged)."""
    folder = cache_dir()
    path = folder / f"{key}{_SUFFIX}"
    if not (path.is_file() and _trusted(folder) and _trusted(path)):
        return None
    from gmspolicy.policyset import PolicySet

    try:
        with path.open("rb") as fh, without_gc():
            found = pickle.load(fh)  # noqa: S301 - a file only this user can write
    except Exception:  # damaged, or from an incompatible version: replace it
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    if not isinstance(found, PolicySet):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # most recently used
    return found


def store(key: str, pset: PolicySet) -> None:
    """Store ``pset`` under ``key`` (best effort: a cache that cannot be written is
    silently skipped), then remove the oldest snapshots beyond :data:`KEEP`."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _trusted(folder):
            return
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=".snapshot-", suffix=".tmp", dir=folder)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(pset, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{key}{_SUFFIX}")
    except Exception:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return
    _prune(folder)


def _prune(folder: Path) -> None:
    try:
        snaps = sorted(
            (p for p in folder.iterdir() if p.name.endswith(_SUFFIX)),
            key=lambda p: p.stat().st_mtime_ns,
            reverse=True,
        )
    except OSError:
        return
    for old in snaps[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()


def clear() -> int:
    """Remove every snapshot; the number removed."""
    folder = cache_dir()
    removed = 0
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            if path.name.endswith(_SUFFIX) or path.name.startswith(".snapshot-"):
                path.unlink()
                removed += 1
    return removed
