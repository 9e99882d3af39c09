"""The action server: thin adapters from a conversation to the catalogue and back.

rasa_sdk has no start-up hook, and importing this package is how it starts:
so failures are set to be logged without conversation data, and the
catalogue is warmed here, in the background, before anyone asks.
"""
from actions.catalogue import warm_up_in_background
from bot import log_scrub

log_scrub.install()
warm_up_in_background()
