"""A cache of validated datasets, so that a command on unchanged files skips the parse.

Every command reads and validates the whole dataset before it prints anything. For the
same files, the same gmspolicy and the same Python, the result is always the same
:class:`~gmspolicy.query.policyset.PolicySet`, so the command line keeps it: after a successful
load it writes a *snapshot* (the validated set, pickled) named by a fingerprint of

- every dataset file's path and the SHA-256 of its exact bytes (the files
  ``dataset_files`` lists: any change to any byte gives another fingerprint); a file is
  read and hashed unless the file-digest memo knows it unchanged since it was last
  hashed (:func:`fingerprint` says how);
- how the files are named in messages (``FILE:LINE`` places depend on the working
  directory), the size limit and an explicit ``today``;
- the path, size and modification time (in nanoseconds) of every module of gmspolicy
  and of the installed files of the libraries that read and check the data (attrs,
  cattrs, PyYAML), and the Python version (why a size and a time are enough for code,
  and what is read when they are not: :func:`_code_signature`).

A later run with the same fingerprint loads the snapshot instead of parsing and
validating again; any other run parses, validates and writes a new one. Only a dataset
that passed validation is ever stored, so a snapshot never hides a problem: invalid data
is read and reported every time.

Snapshots live in ``$GMSPOLICY_CACHE_DIR``, else ``$XDG_CACHE_HOME/gmspolicy/datasets``
(an absolute path), else ``~/.cache/gmspolicy/datasets``; at most :data:`KEEP` are kept,
and only files named like snapshots are ever removed. A snapshot is a pickle, which runs
code when loaded, so it is trusted as Python trusts its own ``__pycache__``, and more
strictly: the directory and the file (opened without following a link, and checked on
the open descriptor) must be owned by the current user and writable by no one else.
Anything unreadable or damaged is ignored and replaced, and any failure of the cache
itself (no home directory, a directory that cannot be read) only turns it off for that
run. On systems without POSIX file owners (Windows) snapshots are never trusted, so the
cache is not used there. ``GMSPOLICY_CACHE=0`` (or ``gmspolicy --no-cache``) turns the
cache off; the library's :func:`~gmspolicy.dataset.load_dataset` uses it only when asked
(``cache=True``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import importlib.util
import os
import re
import stat
import sys
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

try:  # the C unpickler pickle.load is, without pickle.py and struct (a millisecond of a
    # cached table's start-up); storing a snapshot imports pickle
    import _pickle as unpickler
except ImportError:  # an interpreter without it
    import pickle as unpickler  # type: ignore[no-redef]

from gmspolicy._gc import without_gc
from gmspolicy._keyhash import key_sha256
from gmspolicy._trusted import read_trusted, trusted_dir, trusted_file, write_trusted
from gmspolicy._version import __version__
from gmspolicy.dataset._files import (
    MAX_FILE_BYTES,
    bundled_data_dir,
    dataset_files,
    display_path,
    escaping_link,
    read_file_bounded,
)

if TYPE_CHECKING:
    from gmspolicy.models import Participation
    from gmspolicy.query.policyset import PlaceKey, PolicySet

#: How many snapshots are kept (the least recently used are removed beyond this).
KEEP = 8

#: Bumped when the snapshot layout or a pickled class changes (3: actions and statuses
#: carry a PartialDate instead of a date and a precision; 4: a set pickles its
#: participations and places as bytes restored on demand, and its latest cells; 5: the
#: MOUs and events too; 6: the reviews, recommendations and reporting rows too, apart).
FORMAT = 6

_SUFFIX = ".pickle"
_NAME = re.compile(r"^[0-9a-f]{64}\.pickle$")
_TEMP = re.compile(r"^\.snapshot-[A-Za-z0-9_]+\.tmp$")
#: A compiled page template (:class:`gmspolicy.exporters.html._CompiledTemplates`).
_TEMPLATE = re.compile(r"^template-[0-9a-f]{64}\.jinja$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
#: A temporary file older than this (seconds) was left by an interrupted run.
_STALE_TEMP = 600

#: The libraries whose behaviour decides what a load produces.
_DEPENDENCIES = ("attr", "attrs", "cattrs", "yaml")

_CACHE_ERRORS = (OSError, RuntimeError, ValueError)


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
    key: str | None = None
    if enabled():
        try:
            key = fingerprint(root, today=today, max_file_bytes=max_file_bytes)
            found = load(key) if key is not None else None
        except _CACHE_ERRORS:
            key = found = None
        if found is not None:
            return found
    from gmspolicy.dataset._reader import read_dataset

    pset = read_dataset(root, today=today, max_file_bytes=max_file_bytes)
    if key is not None:
        try:
            if fingerprint(root, today=today, max_file_bytes=max_file_bytes) == key:
                store(key, pset)
        except _CACHE_ERRORS:
            pass
    return pset


def enabled() -> bool:
    """False when ``GMSPOLICY_CACHE`` is ``0``, ``no``, ``off`` or ``false``."""
    return os.environ.get("GMSPOLICY_CACHE", "1").strip().lower() not in {"0", "no", "off", "false"}


def cache_dir() -> Path:
    """The directory snapshots are kept in (not created here). A relative
    ``XDG_CACHE_HOME`` is ignored, as the XDG specification says."""
    explicit = os.environ.get("GMSPOLICY_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "gmspolicy" / "datasets"


#: A code file changed less than this many seconds ago is read in full (see below).
_SETTLE_NS = 2 * 10**9


def _python_files(folder: str) -> list[tuple[str, os.stat_result]]:
    """Every ``*.py`` file under ``folder`` (not in or under a dot-named entry: editor
    lock files and the like) with its status, by path relative to ``folder``."""
    found: list[tuple[str, os.stat_result]] = []

    def walk(here: str, prefix: str) -> None:
        with os.scandir(here) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.name.endswith(".py"):
                    found.append((f"{prefix}{entry.name}", entry.stat()))

    walk(folder, "")
    return sorted(found)


def _tree_signature(folder: str) -> bytes:
    """The path, size and time of every ``*.py`` file under ``folder``, and the bytes of
    those changed in the last two seconds (see :func:`_code_signature`)."""
    digest = key_sha256()
    recent = time.time_ns() - _SETTLE_NS
    for rel, st in _python_files(folder):
        digest.update(f"\0{rel}\0{st.st_size}\0{st.st_mtime_ns}".encode())
        if st.st_mtime_ns > recent:
            with open(os.path.join(folder, rel), "rb") as fh:
                digest.update(b"\0bytes\0" + fh.read())
    return digest.digest()


@functools.cache
def _code_signature() -> bytes:
    """What the code that reads and checks the data is: every module of this package and
    the installed files of the libraries a load depends on (found without importing
    them), each by path, size and modification time (in nanoseconds), with the Python
    version.

    A file's size and time stand for its bytes, as they do for Python itself, which runs
    a module's cached bytecode while the source's size and time (in whole seconds) are
    the ones it was compiled from, and for make and rsync: a file changed since the
    snapshot was stored has another time, unless a tool set it back on purpose to the
    same nanosecond with the same size. The one case where a time does not tell is a
    file rewritten within one tick of the file system's clock, just after it was last
    written; so a file changed less than two seconds ago is read and hashed in full (a
    signature that holds its bytes never equals one that holds only its time, so a
    snapshot stored then is used only by runs that read the same bytes)."""
    here = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # the package
    digest = key_sha256(f"{__version__}|{sys.version}|{FORMAT}|stat".encode())
    digest.update(_tree_signature(here))
    for name in _DEPENDENCIES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        if origin is None:
            digest.update(f"\0{name}:none".encode())
            continue
        digest.update(f"\0{name}\0".encode() + _tree_signature(os.path.dirname(origin)))
    return digest.digest()


def fingerprint(root: Path, *, today: dt.date | None, max_file_bytes: int) -> str | None:
    """The fingerprint of a dataset directory as it is now, or ``None`` when it is not a
    readable directory of plain files within the size limit (the reader will report
    what is wrong; such a set is never cached).

    Each file counts by its path and the SHA-256 of its bytes. A file's digest is taken
    from the digest memo (:class:`_Digests`) while the file is the very one it was read
    from, unchanged since (same device, inode, size, modification and status-change
    times, in nanoseconds: the kernel sets the status-change time on every write, and no
    tool can set it back); else the file is read and hashed."""
    if not root.is_dir():
        return None
    files, misplaced = dataset_files(root)
    if misplaced:
        return None
    digest = key_sha256(_code_signature())
    digest.update(f"\0{display_path(root)}\0{today}\0{max_file_bytes}\0".encode())
    base = os.path.realpath(root)
    inside = base if base.endswith(os.sep) else base + os.sep
    memo = _Digests.read()
    real_folders: dict[str, str] = {}  # each folder resolved once
    for path in files:
        # a file whose real path is under the real root is no link out (escaping_link
        # would resolve both again, for every file, to say so); a file that is no link
        # is where its folder really is
        folder, name = os.path.split(path)
        real_folder = real_folders.get(folder)
        if real_folder is None:
            real_folder = real_folders[folder] = os.path.realpath(folder)
        real = os.path.realpath(path) if os.path.islink(path) else os.path.join(real_folder, name)
        if not real.startswith(inside) and escaping_link(path, root):
            return None
        found = memo.digest(path, max_file_bytes)
        if found is None:
            return None
        size, file_digest = found
        digest.update(f"\0{path.relative_to(root).as_posix()}\0{size}\0{file_digest}".encode())
    memo.write()
    return digest.hexdigest()


class _Digests:
    """The SHA-256 of dataset files read before, by what the file system says of each
    file (a trusted file of the cache directory, ``file-digests.json``): a cached command
    on unchanged files hashes none of them.

    A file whose modification or status-change time is less than two seconds old is
    always read (one rewritten within a tick of the file system's clock could keep both
    times), and a digest is recorded only when the file's status is the same after the
    read as before it."""

    NAME = "file-digests.json"
    #: The most digests kept (the most recently recorded).
    KEEP = 4096
    #: The largest memo read back.
    MAX_BYTES = 1 << 21

    def __init__(self, known: dict[str, str]) -> None:
        self.known = known
        self.added: dict[str, str] = {}

    @classmethod
    def read(cls) -> _Digests:
        """The stored memo (empty when there is none, or it is untrusted or damaged)."""
        import json

        known: dict[str, str] = {}
        with contextlib.suppress(OSError, ValueError):
            data = read_trusted(cache_dir(), cls.NAME, cls.MAX_BYTES)
            found = json.loads(data) if data is not None else None
            if isinstance(found, dict) and found.get("format") == 1:
                digests = found.get("digests")
                if isinstance(digests, dict):
                    known = {
                        k: v
                        for k, v in digests.items()
                        if isinstance(k, str) and isinstance(v, str) and _HEX64.match(v)
                    }
        return cls(known)

    @staticmethod
    def _key(path: Path, st: os.stat_result) -> str:
        return (
            f"{os.path.abspath(path)}\0{st.st_dev}\0{st.st_ino}\0{st.st_size}"
            f"\0{st.st_mtime_ns}\0{st.st_ctime_ns}"
        )

    def digest(self, path: Path, max_bytes: int) -> tuple[int, str] | None:
        """``(size, SHA-256)`` of the file's bytes, or ``None`` when it cannot be read as
        a dataset file (the reader will say why)."""
        try:
            before = os.stat(path)
        except OSError:
            return None
        settled = time.time_ns() - _SETTLE_NS
        old = before.st_mtime_ns < settled and before.st_ctime_ns < settled
        key = self._key(path, before)
        if old and stat.S_ISREG(before.st_mode) and before.st_size <= max_bytes:
            known = self.known.get(key)
            if known is not None:
                return before.st_size, known
        data = read_file_bounded(path, max_bytes)
        if isinstance(data, str):
            return None
        import hashlib  # file contents: OpenSSL's SHA-256 (see gmspolicy._keyhash)

        found = hashlib.sha256(data).hexdigest()
        with contextlib.suppress(OSError):
            if old and self._key(path, os.stat(path)) == key and len(data) == before.st_size:
                self.added[key] = found
        return len(data), found

    def write(self) -> None:
        """Store the memo with the digests recorded in this run (best effort)."""
        if not self.added:
            return
        import json

        digests = {k: v for k, v in self.known.items() if k not in self.added}
        digests.update(self.added)
        kept = dict(list(digests.items())[-self.KEEP :])
        text = json.dumps({"format": 1, "digests": kept}).encode()
        with contextlib.suppress(OSError):
            write_trusted(cache_dir(), self.NAME, lambda fh: fh.write(text))


def load(key: str) -> PolicySet | None:
    """The snapshot stored under ``key``, or ``None`` (missing, untrusted or damaged;
    trusted as :mod:`gmspolicy._trusted` says)."""
    if not _NAME.match(f"{key}{_SUFFIX}"):
        return None
    name = f"{key}{_SUFFIX}"
    folder = cache_dir()
    with trusted_file(folder, name) as opened:
        if opened is None:
            return None
        dfd, fh = opened
        try:
            with without_gc():
                found = _read(fh, (folder, name))
        except Exception:  # damaged, or from an incompatible version: replace it
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=dfd)
            return None
        if found is None:
            return None
        with contextlib.suppress(OSError):
            os.utime(name, dir_fd=dfd)  # most recently used
        return found


#: The first item of a snapshot's head.
_TAG = f"gmspolicy-snapshot-{FORMAT}"

#: The largest bulk (participations and places, pickled) a snapshot is read with.
_MAX_BULK = 8 * MAX_FILE_BYTES


class _Hashing:
    """A binary file that also counts and hashes what is written through it."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.size = 0
        import hashlib

        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.size += len(data)
        self.digest.update(data)
        return self.fh.write(data)


