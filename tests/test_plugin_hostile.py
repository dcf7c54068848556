"""Plugins cannot take the CLI down or fake success (issue 14.7), and `gmspolicy plugins`
shows what each plugin does (issue 15.8).

A plugin that exits, raises any BaseException, has a name that is not a string, breaks
the contract's types or returns objects of the wrong types is listed as failed; the
command goes on without it, or fails with one line naming it. Never exit 0 with nothing
printed, never a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gmspolicy import plugins
from gmspolicy.plugins import loaders

Run = Callable[..., tuple[int, str, str]]

HOSTILE_IMPORTS = {
    "exits.py": "import sys\nsys.exit(0)\n",
    "exits3.py": "raise SystemExit(3)\n",
    "baseexc.py": "class Odd(BaseException):\n    pass\nraise Odd('not an Exception')\n",
    "multiline.py": "raise ValueError('line one\\nline two\\x1b[31m red')\n",
}

HOSTILE_LOADERS = """\
import datetime as dt
import sys

from gmspolicy.loaders import LoadResult
from gmspolicy.models import Action, ActionKind, Participation


def ratified(country="THA", sources=("s1",)):
    action = Action(ActionKind.RATIFICATION, dt.date(2005, 5, 5), ("s1",))
    object.__setattr__(action, "sources", sources)  # past any converter, as a bad loader may
    part = Participation("THA", "CONV", (action,))
    object.__setattr__(part, "country", country)
    return part


def result(context, **changes):
    # the source: the reference dataset's own s1 (a valid Source whatever fields it has)
    fields = {"participations": (ratified(),), "sources": (context.reference.sources[0],)}
    fields.update(changes)
    return LoadResult(**fields)


class Base:
    description = "hostile"
    options = {}


class Exiter(Base):
    name = "exiter"
    def load(self, location, options, context):
        sys.exit(0)


class Interrupter(Base):
    name = "generator-exit"
    def load(self, location, options, context):
        raise GeneratorExit("odd")


class Crashy(Base):
    name = "crashy"
    def load(self, location, options, context):
        raise KeyError("missing column")


class DictRows(Base):
    name = "dict-rows"
    def load(self, location, options, context):
        return result(context, participations=({"country": "THA"},))


class IntCountry(Base):
    name = "int-country"
    def load(self, location, options, context):
        return result(context, participations=(ratified(country=764),))


class IntSource(Base):
    name = "int-source"
    def load(self, location, options, context):
        return result(context, participations=(ratified(sources=(1,)),))


class ListSources(Base):
    name = "list-sources"
    def load(self, location, options, context):
        return result(context, sources=list(context.reference.sources[:1]))


class BytesWarning_(Base):
    name = "bytes-warning"
    def load(self, location, options, context):
        return result(context, warnings=(b"bytes",))


class Noisy(Base):
    name = "noisy"
    def load(self, location, options, context):
        return result(context, warnings=("two\\nlines \\x1b[2J and a clear-screen",))


class NumberName(Base):
    name = 42
    def load(self, location, options, context):
        return result(context)


class BadOptions(Base):
    name = "bad-options"
    options = {"x": 1}
    def load(self, location, options, context):
        return result(context)


class Fine(Base):
    name = "fine"
    description = "loads one ratification"
    options = {"unknown": "error or skip", "source_url": "where it was published"}
    def load(self, location, options, context):
        return result(context)


LOADERS = [Exiter, Interrupter, Crashy, DictRows, IntCountry, IntSource, ListSources,
           BytesWarning_, Noisy, NumberName, BadOptions, Fine]
"""

HOSTILE_EXPORTERS = """\
import sys


class Base:
    description = "hostile"
    binary = False
    views = frozenset({"table", "dataset"})


class ExitsOk(Base):
    name = "exits-ok"
    def render(self, view):
        sys.exit(0)


class Raises(Base):
    name = "raises-base"
    def render(self, view):
        raise BaseException("very odd")


class StrViews(Base):
    name = "str-views"
    views = "table"
    def render(self, view):
        return ""


class NoneName(Base):
    name = None
    def render(self, view):
        return ""


