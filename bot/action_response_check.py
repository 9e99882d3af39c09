"""Rasa checks every action server answer against a JSON schema; this makes that check cost what it should.

Rasa 3.6's RemoteAction._validate_action_result calls `jsonschema.validate`,
which first checks Rasa's (constant) schema against the JSON Schema 2020-12
meta-schema, on every call: about 30 ms of CPU each time on this machine,
against 0.3 ms for checking the answer itself. Every form turn calls the
action server once or twice (slot validation, the search), so it was the
largest single part of a Veiviser turn (bench/breakdown.py, docs/benchmarks.md).

The replacement validates the same answers against the same schema with the
same validator class and raises the same error with the same message; only
the schema's own check is done once, at import. Rasa is pinned (==3.6.21),
and `install` refuses to patch a RemoteAction that no longer looks like it.
"""
from __future__ import annotations

from typing import Any, Dict

from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_SCHEMA = RemoteAction.action_response_format_spec()
_VALIDATOR_CLASS = validators.validator_for(_SCHEMA)
_VALIDATOR_CLASS.check_schema(_SCHEMA)
_VALIDATOR = _VALIDATOR_CLASS(_SCHEMA)


def validate_action_result(_action: RemoteAction, result: Dict[str, Any]) -> bool:
    """What RemoteAction._validate_action_result does, against a validator built once."""
    error = best_match(_VALIDATOR.iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the"
            f" Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install() -> None:
    """Put the check in place of Rasa's own (idempotent)."""
    if RemoteAction._validate_action_result is validate_action_result:
        return
    if not callable(getattr(RemoteAction, "_validate_action_result", None)):
        raise RuntimeError("Rasa's RemoteAction changed: review bot/action_response_check.py")
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


__all__ = ["install", "validate_action_result", "ValidationError"]
