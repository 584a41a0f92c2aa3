"""A real HTTP server on 127.0.0.1 for feed tests: routes, request counts, 304s, bad cases.

Each route is a :class:`Route` (body, headers, status, validators, delay, a
redirect). Requests are counted per path (and 304s separately), so a test can
assert that a refetch cost nothing but conditional GETs.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What one path serves."""

    body: bytes | Callable[[], Iterator[bytes]] = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    redirect: str | None = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    length: bool = True
    """Send Content-Length (off for streamed bodies whose size the client must measure)."""


class FeedServer:
    """Serves ``routes`` on 127.0.0.1:<free port> in a background thread."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.user_agents: list[str] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                server._serve(self)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients that hang up early (size limits, timeouts) are expected

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # stop() waits for the serving loop to look at its flag: every 0.05 s, not the
        # default 0.5 s that every test using a server paid at teardown.
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        with self._lock:
            self.hits[path] += 1
            self.user_agents.append(handler.headers.get("User-Agent", ""))
        route = self.routes.get(path)
        if route is None:
            self._send(handler, 404, b"not found", "text/plain", {})
            return
        if route.delay:
            time.sleep(route.delay)
        if route.redirect is not None:
            self._send(handler, 302, b"", "text/plain", {"Location": route.redirect})
            return
        validators: dict[str, str] = {}
        if route.etag:
            validators["ETag"] = route.etag
        if route.last_modified:
            validators["Last-Modified"] = route.last_modified
        match_etag = route.etag and handler.headers.get("If-None-Match") == route.etag
        match_date = (
            route.last_modified and handler.headers.get("If-Modified-Since") == route.last_modified
        )
        if route.status == 200 and (match_etag or (not route.etag and match_date)):
            with self._lock:
                self.not_modified[path] += 1
            self._send(handler, 304, b"", None, validators)
            return
        headers = {**validators, **route.headers}
        if callable(route.body):
            handler.send_response(route.status)
            handler.send_header("Content-Type", route.content_type)
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.send_header("Connection", "close")
            handler.end_headers()
            try:
                for chunk in route.body():
                    handler.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            handler.close_connection = True
            return
        self._send(handler, route.status, route.body, route.content_type, headers, route.length)

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str | None,
        headers: dict[str, str],
        length: bool = True,
    ) -> None:
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        for key, value in headers.items():
            handler.send_header(key, value)
        if status != 304:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if status != 304:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                handler.wfile.write(body)
