"""What each SMS gateway sends us and expects from us, and how it proves who it is.

One adapter per format: the channel's own generic JSON (HMAC-signed), LINK
Mobility's Common platform (JSON, HTTP Basic) and Twilio (form-encoded,
X-Twilio-Signature). Each turns a webhook request into an `InboundSms`, or
refuses it with the HTTP status the gateway should see, and builds the HTTP
request that sends a reply. docs/channels.md documents the formats.

An adapter authenticates before it reads anything else, so an unsigned
request learns nothing about what a valid one looks like.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import time
import unicodedata
import uuid
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Mapping, Protocol

import aiohttp
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

# Twilio's own ceiling for one message body; a real phone cannot send more, so
# anything longer is not an SMS and is refused rather than cut.
MAX_INBOUND_CHARS = 1600
# A signed request older than this is refused, so a captured one cannot be replayed later.
MAX_SIGNATURE_AGE_S = 300

logger = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_PHONE = re.compile(r"^\+?\d{3,15}$")


class InboundRejected(Exception):
    """The webhook request is not one we accept; `status` and `reason` go back to the gateway."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class InboundSms:
    """One received SMS. The number and the text never appear in a repr or a log line."""

    gateway: str
    message_id: str
    phone: str = field(repr=False)
    text: str = field(repr=False)


@dataclass(frozen=True)
class OutboundRequest:
    """An HTTP request that asks a gateway to send one SMS; repr hides the body and credentials."""

    url: str
    json_body: Mapping[str, Any] | None = field(default=None, repr=False)
    form: Mapping[str, str] | None = field(default=None, repr=False)
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    auth: aiohttp.BasicAuth | None = field(default=None, repr=False)

    def body(self) -> dict[str, Any]:
        """Keyword arguments for aiohttp's request: the same bytes on every retry."""
        if self.json_body is not None:
            return {"data": json_bytes(self.json_body),
                    "headers": {"Content-Type": "application/json", **self.headers}}
        return {"data": dict(self.form or {}), "headers": dict(self.headers)}


class Gateway(Protocol):
    name: str

    def parse(self, request: Request) -> InboundSms:
        """Authenticate and read the request; raise InboundRejected if either fails."""

    def accepted(self, duplicate: bool) -> HTTPResponse:
        """What the gateway expects back when we took (or had already taken) the message."""

    def outbound(self, phone: str, text: str, reference: str) -> OutboundRequest:
        """The request that sends `text` to `phone`; `reference` is the same on every retry."""


def clean_text(raw: Any) -> str:
    """NFC, no control or direction-override characters, tabs as spaces; refuses empty and oversized text."""
    if not isinstance(raw, str):
        raise InboundRejected(400, "text must be a string")
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\t", " "))
    text = _CONTROL.sub("", text).strip()
    if not text:
        raise InboundRejected(422, "text is empty")
    if len(text) > MAX_INBOUND_CHARS:
        raise InboundRejected(413, f"text is longer than {MAX_INBOUND_CHARS} characters, not an SMS")
    return text


def normalise_phone(raw: Any) -> str:
    """E.164 (+47...), so that one phone is one conversation whatever form the gateway uses."""
    if not isinstance(raw, str):
        raise InboundRejected(400, "the sender must be a phone number")
    digits = re.sub(r"[\s\-().]", "", raw)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not _PHONE.match(digits):
        raise InboundRejected(400, "the sender is not a phone number")
    if digits.startswith("+"):
        return digits
    if len(digits) == 8:
        return "+47" + digits
    return "+" + digits


def json_bytes(body: Mapping[str, Any]) -> bytes:
    """The exact bytes sent, so that what is signed is what goes out."""
    return json.dumps(body, ensure_ascii=False).encode()


def _inbound(gateway: str, values: Mapping[str, Any], id_key: str, phone_key: str, text_key: str) -> InboundSms:
    """Read one SMS from a gateway's fields, each checked and cleaned."""
    return InboundSms(
        gateway=gateway,
        message_id=_message_id(_required(values, id_key)),
        phone=normalise_phone(_required(values, phone_key)),
        text=clean_text(values.get(text_key)),
    )


def _required(payload: Mapping[str, Any], key: str) -> Any:
    value = payload.get(key)
    if value in (None, ""):
        raise InboundRejected(400, f"'{key}' is missing")
    return value


def _json_object(request: Request) -> Mapping[str, Any]:
    try:
        payload = json.loads(request.body or b"")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InboundRejected(400, "the body is not valid JSON") from None
    except RecursionError:  # Python's parser recurses once per level; no gateway nests more than two
        raise InboundRejected(400, "the body's JSON is nested too deeply") from None
    if not isinstance(payload, dict):
        raise InboundRejected(400, "the body must be a JSON object")
    return payload


def _message_id(value: Any) -> str:
    message_id = str(value)
    if len(message_id) > 200:
        raise InboundRejected(400, "the message id is too long")
    return message_id


