"""The snapshot fingerprint's file-digest memo (issue 16): a cached command on unchanged
dataset files hashes none of them, and any change to a file is still seen, even one that
keeps its size and its modification time."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gmspolicy.dataset import snapshot
from gmspolicy.dataset._files import MAX_FILE_BYTES

MEMO = snapshot._Digests.NAME


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The dataset files the fingerprint reads."""
    seen: list[Path] = []
    real = snapshot.read_file_bounded

    def counted(path: Path, max_bytes: int) -> bytes | str:
        seen.append(path)
        return real(path, max_bytes)

    monkeypatch.setattr(snapshot, "read_file_bounded", counted)
    return seen


def fingerprint(root: Path) -> str:
    found = snapshot.fingerprint(root, today=None, max_file_bytes=MAX_FILE_BYTES)
    assert found is not None
    return found


def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files count as settled at once (no two-second wait in a test)."""
    monkeypatch.setattr(snapshot, "_SETTLE_NS", 0)


def test_settled_files_are_hashed_once(
    cache: Path,
    make_dataset: Callable[..., Path],
    reads: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = make_dataset()
    settled(monkeypatch)
    first = fingerprint(root)
    assert len(reads) == 4
    assert ((cache / MEMO).stat().st_mode & 0o777) == 0o600
    reads.clear()
    assert fingerprint(root) == first
    assert reads == []
    (cache / MEMO).unlink()  # the same fingerprint without the memo
    assert fingerprint(root) == first
    assert len(reads) == 4


def test_a_rewrite_keeping_size_and_modification_time_is_seen(
    cache: Path,
    make_dataset: Callable[..., Path],
    reads: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = make_dataset()
    settled(monkeypatch)
    before = fingerprint(root)
    csv = root / "participations.csv"
    st = csv.stat()
    time.sleep(0.05)  # past the file system clock's tick
    text = csv.read_text()
    assert "2005-05-05" in text
    csv.write_text(text.replace("2005-05-05", "2005-05-06"))  # the same size
    os.utime(csv, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the same time, set back
    assert csv.stat().st_size == st.st_size and csv.stat().st_mtime_ns == st.st_mtime_ns
    reads.clear()
    after = fingerprint(root)
    assert after != before
    assert reads == [csv]  # only the changed file was read
    (cache / MEMO).unlink()
    assert fingerprint(root) == after


def test_a_file_changed_in_the_last_two_seconds_is_always_read(
    cache: Path, make_dataset: Callable[..., Path], reads: list[Path]
) -> None:
    root = make_dataset()  # just written
    first = fingerprint(root)
    assert fingerprint(root) == first
    assert len(reads) == 8  # both times, every file
    assert not (cache / MEMO).exists()  # nothing recorded


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners")
def test_a_memo_others_could_write_or_a_damaged_one_is_not_used(
    cache: Path,
    make_dataset: Callable[..., Path],
    reads: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = make_dataset()
    settled(monkeypatch)
    true = fingerprint(root)
    memo = cache / MEMO
    data = json.loads(memo.read_text())
    forged = dict.fromkeys(data["digests"], "0" * 64)  # wrong digests for these very files
    memo.write_text(json.dumps({"format": 1, "digests": forged}))
    memo.chmod(0o666)
    reads.clear()
    assert fingerprint(root) == true
    assert len(reads) == 4
    for damaged in ("", "not json", '{"format": 1, "digests": {"k": 1}}', "[]"):
        memo.unlink()
        memo.write_text(damaged)
        memo.chmod(0o600)
        assert fingerprint(root) == true


def test_the_cache_command_clears_the_memo(
    cli: Callable[..., tuple[int, str, str]],
    cache: Path,
    make_dataset: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = make_dataset()
    settled(monkeypatch)
    fingerprint(root)
    assert (cache / MEMO).exists()
    assert cli("cache", "--clear")[0] == 0
    assert not (cache / MEMO).exists()