EXPORTERS = [ExitsOk, Raises, StrViews, NoneName]
"""


@pytest.fixture(autouse=True)
def fresh_registries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plugins, "_registries", {})


@pytest.fixture
def pdir(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    for name, text in HOSTILE_IMPORTS.items():
        (folder / name).write_text(text)
    (folder / "loaders_mod.py").write_text(HOSTILE_LOADERS)
    (folder / "exporters_mod.py").write_text(HOSTILE_EXPORTERS)
    return folder


def listing(out: str) -> dict[tuple[str, str], str]:
    """(kind, name) -> status column of `gmspolicy plugins`."""
    rows = [line.split("\t") for line in out.splitlines() if not line.startswith("    ")]
    return {(r[0], r[1]): r[3] for r in rows}


def test_plugins_that_exit_or_raise_at_import_are_listed_as_failed(pdir: Path, cli: Run) -> None:
    code, out, err = cli("--plugins-dir", str(pdir), "plugins")
    assert (code, err) == (0, "")
    status = listing(out)
    exits = "FAILED: SystemExit (the plugin called sys.exit)"
    assert status[("exporter", "exits")] == f"{exits}: 0"
    assert status[("exporter", "exits3")] == f"{exits}: 3"
    assert status[("exporter", "baseexc")] == "FAILED: Odd: not an Exception"
    assert status[("exporter", "multiline")] == "FAILED: ValueError: line one line two [31m red"
    assert status[("loader", "exits")] == f"{exits}: 0"
    assert status[("exporter", "markdown")] == "ok"
    assert status[("loader", "fine")] == "ok"
    assert "Traceback" not in out


def test_contract_types_are_checked_when_a_plugin_loads(pdir: Path, cli: Run) -> None:
    code, out, err = cli("--plugins-dir", str(pdir), "plugins")
    assert (code, err) == (0, "")
    status = listing(out)
    assert status[("loader", "loaders_mod:NumberName")] == (
        "FAILED: its name must be a non-empty string, not 42"
    )
    assert status[("exporter", "exporters_mod:NoneName")] == (
        "FAILED: its name must be a non-empty string, not None"
    )
    assert status[("loader", "bad-options")] == (
        "FAILED: TypeError: options['x']: expected str, got int"
    )
    assert status[("exporter", "str-views")] == (
        "FAILED: TypeError: views: expected a frozenset, got str"
    )


@pytest.mark.parametrize(
    ("loader", "message"),
    [
        ("exiter", "LOC: loader 'exiter' failed: SystemExit (the plugin called sys.exit): 0"),
        ("generator-exit", "LOC: loader 'generator-exit' failed: GeneratorExit: odd"),
        ("crashy", "LOC: loader 'crashy' failed: KeyError: 'missing column'"),
        (
            "dict-rows",
            "error: loader 'dict-rows' returned a malformed result: "
            "result.participations[0]: expected Participation, got dict",
        ),
        (
            "int-country",
            "error: loader 'int-country' returned a malformed result: "
            "result.participations[0].country: expected str, got int",
        ),
        (
            "int-source",
            "error: loader 'int-source' returned a malformed result: "
            "result.participations[0].actions[0].sources[0]: expected str, got int",
        ),
        (
            "list-sources",
            "error: loader 'list-sources' returned a malformed result: "
            "result.sources: expected a tuple, got list",
        ),
        (
            "bytes-warning",
            "error: loader 'bytes-warning' returned a malformed result: "
            "result.warnings[0]: expected str, got bytes",
        ),
    ],
)
@pytest.mark.parametrize("command", ["load", "fetch"])
def test_a_hostile_loader_fails_the_command_with_one_line_naming_it(
    loader: str,
    message: str,
    command: str,
    pdir: Path,
    cli: Run,
    make_dataset: Callable[..., Path],
    tmp_path: Path,
) -> None:
    root = make_dataset()
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    location = str(tmp_path / "sheet.csv")
    args = ["--data", str(root), "--plugins-dir", str(pdir), command, loader, location]
    if command == "fetch":
        args += ["--into", str(root)]
    code, out, err = cli(*args)
    # a path in the line is its place: no "error: " prefix then
    assert (code, out, err) == (1, "", message.replace("LOC", location) + "\n")
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before


def test_the_good_loader_beside_the_hostile_ones_still_works(
    pdir: Path, cli: Run, make_dataset: Callable[..., Path]
) -> None:
    root = str(make_dataset())
    code, out, err = cli(
        "--data", root, "--plugins-dir", str(pdir), "load", "fine", "x", "--format", "csv"
    )
    assert (code, err) == (0, "")
    assert "THA" in out and "ratification" in out


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        (
            "exits-ok",
            "error: exporter 'exits-ok' failed: SystemExit (the plugin called sys.exit): 0",
        ),
        ("raises-base", "error: exporter 'raises-base' failed: BaseException: very odd"),
        (
            "str-views",
            "error: exporter 'str-views' from PDIR/exporters_mod.py failed to load: "
            "TypeError: views: expected a frozenset, got str",
        ),
    ],
)
def test_a_hostile_exporter_fails_the_command_with_one_line_naming_it(
    fmt: str, message: str, pdir: Path, cli: Run, make_dataset: Callable[..., Path]
) -> None:
    root = str(make_dataset())
    code, out, err = cli("--data", root, "--plugins-dir", str(pdir), "table", "--format", fmt)
    expected = message.replace("PDIR", str(pdir))
    if "PDIR" in message:  # the line names a file: that is its place
        expected = expected.removeprefix("error: ")
    assert (code, out, err) == (1, "", expected + "\n")


def test_exit_in_a_plugin_never_reaches_the_shell_as_success(
    pdir: Path, make_dataset: Callable[..., Path]
) -> None:
    root = str(make_dataset())
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "gmspolicy",
            "--data",
            root,
            "--plugins-dir",
            str(pdir),
            "table",
            "--format",
            "exits-ok",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == (
        "error: exporter 'exits-ok' failed: SystemExit (the plugin called sys.exit): 0\n"
    )


def test_plugins_lists_descriptions_and_options(pdir: Path, cli: Run) -> None:
    code, out, err = cli("--plugins-dir", str(pdir), "plugins")
    assert (code, err) == (0, "")
    fine = out[out.index("loader\tfine\t") :].splitlines()[:4]
    assert fine == [
        f"loader\tfine\t{pdir / 'loaders_mod.py'}\tok",
        "    loads one ratification",
        "    --opt unknown=...: error or skip",
        "    --opt source_url=...: where it was published",
    ]


def test_plugins_json_is_a_list_of_objects(pdir: Path, cli: Run) -> None:
    code, out, err = cli("--plugins-dir", str(pdir), "plugins", "--json")
    assert (code, err) == (0, "")
    listed = json.loads(out)
    keys = {
        "kind",
        "name",
        "package",
        "version",
        "origin",
        "status",
        "error",
        "description",
        "options",
    }
    assert all(set(item) == keys for item in listed)
    by_name = {(i["kind"], i["name"]): i for i in listed}
    assert by_name[("loader", "fine")] == {
        "kind": "loader",
        "name": "fine",
        "package": None,
        "version": None,
        "origin": str(pdir / "loaders_mod.py"),
        "status": "ok",
        "error": None,
        "description": "loads one ratification",
        "options": {"unknown": "error or skip", "source_url": "where it was published"},
    }
    untc = by_name[("loader", "untc")]
    assert (untc["package"], untc["status"], untc["error"]) == ("gmspolicy-untc", "ok", None)
    assert untc["options"] == dict(loaders().get("untc").options)
    exits = by_name[("exporter", "exits")]
    assert (exits["status"], exits["description"], exits["options"]) == ("failed", None, {})
    assert exits["error"] == "SystemExit (the plugin called sys.exit): 0"


def test_a_plugin_dir_loader_may_not_take_an_installed_name(tmp_path: Path, cli: Run) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "mine.py").write_text(
        "class Csv:\n    name = 'csv'\n    description = 'mine'\n    options = {}\n"
        "    def load(self, location, options, context):\n        return None\n"
        "LOADERS = [Csv]\n"
    )
    code, out, err = cli("--plugins-dir", str(folder), "plugins")
    assert (code, err) == (0, "")
    both = (
        f"two loaders are named 'csv': one from gmspolicy-csvsheet 0.1.0, "
        f"one from {folder / 'mine.py'}"
    )
    assert f"loader\tcsv\tgmspolicy-csvsheet 0.1.0\tFAILED: {both}\n" in out
    assert f"loader\tcsv\t{folder / 'mine.py'}\tFAILED: {both}\n" in out
    assert "loader\tuntc\tgmspolicy-untc 0.1.0\tok\n" in out


CHATTY = """\
print("hello from the import")


