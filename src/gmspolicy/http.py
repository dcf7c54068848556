"""HTTP fetching for loaders: timeouts, retries with backoff, a size cap and a cache.

- connect and read timeouts on every request;
- retries on connection errors, 429 and 5xx, with exponential backoff that honours a
  ``Retry-After`` header (seconds or an HTTP date), capped by ``max_wait``;
- bodies larger than ``max_bytes`` are refused while streaming (no unbounded reads);
- redirects are followed up to a limit; a loop is an error;
- an optional persistent cache (requests-cache, SQLite) so that a second run works
  offline: cached responses are served without any request.

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


@attrs.define
class Fetcher:
    """An HTTP client for loaders. Create once per run; reuse for every URL.

    ``cache_dir``: where the persistent cache lives (``None``: no cache).
    ``offline``: serve only from the cache; a miss is an error, no request is sent.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    retries: int = 3
    backoff: float = 0.5
    max_wait: float = 30.0
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    cache_dir: Path | None = None
    offline: bool = False
    user_agent: str = "gmspolicy (+https://github.com/gmspolicy/gmspolicy)"
    sleep: Callable[[float], None] = time.sleep
    requests_sent: int = 0
    _session: Any = None

    def _get_session(self) -> Any:
        if self._session is None:
            import requests

            if self.cache_dir is not None:
                import requests_cache

                self.cache_dir.mkdir(parents=True, exist_ok=True)
                session: Any = requests_cache.CachedSession(
                    str(self.cache_dir / "http-cache"),
                    backend="sqlite",
                    expire_after=requests_cache.NEVER_EXPIRE,
                    allowable_codes=(200,),
                    stale_if_error=True,
                )
            else:
                session = requests.Session()
            session.max_redirects = self.max_redirects
            session.headers["User-Agent"] = self.user_agent
            self._session = session
        return self._session

    def close(self) -> None:
        """Close the underlying session."""
        if self._session is not None:
            self._session.close()
            self._session = None

    def get(self, url: str) -> Response:
        """Fetch ``url`` (following redirects, retrying transient failures)."""
        import requests

        if not url.startswith(("http://", "https://")):
            raise LoaderError(f"{url}: not an http(s) URL")
        session = self._get_session()
        attempt = 0
        while True:
            attempt += 1
            try:
                resp = self._request(session, url)
            except requests.exceptions.TooManyRedirects:
                raise LoaderError(f"{url}: too many redirects (a redirect loop?)") from None
            except requests.exceptions.ConnectTimeout:
                error = "connection timed out"
            except requests.exceptions.ReadTimeout:
                error = f"no response within {self.read_timeout:g} s"
            except requests.exceptions.ConnectionError as exc:
                error = _connection_reason(exc)
            except requests.exceptions.RequestException as exc:
                raise LoaderError(f"{url}: request failed: {type(exc).__name__}") from None
            else:
                if isinstance(resp, Response):
                    if resp.status == 200:
                        return resp
                    if resp.status not in RETRY_STATUSES or attempt > self.retries:
                        raise LoaderError(f"{url}: HTTP {resp.status}")
                    self.sleep(self._wait(attempt, None))
                    continue
                status, retry_after = resp
                if attempt > self.retries:
                    raise LoaderError(f"{url}: HTTP {status} after {attempt} attempts")
                self.sleep(self._wait(attempt, retry_after))
                continue
            if attempt > self.retries:
                raise LoaderError(f"{url}: {error} (after {attempt} attempts)")
            self.sleep(self._wait(attempt, None))

    def _request(self, session: Any, url: str) -> Response | tuple[int, str | None]:
        if self.offline:
            cached = _cached(session, url)
            if cached is None:
                raise LoaderError(f"{url}: not in the cache, and --offline forbids fetching")
            return cached
        cached = _cached(session, url)
        if cached is not None:
            return cached
        self.requests_sent += 1
        with session.get(
            url, timeout=(self.connect_timeout, self.read_timeout), stream=True
        ) as resp:
            if resp.status_code in RETRY_STATUSES:
                return (resp.status_code, resp.headers.get("Retry-After"))
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > self.max_bytes:
                raise LoaderError(
                    f"{url}: response too large ({int(declared)} bytes; limit {self.max_bytes})"
                )
            chunks: list[bytes] = []
            size = 0
            deadline = time.monotonic() + self.read_timeout * 3
            for chunk in resp.iter_content(65536):
                size += len(chunk)
                if size > self.max_bytes:
                    raise LoaderError(f"{url}: response too large (over {self.max_bytes} bytes)")
                if time.monotonic() > deadline:
                    raise LoaderError(
                        f"{url}: response too slow (still sending after "
                        f"{self.read_timeout * 3:g} s)"
                    )
                chunks.append(chunk)
            body = b"".join(chunks)
            if declared and declared.isdigit() and len(body) < int(declared):
                raise LoaderError(f"{url}: truncated response ({len(body)} of {declared} bytes)")
            return Response(
                url=resp.url,
                status=resp.status_code,
                content_type=resp.headers.get("Content-Type", ""),
                body=body,
                from_cache=bool(getattr(resp, "from_cache", False)),
            )

    def _wait(self, attempt: int, retry_after: str | None) -> float:
        wait: float = self.backoff * 2.0 ** (attempt - 1)
        if retry_after:
            parsed = _retry_after_seconds(retry_after)
            if parsed is not None:
                wait = parsed
        return min(max(wait, 0.0), self.max_wait)


def _cached(session: Any, url: str) -> Response | None:
    cache = getattr(session, "cache", None)
    if cache is None:
        return None
    key = cache.create_key(method="GET", url=url)
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
    if "IncompleteRead" in text or "ChunkedEncodingError" in type(exc).__name__:
        return "connection closed before the response was complete"
    return "connection failed"
