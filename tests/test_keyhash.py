"""The cache's key hash: SHA-256 without OpenSSL, the same digests as hashlib's."""

from __future__ import annotations

import hashlib
import importlib
import subprocess
import sys
from pathlib import Path

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


def test_a_cached_table_does_not_load_openssl(cache: Path) -> None:
    # what the key hash is for: a command that prints a table from a snapshot hashes only
    # keys (the data files' digests come from the digest memo), so OpenSSL stays unloaded
    run = [sys.executable, "-m", "gmspolicy", "table"]
    subprocess.run(run, capture_output=True, check=True)  # stores the snapshot and memo
    code = (
        "import sys\n"
        "from gmspolicy.cli import main\n"
        "sys.argv = ['gmspolicy', 'table']\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    sys.stderr.write(str('_hashlib' in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "| Instrument |" in done.stdout
    assert done.stderr == "False"
