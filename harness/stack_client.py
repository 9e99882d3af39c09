"""Talk to a running stack the way the chat page does (plain HTTP on loopback), and read what it stored."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bot.stores import retention
from services_catalog.reports import REPORTS_URL_SETTING
from veiviser import supervisor

WEB_CHANNEL = "/webhooks/web"


def settings(directory: Path, catalogue_url: str) -> dict[str, str]:
    """A stack of its own: the given catalogue, conversations and reports in `directory`."""
    return {"VEIVISER_CATALOG_URL": catalogue_url,
            retention.TRACKER_URL_SETTING: f"sqlite:///{directory / 'conversations.sqlite'}",
            REPORTS_URL_SETTING: f"sqlite:///{directory / 'reports.sqlite'}"}


def request(url: str, payload: Any | None = None, timeout: float = 60) -> tuple[int, Any]:
    """Status and decoded JSON body (text if not JSON); errors are returned, not raised."""
    data = None if payload is None else json.dumps(payload).encode()
    outgoing = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(outgoing, timeout=timeout) as response:
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    try:
        return status, json.loads(body)
    except json.JSONDecodeError:
        return status, body


def exchange(stack: supervisor.Stack, sender: str, text: str) -> list[dict]:
    status, messages = request(f"{stack.rasa_url}{WEB_CHANNEL}/webhook", {"sender": sender, "message": text})
    assert status == 200, (status, messages)
    return messages


def say(stack: supervisor.Stack, sender: str, text: str) -> list[str]:
    return [m.get("text", "") for m in exchange(stack, sender, text)]


def forget(stack: supervisor.Stack, sender: str) -> tuple[int, list[dict]]:
    return request(f"{stack.rasa_url}{WEB_CHANNEL}/forget", {"sender": sender})


def health(stack: supervisor.Stack) -> tuple[int, dict]:
    return request(f"{stack.rasa_url}{WEB_CHANNEL}/health")


def stored_events(tracker_url: str) -> list[tuple[str, str]]:
    """(sender_id, data) of every event in a conversations database (Rasa's events table), in stored order."""
    engine = sa.create_engine(tracker_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT sender_id, data FROM events ORDER BY id"))
            return [(sender, data) for sender, data in rows]
    finally:
        engine.dispose()


def stored_senders(tracker_url: str) -> set[str]:
    return {sender for sender, _ in stored_events(tracker_url)}
