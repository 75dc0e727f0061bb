"""A phone confirmed by SMS is remembered in the visitor's session for a while."""

from datetime import datetime, timedelta

from django.utils import timezone

SESSION_KEY = "confirmed_phone"
VALID_FOR = timedelta(minutes=60)


def remember_confirmed_phone(session, phone: str) -> None:
    session[SESSION_KEY] = {"phone": phone, "at": timezone.now().isoformat()}


def confirmed_phone(session) -> str | None:
    value = session.get(SESSION_KEY)
    if not value:
        return None
    if timezone.now() - datetime.fromisoformat(value["at"]) > VALID_FOR:
        return None
    return value["phone"]


def forget_confirmed_phone(session) -> None:
    session.pop(SESSION_KEY, None)
