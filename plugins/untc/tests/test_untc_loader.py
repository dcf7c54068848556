"""The UNTC loader on recorded MTDSG XML, CSV and HTML status tables, from files and from
a real HTTP server on 127.0.0.1 (with faults)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from gmspolicy_untc import UntcLoader
from pytest_httpserver import HTTPServer

from gmspolicy.errors import LoaderError, UsageError
from gmspolicy.loaders import LoadContext, LoadResult
from gmspolicy.loaders.http import Fetcher
from gmspolicy.plugins import loaders
from gmspolicy.testing import check_loader, check_loader_faults, fast_fetcher, small_reference

DATA = Path(__file__).parent / "data"
TODAY = dt.date(2025, 1, 15)
REFERENCE = small_reference()


def ctx(fetcher: Fetcher | None = None) -> LoadContext:
    return LoadContext(reference=REFERENCE, fetcher=fetcher, today=TODAY)


def table(result: LoadResult) -> list[tuple[str, str, str, str, str | None]]:
    return [
        (p.country, p.instrument, a.kind.value, a.date.isoformat(), a.note)
        for p in result.participations
        for a in p.actions
    ]


def test_registered_through_its_entry_point() -> None:
    assert "untc" in loaders().names()
    assert isinstance(loaders().get("untc"), UntcLoader)


def test_mtdsg_xml_with_footnotes_and_codes() -> None:
    xml = str(DATA / "iv-13.en.xml")
    result = check_loader(UntcLoader(), xml, {"unknown": "skip"}, ctx())
    assert table(result) == [
        ("IDN", "ICRMW", "signature", "2004-09-22", None),
        ("IDN", "ICRMW", "ratification", "2012-05-31", None),
        ("KHM", "ICRMW", "signature", "2004-09-27", None),
        ("MEX", "ICRMW", "signature", "1991-05-22", None),
        ("MEX", "ICRMW", "ratification", "1999-03-08", None),
        ("PHL", "ICRMW", "signature", "1993-11-15", None),
        ("PHL", "ICRMW", "ratification", "1995-07-05", None),
        ("TUR", "ICRMW", "signature", "1999-01-13", None),
        ("TUR", "ICRMW", "ratification", "2004-09-27", None),
    ]
    (source,) = result.sources
    assert source.id == "untc-iv-13-2025-01-15"
    assert source.url == (DATA / "iv-13.en.xml").resolve().as_uri()
    assert source.seen == TODAY
    assert source.publisher == "United Nations Treaty Collection"
    assert source.title == (
        "Status of treaties: International Convention on the Protection of the Rights of "
        "All Migrant Workers and Members of Their Families (IV-13)"
    )
    assert all(a.sources == (source.id,) for p in result.participations for a in p.actions)
    assert result.warnings == (
        f"{xml}: skipped participant 'Albania' (not in the reference)",
        f"{xml}: skipped participant 'Montenegro' (not in the reference)",
        f"{xml}: skipped participant 'Timor-Leste' (not in the reference)",
    )


def test_unknown_participants_are_an_error_naming_them() -> None:
    xml = str(DATA / "iv-13.en.xml")
    with pytest.raises(LoaderError) as err:
        UntcLoader().load(xml, {}, ctx())
    assert str(err.value) == (
        f"{xml}: cannot map participants 'Albania', 'Montenegro', 'Timor-Leste' to a "
        "country of the reference dataset (add the name to the country's names, or use "
        "--opt unknown=skip)"
    )


def test_succession_to_signature_and_accession_codes() -> None:
    ref = small_reference(("TLS", "KHM"))
    result = UntcLoader().load(
        str(DATA / "iv-13.en.xml"), {"unknown": "skip"}, LoadContext(ref, today=TODAY)
    )
    assert table(result) == [
        ("KHM", "ICRMW", "signature", "2004-09-27", None),
        ("TLS", "ICRMW", "accession", "2004-01-30", None),
    ]


def test_csv_status_table_with_title_rows_and_trailing_footnotes() -> None:
    path = str(DATA / "icrmw-status.csv")
    result = check_loader(UntcLoader(), path, {"unknown": "skip", "instrument": "IV-13"}, ctx())
    assert table(result) == [
        ("IDN", "ICRMW", "signature", "2004-09-22", None),
        ("IDN", "ICRMW", "ratification", "2012-05-31", None),
        ("KHM", "ICRMW", "signature", "2004-09-27", None),
        ("PHL", "ICRMW", "signature", "1993-11-15", None),
        ("PHL", "ICRMW", "ratification", "1995-07-05", None),
        ("TUR", "ICRMW", "signature", "1999-01-13", None),
        ("TUR", "ICRMW", "ratification", "2004-09-27", None),
    ]
    assert result.sources[0].as_of == dt.date(2025, 1, 10)


def test_csv_without_instrument_needs_the_option() -> None:
    path = str(DATA / "icrmw-status.csv")
    with pytest.raises(LoaderError) as err:
        UntcLoader().load(path, {"unknown": "skip"}, ctx())
    assert str(err.value) == (f"{path}: cannot tell which treaty this is: give --opt instrument=ID")


def test_html_status_page_with_sup_marks_and_acceptance() -> None:
    path = str(DATA / "untoc-tip-status.html")
    ref = small_reference(("KHM", "CHN", "LAO", "MMR", "THA", "VNM"))
    result = check_loader(
        UntcLoader(),
        path,
        {"instrument": "UNTOC-TIP", "unknown": "skip"},
        LoadContext(ref, today=TODAY),
    )
    assert table(result) == [
        ("CHN", "UNTOC-TIP", "accession", "2010-02-08", None),
        ("KHM", "UNTOC-TIP", "signature", "2001-11-11", None),
        ("KHM", "UNTOC-TIP", "ratification", "2007-07-02", None),
        ("LAO", "UNTOC-TIP", "accession", "2003-09-26", None),
        ("MMR", "UNTOC-TIP", "accession", "2004-03-30", None),
        ("THA", "UNTOC-TIP", "signature", "2001-12-18", None),
        ("THA", "UNTOC-TIP", "ratification", "2013-10-17", None),
        ("VNM", "UNTOC-TIP", "accession", "2012-06-08", None),
    ]
    assert result.warnings == (
        f"{path}: skipped participant 'Netherlands (Kingdom of the)' (not in the reference)",
    )


def test_every_action_code(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text(
        "Participant,Signature,"
        '"Ratification, Acceptance(A), Approval(AA), Formal confirmation(c), '
        'Accession(a), Succession(d)"\n'
        "Thailand,,1 Feb 2001\nViet Nam,,2 Feb 2001 a\nMyanmar,,3 Feb 2001 d\n"
        "Cambodia,,4 Feb 2001 A\nChina,,5 Feb 2001 AA\nIndonesia,,6 Feb 2001 c\n"
        "Philippines,7 Feb 2001 d,\n",
        encoding="utf-8",
    )
    result = UntcLoader().load(str(path), {"instrument": "ICRMW"}, ctx())
    assert table(result) == [
        ("CHN", "ICRMW", "approval", "2001-02-05", None),
        ("IDN", "ICRMW", "formal_confirmation", "2001-02-06", None),
        ("KHM", "ICRMW", "acceptance", "2001-02-04", None),
        ("MMR", "ICRMW", "succession", "2001-02-03", None),
        ("PHL", "ICRMW", "signature", "2001-02-07", "succession to signature"),
        ("THA", "ICRMW", "ratification", "2001-02-01", None),
        ("VNM", "ICRMW", "accession", "2001-02-02", None),
    ]


def test_bad_cell_names_row_and_participant(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("Participant,Signature,Ratification\nThailand,yesterday,\n", encoding="utf-8")
    with pytest.raises(LoaderError) as err:
        UntcLoader().load(str(path), {"instrument": "ICRMW"}, ctx())
    assert str(err.value) == (
        f"{path}:2 (Thailand): unreadable cell 'yesterday' (expected a date like '5 Jun 2007 a')"
    )


def test_unknown_option_and_bad_values() -> None:
    xml = str(DATA / "iv-13.en.xml")
    with pytest.raises(UsageError) as err:
        UntcLoader().load(xml, {"treaty": "x"}, ctx())
    assert str(err.value) == (
        "loader 'untc' has no option 'treaty' "
        "(options: absent, instrument, source_title, source_url, unknown)"
    )
    with pytest.raises(UsageError) as err:
        UntcLoader().load(xml, {"unknown": "ignore"}, ctx())
    assert str(err.value) == ("loader 'untc': option unknown='ignore' must be one of: error, skip")
    with pytest.raises(UsageError) as err:
        UntcLoader().load(xml, {"instrument": "IV-99"}, ctx())
    assert str(err.value) == (
        "loader 'untc': unknown instrument 'IV-99' "
        "(give a gmspolicy id such as ICRMW, or a reference such as IV-13)"
    )


def test_truncated_xml_file(tmp_path: Path) -> None:
    text = (DATA / "iv-13.en.xml").read_text(encoding="utf-8")
    path = tmp_path / "iv-13.en.xml"
    path.write_text(text[: text.index("<Row><Entry>Mexico")], encoding="utf-8")
    with pytest.raises(LoaderError) as err:
        UntcLoader().load(str(path), {"unknown": "skip"}, ctx())
    assert str(err.value) == (f"{path}:32: XML is not well-formed (no element found at column 15)")


def test_xml_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "iv-13.en.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
        "<Treaty>&b;</Treaty>",
        encoding="utf-8",
    )
    with pytest.raises(LoaderError) as err:
        UntcLoader().load(str(path), {}, ctx())
    assert str(err.value) == f"{path}: XML refused: EntitiesForbidden"


def test_over_http_with_cache_then_offline(httpserver: HTTPServer, tmp_path: Path) -> None:
    body = (DATA / "iv-13.en.xml").read_bytes()
    path = "/doc/Publication/MTDSG/Volume-I/Chapter-IV/iv-13.en.xml"
    httpserver.expect_request(path).respond_with_data(body, content_type="application/xml")
    url = httpserver.url_for(path)
    cold = fast_fetcher(cache_dir=tmp_path / "cache")
    first = UntcLoader().load(url, {"unknown": "skip"}, ctx(fetcher=cold))
    assert cold.requests_sent == 1
    assert first.sources[0].url == url
    cold.close()
    warm = fast_fetcher(cache_dir=tmp_path / "cache", offline=True)
    again = UntcLoader().load(url, {"unknown": "skip"}, ctx(fetcher=warm))
    assert (again, warm.requests_sent) == (first, 0)


def test_faults_over_http(httpserver: HTTPServer) -> None:
    path = "/doc/Publication/MTDSG/Volume-I/Chapter-IV/iv-13.en.xml"
    body = (DATA / "iv-13.en.xml").read_bytes()
    messages = check_loader_faults(
        UntcLoader(),
        httpserver,
        path=path,
        body=body,
        content_type="text/xml; charset=utf-8",
        options={"unknown": "skip"},
        reference=REFERENCE,
        today=TODAY,
    )
    url = "http://SERVER/doc/Publication/MTDSG/Volume-I/Chapter-IV/iv-13.en.xml"
    assert messages == {
        "timeout": f"{url}: no response within 0.25 s (after 2 attempts)",
        "http-500": f"{url}: HTTP 500 (after 2 attempts)",
        "http-404": f"{url}: HTTP 404",
        "truncated": f"{url}: connection closed before the response was complete "
        "(after 2 attempts)",
        "html-error-page": f"{url}: expected the MTDSG XML, got an HTML page "
        "(title: 'Service Unavailable')",
        "wrong-content-type": f"{url}: unexpected content type 'application/pdf' "
        "(expected XML, CSV or HTML)",
        "redirect-loop": f"{url}: too many redirects (a redirect loop?)",
        "oversized": f"{url}: response too large ({len(body)} bytes; limit {len(body) - 1})",
        "connection-refused": f"{url}: connection refused (after 2 attempts)",
    }


def test_absent_countries_as_no_action_as_of_the_status_date() -> None:
    path = str(DATA / "icrmw-status.csv")
    opts = {"unknown": "skip", "instrument": "IV-13", "absent": "no_action"}
    result = check_loader(UntcLoader(), path, opts, ctx())
    (source,) = result.sources
    absent = [
        (p.country, p.no_action.date.isoformat(), p.no_action.sources)
        for p in result.participations
        if p.no_action is not None
    ]
    # The recording is a fragment of the real table (a few rows), so "absent" here means
    # absent from the fragment: Cambodia, Indonesia, Philippines and Türkiye are listed.
    assert absent == [
        (code, "2025-01-10", (source.id,)) for code in ("CHN", "LAO", "MEX", "MMR", "THA", "VNM")
    ]
    assert all(not p.actions for p in result.participations if p.no_action is not None)
    assert [p.key for p in result.participations] == sorted(p.key for p in result.participations)


def test_absent_countries_need_the_status_date(tmp_path: Path) -> None:
    page = tmp_path / "status.csv"
    page.write_text(
        '"Participant","Signature","Ratification, Accession(a), Succession(d)"\n'
        '"Cambodia","27 Sep 2004",""\n'
    )
    opts = {"instrument": "IV-13", "absent": "no_action", "unknown": "skip"}
    with pytest.raises(LoaderError) as err:
        UntcLoader().load(str(page), opts, ctx())
    assert str(err.value) == (
        f"{page}: recording absent countries as no action needs the date the table is "
        "current to ('Status as at'), and none was found"
    )
    # without the option the same table loads (absence is simply not recorded)
    assert table(UntcLoader().load(str(page), {"instrument": "IV-13"}, ctx())) == [
        ("KHM", "ICRMW", "signature", "2004-09-27", None)
    ]