def _write(fh: BinaryIO, pset: PolicySet) -> None:
    """Write a snapshot of ``pset``: the bulk's length (8 bytes), the bulk (participations
    and places, one pickle) and the head (one pickle: the tag, the countries,
    instruments, sources and observations, the latest cells, the bulk's length and
    SHA-256, and two parts pickled apart, as bytes, unpickled only when a query needs
    them: the MOUs and events, and the reviews, recommendations and reporting rows)."""
    import pickle

    records, bulk, latest = pset.snapshot_parts()
    fh.write(bytes(8))
    hashing = _Hashing(fh)
    pickle.dump(bulk, hashing, protocol=pickle.HIGHEST_PROTOCOL)
    countries, instruments, mous, events, sources, observations, *reviews = records
    agreements = pickle.dumps((mous, events), protocol=pickle.HIGHEST_PROTOCOL)
    review_parts = pickle.dumps(tuple(reviews), protocol=pickle.HIGHEST_PROTOCOL)
    head_records = (countries, instruments, (), (), sources, observations, (), (), ())
    head = (
        _TAG,
        head_records,
        latest,
        hashing.size,
        hashing.digest.hexdigest(),
        agreements,
        review_parts,
    )
    pickle.dump(head, fh, protocol=pickle.HIGHEST_PROTOCOL)
    fh.seek(0)
    fh.write(hashing.size.to_bytes(8, "big"))


