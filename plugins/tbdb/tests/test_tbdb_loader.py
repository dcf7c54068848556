"""The Treaty Body Database loader on a country page constructed in the assumed layout (no
real copy could be found: notes/tbdb-search.md), from a file and from a real HTTP server on
127.0.0.1 (with faults)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from gmspolicy_tbdb import TREATY_MECHANISMS, TbdbLoader
from pytest_httpserver import HTTPServer

from gmspolicy.errors import LoaderError, UsageError
from gmspolicy.loaders import LoadContext
from gmspolicy.plugins import loaders
from gmspolicy.query.reviews import Overdue
from gmspolicy.testing import check_loader, check_loader_faults, small_reference

DATA = Path(__file__).parent / "data"
PAGE = DATA / "THA-reporting-status.html"
TODAY = dt.date(2025, 1, 15)
REFERENCE = small_reference()

EXPECTED = [
    ("THA", "CAT", "Second periodic report", "2012-11-30", "2021-06-16"),
    ("THA", "CCPR", "Third periodic report", "2021-03-30", None),
    ("THA", "CEDAW", "Eighth periodic report", "2021-07-01", "2023-01-20"),
    ("THA", "CEDAW", "Ninth periodic report", "2025-07-01", None),
    ("THA", "CRC", "Initial report (CRC-OP-SC)", "2008-02-11", "2008-08-15"),
]


def ctx() -> LoadContext:
    return LoadContext(reference=REFERENCE, today=TODAY)


def rows(result: object) -> list[tuple[str, str, str, str | None, str | None]]:
    return [
        (
            r.country,
            r.mechanism.value,
            r.report,
            str(r.due) if r.due else None,
            str(r.submitted) if r.submitted else None,
        )
        for r in result.reporting  # type: ignore[attr-defined]
    ]


def test_registered() -> None:
    assert isinstance(loaders().get("tbdb"), TbdbLoader)


def test_every_mechanism_reviews_a_reference_treaty() -> None:
    from gmspolicy.models import MECHANISM_INSTRUMENTS

    for mechanism in TREATY_MECHANISMS.values():
        assert REFERENCE.has_instrument(MECHANISM_INSTRUMENTS[mechanism])


def test_saved_page() -> None:
    result = check_loader(TbdbLoader(), str(PAGE), {}, ctx())
    assert rows(result) == EXPECTED
    (source,) = result.sources
    assert source.id == "tbdb-tha-2025-01-15"
    assert source.title == "Reporting status for Thailand (UN Treaty Body Database)"
    assert source.as_of == dt.date(2025, 1, 10)  # the page's "Last updated" line
    assert source.seen == TODAY
    assert {r.as_of for r in result.reporting} == {dt.date(2025, 1, 10)}
    assert result.participations == ()
    assert result.warnings == (
        f"{PAGE}: skipped treaty 'SPT' (no reporting to a tracked committee)",
        f"{PAGE}: row 7 (CRPD, Combined second and third periodic reports): status "
        "'Received' but no date of receipt (left out: a submission without its date is not "
        "recorded)",
    )


def test_loaded_rows_give_overdue_only_where_the_page_says_so() -> None:
    from gmspolicy.loaders.merge import loaded_policyset

    result = TbdbLoader().load(str(PAGE), {}, ctx())
    # validated as of the real date: the reference's own sources were seen after TODAY
    pset = loaded_policyset(REFERENCE, result, dt.date.today())
    ccpr = pset.reporting_status("THA", "ICCPR")
    assert ccpr.overdue is Overdue.OVERDUE
    assert (ccpr.overdue_days, ccpr.overdue_as_of) == (1382, dt.date(2025, 1, 10))
    assert pset.reporting_status("THA", "CAT").overdue is Overdue.NOT_OVERDUE
    # the ninth CEDAW report is not yet due: nothing is claimed
    assert pset.reporting_status("THA", "CEDAW").overdue is Overdue.UNKNOWN


def test_saved_page_without_a_date_needs_as_of(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE.read_text("utf-8").replace("Last updated: 10 Jan 2025", ""), "utf-8")
    with pytest.raises(LoaderError) as err:
        TbdbLoader().load(str(page), {}, ctx())
    assert str(err.value) == (
        f"{page}: cannot tell what date this saved page is current to (no 'Status as at' "
        "line): give --opt as_of=YYYY-MM-DD"
    )
    result = TbdbLoader().load(str(page), {"as_of": "2024-12-31"}, ctx())
    assert {r.as_of for r in result.reporting} == {dt.date(2024, 12, 31)}
    with pytest.raises(UsageError) as usage:
        TbdbLoader().load(str(page), {"as_of": "31/12/2024"}, ctx())
    assert str(usage.value) == (
        "loader 'tbdb': --opt as_of: invalid date '31/12/2024': expected YYYY-MM-DD"
    )


def test_country_from_option_or_not_at_all(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        PAGE.read_text("utf-8").replace("Reporting Status for Thailand", "Reporting"), "utf-8"
    )
    with pytest.raises(LoaderError) as err:
        TbdbLoader().load(str(page), {}, ctx())
    assert str(err.value) == (
        f"{page}: cannot tell which country this page is about: give --opt country=CODE"
    )
    assert rows(TbdbLoader().load(str(page), {"country": "Thailand"}, ctx())) == EXPECTED
    with pytest.raises(LoaderError) as err:
        TbdbLoader().load(str(page), {"country": "Atlantis"}, ctx())
    assert str(err.value) == (
        f"{page}: cannot map country 'Atlantis' to a country of the reference dataset (add "
        "the name to the country's names, or give --opt country=CODE)"
    )


def test_header_variants_and_bad_dates(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><h2>Reporting status for Lao PDR</h2><p>Status as at 2 January 2025</p>"
        "<table><tr><th>Committee</th><th>Description</th><th>Due date</th>"
        "<th>Submitted</th></tr>"
        "<tr><td>CRPD</td><td>Initial report</td><td>2011</td><td>25-05-2016</td></tr>"
        "<tr><td>CESCR</td><td>Second periodic report</td><td>soon</td><td></td></tr>"
        "<tr><td>CERD</td><td>Periodic report</td><td>2020</td><td>03 Mar 2025</td></tr>"
        "</table></body></html>",
        "utf-8",
    )
    with pytest.raises(LoaderError) as err:
        TbdbLoader().load(str(page), {}, ctx())
    assert str(err.value) == (
        f"{page}: row 3 (CESCR, Second periodic report): unreadable date 'soon'; "
        f"{page}: row 4 (CERD, Periodic report): submitted 2025-03-03 is after the page's "
        "date 2025-01-02"
    )


def test_not_a_reporting_page(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Treaty bodies Countries</title></head>"
        "<body><table><tr><td>nothing</td></tr></table></body></html>",
        "utf-8",
    )
    with pytest.raises(LoaderError) as err:
        TbdbLoader().load(str(page), {}, ctx())
    assert str(err.value) == (
        f"{page}: no reporting-status table (expected columns Treaty, Report, Due date, "
        "Submitted) in an HTML page (title: 'Treaty bodies Countries')"
    )


def test_live_page_over_http_is_current_to_the_day_read(httpserver: HTTPServer) -> None:
    body = PAGE.read_text("utf-8").replace("Last updated: 10 Jan 2025", "").encode()
    httpserver.expect_request("/Countries.aspx").respond_with_data(
        body, content_type="text/html; charset=utf-8"
    )
    url = httpserver.url_for("/Countries.aspx") + "?CountryCode=THA&Lang=EN"
    result = check_loader(TbdbLoader(), url, {}, ctx())
    assert rows(result) == EXPECTED
    assert {r.as_of for r in result.reporting} == {TODAY}
    assert result.sources[0].url == url


def test_faults_over_http(httpserver: HTTPServer) -> None:
    body = PAGE.read_bytes()
    messages = check_loader_faults(
        TbdbLoader(),
        httpserver,
        path="/Countries.aspx",
        body=body,
        content_type="text/html; charset=utf-8",
        options={},
        reference=REFERENCE,
        today=TODAY,
    )
    url = "http://SERVER/Countries.aspx"
    assert messages == {
        "timeout": f"{url}: no response within 0.25 s (after 2 attempts)",
        "http-500": f"{url}: HTTP 500 (after 2 attempts)",
        "http-404": f"{url}: HTTP 404",
        "truncated": f"{url}: connection closed before the response was complete "
        "(after 2 attempts)",
        "html-error-page": f"{url}: no reporting-status table (expected columns Treaty, "
        "Report, Due date, Submitted) in an HTML page (title: 'Service Unavailable')",
        "wrong-content-type": f"{url}: unexpected content type 'application/pdf' (expected "
        "the Treaty Body Database's country page, HTML)",
        "redirect-loop": "http://SERVER/Countries.aspx: too many redirects (a redirect loop?)",
        "oversized": f"{url}: response too large ({len(body)} bytes; limit {len(body) - 1})",
        "connection-refused": f"{url}: connection refused (after 2 attempts)",
    }
