"""Celery entry points: thin wrappers around services. Acknowledged late and idempotent (settings, §2)."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def dispatch_after_commit(task, *args) -> None:
    """Publish `task` once the transaction commits; if the broker is down, log and carry on.

    The database already holds the work (an appeal in REGISTERED, a PENDING notification), and beat's
    sweepers pick it up, so a publish failure must never turn an accepted request into an error.
    """

    def publish() -> None:
        try:
            task.apply_async(args=args)
        except Exception as exc:
            logger.warning("could not publish %s%s (%s); the sweeper will pick it up", task.name, args, exc)

    transaction.on_commit(publish, robust=True)


@shared_task
def route_appeal_task(appeal_id: int) -> bool:
    from appeals.services import route_appeal

    return route_appeal(appeal_id=appeal_id)


@shared_task
def send_notification_task(notification_id: int) -> bool:
    from appeals.notifications import send_notification

    return send_notification(notification_id=notification_id)


@shared_task
def redispatch_waiting_appeals_task() -> int:
    from appeals.services import redispatch_waiting

    return redispatch_waiting()


@shared_task
def resend_pending_notifications_task() -> int:
    from appeals.notifications import resend_pending

    return resend_pending()


@shared_task
def warn_before_deadline_task() -> int:
    from appeals.services import warn_before_deadline

    return warn_before_deadline()


@shared_task
def escalate_overdue_task() -> int:
    from appeals.services import escalate_overdue

    return escalate_overdue()


@shared_task
def close_quiet_answered_task() -> int:
    from appeals.services import close_quiet_answered

    return close_quiet_answered(quiet_days=settings.APPEAL_QUIET_PERIOD_DAYS)


@shared_task
def sync_calendar_task() -> int:
    """Keep the working-day calendar filled a few years ahead (new holidays come with `holidays` releases)."""
    from django.utils import timezone

    from appeals.calendar import sync_calendar

    year = timezone.localdate().year
    return sync_calendar(years=range(year - 1, year + 3))