def _read(fh: BinaryIO, origin: tuple[Path, str] | None = None) -> PolicySet | None:
    """The set a snapshot written by :func:`_write` holds (``None`` if it is not one).

    The head is unpickled now; a snapshot whose parts do not add up to its size (cut
    short, or with more after the head) is damaged. The bulk is read, from a duplicate
    of the open file descriptor (the same file, whatever happens to its name), only when
    a query needs the participations, and checked then against the length and SHA-256 in
    the head; one that does not match is removed from ``origin`` (the cache directory
    and the snapshot's name there), if that is still this file."""
    from gmspolicy.query.policyset import PolicySet

    size = int.from_bytes(fh.read(8), "big")
    if size > _MAX_BULK:
        return None
    fh.seek(8 + size)
    head = unpickler.load(fh)  # noqa: S301 - a file only this user can write
    if not (isinstance(head, tuple) and len(head) == 7 and head[0] == _TAG):
        return None
    _, records, latest, length, expected, agreements, reviews = head
    parts_ok = isinstance(agreements, bytes) and isinstance(reviews, bytes)
    if length != size or not parts_ok or fh.tell() != os.fstat(fh.fileno()).st_size:
        raise ValueError("damaged snapshot")  # removed by the caller
    source = _Bulk(os.dup(fh.fileno()), size, expected, origin)
    return PolicySet.from_snapshot(
        records,
        source.load,
        latest,
        functools.partial(_unpickled, agreements),
        functools.partial(_unpickled, reviews),
    )


