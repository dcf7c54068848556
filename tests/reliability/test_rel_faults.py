"""Every remote loader against network faults on 127.0.0.1: a clear LoaderError, and
``gmspolicy fetch`` leaves the dataset directory byte-identical."""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from reliability_kit import Run, free_port, no_traceback, snapshot
from werkzeug import Request
from werkzeug import Response as WResponse

from gmspolicy import plugins
from gmspolicy.loaders import http
from gmspolicy.plugins import loaders
from gmspolicy.testing import check_loader_faults, small_reference

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
TODAY = dt.date(2025, 1, 15)
CSV_OPTS = {
    "instrument": "Treaty",
    "action": "Status",
    "dayfirst": "yes",
    "source_url": "https://example.org/network/ratifications",
    "source_title": "Network ratification table",
}

#: loader -> (sample body, content type it is served with, options, what a wrong type says)
LOADERS: dict[str, tuple[Path, str, dict[str, str], str]] = {
    "untc": (
        PLUGINS / "untc/tests/data/iv-13.en.xml",
        "text/xml; charset=utf-8",
        {"instrument": "CONV", "unknown": "skip"},
        "(expected XML, CSV or HTML)",
    ),
    "ohchr": (
        PLUGINS / "ohchr/tests/data/THA_ratifications.xls",
        "application/vnd.ms-excel",
        {"unknown": "skip"},
        "(expected an HTML table saved as .xls)",
    ),
    "normlex": (
        PLUGINS / "normlex/tests/data/ratifications-tha.html",
        "text/html; charset=utf-8",
        {},
        "(expected the NORMLEX HTML page)",
    ),
    "csv": (
        PLUGINS / "csvsheet/tests/data/network-sheet.csv",
        "text/csv; charset=utf-8",
        {**CSV_OPTS, "unknown": "skip"},
        "(expected a CSV sheet)",
    ),
}

READ_TIMEOUT = 0.25
BODY_TIMEOUT = 0.5
MAX_BYTES = 1_000_000


@pytest.fixture(autouse=True)
def fresh_registries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plugins, "_registries", {})


