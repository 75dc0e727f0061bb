"""Reads that views, admin and tasks share."""

from django.db.models import Count, F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts.services import personal_data
from appeals.models import OPEN_STATUSES, Appeal, AppealEvent, AppealStatus, Attachment, Notification

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


# --- The personal cabinet: only the signed-in citizen's own appeals --------------------------------------------
# What a row of the cabinet list shows: fetching only these halves the cost of building the page's objects.
CABINET_LIST_FIELDS = (
    "public_id", "number", "status", "channel", "received_at", "due_date", "text",
    *(f"{relation}__name_{lang}" for relation in ("department", "category") for lang in ("ru", "kk", "en")),
)  # fmt: skip


def cabinet_appeals(*, user, show: str = "", q: str = "") -> QuerySet[Appeal]:
    """The citizen's appeals, newest first, with what the list shows fetched in the same query."""
    appeals = Appeal.objects.filter(citizen=user).select_related("department", "category").only(*CABINET_LIST_FIELDS)
    if show == "open":
        appeals = appeals.filter(status__in=OPEN_STATUSES)
    elif show == "info":
        appeals = appeals.filter(status=AppealStatus.INFO_REQUESTED)
    elif show == "answered":
        appeals = appeals.filter(status=AppealStatus.ANSWERED)
    elif show == "overdue":
        appeals = appeals.overdue()
    elif show == "closed":
        appeals = appeals.filter(status__in=[AppealStatus.CLOSED, AppealStatus.WITHDRAWN])
    q = q.strip()
    if q:
        appeals = appeals.filter(Q(number__iexact=q) | Q(text__icontains=q) | Q(address__icontains=q))
    return appeals.order_by("-received_at")


def cabinet_counts(*, user) -> dict[str, int]:
    """How many of the citizen's appeals are in work, wait for them, are answered: one query."""
    return Appeal.objects.filter(citizen=user).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        info=Count("pk", filter=Q(status=AppealStatus.INFO_REQUESTED)),
        answered=Count("pk", filter=Q(status=AppealStatus.ANSWERED)),
    )


def cabinet_appeal(*, user, public_id) -> Appeal | None:
    """One appeal of the citizen's, with its public timeline and files; None for anybody else's.

    Complaints about the answer (follow-ups) are fetched only for an answered appeal: others have none.
    """
    appeals = (
        Appeal.objects.select_related("department", "category", "district", "parent")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=AppealEvent.objects.filter(is_public=True).select_related("department").order_by("created_at"),
            ),
            Prefetch("attachments", queryset=Attachment.objects.filter(is_public=True).order_by("created_at")),
        )
        .filter(citizen=user, public_id=public_id)
    )
    appeal = next(iter(appeals), None)  # public_id is unique: no ORDER BY as first() would add
    if appeal is not None and appeal.answered_at is not None:
        follow_ups = Appeal.objects.filter(citizen=user).only("public_id", "number", "status", "kind", "parent_id")
        prefetch_related_objects([appeal], Prefetch("follow_ups", queryset=follow_ups))
    return appeal


def latest_event(appeal: Appeal, kind: str) -> AppealEvent | None:
    """The latest prefetched public event of `kind` (e.g. what the specialist asked for)."""
    return next((event for event in reversed(appeal.events.all()) if event.kind == kind), None)


def citizen_notifications(*, user) -> QuerySet[Notification]:
    """Messages sent to the citizen about their appeals, newest first."""
    return (
        Notification.objects.filter(appeal__citizen=user, for_citizen=True)
        .select_related("appeal")
        .only("channel", "to", "subject", "body", "status", "created_at", "sent_at", "appeal__number",
              "appeal__public_id")
        .order_by("-created_at")
    )  # fmt: skip


def personal_data_export(*, user) -> dict:
    """Everything the portal holds about the citizen, for DjangoJSONEncoder (the law on personal data)."""
    appeals = (
        Appeal.objects.filter(citizen=user)
        .select_related("department", "category", "district")
        .prefetch_related(Prefetch("events", queryset=AppealEvent.objects.filter(is_public=True)),
                          Prefetch("attachments", queryset=Attachment.objects.filter(is_public=True)))
        .order_by("received_at")
    )  # fmt: skip
    return {
        "exported_at": timezone.now(),
        "account": personal_data(user),
        "appeals": [
            {
                "number": a.number,
                "kind": a.kind,
                "channel": a.channel,
                "status": a.status,
                "outcome": a.outcome,
                "received_at": a.received_at,
                "due_date": a.due_date,
                "category": a.category.name if a.category else None,
                "district": a.district.name if a.district else None,
                "address": a.address,
                "text": a.text,
                "contact_name": a.contact_name,
                "contact_phone": a.contact_phone,
                "contact_email": a.contact_email,
                "contact_iin": a.contact_iin,
                "department": a.department.name if a.department else None,
                "answer": a.answer_text,
                "rating": a.rating,
                "rating_comment": a.rating_comment,
                "timeline": [{"at": e.created_at, "event": e.kind, "text": e.text} for e in a.events.all()],
                "files": [{"name": f.original_name, "size": f.size, "sha256": f.sha256} for f in a.attachments.all()],
            }
            for a in appeals
        ],
        "notifications": [
            {
                "at": n.created_at,
                "channel": n.channel,
                "to": n.to,
                "subject": n.subject,
                "text": n.body,
                "status": n.status,
            }
            for n in citizen_notifications(user=user)
        ],
    }


# --- The staff workspace ---------------------------------------------------------------------------------------
def appeal_for_staff(*, user, pk) -> Appeal | None:
    """One appeal the member of staff may see, with its whole timeline (public and internal) and files."""
    return (
        Appeal.objects.visible_to_staff(user)
        .select_related("department", "category", "district", "assignee")  # parent and guide: rare, loaded if set
        .prefetch_related(
            Prefetch(
                "events", queryset=AppealEvent.objects.select_related("actor", "department").order_by("created_at")
            ),
            Prefetch("attachments", queryset=Attachment.objects.order_by("created_at")),
        )
        .filter(pk=pk)
        .first()
    )


def staff_dashboard(*, user) -> dict:
    """The staff home: my queue, overdue, due this week, and my departments' on-time share (last 90 days)."""
    from appeals.calendar import add_working_days

    today = timezone.localdate()
    mine = Appeal.objects.visible_to_staff(user).filter(status__in=OPEN_STATUSES)
    week_end = add_working_days(today, 5)
    counts = mine.aggregate(
        my_queue=Count("pk", filter=Q(assignee=user)),
        unassigned=Count("pk", filter=Q(assignee__isnull=True, status=AppealStatus.ROUTED)),
        overdue=Count("pk", filter=Q(due_date__lt=today)),
        due_this_week=Count("pk", filter=Q(due_date__gte=today, due_date__lte=week_end)),
    )
    since = timezone.now() - timezone.timedelta(days=90)
    answered = (
        Appeal.objects.visible_to_staff(user)
        .filter(answered_at__gte=since)
        .aggregate(total=Count("pk"), on_time=Count("pk", filter=Q(answered_at__date__lte=F("due_date"))))
    )
    counts["on_time_share"] = round(100 * answered["on_time"] / answered["total"]) if answered["total"] else None
    counts["answered_90_days"] = answered["total"]
    return counts
