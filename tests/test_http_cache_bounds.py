"""The persistent HTTP cache never gives what a fetch would refuse: a stored body over the
fetcher's size limit, or a damaged entry, is fetched again (against a real local server)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from gmspolicy.errors import LoaderError
from gmspolicy.loaders.http import Fetcher


def fetcher(tmp_path: Path, max_bytes: int) -> Fetcher:
    return Fetcher(retries=0, read_timeout=2.0, cache_dir=tmp_path, max_bytes=max_bytes)


def test_a_cached_body_over_the_limit_is_not_given(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/t.xml").respond_with_data(b"x" * 5000, content_type="text/xml")
    url = httpserver.url_for("/t.xml")
    with fetcher(tmp_path, 10_000) as f:
        assert len(f.get(url).body) == 5000
    with fetcher(tmp_path, 10_000) as f:
        assert f.get(url).from_cache and f.requests_sent == 0
    with fetcher(tmp_path, 1000) as f, pytest.raises(LoaderError) as err:
        f.get(url)  # not from the cache: asked again, and refused as a fetch is
    assert str(err.value) == f"{url}: response too large (5000 bytes; limit 1000)"
    assert f.requests_sent == 1


@pytest.mark.parametrize("damage", [b"", b"not json", b'{"url": 1}', b"\xff" * 100])
def test_a_damaged_entry_is_fetched_again(
    httpserver: HTTPServer, tmp_path: Path, damage: bytes
) -> None:
    httpserver.expect_request("/t.xml").respond_with_data(b"<ok/>", content_type="text/xml")
    url = httpserver.url_for("/t.xml")
    with fetcher(tmp_path, 10_000) as f:
        f.get(url)
    with sqlite3.connect(tmp_path / "http-cache.sqlite") as db:
        assert db.execute("UPDATE responses SET value = ?", (damage,)).rowcount == 1
    with fetcher(tmp_path, 10_000) as f:
        got = f.get(url)
        assert (got.body, got.from_cache, f.requests_sent) == (b"<ok/>", False, 1)
    with fetcher(tmp_path, 10_000) as f:  # stored anew
        assert f.get(url).from_cache