@pytest.fixture
def quick_fetcher(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Configure the CLI's Fetcher for a fast suite: short timeouts, one retry, and waits
    recorded instead of slept. The Fetcher's own code runs unchanged."""
    waits: list[float] = []
    monkeypatch.setattr(
        http,
        "Fetcher",
        functools.partial(
            http.Fetcher,
            read_timeout=READ_TIMEOUT,
            body_timeout=BODY_TIMEOUT,
            connect_timeout=2.0,
            retries=1,
            backoff=0.01,
            max_bytes=MAX_BYTES,
            sleep=waits.append,
        ),
    )
    return waits


def drip(body: bytes, pause: float) -> Callable[[Request], WResponse]:
    """A handler that sends the body one byte at a time, ``pause`` seconds apart: every
    read gets a byte well within the read timeout, the whole never arrives in time."""

    def chunks() -> Iterator[bytes]:
        for i in range(len(body)):
            yield body[i : i + 1]
            time.sleep(pause)

    def handler(_: Request) -> WResponse:
        return WResponse(
            chunks(), headers={"Content-Length": str(len(body))}, content_type="text/plain"
        )

    return handler


def slow_headers(_: Request) -> WResponse:
    time.sleep(READ_TIMEOUT * 3)
    return WResponse("late", content_type="text/plain")


FAULTS = (
    "connection-refused",
    "timeout",
    "slow-drip",
    "oversized",
    "redirect-loop",
    "wrong-content-type",
    "http-500",
    "truncated",
)


def serve_fault(server: HTTPServer, fault: str, path: str, body: bytes, ctype: str) -> str:
    """Set ``server`` up for ``fault``; return the URL to fetch."""
    server.clear()
    url = server.url_for(path)
    if fault == "connection-refused":
        return f"http://127.0.0.1:{free_port()}{path}"
    if fault == "timeout":
        server.expect_request(path).respond_with_handler(slow_headers)
    elif fault == "slow-drip":
        server.expect_request(path).respond_with_handler(drip(body[:400], 0.02))
    elif fault == "oversized":
        big = body * (MAX_BYTES // len(body) + 2)
        server.expect_request(path).respond_with_data(big, content_type=ctype)
    elif fault == "redirect-loop":
        server.expect_request("/loop-a").respond_with_data(
            "", status=302, headers={"Location": server.url_for("/loop-b")}
        )
        server.expect_request("/loop-b").respond_with_data(
            "", status=302, headers={"Location": server.url_for("/loop-a")}
        )
        return server.url_for("/loop-a")
    elif fault == "wrong-content-type":
        server.expect_request(path).respond_with_data(
            b"\x89PNG\r\n\x1a\n not a table", content_type="image/png"
        )
    elif fault == "http-500":
        server.expect_request(path).respond_with_data("oops", status=500)
    elif fault == "truncated":
        server.expect_request(path).respond_with_handler(
            lambda _: WResponse(
                iter([body[: len(body) // 2]]),
                headers={"Content-Length": str(len(body))},
                content_type=ctype,
            )
        )
    return url


def expected_message(fault: str, loader: str, url: str, body: bytes) -> str:
    big = len(body) * (MAX_BYTES // len(body) + 2)
    return {
        "connection-refused": f"{url}: connection refused (after 2 attempts)",
        "timeout": f"{url}: no response within {READ_TIMEOUT:g} s (after 2 attempts)",
        "slow-drip": f"{url}: response too slow (body not complete within "
        f"{BODY_TIMEOUT:g} s) (after 2 attempts)",
        "oversized": f"{url}: response too large ({big} bytes; limit {MAX_BYTES})",
        "redirect-loop": f"{url}: too many redirects (a redirect loop?)",
        "wrong-content-type": f"{url}: unexpected content type 'image/png' " + LOADERS[loader][3],
        "http-500": f"{url}: HTTP 500 (after 2 attempts)",
        "truncated": f"{url}: connection closed before the response was complete "
        "(after 2 attempts)",
    }[fault]


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_fetch_survives_every_fault_and_leaves_the_dataset_byte_identical(
    loader: str,
    httpserver: HTTPServer,
    quick_fetcher: list[float],
    cli: Run,
    make_dataset: Callable[..., Path],
) -> None:
    sample, ctype, options, _ = LOADERS[loader]
    body = sample.read_bytes()
    root = make_dataset()
    before = snapshot(root)
    opts = [a for k, v in options.items() for a in ("--opt", f"{k}={v}")]
    got: dict[str, tuple[int, str, str]] = {}
    want: dict[str, tuple[int, str, str]] = {}
    for fault in FAULTS:
        url = serve_fault(httpserver, fault, f"/{loader}/{sample.name}", body, ctype)
        got[fault] = cli("fetch", loader, url, *opts, "--into", str(root))
        want[fault] = (1, "", expected_message(fault, loader, url, body) + "\n")
        no_traceback(got[fault][2])
        assert snapshot(root) == before, f"{loader}/{fault} changed the dataset"
    assert got == want


def test_a_drip_that_finishes_in_time_is_fine(httpserver: HTTPServer) -> None:
    body = b"x" * 40
    httpserver.expect_request("/d").respond_with_handler(drip(body, 0.01))
    fetcher = http.Fetcher(read_timeout=1.0, body_timeout=30.0, retries=0)
    assert fetcher.get(httpserver.url_for("/d")).body == body


def test_garbage_gzip_body_is_a_loader_error(httpserver: HTTPServer) -> None:
    from gmspolicy.errors import LoaderError

    httpserver.expect_request("/z").respond_with_data(
        b"this is not gzip data", headers={"Content-Encoding": "gzip"}, content_type="text/csv"
    )
    url = httpserver.url_for("/z")
    with pytest.raises(LoaderError) as err:
        http.Fetcher(retries=0).get(url)
    assert str(err.value) == f"{url}: the response body is not valid gzip data"


def test_csv_loader_passes_the_shared_fault_check(httpserver: HTTPServer) -> None:
    """The csv loader's plugin tests do not run check_loader_faults: run it here."""
    csv_loader: Any = loaders().get("csv")
    sample = LOADERS["csv"][0]
    messages = check_loader_faults(
        csv_loader,
        httpserver,
        path="/sheet.csv",
        body=sample.read_bytes(),
        content_type="text/csv",
        options=CSV_OPTS | {"unknown": "skip"},
        reference=small_reference(),
        today=TODAY,
    )
    url = "http://SERVER/sheet.csv"
    size = len(sample.read_bytes())
    assert messages == {
        "timeout": f"{url}: no response within 0.25 s (after 2 attempts)",
        "http-500": f"{url}: HTTP 500 (after 2 attempts)",
        "http-404": f"{url}: HTTP 404",
        "truncated": f"{url}: connection closed before the response was complete "
        "(after 2 attempts)",
        "html-error-page": f"{url}: expected a CSV sheet, got an HTML page "
        "(title: 'Service Unavailable')",
        "wrong-content-type": f"{url}: unexpected content type 'application/pdf' "
        "(expected a CSV sheet)",
        "redirect-loop": f"{url}: too many redirects (a redirect loop?)",
        "oversized": f"{url}: response too large ({size} bytes; limit {size - 1})",
        "connection-refused": f"{url}: connection refused (after 2 attempts)",
    }