def _unpickled(blob: bytes) -> Any:
    """A part a snapshot's head keeps as bytes (see :func:`_write`), unpickled."""
    return unpickler.loads(blob)  # noqa: S301 - bytes of the same trusted file


class _Bulk:
    """The bulk of a snapshot, read again from its open file when first needed."""

    def __init__(self, fd: int, size: int, digest: str, origin: tuple[Path, str] | None) -> None:
        self.fd = fd
        self.size = size
        self.digest = digest
        self.origin = origin
        st = os.fstat(fd)
        self.identity = (st.st_dev, st.st_ino)
        self._close = weakref.finalize(self, os.close, fd)

    def load(self) -> tuple[tuple[Participation, ...], dict[PlaceKey, str]]:
        try:
            blob = os.pread(self.fd, self.size, 8)
        finally:
            self._close()  # read once
        import hashlib

        if len(blob) != self.size or hashlib.sha256(blob).hexdigest() != self.digest:
            from gmspolicy.errors import UsageError

            self._remove()
            raise UsageError(
                "the cached snapshot was damaged, or changed while it was in use; it is "
                "removed: run the command again"
            )
        found = unpickler.loads(blob)  # noqa: S301 - checked bytes of the same trusted file
        return found  # type: ignore[no-any-return]

    def _remove(self) -> None:
        """Remove the snapshot from the cache, if its name still is this file."""
        if self.origin is None:
            return
        folder, name = self.origin
        with trusted_dir(folder) as dfd, contextlib.suppress(OSError):
            if dfd is not None:
                st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
                if (st.st_dev, st.st_ino) == self.identity:
                    os.unlink(name, dir_fd=dfd)


