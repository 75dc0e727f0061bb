"""Every write that matters to an appeal. `Appeal.status` is assigned here and nowhere else.

Each public function takes keyword arguments, runs in one transaction, writes an AppealEvent, records the
notifications it implies, and raises ValidationError (TransitionNotAllowed) or PermissionDenied.
"""

import hashlib
import logging
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import ProgrammingError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import delete_account
from appeals.answer_check import answer_problems
from appeals.deadlines import compute_deadlines
from appeals.models import (
    ANSWERED_STATUSES,
    OPEN_STATUSES,
    Appeal,
    AppealEvent,
    AppealKind,
    AppealStatus,
    Attachment,
    Category,
    Department,
    DepartmentMembership,
    District,
    EventKind,
    MemberRole,
    NotificationStatus,
    Outcome,
    PersonalDataAccess,
)
from appeals.notifications import dispatch_pending, notify_citizen, notify_staff
from appeals.reference_cache import ReferenceData, reference_data
from appeals.roles import is_supervisor
from appeals.routing import choose_department
from appeals.uploads import validate_upload

logger = logging.getLogger(__name__)

# 31 letters and digits that cannot be confused when read aloud or typed (no 0/O, 1/I/L).
ACCESS_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ACCESS_CODE_LENGTH = 10  # 31^10 ≈ 8·10^14 codes per appeal

# Which states each action may start from (the state it leads to is the action's own).
_IN_WORK = {AppealStatus.ROUTED, AppealStatus.IN_PROGRESS, AppealStatus.INFO_REQUESTED}
ALLOWED_FROM: dict[str, set[str]] = {
    EventKind.TAKEN: {AppealStatus.ROUTED},
    EventKind.INFO_REQUESTED: {AppealStatus.IN_PROGRESS},
    EventKind.INFO_PROVIDED: {AppealStatus.INFO_REQUESTED},
    EventKind.REDIRECTED: _IN_WORK,
    EventKind.ANSWERED: {AppealStatus.IN_PROGRESS},
    EventKind.CLOSED: {AppealStatus.ANSWERED},
    EventKind.REOPENED_AS_COMPLAINT: {AppealStatus.ANSWERED},
    EventKind.WITHDRAWN: set(OPEN_STATUSES),
}


class TransitionNotAllowed(ValidationError):
    pass


class AnswerNotReady(ValidationError):
    """The answer fails the check before sending; .messages lists what is missing."""


@dataclass(frozen=True)
class Contact:
    """How to reach the author when there is no account, or besides it."""

    name: str
    phone: str = ""  # E.164
    email: str = ""
    phone_verified: bool = False
    iin: str = ""
    iin_verified: bool = False  # staff saw an identity document


# --- Registration: the one door ----------------------------------------------------------------------------
_NUMBER_SEQUENCES: set[str] = set()  # the per-year sequences this process has already used


def _next_number(year: int) -> str:
    """OA-<year>-<6 digits> from a per-year PostgreSQL sequence: no race between web workers, no lock."""
    sequence = f"appeal_number_{int(year)}"
    with connection.cursor() as cursor:
        if sequence in _NUMBER_SEQUENCES:  # one statement; the savepoint below only the first time
            cursor.execute("SELECT nextval(%s)", [sequence])
            return f"OA-{year}-{cursor.fetchone()[0]:06d}"
        try:
            with transaction.atomic():
                cursor.execute("SELECT nextval(%s)", [sequence])
                value = cursor.fetchone()[0]
        except ProgrammingError:  # a year the migrations did not create a sequence for (after 2040)
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {sequence}")
            cursor.execute("SELECT nextval(%s)", [sequence])
            value = cursor.fetchone()[0]
    transaction.on_commit(lambda: _NUMBER_SEQUENCES.add(sequence))  # a sequence created here may roll back
    return f"OA-{year}-{value:06d}"


def _access_code() -> str:
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))


