"""What the bot says about privacy agrees with docs/privacy.md and with the settings."""
from __future__ import annotations

import re

import pytest

from bot.stores import retention
from conversation.texts import response_text
from tests.conftest import ROOT

PRIVACY_PAGE = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")
HOURS_WORD = {"nb": "timer", "en": "hours"}


@pytest.mark.parametrize("response", ["utter_privacy", "utter_conversation_not_deleted"])
@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_bot_states_the_configured_default_retention(response, language):
    stated = re.findall(rf"(\d+) {HOURS_WORD[language]}", response_text(response, language))
    assert stated and {int(hours) for hours in stated} == {retention.DEFAULT_RETENTION_HOURS}


def test_the_privacy_page_states_the_same_retention_and_names_its_settings():
    stated = {int(hours) for hours in re.findall(r"(\d+) hours", PRIVACY_PAGE)}
    assert stated == {retention.DEFAULT_RETENTION_HOURS}
    for setting in (retention.TRACKER_URL_SETTING, retention.RETENTION_SETTING):
        assert f"`{setting}`" in PRIVACY_PAGE


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_bot_no_longer_claims_memory_only_storage(language):
    answer = response_text("utter_privacy", language).lower()
    assert "minnet" not in answer and "memory" not in answer


def test_retention_setting_overrides_the_default_and_rejects_nonsense(monkeypatch):
    monkeypatch.setenv(retention.RETENTION_SETTING, "6")
    assert retention.retention().total_seconds() == 6 * 3600
    monkeypatch.setenv(retention.RETENTION_SETTING, "0")
    with pytest.raises(ValueError, match=retention.RETENTION_SETTING):
        retention.retention()


def test_the_local_conversations_and_key_live_in_the_projects_var_folder():
    """The folder the supervisor makes and docs/privacy.md names (a move of bot/ once put them in bot/var/)."""
    from bot.privacy.pseudonym import LOCAL_KEY_FILE
    from tests.conftest import ROOT

    assert retention.DEFAULT_TRACKER_DB.parent == LOCAL_KEY_FILE.parent == ROOT / "var"
