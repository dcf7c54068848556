"""SHA-256 of small inputs (the cache's keys), without loading OpenSSL.

Importing :mod:`hashlib` loads OpenSSL's library (about 3 ms, a tenth of what a cached
``gmspolicy table`` costs above a bare interpreter start-up). The interpreter's own
SHA-256 module (``_sha2`` since Python 3.12, ``_sha256`` before) loads in a fraction of
that and gives the same digests, but hashes fewer bytes a second than OpenSSL: so it
serves the keys made of paths, sizes and times (the code signature, the fingerprint
that combines the data files' digests, the entry-point index's key), and file contents
still go through :func:`hashlib.sha256`. Where neither module exists (another Python),
:func:`hashlib.sha256` serves all.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module
from typing import Protocol, cast


class Sha256(Protocol):
    """A SHA-256 hash object (what :func:`hashlib.sha256` returns)."""

    def update(self, data: bytes, /) -> None:
        """Hash ``data`` too."""

    def digest(self) -> bytes:
        """The digest of what was hashed."""

    def hexdigest(self) -> str:
        """The digest, in lower-case hex."""


def _builtin() -> Callable[[bytes], Sha256]:
    # the module of this version first (a failed import searches sys.path)
    names = ("_sha2", "_sha256") if sys.version_info >= (3, 12) else ("_sha256", "_sha2")
    for name in names:
        try:
            return cast("Callable[[bytes], Sha256]", import_module(name).sha256)
        except (ImportError, AttributeError):
            continue
    import hashlib

    return hashlib.sha256


_make = _builtin()


def key_sha256(data: bytes = b"") -> Sha256:
    """A SHA-256 hash object for a small input (a key), started with ``data``."""
    return _make(data)
