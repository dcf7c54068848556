"""The OHCHR loader on a recorded treaty-body export (HTML table saved as .xls)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from gmspolicy_ohchr import TREATY_NAMES, OhchrLoader
from pytest_httpserver import HTTPServer

from gmspolicy.errors import LoaderError
from gmspolicy.loaders import LoadContext, LoadResult
from gmspolicy.plugins import loaders
from gmspolicy.testing import check_loader, check_loader_faults, small_reference

DATA = Path(__file__).parent / "data"
TODAY = dt.date(2025, 1, 15)
REFERENCE = small_reference()
EXPORT = DATA / "THA_ratifications.xls"


def ctx() -> LoadContext:
    return LoadContext(reference=REFERENCE, today=TODAY)


def rows(result: LoadResult) -> list[tuple[str, str, str, str]]:
    return [
        (p.country, p.instrument, a.kind.value, a.date.isoformat())
        for p in result.participations
        for a in p.actions
    ]


def test_registered() -> None:
    assert isinstance(loaders().get("ohchr"), OhchrLoader)


def test_every_mapped_treaty_name_is_a_reference_instrument() -> None:
    assert sorted(i for i in TREATY_NAMES.values() if not REFERENCE.has_instrument(i)) == []


def test_export_signatures_accessions_and_skipped_procedures() -> None:
    result = check_loader(OhchrLoader(), str(EXPORT), {}, ctx())
    assert rows(result) == [
        ("THA", "CAT", "accession", "2007-10-02"),
        ("THA", "CEDAW", "accession", "1985-08-09"),
        ("THA", "CPED", "signature", "2012-01-09"),
        ("THA", "CRC", "accession", "1992-03-27"),
        ("THA", "CRC-OPAC", "accession", "2006-02-27"),
        ("THA", "CRC-OPSC", "accession", "2006-01-11"),
        ("THA", "CRPD", "signature", "2007-03-30"),
        ("THA", "CRPD", "ratification", "2008-07-29"),
        ("THA", "ICCPR", "accession", "1996-10-29"),
        ("THA", "ICERD", "accession", "2003-01-28"),
        ("THA", "ICESCR", "accession", "1999-09-05"),
    ]
    (source,) = result.sources
    assert (source.id, source.seen, source.url) == (
        "ohchr-tha-2025-01-15",
        TODAY,
        EXPORT.resolve().as_uri(),
    )
    assert result.warnings == (
        f"{EXPORT}: skipped treaty 'CERD, Art.11' (not tracked by the reference)",
    )


def test_header_variants_bare_codes_and_unknown_country(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_text(
        "<table><tr><td>Country</td><td>Treaty Description</td><td>Treaty Name</td>"
        "<td>Signature Date</td><td>Ratification Date</td></tr>"
        "<tr><td>Viet Nam</td><td>x</td><td>CCPR</td><td></td><td>24 Sep 1982 a</td></tr>"
        "<tr><td>Lao People&#39;s Democratic Republic</td><td>x</td><td>CMW</td><td></td>"
        "<td></td></tr>"
        "<tr><td>Atlantis</td><td>x</td><td>CRC</td><td></td><td>1 Jan 1990</td></tr>"
        "</table>",
        encoding="cp1252",
    )
    with pytest.raises(LoaderError) as err:
        OhchrLoader().load(str(path), {}, ctx())
    assert str(err.value) == (
        f"{path}: cannot map country 'Atlantis' to a country of the reference dataset "
        "(add the name to the country's names, or use --opt unknown=skip)"
    )
    result = OhchrLoader().load(str(path), {"unknown": "skip"}, ctx())
    assert rows(result) == [("VNM", "ICCPR", "accession", "1982-09-24")]


def test_binary_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    with pytest.raises(LoaderError) as err:
        OhchrLoader().load(str(path), {}, ctx())
    assert str(err.value) == (
        f"{path}: a binary Excel workbook, not the OHCHR export (an HTML table): download "
        "the export again, or save the sheet as CSV and use the csv loader"
    )


def test_faults_over_http(httpserver: HTTPServer) -> None:
    body = EXPORT.read_bytes()
    messages = check_loader_faults(
        OhchrLoader(),
        httpserver,
        path="/export/THA.xls",
        body=body,
        content_type="application/vnd.ms-excel",
        options={},
        reference=REFERENCE,
        today=TODAY,
    )
    url = "http://SERVER/export/THA.xls"
    assert messages == {
        "timeout": f"{url}: no response within 0.25 s (after 2 attempts)",
        "http-500": f"{url}: HTTP 500 (after 2 attempts)",
        "http-404": f"{url}: HTTP 404",
        "truncated": f"{url}: connection closed before the response was complete "
        "(after 2 attempts)",
        "html-error-page": f"{url}: no ratification table (expected columns COUNTRY, "
        "Treaty Name, Signature Date, Ratification Date) in an HTML page "
        "(title: 'Service Unavailable')",
        "wrong-content-type": f"{url}: unexpected content type 'application/pdf' "
        "(expected an HTML table saved as .xls)",
        "redirect-loop": f"{url}: too many redirects (a redirect loop?)",
        "oversized": f"{url}: response too large ({len(body)} bytes; limit {len(body) - 1})",
        "connection-refused": f"{url}: connection refused (after 2 attempts)",
    }
