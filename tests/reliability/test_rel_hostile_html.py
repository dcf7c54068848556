"""Issue 14.2: bounded parsing of untrusted HTML and XML.

- Inputs that made the standard library's HTMLParser quadratic (unclosed start tags,
  comment and declaration openers, unterminated attributes) are parsed with linear work:
  300 KB of each against a well-formed table page of the same size, in a subprocess
  (``hostile_kit.measure``; the old parser took a minute on 90 KB).
- Tables nested in cells load (each table keeps its own rows); nesting too deep for any
  real page is a ``LoaderError`` naming the file, never a ``RecursionError``; the same for
  the UNTC loader's XML.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from gmspolicy_ohchr import OhchrLoader
from gmspolicy_untc import UntcLoader
from hostile_kit import measure, record
from hypothesis import example, given, settings
from hypothesis import strategies as st
from reliability_kit import count_example

from gmspolicy.errors import LoaderError
from gmspolicy.loaders import LoadContext
from gmspolicy.loaders.kit import MAX_HTML_DEPTH, parse_html
from gmspolicy.testing import small_reference

TODAY = dt.date(2025, 1, 15)
REFERENCE = small_reference()
SIZE = 300_000


def ctx() -> LoadContext:
    return LoadContext(reference=REFERENCE, today=TODAY)


# expressions building SIZE characters of each input
HOSTILE_PAGES = {
    "unclosed start tags": f"'<html><body>' + '<p>' * (({SIZE} - 12) // 3)",
    "unclosed tags with attributes": f"'<div class=a ' * ({SIZE} // 13)",
    "comment openers": f"'<!--' * ({SIZE} // 4)",
    "declaration openers": f"'<!x' * ({SIZE} // 3)",
    "unterminated attribute value": f"'<a href=\"' + 'x' * ({SIZE} - 9)",
    "nested table cells": f"'<table><tr><td>' * ({SIZE} // 15)",
    "unclosed cells in one table": f"'<table>' + '<tr><td>x' * (({SIZE} - 7) // 9)",
    "entity references": f"'<p>' + '&amp;&#x41;&lt' * (({SIZE} - 3) // 14)",
}
# a well-formed status table of the same size
_ROW = "<tr><td>Thailand</td><td>5 Jun 2007</td></tr>\n"
HARMLESS_PAGE = f"'<html><body><table>' + {_ROW!r} * (({SIZE} - 40) // {len(_ROW)})"


@pytest.mark.parametrize("case", sorted(HOSTILE_PAGES))
def test_hostile_html_is_parsed_with_linear_work(case: str) -> None:
    setup = textwrap.dedent(
        """
        from gmspolicy.errors import LoaderError
        from gmspolicy.loaders.kit import parse_html
        def run(text):
            try:
                parse_html(text, "page.html")
            except LoaderError:
                pass
        """
    )
    hostile = f"({HOSTILE_PAGES[case]}).ljust({SIZE}, ' ')"
    harmless = f"({HARMLESS_PAGE} + '</table></body></html>').ljust({SIZE}, ' ')"
    result = measure(setup, harmless, hostile)
    record("14.2 HTML parsing", case, result)
    assert result["memory_ratio"] < 200, result


def test_deep_nesting_is_a_loader_error_naming_the_file() -> None:
    text = "<html><body>" + "<div>" * 100_000 + "x"
    with pytest.raises(LoaderError) as info:
        parse_html(text, "deep.html")
    assert str(info.value) == (
        f"deep.html: elements nested more than {MAX_HTML_DEPTH} deep (not a page a loader reads)"
    )


def test_deeply_nested_tables_through_a_loader(tmp_path: Path) -> None:
    path = tmp_path / "status.xls"
    path.write_text("<html><body>" + "<table><tr><td>" * 20_000, encoding="utf-8")
    with pytest.raises(LoaderError) as info:
        OhchrLoader().load(str(path), {}, ctx())
    assert str(info.value) == (
        f"{path}: elements nested more than {MAX_HTML_DEPTH} deep (not a page a loader reads)"
    )


NESTED = """<html><head><title>Status</title></head><body>
<table class="layout"><tr><td>
  <h2>Status as at : 15-01-2025</h2>
  <table>
    <tr><th>Participant</th><th>Signature</th><th>Ratification, Accession(a)</th></tr>
    <tr><td>Cambodia<table><tr><td>see note 1</td></tr></table></td>
        <td>27 Sep 2004</td><td></td></tr>
    <tr><td>Thailand</td><td>22 Sep 2004</td><td>
        <table><tr><td>footnote</td></tr></table>
      </td></tr>
    <tr><td>Indonesia</td><td>22 Sep 2004</td><td>31 May 2012</td></tr>
  </table>
