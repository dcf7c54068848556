"""gmspolicy's entry points (exporters and loaders), without importing
:mod:`importlib.metadata` when nothing installed has changed.

Scanning the installed distributions through :mod:`importlib.metadata` costs more than
the rest of a small command's start-up (importing it pulls in :mod:`email`, then every
``*.dist-info`` directory on ``sys.path`` is read). The command line keeps the result of
one scan in an *index* (``entry-points.json`` in the snapshot directory,
:func:`gmspolicy.dataset.snapshot.cache_dir`) together with a key that says what was
installed when it was made:

- ``sys.path`` in order (which directories and archives are searched, and which copy of
  a distribution found twice wins);
- for each of its entries, the entry's own size and modification time (for an archive;
  a directory is known by its contents), the names of the
  ``*.dist-info`` and ``*.egg-info`` entries in it (installing, upgrading or removing a
  distribution adds or removes one: their names carry the version), and the size and
  modification time (in nanoseconds) of each one's ``entry_points.txt``, ``METADATA``
  and ``PKG-INFO``, the only files a scan reads.

A run whose key equals a stored one uses the stored entry points; any other run scans
as before (all of them, so duplicate names are still caught) and stores the result
(the :data:`KEEP` most recent keys are kept: ``python -m gmspolicy`` and the console
script search different paths). A
key is only stored when it cannot be *racy*: when every time in it is more than
:data:`SETTLE` seconds old when the scan ends and the key read before the scan equals the
key read after it (a file rewritten within one tick of the file system's clock keeps its
time; it cannot keep a time that was already old). A process whose ``sys.meta_path``
holds a distribution finder other than the standard one always scans.

The index holds names, not code: the worst a planted one could do is name a module to
import from ``sys.path``. It is trusted only under the snapshot cache's rules (owned by
this user, writable by no one else, opened without following a link) and written
atomically; anything unreadable is ignored and replaced. Without the cache
(``GMSPOLICY_CACHE=0``, ``--no-cache``), and in the library unless asked, every run
scans.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.machinery
import json
import os
import re
import stat
import sys
import time
from importlib import import_module
from typing import Any

from gmspolicy._keyhash import key_sha256
from gmspolicy._trusted import read_trusted, write_trusted

#: The groups the index holds (a scan reads them all at once).
GROUPS = ("gmspolicy.exporters", "gmspolicy.loaders")

#: Bumped when the index's layout or its key changes.
FORMAT = 2

#: File name of the index, in the snapshot directory.
INDEX_NAME = "entry-points.json"

#: How many keys (installations, or ways of starting Python) the index keeps.
KEEP = 8

#: A key holding a time less than this many seconds old is not stored (see above).
SETTLE = 2.0

#: The files of a ``*.dist-info``/``*.egg-info`` directory a scan reads.
_INFO_FILES = ("entry_points.txt", "METADATA", "PKG-INFO")

#: :attr:`importlib.metadata.EntryPoint.pattern` (a test checks they are the same).
PATTERN = re.compile(
    r"(?P<module>[\w.]+)\s*"
    r"(:\s*(?P<attr>[\w.]+)\s*)?"
    r"((?P<extras>\[.*\])\s*)?$"
)

_ERRORS = (OSError, ValueError, TypeError, KeyError, RuntimeError)


class IndexedEntryPoint:
    """An entry point as the index stores it: loads like
    :meth:`importlib.metadata.EntryPoint.load`."""

    __slots__ = ("group", "name", "origin", "package", "value", "version")

    def __init__(
        self,
        group: str,
        name: str,
        value: str,
        origin: str,
        package: str | None,
        version: str | None,
    ) -> None:
        self.group = group
        self.name = name
        self.value = value
        #: ``"PACKAGE VERSION"`` of the distribution, or the value when there is none
        self.origin = origin
        self.package = package
        self.version = version

    def load(self) -> Any:
        """The object the entry point names (its module imported)."""
        match = PATTERN.match(self.value)
        if match is None:  # what importlib.metadata does with it, exactly
            from importlib.metadata import EntryPoint

            return EntryPoint(self.name, self.value, self.group).load()
        module = import_module(match.group("module"))
        attrs = filter(None, (match.group("attr") or "").split("."))
        return functools.reduce(getattr, attrs, module)

    def __repr__(self) -> str:
        return f"IndexedEntryPoint({self.group!r}, {self.name!r}, {self.value!r})"


def entry_points(group: str, *, index: bool) -> list[IndexedEntryPoint]:
    """The entry points of ``group`` (one of :data:`GROUPS`), sorted by name and value,
    duplicates included; from the index when ``index`` is true and nothing installed
    changed since it was stored."""
    if group not in GROUPS:
        raise ValueError(f"not a gmspolicy entry-point group: {group!r}")
    if not index:
        return _scan()[group]
    try:
        before = install_key()
    except _ERRORS:
        before = None
    found = None
    if before is not None:
        with contextlib.suppress(*_ERRORS):
            found = _read_index(before)
    if found is not None:
        return found[group]
    scanned = _scan()
    if before is not None:
        with contextlib.suppress(*_ERRORS):
            if install_key() == before and not _racy(before):
                _write_index(before, scanned)
    return scanned[group]


def _scan() -> dict[str, list[IndexedEntryPoint]]:
    """Every distribution's entry points in :data:`GROUPS`, read by importlib.metadata."""
    from importlib.metadata import entry_points as metadata_entry_points

    found: dict[str, list[IndexedEntryPoint]] = {}
    for group in GROUPS:
        eps = sorted(metadata_entry_points(group=group), key=lambda e: (e.name, e.value))
        rows = []
        for ep in eps:
            dist = getattr(ep, "dist", None)
            if dist is not None:
                package, version = dist.name, dist.version
                origin = f"{package} {version}"
            else:
                package = version = None
                origin = ep.value
            rows.append(IndexedEntryPoint(group, ep.name, ep.value, origin, package, version))
        found[group] = rows
    return found


