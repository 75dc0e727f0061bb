"""Kazakhstan phone numbers: parse what people type, store E.164 (+77011234567)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID_PHONE = _("Enter a Kazakhstan phone number, for example +7 701 234 56 78.")


def normalize_phone(raw: str) -> str:
    """'8 (701) 234-56-78', '7012345678' or '+7 701 234 56 78' -> '+77012345678'.

    Raises ValidationError for anything that is not a valid number of Kazakhstan (libphonenumber decides,
    as domain/almaty.md §4 recommends: it knows new operator codes before we do).
    """
    digits = "".join(ch for ch in str(raw) if ch.isdigit())
    if str(raw).strip().startswith("+"):
        candidate = "+" + digits
    elif len(digits) == 10 and digits.startswith("7"):
        candidate = "+7" + digits
    elif len(digits) == 11 and digits[0] in "78":
        candidate = "+7" + digits[1:]
    else:
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    try:
        number = phonenumbers.parse(candidate, "KZ")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(INVALID_PHONE, code="invalid_phone") from exc
    if not phonenumbers.is_valid_number(number) or phonenumbers.region_code_for_number(number) != "KZ":
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    """True for numbers that can receive an SMS."""
    number_type = phonenumbers.number_type(phonenumbers.parse(e164, "KZ"))
    return number_type in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def format_phone(e164: str) -> str:
    """'+77012345678' -> '+7 701 234 56 78', the grouping people in Kazakhstan write and say."""
    n = e164.removeprefix("+7")
    return f"+7 {n[:3]} {n[3:6]} {n[6:8]} {n[8:]}"


def validate_phone(value: str) -> None:
    """Model validator: the stored value must already be the normalised E.164 form."""
    if normalize_phone(value) != value:
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
