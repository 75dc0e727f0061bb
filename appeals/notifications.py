"""Messages to citizens and staff: recorded as Notification rows in the caller's transaction, sent by Celery.

A failure to send never blocks anything: the row stays PENDING, the task retries, and beat re-sends what
waits too long. Texts are written in the appeal's language (the law: the answer follows the appeal's).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appeals.models import Appeal, AppealEvent, EventKind, Notification, NotificationChannel, NotificationStatus
from openalmaty.sms import send_sms

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def _citizen_text(appeal: Appeal, event: AppealEvent) -> tuple[str, str]:
    """(subject, body) for the citizen, in the appeal's language."""
    params = {"number": appeal.number, "due": appeal.due_date.strftime("%d.%m.%Y"), "code": appeal.access_code}
    if event.kind == EventKind.REGISTERED:
        subject = _("Appeal %(number)s registered") % params
        body = (
            _(
                "Your appeal %(number)s is registered. Access code: %(code)s. Answer due by %(due)s. "
                "Track it at open-almaty.kz/track/"
            )
            % params
        )
    elif event.kind == EventKind.INFO_REQUESTED:
        subject = _("Appeal %(number)s: information needed") % params
        body = _("Appeal %(number)s: the specialist asks for more information: %(text)s") % {
            **params,
            "text": event.text,
        }
    elif event.kind == EventKind.EXTENDED:
        subject = _("Appeal %(number)s: deadline extended") % params
        body = _("Appeal %(number)s: the deadline is extended to %(due)s. Reason: %(text)s") % {
            **params,
            "text": event.text,
        }
    elif event.kind == EventKind.REDIRECTED:
        subject = _("Appeal %(number)s redirected") % params
        body = _("Appeal %(number)s was passed to %(to)s. Reason: %(text)s") % {
            **params,
            "to": event.data.get("to", ""),
            "text": event.text,
        }
    elif event.kind == EventKind.ANSWERED:
        subject = _("Appeal %(number)s answered") % params
        body = _("Appeal %(number)s has an answer. Read it at open-almaty.kz/track/ with your access code.") % params
    else:
        subject = _("Appeal %(number)s: %(event)s") % {**params, "event": event.get_kind_display()}
        body = subject
    return subject, body


def notify_citizen(*, appeal: Appeal, event: AppealEvent, dispatch: bool = True) -> list[Notification]:
    """Record an SMS (when there is a phone) and an email (when there is an address) about `event`.

    dispatch=False leaves the sending to whoever runs next (the routing task sends the registration
    message right after routing, which saves the web request a broker round trip).
    """
    with translation.override(appeal.language):
        subject, body = _citizen_text(appeal, event)
    # The account's choice of channels counts, but never leaves the citizen without any message.
    citizen = appeal.citizen if appeal.citizen_id else None
    by_sms = bool(appeal.contact_phone) and (
        citizen is None or citizen.notify_by_sms or not (appeal.contact_email and citizen.notify_by_email)
    )
    by_email = bool(appeal.contact_email) and (citizen is None or citizen.notify_by_email or not by_sms)
    rows = []
    if by_sms:
        rows.append(Notification(channel=NotificationChannel.SMS, to=appeal.contact_phone, body=body, for_citizen=True))
    if by_email:
        rows.append(
            Notification(channel=NotificationChannel.EMAIL, to=appeal.contact_email, subject=subject, body=body,
                         for_citizen=True)
        )  # fmt: skip
    return _record(rows, appeal=appeal, event=event, user=appeal.citizen, dispatch=dispatch)


def notify_staff(*, appeal: Appeal, event: AppealEvent | None, users, subject: str, body: str) -> list[Notification]:
    rows = [
        Notification(channel=NotificationChannel.EMAIL, to=user.email, subject=subject, body=body, user=user)
        for user in users
        if user is not None and user.email
    ]
    if not rows and appeal.department and appeal.department.email:
        rows.append(
            Notification(channel=NotificationChannel.EMAIL, to=appeal.department.email, subject=subject, body=body)
        )
    return _record(rows, appeal=appeal, event=event)


def _record(rows: list[Notification], *, dispatch: bool = True, **common) -> list[Notification]:
    for row in rows:
        for key, value in common.items():
            if getattr(row, f"{key}_id", None) is None:
                setattr(row, key, value)
    Notification.objects.bulk_create(rows)
    if dispatch:
        dispatch_pending(rows)
    return rows


def dispatch_pending(rows) -> None:
    """Publish a send task for each notification once the transaction commits."""
    from appeals.tasks import dispatch_after_commit, send_notification_task

    for row in rows:
        dispatch_after_commit(send_notification_task, row.pk)


def send_notification(*, notification_id: int) -> bool:
    """Send one pending notification. Idempotent: a sent one is never sent again. Returns True if sent now."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id)  # by its key alone, not through the partial index (see route_appeal)
            .order_by()
            .first()
        )
        if notification is None or notification.status != NotificationStatus.PENDING:
            return False
        try:
            if notification.channel == NotificationChannel.SMS:
                send_sms(to=notification.to, text=notification.body)
            else:
                message = mail.EmailMessage(
                    notification.subject, notification.body, settings.DEFAULT_FROM_EMAIL, [notification.to]
                )
                message.send()
        except Exception as exc:
            notification.attempts += 1
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = NotificationStatus.FAILED
            notification.save(update_fields=["attempts", "last_error", "status"])
            logger.warning("notification %s failed (attempt %s): %s", notification.pk, notification.attempts, exc)
            return False
        notification.status = NotificationStatus.SENT
        notification.sent_at = timezone.now()
        notification.attempts += 1
        notification.save(update_fields=["status", "sent_at", "attempts"])
        return True


def waiting(older_than: timedelta):
    """Messages still PENDING `older_than` after they were recorded."""
    return Notification.objects.filter(status=NotificationStatus.PENDING, created_at__lt=timezone.now() - older_than)


def stuck_notifications_count(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Messages still PENDING long after they were recorded: the notifier is down or a gateway keeps failing
    (beat re-sends what waits over a minute, so five minutes is several missed chances)."""
    return waiting(older_than).count()


def resend_pending(*, older_than_seconds: int = 60, limit: int = 500) -> int:
    """Beat: send what is still PENDING (its task was lost, or the provider failed earlier)."""
    ids = waiting(timedelta(seconds=older_than_seconds)).values_list("pk", flat=True)
    return sum(send_notification(notification_id=pk) for pk in list(ids[:limit]))
