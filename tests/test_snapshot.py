"""The snapshot cache: used only for byte-identical files, never for invalid data, never
from a file others could have written."""

from __future__ import annotations

import io
import os
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

import gmspolicy.dataset
import gmspolicy.dataset._reader
from gmspolicy.dataset import load_dataset, snapshot
from gmspolicy.dataset._files import MAX_FILE_BYTES
from tests.conftest import PARTICIPATIONS

Run = Callable[..., tuple[int, str, str]]


def snapshots(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle")) if folder.is_dir() else []


def key(root: Path) -> str:
    found = snapshot.fingerprint(root, today=None, max_file_bytes=MAX_FILE_BYTES)
    assert found is not None
    return found


def test_a_valid_set_is_stored_once_and_reused(
    cli: Run, cache: Path, make_dataset: Callable[..., Path]
) -> None:
    root = make_dataset()
    first = cli("--data", str(root), "table", "--countries", "THA,LAO")
    assert first[0] == 0
    [snap] = snapshots(cache)
    assert snap.name == key(root) + ".pickle"
    assert oct(snap.stat().st_mode & 0o777) == "0o600"
    assert cli("--data", str(root), "table", "--countries", "THA,LAO") == first
    assert snapshots(cache) == [snap]


def test_one_changed_byte_is_a_different_set(
    cli: Run, cache: Path, make_dataset: Callable[..., Path]
) -> None:
    root = make_dataset()
    _, before, _ = cli("--data", str(root), "table", "--countries", "THA")
    assert "ratified 2005-05-05" in before
    csv = root / "participations.csv"
    csv.write_text(csv.read_text().replace("2005-05-05", "2005-05-06"))
    _, after, _ = cli("--data", str(root), "table", "--countries", "THA")
    assert "ratified 2005-05-06" in after
    assert len(snapshots(cache)) == 2


def test_invalid_data_is_never_stored(
    cli: Run, cache: Path, make_dataset: Callable[..., Path]
) -> None:
    root = make_dataset(participations_csv=PARTICIPATIONS + "THA,CONV,ratifcation,2006-01-01,s1,\n")
    for _ in range(2):  # reported every time: nothing hides the problem
        code, out, err = cli("--data", str(root), "table")
        assert (code, out) == (1, "")
        assert "participations.csv:5: unknown action 'ratifcation'" in err
    assert snapshots(cache) == []


def test_off_switches(
    cli: Run, cache: Path, make_dataset: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_dataset()
    assert cli("--data", str(root), "--no-cache", "table")[0] == 0
    monkeypatch.setenv("GMSPOLICY_CACHE", "0")
    assert cli("--data", str(root), "table")[0] == 0
    assert snapshots(cache) == []
    # the library reads the files unless asked to use the cache
    monkeypatch.delenv("GMSPOLICY_CACHE")
    load_dataset(root)
    assert snapshots(cache) == []
    load_dataset(root, cache=True)
    assert len(snapshots(cache)) == 1


def test_a_snapshot_is_trusted_only_if_no_one_else_could_write_it(
    cli: Run, cache: Path, make_dataset: Callable[..., Path]
) -> None:
    root = make_dataset()
    # A planted snapshot (here: a set with Laos's row gone) under the right name...
    other = make_dataset(participations_csv=PARTICIPATIONS.replace("LAO,CONV", "THA,PROT"))
    planted = load_dataset(other)
    root = make_dataset()  # back to the real files
    cache.mkdir(mode=0o700)
    path = cache / f"{key(root)}.pickle"
    path.write_bytes(_snapshot_bytes(planted))
    # ...is used when only this user could have written it (that is what a hit is)...
    os.chmod(path, 0o600)
    assert "no action (as of" not in cli("--data", str(root), "table", "--countries", "LAO")[1]
    # ...and ignored when the group or others may write the file or the folder.
    os.chmod(path, 0o664)
    assert "no action (as of 2020-01-01)" in cli("--data", str(root), "table", "-c", "LAO")[1]
    os.chmod(path, 0o600)
    os.chmod(cache, 0o777)
    assert "no action (as of 2020-01-01)" in cli("--data", str(root), "table", "-c", "LAO")[1]


def _snapshot_bytes(pset: gmspolicy.query.policyset.PolicySet) -> bytes:
    buffer = io.BytesIO()
    snapshot._write(buffer, pset)
    return buffer.getvalue()


def test_a_snapshot_reads_the_participations_only_when_asked(
    make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    pset = load_dataset(make_dataset())
    path = tmp_path / "snap.pickle"
    path.write_bytes(_snapshot_bytes(pset))
    with path.open("rb") as fh:
        restored = snapshot._read(fh)
    path.unlink()  # read later from the file still open, whatever happens to its name
    assert restored is not None
    # a table as of the latest facts comes from the derived cells alone...
    m = restored.matrix(["THA", "LAO"], ["CONV"])
    assert [m.cell(c, "CONV").kind.value for c in ("THA", "LAO")] == ["party", "no_action"]
    assert isinstance(restored._parts, gmspolicy.query.policyset._Deferred)
    # ...and everything else is as it was, once read
    assert restored == pset
    assert restored.places == pset.places
    assert restored.matrix(["THA", "LAO"], ["CONV"], as_of=None).cells.keys() == m.cells.keys()
    assert [restored.status(c, "CONV") for c in ("THA", "LAO")] == [
        pset.status(c, "CONV") for c in ("THA", "LAO")
    ]
    # a restored set pickles (for another process) as its records
    assert pickle.loads(pickle.dumps(restored)) == pset


@pytest.mark.parametrize("cut", ["bulk", "head", "more"])
def test_a_snapshot_with_a_damaged_part_is_replaced(
    cut: str, cli: Run, cache: Path, make_dataset: Callable[..., Path]
) -> None:
    root = make_dataset()
    data = bytearray(_snapshot_bytes(load_dataset(root)))
    size = int.from_bytes(data[:8], "big")
    if cut == "bulk":
        data = data[: 8 + size // 2]
    elif cut == "head":
        data = data[:-10]
    else:  # something after the head
        data += b"\x00"
    cache.mkdir(mode=0o700)
    path = cache / f"{key(root)}.pickle"
    path.write_bytes(bytes(data))
    os.chmod(path, 0o600)
    code, out, err = cli("--data", str(root), "table", "-c", "LAO")
    assert (code, err) == (0, "")
    assert "no action (as of 2020-01-01)" in out
    with path.open("rb") as fh:
        assert snapshot._read(fh) is not None  # replaced by a sound one


def test_a_damaged_snapshot_is_replaced(
    cli: Run, cache: Path, make_dataset: Callable[..., Path]
) -> None:
    root = make_dataset()
    cache.mkdir(mode=0o700)
    path = cache / f"{key(root)}.pickle"
    path.write_bytes(b"\x80\x05not a pickle")
    os.chmod(path, 0o600)
    code, out, err = cli("--data", str(root), "table", "-c", "LAO")
    assert (code, err) == (0, "")
    assert "no action (as of 2020-01-01)" in out
    with path.open("rb") as fh:
        assert isinstance(snapshot._read(fh), gmspolicy.query.policyset.PolicySet)


def test_files_changed_while_reading_are_not_stored(
    cache: Path, make_dataset: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_dataset()
    real = gmspolicy.dataset._reader.read_dataset

    def edited_meanwhile(*args: object, **kwargs: object) -> object:
        pset = real(*args, **kwargs)  # type: ignore[arg-type]
        csv = root / "participations.csv"
        csv.write_text(csv.read_text() + "LAO,PROT,no_action,2020-01-01,s2,\n")
        return pset

    monkeypatch.setattr(gmspolicy.dataset._reader, "read_dataset", edited_meanwhile)
    snapshot.cached_load(root)
    assert snapshots(cache) == []


def test_only_the_most_recent_are_kept(
    cache: Path, make_dataset: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "KEEP", 2)
    for n in range(4):
        root = make_dataset(
            participations_csv=PARTICIPATIONS.replace("2020-01-01", f"201{n}-01-01")
        )
        snapshot.cached_load(root)
    assert len(snapshots(cache)) == 2
    assert snapshot.clear() == 2
    assert snapshots(cache) == []


def test_only_snapshot_files_are_ever_removed(
    cache: Path, make_dataset: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "KEEP", 1)
    cache.mkdir(mode=0o700)
    mine = [cache / "model.pickle", cache / ("0" * 63 + ".pickle"), cache / "notes.txt"]
    for path in mine:
        path.write_text("the user's own file")
    old_temp = cache / ".snapshot-abc123.tmp"
    new_temp = cache / ".snapshot-def456.tmp"
    for path in (old_temp, new_temp):
        path.write_text("")
    os.utime(old_temp, (1, 1))  # left by a run interrupted long ago
    for n in range(3):
        root = make_dataset(
            participations_csv=PARTICIPATIONS.replace("2020-01-01", f"201{n}-01-01")
        )
        snapshot.cached_load(root)
    assert all(path.exists() for path in mine)
    assert not old_temp.exists() and new_temp.exists()
    assert len(snapshots(cache)) == 3  # KEEP=1 real snapshot, and the two foreign .pickle files
    assert snapshot.clear() == 2  # one snapshot and the fresh temp file
    assert all(path.exists() for path in mine)


def test_a_cache_that_cannot_be_used_only_turns_itself_off(
    cli: Run, make_dataset: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_dataset()
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    monkeypatch.setenv("GMSPOLICY_CACHE_DIR", str(not_a_dir))
    code, out, err = cli("--data", str(root), "table", "-c", "LAO")
    assert (code, err) == (0, "")
    assert "no action (as of 2020-01-01)" in out


def test_a_file_where_a_folder_belongs_is_reported_even_after_a_snapshot(
    cli: Run, cache: Path, make_dataset: Callable[..., Path]
) -> None:
    root = make_dataset()
    assert cli("--data", str(root), "table")[0] == 0
    assert len(snapshots(cache)) == 1
    (root / "events").write_text("")
    assert cli("--data", str(root), "table") == (
        1,
        "",
        "data/events: expected a directory, found a file\n",
    )


def test_an_interrupted_write_leaves_no_temporary_file(
    cache: Path, make_dataset: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_dataset()

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pickle, "dump", interrupted)
    with pytest.raises(KeyboardInterrupt):
        snapshot.cached_load(root)
    assert list(cache.iterdir()) == []


def test_the_readers_and_the_fingerprint_list_the_same_kinds() -> None:
    from gmspolicy.dataset._files import YAML_KIND_NAMES
    from gmspolicy.dataset._reader import YAML_KINDS

    assert tuple(YAML_KINDS) == YAML_KIND_NAMES


def test_the_cache_command_shows_and_clears(
    cli: Run, cache: Path, make_dataset: Callable[..., Path]
) -> None:
    assert cli("cache") == (0, f"{cache}: 0 snapshots, 0.0 MB\n", "")
    assert cli("--data", str(make_dataset()), "table")[0] == 0
    code, out, _ = cli("cache")
    assert (code, out.startswith(f"{cache}: 1 snapshots, ")) == (0, True)
    assert cli("cache", "--clear") == (0, f"removed 1 snapshots from {cache}\n", "")
    assert snapshots(cache) == []


def test_a_snapshot_changed_in_place_while_in_use_is_refused(
    make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    from gmspolicy.errors import UsageError

    path = tmp_path / "snap.pickle"
    path.write_bytes(_snapshot_bytes(load_dataset(make_dataset())))
    with path.open("rb") as fh:
        restored = snapshot._read(fh)
    assert restored is not None
    with path.open("r+b") as fh:  # the same file, one byte of the bulk changed
        fh.seek(9)
        byte = fh.read(1)
        fh.seek(9)
        fh.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(UsageError) as err:
        restored.participations  # noqa: B018 - reading it is the point
    assert str(err.value) == (
        "the cached snapshot was damaged, or changed while it was in use; it is "
        "removed: run the command again"
    )


def test_a_snapshot_with_a_damaged_bulk_is_removed_when_the_bulk_is_read(
    cli: Run, cache: Path, make_dataset: Callable[..., Path]
) -> None:
    """The bulk is checked when a query reads it (a table as of today does not): one
    that fails its hash says so once, is removed, and the next run stores a sound one."""
    root = make_dataset()
    data = bytearray(_snapshot_bytes(load_dataset(root)))
    size = int.from_bytes(data[:8], "big")
    data[8 + size // 2] ^= 0xFF  # one byte of the bulk: its hash in the head fails
    cache.mkdir(mode=0o700)
    path = cache / f"{key(root)}.pickle"
    path.write_bytes(bytes(data))
    os.chmod(path, 0o600)
    code, out, _ = cli("--data", str(root), "table", "-c", "LAO")  # as of today
    assert (code, "no action (as of 2020-01-01)" in out) == (0, True)
    assert path.exists()
    code, out, err = cli("--data", str(root), "show", "LAO")  # needs the actions
    assert (code, out) == (2, "")
    assert err == (
        "error: the cached snapshot was damaged, or changed while it was in use; it is "
        "removed: run the command again\n"
    )
    assert not path.exists()
    code, out, err = cli("--data", str(root), "show", "LAO")
    assert (code, err) == (0, "")
    with path.open("rb") as fh:
        restored = snapshot._read(fh)
    assert restored is not None and restored.participations  # sound again
