"""The generic CSV loader on an advocate's sheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from gmspolicy_csvsheet import CsvSheetLoader
from pytest_httpserver import HTTPServer

from gmspolicy.errors import LoaderError, UsageError
from gmspolicy.loaders import LoadContext, LoadResult
from gmspolicy.loaders.http import Fetcher
from gmspolicy.plugins import loaders
from gmspolicy.testing import check_loader, fast_fetcher, small_reference

DATA = Path(__file__).parent / "data"
TODAY = dt.date(2025, 1, 15)
REFERENCE = small_reference()
SHEET = DATA / "network-sheet.csv"
OPTS = {
    "instrument": "Treaty",
    "action": "Status",
    "source_url": "https://example.org/network/ratifications",
    "source_title": "Network ratification table",
}


def ctx(fetcher: Fetcher | None = None) -> LoadContext:
    return LoadContext(reference=REFERENCE, fetcher=fetcher, today=TODAY)


def rows(result: LoadResult) -> list[tuple[str, str, str, str]]:
    return [
        (p.country, p.instrument, a.kind.value, a.date.isoformat())
        for p in result.participations
        for a in p.actions
    ]


def test_registered() -> None:
    assert isinstance(loaders().get("csv"), CsvSheetLoader)


def test_sheet_with_mapping_dayfirst_and_source() -> None:
    result = check_loader(CsvSheetLoader(), str(SHEET), {**OPTS, "dayfirst": "yes"}, ctx())
    assert rows(result) == [
        ("KHM", "ICRMW", "signature", "2004-09-27"),
        ("LAO", "UNTOC-TIP", "accession", "2003-09-26"),
        ("MMR", "CRC", "accession", "1991-07-15"),
        ("THA", "ILO-C029", "ratification", "1969-02-26"),
        ("VNM", "CRPD", "signature", "2007-10-22"),
    ]
    (source,) = result.sources
    assert (source.id, source.url, source.title, source.publisher, source.seen) == (
        "csv-example-org-network-ratifications-2025-01-15",
        "https://example.org/network/ratifications",
        "Network ratification table",
        "example.org",
        TODAY,
    )


def test_numeric_dates_need_dayfirst() -> None:
    with pytest.raises(LoaderError) as err:
        CsvSheetLoader().load(str(SHEET), OPTS, ctx())
    assert str(err.value).startswith(
        f"{SHEET}:2: ambiguous date '27/09/2004': give --opt dayfirst=yes (day/month/year) "
        "or --opt dayfirst=no (month/day/year); "
    )
    with pytest.raises(LoaderError) as err:
        CsvSheetLoader().load(str(SHEET), {**OPTS, "dayfirst": "no"}, ctx())
    assert str(err.value).startswith(f"{SHEET}:2: impossible date '27/09/2004'; ")


def test_value_map_for_actions(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "Land;Vertrag;Datum;Stand\nThailand;CRC;1992-03-27;beigetreten\n", encoding="utf-8"
    )
    opts = {
        "country": "Land",
        "instrument": "Vertrag",
        "date": "Datum",
        "action": "Stand",
        "action.beigetreten": "accession",
        "source_url": "https://example.org/x",
    }
    assert rows(CsvSheetLoader().load(str(path), opts, ctx())) == [
        ("THA", "CRC", "accession", "1992-03-27")
    ]
    with pytest.raises(UsageError) as err:
        CsvSheetLoader().load(str(path), {**opts, "action.beigetreten": "joined"}, ctx())
    assert str(err.value).startswith(
        "loader 'csv': option action.beigetreten='joined' must be one of: signature, "
    )
    with pytest.raises(LoaderError) as lerr:
        CsvSheetLoader().load(
            str(path),
            {**opts, "action.beigetreten": "accession", "action": "Stand", "country": "Country"},
            ctx(),
        )
    assert str(lerr.value) == (
        f"{path}:1: no column 'Country' (columns: Land, Vertrag, Datum, Stand); "
        "name it with --opt country=COLUMN"
    )


def test_bad_rows_are_all_reported(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "Country,Instrument,Date,Action\nNarnia,CRC,2001-01-01,ratified\n"
        "Thailand,XYZ,2001-01-01,ratified\nThailand,CRC,2001-01-01,maybe\n"
        "Thailand,CRC,2030-01-01,ratified\n",
        encoding="utf-8",
    )
    with pytest.raises(LoaderError) as err:
        CsvSheetLoader().load(str(path), {"source_url": "https://example.org/x"}, ctx())
    assert str(err.value) == (
        f"{path}:2: unknown country 'Narnia'; {path}:3: unknown instrument 'XYZ'; "
        f"{path}:4: unknown action 'maybe' (map it with --opt action.maybe=ratification); "
        f"{path}:5: date 2030-01-01 is in the future"
    )


def test_a_sheet_needs_a_source_url() -> None:
    with pytest.raises(UsageError) as err:
        CsvSheetLoader().load(str(SHEET), {"instrument": "Treaty"}, ctx())
    assert str(err.value) == (
        "loader 'csv' needs --opt source_url=URL (the published page the sheet's facts "
        "come from): a sheet is not itself a source"
    )


def test_sheet_over_http(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/sheet.csv").respond_with_data(
        SHEET.read_bytes(), content_type="text/csv"
    )
    fetcher = fast_fetcher()
    result = CsvSheetLoader().load(
        httpserver.url_for("/sheet.csv"), {**OPTS, "dayfirst": "yes"}, ctx(fetcher=fetcher)
    )
    assert len(result.participations) == 5
    assert fetcher.requests_sent == 1
