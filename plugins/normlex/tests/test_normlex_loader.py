"""The NORMLEX loader on a recorded 'Ratifications for Thailand' page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from gmspolicy_normlex import NormlexLoader
from pytest_httpserver import HTTPServer

from gmspolicy.errors import LoaderError, UsageError
from gmspolicy.loaders import LoadContext, LoadResult
from gmspolicy.plugins import loaders
from gmspolicy.testing import check_loader, check_loader_faults, small_reference

DATA = Path(__file__).parent / "data"
TODAY = dt.date(2025, 1, 15)
REFERENCE = small_reference()
PAGE = DATA / "ratifications-tha.html"


def ctx() -> LoadContext:
    return LoadContext(reference=REFERENCE, today=TODAY)


def rows(result: LoadResult) -> list[tuple[str, str, str, str, str | None]]:
    return [
        (p.country, p.instrument, a.kind.value, a.date.isoformat(), a.note)
        for p in result.participations
        for a in p.actions
    ]


def test_registered() -> None:
    assert isinstance(loaders().get("normlex"), NormlexLoader)


def test_country_page_with_protocol_under_its_convention() -> None:
    result = check_loader(NormlexLoader(), str(PAGE), {}, ctx())
    assert rows(result) == [
        ("THA", "ILO-C019", "ratification", "1968-04-05", None),
        ("THA", "ILO-C029", "ratification", "1969-02-26", None),
        ("THA", "ILO-C100", "ratification", "1999-02-08", None),
        ("THA", "ILO-C105", "ratification", "1969-12-02", None),
        ("THA", "ILO-C111", "ratification", "2017-06-13", None),
        ("THA", "ILO-C138", "ratification", "2004-05-11", None),
        ("THA", "ILO-C182", "ratification", "2001-02-16", None),
        ("THA", "ILO-C187", "ratification", "2016-03-23", None),
        ("THA", "ILO-C188", "ratification", "2019-01-30", None),
        ("THA", "ILO-P029", "ratification", "2018-06-04", None),
    ]
    (source,) = result.sources
    assert (source.id, source.title, source.publisher) == (
        "normlex-tha-2025-01-15",
        "Ratifications for Thailand",
        "International Labour Organization (NORMLEX)",
    )
    assert result.warnings == (
        f"{PAGE}: skipped C001 (not in the reference)",
        f"{PAGE}: skipped C123 (not in the reference)",
    )


def page(rows_html: str, title: str = "Ratifications for Viet Nam") -> str:
    return (
        f"<html><head><title>{title}</title></head><body><table>"
        "<tr><th>Convention</th><th>Date</th><th>Status</th><th>Note</th></tr>"
        f"{rows_html}</table></body></html>"
    )


def test_denounced_abrogated_and_automatic_denunciation(tmp_path: Path) -> None:
    path = tmp_path / "p.html"
    path.write_text(
        page(
            "<tr><td>C029 - Forced Labour Convention</td><td>05 Mar 2007</td>"
            "<td>Denounced</td><td>Denounced on 01 Jan 2010</td></tr>"
            "<tr><td>C019 - Equality of Treatment</td><td>01 Feb 1970</td>"
            "<td>Abrogated</td><td></td></tr>"
            "<tr><td>C100 - Equal Remuneration</td><td>07 Oct 1997</td><td>Not in force</td>"
            "<td>Automatic Denunciation on 02 Feb 2005 by convention C190</td></tr>"
        ),
        encoding="utf-8",
    )
    assert rows(NormlexLoader().load(str(path), {}, ctx())) == [
        ("VNM", "ILO-C019", "ratification", "1970-02-01", "convention abrogated"),
        ("VNM", "ILO-C029", "ratification", "2007-03-05", None),
        ("VNM", "ILO-C029", "denunciation", "2010-01-01", None),
        ("VNM", "ILO-C100", "ratification", "1997-10-07", None),
        (
            "VNM",
            "ILO-C100",
            "denunciation",
            "2005-02-02",
            "automatic denunciation (by ratifying C190)",
        ),
    ]


def test_denounced_without_a_date_and_unknown_status(tmp_path: Path) -> None:
    path = tmp_path / "p.html"
    path.write_text(
        page(
            "<tr><td>C029 - Forced Labour</td><td>05 Mar 2007</td><td>Denounced</td>"
            "<td></td></tr><tr><td>C100 - Equal Remuneration</td><td>07 Oct 1997</td>"
            "<td>Suspended</td><td></td></tr>"
        ),
        encoding="utf-8",
    )
    with pytest.raises(LoaderError) as err:
        NormlexLoader().load(str(path), {}, ctx())
    assert str(err.value) == (
        f"{path}: row 2 (C029): status Denounced but no 'Denounced on <date>' in the status "
        f"or note; {path}: row 3 (C100): unknown status 'Suspended' (expected In Force, "
        "Not in force, Denounced or Abrogated)"
    )


def test_country_from_option_when_the_title_does_not_say(tmp_path: Path) -> None:
    path = tmp_path / "p.html"
    path.write_text(
        page(
            "<tr><td>C182 - Worst Forms</td><td>19 Dec 2000</td><td>In Force</td><td></td></tr>",
            title="NORMLEX",
        ),
        encoding="utf-8",
    )
    with pytest.raises(LoaderError) as err:
        NormlexLoader().load(str(path), {}, ctx())
    assert str(err.value) == (
        f"{path}: no 'Ratifications for <country>' title in an HTML page "
        "(title: 'NORMLEX'): give --opt country=CODE"
    )
    result = NormlexLoader().load(str(path), {"country": "Viet Nam"}, ctx())
    assert rows(result) == [("VNM", "ILO-C182", "ratification", "2000-12-19", None)]
    with pytest.raises(UsageError) as uerr:
        NormlexLoader().load(str(path), {"country": "Narnia"}, ctx())
    assert str(uerr.value) == "loader 'normlex': unknown country 'Narnia'"


def test_faults_over_http(httpserver: HTTPServer) -> None:
    body = PAGE.read_bytes()
    messages = check_loader_faults(
        NormlexLoader(),
        httpserver,
        path="/dyn/normlex/en/f",
        body=body,
        content_type="text/html; charset=utf-8",
        options={},
        reference=REFERENCE,
        today=TODAY,
    )
    url = "http://SERVER/dyn/normlex/en/f"
    assert messages == {
        "timeout": f"{url}: no response within 0.25 s (after 2 attempts)",
        "http-500": f"{url}: HTTP 500 (after 2 attempts)",
        "http-404": f"{url}: HTTP 404",
        "truncated": f"{url}: connection closed before the response was complete "
        "(after 2 attempts)",
        "html-error-page": f"{url}: no 'Ratifications for <country>' title in an HTML page "
        "(title: 'Service Unavailable'): give --opt country=CODE",
        "wrong-content-type": f"{url}: unexpected content type 'application/pdf' "
        "(expected the NORMLEX HTML page)",
        "redirect-loop": f"{url}: too many redirects (a redirect loop?)",
        "oversized": f"{url}: response too large ({len(body)} bytes; limit {len(body) - 1})",
        "connection-refused": f"{url}: connection refused (after 2 attempts)",
    }