def _save_attachments(
    *, appeal: Appeal, files: Iterable[UploadedFile], event: AppealEvent | None, uploaded_by, is_public: bool = True
) -> list[Attachment]:
    saved = []
    for upload in files:
        content_type = validate_upload(upload)
        upload.seek(0)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        attachment = Attachment(
            appeal=appeal,
            event=event,
            original_name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=uploaded_by,
            is_public=is_public,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


@transaction.atomic
def register_appeal(
    *,
    channel: str,
    text: str,
    contact: Contact,
    citizen=None,
    kind: str = AppealKind.APPLICATION,
    category: Category | None = None,
    district: District | None = None,
    address: str = "",
    attachments: Iterable[UploadedFile] = (),
    language: str = "ru",
    received_at=None,
    registered_by=None,
    parent: Appeal | None = None,
    guide=None,
    reference: ReferenceData | None = None,
) -> Appeal:
    """Register an appeal from any channel; after commit it is routed by Celery (or by the sweeper).

    `reference` is the snapshot the caller's form checked the topic and district against, if any: its clock
    and calendar then come from the same version, without reading the version again.
    Raises ValidationError for what the law or the database refuses (e.g. no way to reach the author).
    """
    if not (citizen or contact.phone or contact.email):
        raise ValidationError(_("An appeal needs a way to reach its author: a phone or an email."), code="anonymous")
    if citizen is None:
        citizen = account_for_contact(contact)
    reference = reference or reference_data()  # one snapshot for the clock and the calendar
    clock = reference.clocks[kind]
    received_at = received_at or timezone.now()
    deadlines = compute_deadlines(clock=clock, received_at=received_at, exceptions=reference.calendar)
    appeal = Appeal(
        number=_next_number(timezone.localdate(received_at).year),
        access_code=_access_code(),
        kind=kind,
        legal_basis=clock.legal_basis,
        channel=channel,
        language=language,
        citizen=citizen,
        contact_name=contact.name or (citizen.full_name if citizen else ""),
        contact_phone=contact.phone or (citizen.phone or "" if citizen else ""),
        contact_email=contact.email or (citizen.email or "" if citizen else ""),
        phone_verified=contact.phone_verified,
        contact_iin=contact.iin,
        iin_verified=contact.iin_verified and bool(contact.iin),
        category=category,
        district=district,
        address=address,
        text=text,
        parent=parent,
        guide=guide,
        received_at=received_at,
        registered_on=deadlines.registered_on,
        due_date=deadlines.due_date,
        latest_due_date=deadlines.latest_due_date,
        redirect_due_date=deadlines.redirect_due_date,
    )
    # Field validation only: the database enforces the constraints and uniqueness itself, and checking them
    # here would cost a query each (a third of the request's time); related objects come in loaded.
    appeal.full_clean(
        exclude=["number", "public_id", "access_code", "citizen", "category", "district", "parent", "guide"],
        validate_unique=False,
        validate_constraints=False,
    )
    appeal.save()
    event = AppealEvent.objects.create(
        appeal=appeal,
        kind=EventKind.REGISTERED,
        actor=registered_by,
        to_status=AppealStatus.REGISTERED,
        data={"channel": channel, "due_date": appeal.due_date.isoformat()},
    )
    _save_attachments(appeal=appeal, files=attachments, event=event, uploaded_by=registered_by or citizen)
    notify_citizen(appeal=appeal, event=event, dispatch=False)  # sent by route_appeal, or by beat
    from appeals.tasks import dispatch_after_commit, route_appeal_task

    dispatch_after_commit(route_appeal_task, appeal.pk)
    return appeal


# --- The citizen's account: linking by a proved phone or a checked IIN -----------------------------------------
def account_for_contact(contact: Contact):
    """The account an appeal registered with these contacts belongs to, or None.

    A phone links when the account proved it by SMS: the appeal's number and access code go to that phone by
    SMS anyway, so the account sees nothing its holder could not read already. An IIN links only when both
    sides were checked against a document; a typed IIN proves nothing.
    """
    if contact.phone:
        user = _verified_account("phone", contact.phone)
        if user is not None:
            return user
    if contact.iin and contact.iin_verified:
        return _verified_account("iin", contact.iin)
    return None


def _verified_account(field: str, value: str):
    """The active account that proved `field` ("phone" or "iin", never user input) is `value`, or None.

    Every appeal filed without signing in asks this and nearly always finds nobody. Manager.raw() costs a third
    of the same filter().first(): 0.74 M CPU instructions against 2.33 M (callgrind), 8 % of a registration.
    """
    query = (
        f"SELECT * FROM {User._meta.db_table} WHERE {field} = %s AND {field}_verified_at IS NOT NULL AND is_active "  # noqa: S608
        "ORDER BY id LIMIT 1"
    )
    return next(iter(User.objects.raw(query, [value])), None)


def link_appeals_to_account(*, user, what: str = "phone") -> int:
    """Appeals registered for the user's proved phone (or checked IIN) without an account join it. Returns how many.

    Appeals of a deleted account are never linked again, even when somebody later holds the same number.
    """
    unlinked = Appeal.objects.filter(citizen__isnull=True, citizen_detached_at__isnull=True)
    if what == "phone" and user.phone and user.phone_verified_at:
        return unlinked.filter(contact_phone=user.phone).update(citizen=user, updated_at=timezone.now())
    if what == "iin" and user.iin and user.iin_verified_at:
        return unlinked.filter(contact_iin=user.iin, iin_verified=True).update(citizen=user, updated_at=timezone.now())
    return 0


@transaction.atomic
def delete_citizen_account(*, user) -> int:
    """The citizen deletes the account: the appeals stay (the law keeps them), detached and never relinked."""
    detached = Appeal.objects.filter(citizen=user).update(
        citizen=None, citizen_detached_at=timezone.now(), updated_at=timezone.now()
    )
    delete_account(user=user)
    return detached


def complaint_deadline(appeal: Appeal):
    """Until when the answer can be disputed (the complaint window after the answer, APPK Art. 92), or None."""
    if appeal.answered_at is None or appeal.outcome == Outcome.REDIRECTED:
        return None
    return appeal.answered_at + relativedelta(months=reference_data().clocks[appeal.kind].complaint_window_months)


def citizen_actions(appeal: Appeal) -> dict[str, bool]:
    """What the author may do now; the services check it again when it is done."""
    dispute_until = complaint_deadline(appeal) if appeal.status in ANSWERED_STATUSES else None
    return {
        "info": appeal.status in ALLOWED_FROM[EventKind.INFO_PROVIDED],
        "accept": appeal.status in ALLOWED_FROM[EventKind.CLOSED],
        "rate": appeal.status in ANSWERED_STATUSES and appeal.answered_at is not None and appeal.rating is None,
        "dispute": dispute_until is not None
        and timezone.now() <= dispute_until
        and not any(f.kind == AppealKind.COMPLAINT for f in appeal.follow_ups.all()),
        "withdraw": appeal.status in ALLOWED_FROM[EventKind.WITHDRAWN],
    }


def _require_author(citizen, appeal: Appeal) -> None:
    """A citizen acts only on an appeal of their own account (None: an operator acts on the author's behalf)."""
    if citizen is not None and appeal.citizen_id != citizen.pk:
        raise PermissionDenied(_("This is not your appeal."))


# --- Routing -----------------------------------------------------------------------------------------------
# What routing reads of an appeal (a complaint's parent is loaded when needed: complaints are few).
ROUTING_FIELDS = ["status", "kind", "category", "district", "text", "address", "parent", "dispatch_attempts"]


def route_appeal(*, appeal_id: int) -> bool:
    """Send a REGISTERED appeal to its department. Idempotent: returns False if it was routed already."""
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update(skip_locked=True)
            .only(*ROUTING_FIELDS)  # a fifth of the columns: compiling the whole row cost more than reading it
            # By its key alone, status checked below: given `status = 'registered'`, the planner read the partial
            # index of waiting appeals instead, past every dead entry of the appeals routed since the last
            # vacuum (45 ms a call at 50 appeals/s).
            .filter(pk=appeal_id)
            .order_by()
            .first()
        )
        if appeal is None or appeal.status != AppealStatus.REGISTERED:
            return False  # routed already, withdrawn, or another worker holds the row
        today = timezone.localdate()
        assignee = None
        if appeal.kind == AppealKind.COMPLAINT and appeal.parent and appeal.parent.department:
            # A complaint about an answer goes to the head of the department that gave it.
            department, reason = appeal.parent.department, "complaint: the answering department's head"
            assignee = department.head
        else:
            decision = choose_department(appeal, day=today)
            department, reason = decision.department, decision.reason
        now = timezone.now()
        Appeal.objects.filter(pk=appeal.pk).update(
            status=AppealStatus.ROUTED,
            department=department,
            assignee=assignee,
            routed_at=now,
            dispatch_attempts=appeal.dispatch_attempts + 1,
            updated_at=now,
        )
        AppealEvent.objects.create(
            appeal=appeal,
            kind=EventKind.ROUTED,
            from_status=AppealStatus.REGISTERED,
            to_status=AppealStatus.ROUTED,
            department=department,
            data={"reason": reason},
        )
        # The registration message (number, code, deadline) waits for this moment: one broker round trip
        # less for the citizen's request.
        dispatch_pending(appeal.notifications.filter(status=NotificationStatus.PENDING).only("pk"))
    return True


