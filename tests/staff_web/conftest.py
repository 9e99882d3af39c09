"""A real staff_web server on loopback (aiohttp's TestServer), over the shipped catalogue or an empty one."""
from __future__ import annotations

import copy
import tempfile
import shutil
from pathlib import Path
from typing import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from staff_web.app import make_app
from staff_web.config import Limits
from staff_web.rate_limit import RateLimit
from tests.support.hsds import COMPLETE

TOKEN = "test-token-5f0c7d"
# Generous enough that no test but the rate-limit ones ever meets it.
UNLIMITED = RateLimit(per_second=1000.0, burst=1000)


@pytest.fixture
def private_catalogue(catalogue_url: str, tmp_path: Path) -> str:
    """A copy of the shipped catalogue that a test may change."""
    copy_path = tmp_path / "catalogue.sqlite"
    shutil.copy(catalogue_url.removeprefix("sqlite:///"), copy_path)
    return f"sqlite:///{copy_path}"


async def serve(url: str, token: str | None = TOKEN, reports_url: str | None = None, **limits) -> TestClient:
    app = make_app(url, token, Limits(**{"rate": UNLIMITED, **limits}), reports_url=reports_url or fresh_reports())
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client


@pytest.fixture
async def reader(catalogue_url: str) -> AsyncIterator[TestClient]:
    """Reads the shared shipped catalogue; must not write."""
    client = await serve(catalogue_url)
    yield client
    await client.close()


@pytest.fixture
async def writer(private_catalogue: str) -> AsyncIterator[TestClient]:
    client = await serve(private_catalogue)
    yield client
    await client.close()


def fresh_reports() -> str:
    """An empty reports store of the test's own, never var/reports.sqlite."""
    return f"sqlite:///{tempfile.mkdtemp(prefix='reports-')}/reports.sqlite"


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def example_service(**changes) -> dict:
    """The complete HSDS example of the catalogue tests (Bergen, drop-in, evenings), changed as asked."""
    return {**copy.deepcopy(COMPLETE), **changes}