class Chatty:
    name = "chatty"
    description = "prints while it works"
    binary = False
    views = frozenset({"dataset"})

    def __init__(self):
        print("hello from __init__")

    def render(self, view):
        print("hello from render")
        return "the output\\n"


EXPORTERS = [Chatty]
"""


def test_what_a_plugin_prints_never_mixes_into_the_output(
    tmp_path: Path, cli: Run, make_dataset: Callable[..., Path]
) -> None:
    folder = tmp_path / "chatty"
    folder.mkdir()
    (folder / "chatty.py").write_text(CHATTY)
    root = str(make_dataset())
    code, out, err = cli(
        "--data", root, "--plugins-dir", str(folder), "export", "--format", "chatty"
    )
    assert (code, out) == (0, "the output\n")
    assert err == "hello from the import\nhello from __init__\nhello from render\n"


def test_a_broken_file_named_like_a_plugin_does_not_shadow_it(
    tmp_path: Path, cli: Run, make_dataset: Callable[..., Path]
) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "csv.py").write_text("raise SystemExit(1)\n")  # a file, not the csv loader
    root = str(make_dataset())
    code, out, err = cli("--data", root, "--plugins-dir", str(folder), "plugins")
    assert (code, err) == (0, "")
    assert "loader\tcsv\tgmspolicy-csvsheet 0.1.0\tok\n" in out
    assert f"loader\tcsv\t{folder / 'csv.py'}\tFAILED: SystemExit" in out
    code, out, err = cli(
        "--data",
        root,
        "--plugins-dir",
        str(folder),
        "load",
        "csv",
        str(tmp_path / "none.csv"),
        "--opt",
        "source_url=https://example.org/x",
    )
    assert (code, out, err) == (1, "", f"{tmp_path / 'none.csv'}: no such file\n")


NASTY_NAMES = """\
class Unprintable:
    def __repr__(self):
        raise SystemExit("no repr for you")


