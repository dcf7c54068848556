"""The code part of a snapshot's fingerprint: files known by path, size and time, and
read in full while a time cannot yet be trusted."""

from __future__ import annotations

import os
import time
from pathlib import Path

from gmspolicy.dataset import snapshot
from gmspolicy.dataset._files import MAX_FILE_BYTES, bundled_data_dir

OLD = time.time_ns() - 3600 * 10**9


def tree(root: Path, files: dict[str, str], mtime_ns: int | None = OLD) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if mtime_ns is not None:
            os.utime(path, ns=(mtime_ns, mtime_ns))
    return root


def sig(root: Path) -> bytes:
    return snapshot._tree_signature(str(root))


def test_every_change_to_a_module_gives_another_signature(tmp_path: Path) -> None:
    root = tree(tmp_path / "pkg", {"a.py": "x = 1\n", "sub/b.py": "y = 2\n"})
    first = sig(root)
    assert sig(root) == first
    tree(root, {"a.py": "x = 2\n"}, mtime_ns=OLD + 1)  # same size, another time
    assert sig(root) != first
    second = sig(root)
    tree(root, {"sub/c.py": ""})  # a new module
    assert sig(root) != second
    third = sig(root)
    (root / "sub" / "c.py").unlink()
    assert sig(root) == second != third
    os.utime(root / "sub" / "b.py", ns=(OLD, OLD + 7))  # touched
    assert sig(root) != second


def test_what_is_not_a_module_does_not_count(tmp_path: Path) -> None:
    root = tree(tmp_path / "pkg", {"a.py": "x = 1\n"})
    first = sig(root)
    tree(root, {".#a.py": "lock", ".hidden/b.py": "", "notes.txt": "", "data.json": "{}"})
    assert sig(root) == first


def test_a_file_changed_just_now_is_known_by_its_bytes(tmp_path: Path) -> None:
    # rewritten within one tick of the clock: same size, same time, other bytes
    now = time.time_ns()
    root = tree(tmp_path / "pkg", {"a.py": "x = 1\n"}, mtime_ns=now)
    first = sig(root)
    tree(root, {"a.py": "x = 2\n"}, mtime_ns=now)
    assert sig(root) != first


def test_the_package_signature_covers_its_modules_and_is_stable() -> None:
    snapshot._code_signature.cache_clear()
    first = snapshot._code_signature()
    snapshot._code_signature.cache_clear()
    assert snapshot._code_signature() == first
    here = Path(snapshot.__file__).resolve().parent.parent
    names = {rel for rel, _ in snapshot._python_files(str(here))}
    assert {
        "models/__init__.py",
        "models/participation.py",
        "dataset/snapshot.py",
        "query/policyset.py",
        "query/views/table.py",
    } <= names


def test_the_fingerprint_still_reads_every_data_byte(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), root)
    first = snapshot.fingerprint(root, today=None, max_file_bytes=MAX_FILE_BYTES)
    csv = next(iter(sorted((root / "participations").glob("*.csv"))))
    stat_before = csv.stat()
    data = csv.read_bytes()
    i = data.index(b"20")
    csv.write_bytes(data[:i] + b"19" + data[i + 2 :])  # same size
    os.utime(csv, ns=(stat_before.st_atime_ns, stat_before.st_mtime_ns))  # same time
    assert snapshot.fingerprint(root, today=None, max_file_bytes=MAX_FILE_BYTES) != first
