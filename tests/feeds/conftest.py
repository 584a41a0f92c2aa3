"""Fixtures for feed tests: a local HTTP server, a feeds database and a fetcher."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.feeds.server import FeedServer
from tui_reader.feeds import http
from tui_reader.feeds.fetcher import Fetcher
from tui_reader.feeds.store import FeedStore


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A fresh HTTP server on 127.0.0.1 (never the internet)."""
    srv = FeedServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def data_dir(isolated_user_dirs: dict[str, Path]) -> Path:
    return isolated_user_dirs["data"]


@pytest.fixture
def store(data_dir: Path) -> Iterator[FeedStore]:
    with FeedStore(data_dir) as feeds:
        yield feeds


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    """A client with short timeouts so the timeout case stays quick."""
    with http.make_client(httpx.Timeout(2.0, connect=2.0)) as c:
        yield c


@pytest.fixture
def fetcher(store: FeedStore, client: httpx.Client) -> Fetcher:
    return Fetcher(store, client=client)