def redispatch_waiting(*, older_than: timedelta | None = None, batch: int = 500, budget_seconds: float = 10) -> int:
    """The sweeper: route what has waited in REGISTERED longer than `older_than` (the broker was down).

    Oldest first, in batches, until nothing waits or `budget_seconds` are spent (below beat's 15 s period):
    one batch per run left a backlog of thousands to drain at 500 per 15 s, the newest waiting longest.
    """
    if older_than is None:
        older_than = timedelta(seconds=settings.APPEAL_REDISPATCH_AFTER_SECONDS)
    started, routed, seen = time.monotonic(), 0, 0
    while time.monotonic() - started < budget_seconds:
        waiting = Appeal.objects.waiting_for_routing(older_than).order_by("received_at")
        ids = list(waiting.values_list("pk", flat=True)[:batch])
        routed += sum(route_appeal(appeal_id=pk) for pk in ids)
        seen += len(ids)
        if len(ids) < batch:
            break
    if seen:
        logger.warning("sweeper: %s appeals waited for routing, %s routed now", seen, routed)
    return routed


def lost_appeals_count() -> int:
    """The operational meaning of "lost": accepted, and still REGISTERED two minutes after commit."""
    return Appeal.objects.waiting_for_routing(timedelta(minutes=2)).count()


