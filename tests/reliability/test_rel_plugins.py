"""Broken plugins (from --plugins-dir) cannot corrupt output or crash other commands, and
every error names the plugin. (tests/test_plugins.py covers entry-point plugins that fail
to import and exporters that raise or return bytes; these are the other cases.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from reliability_kit import OLD_OUTPUT, Run, no_traceback

from gmspolicy import plugins

BROKEN_AT_IMPORT = 'raise ImportError("needs a module nobody installed")\n'

MISBEHAVING = """\
class Surrogate:
    name = "surrogate"
    description = "returns text that cannot be written as UTF-8"
    binary = False
    views = frozenset({"table", "dataset"})
    def render(self, view):
        return "ok so far \\ud800 then a lone surrogate"


class Nothing:
    name = "nothing"
    description = "returns None"
    binary = False
    views = frozenset({"table"})
    def render(self, view):
        return None


class Binary:
    name = "binary"
    description = "claims bytes, returns text"
    binary = True
    views = frozenset({"table"})
    def render(self, view):
        return "text"


EXPORTERS = [Surrogate, Nothing, Binary]
"""


@pytest.fixture(autouse=True)
def fresh_registries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plugins, "_registries", {})


@pytest.fixture
def pdir(tmp_path: Path) -> Path:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "broken.py").write_text(BROKEN_AT_IMPORT)
    (folder / "misbehaving.py").write_text(MISBEHAVING)
    return folder


def test_a_plugin_that_fails_to_import_is_listed_and_others_still_work(
    pdir: Path, cli: Run, make_dataset: Callable[..., Path]
) -> None:
    data = str(make_dataset())
    code, out, err = cli("--plugins-dir", str(pdir), "plugins")
    assert (code, err) == (0, "")
    assert (
        f"exporter\tbroken\t{pdir / 'broken.py'}\tFAILED: ImportError: needs a module nobody "
        "installed\n"
    ) in out
    assert f"exporter\tsurrogate\t{pdir / 'misbehaving.py'}\tok\n" in out
    code, out, err = cli("--data", data, "--plugins-dir", str(pdir), "table")
    assert (code, err) == (0, "") and out.startswith("# Ratification")
    code, out, err = cli("--data", data, "--plugins-dir", str(pdir), "export")
    assert (code, err) == (0, "") and '"kind": "dataset"' in out


def test_asking_for_a_plugin_that_failed_names_it_and_why(
    pdir: Path, cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    data = str(make_dataset())
    out_file = tmp_path / "out.html"
    out_file.write_bytes(OLD_OUTPUT)
    assert cli(
        "--data",
        data,
        "--plugins-dir",
        str(pdir),
        "table",
        "--format",
        "broken",
        "-o",
        str(out_file),
    ) == (
        1,
        "",
        # (no "error: " prefix: the CLI takes the path in the line for a place)
        f"exporter 'broken' from {pdir / 'broken.py'} failed to load: ImportError: "
        "needs a module nobody installed\n",
    )
    assert out_file.read_bytes() == OLD_OUTPUT


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        (
            "surrogate",
            "error: exporter 'surrogate' produced text that cannot be written as "
            "UTF-8 (surrogates not allowed at position 10)",
        ),
        ("nothing", "error: exporter 'nothing' returned NoneType, expected str"),
        ("binary", "error: exporter 'binary' returned str, expected bytes"),
    ],
)
@pytest.mark.parametrize("to_file", [True, False], ids=["file", "stdout"])
def test_misbehaving_exporter_output_is_refused_whole(
    fmt: str,
    message: str,
    to_file: bool,
    pdir: Path,
    cli: Run,
    make_dataset: Callable[..., Path],
    tmp_path: Path,
) -> None:
    data = str(make_dataset())
    out_file = tmp_path / "out.html"
    out_file.write_bytes(OLD_OUTPUT)
    args = ["--data", data, "--plugins-dir", str(pdir), "table", "--format", fmt]
    if to_file:
        args += ["-o", str(out_file)]
    code, out, err = cli(*args)
    assert (code, out, err) == (1, "", message + "\n")
    no_traceback(err)
    assert out_file.read_bytes() == OLD_OUTPUT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out.html", "plugins"]
