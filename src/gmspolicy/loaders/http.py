"""HTTP fetching for loaders: timeouts, retries with backoff, a size cap and a cache.

- connect and read timeouts on every request;
- retries on connection errors, timeouts, cut-off bodies, 429 and 5xx, with exponential
  backoff that honours a ``Retry-After`` header (seconds or an HTTP date), capped by
  ``max_wait``; the wait function is injectable (``sleep``) so tests run fast;
- bodies larger than ``max_bytes`` are refused while streaming (no unbounded reads), and
  a body not complete within ``body_timeout`` seconds is abandoned (a server that
  trickles a byte at a time never trips the per-read timeout);
- redirects are followed up to a limit; a loop is an error;
- an optional persistent cache (requests-cache's SQLite backend) so that a second run
  sends no request at all and works offline. Only complete ``200`` responses are stored,
  and only after their whole body was read and checked (a streamed response is saved
  explicitly: requests-cache alone would store a streamed body unread).

Every failure is a :class:`~gmspolicy.errors.LoaderError` naming the URL.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from gmspolicy.errors import LoaderError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@attrs.frozen
class Response:
    """A fetched page: final URL, status, content type, body and whether it came from cache."""

    url: str
    status: int
    content_type: str
    body: bytes
    from_cache: bool = False

    def text(self) -> str:
        """The body decoded as UTF-8 (with replacement of invalid bytes)."""
        return self.body.decode("utf-8", errors="replace")

    @property
    def media_type(self) -> str:
        """The content type without parameters, lower case (``text/html``)."""
        return self.content_type.split(";", 1)[0].strip().lower()


class _Retry(Exception):
    """A transient failure: wait and try again (``reason`` ends the message if not)."""

    def __init__(self, reason: str, retry_after: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@attrs.define
class Fetcher:
    """An HTTP client for loaders. Create once per run; reuse for every URL.

    ``cache_dir``: where the persistent cache lives (``None``: no cache).
    ``offline``: serve only from the cache; a miss is an error, no request is sent.
    ``requests_sent`` counts the requests that went to the network.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    retries: int = 3
    backoff: float = 0.5
    max_wait: float = 30.0
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    body_timeout: float = 120.0
    cache_dir: Path | None = None
    offline: bool = False
    user_agent: str = "gmspolicy (+https://github.com/gmspolicy/gmspolicy)"
    sleep: Callable[[float], None] = time.sleep
    requests_sent: int = 0
    _session: Any = None
    _cache: Any = None

    def _get_session(self) -> Any:
        if self._session is None:
            import requests

            session = requests.Session()
            session.max_redirects = self.max_redirects
            session.headers["User-Agent"] = self.user_agent
            self._session = session
        return self._session

    def _get_cache(self) -> Any:
        if self._cache is None and self.cache_dir is not None:
            from requests_cache.backends.sqlite import SQLiteCache

            try:
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                # JSON, not requests-cache's default pickle: reading a cache directory
                # must never run code, whoever wrote into it
                self._cache = SQLiteCache(str(self.cache_dir / "http-cache"), serializer="json")
            except OSError as exc:
                raise LoaderError(
                    f"{self.cache_dir}: cannot use as cache directory: {exc.strerror or exc}"
                ) from None
        return self._cache

    def close(self) -> None:
        """Close the underlying session and cache."""
        if self._session is not None:
            self._session.close()
            self._session = None
        if self._cache is not None:
            close = getattr(self._cache.responses, "close", None)
            if close is not None:
                close()
            self._cache = None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str) -> Response:
        """Fetch ``url`` (from the cache if there; else following redirects, retrying
        transient failures) and return the complete response, status 200 only."""
        if not url.startswith(("http://", "https://")):
            raise LoaderError(f"{url}: not an http(s) URL")
        cache = self._get_cache()
        key = _cache_key(url) if cache is not None else None
        if cache is not None:
            hit = _from_cache(cache, key)
            if hit is not None:
                return hit
        if self.offline:
            raise LoaderError(f"{url}: not in the cache, and --offline forbids fetching")
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._attempt(url, cache, key)
            except _Retry as retry:
                if attempt > self.retries:
                    raise LoaderError(
                        f"{url}: {retry.reason} (after {attempt} attempts)"
                    ) from None
                self.sleep(self._wait(attempt, retry.retry_after))

    def _attempt(self, url: str, cache: Any, key: str | None) -> Response:
        import requests

        session = self._get_session()
        self.requests_sent += 1
        try:
            resp = session.get(
                url, timeout=(self.connect_timeout, self.read_timeout), stream=True
            )
        except requests.exceptions.TooManyRedirects:
            raise LoaderError(f"{url}: too many redirects (a redirect loop?)") from None
        except requests.exceptions.ConnectTimeout:
            raise _Retry("connection timed out") from None
        except requests.exceptions.ReadTimeout:
            raise _Retry(f"no response within {self.read_timeout:g} s") from None
        except requests.exceptions.ConnectionError as exc:
            raise _Retry(_connection_reason(exc)) from None
        except requests.exceptions.RequestException as exc:
            raise LoaderError(f"{url}: request failed: {type(exc).__name__}") from None
        with resp:
            if resp.status_code in RETRY_STATUSES:
                raise _Retry(f"HTTP {resp.status_code}", resp.headers.get("Retry-After"))
            if resp.status_code != 200:
                raise LoaderError(f"{url}: HTTP {resp.status_code}")
            body = self._read_body(url, resp)
            response = Response(
                url=str(resp.url),
                status=resp.status_code,
                content_type=resp.headers.get("Content-Type", ""),
                body=body,
            )
            if cache is not None:
                resp._content = body  # the body was streamed: hand it to requests-cache
                resp._content_consumed = True
                cache.save_response(resp, cache_key=key)
            return response

    def _read_body(self, url: str, resp: Any) -> bytes:
        import requests

        declared = resp.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise LoaderError(
                f"{url}: response too large ({int(declared)} bytes; limit {self.max_bytes})"
            )
        import urllib3.exceptions

        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + self.body_timeout
        try:
            for chunk in _body_chunks(resp):
                size += len(chunk)
                if size > self.max_bytes:
                    raise LoaderError(
                        f"{url}: response too large (over {self.max_bytes} bytes)"
                    )
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise _Retry(
                        f"response too slow (body not complete within {self.body_timeout:g} s)"
                    )
        except (requests.exceptions.ConnectionError, urllib3.exceptions.ReadTimeoutError) as exc:
            raise _Retry(_connection_reason(exc)) from None
        except (
            requests.exceptions.ChunkedEncodingError,
            urllib3.exceptions.ProtocolError,
        ):
            raise _Retry("connection closed before the response was complete") from None
        except (requests.exceptions.ContentDecodingError, urllib3.exceptions.DecodeError):
            encoding = resp.headers.get("Content-Encoding", "")
            raise LoaderError(
                f"{url}: the response body is not valid {encoding or 'encoded'} data"
            ) from None
        body = b"".join(chunks)
        encoded = resp.headers.get("Content-Encoding", "identity").lower() != "identity"
        if declared and declared.isdigit() and not encoded and len(body) < int(declared):
            raise _Retry(f"truncated response ({len(body)} of {declared} bytes)")
        return body

    def _wait(self, attempt: int, retry_after: str | None) -> float:
        wait: float = self.backoff * 2.0 ** (attempt - 1)
        if retry_after:
            parsed = _retry_after_seconds(retry_after)
            if parsed is not None:
                wait = parsed
        return min(max(wait, 0.0), self.max_wait)