# --- State changes ------------------------------------------------------------------------------------------
def staff_role(user, department: Department | None) -> str | None:
    """'head', 'specialist' or None for `user` in `department`; superusers act as heads everywhere."""
    if user is None or department is None:
        return None
    if user.is_superuser or department.head_id == user.pk:
        return MemberRole.HEAD
    return DepartmentMembership.objects.filter(user=user, department=department).values_list("role", flat=True).first()


def _require_staff(actor, appeal: Appeal, *, head: bool = False) -> None:
    role = staff_role(actor, appeal.department)
    if role is None or (head and role != MemberRole.HEAD):
        raise PermissionDenied(_("You cannot act on appeals of this department."))


def _transition(
    appeal: Appeal,
    *,
    to_status: str,
    event_kind: str,
    actor=None,
    text: str = "",
    is_public: bool = True,
    data: dict | None = None,
    **updates,
) -> AppealEvent:
    from_status = appeal.status
    if from_status not in ALLOWED_FROM[event_kind]:
        raise TransitionNotAllowed(
            _("This cannot be done to an appeal that is “%(status)s”.") % {"status": AppealStatus(from_status).label},
            code="transition_not_allowed",
        )
    now = timezone.now()
    # Optimistic lock: the UPDATE matches nothing if someone changed the status in between.
    changed = Appeal.objects.filter(pk=appeal.pk, status=from_status).update(
        status=to_status, updated_at=now, **updates
    )
    if changed != 1:
        raise TransitionNotAllowed(_("Someone has just changed this appeal. Reload the page."), code="stale")
    appeal.status = to_status
    for field, value in updates.items():
        setattr(appeal, field, value)
    return AppealEvent.objects.create(
        appeal=appeal,
        kind=event_kind,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        department=appeal.department,
        is_public=is_public,
        text=text,
        data=data or {},
    )


