"""The cache's key hash: SHA-256 without OpenSSL, the same digests as hashlib's."""

from __future__ import annotations

import hashlib
import importlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gmspolicy import _keyhash
from gmspolicy._keyhash import key_sha256


@given(st.lists(st.binary(max_size=300), max_size=5))
def test_the_key_hash_is_sha256(parts: list[bytes]) -> None:
    ours, theirs = key_sha256(), hashlib.sha256()
    for part in parts:
        ours.update(part)
        theirs.update(part)
    assert ours.hexdigest() == theirs.hexdigest()
    assert ours.digest() == theirs.digest()
    assert key_sha256(b"".join(parts)).hexdigest() == theirs.hexdigest()


def test_without_the_interpreters_own_module_hashlib_serves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = importlib.import_module

    def no_builtin(name: str, package: str | None = None) -> object:
        if name in ("_sha2", "_sha256"):
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(_keyhash, "import_module", no_builtin)
    assert _keyhash._builtin() is hashlib.sha256
