"""Veiviser's custom NLU components.

The Rasa server imports this package when it loads the model (and only the
Rasa server does: the action server imports bot.cues, not this), so the one
change to Rasa's own behaviour is made here: bot/action_response_check.py.
"""
from bot import action_response_check

action_response_check.install()
