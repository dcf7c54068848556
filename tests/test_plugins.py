"""The plugin registry: entry points, duplicates, broken plugins, --plugins-dir, laziness."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from gmspolicy import plugins
from gmspolicy._version import __version__
from gmspolicy.errors import PluginError
from gmspolicy.loaders import LoadContext
from gmspolicy.plugins import exporters, loaders, run_loader
from gmspolicy.testing import small_reference

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(autouse=True)
def fresh_registries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plugins, "_registries", {})


def fake_dist(
    root: Path, monkeypatch: pytest.MonkeyPatch, name: str, entry_points: str, module: str
) -> None:
    """Install a fake distribution (dist-info + module) on sys.path."""
    info = root / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    (root / f"{name}.py").write_text(textwrap.dedent(module))
    monkeypatch.syspath_prepend(str(root))


def test_builtins_register_through_entry_points() -> None:
    infos = {(i.kind, i.name): i for i in exporters().infos() + loaders().infos()}
    assert infos[("exporter", "json")].origin == f"gmspolicy {__version__}"
    assert infos[("exporter", "markdown")].origin == f"gmspolicy {__version__}"
    assert infos[("loader", "untc")].origin == "gmspolicy-untc 0.1.0"
    assert {"untc", "ohchr", "normlex", "csv"} <= set(loaders().names())


def test_duplicate_names_are_listed_as_failed_naming_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Run
) -> None:
    fake_dist(
        tmp_path,
        monkeypatch,
        "dupjson",
        """\
        [gmspolicy.exporters]
        json = dupjson:Json
        """,
        """\
        class Json:
            name = "json"
            description = "another json"
            binary = False
            views = frozenset({"dataset"})
            def render(self, view):
                return "{}"
        """,
    )
    both = f"two exporters are named 'json': one from dupjson 1.0, one from gmspolicy {__version__}"
    assert "json" in exporters().names()
    with pytest.raises(PluginError) as err:
        exporters().get("json")
    assert str(err.value) == both
    monkeypatch.setattr(plugins, "_registries", {})
    code, out, stderr = cli("plugins")
    assert (code, stderr) == (0, "")
    assert f"exporter\tjson\tdupjson 1.0\tFAILED: {both}\n" in out
    assert f"exporter\tjson\tgmspolicy {__version__}\tFAILED: {both}\n" in out
    assert f"exporter\tmarkdown\tgmspolicy {__version__}\tok\n" in out
    code, _, stderr = cli("export", "--format", "json")
    assert (code, stderr) == (1, f"error: {both}\n")


def test_broken_plugin_is_listed_and_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Run, make_dataset: Callable[..., Path]
) -> None:
    fake_dist(
        tmp_path / "site",
        monkeypatch,
        "brokenplug",
        """\
        [gmspolicy.loaders]
        broken = brokenplug:Loader
        """,
        'raise RuntimeError("boom at import")\n',
    )
    code, out, _ = cli("plugins")
    assert code == 0
    assert "loader\tbroken\tbrokenplug 1.0\tFAILED: RuntimeError: boom at import\n" in out
    assert "loader\tuntc\tgmspolicy-untc 0.1.0\tok\n" in out
    code, out, _ = cli("--data", str(make_dataset()), "table")
    assert code == 0 and out.startswith("# Ratification")
    code, _, err = cli("load", "broken", "x.xml")
    assert (code, err) == (
        1,
        "error: loader 'broken' from brokenplug 1.0 failed to load: RuntimeError: boom at import\n",
    )


EXPORTERS_PY = """\
class Boom:
    name = "boom"
    description = "raises"
    binary = False
    views = frozenset({"dataset"})
    def render(self, view):
        raise ValueError("kaboom")


class Bytesy:
    name = "bytesy"
    description = "returns the wrong type"
    binary = False
    views = frozenset({"dataset"})
    def render(self, view):
        return b"bytes"


class Plain:
    name = "plain"
    description = "counts records"
    binary = False
    views = frozenset({"dataset"})
    def render(self, view):
        return f"{len(view.pset.participations)} participations\\n"


EXPORTERS = [Boom, Bytesy, Plain]
"""


def test_plugins_dir_and_misbehaving_exporters(
    tmp_path: Path, cli: Run, make_dataset: Callable[..., Path]
) -> None:
    data = str(make_dataset())
    pdir = tmp_path / "myplugins"
    pdir.mkdir()
    (pdir / "mine.py").write_text(EXPORTERS_PY)
    (pdir / "notes.py").write_text("X = 1\n")  # no EXPORTERS/LOADERS: ignored
    out_file = tmp_path / "out.txt"
    out_file.write_text("old content")
    base = ("--data", data, "--plugins-dir", str(pdir), "export")
    assert cli(*base, "--format", "plain") == (0, "2 participations\n", "")
    assert cli(*base, "--format", "boom", "-o", str(out_file)) == (
        1,
        "",
        "error: exporter 'boom' failed: ValueError: kaboom\n",
    )
    assert cli(*base, "--format", "bytesy", "-o", str(out_file)) == (
        1,
        "",
        "error: exporter 'bytesy' returned bytes, expected str\n",
    )
    assert out_file.read_text() == "old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "myplugins", "out.txt"]
    _, out, _ = cli("--plugins-dir", str(pdir), "plugins")
    assert f"exporter\tplain\t{pdir / 'mine.py'}\tok\n" in out


def test_plugins_dir_loader_that_crashes_or_returns_the_wrong_type(tmp_path: Path) -> None:
    pdir = tmp_path / "p"
    pdir.mkdir()
    (pdir / "loaders_here.py").write_text(
        textwrap.dedent(
            """\
            class Crashy:
                name = "crashy"
                description = "divides by zero"
                options = {}
                def load(self, location, options, context):
                    return 1 / 0


            class Wrong:
                name = "wrong"
                description = "returns a dict"
                options = {}
                def load(self, location, options, context):
                    return {"participations": []}


            LOADERS = [Crashy, Wrong]
            """
        )
    )
    reg = loaders(pdir)
    context = LoadContext(reference=small_reference(("THA",)))
    with pytest.raises(PluginError) as err:
        run_loader(reg.get("crashy"), "x", {}, context)
    assert str(err.value) == "x: loader 'crashy' failed: ZeroDivisionError: division by zero"
    with pytest.raises(PluginError) as err:
        run_loader(reg.get("wrong"), "x", {}, context)
    assert str(err.value) == "loader 'wrong' returned dict, expected LoadResult"


def test_plugins_dir_must_exist(cli: Run, tmp_path: Path) -> None:
    code, _, err = cli("--plugins-dir", str(tmp_path / "nope"), "plugins")
    assert (code, err) == (2, f"{tmp_path / 'nope'}: plugins directory does not exist\n")


def test_plugins_are_not_imported_with_gmspolicy() -> None:
    code = (
        "import sys, gmspolicy, gmspolicy.cli, gmspolicy.plugins\n"
        "gmspolicy.load_dataset()\n"
        "contract = {'gmspolicy.exporters', 'gmspolicy.exporters.contract'}\n"
        "print(sorted(m for m in sys.modules if m.startswith(('gmspolicy_', "
        "'gmspolicy.exporters')) and m not in contract))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout == "[]\n"
