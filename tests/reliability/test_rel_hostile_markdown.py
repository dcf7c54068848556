"""Issue 14.5: no structure injection in Markdown, in any language, and no escape sequences
on a terminal.

Markdown: dataset text (line-start markers ``- `` ``+ `` ``1. `` ``1) `` ``#`` ``>``
``=`` included, and as the *country name*, so captions and headings that begin with it
begin with the hostile text) is rendered in every language and parsed by two real
parsers: markdown-it-py (CommonMark + tables + strikethrough) and cmark-gfm (GitHub's
parser: tables, strikethrough, tagfilter). The document must have exactly the node
structure of the same document rendered with harmless text. GFM's *extended autolinks*
(a bare ``https://...``, ``www.``, an e-mail address, shown as the very text they link
to) are how the source URLs in the footnotes become clickable, and are left on: see
docs/reliability.md.

Terminal: the real command is run on a pseudo-terminal (``pty``); escape sequences and
control characters an exporter writes, and bidi overrides in the data, are shown as
``\\x1b``/``\\u202e``, never passed through; written to a file or a pipe, the text stays
exact.
"""

from __future__ import annotations

import datetime as dt
import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import cmarkgfm
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from reliability_kit import count_example, html_structure
from test_rel_escaping import pset_with

from gmspolicy._output import terminal_safe
from gmspolicy.errors import DataError
from gmspolicy.exporters.markdown import MarkdownExporter, escape_cell, escape_text
from gmspolicy.i18n import LANGUAGES
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.views import DatasetView, ObservationsView, ProfileView, TableView
from gmspolicy.testing import hostile_texts

GMSPOLICY = Path(sys.executable).with_name("gmspolicy")
PLACEHOLDER = "placeholder"

#: Block markers a line may start with, and inline markup.
MARKERS = [
    "- ",
    "+ ",
    "* ",
    "1. ",
    "1) ",
    "# ",
    "> ",
    "=",
    "---",
    "***",
    "```",
    "~~~",
    "    ",
    "| ",
    "[x]: ",
    "<div>",
    "\t",
    "1.",
    "- [ ] ",
]
INLINE = [
    "*a*",
    "_a_",
    "`c`",
    "[l](https://evil.example)",
    "![i](x.png)",
    "<b>",
    "&lt;",
    "~~s~~",
    "\\",
    "a|b",
    "[^1]",
    "<https://evil.example>",
]

marked_texts = st.builds(
    lambda marker, body, inline: f"{marker}{body}{inline}",
    st.sampled_from(MARKERS),
    hostile_texts,
    st.sampled_from(["", *INLINE]),
)


def pset_named(text: str) -> PolicySet:
    """:func:`pset_with` ``text``, with ``text`` also the country's whole name (a code no
    language names otherwise, so every language shows the dataset's name)."""
    base = pset_with(text)
    countries = [
        attrs.evolve(c, name=text, names=(), alpha2="XY") if c.code == "THA" else c
        for c in base.countries
    ]
    return PolicySet.build(
        countries=countries,
        instruments=base.instruments,
        participations=base.participations,
        mous=base.mous,
        events=base.events,
        sources=base.sources,
        observations=base.observations,
        today=dt.date(2025, 1, 1),
    )


def _views(pset: PolicySet, lang: str) -> list[Any]:
    return [
        TableView(pset, pset.matrix(["THA"], ["CONV"]), lang),
        DatasetView(pset, lang),
        ProfileView(pset, pset.country("THA"), None, lang),
        ObservationsView(pset, pset.observations, lang),
    ]


_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _mdit_structure(doc: str) -> list[Any]:
    out: list[Any] = []
    for tok in _MD.parse(doc):
        out.append((tok.type, tok.tag))
        for child in tok.children or []:
            if child.type in ("text", "softbreak") or (
                child.type == "html_inline" and child.content == "<br>"
            ):
                continue
            out.append((child.type, child.tag, child.attrs.get("href")))
    return out


def _gfm_structure(doc: str) -> list[Any]:
    html = cmarkgfm.markdown_to_html_with_extensions(
        doc, extensions=["table", "strikethrough", "tagfilter"]
    )
    return [e for e in html_structure(html) if e[0] in ("start", "end") and e[1] != "br"]


