"""HTTP fetching for loaders: timeouts, retries with backoff, a size cap and a cache.

- connect and read timeouts on every request;
- retries on connection errors, timeouts, 429 and 5xx by urllib3's :class:`~urllib3.util.Retry`
  on the requests session: exponential backoff (``backoff``, doubling from the first
  retry), a ``Retry-After`` header (seconds or an HTTP date) honoured, every wait capped
  by ``max_wait``; the wait function is injectable (``sleep``) so tests run fast;
- what urllib3 does not do, done here: bodies larger than ``max_bytes`` are refused while
  streaming (no unbounded reads); a body not complete within ``body_timeout`` seconds is
  abandoned (a server that trickles a byte at a time never trips the per-read timeout);
  a cut-off or abandoned body is retried from the same retry budget;
- redirects are followed up to a limit; a loop is an error;
- an optional persistent cache (requests-cache's SQLite backend) so that a second run
  sends no request at all and works offline. Only complete ``200`` responses are stored,
  and only after their whole body was read and checked (a streamed response is saved
  explicitly: requests-cache alone would store a streamed body unread). A stored response
  is given back only when it reads back whole and within ``max_bytes``; anything else is
  fetched again.

Every failure is a :class:`~gmspolicy.errors.LoaderError` naming the URL.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
from urllib3.exceptions import InvalidHeader, MaxRetryError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

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


class _BodyFault(Exception):
    """The body was cut off or too slow: a transient failure urllib3 does not retry."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Retries(Retry):
    """urllib3's :class:`~urllib3.util.Retry` with the Fetcher's waits: ``backoff`` doubling
    from the first retry, ``Retry-After`` preferred when the server sends a valid one,
    every wait capped at ``backoff_max`` and passed to an injectable ``sleep``."""

    sleeper: Callable[[float], None] = staticmethod(time.sleep)

    def new(self, **kw: Any) -> _Retries:
        """A copy with ``kw`` changed (urllib3 makes one per retry); keeps ``sleeper``."""
        retry = super().new(**kw)
        retry.sleeper = self.sleeper
        return retry

    def get_backoff_time(self) -> float:
        """``backoff * 2 ** (n - 1)`` after the ``n``-th consecutive failure, capped."""
        failures = 0
        for entry in reversed(self.history):
            if entry.redirect_location is not None:
                break
            failures += 1
        if failures == 0:
            return 0.0
        return float(min(self.backoff_factor * 2.0 ** (failures - 1), self.backoff_max))

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        """Wait before the next attempt: ``Retry-After`` if valid, else the backoff."""
        wait: float | None = None
        if response is not None and self.respect_retry_after_header:
            try:
                wait = self.get_retry_after(response)
            except InvalidHeader:
                wait = None
        if wait is None:
            wait = self.get_backoff_time()
        self.sleeper(float(min(max(wait, 0.0), self.backoff_max)))


