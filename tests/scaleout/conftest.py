"""Two Rasa servers and two action servers behind round-robin proxies, sharing PostgreSQL and Redis.

One stack for the whole package (four servers take a minute to start on
two cores). Skips, saying why, where PostgreSQL or Redis is not reachable.
"""
from __future__ import annotations

import secrets
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import redis

from bot.privacy import pseudonym
from bot.stores import retention
from bot.stores import locks as lock_store
from harness import stack_client
from tests.conftest import _temporary_postgres_database
from veiviser import supervisor

REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 1
REPLICAS = 2


@pytest.fixture(scope="package")
def tracker_url() -> Iterator[str]:
    """A temporary PostgreSQL database shared by the replicas as their tracker store."""
    yield from _temporary_postgres_database(prepare=lambda url: None)


@pytest.fixture(scope="package")
def lock_prefix() -> Iterator[str]:
    """This run's own Redis key prefix (Rasa wants it alphanumeric); its keys are deleted afterwards."""
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis not reachable at {REDIS_HOST}:{REDIS_PORT}: {error}")
    prefix = f"veiviserscaleout{uuid.uuid4().hex[:12]}"
    yield prefix
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    client.close()


@pytest.fixture(scope="package")
def pseudonym_key() -> Iterator[str]:
    """One key for the replicas and this process, so the test can find each conversation in the store."""
    key = secrets.token_hex(32)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(pseudonym.KEY_ENV, key)
        pseudonym._key.cache_clear()
        yield key
    pseudonym._key.cache_clear()


@pytest.fixture(scope="package")
def replicas(model: Path, catalogue_url: str, tracker_url: str, lock_prefix: str, pseudonym_key: str,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[supervisor.Stack]:
    logs = tmp_path_factory.mktemp("replicas")
    settings = {
        **stack_client.settings(logs, catalogue_url),
        retention.TRACKER_URL_SETTING: tracker_url,
        "VEIVISER_LOCK_STORE": lock_store.MODULE_PATH,
        "VEIVISER_REDIS_HOST": REDIS_HOST,
        "VEIVISER_REDIS_PORT": str(REDIS_PORT),
        "VEIVISER_REDIS_DB": str(REDIS_DB),
        "VEIVISER_REDIS_KEY_PREFIX": lock_prefix,
        pseudonym.KEY_ENV: pseudonym_key,
    }
    stack = supervisor.start_replicas(REPLICAS, model, log_dir=logs, settings=settings)
    try:
        yield stack
    finally:
        supervisor.stop(stack)
