"""Reads that views, admin and tasks share."""

from django.db.models import Prefetch
from django.utils.crypto import constant_time_compare

from appeals.models import Appeal, AppealEvent, Attachment

_DUMMY_CODE = "X" * 10


def appeal_for_tracking(*, number: str, code: str) -> Appeal | None:
    """The appeal with this number and access code, or None. A wrong code and a missing number look the same."""
    appeal = (
        Appeal.objects.select_related("department", "category", "district")
        .prefetch_related(
            Prefetch("events", queryset=AppealEvent.objects.filter(is_public=True).select_related("department")),
            Prefetch("attachments", queryset=Attachment.objects.filter(is_public=True)),
        )
        .filter(number=number)
        .first()
    )
    expected = appeal.access_code if appeal else _DUMMY_CODE
    if not constant_time_compare(expected, code) or appeal is None:
        return None
    return appeal
