"""The Fetcher against a real HTTP server on 127.0.0.1: cache, offline, retries, caps."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from gmspolicy.errors import LoaderError
from gmspolicy.loaders.http import Fetcher


def fetcher(sleeps: list[float] | None = None, **kw: object) -> Fetcher:
    record = sleeps if sleeps is not None else []
    return Fetcher(retries=2, backoff=0.5, read_timeout=1.0, sleep=record.append, **kw)  # type: ignore[arg-type]


def test_warm_cache_sends_zero_requests_and_works_offline(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    body = b"<Treaty>" + b"x" * 300_000 + b"</Treaty>"  # several stream chunks
    httpserver.expect_request("/big.xml").respond_with_data(body, content_type="text/xml")
    url = httpserver.url_for("/big.xml")
    with fetcher(cache_dir=tmp_path) as cold:
        first = cold.get(url)
    assert (first.body, first.from_cache, cold.requests_sent) == (body, False, 1)
    with fetcher(cache_dir=tmp_path) as warm:
        second = warm.get(url)
    assert (second.body, second.from_cache, warm.requests_sent) == (body, True, 0)
    assert second.content_type == "text/xml"
    assert len(httpserver.log) == 1
    httpserver.clear()  # the server forgets the page: offline must still serve it
    with fetcher(cache_dir=tmp_path, offline=True) as offline:
        assert offline.get(url).body == body
        assert offline.requests_sent == 0
        with pytest.raises(LoaderError) as err:
            offline.get(httpserver.url_for("/other.xml"))
    assert str(err.value) == (
        f"{httpserver.url_for('/other.xml')}: not in the cache, and --offline forbids fetching"
    )
    assert httpserver.log == []


def test_failures_are_not_cached(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_ordered_request("/p").respond_with_data("no", status=503)
    httpserver.expect_ordered_request("/p").respond_with_data("no", status=503)
    httpserver.expect_ordered_request("/p").respond_with_data("no", status=503)
    httpserver.expect_ordered_request("/p").respond_with_data("yes")
    sleeps: list[float] = []
    url = httpserver.url_for("/p")
    with fetcher(sleeps, cache_dir=tmp_path) as f, pytest.raises(LoaderError) as err:
        f.get(url)
    assert str(err.value) == f"{url}: HTTP 503 (after 3 attempts)"
    assert sleeps == [0.5, 1.0]
    with fetcher(cache_dir=tmp_path) as f:
        assert (f.get(url).body, f.requests_sent) == (b"yes", 1)


def test_retry_after_seconds_and_cap(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/r").respond_with_data(
        "", status=429, headers={"Retry-After": "120"}
    )
    httpserver.expect_ordered_request("/r").respond_with_data(
        "", status=503, headers={"Retry-After": "3"}
    )
    httpserver.expect_ordered_request("/r").respond_with_data("ok")
    sleeps: list[float] = []
    f = fetcher(sleeps, max_wait=30.0)
    assert f.get(httpserver.url_for("/r")).body == b"ok"
    assert sleeps == [30.0, 3.0]


def test_chunked_body_over_the_cap(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/c").respond_with_handler(
        lambda _: Response(iter([b"a" * 600, b"b" * 600]), content_type="text/plain")
    )
    url = httpserver.url_for("/c")
    with pytest.raises(LoaderError) as err:
        fetcher(max_bytes=1000).get(url)
    assert str(err.value) == f"{url}: response too large (over 1000 bytes)"


def test_not_a_url() -> None:
    with pytest.raises(LoaderError) as err:
        fetcher().get("ftp://example.org/x")
    assert str(err.value) == "ftp://example.org/x: not an http(s) URL"
