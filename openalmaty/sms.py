"""Pluggable SMS sending, in the manner of django.core.mail: `send_sms(to=..., text=...)`.

SMS_BACKEND names the class. The file backend (development and tests) appends one JSON line per message
to SMS_FILE_PATH/messages.jsonl, where a test or a developer reads it; a provider's backend subclasses
BaseSmsBackend and lives here too.
"""

import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str
    sender: str


class BaseSmsBackend:
    def send(self, message: SmsMessage) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> None:
        logger.info("SMS to %s: %s", message.to, message.text)


class FileBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> None:
        directory = Path(settings.SMS_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        record = {**asdict(message), "sent_at": timezone.now().isoformat()}
        with (directory / "messages.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


class SmsGatewayError(Exception):
    pass


class HttpBackend(BaseSmsBackend):
    """A provider's HTTP gateway: POST JSON {"to", "text", "sender"} with a bearer token.

    Each attempt is bounded by SMS_GATEWAY_TIMEOUT; connection errors and 5xx answers are retried
    (SMS_GATEWAY_RETRIES times, with a short backoff), a 4xx answer is not. Whatever still fails raises,
    and the notification stays PENDING for Celery beat to send later.
    """

    def send(self, message: SmsMessage) -> None:
        payload = json.dumps(asdict(message), ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 — the URL is the operator's configuration
            settings.SMS_GATEWAY_URL,
            data=payload,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"},
            method="POST",
        )
        last_error: Exception | None = None
        for attempt in range(settings.SMS_GATEWAY_RETRIES + 1):
            if attempt:
                time.sleep(0.2 * 2**attempt)
            try:
                with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:  # noqa: S310
                    response.read()
                return
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    raise SmsGatewayError(f"gateway refused the message: HTTP {exc.code}") from exc
                last_error = exc
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                last_error = exc
        raise SmsGatewayError(f"gateway unavailable: {last_error}") from last_error


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, to: str, text: str) -> None:
    """Send one SMS through the configured backend. Raises whatever the backend raises (callers retry)."""
    get_backend().send(SmsMessage(to=to, text=text, sender=settings.SMS_SENDER))
