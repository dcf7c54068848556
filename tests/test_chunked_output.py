"""Output in chunks: exporters may yield a document in pieces, which the CLI writes as
they come (issue 16: a world HTML page is never held whole). Written bytes are the
concatenation's; a file is still replaced atomically, and a failure while the chunks are
made leaves the old file and no temp file."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from gmspolicy import plugins
from gmspolicy._output import emit, write_atomic
from gmspolicy.dataset import load_dataset
from gmspolicy.errors import ExportError, PluginError, UsageError
from gmspolicy.exporters.html import HtmlExporter, table_body, table_rows
from gmspolicy.query.views import DatasetView, EventsView, ProfileView, TableView
from gmspolicy.testing import check_exporter

OLD = b"<!-- the previous output: must stay byte-identical -->\n"

Run = Callable[..., tuple[int, str, str]]


class Boom(RuntimeError):
    pass


def failing_after(chunks: list[str], error: BaseException) -> Iterator[str]:
    yield from chunks
    raise error


def only_file(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- write_atomic and emit -----------------------------------------------------------


@pytest.mark.parametrize(
    "chunks",
    [["<p>", "th\u00e9 \u2020 ", "\U0001f600", "</p>\n"], [b"\x00\x01", b"", b"\xff"], []],
    ids=["text", "bytes", "none"],
)
def test_chunks_write_their_concatenation(tmp_path: Path, chunks: list[Any]) -> None:
    out = tmp_path / "out"
    out.write_bytes(OLD)
    write_atomic(out, iter(chunks))
    whole = b"".join(c.encode() if isinstance(c, str) else c for c in chunks)
    assert out.read_bytes() == whole
    assert only_file(tmp_path) == ["out"]


def test_chunks_equal_the_whole_text_as_written(tmp_path: Path) -> None:
    text = "caf\u00e9 \u2020 table\n" * 1000
    write_atomic(tmp_path / "whole", text)
    write_atomic(tmp_path / "chunked", (text[i : i + 7] for i in range(0, len(text), 7)))
    assert (tmp_path / "chunked").read_bytes() == (tmp_path / "whole").read_bytes()


def test_a_failing_chunk_midway_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    out = tmp_path / "out.html"
    out.write_bytes(OLD)
    made: list[str] = []

    def chunks() -> Iterator[str]:
        for i in range(3):
            made.append(str(i))
            yield "x" * 100_000  # past any write buffer: bytes reached the temp file
        raise Boom("the third row broke")

    with pytest.raises(Boom, match="the third row broke"):
        write_atomic(out, chunks())
    assert made == ["0", "1", "2"]  # it failed midway, not before writing
    assert out.read_bytes() == OLD
    assert only_file(tmp_path) == ["out.html"]


def test_a_failing_chunk_leaves_no_new_file_either(tmp_path: Path) -> None:
    out = tmp_path / "new.html"
    with pytest.raises(Boom):
        write_atomic(out, failing_after(["<p>", "half"], Boom()))
    assert only_file(tmp_path) == []


def test_text_chunk_that_is_not_unicode_names_its_position_in_the_whole(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_bytes(OLD)
    with pytest.raises(ExportError) as info:
        write_atomic(out, iter(["0123456789", "ab\ud800c"]))
    assert str(info.value) == (
        f"{out}: cannot write: the output is not valid Unicode text "
        "(surrogates not allowed at position 12)"
    )
    assert out.read_bytes() == OLD
    assert only_file(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("chunked", [True, False], ids=["chunks", "whole"])
def test_stdout_gets_the_same_bytes(
    capfdbinary: pytest.CaptureFixture[bytes], chunked: bool, tmp_path: Path
) -> None:
    text = "caf\u00e9 \u2020\n" * 50
    pieces = [text[i : i + 9] for i in range(0, len(text), 9)]
    emit(iter(pieces) if chunked else text, None)
    assert capfdbinary.readouterr().out == text.encode("utf-8")
    emit(iter([p.encode() for p in pieces]) if chunked else text.encode(), None)
    assert capfdbinary.readouterr().out == text.encode("utf-8")
    emit(iter(pieces) if chunked else text, tmp_path / "f")
    assert (tmp_path / "f").read_bytes() == text.encode("utf-8")


def test_stdout_terminal_chunks_are_made_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty:
        def __init__(self) -> None:
            self.parts: list[str] = []

        def isatty(self) -> bool:
            return True

        def write(self, text: str) -> int:
            self.parts.append(text)
            return len(text)

        def flush(self) -> None:
            pass

    tty = Tty()
    monkeypatch.setattr(sys, "stdout", tty)
    emit(iter(["red \x1b[31m", "!\n"]), None)
    assert "".join(tty.parts) == "red \\x1b[31m!\n"


# -- plugins.render and render_chunks ------------------------------------------------


class Chunky:
    name: ClassVar[str] = "chunky"
    description: ClassVar[str] = "a table, one chunk per row"
    binary: ClassVar[bool] = False
    views: ClassVar[frozenset[str]] = frozenset({"table", "dataset"})

    def render(self, view: Any) -> Iterator[str]:
        table = view if isinstance(view, TableView) else view.table()
        yield "rows:\n"
        for row in table.rows():
            yield row.instrument.id + " " + " ".join(c.text.text for c in row.cells) + "\n"


@pytest.fixture
def bundled_small() -> TableView:
    pset = load_dataset()
    return TableView(pset, pset.matrix(["THA", "LAO"], ["ILO-C029", "ILO-C097"]))


def test_render_joins_chunks_and_render_chunks_gives_them(bundled_small: TableView) -> None:
    whole = plugins.render(Chunky(), bundled_small)
    chunks = list(plugins.render_chunks(Chunky(), bundled_small))
    assert isinstance(whole, str)
    assert len(chunks) == 3
    assert "".join(chunks) == whole
    assert whole.startswith("rows:\nILO-C029 ")
    assert check_exporter(Chunky(), bundled_small) == whole


@pytest.mark.parametrize("container", [list, tuple])
def test_a_list_or_tuple_of_chunks_is_accepted(container: type, bundled_small: TableView) -> None:
    class Listed(Chunky):
        def render(self, view: Any) -> Any:
            return container(["a", "b", "c"])

    assert plugins.render(Listed(), bundled_small) == "abc"
    assert list(plugins.render_chunks(Listed(), bundled_small)) == ["a", "b", "c"]


def test_a_whole_document_is_one_chunk(bundled_small: TableView) -> None:
    md = plugins.exporters().get("markdown")
    chunks = list(plugins.render_chunks(md, bundled_small))
    assert chunks == [plugins.render(md, bundled_small)]


@pytest.mark.parametrize(
    ("binary", "chunks", "message"),
    [
        (False, ["ok", b"bytes"], "exporter 'chunky' returned a chunk of type bytes, expected str"),
        (True, [b"ok", "text"], "exporter 'chunky' returned a chunk of type str, expected bytes"),
        (False, ["ok", None], "exporter 'chunky' returned a chunk of type NoneType, expected str"),
    ],
)
def test_a_chunk_of_the_wrong_type_is_refused(
    binary: bool, chunks: list[Any], message: str, bundled_small: TableView
) -> None:
    class Wrong(Chunky):
        def render(self, view: Any) -> Any:
            yield from chunks

    Wrong.binary = binary
    with pytest.raises(PluginError) as info:
        plugins.render(Wrong(), bundled_small)
    assert str(info.value) == message
    it = plugins.render_chunks(Wrong(), bundled_small)
    assert next(it) == chunks[0]  # the good chunk comes, the bad one is refused as it comes
    with pytest.raises(PluginError):
        next(it)


def test_other_iterables_are_still_refused(bundled_small: TableView) -> None:
    class Mapping(Chunky):
        def render(self, view: Any) -> Any:
            return {"a": 1}

    with pytest.raises(PluginError, match=r"^exporter 'chunky' returned dict, expected str$"):
        plugins.render_chunks(Mapping(), bundled_small)


def test_an_error_while_chunks_are_made_names_the_exporter(bundled_small: TableView) -> None:
    class Failing(Chunky):
        def render(self, view: Any) -> Iterator[str]:
            yield "first"
            raise KeyError("ratified")

    with pytest.raises(PluginError, match=r"^exporter 'chunky' failed: KeyError: 'ratified'$"):
        plugins.render(Failing(), bundled_small)

    class Exiting(Chunky):
        def render(self, view: Any) -> Iterator[str]:
            yield "first"
            sys.exit(3)

    with pytest.raises(PluginError, match=r"SystemExit \(the plugin called sys.exit\)"):
        list(plugins.render_chunks(Exiting(), bundled_small))

    class Usage(Chunky):
        def render(self, view: Any) -> Iterator[str]:
            yield "first"
            raise UsageError("gmspolicy's own errors pass through")

    with pytest.raises(UsageError, match="pass through"):
        list(plugins.render_chunks(Usage(), bundled_small))


def test_closing_the_chunks_closes_the_exporters_generator(bundled_small: TableView) -> None:
    closed: list[bool] = []

    class Tracked(Chunky):
        def render(self, view: Any) -> Iterator[str]:
            try:
                yield "a"
                yield "b"
            finally:
                closed.append(True)

    it = plugins.render_chunks(Tracked(), bundled_small)
    assert next(it) == "a"
    it.close()  # type: ignore[attr-defined]
    assert closed == [True]


def test_render_chunks_is_preferred_and_checked_against_render(bundled_small: TableView) -> None:
    class Both(Chunky):
        def render(self, view: Any) -> str:
            return "whole"

        def render_chunks(self, view: Any) -> Iterator[str]:
            yield "wh"
            yield "ole"

    assert list(plugins.render_chunks(Both(), bundled_small)) == ["wh", "ole"]
    assert plugins.render(Both(), bundled_small) == "whole"
    assert check_exporter(Both(), bundled_small) == "whole"

    class Disagree(Both):
        def render_chunks(self, view: Any) -> Iterator[str]:
            yield "other"

    with pytest.raises(AssertionError, match="render_chunks does not give what render does"):
        check_exporter(Disagree(), bundled_small)


def test_render_chunks_must_be_callable() -> None:
    class NotCallable(Chunky):
        render_chunks = "no"

    with pytest.raises(TypeError, match="render_chunks is not callable"):
        plugins._check_exporter("chunky", NotCallable())


# -- the HTML exporter ----------------------------------------------------------------


def test_html_chunks_are_the_page(bundled_small: TableView) -> None:
    pset = bundled_small.pset
    html = HtmlExporter()
    views = [
        bundled_small,
        DatasetView(pset),
        EventsView(pset, pset.events, "th"),
        ProfileView(pset, pset.country("THA")),
    ]
    for view in views:
        chunks = list(html.render_chunks(view))
        assert all(isinstance(c, str) and c for c in chunks)
        assert "".join(chunks) == html.render(view)
    big = list(html.render_chunks(DatasetView(pset)))
    assert len(big) > 1  # the whole bundled dataset is more than one chunk
    assert check_exporter(html, bundled_small) == html.render(bundled_small)


def test_table_rows_are_the_table_body() -> None:
    table = {
        "row_headers": True,
        "rows": [
            {"index": i, "search": f"r{i} <&>", "cells": [{"text": f"h{i}"}, {"text": "a<b"}]}
            for i in range(3)
        ],
    }
    rows = list(table_rows(table))
    assert len(rows) == 3
    assert "".join(rows) == str(table_body(table))
    assert rows[1] == (
        '<tr data-index="1" data-search="r1 &lt;&amp;&gt;">\n'
        '<th scope="row" data-sort="h1">h1</th>\n'
        '<td data-sort="a&lt;b">a&lt;b</td>\n'
        "</tr>\n"
    )


# -- through the command line --------------------------------------------------------

CHUNKY_PLUGIN = """\
import os


