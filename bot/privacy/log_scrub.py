"""Tracebacks in the logs, without the exception messages that can carry a conversation.

When an action fails, rasa_sdk answers 500 with the whole tracker (every
message) in the body, and Rasa logs that body inside its traceback; an SQL
error carries its parameters. The frames say where it broke, which is what an
operator needs, so they stay; the messages are withheld. Installed by the
web channel (Rasa server) and by the actions package (action server).
"""
from __future__ import annotations

import logging
import traceback

WITHHELD = "(message withheld: it may contain conversation data)"


def scrubbed_traceback(error: BaseException) -> str:
    """The usual traceback text, chained exceptions included, with every exception message replaced."""
    lines: list[str] = []
    for part in traceback.TracebackException.from_exception(error).format():
        if part.startswith(("Traceback", "  ", "\n", "During handling", "The above exception")):
            lines.append(part)
        else:  # "module.Error: message" (possibly several lines): keep only the type
            lines.append(f"{part.split(':', 1)[0].strip()}: {WITHHELD}\n")
    return "".join(lines).rstrip("\n")


class WithholdExceptionMessages(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrubbed_traceback(record.exc_info[1])
        return True


# Sanic's loggers may carry handlers of their own; its error logger prints a failed request's traceback.
SCRUBBED_LOGGERS = ("", "sanic.error", "sanic.root", "sanic.server")


def install() -> None:
    """Add the filter to every handler of the root logger and of Sanic's loggers, once."""
    handlers = [handler for name in SCRUBBED_LOGGERS for handler in logging.getLogger(name).handlers]
    for handler in handlers:
        if not any(isinstance(existing, WithholdExceptionMessages) for existing in handler.filters):
            handler.addFilter(WithholdExceptionMessages())