def _body_chunks(resp: Any) -> Any:
    """The body as it arrives: each read returns what one ``recv`` got (``read1``), so a
    server that trickles bytes cannot hold a read open past the deadline check."""
    read1 = getattr(resp.raw, "read1", None)
    if read1 is None:  # urllib3 1.x
        yield from resp.iter_content(65536)
        return
    while True:
        chunk = read1(65536, decode_content=True)
        if not chunk:
            return
        yield chunk


def _cache_key(url: str) -> str:
    import hashlib

    return "gmspolicy-get:" + hashlib.sha256(url.encode("utf-8")).hexdigest()


def _from_cache(cache: Any, key: str | None) -> Response | None:
    if key is None:
        return None
    resp = cache.get_response(key)
    if resp is None:
        return None
    return Response(
        url=str(resp.url),
        status=resp.status_code,
        content_type=resp.headers.get("Content-Type", ""),
        body=resp.content,
        from_cache=True,
    )


def _retry_after_seconds(value: str) -> float | None:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    seconds: float = (when - dt.datetime.now(dt.UTC)).total_seconds()
    return max(seconds, 0.0)


def _connection_reason(exc: Exception) -> str:
    text = str(exc)
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused"
    if "Read timed out" in text:
        return "read timed out"
    if "IncompleteRead" in text or "Connection broken" in text:
        return "connection closed before the response was complete"
    return "connection failed"
