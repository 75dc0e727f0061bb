import email as email_parser
from datetime import timedelta

import pytest
from django.utils import timezone

from appeals.models import Notification, NotificationStatus
from appeals.notifications import resend_pending, send_notification

pytestmark = pytest.mark.django_db


def test_a_dead_sms_gateway_never_blocks_registration_and_the_message_goes_later(make_appeal, settings, sms_outbox):
    settings.SMS_BACKEND = "openalmaty.sms.HttpBackend"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/send"
    settings.SMS_GATEWAY_RETRIES = 0

    appeal = make_appeal()  # registration succeeds
    sms = Notification.objects.get(appeal=appeal)

    assert send_notification(notification_id=sms.pk) is False
    sms.refresh_from_db()
    assert sms.status == NotificationStatus.PENDING and sms.attempts == 1 and "unavailable" in sms.last_error

    settings.SMS_BACKEND = "openalmaty.sms.FileBackend"  # the gateway is back
    Notification.objects.filter(pk=sms.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert resend_pending() == 1

    sms.refresh_from_db()
    assert sms.status == NotificationStatus.SENT and sms.sent_at is not None
    assert [message["text"] for message in sms_outbox()] == [sms.body]


def test_a_sent_notification_is_never_sent_twice(make_appeal, sms_outbox):
    sms = Notification.objects.get(appeal=make_appeal())

    assert send_notification(notification_id=sms.pk) is True
    assert send_notification(notification_id=sms.pk) is False
    assert len(sms_outbox()) == 1


def test_email_goes_through_the_configured_mailer(make_appeal, settings, tmp_path):
    from appeals.services import Contact

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }
    appeal = make_appeal(contact=Contact(name="A", email="a@example.kz"))
    email = Notification.objects.get(appeal=appeal, channel="email")

    assert send_notification(notification_id=email.pk) is True
    (path,) = tmp_path.iterdir()
    message = email_parser.message_from_string(path.read_text().split("\n---")[0])
    assert message["To"] == "a@example.kz"
    assert appeal.number in message.get_payload(decode=True).decode()


def test_healthz_counts_messages_that_nobody_sent_for_five_minutes(make_appeal, client, sms_outbox):
    from appeals.notifications import stuck_notifications_count

    old, fresh = (Notification.objects.get(appeal=make_appeal()) for _ in range(2))
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    assert stuck_notifications_count() == 1

    appeals = client.get("/healthz").json()["appeals"]
    assert appeals["notifications_pending_over_5_min"] == 1 and appeals["status"] == "alert"

    assert send_notification(notification_id=old.pk) is True
    assert stuck_notifications_count() == 0
    fresh.refresh_from_db()
    assert fresh.status == NotificationStatus.PENDING  # still waiting, but too young to be an alert
