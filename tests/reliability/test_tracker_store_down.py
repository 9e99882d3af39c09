"""Conversations in PostgreSQL, chosen by URL alone; when that database goes away, the person still gets 113."""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from conversation.texts import response_text
from bot.privacy.pseudonym import pseudonym
from tests.conftest import POSTGRES_ADMIN_URL
from tests.reliability.conftest import StartStack
from harness.stack_client import forget, health, say, stored_senders

pytestmark = pytest.mark.e2e


def test_conversations_live_in_postgresql_and_its_loss_is_survived(start_stack: StartStack, postgres_database_url):
    stack, _ = start_stack(VEIVISER_TRACKER_URL=postgres_database_url)
    widget = str(uuid.uuid4())
    assert any("Hvor bor du" in r for r in say(stack, widget, "sønnen min ruser seg, hva gjør jeg"))
    assert pseudonym("web", widget) in stored_senders(postgres_database_url)
    assert forget(stack, widget)[0] == 200
    assert pseudonym("web", widget) not in stored_senders(postgres_database_url)

    second = str(uuid.uuid4())
    say(stack, second, "sønnen min ruser seg, hva gjør jeg")
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        name = sa.engine.make_url(postgres_database_url).database
        connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()

    replies = " ".join(say(stack, second, "Trondheim"))
    assert "113" in replies and "116 123" in replies, replies
    assert say(stack, second, "han har tatt en overdose")[0] == response_text("utter_crisis_overdose")
    assert forget(stack, second) == (503, [{"recipient_id": pseudonym("web", second),
                                            "text": response_text("utter_conversation_not_deleted")}])
    assert health(stack)[1]["conversations"] is False