def build(text: str, in_property: bool) -> PolicySet:
    try:
        return pset_named(text)
    except DataError as exc:
        # names that clash with Myanmar's, and text validation refuses, are not the point
        if in_property:
            assume(
                not all(
                    "is used by both" in p.message or "contains" in p.message for p in exc.problems
                )
            )
        raise


def check(text: str, in_property: bool = False) -> None:
    pset = build(text, in_property)
    base = pset_named(PLACEHOLDER)
    for lang in LANGUAGES:
        for view, base_view in zip(_views(pset, lang), _views(base, lang), strict=True):
            doc = MarkdownExporter().render(view)
            ref = MarkdownExporter().render(base_view)
            where = f"{lang} {view.kind}: {text!r}"
            assert _mdit_structure(doc) == _mdit_structure(ref), f"markdown-it: {where}"
            assert _gfm_structure(doc) == _gfm_structure(ref), f"cmark-gfm: {where}"


@settings(max_examples=40)
@given(text=marked_texts)
def test_no_markdown_structure_from_dataset_text(text: str) -> None:
    count_example("Markdown: no structure from text, every language, two parsers")
    assume(text.strip())
    check(text, in_property=True)


@pytest.mark.parametrize("marker", MARKERS)
def test_every_line_start_marker_as_the_country_name(marker: str) -> None:
    check(f"{marker}Thailand")


@pytest.mark.parametrize("inline", INLINE)
def test_every_inline_marker(inline: str) -> None:
    check(f"Thailand {inline}")


def test_escape_functions_neutralise_line_starts() -> None:
    for marker in MARKERS:
        line = escape_text(marker + "x")
        assert _MD.parse(line)[0].type == "paragraph_open", line
        cell = escape_cell(marker + "x")
        assert _MD.parse(f"| h |\n| --- |\n| {cell} |")[0].type == "table_open", cell


# -- terminal ------------------------------------------------------------------------------

EVIL_EXPORTER = """\
class Evil:
    name = "evil"
    description = "writes terminal escape sequences"
    binary = False
    views = frozenset({"table"})
    def render(self, view):
        return "title\\x1b]0;pwned\\x07 red\\x1b[31m clear\\x1b[2J csi\\x9b2J cr\\rback\\x08\\n"


EXPORTERS = [Evil]
"""


