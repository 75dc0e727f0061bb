"""Writes about people: phone confirmation by a one-time SMS code."""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from accounts.models import PhoneConfirmation
from accounts.phone import is_mobile, normalize_phone
from openalmaty.sms import send_sms

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
MAX_CODES_PER_PHONE = 3  # per PHONE_WINDOW
MAX_CODES_PER_IP = 10  # per IP_WINDOW
PHONE_WINDOW = timedelta(minutes=15)
IP_WINDOW = timedelta(hours=1)


def _hash(confirmation_id: int, code: str) -> str:
    return salted_hmac("accounts.phone-confirmation", f"{confirmation_id}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def phone_confirmation_start(*, phone: str, ip: str | None = None, purpose: str = "appeal") -> PhoneConfirmation:
    """Send a 6-digit code to `phone`. Raises ValidationError (bad number, too many codes, SMS failed)."""
    phone = normalize_phone(phone)
    if not is_mobile(phone):
        raise ValidationError(_("This number cannot receive SMS. Enter a mobile number."), code="not_mobile")
    now = timezone.now()
    if PhoneConfirmation.objects.filter(phone=phone, created_at__gt=now - PHONE_WINDOW).count() >= MAX_CODES_PER_PHONE:
        raise ValidationError(
            _("Too many codes were sent to this number. Try again in %(minutes)s minutes.")
            % {"minutes": int(PHONE_WINDOW.total_seconds() // 60)},
            code="too_many_codes",
        )
    if ip and PhoneConfirmation.objects.filter(ip=ip, created_at__gt=now - IP_WINDOW).count() >= MAX_CODES_PER_IP:
        raise ValidationError(
            _("Too many codes were requested from your network. Try again later."), code="too_many_ip"
        )
    code = f"{secrets.randbelow(10**6):06d}"
    confirmation = PhoneConfirmation.objects.create(
        phone=phone, purpose=purpose, ip=ip, code_hash="-", expires_at=now + CODE_TTL
    )
    confirmation.code_hash = _hash(confirmation.pk, code)
    confirmation.save(update_fields=["code_hash"])
    try:
        send_sms(to=phone, text=_("Open Almaty code: %(code)s. Do not tell it to anyone.") % {"code": code})
    except Exception as exc:
        raise ValidationError(
            _("We could not send the SMS. Try again in a minute or call 109."), code="sms_failed"
        ) from exc
    return confirmation


@transaction.atomic
def phone_confirmation_check(*, confirmation_id: int, code: str) -> PhoneConfirmation:
    """Check the code. Raises ValidationError: wrong code (attempts left), expired, or too many attempts."""
    confirmation = PhoneConfirmation.objects.select_for_update().filter(pk=confirmation_id).first()
    if confirmation is None or confirmation.confirmed_at is not None:
        raise ValidationError(_("This code is no longer valid. Request a new one."), code="invalid")
    if timezone.now() > confirmation.expires_at:
        raise ValidationError(_("The code has expired. Request a new one."), code="expired")
    if confirmation.attempts >= MAX_ATTEMPTS:
        raise ValidationError(_("Too many wrong codes. Request a new one."), code="locked")
    confirmation.attempts += 1
    if not constant_time_compare(_hash(confirmation.pk, (code or "").strip()), confirmation.code_hash):
        confirmation.save(update_fields=["attempts"])
        left = MAX_ATTEMPTS - confirmation.attempts
        if left <= 0:
            raise ValidationError(_("Too many wrong codes. Request a new one."), code="locked")
        raise ValidationError(
            _("Wrong code. Attempts left: %(left)s.") % {"left": left}, code="wrong", params={"left": left}
        )
    confirmation.confirmed_at = timezone.now()
    confirmation.save(update_fields=["attempts", "confirmed_at"])
    return confirmation
