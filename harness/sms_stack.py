"""Drive the SMS channel as a gateway would: the real stack with its gateways pointed at a fake one.

Used by the SMS tests and bench/sms_segments.py.
"""
from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from twilio.request_validator import RequestValidator

from bot.channels.sms_gateways import signed_headers
from harness.sms_gateway import FakeGateway
from harness import stack_client
from veiviser import supervisor

SECRET = "generic-test-secret"
GATE_SECRET = "link-gate-secret"
TWILIO_SID = "AC0123456789abcdef0123456789abcdef"
TWILIO_TOKEN = "twilio-test-token"
TWILIO_NUMBER = "+4759440000"
QUIET_S = 1.5  # a turn's SMS are sent back to back; this long without one means the turn is done


def sms_settings(gateway: FakeGateway) -> dict[str, str]:
    """Every gateway on, each sending to its own path on the fake gateway."""
    return {
        "VEIVISER_PSEUDONYM_KEY": "sms-test-key",
        "VEIVISER_SMS_SECRET": SECRET,
        "VEIVISER_SMS_SEND_URL": f"{gateway.url}/generic/send",
        "VEIVISER_LINK_GATE_SECRET": GATE_SECRET,
        "VEIVISER_LINK_BASE_URL": f"{gateway.url}/link",
        "VEIVISER_LINK_USERNAME": "link-user",
        "VEIVISER_LINK_PASSWORD": "link-password",
        "VEIVISER_LINK_PLATFORM_ID": "COMMON_API",
        "VEIVISER_LINK_PLATFORM_PARTNER_ID": "4242",
        "VEIVISER_LINK_SENDER": "Veiviser",
        "VEIVISER_TWILIO_ACCOUNT_SID": TWILIO_SID,
        "VEIVISER_TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "VEIVISER_TWILIO_SENDER": TWILIO_NUMBER,
        "VEIVISER_TWILIO_API_BASE": f"{gateway.url}/twilio",
    }


@contextmanager
def running_sms_stack(model: Path, catalogue_url: str, gateway: FakeGateway, log_dir: Path,
                      extra: dict[str, str] | None = None) -> Iterator[supervisor.Stack]:
    """Action server and Rasa server (no chat page) on free ports, logs in `log_dir`."""
    settings = {**stack_client.settings(log_dir, catalogue_url), **sms_settings(gateway), **(extra or {})}
    with supervisor.running(supervisor.Ports.free(), model, log_dir=log_dir, with_web=False,
                            settings=settings) as stack:
        yield stack


def post(stack: supervisor.Stack, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(f"{stack.rasa_url}/webhooks/sms/{path}", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def send_generic(stack: supervisor.Stack, phone: str, text: str, message_id: str | None = None,
                 secret: str = SECRET, raw: bytes | None = None) -> tuple[int, dict]:
    body = raw if raw is not None else json.dumps(
        {"id": message_id or uuid.uuid4().hex, "from": phone, "text": text}).encode()
    headers = {"Content-Type": "application/json", **signed_headers(secret, body)}
    status, answer = post(stack, "webhook", body, headers)
    return status, json.loads(answer)


def send_link(stack: supervisor.Stack, phone: str, text: str, password: str = GATE_SECRET) -> int:
    body = json.dumps({"id": uuid.uuid4().hex, "source": phone, "sourceTON": "MSISDN", "destination": "2333",
                       "userData": text, "platformId": "COMMON_API", "platformPartnerId": "4242"}).encode()
    auth = base64.b64encode(f"link:{password}".encode()).decode()
    return post(stack, "link", body, {"Content-Type": "application/json", "Authorization": f"Basic {auth}"})[0]


def send_twilio(stack: supervisor.Stack, phone: str, text: str, token: str = TWILIO_TOKEN) -> tuple[int, bytes]:
    form = {"MessageSid": f"SM{uuid.uuid4().hex}", "AccountSid": TWILIO_SID, "From": phone,
            "To": TWILIO_NUMBER, "Body": text, "NumSegments": "1"}
    url = f"{stack.rasa_url}/webhooks/sms/twilio"
    signature = RequestValidator(token).compute_signature(url, form)
    return post(stack, "twilio", urllib.parse.urlencode(form).encode(),
                {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})


def next_turn(gateway: FakeGateway, phone: str, before: int) -> list[str]:
    """The SMS of the turn after `before` delivered ones, once the gateway has been quiet a moment."""
    gateway.wait_for(lambda: len(gateway.delivered(phone)) > before)
    count = -1
    while count != len(gateway.delivered(phone)):
        count = len(gateway.delivered(phone))
        time.sleep(QUIET_S)
    return [r.text for r in gateway.delivered(phone)[before:]]


def converse(stack: supervisor.Stack, gateway: FakeGateway, phone: str, text: str) -> list[str]:
    """Send `text` from `phone` by the generic format and return the SMS of the bot's answer."""
    before = len(gateway.delivered(phone))
    status, answer = send_generic(stack, phone, text)
    if status != 202:
        raise AssertionError(f"the channel answered {status} {answer}")
    return next_turn(gateway, phone, before)
