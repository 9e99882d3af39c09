"""The action server's actions (rasa_sdk loads every module of this package)."""
from bot import log_scrub

log_scrub.install()  # failures are logged with their tracebacks, but without conversation data
