"""The cache directory's trusted files (gmspolicy._trusted): what the snapshot cache, the
entry-point index and the compiled page templates read back is owned by this user and
writable by no one else, opened without following a link, bounded, and written
atomically."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import pytest

from gmspolicy._trusted import TEMP_PREFIX, read_trusted, write_trusted

posix_only = pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners")


@posix_only
def test_written_then_read(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    assert write_trusted(folder, "a.bin", lambda fh: fh.write(b"abc"))
    assert (folder.stat().st_mode & 0o777) == 0o700
    assert read_trusted(folder, "a.bin", 3) == b"abc"
    assert read_trusted(folder, "a.bin", 2) is None  # over the limit
    assert read_trusted(folder, "missing", 10) is None
    assert read_trusted(tmp_path / "nowhere", "a.bin", 10) is None


@posix_only
def test_what_others_could_write_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    assert write_trusted(folder, "a.bin", lambda fh: fh.write(b"abc"))
    (folder / "a.bin").chmod(0o666)
    assert read_trusted(folder, "a.bin", 10) is None
    (folder / "a.bin").chmod(0o600)
    folder.chmod(0o777)
    assert read_trusted(folder, "a.bin", 10) is None
    assert not write_trusted(folder, "b.bin", lambda fh: fh.write(b"x"))
    assert not (folder / "b.bin").exists()


@posix_only
def test_a_link_is_not_followed(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    assert write_trusted(folder, "real.bin", lambda fh: fh.write(b"abc"))
    (folder / "link.bin").symlink_to(folder / "real.bin")
    assert read_trusted(folder, "link.bin", 10) is None
    assert read_trusted(folder, "real.bin", 10) == b"abc"


@posix_only
def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    assert write_trusted(folder, "a.bin", lambda fh: fh.write(b"old"))

    def broken(fh: BinaryIO) -> None:
        fh.write(b"new, half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_trusted(folder, "a.bin", broken)
    assert read_trusted(folder, "a.bin", 10) == b"old"
    assert [p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)] == []