class Chunky:
    name = "chunky"
    description = "one chunk per row; fails midway when CHUNKY_FAIL is set"
    binary = False
    views = frozenset({"table", "dataset"})

    def render(self, view):
        table = view if view.kind == "table" else view.table()
        yield "rows:\\n"
        for n, row in enumerate(table.rows()):
            if n == 1 and os.environ.get("CHUNKY_FAIL") == "raise":
                raise KeyError("midway")
            if n == 1 and os.environ.get("CHUNKY_FAIL") == "surrogate":
                yield "bad \\ud800\\n"
            print("plugin chatter")  # goes to stderr, never into the output
            yield row.instrument.id + ": " + " | ".join(c.text.text for c in row.cells) + "\\n"


class ChunkyBytes:
    name = "chunkybytes"
    description = "binary, in chunks"
    binary = True
    views = frozenset({"table", "dataset"})

    def render(self, view):
        return [b"\\x00one", b"\\xfftwo"]


EXPORTERS = [Chunky, ChunkyBytes]
"""


@pytest.fixture
def pdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(plugins, "_registries", {})
    monkeypatch.delenv("CHUNKY_FAIL", raising=False)
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "chunky.py").write_text(CHUNKY_PLUGIN)
    return folder


def expected_lines(data: Path) -> str:
    pset = load_dataset(data)
    view = TableView(pset, pset.matrix([c.code for c in pset.countries]))
    lines = ["rows:\n"]
    for row in view.rows():
        lines.append(row.instrument.id + ": " + " | ".join(c.text.text for c in row.cells) + "\n")
    return "".join(lines)


@pytest.mark.parametrize("command", ["table", "export"])
def test_a_chunked_plugin_works_through_the_cli(
    command: str, pdir: Path, cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    data = make_dataset()
    args = ["--data", str(data), "--plugins-dir", str(pdir), command, "--format", "chunky"]
    if command == "table":
        args.append("--all-countries")
    want = expected_lines(data)
    assert want.count("\n") > 2
    code, out, err = cli(*args)
    assert (code, out) == (0, want)
    assert err == "plugin chatter\n" * (want.count("\n") - 1)
    out_file = tmp_path / "out.txt"
    out_file.write_bytes(OLD)
    code, out, _ = cli(*args, "-o", str(out_file))
    assert (code, out) == (0, "")
    assert out_file.read_bytes() == want.encode("utf-8")
    assert only_file(tmp_path) == ["data", "out.txt", "plugins"]


def test_a_binary_chunked_plugin_writes_its_bytes(
    pdir: Path, cli: Run, make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    data = make_dataset()
    out_file = tmp_path / "out.bin"
    code, _, err = cli(
        "--data", str(data), "--plugins-dir", str(pdir), "export", "--format", "chunkybytes",
        "-o", str(out_file),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out_file.read_bytes() == b"\x00one\xfftwo"


@pytest.mark.parametrize(
    ("fail", "message"),
    [
        ("raise", "error: exporter 'chunky' failed: KeyError: 'midway'\n"),
        (
            "surrogate",
            "error: exporter 'chunky' produced text that cannot be written as UTF-8 "
            "(surrogates not allowed at position {pos})\n",
        ),
    ],
)
def test_a_chunked_plugin_failing_midway_leaves_the_old_file(
    fail: str,
    message: str,
    pdir: Path,
    cli: Run,
    make_dataset: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = make_dataset()
    monkeypatch.setenv("CHUNKY_FAIL", fail)
    out_file = tmp_path / "out.txt"
    out_file.write_bytes(OLD)
    code, out, err = cli(
        "--data", str(data), "--plugins-dir", str(pdir), "table", "--all-countries",
        "--format", "chunky", "-o", str(out_file),
    )  # fmt: skip
    first_row = expected_lines(data).split("\n")[1] + "\n"
    pos = len("rows:\n") + len(first_row) + len("bad ")
    assert (code, out) == (1, "")
    assert err.endswith(message.format(pos=pos))
    assert "Traceback" not in err
    assert out_file.read_bytes() == OLD
    assert only_file(tmp_path) == ["data", "out.txt", "plugins"]