class BadName:
    name = Unprintable()
    description = "a name that cannot even be printed"
    options = {}
    def load(self, location, options, context):
        return None


class ExitingMessage(Exception):
    def __str__(self):
        raise SystemExit(0)


class BadMessage:
    name = "bad-message"
    description = "raises an error whose message exits"
    options = {}
    def load(self, location, options, context):
        raise ExitingMessage()


LOADERS = [BadName, BadMessage]
"""


def test_names_and_messages_that_cannot_be_printed(
    tmp_path: Path, cli: Run, make_dataset: Callable[..., Path]
) -> None:
    folder = tmp_path / "nasty"
    folder.mkdir()
    (folder / "nasty.py").write_text(NASTY_NAMES)
    code, out, err = cli("--plugins-dir", str(folder), "plugins")
    assert (code, err) == (0, "")
    assert (
        f"loader\tnasty:BadName\t{folder / 'nasty.py'}\tFAILED: its name must be a "
        "non-empty string, not a Unprintable that cannot be shown\n"
    ) in out
    root = str(make_dataset())
    location = str(tmp_path / "x.csv")
    code, out, err = cli(
        "--data", root, "--plugins-dir", str(folder), "load", "bad-message", location
    )
    assert (code, out, err) == (
        1,
        "",
        f"{location}: loader 'bad-message' failed: ExitingMessage: (its message "
        "cannot be printed)\n",
    )


def test_loader_warnings_reach_the_terminal_as_one_plain_line(
    pdir: Path, cli: Run, make_dataset: Callable[..., Path]
) -> None:
    root = str(make_dataset())
    code, out, err = cli(
        "--data", root, "--plugins-dir", str(pdir), "load", "noisy", "x", "--format", "csv"
    )
    assert code == 0 and "THA" in out
    assert err == "warning: two lines [2J and a clear-screen\n"


def test_installed_plugins_that_exit_or_misname_themselves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Run
) -> None:
    import textwrap

    site = tmp_path / "site"
    info = site / "hostileplug-2.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: hostileplug\nVersion: 2.0\n")
    (info / "entry_points.txt").write_text(
        "[gmspolicy.loaders]\nquitter = hostile_quits:Loader\nmisnamed = hostile_names:Loader\n"
    )
    (site / "hostile_quits.py").write_text("import sys\nsys.exit(0)\n")
    (site / "hostile_names.py").write_text(
        textwrap.dedent(
            """\
            class Loader:
                name = "something-else"
                description = "registered under another name"
                options = {}
                def load(self, location, options, context):
                    return None
            """
        )
    )
    monkeypatch.syspath_prepend(str(site))
    code, out, err = cli("plugins", "--json")
    assert (code, err) == (0, "")
    listed = {i["name"]: i for i in json.loads(out) if i["kind"] == "loader"}
    assert {k: listed["quitter"][k] for k in ("package", "version", "status", "error")} == {
        "package": "hostileplug",
        "version": "2.0",
        "status": "failed",
        "error": "SystemExit (the plugin called sys.exit): 0",
    }
    assert listed["misnamed"]["error"] == (
        "TypeError: it is registered as 'misnamed' but calls itself 'something-else'"
    )
    assert listed["untc"]["status"] == "ok"
    code, out, err = cli("load", "quitter", "x.csv")
    assert (code, out, err) == (
        1,
        "",
        "error: loader 'quitter' from hostileplug 2.0 failed to load: SystemExit (the plugin "
        "called sys.exit): 0\n",
    )
