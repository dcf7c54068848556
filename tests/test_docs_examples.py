"""The examples in the documentation run, and print what the pages say they print.

- ``docs/library.md``: every ```python block runs, in order, in one namespace (a page is
  one session), in an empty working directory. Blocks written as an interactive session
  (``>>>``) are doctests: their output must match what the page shows (``...`` stands
  for any text). Other blocks are executed as scripts.
- ``docs/json-feed.md``: the example consumer runs on a feed made by
  ``gmspolicy export --format json -o gmspolicy.json`` and prints what the page says.
- ``docs/quickstart.md``: every ``gmspolicy ...`` command in a ```sh block exits 0.
"""

from __future__ import annotations

import doctest
import re
import shlex
from importlib import resources
from pathlib import Path

import attrs
import pytest

from gmspolicy.cli import main
from gmspolicy.plugins import exporters

DOCS = Path(__file__).resolve().parent.parent / "docs"

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@attrs.frozen
class Block:
    """A fenced code block of a page: its language, text and the line it starts on."""

    lang: str
    text: str
    line: int


def code_blocks(text: str) -> list[Block]:
    """The fenced code blocks of a Markdown page (```lang ... ```), in order."""
    out = []
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        m = re.match(r"^(`{3,})\s*([\w-]*)", lines[i])
        if not m:
            i += 1
            continue
        fence, lang, start = m.group(1), m.group(2), i + 1
        i += 1
        body = []
        while i < len(lines) and not lines[i].startswith(fence):
            body.append(lines[i])
            i += 1
        out.append(Block(lang, "".join(body), start + 1))
        i += 1
    return out


def test_code_blocks() -> None:
    page = "text\n```python\n>>> 1\n1\n```\n\n````sh\nls\n```\n````\n"
    assert code_blocks(page) == [
        Block("python", ">>> 1\n1\n", 3),
        Block("sh", "ls\n```\n", 8),
    ]


def run_python_blocks(page: Path, blocks: list[Block], globs: dict[str, object]) -> None:
    """Run blocks in one namespace; fail with ``FILE:LINE`` and the doctest report."""
    parser = doctest.DocTestParser()
    for block in blocks:
        where = f"docs/{page.name}:{block.line}"
        if block.text.lstrip().startswith(">>>"):
            test = parser.get_doctest(block.text, globs, where, str(page), block.line - 1)
            report: list[str] = []
            runner = doctest.DocTestRunner(optionflags=FLAGS)
            result = runner.run(test, out=report.append, clear_globs=False)
            globs.update(test.globs)  # DocTest ran on a copy: keep what the block defined
            assert result.failed == 0, f"{where}: example failed\n" + "".join(report)
        else:
            code = compile(block.text, where, "exec")
            exec(code, globs)


def python_blocks(page: Path) -> list[Block]:
    """The ```python blocks of a page."""
    return [b for b in code_blocks(page.read_text(encoding="utf-8")) if b.lang == "python"]


def test_library_guide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = DOCS / "library.md"
    blocks = python_blocks(page)
    assert len(blocks) >= 8
    monkeypatch.chdir(tmp_path)
    run_python_blocks(page, blocks, {"__name__": "__docs__"})


def test_a_wrong_example_fails(tmp_path: Path) -> None:
    page = tmp_path / "bad.md"
    page.write_text("Intro\n\n```python\n>>> 1 + 1\n3\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"docs/bad.md:4: example failed"):
        run_python_blocks(page, python_blocks(page), {})


def _feed_blocks() -> list[Block]:
    return python_blocks(DOCS / "json-feed.md")


SCHEMA = resources.files("gmspolicy").joinpath("schema").joinpath("gmspolicy.schema.json")


@pytest.mark.parametrize("index", range(len(_feed_blocks())), ids=lambda i: f"block{i + 1}")
def test_json_feed_examples(
    index: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    block = _feed_blocks()[index]
    if "jsonschema" in block.text and not SCHEMA.is_file():
        pytest.skip("src/gmspolicy/schema/gmspolicy.schema.json does not exist yet")
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--format", "json", "-o", "gmspolicy.json"]) == 0
    assert main(["table", "--format", "json", "-o", "table.json"]) == 0
    capsys.readouterr()
    globs: dict[str, object] = {"__name__": "__main__"}
    run_python_blocks(DOCS / "json-feed.md", [block], globs)
    out = capsys.readouterr().out
    if "def cell(" in block.text:  # the example consumer
        lines = out.splitlines()
        assert len(lines) == 4
        assert lines[0] == (
            "Thailand | Forced Labour Convention, 1930 (No. 29) | ratified 1969-02-26 "
            "| Ratifications for Thailand (International Labour Organization (NORMLEX))"
        )
        assert lines[1].startswith("Thailand | Migrant Workers Convention | ")
        assert lines[2].startswith("Myanmar | Forced Labour Convention, 1930 (No. 29) | ")
        cell = globs["cell"]
        assert callable(cell)
        # Over every GMS cell it says exactly what the HTML table shows (issue 17.5).
        from gmspolicy import load_dataset
        from gmspolicy.query.views import TableView

        pset = load_dataset()
        view = TableView(pset, pset.matrix())
        checked = 0
        for shown in view.cells():
            text, cited = cell(shown.country.code, shown.instrument.id)
            assert (text, list(cited)) == (shown.text.text, list(shown.sources)), shown
            checked += 1
        assert checked == len(view.matrix.countries) * len(view.matrix.instruments)
        # The page shows the first line as what it prints.
        assert lines[0] in (DOCS / "json-feed.md").read_text(encoding="utf-8")


def _quickstart_commands() -> list[tuple[int, str]]:
    out = []
    for block in code_blocks((DOCS / "quickstart.md").read_text(encoding="utf-8")):
        if block.lang != "sh":
            continue
        for n, line in enumerate(block.text.splitlines()):
            if line.startswith("gmspolicy "):
                out.append((block.line + n, line))
    return out


def test_quickstart_has_commands() -> None:
    commands = [c for _, c in _quickstart_commands()]
    assert (
        "gmspolicy table -c THA,MMR --lang my --as-of 2014-12-31 --format html -o table.html"
        in commands
    )


@pytest.mark.parametrize(
    "command", _quickstart_commands(), ids=[f"line{n}" for n, _ in _quickstart_commands()]
)
def test_quickstart_command_runs(
    command: tuple[int, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    line, text = command
    args = shlex.split(text)[1:]
    if "--format" in args:
        fmt = args[args.index("--format") + 1]
        if fmt not in exporters().names():
            pytest.skip(f"the {fmt!r} exporter is not installed yet")
    monkeypatch.chdir(tmp_path)
    code = main(args)
    _, err = capsys.readouterr()
    assert (code, err) == (0, ""), f"docs/quickstart.md:{line}: {text}"
    if "-o" in args:
        assert (tmp_path / args[args.index("-o") + 1]).stat().st_size > 0
