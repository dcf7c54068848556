"""The documentation keeps up with the code.

- every CLI command (walked from the click group at test time, so commands added later
  are checked too) has ``--help`` that works, and is mentioned in ``docs/``;
- every plugin hook (the members of the :class:`Exporter` and :class:`Loader` protocols
  and the entry-point group names) is documented in ``docs/plugins.md``;
- every public module, class and function in ``src/gmspolicy`` has a docstring.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from gmspolicy import plugins
from gmspolicy.cli import cli, main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SRC = ROOT / "src" / "gmspolicy"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    ctx = click.Context(group, info_name="gmspolicy")
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        assert command is not None, name
        path = (*prefix, name)
        yield path
        if isinstance(command, click.Group):
            yield from _commands(command, path)


COMMANDS = list(_commands(cli))


def _docs_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.rglob("*.md")))


def test_the_group_has_commands() -> None:
    assert ("table",) in COMMANDS
    assert ("export",) in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_command_help(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    code = main([*path, "--help"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.startswith(f"Usage: gmspolicy {' '.join(path)} ")
    command = cli
    for name in path:
        assert isinstance(command, click.Group)
        sub = command.commands[name]
        command = sub  # type: ignore[assignment]
    assert command.help, f"gmspolicy {' '.join(path)} has no help text"


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_command_documented(path: tuple[str, ...]) -> None:
    words = r"\s+".join(re.escape(w) for w in ("gmspolicy", *path))
    assert re.search(rf"{words}\b", _docs_text()), (
        f"`gmspolicy {' '.join(path)}` is not mentioned under docs/ "
        "(add it to the command table in docs/cli.md)"
    )


def _protocol_members(proto: type) -> list[str]:
    names = set(getattr(proto, "__annotations__", {}))
    names.update(n for n, v in vars(proto).items() if callable(v))
    return sorted(n for n in names if not n.startswith("_"))


def test_protocol_members_found() -> None:
    assert _protocol_members(plugins.Exporter) == [
        "binary",
        "description",
        "name",
        "render",
        "views",
    ]
    assert _protocol_members(plugins.Loader) == ["description", "load", "name", "options"]


HOOKS = [
    *(("Exporter", m) for m in _protocol_members(plugins.Exporter)),
    *(("Loader", m) for m in _protocol_members(plugins.Loader)),
]


def _plugins_page() -> str:
    page = DOCS / "plugins.md"
    if not page.exists():
        pytest.skip("docs/plugins.md (the plugin author guide) does not exist yet")
    return page.read_text(encoding="utf-8")


def _python_blocks(text: str) -> str:
    return "\n".join(re.findall(r"(?ms)^```+\s*python[^\n]*\n(.*?)^```", text))


@pytest.mark.parametrize(("protocol", "member"), HOOKS, ids=[f"{p}.{m}" for p, m in HOOKS])
def test_plugin_hook_documented(protocol: str, member: str) -> None:
    text = _plugins_page()
    in_prose = f"`{member}`" in text or f"`{member}(" in text
    code = _python_blocks(text)
    in_code = re.search(rf"(?m)^\s+(def\s+)?{re.escape(member)}\s*[:=(]", code) is not None
    assert in_prose or in_code, (
        f"docs/plugins.md does not document {protocol}.{member} "
        f"(mention `{member}` or define it in a python example)"
    )


@pytest.mark.parametrize("group", [plugins.EXPORTER_GROUP, plugins.LOADER_GROUP])
def test_entry_point_group_documented(group: str) -> None:
    assert group in _plugins_page(), f"docs/plugins.md does not name the entry-point group {group}"


def _public_modules() -> list[Path]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        if any(p.startswith("_") and p != "__init__" for p in parts):
            continue
        out.append(path)
    return out


def _missing_docstrings(path: Path, root: Path = SRC.parent) -> list[str]:
    """``PLACE: NAME`` for the module, and each public class, method and function (at
    module level or in a class, including under ``if``/``try``), without a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    where = path.relative_to(root).as_posix()
    missing = [] if ast.get_docstring(tree) else [f"{where}: module"]

    def walk(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.If | ast.Try):
                walk(node.body, prefix)
                walk(node.orelse, prefix)
                continue
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if node.name.startswith("_"):
                continue
            if not ast.get_docstring(node):
                missing.append(f"{where}:{node.lineno}: {prefix}{node.name}")
            if isinstance(node, ast.ClassDef):
                walk(node.body, f"{prefix}{node.name}.")

    walk(tree.body, "")
    return missing


def test_docstring_walk_finds_missing(tmp_path: Path) -> None:
    pkg = tmp_path / "gmspolicy"
    pkg.mkdir()
    path = pkg / "mod.py"
    path.write_text(
        "class A:\n    def f(self): pass\n    def _g(self): pass\n"
        "def h():\n    '''Doc.'''\n    def inner(): pass\n"
        "if True:\n    def k(): pass\n",
        encoding="utf-8",
    )
    assert _missing_docstrings(path, tmp_path) == [
        "gmspolicy/mod.py: module",
        "gmspolicy/mod.py:1: A",
        "gmspolicy/mod.py:2: A.f",
        "gmspolicy/mod.py:8: k",
    ]


@pytest.mark.parametrize(
    "path", _public_modules(), ids=lambda p: p.relative_to(SRC.parent).as_posix()
)
def test_public_docstrings(path: Path) -> None:
    assert _missing_docstrings(path) == []