def _stamp(path: str) -> list[int] | None:
    """``[size, mtime_ns, kind]`` of ``path`` (not following a final link), or ``None``."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, stat.S_IFMT(st.st_mode)]


def install_key() -> list[Any] | None:
    """What decides the result of a scan, as plain JSON data (see the module's text);
    ``None`` when it cannot be known (a custom distribution finder)."""
    for finder in sys.meta_path:
        if (
            getattr(finder, "find_distributions", None) is not None
            and finder is not importlib.machinery.PathFinder
        ):
            return None
    key: list[Any] = [FORMAT, sys.version]
    for entry in sys.path:
        if not isinstance(entry, str):
            return None
        root = entry or "."
        own = _stamp(root)
        infos: list[Any] = []
        if own is not None and stat.S_ISDIR(own[2]):
            # a directory is known by what is in it: its own time also changes when any
            # file is written there (the working directory, with python -m gmspolicy)
            own = [0, 0, own[2]]
            for child in sorted(os.listdir(root)):
                low = child.lower()
                if low.endswith((".dist-info", ".egg-info")) or low == "egg-info":
                    where = os.path.join(root, child)
                    files = [_stamp(os.path.join(where, name)) for name in _INFO_FILES]
                    infos.append([child, _stamp(where), *files])
        key.append([entry, own, infos])
    return key


def _racy(key: list[Any]) -> bool:
    """True when a time in ``key`` is less than :data:`SETTLE` seconds old (or ahead)."""
    limit = time.time_ns() - int(SETTLE * 1e9)

    def times(value: Any) -> Any:
        if isinstance(value, list):
            if len(value) == 3 and all(isinstance(v, int) for v in value):
                yield value[1]
            else:
                for item in value:
                    yield from times(item)

    return any(t > limit for t in times(key[2:]))


def _digest(key: list[Any]) -> str:
    return key_sha256(json.dumps(key, separators=(",", ":")).encode()).hexdigest()


def _load_index() -> dict[str, Any]:
    """The stored index (``{digest of a key: its groups}``), or ``{}`` when there is
    none, it is not trusted (:mod:`gmspolicy._trusted`) or it is damaged."""
    from gmspolicy.dataset.snapshot import cache_dir

    text = read_trusted(cache_dir(), INDEX_NAME, 1 << 22)
    if text is None:
        return {}
    try:
        data = json.loads(text)
    except ValueError:  # damaged: replaced by the next scan
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    keys = data.get("keys")
    return keys if isinstance(keys, dict) else {}


def _read_index(key: list[Any]) -> dict[str, list[IndexedEntryPoint]] | None:
    """The stored entry points when the index is trusted and holds ``key``."""
    groups = _load_index().get(_digest(key))
    if groups is None:
        return None
    found: dict[str, list[IndexedEntryPoint]] = {}
    for group in GROUPS:
        rows = []
        for name, value, origin, package, version in groups[group]:
            if not all(isinstance(v, str) for v in (name, value, origin)):
                return None
            if not all(v is None or isinstance(v, str) for v in (package, version)):
                return None
            rows.append(IndexedEntryPoint(group, name, value, origin, package, version))
        found[group] = rows
    return found


def _write_index(key: list[Any], scanned: dict[str, list[IndexedEntryPoint]]) -> None:
    """Add ``scanned`` under ``key`` to the index (the console script and
    ``python -m gmspolicy`` search different paths: each keeps its own entry), keeping
    the :data:`KEEP` most recent; atomically, best effort."""
    from gmspolicy.dataset.snapshot import cache_dir

    keys = {k: v for k, v in _load_index().items() if k != _digest(key)}
    keys[_digest(key)] = {
        group: [[e.name, e.value, e.origin, e.package, e.version] for e in rows]
        for group, rows in scanned.items()
    }
    data = {"format": FORMAT, "keys": dict(list(keys.items())[-KEEP:])}
    text = json.dumps(data).encode()
    write_trusted(cache_dir(), INDEX_NAME, lambda fh: fh.write(text))
