"""The Markdown exporter's tables parse back (GFM tables, markdown-it-py) to the texts
that went in: pipes, backslashes, newlines and markup survive."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

import gmspolicy
from gmspolicy.dataset import load_dataset
from gmspolicy.exporters._common import SourceNumbers
from gmspolicy.exporters.markdown import MarkdownExporter, escape_cell
from gmspolicy.i18n import Labels
from gmspolicy.query.policyset import PolicySet
from gmspolicy.query.views import SECONDARY_MARK, TableView
from gmspolicy.testing import hostile_texts, policysets

MD = MarkdownIt("commonmark").enable("table")


def inline_text(children: list[Token]) -> str:
    """The text a reader sees in an inline run: ``<br>`` as a newline, links as
    ``[text]`` (footnote references without the footnote extension)."""
    out = []
    for tok in children:
        if tok.type in ("text", "code_inline"):
            out.append(tok.content)
        elif tok.type == "html_inline" and tok.content == "<br>":
            out.append("\n")
        elif tok.type == "link_open":
            out.append("[")
        elif tok.type == "link_close":
            out.append("]")
        elif tok.type == "softbreak":
            out.append("\n")
        else:
            raise AssertionError(f"unexpected token {tok.type} {tok.content!r}")
    return "".join(out)


def tables(markdown: str) -> list[list[list[str]]]:
    """Every table in ``markdown``, as rows of cell texts (header row first)."""
    out: list[list[list[str]]] = []
    rows: list[list[str]] = []
    row: list[str] = []
    in_row = False
    for tok in MD.parse(markdown):
        if tok.type == "table_open":
            rows = []
        elif tok.type == "tr_open":
            row, in_row = [], True
        elif tok.type == "inline" and in_row:
            row.append(inline_text(tok.children or []))
        elif tok.type == "tr_close":
            rows.append(row)
            in_row = False
        elif tok.type == "table_close":
            out.append(rows)
    return out


def expected_table(view: TableView) -> list[list[str]]:
    """The cell texts the table should show (whitespace at the ends stripped, as a renderer does)."""
    labels = Labels(view.lang)
    notes = SourceNumbers(view)
    m = view.matrix
    rows = [[labels("heading.instrument")] + [labels.country_name(c) for c in m.countries]]
    for r in view.rows():
        row = [r.instrument.short_name]
        for cell in r.cells:
            refs = "".join(f"[^{n}]" for n in notes.cite_cell(cell))
            mark = f" {SECONDARY_MARK}" if cell.secondary_only else ""
            row.append(cell.text.text + mark + refs)
        rows.append(row)
    return [[_lines(text).strip() for text in row] for row in rows]


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@pytest.mark.parametrize(
    "text",
    [
        "a|b",
        "a\\|b",
        "back\\slash\\",
        "line\nbreak",
        "crlf\r\nand\rcr",
        "*bold* _it_ `code` ~~s~~",
        "[x](javascript:1)",
        "<script>alert(1)</script>",
        "&amp; &copy; &#65;",
        "# not a heading",
        "ends with bang!",
        "ພາສາລາວ ไทย မြန်မာ ខ្មែរ 中文 Tiếng Việt",
    ],
)
def test_escape_cell_round_trips(text: str) -> None:
    md = f"| h |\n| --- |\n| {escape_cell(text)}[^1] |\n"
    assert tables(md) == [[["h"], [_lines(text) + "[^1]"]]]


def test_escape_cell_exact() -> None:
    assert escape_cell("a|b\\c\nd") == "a\\|b\\\\c<br>d"
    assert escape_cell("AT&T") == "AT\\&T"
    assert escape_cell("Hi!") == "Hi\\!"
    assert escape_cell("Hi! there") == "Hi! there"


def test_bundled_table_parses_back() -> None:
    pset = gmspolicy.load_dataset()
    view = TableView(pset, pset.matrix())
    assert tables(MarkdownExporter().render(view))[0] == expected_table(view)


def test_hostile_names_in_small_dataset(make_dataset: Callable[..., Path]) -> None:
    root = make_dataset(
        countries_yaml="""\
        - code: THA
          alpha2: TH
          m49: "764"
          name: "Thai|land \\\\ <b>&amp;"
          groups: [GMS]
          sources: [s1]
        """,
        instruments_yaml="""\
        - id: CONV
          body: UN
          kind: convention
          title: A Convention
          short_name: "Conv | *one*\\nsecond line"
          sources: [s1]
        """,
        participations_csv="country,instrument,action,date,source,note\n"
        "THA,CONV,ratification,2005-05-05,s1,\n",
    )
    pset = load_dataset(root)
    view = TableView(pset, pset.matrix(["THA"], ["CONV"]))
    text = MarkdownExporter().render(view)
    assert "| Instrument | Thai\\|land \\\\ \\<b\\>\\&amp; |" in text
    assert tables(text)[0] == [
        ["Instrument", "Thai|land \\ <b>&amp;"],
        ["Conv | *one*\nsecond line", "ratified 2005-05-05[^1]"],
    ]


def _with_names(pset: PolicySet, names: list[str], shorts: list[str]) -> PolicySet:
    import attrs

    countries = [
        attrs.evolve(c, name=names[n % len(names)] + f"#{n}") for n, c in enumerate(pset.countries)
    ]
    instruments = [
        attrs.evolve(i, short_name=shorts[n % len(shorts)]) for n, i in enumerate(pset.instruments)
    ]
    return attrs.evolve(pset, countries=tuple(countries), instruments=tuple(instruments))


@settings(max_examples=150)
@given(
    pset=policysets(hostile_texts),
    names=st.lists(hostile_texts, min_size=1, max_size=3),
    shorts=st.lists(hostile_texts, min_size=1, max_size=3),
)
def test_generated_tables_parse_back(pset: PolicySet, names: list[str], shorts: list[str]) -> None:
    pset = _with_names(pset, names, shorts)
    view = TableView(pset, pset.matrix([c.code for c in pset.countries]))
    text = MarkdownExporter().render(view)
    assert tables(text)[0] == expected_table(view)