</td><td>sidebar</td></tr></table>
</body></html>
"""


def test_tables_nested_in_cells_keep_their_own_rows() -> None:
    doc = parse_html(NESTED)
    texts = [[[c.text for c in row] for row in t.rows] for t in doc.tables]
    assert texts == [
        [["see note 1"]],
        [["footnote"]],
        [
            ["Participant", "Signature", "Ratification, Accession(a)"],
            ["Cambodia", "27 Sep 2004", ""],
            ["Thailand", "22 Sep 2004", ""],
            ["Indonesia", "22 Sep 2004", "31 May 2012"],
        ],
        [["Status as at : 15-01-2025", "sidebar"]],
    ]


def test_a_loader_reads_a_table_nested_in_a_layout_cell(tmp_path: Path) -> None:
    path = tmp_path / "iv-13.html"
    path.write_text(NESTED, encoding="utf-8")
    result = UntcLoader().load(str(path), {}, ctx())
    facts = sorted(
        (p.country, a.kind.value, a.date.isoformat())
        for p in result.participations
        for a in p.actions
    )
    assert facts == [
        ("IDN", "ratification", "2012-05-31"),
        ("IDN", "signature", "2004-09-22"),
        ("KHM", "signature", "2004-09-27"),
        ("THA", "signature", "2004-09-22"),
    ]


def test_deep_mtdsg_xml_is_a_loader_error(tmp_path: Path) -> None:
    path = tmp_path / "iv-13.en.xml"
    path.write_text(
        "<Treaty><Header><ExternalData><Titlesect>"
        + "<b>" * 50_000
        + "x"
        + "</b>" * 50_000
        + "</Titlesect></ExternalData></Header><Participants/></Treaty>",
        encoding="utf-8",
    )
    with pytest.raises(LoaderError) as info:
        UntcLoader().load(str(path), {}, ctx())
    assert str(info.value) == (
        f"{path}: XML elements nested more than 100 deep (not an MTDSG treaty file)"
    )


def test_xml_entity_expansion_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "iv-13.en.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE Treaty [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Treaty>&b;</Treaty>',
        encoding="utf-8",
    )
    with pytest.raises(LoaderError) as info:
        UntcLoader().load(str(path), {}, ctx())
    assert str(info.value) == f"{path}: XML refused: EntitiesForbidden"


def test_html_entity_definitions_are_not_expanded() -> None:
    doc = parse_html(
        '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
        "<html><body><table><tr><td>&b;</td></tr></table></body></html>"
    )
    assert [c.text for c in doc.tables[0].rows[0]] == ["&b;"]


# -- the UNTC loader's XML (defusedxml over expat) -----------------------------------------

_XML_ROW = "<Row><Entry>Thailand</Entry><Entry>5 Jun 2007</Entry></Row>\n"
HARMLESS_XML = (
    f"('<Treaty><Participants>' + {_XML_ROW!r} * (({SIZE} - 40) // {len(_XML_ROW)})"
    " + '</Participants></Treaty>')"
)
HOSTILE_XML = {
    "deep nesting": f"'<Treaty>' + '<a>' * (({SIZE} - 17) // 7) + '</a>' * (({SIZE} - 17) // 7) + '</Treaty>'",
    "many attributes": f"'<Treaty ' + ''.join(f'a{{i}}=\"\" ' for i in range({SIZE} // 12)) + '/>'",
    "entity references in text": f"'<Treaty><Participants><Row><Entry>' + '&amp;' * ({SIZE} // 5)",
    "comments and processing instructions": f"'<Treaty>' + '<!---->' * ({SIZE} // 14) + '<?p ?>' * ({SIZE} // 14)",
    "one huge text node": f"'<Treaty><Participants><Row><Entry>' + 'x' * {SIZE}",
}


@pytest.mark.parametrize("case", sorted(HOSTILE_XML))
def test_hostile_xml_is_parsed_with_linear_work(case: str) -> None:
    setup = textwrap.dedent(
        """
        from gmspolicy.errors import LoaderError
        from gmspolicy_untc.loader import _xml_rows
        def run(text):
            try:
                _xml_rows(text, "iv-13.xml")
            except LoaderError:
                pass
        """
    )
    hostile = f"({HOSTILE_XML[case]})[:{SIZE}].ljust({SIZE}, ' ')"
    harmless = f"{HARMLESS_XML}.ljust({SIZE}, ' ')"
    result = measure(setup, harmless, hostile)
    record("14.2 XML parsing (UNTC)", case, result)
    assert result["memory_ratio"] < 200, result


def test_a_page_cannot_switch_the_decoded_text_to_another_charset() -> None:
    """The loaders decode the bytes (kit.decode); a <meta charset> in the page must not
    make the parser decode the text again as something else."""
    doc = parse_html(
        '<html><head><meta charset="iso-8859-1"><meta http-equiv="Content-Type" '
        'content="text/html; charset=windows-1252"><title>ไทย é</title></head>'
        "<body><table><tr><td>ລາວ ü</td></tr></table></body></html>"
    )
    assert (doc.title, doc.tables[0].rows[0][0].text) == ("ไทย é", "ລາວ ü")


SOUP = [
    "<table>",
    "</table>",
    "<tr>",
    "</tr>",
    "<td>",
    "</td>",
    "<th>",
    "</th>",
    "<tbody>",
    "<sup>",
    "</sup>",
    "<br>",
    "x",
    " ",
    "<h2>",
    "</h2>",
    "<title>",
    "</title>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "&amp;",
    "&#0;",
    "<td colspan=2>",
    "\x00",
    "<p>",
    "</div>",
    "<table",
    ">",
    "ไทย",
    "\ufeff",
    "<?pi ?>",
    "<![CDATA[",
    "]]>",
]


@settings(max_examples=200)
@given(st.lists(st.sampled_from(SOUP), max_size=60))
# the old parser's IndexError: a cell opening a table that starts with a cell
@example(["<table>", "<tr>", "<td>", "x", "<table>", "<td>", "x", "</td>", "</table>"])
@example(["<table>", "<tr>", "<td>", "x", "<table>", "x", "<td>", "x"])
def test_tag_soup_gives_tables_or_a_loader_error(parts: list[str]) -> None:
    """Any mix of table markup, however broken, parses: nested, unclosed and stray cells
    never raise IndexError (the old parser's failure), only a LoaderError if at all."""
    count_example("HTML tag soup")
    try:
        doc = parse_html("".join(parts), "soup.html")
    except LoaderError:
        return
    for table in doc.tables:
        assert all(isinstance(c.text, str) for row in table.rows for c in row)
        assert all(row for row in table.rows)


def test_html_external_entities_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT", encoding="utf-8")
    doc = parse_html(
        f'<!DOCTYPE html [<!ENTITY e SYSTEM "{secret.as_uri()}">]>'
        "<html><body><table><tr><td>&e;</td></tr></table><p>&e;</p></body></html>"
    )
    assert [c.text for c in doc.tables[0].rows[0]] == ["&e;"]
    assert "SECRET" not in doc.text
