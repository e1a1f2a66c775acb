"""Providers: e-mail over SMTP, SMS through an HTTP gateway, Zalo OA (HTTP). Each passes the idempotency key.

Delivery is at-least-once from the outbox (a crash after the provider's 2xx and before the sent mark is
committed sends again), so every adapter hands the provider the outbox key to deduplicate on: the e-mail's
``Message-ID`` is derived from it (and an ``X-Motcua-Idempotency-Key`` header), the HTTP adapters send it as
an ``Idempotency-Key`` header and wherever the body template puts ``{key}`` (Zalo ZNS: ``tracking_id``).
"""

from __future__ import annotations

import hashlib
import json
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Protocol

from queue_server.notify.messages import Message


class SendError(Exception):
    """A provider refused or could not be reached; ``retry`` False: give the notification up."""

    def __init__(self, detail: str, *, retry: bool = True) -> None:
        super().__init__(detail)
        self.retry = retry


class Adapter(Protocol):
    def send(self, key: str, address: str, code: str, message: Message) -> None: ...


def message_id(key: str) -> str:
    """The e-mail ``Message-ID`` of one notification: the same on every retry."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@motcua.notify>"


@dataclass
class SmtpAdapter:
    host: str
    port: int = 25
    sender: str = "motcua@localhost"
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 10.0

    def send(self, key: str, address: str, code: str, message: Message) -> None:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = address
        mail["Subject"] = message.subject
        mail["Message-ID"] = message_id(key)
        mail["X-Motcua-Idempotency-Key"] = key
        mail.set_content(message.text)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            refusal = next(iter(exc.recipients.values()), None)
            raise SendError(f"recipient refused: {refusal}", retry=False) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(f"smtp: {type(exc).__name__}: {exc}") from None


def _fill(template: Any, values: dict[str, str]) -> Any:
    """The JSON template with ``{name}`` placeholders replaced inside its strings (never in its structure)."""
    if isinstance(template, str):
        for name, value in values.items():
            template = template.replace("{" + name + "}", value)
        return template
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, values) for v in template]
    return template


def phone84(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    return "84" + digits[1:] if digits.startswith("0") else digits


@dataclass
class HttpAdapter:
    """A provider reached over HTTP; the request's shape comes from the settings."""

    url: str
    method: str = "POST"
    body_format: str = "json"
    template: str = '{"to": "{phone}", "text": "{text}", "ref": "{key}"}'
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float = 10.0
    sms: bool = True  # the diacritics-free short text; False: the full Vietnamese text (Zalo)
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        parsed = json.loads(self.template)
        if not isinstance(parsed, dict):
            raise ValueError("the request template must be a JSON object")
        self._template = parsed

    def request(self, key: str, address: str, code: str, message: Message) -> urllib.request.Request:
        values = {
            "phone": address,
            "phone84": phone84(address),
            "text": message.sms if self.sms else message.text,
            "key": key,
            "code": code,
            **self.extra,
        }
        body = _fill(self._template, values)
        headers = {"Idempotency-Key": key, **self.headers}
        url = self.url
        data: bytes | None
        if self.method == "GET":
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(body)
            data = None
        elif self.body_format == "form":
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json; charset=utf-8"
        return urllib.request.Request(url, data=data, method=self.method, headers=headers)

    def send(self, key: str, address: str, code: str, message: Message) -> None:
        try:
            with urllib.request.urlopen(self.request(key, address, code, message), timeout=self.timeout) as answer:
                answer.read(65536)
        except urllib.error.HTTPError as exc:
            retry = exc.code >= 500 or exc.code in (408, 425, 429)
            raise SendError(f"http {exc.code}", retry=retry) from None
        except (urllib.error.URLError, OSError) as exc:
            raise SendError(f"http: {type(exc).__name__}: {exc}") from None


def build_adapters(settings: Any) -> dict[str, Adapter]:
    """The configured channels' adapters from ``NotifySettings``."""
    out: dict[str, Adapter] = {}
    if settings.smtp_host:
        out["email"] = SmtpAdapter(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_from,
            settings.smtp_starttls,
            settings.smtp_user,
            settings.smtp_password,
            settings.timeout_s,
        )
    if settings.sms_url:
        out["sms"] = HttpAdapter(
            settings.sms_url,
            settings.sms_method,
            settings.sms_format,
            settings.sms_template,
            dict(settings.sms_headers),
            settings.timeout_s,
        )
    if settings.zalo_url:
        headers = {"access_token": settings.zalo_access_token} if settings.zalo_access_token else {}
        out["zalo"] = HttpAdapter(
            settings.zalo_url,
            "POST",
            "json",
            settings.zalo_template,
            headers,
            settings.timeout_s,
            sms=False,
            extra={"template_id": settings.zalo_template_id},
        )
    return out
