"""The Fetcher's retries (urllib3's Retry on the session) against a real HTTP server on
127.0.0.1: Retry-After forms, and one budget shared by urllib3's retries and the retries
of cut-off bodies."""

from __future__ import annotations

import email.utils
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from gmspolicy.errors import LoaderError
from gmspolicy.testing import fast_fetcher


def cut_off(_: object) -> Response:
    return Response(iter([b"half"]), headers={"Content-Length": "100"}, content_type="text/plain")


def test_an_invalid_retry_after_falls_back_to_the_backoff(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/p").respond_with_data(
        "busy", status=503, headers={"Retry-After": "in a while"}
    )
    httpserver.expect_ordered_request("/p").respond_with_data("ok")
    sleeps: list[float] = []
    fetcher = fast_fetcher(sleeps, retries=2, backoff=0.5)
    assert fetcher.get(httpserver.url_for("/p")).body == b"ok"
    assert sleeps == [0.5]


def test_retry_after_as_an_http_date(httpserver: HTTPServer) -> None:
    when = email.utils.formatdate(time.time() + 20, usegmt=True)
    httpserver.expect_ordered_request("/d").respond_with_data(
        "later", status=429, headers={"Retry-After": when}
    )
    httpserver.expect_ordered_request("/d").respond_with_data("ok")
    sleeps: list[float] = []
    assert fast_fetcher(sleeps, retries=1).get(httpserver.url_for("/d")).body == b"ok"
    (wait,) = sleeps
    assert 10 < wait <= 20  # the date is about 20 s ahead (whole seconds)


def test_waits_double_and_are_capped(httpserver: HTTPServer) -> None:
    for _ in range(4):
        httpserver.expect_ordered_request("/b").respond_with_data("no", status=502)
    httpserver.expect_ordered_request("/b").respond_with_data("yes")
    sleeps: list[float] = []
    fetcher = fast_fetcher(sleeps, retries=4, backoff=1.0)
    fetcher.max_wait = 3.0
    assert fetcher.get(httpserver.url_for("/b")).body == b"yes"
    assert sleeps == [1.0, 2.0, 3.0, 3.0]


def test_a_cut_off_body_and_a_5xx_share_one_budget(httpserver: HTTPServer) -> None:
    url = httpserver.url_for("/s")
    httpserver.expect_ordered_request("/s").respond_with_handler(cut_off)
    httpserver.expect_ordered_request("/s").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/s").respond_with_data("whole")
    sleeps: list[float] = []
    assert fast_fetcher(sleeps, retries=2, backoff=0.5).get(url).body == b"whole"
    assert sleeps == [0.5, 1.0]

    httpserver.clear()
    httpserver.expect_ordered_request("/s").respond_with_handler(cut_off)
    httpserver.expect_ordered_request("/s").respond_with_data("busy", status=503)
    with pytest.raises(LoaderError) as err:
        fast_fetcher(retries=1).get(url)
    assert str(err.value) == f"{url}: HTTP 503 (after 2 attempts)"
    assert len(httpserver.log) == 2


def test_no_retries_at_all(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/z").respond_with_data("no", status=500)
    url = httpserver.url_for("/z")
    sleeps: list[float] = []
    with pytest.raises(LoaderError) as err:
        fast_fetcher(sleeps, retries=0).get(url)
    assert (str(err.value), sleeps, len(httpserver.log)) == (
        f"{url}: HTTP 500 (after 1 attempts)",
        [],
        1,
    )