def on_terminal(cwd: Path, *args: str) -> bytes:
    """What the real command writes to a pseudo-terminal (its stdout and stderr)."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [str(GMSPOLICY), *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=slave,
            env={**os.environ, "TERM": "xterm"},
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other end is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=120)
    finally:
        os.close(master)
    return b"".join(chunks)


def test_terminal_never_gets_escape_sequences(
    make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    make_dataset()
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "evil.py").write_text(EVIL_EXPORTER, encoding="utf-8")
    args = ("--data", "data", "--plugins-dir", "plugins", "table", "--format", "evil")
    shown = on_terminal(tmp_path, *args)
    for byte in (b"\x1b", b"\x07", b"\x9b", b"\xc2\x9b", b"\x08"):
        assert byte not in shown, shown
    assert (
        b"title\\x1b]0;pwned\\x07 red\\x1b[31m clear\\x1b[2J csi\\x9b2J cr\\x0dback\\x08" in shown
    )
    # to a pipe the exporter's output is passed on exactly
    piped = subprocess.run([str(GMSPOLICY), *args], cwd=tmp_path, capture_output=True, check=False)
    assert (
        piped.stdout
        == "title\x1b]0;pwned\x07 red\x1b[31m clear\x1b[2J csi\x9b2J cr\rback\x08\n".encode()
    )


def test_bidi_overrides_in_the_data_are_shown_not_obeyed_on_a_terminal(
    make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    from conftest import INSTRUMENTS

    make_dataset(
        **{
            "instruments.yaml": INSTRUMENTS.replace(
                "short_name: Conv", 'short_name: "Conv \\u202eevil\\u202c"'
            )
        }
    )
    # (On a terminal `table` is laid out as text by default; Markdown asked for explicitly
    # goes through the same terminal filter.)
    shown = on_terminal(tmp_path, "--data", "data", "table", "--format", "markdown")
    assert "\u202e".encode() not in shown and b"Conv \\u202eevil\\u202c" in shown
    for args in (("table",), ("table", "--format", "markdown"), ("show", "THA")):
        piped = subprocess.run(
            [str(GMSPOLICY), "--data", "data", *args],
            cwd=tmp_path,
            capture_output=True,
            check=False,
        )
        if args != ("table",):  # piped: Markdown, the text exactly
            assert "Conv \u202eevil\u202c".encode() in piped.stdout, args
        shown = on_terminal(tmp_path, "--data", "data", *args)
        assert "\u202e".encode() not in shown, args


def test_diff_on_a_terminal(make_dataset: Callable[..., Path], tmp_path: Path, cli: Any) -> None:
    """diff prints ids and dates only, which validation keeps to [A-Za-z0-9._-] and ISO
    dates (test_rel_hostile_data.py); on a terminal its lines go through the same filter
    and come out the same."""
    root = make_dataset()
    assert cli("--data", str(root), "export", "-o", "old.json")[0] == 0
    with (root / "participations.csv").open("a", encoding="utf-8") as fh:
        fh.write("LAO,CONV,signature,2021-02-03,s1,\n")
    assert cli("--data", str(root), "export", "-o", "new.json")[0] == 0
    piped = subprocess.run(
        [str(GMSPOLICY), "diff", "old.json", "new.json"],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert piped.stdout.startswith(b"signed: LAO x CONV"), piped
    shown = on_terminal(tmp_path, "diff", "old.json", "new.json")
    assert shown.replace(b"\r\n", b"\n") == piped.stdout


def test_terminal_safe_keeps_text_and_layout() -> None:
    text = "ພາສາລາວ ไทย မြန်မာ ខ្មែរ 中文 Tiếng Việt\n\tcol\u200d\u200f"
    assert terminal_safe(text) == text
    assert terminal_safe("\x1b[31m\x9b\x7f\r") == "\\x1b[31m\\x9b\\x7f\\x0d"


# -- measured: escaping work on hostile text -----------------------------------------------

ESCAPE_SIZE = 1_000_000
ESCAPERS = {
    "escape_text": "from gmspolicy.exporters.markdown import escape_text as run",
    "escape_cell": "from gmspolicy.exporters.markdown import escape_cell as run",
    "terminal_safe": "from gmspolicy._output import terminal_safe as run",
}


@pytest.mark.parametrize("escaper", sorted(ESCAPERS))
def test_escaping_work_on_hostile_text(escaper: str) -> None:
    from hostile_kit import measure, record

    # every character one that is escaped or replaced
    hostile = f"('\\\\*_`[]<>#~|&\\n\\x1b\\x9b\\u202e' * {ESCAPE_SIZE})[:{ESCAPE_SIZE}]"
    harmless = f"'a' * {ESCAPE_SIZE}"
    result = measure(ESCAPERS[escaper], harmless, hostile)
    record("14.5 Markdown and terminal escaping", escaper, result)
    assert result["memory_ratio"] < 50, result


def test_warnings_on_a_terminal_show_control_characters(
    make_dataset: Callable[..., Path], tmp_path: Path
) -> None:
    """A sheet whose file name carries an escape sequence: the loader's warning names
    the file; on a terminal it is shown, not obeyed."""
    make_dataset()
    sheet = tmp_path / "sheet\x1b[2J.csv"
    sheet.write_text("Country,Instrument,Date,Action\nNarnia,CONV,2001-01-01,signed\n")
    args = (
        "--data",
        "data",
        "load",
        "csv",
        sheet.name,
        "--opt",
        "unknown=skip",
        "--opt",
        "source_url=https://example.org/s",
    )
    shown = on_terminal(tmp_path, *args)
    assert b"\x1b" not in shown
    assert b"warning: sheet\\x1b[2J.csv: cannot map country 'Narnia'" in shown
