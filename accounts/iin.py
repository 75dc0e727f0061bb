"""Kazakhstan IIN (ЖСН): 12 digits whose last one is a check digit (domain/iin.md §3).

Only the check digit is a hard rule; since 2013 the first digits need not match the birth date, so nothing
is derived from them.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS_1 = range(1, 12)
WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
INVALID_IIN = _("Enter a valid IIN: 12 digits, as on your ID card.")


def iin_check_digit(first_eleven: str) -> int | None:
    """The check digit for 11 digits, or None when no valid IIN starts with them."""
    digits = [int(ch) for ch in first_eleven]
    for weights in (WEIGHTS_1, WEIGHTS_2):
        check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if check != 10:
            return check
    return None


def validate_iin(value: str) -> None:
    if not (len(value) == 12 and value.isascii() and value.isdigit()):
        raise ValidationError(INVALID_IIN, code="invalid_iin")
    if iin_check_digit(value[:11]) != int(value[11]):
        raise ValidationError(INVALID_IIN, code="invalid_iin")


def normalize_iin(raw: str) -> str:
    """Spaces and dashes people type are dropped; raises ValidationError for anything else."""
    value = "".join(ch for ch in str(raw) if ch not in " -\u00a0")
    validate_iin(value)
    return value


def mask_iin(value: str) -> str:
    """9001******07: enough for the person to recognise it, not enough to use it."""
    return f"{value[:4]}******{value[-2:]}" if value else ""