def _require_text(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(message, code="required")
    return text


@transaction.atomic
def take_appeal(*, appeal: Appeal, actor) -> AppealEvent:
    """A specialist of the appeal's department takes it into work."""
    _require_staff(actor, appeal)
    return _transition(
        appeal, to_status=AppealStatus.IN_PROGRESS, event_kind=EventKind.TAKEN, actor=actor,
        assignee=actor, taken_at=timezone.now(),
    )  # fmt: skip


@transaction.atomic
def request_information(*, appeal: Appeal, actor, text: str) -> AppealEvent:
    """Ask the citizen for more information; the legal clock keeps running (appeals_law.md §4.1)."""
    _require_staff(actor, appeal)
    text = _require_text(text, _("Say what information is needed."))
    event = _transition(
        appeal, to_status=AppealStatus.INFO_REQUESTED, event_kind=EventKind.INFO_REQUESTED, actor=actor, text=text
    )
    notify_citizen(appeal=appeal, event=event)
    return event


@transaction.atomic
def provide_information(
    *, appeal: Appeal, text: str, attachments: Iterable[UploadedFile] = (), citizen=None
) -> AppealEvent:
    """The citizen sends what the specialist asked for; the appeal goes back to work."""
    _require_author(citizen, appeal)
    text = _require_text(text, _("Write the information that was asked for."))
    event = _transition(
        appeal, to_status=AppealStatus.IN_PROGRESS, event_kind=EventKind.INFO_PROVIDED, actor=citizen, text=text
    )
    _save_attachments(appeal=appeal, files=attachments, event=event, uploaded_by=citizen)
    notify_staff(
        appeal=appeal, event=event, users=[appeal.assignee],
        subject=_("Appeal %(number)s: the citizen answered") % {"number": appeal.number}, body=text,
    )  # fmt: skip
    return event


@transaction.atomic
def extend_deadline(*, appeal: Appeal, actor, new_due_date: date, reason: str) -> AppealEvent:
    """Only a head, with reasons, and never past the legal maximum (two months in all, APPK Art. 76)."""
    _require_staff(actor, appeal, head=True)
    reason = _require_text(reason, _("An extension needs a reason."))
    if appeal.status not in OPEN_STATUSES or appeal.status == AppealStatus.REGISTERED:
        raise TransitionNotAllowed(_("Only an appeal in work can have its deadline extended."), code="not_open")
    if new_due_date <= appeal.due_date:
        raise ValidationError(_("The new deadline must be later than the current one."), code="not_later")
    if new_due_date > appeal.latest_due_date:
        raise ValidationError(
            _("The law allows at most %(date)s for this appeal.")
            % {"date": appeal.latest_due_date.strftime("%d.%m.%Y")},
            code="past_legal_max",
        )
    old = appeal.due_date
    Appeal.objects.filter(pk=appeal.pk).update(due_date=new_due_date, extended=True, updated_at=timezone.now())
    appeal.due_date, appeal.extended = new_due_date, True
    event = AppealEvent.objects.create(
        appeal=appeal, kind=EventKind.EXTENDED, actor=actor, department=appeal.department, text=reason,
        data={"from": old.isoformat(), "to": new_due_date.isoformat()},
    )  # fmt: skip
    notify_citizen(appeal=appeal, event=event)
    return event


@transaction.atomic
def redirect_appeal(
    *, appeal: Appeal, actor, reason: str, department: Department | None = None, external_body: str = ""
) -> AppealEvent:
    """Pass the appeal to another department, or to a body outside the akimat (which ends it here).

    The law allows 3 working days from registration; later, only a head may redirect (with the reason
    recorded), so a misrouted appeal is never stuck.
    """
    supervisor = is_supervisor(actor)  # supervisors read every department and reassign
    if not supervisor:
        _require_staff(actor, appeal)
    reason = _require_text(reason, _("A redirect needs a reason."))
    if bool(department) == bool(external_body.strip()):
        raise ValidationError(_("Choose another department or name a body outside the akimat."), code="target")
    late = timezone.localdate() > appeal.redirect_due_date
    if late and not supervisor and staff_role(actor, appeal.department) != MemberRole.HEAD:
        raise PermissionDenied(
            _("The 3 working days for a redirect ended on %(date)s; ask the head of the department.")
            % {"date": appeal.redirect_due_date.strftime("%d.%m.%Y")}
        )
    if department is not None:
        if department.pk == appeal.department_id:
            raise ValidationError(_("The appeal is already in this department."), code="same_department")
        event = _transition(
            appeal, to_status=AppealStatus.ROUTED, event_kind=EventKind.REDIRECTED, actor=actor, text=reason,
            data={"from": appeal.department.name, "to": department.name, "late": late},
            department=department, assignee=None, taken_at=None, routed_at=timezone.now(),
        )  # fmt: skip
    else:
        now = timezone.now()
        event = _transition(
            appeal, to_status=AppealStatus.CLOSED, event_kind=EventKind.REDIRECTED, actor=actor, text=reason,
            data={"to": external_body.strip(), "late": late}, outcome=Outcome.REDIRECTED,
            external_body=external_body.strip(), answered_at=now, closed_at=now,
        )  # fmt: skip
    notify_citizen(appeal=appeal, event=event)
    return event


@transaction.atomic
def answer_appeal(
    *, appeal: Appeal, actor, text: str, outcome: str, attachments: Iterable[UploadedFile] = (),
    override_reason: str = "",
) -> AppealEvent:  # fmt: skip
    """The public answer, with an honest outcome; the citizen is notified and may rate or dispute it.

    The answer is checked first (answer_problems); a head may send it anyway, with the reason recorded.
    """
    _require_staff(actor, appeal)
    text = _require_text(text, _("Write the answer."))
    if outcome not in Outcome.values or outcome == Outcome.REDIRECTED:
        raise ValidationError(_("Choose the outcome; to pass the appeal on, redirect it."), code="outcome")
    attachments = list(attachments)
    problems = answer_problems(appeal=appeal, text=text, outcome=outcome, attachments=attachments)
    if problems and not override_reason.strip():
        raise AnswerNotReady(problems)
    if problems and staff_role(actor, appeal.department) != MemberRole.HEAD:
        raise PermissionDenied(_("Only the head of the department can send an answer that fails the check."))
    data = {"outcome": outcome}
    if problems:
        data.update(override=override_reason.strip(), problems=[str(p) for p in problems])
    event = _transition(
        appeal, to_status=AppealStatus.ANSWERED, event_kind=EventKind.ANSWERED, actor=actor, text=text,
        data=data, outcome=outcome, answer_text=text, answered_at=timezone.now(),
    )  # fmt: skip
    _save_attachments(appeal=appeal, files=attachments, event=event, uploaded_by=actor)
    notify_citizen(appeal=appeal, event=event)
    return event


@transaction.atomic
def close_appeal(*, appeal: Appeal, actor=None, reason: str = "") -> AppealEvent:
    """Close an answered appeal: the citizen accepted the answer, or the quiet period passed (actor None)."""
    if actor is not None and actor != appeal.citizen:
        _require_staff(actor, appeal)
    return _transition(
        appeal, to_status=AppealStatus.CLOSED, event_kind=EventKind.CLOSED, actor=actor,
        text=reason or _("The answer was accepted."), closed_at=timezone.now(),
    )  # fmt: skip


@transaction.atomic
def reopen_as_complaint(*, appeal: Appeal, text: str, citizen=None, channel: str = "cabinet") -> Appeal:
    """The citizen disputes the answer: a complaint, linked to this appeal, goes to the department head.

    Allowed within the complaint window after the answer (3 months, APPK Art. 92).
    """
    _require_author(citizen, appeal)
    text = _require_text(text, _("Say why you disagree with the answer."))
    until = complaint_deadline(appeal)
    if appeal.status not in ANSWERED_STATUSES or until is None:
        raise TransitionNotAllowed(_("Only an answer can be disputed."), code="not_answered")
    if timezone.now() > until:
        raise ValidationError(
            _("A complaint about this answer could be filed until %(date)s.") % {"date": until.strftime("%d.%m.%Y")},
            code="window_passed",
        )
    if earlier := appeal.follow_ups.filter(kind=AppealKind.COMPLAINT).first():
        raise TransitionNotAllowed(
            _("A complaint about this answer is already filed: %(number)s.") % {"number": earlier.number},
            code="already_disputed",
        )
    if appeal.status == AppealStatus.ANSWERED:
        _transition(
            appeal, to_status=AppealStatus.CLOSED, event_kind=EventKind.REOPENED_AS_COMPLAINT, actor=citizen,
            text=text, closed_at=timezone.now(),
        )  # fmt: skip
    else:
        AppealEvent.objects.create(appeal=appeal, kind=EventKind.REOPENED_AS_COMPLAINT, actor=citizen, text=text)
    return register_appeal(
        channel=channel, text=text, kind=AppealKind.COMPLAINT, citizen=citizen or appeal.citizen,
        contact=Contact(name=appeal.contact_name, phone=appeal.contact_phone, email=appeal.contact_email,
                        phone_verified=appeal.phone_verified),
        category=appeal.category, district=appeal.district, address=appeal.address, language=appeal.language,
        parent=appeal,
    )  # fmt: skip


@transaction.atomic
def withdraw_appeal(*, appeal: Appeal, reason: str = "", citizen=None) -> AppealEvent:
    """The author withdraws an appeal that has not been answered yet."""
    _require_author(citizen, appeal)
    if appeal.status not in OPEN_STATUSES:
        raise TransitionNotAllowed(_("Only an appeal that is not answered yet can be withdrawn."), code="not_open")
    return _transition(
        appeal, to_status=AppealStatus.WITHDRAWN, event_kind=EventKind.WITHDRAWN, actor=citizen,
        text=reason or _("Withdrawn by the author."), closed_at=timezone.now(),
    )  # fmt: skip


@transaction.atomic
def rate_answer(*, appeal: Appeal, citizen, rating: int, comment: str = "") -> AppealEvent:
    """The citizen rates the answer once, 1 to 5, with an optional comment; a low mark alerts the head."""
    _require_author(citizen, appeal)
    if appeal.status not in ANSWERED_STATUSES or appeal.answered_at is None:
        raise TransitionNotAllowed(_("Only an answer can be rated."), code="not_answered")
    if not 1 <= int(rating) <= 5:
        raise ValidationError(_("Choose a mark from 1 to 5."), code="rating")
    now = timezone.now()
    if not Appeal.objects.filter(pk=appeal.pk, rating__isnull=True).update(
        rating=rating, rating_comment=comment.strip(), rated_at=now, updated_at=now
    ):
        raise TransitionNotAllowed(_("This answer is already rated."), code="already_rated")
    appeal.rating, appeal.rating_comment, appeal.rated_at = int(rating), comment.strip(), now
    event = AppealEvent.objects.create(
        appeal=appeal, kind=EventKind.RATED, actor=citizen, department=appeal.department, text=comment.strip(),
        data={"rating": int(rating)},
    )  # fmt: skip
    if int(rating) <= 2 and appeal.department is not None:
        notify_staff(
            appeal=appeal, event=event, users=[appeal.department.head],
            subject=_("Appeal %(number)s: the citizen rated the answer %(rating)s of 5")
            % {"number": appeal.number, "rating": rating},
            body=comment.strip() or appeal.answer_text[:500],
        )  # fmt: skip
    return event


@transaction.atomic
def add_department_member(*, user, department: Department, role: str = MemberRole.SPECIALIST):
    """Make `user` a specialist or head of `department`: the membership scopes, the group permits."""
    from django.contrib.auth.models import Group

    from appeals.roles import HEADS, SPECIALISTS, ensure_roles

    membership, _created = DepartmentMembership.objects.update_or_create(
        user=user, department=department, defaults={"role": role}
    )
    name = HEADS if role == MemberRole.HEAD else SPECIALISTS
    group = Group.objects.filter(name=name).first() or ensure_roles()[name]
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return membership


def staff_actions(appeal: Appeal, user) -> dict[str, bool]:
    """What this member of staff may do to the appeal now; the services check it again when it is done."""
    role = staff_role(user, appeal.department)
    supervisor = is_supervisor(user)
    late = timezone.localdate() > appeal.redirect_due_date
    in_work = appeal.status in _IN_WORK
    return {
        "take": role is not None and appeal.status in ALLOWED_FROM[EventKind.TAKEN],
        "request_information": role is not None and appeal.status in ALLOWED_FROM[EventKind.INFO_REQUESTED],
        "extend": role == MemberRole.HEAD and in_work and appeal.due_date < appeal.latest_due_date,
        "redirect": in_work and (supervisor or (role is not None and (not late or role == MemberRole.HEAD))),
        "answer": role is not None and appeal.status in ALLOWED_FROM[EventKind.ANSWERED],
        "close": role is not None and appeal.status in ALLOWED_FROM[EventKind.CLOSED],
        "note": role is not None,
        "override": role == MemberRole.HEAD,
    }


def record_personal_data_access(*, user, appeal: Appeal, what: str, ip: str | None = None) -> None:
    """Every time staff are shown a citizen's personal data, a row supervisors can read."""
    PersonalDataAccess.objects.create(user=user, appeal=appeal, what=what, ip=ip or None)


@transaction.atomic
def add_note(*, appeal: Appeal, actor, text: str) -> AppealEvent:
    """An internal note: staff see it, the citizen never does."""
    _require_staff(actor, appeal)
    text = _require_text(text, _("Write the note."))
    return AppealEvent.objects.create(
        appeal=appeal, kind=EventKind.NOTE, actor=actor, is_public=False, text=text, department=appeal.department
    )


# --- Beat: deadlines ----------------------------------------------------------------------------------------
def _alert_staff_once(appeals, *, marker: str, event_kind: str, recipient, subject: str, body: str) -> int:
    """An internal event and a message to staff for each appeal, once: `marker` records that it was done.

    The conditional UPDATE claims the appeal, so two beat runs at the same moment never alert twice.
    """
    alerted = 0
    for appeal in appeals:
        with transaction.atomic():
            claimed = Appeal.objects.filter(pk=appeal.pk, **{f"{marker}__isnull": True}).update(
                **{marker: timezone.now()}
            )
            if claimed != 1:
                continue
            event = AppealEvent.objects.create(
                appeal=appeal, kind=event_kind, is_public=False, department=appeal.department,
                data={"due_date": appeal.due_date.isoformat()},
            )  # fmt: skip
            params = {"number": appeal.number, "date": appeal.due_date.strftime("%d.%m.%Y")}
            notify_staff(appeal=appeal, event=event, users=[recipient(appeal)], subject=subject % params,
                         body=body % params)  # fmt: skip
            alerted += 1
    return alerted


def warn_before_deadline(*, working_days: int = 2) -> int:
    """Warn the assignee (or the department) of open appeals due within `working_days`, once each."""
    from appeals.calendar import add_working_days

    horizon = add_working_days(timezone.localdate(), working_days)
    candidates = (
        Appeal.objects.open()
        .exclude(status=AppealStatus.REGISTERED)
        .filter(due_date__lte=horizon, deadline_warned_at__isnull=True)
        .select_related("assignee", "department")[:1000]
    )
    return _alert_staff_once(
        candidates, marker="deadline_warned_at", event_kind=EventKind.DEADLINE_WARNING,
        recipient=lambda appeal: appeal.assignee,
        subject=_("Appeal %(number)s is due on %(date)s"),
        body=_("The answer to appeal %(number)s is due on %(date)s."),
    )  # fmt: skip


def escalate_overdue() -> int:
    """Tell the department head, once, about each overdue appeal."""
    candidates = Appeal.objects.overdue().filter(escalated_at__isnull=True).select_related("department__head")[:1000]
    return _alert_staff_once(
        candidates, marker="escalated_at", event_kind=EventKind.ESCALATED,
        recipient=lambda appeal: appeal.department.head,
        subject=_("Overdue: appeal %(number)s"),
        body=_("Appeal %(number)s was due on %(date)s and is not answered."),
    )  # fmt: skip


def close_quiet_answered(*, quiet_days: int) -> int:
    """Close answered appeals the citizen left without a reaction for `quiet_days`."""
    cutoff = timezone.now() - timedelta(days=quiet_days)
    closed = 0
    for appeal in Appeal.objects.filter(status=AppealStatus.ANSWERED, answered_at__lt=cutoff)[:1000]:
        try:
            close_appeal(
                appeal=appeal,
                reason=_("Closed: no reaction to the answer within %(days)s days.") % {"days": quiet_days},
            )
        except TransitionNotAllowed:
            continue  # the citizen acted at the same moment
        closed += 1
    return closed