def store(key: str, pset: PolicySet) -> None:
    """Store ``pset`` under ``key`` (best effort: a cache that cannot be written is
    silently skipped), then remove the oldest snapshots beyond :data:`KEEP`."""
    if not _NAME.match(f"{key}{_SUFFIX}"):
        return
    folder = cache_dir()
    try:
        if not write_trusted(folder, f"{key}{_SUFFIX}", lambda fh: _write(fh, pset)):
            return
    except Exception:  # a snapshot that cannot be written is skipped
        return
    _prune(folder)


def _prune(folder: Path) -> None:
    """Remove the least recently used snapshots beyond :data:`KEEP`, and temporary files
    left by interrupted runs; nothing else in the directory is touched."""
    try:
        entries = list(folder.iterdir())
        now = time.time()
        snaps = sorted(
            (p for p in entries if _NAME.match(p.name)),
            key=lambda p: p.stat().st_mtime_ns,
            reverse=True,
        )
        stale = [
            p for p in entries if _TEMP.match(p.name) and now - p.stat().st_mtime > _STALE_TEMP
        ]
    except OSError:
        return
    for old in [*snaps[KEEP:], *stale]:
        with contextlib.suppress(OSError):
            old.unlink()


def stored() -> list[Path]:
    """The snapshots in :func:`cache_dir` (none if it cannot be read)."""
    try:
        return sorted(p for p in cache_dir().iterdir() if _NAME.match(p.name))
    except OSError:
        return []


def clear() -> int:
    """Remove every snapshot (and leftover temporary file; the number removed), every
    compiled page template and the file-digest memo. Other files in the directory are
    left alone."""
    folder = cache_dir()
    removed = 0
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            if _NAME.match(path.name) or _TEMP.match(path.name):
                path.unlink()
                removed += 1
            elif _TEMPLATE.match(path.name) or path.name == _Digests.NAME:
                path.unlink()
    return removed
