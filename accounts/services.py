"""Writes about people: phone confirmation by a one-time SMS code, accounts, lock-out, profile."""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from accounts.iin import normalize_iin
from accounts.models import PhoneConfirmation, User
from accounts.phone import is_mobile, normalize_phone
from accounts.signals import identity_verified
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


# --- Accounts: sign-up, password reset, lock-out, profile ----------------------------------------------------
LOCKOUT_AFTER = 5  # wrong passwords in a row
LOCKOUT_FOR = timedelta(minutes=15)


def _phone_verified(user: User, *, at=None) -> None:
    """Record that the user proved the phone, and let appeals link what was registered for it."""
    if user.phone_verified_at is None:
        user.phone_verified_at = at or timezone.now()
        user.save(update_fields=["phone_verified_at"])
    identity_verified.send(sender=User, user=user, what="phone")


@transaction.atomic
def sign_up(*, phone: str, password: str, full_name: str, email: str = "", language: str = "ru") -> User:
    """Create the account for a phone just proved by SMS, or claim the one a clerk created without a password.

    Raises ValidationError when an account with this phone (or email) can already sign in.
    """
    phone = normalize_phone(phone)
    email = (email or "").strip().lower() or None
    user = User.objects.select_for_update().filter(phone=phone).first()
    if user is not None and user.has_usable_password():
        raise ValidationError(
            _("An account with this phone number already exists. Sign in, or reset the password by SMS."),
            code="exists",
        )
    if email and User.objects.filter(email__iexact=email).exclude(pk=getattr(user, "pk", None)).exists():
        raise ValidationError(_("A user with this email address already exists."), code="email_taken")
    if user is None:
        user = User(phone=phone)
    user.full_name = full_name.strip() or user.full_name
    user.email = email or user.email
    user.language = language
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    _phone_verified(user)
    return user


@transaction.atomic
def reset_password_by_phone(*, phone: str, password: str) -> User:
    """Set a new password for the account of a phone just proved by SMS; it also lifts a lock-out."""
    user = User.objects.select_for_update().filter(phone=normalize_phone(phone), is_active=True).first()
    if user is None:
        raise ValidationError(_("No account has this phone number. Create one."), code="no_account")
    user.set_password(password)
    user.failed_logins, user.locked_until = 0, None
    user.save(update_fields=["password", "failed_logins", "locked_until"])
    _phone_verified(user)
    return user


def login_locked_until(user: User):
    """When signing in opens again for this user, or None when it is open."""
    if user.locked_until and user.locked_until > timezone.now():
        return user.locked_until
    return None


@transaction.atomic
def record_login_failure(user: User) -> None:
    """Count a wrong password; the LOCKOUT_AFTER-th in a row locks signing in for LOCKOUT_FOR."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.failed_logins += 1
    if locked.failed_logins >= LOCKOUT_AFTER:
        locked.failed_logins, locked.locked_until = 0, timezone.now() + LOCKOUT_FOR
    locked.save(update_fields=["failed_logins", "locked_until"])


def record_login_success(user: User) -> None:
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)


@transaction.atomic
def update_profile(*, user: User, full_name: str, email: str, iin: str, language: str,
                   notify_by_sms: bool, notify_by_email: bool) -> User:  # fmt: skip
    """The citizen's own details. A changed IIN is no longer a checked one."""
    if not (notify_by_sms or notify_by_email):
        raise ValidationError(_("Keep at least one way to tell you about your appeals."), code="no_channel")
    iin = normalize_iin(iin) if iin else ""
    if iin != user.iin:
        user.iin, user.iin_verified_at = iin, None
    user.full_name = full_name.strip()
    user.email = (email or "").strip().lower() or None
    user.language = language
    user.notify_by_sms, user.notify_by_email = notify_by_sms, notify_by_email
    if user.email and User.objects.filter(email__iexact=user.email).exclude(pk=user.pk).exists():
        raise ValidationError(_("A user with this email address already exists."), code="email_taken")
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def confirm_iin(*, user: User, iin: str, checked_by) -> User:
    """Staff saw an identity document with this IIN: appeals registered with a checked IIN link to the account."""
    iin = normalize_iin(iin)
    if User.objects.filter(iin=iin, iin_verified_at__isnull=False).exclude(pk=user.pk).exists():
        raise ValidationError(_("Another account already has this IIN checked."), code="iin_taken")
    user.iin, user.iin_verified_at = iin, timezone.now()
    user.save(update_fields=["iin", "iin_verified_at"])
    identity_verified.send(sender=User, user=user, what="iin", checked_by=checked_by)
    return user


def personal_data(user: User) -> dict:
    """What the account itself holds about the person (the appeals app adds the appeals)."""
    return {
        "phone": user.phone,
        "phone_verified_at": user.phone_verified_at,
        "email": user.email,
        "full_name": user.full_name,
        "iin": user.iin,
        "iin_checked_at": user.iin_verified_at,
        "language": user.language,
        "notify_by_sms": user.notify_by_sms,
        "notify_by_email": user.notify_by_email,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "sms_codes_requested": list(
            PhoneConfirmation.objects.filter(phone=user.phone or "-").values("created_at", "purpose", "confirmed_at")
        ),
    }


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete the account and the codes sent to its phone; appeals keep what the law requires (SET_NULL)."""
    if user.is_staff or user.is_superuser:
        raise ValidationError(_("A staff account is closed by the administrator."), code="staff")
    if user.phone:
        PhoneConfirmation.objects.filter(phone=user.phone).delete()
    user.delete()