def hmac_signature(secret: str, timestamp: str, body: bytes) -> str:
    """The generic format's signature: HMAC-SHA256 over "<timestamp>.<raw body>", hex, "sha256=" prefix."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if now is None else now))
    return {"X-Veiviser-Timestamp": timestamp, "X-Veiviser-Signature": hmac_signature(secret, timestamp, body)}


@dataclass(frozen=True)
class GenericGateway:
    """The channel's own format, for any gateway that can post JSON and sign it (or a small relay)."""

    secret: str = field(repr=False)
    send_url: str
    name: str = "generic"

    def parse(self, request: Request) -> InboundSms:
        self._authenticate(request)
        return _inbound(self.name, _json_object(request), "id", "from", "text")

    def _authenticate(self, request: Request) -> None:
        timestamp = request.headers.get("X-Veiviser-Timestamp", "")
        signature = request.headers.get("X-Veiviser-Signature", "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_SIGNATURE_AGE_S:
            raise InboundRejected(401, "missing or stale X-Veiviser-Timestamp")
        expected = hmac_signature(self.secret, timestamp, request.body or b"")
        if not hmac.compare_digest(expected, signature):
            raise InboundRejected(401, "bad X-Veiviser-Signature")

    def accepted(self, duplicate: bool) -> HTTPResponse:
        if duplicate:
            return response.json({"status": "duplicate"}, status=200)
        return response.json({"status": "accepted"}, status=202)

    def outbound(self, phone: str, text: str, reference: str) -> OutboundRequest:
        body = {"to": phone, "text": text, "reference": reference}
        return OutboundRequest(self.send_url, json_body=body, headers=signed_headers(self.secret, json_bytes(body)))


@dataclass(frozen=True)
class LinkMobilityGateway:
    """LINK Mobility's Common platform (SMS REST API): MO by a gate that posts JSON, MT by /sms/send.

    The gate is set up by LINK's support to call our URL with HTTP Basic
    credentials we choose; we check the password (`gate_secret`).
    """

    gate_secret: str = field(repr=False)
    username: str
    password: str = field(repr=False)
    platform_id: str
    platform_partner_id: str
    base_url: str = "https://n-eu.linkmobility.io"
    sender: str = "Veiviser"
    name: str = "link"

    def parse(self, request: Request) -> InboundSms:
        self._authenticate(request)
        return _inbound(self.name, _json_object(request), "id", "source", "userData")

    def _authenticate(self, request: Request) -> None:
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        try:
            _, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            password = ""
        if scheme.lower() != "basic" or not hmac.compare_digest(password.encode(), self.gate_secret.encode()):
            raise InboundRejected(401, "bad or missing Basic credentials")

    def accepted(self, duplicate: bool) -> HTTPResponse:
        # Common treats anything but 200 OK as "not delivered" and tries again.
        return response.json({"status": "duplicate" if duplicate else "accepted"}, status=200)

    def outbound(self, phone: str, text: str, reference: str) -> OutboundRequest:
        body = {
            "source": self.sender,
            "destination": phone,
            "userData": text,
            "platformId": self.platform_id,
            "platformPartnerId": self.platform_partner_id,
            "useDeliveryReport": False,
            "refId": reference,
        }
        return OutboundRequest(f"{self.base_url.rstrip('/')}/sms/send", json_body=body,
                               auth=aiohttp.BasicAuth(self.username, self.password))


EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@dataclass(frozen=True)
class TwilioGateway:
    """Twilio Programmable Messaging: form-encoded webhook signed with the auth token; replies by REST.

    Twilio signs the URL it was told to call. Behind a proxy that URL differs
    from the one this server sees, so `webhook_url` names it; empty means the
    request's own URL.
    """

    account_sid: str
    auth_token: str = field(repr=False)
    sender: str
    api_base: str = "https://api.twilio.com"
    webhook_url: str = ""
    name: str = "twilio"

    def parse(self, request: Request) -> InboundSms:
        self._authenticate(request)
        return _inbound(self.name, request.form, "MessageSid", "From", "Body")

    def _authenticate(self, request: Request) -> None:
        if "application/x-www-form-urlencoded" not in request.headers.get("Content-Type", ""):
            raise InboundRejected(401, "not a signed Twilio form post")
        url = self.webhook_url or request.url
        signature = request.headers.get("X-Twilio-Signature", "")
        if not RequestValidator(self.auth_token).validate(url, request.form, signature):
            raise InboundRejected(401, "bad X-Twilio-Signature")

    def accepted(self, duplicate: bool) -> HTTPResponse:
        # An empty TwiML answer: the reply goes by the REST API once the bot has answered.
        return response.text(EMPTY_TWIML, content_type="text/xml")

    def outbound(self, phone: str, text: str, reference: str) -> OutboundRequest:
        url = f"{self.api_base.rstrip('/')}/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        sender_field = "MessagingServiceSid" if self.sender.startswith("MG") else "From"
        return OutboundRequest(url, form={"To": phone, sender_field: self.sender, "Body": text},
                               auth=aiohttp.BasicAuth(self.account_sid, self.auth_token))


ADAPTERS: dict[str, type] = {"generic": GenericGateway, "link": LinkMobilityGateway, "twilio": TwilioGateway}


def gateways_from_credentials(credentials: Mapping[str, Any]) -> dict[str, Gateway]:
    """The gateways configured in credentials.yml, keyed by name.

    A gateway with no settings at all is off (its route says 404). One with
    some but not all required settings is off too, with a warning that names
    the missing settings, never their values.
    """
    gateways: dict[str, Gateway] = {}
    for name, adapter in ADAPTERS.items():
        given = {key: str(value).strip() for key, value in (credentials.get(name) or {}).items()
                 if value is not None and str(value).strip()}
        settings = {f.name for f in fields(adapter)} - {"name"}
        required = [f.name for f in fields(adapter) if f.default is MISSING]
        missing = [key for key in required if key not in given]
        if given and missing:
            logger.warning("sms.gateway.off gateway=%s missing=%s", name, ",".join(missing))
        elif given:
            gateways[name] = adapter(**{key: value for key, value in given.items() if key in settings})
    logger.info("sms.gateways.on %s", ",".join(gateways) or "none")
    return gateways


def new_reference() -> str:
    return uuid.uuid4().hex
