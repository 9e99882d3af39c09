"""What the Rasa server process can see of the parts a conversation needs.

A load balancer or an operator asks /webhooks/web/health: is a model
loaded, does the action server answer, does the catalogue open, does the
tracker store answer. Each check is bounded in time, so a hanging part makes
the check say "no" instead of hanging the health endpoint too.
"""
from __future__ import annotations

import asyncio
from typing import Awaitable, Callable
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import sqlalchemy as sa
from rasa.core.agent import Agent
from rasa.core.tracker_store import SQLTrackerStore

from bot.stores.forget import unwrap
from services_catalog.db import open_session
from services_catalog.models import Service

CHECK_TIMEOUT_S = 3.0


async def report(agent: Agent) -> dict[str, bool]:
    """Each part's name -> whether it answers."""
    checks: dict[str, Callable[[], Awaitable[bool]]] = {
        "actions": lambda: _action_server_answers(agent),
        "catalogue": lambda: asyncio.to_thread(_catalogue_opens),
        "conversations": lambda: asyncio.to_thread(_tracker_store_answers, agent),
    }
    results = await asyncio.gather(*(_bounded(check) for check in checks.values()))
    return {"model": agent.is_ready(), **dict(zip(checks, results))}


async def _bounded(check: Callable[[], Awaitable[bool]]) -> bool:
    try:
        return await asyncio.wait_for(check(), CHECK_TIMEOUT_S)
    except Exception:  # noqa: BLE001 - any failure means "does not answer"
        return False


async def _action_server_answers(agent: Agent) -> bool:
    if agent.action_endpoint is None:
        return False
    webhook = urlsplit(agent.action_endpoint.url)
    health = urlunsplit((webhook.scheme, webhook.netloc, "/health", "", ""))
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=CHECK_TIMEOUT_S)) as session:
        async with session.get(health) as response:
            return response.status == 200


def _catalogue_opens() -> bool:
    with open_session() as session:
        session.execute(sa.select(Service.id).limit(1)).all()
    return True


def _tracker_store_answers(agent: Agent) -> bool:
    store = unwrap(agent.tracker_store)
    if isinstance(store, SQLTrackerStore):
        with store.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    return True
