"""HTTP for feeds and article pages: polite, bounded, conditional.

One :class:`httpx.Client` is shared by every fetch of a run. Each request has
timeouts, follows at most :data:`MAX_REDIRECTS` redirects, names tui-reader in its
User-Agent, sends the stored ETag / Last-Modified so an unchanged feed costs a
304 and no body, and stops reading once the body passes the size limit (checked
while streaming, so a 50 MB response never sits in memory). Every failure becomes
a :class:`FetchError` with a one-line reason a person can act on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from tui_reader import __version__

USER_AGENT = f"tui-reader/{__version__} (terminal news reader; feeds)"
MAX_REDIRECTS = 5
FEED_MAX_BYTES = 10 * 1024 * 1024
PAGE_MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = httpx.Timeout(20.0, connect=10.0)
TOTAL_SECONDS = 60.0
"""A whole response must arrive within this, however slowly the server trickles it."""


class FetchError(Exception):
    """A fetch that failed; ``str(err)`` is the one-line reason shown per feed."""


@dataclass(frozen=True, slots=True)
class Response:
    """What a fetch brought back: a body (None for 304 Not Modified) and its validators."""

    url: str
    status: int
    body: bytes | None
    content_type: str
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        """True for a 304: the stored copy is still current."""
        return self.status == 304


def make_client(timeout: httpx.Timeout = TIMEOUT) -> httpx.Client:
    """The client every fetch of a run shares (connection reuse keeps refetches cheap)."""
    return httpx.Client(
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        timeout=timeout,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        limits=httpx.Limits(max_connections=16, max_keepalive_connections=8),
    )


def fetch(
    client: httpx.Client,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = FEED_MAX_BYTES,
    total_seconds: float = TOTAL_SECONDS,
    accept: str = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
) -> Response:
    """GET ``url`` conditionally; raise :class:`FetchError` with a short reason on failure."""
    headers = {"Accept": accept}
    deadline = time.monotonic() + total_seconds
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with client.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return Response(
                    str(response.url), 304, None, "", etag or None, last_modified or None
                )
            if response.status_code >= 400:
                phrase = response.reason_phrase or "error"
                raise FetchError(f"HTTP {response.status_code} {phrase}")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(
                    f"response too large ({_size(int(declared))}, limit {_size(max_bytes)})"
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"response too large (over {_size(max_bytes)})")
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise FetchError(f"timed out (no full response in {total_seconds:g} s)")
            return Response(
                url=str(response.url),
                status=response.status_code,
                body=b"".join(chunks),
                content_type=response.headers.get("content-type", ""),
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            )
    except FetchError:
        raise
    except httpx.TooManyRedirects:
        raise FetchError(
            f"too many redirects (more than {MAX_REDIRECTS}; a redirect loop?)"
        ) from None
    except httpx.TimeoutException as err:
        raise FetchError(f"timed out ({_kind(err)})") from None
    except httpx.UnsupportedProtocol:
        raise FetchError("not an http:// or https:// address") from None
    except httpx.InvalidURL as err:
        raise FetchError(f"invalid address: {err}") from None
    except httpx.DecodingError:
        raise FetchError("the server sent a body that could not be decompressed") from None
    except httpx.ConnectError as err:
        raise FetchError(f"cannot connect: {_reason(err)}") from None
    except httpx.HTTPError as err:
        raise FetchError(f"network error: {_reason(err)}") from None


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB" if count >= 1024 * 1024 else f"{count:,} bytes"


def _kind(err: httpx.TimeoutException) -> str:
    if isinstance(err, httpx.ConnectTimeout):
        return "connecting"
    if isinstance(err, httpx.ReadTimeout):
        return "waiting for data"
    return "network"


def _reason(err: Exception) -> str:
    text = str(err).strip() or type(err).__name__
    return " ".join(text.split())[:160]
