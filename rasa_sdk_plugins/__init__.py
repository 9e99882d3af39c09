"""Plugins that rasa_sdk's action server loads by this package's name (rasa_sdk.plugin._discover_plugins).

rasa_sdk calls `attach_sanic_app_extensions` when it builds the server, so this is where the
action server is set up, not on importing `actions`:
- its own error handler answers a failing request with the exception's text and the whole
  request body, which is the tracker, so what the person wrote, and logs the traceback with
  the request; ours answers with a fixed text and logs only the kind of failure;
- failures are logged without conversation data (bot.privacy.log_scrub);
- the catalogue is warmed in the background once the server listens.
"""
from __future__ import annotations

import logging
import sys

import pluggy
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request

from actions.catalogue import warm_up_in_background
from bot.privacy import log_scrub

hookimpl = pluggy.HookimplMarker("rasa_sdk")
log = logging.getLogger("actions.server")


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(sys.modules[__name__])


@hookimpl
def attach_sanic_app_extensions(app: Sanic) -> None:
    log_scrub.install()
    app.error_handler.add(Exception, answer_without_content)
    app.register_listener(_warm_up, "after_server_start")


async def _warm_up(_app: Sanic, _loop: object) -> None:
    warm_up_in_background()


async def answer_without_content(request: Request, exception: Exception) -> response.HTTPResponse:
    """The status and a fixed word; never the request, never the exception's text."""
    status = exception.status_code if isinstance(exception, SanicException) else 500
    if status >= 500:
        log.error("action server request failed: %s", type(exception).__name__)
    return response.json({"error": "request failed" if status < 500 else "internal error"}, status=status)
