"""Pluggable SMS sending, in the manner of django.core.mail: `send_sms(to=..., text=...)`.

SMS_BACKEND names the class. The file backend (development and tests) appends one JSON line per message
to SMS_FILE_PATH/messages.jsonl, where a test or a developer reads it; a provider's backend subclasses
BaseSmsBackend and lives here too.
"""

import json
import logging
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


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, to: str, text: str) -> None:
    """Send one SMS through the configured backend. Raises whatever the backend raises (callers retry)."""
    get_backend().send(SmsMessage(to=to, text=text, sender=settings.SMS_SENDER))
