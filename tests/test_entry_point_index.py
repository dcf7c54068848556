"""The entry-point index: the command line finds exporters and loaders without a scan
through importlib.metadata when nothing installed changed, and sees every change."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gmspolicy import _entry_points, plugins
from gmspolicy._entry_points import GROUPS, INDEX_NAME, entry_points
from gmspolicy._version import __version__

Run = Callable[..., tuple[int, str, str]]

#: Run in a child process: the exporters the index gives, and whether a scan was needed.
CHILD = """\
import json, sys
from gmspolicy._entry_points import entry_points
found = [[e.name, e.value, e.origin] for g in {groups!r} for e in entry_points(g, index=True)]
print(json.dumps({{"found": found, "scanned": "importlib.metadata" in sys.modules}}))
"""

OLD = time.time_ns() - 3600 * 10**9  # an hour ago: not racy


@pytest.fixture(autouse=True)
def fresh_registries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plugins, "_registries", {})


def age(*paths: Path) -> None:
    """Give ``paths`` (and what is in them) a time an hour ago."""
    for path in paths:
        for p in [path, *path.rglob("*")] if path.is_dir() else [path]:
            os.utime(p, ns=(OLD, OLD))


def install(site: Path, name: str, entry_points_txt: str, *, settled: bool = True) -> Path:
    """A distribution NAME 1.0 in ``site`` (dist-info and module)."""
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points_txt))
    (site / f"{name}.py").write_text(
        textwrap.dedent(
            """\
            class Json:
                name = "json"
                description = "another json"
                binary = False
                views = frozenset({"dataset"})
                def render(self, view):
                    return "{}"
            """
        )
    )
    if settled:
        age(info, site / f"{name}.py")
    return info


def child(site: Path, cache: Path, cwd: Path) -> dict[str, object]:
    env = {**os.environ, "GMSPOLICY_CACHE_DIR": str(cache), "PYTHONPATH": str(site)}
    env.pop("GMSPOLICY_CACHE", None)
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(groups=GROUPS)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=True,
    ).stdout
    result: dict[str, object] = json.loads(out)
    return result


def test_the_pattern_is_importlib_metadata_s() -> None:
    from importlib.metadata import EntryPoint

    assert _entry_points.PATTERN.pattern == EntryPoint.pattern.pattern


def test_the_index_gives_what_a_scan_gives(cache: Path) -> None:
    def rows(index: bool) -> list[tuple[object, ...]]:
        return [
            (e.group, e.name, e.value, e.origin, e.package, e.version)
            for g in GROUPS
            for e in entry_points(g, index=index)
        ]

    scanned = rows(False)
    assert ("gmspolicy.exporters", "json") in {r[:2] for r in scanned}
    assert rows(True) == scanned  # a scan, stored
    assert rows(True) == scanned  # the index


def test_a_second_run_does_not_scan_and_every_install_is_seen(tmp_path: Path, cache: Path) -> None:
    site, cwd = tmp_path / "site", tmp_path / "work"
    cwd.mkdir()
    install(site, "extra", "[gmspolicy.exporters]\nextra = extra:Json\n")
    age(site, cwd)
    first = child(site, cache, cwd)
    assert first["scanned"] is True
    assert ["extra", "extra:Json", "extra 1.0"] in first["found"]  # type: ignore[operator]
    assert (cache / INDEX_NAME).is_file()
    second = child(site, cache, cwd)
    assert second == {"found": first["found"], "scanned": False}

    # installing a distribution with a clashing name: scanned, and both are there
    install(site, "dupjson", "[gmspolicy.exporters]\njson = dupjson:Json\n")
    third = child(site, cache, cwd)
    assert third["scanned"] is True
    names = [f[0] for f in third["found"]]  # type: ignore[attr-defined]
    assert names.count("json") == 2
    assert child(site, cache, cwd)["scanned"] is False

    # an entry_points.txt edited in place (same size, same directory): seen
    ep = site / "extra-1.0.dist-info" / "entry_points.txt"
    ep.write_text(ep.read_text().replace("extra = extra:Json", "extrb = extra:Json"))
    fourth = child(site, cache, cwd)
    assert fourth["scanned"] is True
    assert ["extrb", "extra:Json", "extra 1.0"] in fourth["found"]  # type: ignore[operator]

    # uninstalling: gone
    for path in sorted((site / "dupjson-1.0.dist-info").iterdir()):
        path.unlink()
    (site / "dupjson-1.0.dist-info").rmdir()
    fifth = child(site, cache, cwd)
    assert fifth["scanned"] is True
    assert [f[0] for f in fifth["found"]].count("json") == 1  # type: ignore[attr-defined]


def test_each_way_of_starting_python_keeps_its_own_entry(tmp_path: Path, cache: Path) -> None:
    site, other, cwd = tmp_path / "site", tmp_path / "other", tmp_path / "work"
    cwd.mkdir()
    other.mkdir()
    install(site, "extra", "[gmspolicy.exporters]\nextra = extra:Json\n")
    age(site, other, cwd)
    assert child(site, cache, cwd)["scanned"] is True
    assert child(other, cache, cwd)["scanned"] is True
    for _ in range(2):  # alternating: both stay
        assert child(site, cache, cwd)["scanned"] is False
        assert child(other, cache, cwd)["scanned"] is False
    keys = json.loads((cache / INDEX_NAME).read_text())["keys"]
    assert len(keys) == 2


def test_a_distribution_written_just_now_is_not_stored(tmp_path: Path, cache: Path) -> None:
    site, cwd = tmp_path / "site", tmp_path / "work"
    cwd.mkdir()
    install(site, "fresh", "[gmspolicy.loaders]\nfresh = fresh:Json\n", settled=False)
    assert child(site, cache, cwd)["scanned"] is True
    assert not (cache / INDEX_NAME).exists()
    assert child(site, cache, cwd)["scanned"] is True


def test_an_index_anyone_else_could_write_or_a_damaged_one_is_not_used(
    tmp_path: Path, cache: Path
) -> None:
    site, cwd = tmp_path / "site", tmp_path / "work"
    cwd.mkdir()
    install(site, "extra", "[gmspolicy.exporters]\nextra = extra:Json\n")
    age(site, cwd)
    good = child(site, cache, cwd)
    index = cache / INDEX_NAME
    # a planted entry under the right key, in a file others may write: not used
    data = json.loads(index.read_text())
    [(key, groups)] = data["keys"].items()
    groups["gmspolicy.exporters"].append(["evil", "os:system", "evil 1.0", "evil", "1.0"])
    index.write_text(json.dumps(data))
    index.chmod(0o666)
    assert child(site, cache, cwd) == {"found": good["found"], "scanned": True}
    assert stat.S_IMODE(index.stat().st_mode) == 0o600  # replaced
    assert "evil" not in index.read_text()
    for damaged in (
        "{",
        "[]",
        '{"format": 1, "keys": []}',
        json.dumps({"format": 1, "keys": {key: {}}}),
        json.dumps({"format": 1, "keys": {key: {g: [["a", "b"]] for g in GROUPS}}}),
        json.dumps({"format": 1, "keys": {key: {g: [[1, "b", "c", None, None]] for g in GROUPS}}}),
    ):
        index.write_text(damaged)
        assert child(site, cache, cwd) == {"found": good["found"], "scanned": True}
        assert child(site, cache, cwd) == {"found": good["found"], "scanned": False}


def test_the_command_line_keeps_no_index_without_the_cache(
    cli: Run, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("--no-cache", "plugins")[0] == 0
    monkeypatch.setenv("GMSPOLICY_CACHE", "0")
    assert cli("plugins")[0] == 0
    assert not (cache / INDEX_NAME).exists()
    # the library scans unless asked
    monkeypatch.delenv("GMSPOLICY_CACHE")
    assert "json" in plugins.exporters().names()
    assert not (cache / INDEX_NAME).exists()
    code, out, _ = cli("plugins")
    assert code == 0 and "exporter\tjson\t" in out
    assert (cache / INDEX_NAME).is_file()


def test_a_clashing_name_is_caught_through_the_index(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, cli: Run
) -> None:
    site = tmp_path / "site"
    install(site, "dupjson", "[gmspolicy.exporters]\njson = dupjson:Json\n")
    age(site)
    monkeypatch.syspath_prepend(str(site))
    both = f"two exporters are named 'json': one from dupjson 1.0, one from gmspolicy {__version__}"
    for _ in range(2):  # a scan, then the index
        monkeypatch.setattr(plugins, "_registries", {})
        assert cli("export", "--format", "json") == (1, "", f"error: {both}\n")
    assert (cache / INDEX_NAME).is_file()