@attrs.define
class Fetcher:
    """An HTTP client for loaders. Create once per run; reuse for every URL.

    ``cache_dir``: where the persistent cache lives (``None``: no cache).
    ``offline``: serve only from the cache; a miss is an error, no request is sent.
    ``requests_sent`` counts the fetches that went to the network (retries made by
    urllib3 within one fetch are not counted separately; 0 when the cache answered).
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
            from requests.adapters import HTTPAdapter

            session = requests.Session()
            session.max_redirects = self.max_redirects
            session.headers["User-Agent"] = self.user_agent
            adapter = HTTPAdapter(max_retries=self._retries())
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._session = session
        return self._session

    def _retries(self) -> _Retries:
        """The whole retry budget of one :meth:`get`."""
        retries = _Retries(
            total=self.retries,
            status_forcelist=RETRY_STATUSES,
            backoff_factor=self.backoff,
            backoff_max=self.max_wait,
            raise_on_status=False,  # the last 5xx comes back: its status is the message
            raise_on_redirect=False,
            respect_retry_after_header=True,
        )
        retries.sleeper = self.sleep
        return retries

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
            hit = _from_cache(cache, key, self.max_bytes)
            if hit is not None:
                return hit
        if self.offline:
            raise LoaderError(f"{url}: not in the cache, and --offline forbids fetching")
        retries = self._retries()
        while True:
            try:
                return self._attempt(url, cache, key, retries)
            except _BodyFault as fault:
                # urllib3 retried what happened before the headers; a cut-off or too slow
                # body is retried here, from what is left of the same budget
                try:
                    retries = retries.increment("GET", url)
                except MaxRetryError:
                    raise LoaderError(f"{url}: {fault.reason} {self._after}") from None
                retries.sleep()

    @property
    def _after(self) -> str:
        """How a message ends when the retry budget is spent."""
        return f"(after {self.retries + 1} attempts)"

    def _attempt(self, url: str, cache: Any, key: str | None, retries: _Retries) -> Response:
        session = self._get_session()
        session.get_adapter(url).max_retries = retries  # what is left of the budget
        self.requests_sent += 1
        resp = self._send(session, url)
        with resp:
            if resp.status_code in RETRY_STATUSES:
                raise LoaderError(f"{url}: HTTP {resp.status_code} {self._after}")
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

    def _send(self, session: Any, url: str) -> Any:
        """``GET url`` through the session (urllib3 retries); each failure as a message."""
        import requests

        try:
            return session.get(url, timeout=(self.connect_timeout, self.read_timeout), stream=True)
        except requests.exceptions.TooManyRedirects:
            raise LoaderError(f"{url}: too many redirects (a redirect loop?)") from None
        except requests.exceptions.ConnectTimeout:
            reason = "connection timed out"
        except requests.exceptions.ReadTimeout:
            reason = f"no response within {self.read_timeout:g} s"
        except requests.exceptions.ConnectionError as exc:
            reason = _connection_reason(exc)
            if reason == "read timed out":
                reason = f"no response within {self.read_timeout:g} s"
        except requests.exceptions.RequestException as exc:
            raise LoaderError(f"{url}: request failed: {type(exc).__name__}") from None
        raise LoaderError(f"{url}: {reason} {self._after}")

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
                    raise LoaderError(f"{url}: response too large (over {self.max_bytes} bytes)")
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise _BodyFault(
                        f"response too slow (body not complete within {self.body_timeout:g} s)"
                    )
        except (requests.exceptions.ConnectionError, urllib3.exceptions.ReadTimeoutError) as exc:
            raise _BodyFault(_connection_reason(exc)) from None
        except (
            requests.exceptions.ChunkedEncodingError,
            urllib3.exceptions.ProtocolError,
        ):
            raise _BodyFault("connection closed before the response was complete") from None
        except (requests.exceptions.ContentDecodingError, urllib3.exceptions.DecodeError):
            encoding = resp.headers.get("Content-Encoding", "")
            raise LoaderError(
                f"{url}: the response body is not valid {encoding or 'encoded'} data"
            ) from None
        body = b"".join(chunks)
        encoded = resp.headers.get("Content-Encoding", "identity").lower() != "identity"
        if declared and declared.isdigit() and not encoded and len(body) < int(declared):
            raise _BodyFault(f"truncated response ({len(body)} of {declared} bytes)")
        return body


def _body_chunks(resp: Any) -> Iterator[bytes]:
    """The body as it arrives: each read returns what one ``recv`` got (``read1``), so a
    server that trickles bytes cannot hold a read open past the deadline check."""
    while True:
        chunk: bytes = resp.raw.read1(65536, decode_content=True)
        if not chunk:
            return
        yield chunk


def _cache_key(url: str) -> str:
    import hashlib

    return "gmspolicy-get:" + hashlib.sha256(url.encode("utf-8")).hexdigest()


def _from_cache(cache: Any, key: str | None, max_bytes: int) -> Response | None:
    """The cached response of ``key``; ``None`` (fetched again, and stored anew) when
    there is none, or the stored one cannot be read, is not a complete ``200`` response
    or holds more than ``max_bytes``: the cache never gives what a fetch would refuse."""
    if key is None:
        return None
    try:
        resp = cache.get_response(key)
        if resp is None:
            return None
        body = resp.content
        found = Response(
            url=str(resp.url),
            status=resp.status_code,
            content_type=str(resp.headers.get("Content-Type", "")),
            body=body,
            from_cache=True,
        )
    except Exception:  # a damaged entry: fetched again
        found = None
    if found is None or found.status != 200 or not isinstance(found.body, bytes):
        return None
    if len(found.body) > max_bytes:
        return None
    return found


def _connection_reason(exc: Exception) -> str:
    text = str(exc)
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused"
    if "Read timed out" in text:
        return "read timed out"
    if "IncompleteRead" in text or "Connection broken" in text:
        return "connection closed before the response was complete"
    return "connection failed"
