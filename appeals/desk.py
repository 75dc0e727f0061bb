"""The clerk's desk (front office and call centre): find or create the citizen, a visit or a call, its appeals
through the one door, consultations answered on the spot, hand-overs to another desk, and what they add up to.

Writes are keyword-only functions in one transaction each, with the role and who may act on a visit; the reads
(find-citizen, earlier appeals, suggestions, first-call resolution) are in appeals.desk_selectors. The appeal
itself is registered by appeals.services.register_appeal.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.iin import normalize_iin
from accounts.models import User
from accounts.phone import normalize_phone
from accounts.services import confirm_iin
from appeals.models import (
    OPERATORS_GROUP,
    Appeal,
    AppealKind,
    Category,
    Consultation,
    DepartmentMembership,
    District,
    Visit,
    VisitAppeal,
    VisitHandover,
    VisitKind,
)
from appeals.reference_cache import ReferenceData
from appeals.services import Contact, register_appeal

DESK_PERMISSION = "appeals.use_desk"
DRAFT_FORMS = ("appeal", "consultation", "citizen")
DRAFT_MAX_CHARS = 20_000  # per form: a long appeal text, not a file


# --- The role ---------------------------------------------------------------------------------------------
def is_operator(user) -> bool:
    """Who may use the desk: members of the Operators group (or anyone given appeals.use_desk)."""
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(DESK_PERMISSION))


def ensure_operator_group() -> Group:
    """The Operators group with its permission; migration 0007 creates it, this restores it after a flush."""
    content_type = ContentType.objects.get_for_model(Visit)
    permission, _created = Permission.objects.get_or_create(
        codename="use_desk", content_type=content_type, defaults={"name": "Can use the clerk's desk"}
    )
    group, _created = Group.objects.get_or_create(name=OPERATORS_GROUP)
    group.permissions.add(permission)
    return group


def make_operator(user: User) -> User:
    """Give `user` the role "operator" (demo data, tests; staff do it in admin)."""
    user.groups.add(ensure_operator_group())
    if not user.is_staff:  # operators are akimat staff; the header shows the desk only to staff (no perms query)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    return user


def operators():
    """Everyone who may take a visitor at a desk, for the hand-over list."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(groups__permissions__codename="use_desk", groups__permissions__content_type__app_label="appeals")
            | Q(user_permissions__codename="use_desk", user_permissions__content_type__app_label="appeals")
        )
        .distinct()
        .order_by("full_name", "pk")
    )


def _require_operator(user) -> None:
    if not is_operator(user):
        raise PermissionDenied(_("Only operators of the front office and the call centre use the desk."))


def _require_desk(visit: Visit, operator) -> None:
    """Acting on a visit: the desk that holds it now (a visit passed on goes with the visitor)."""
    _require_operator(operator)
    if visit.operator_id != operator.pk and not operator.is_superuser:
        raise PermissionDenied(_("This visit is at another desk."))
    if visit.ended_at is not None:
        raise ValidationError(_("This visit is finished. Start a new one."), code="finished")


def may_see_visit(visit: Visit, user) -> bool:
    """The desk that holds it, the one that opened it, and every desk it passed through (for the receipt)."""
    if not is_operator(user):
        return False
    if user.is_superuser or user.pk in (visit.operator_id, visit.opened_by_id):
        return True
    return visit.handovers.filter(Q(from_operator=user) | Q(to_operator=user)).exists()


# --- Citizens ---------------------------------------------------------------------------------------------
@transaction.atomic
def citizen_create(*, operator, phone: str, full_name: str, iin: str = "", iin_checked: bool = False) -> User:
    """A citizen registered at the desk, without a password: they claim the account later by SMS sign-up.

    Raises ValidationError (a bad phone or IIN, a phone that already has an account), PermissionDenied.
    """
    _require_operator(operator)
    phone = normalize_phone(phone)
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise ValidationError({"full_name": _("Write the citizen's name.")}, code="required")
    if User.objects.filter(phone=phone).exists():
        raise ValidationError({"phone": _("A citizen with this phone number already exists: find them.")},
                              code="exists")  # fmt: skip
    iin = normalize_iin(iin) if iin else ""
    user = User.objects.create_user(phone=phone, full_name=full_name, iin=iin)
    if iin and iin_checked:
        confirm_iin(user=user, iin=iin, checked_by=operator)
    return user


# --- Visits and calls -------------------------------------------------------------------------------------
@transaction.atomic
def visit_start(*, operator, kind: str = VisitKind.VISIT, citizen: User | None = None, caller_phone: str = "",
                contact_name: str = "") -> Visit:  # fmt: skip
    """Open a visit (front office) or a call (call centre: the caller's number is filled in)."""
    _require_operator(operator)
    if kind not in VisitKind.values:
        raise ValidationError(_("Choose a visit or a call."), code="kind")
    caller_phone = normalize_phone(caller_phone) if caller_phone else ""
    if kind == VisitKind.CALL and not caller_phone and citizen is not None:
        caller_phone = citizen.phone or ""
    visit = Visit(
        kind=kind, citizen=citizen, caller_phone=caller_phone,
        contact_name=(contact_name or (citizen.full_name if citizen else "")).strip()[:200],
        opened_by=operator, operator=operator,
    )  # fmt: skip
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def visit_set_citizen(*, visit: Visit, operator, citizen: User) -> Visit:
    """The person at the desk turned out to be somebody else (or was found after the call began)."""
    _require_desk(visit, operator)
    visit.citizen = citizen
    visit.contact_name = citizen.full_name or visit.contact_name
    if visit.kind == VisitKind.CALL and not visit.caller_phone:
        visit.caller_phone = citizen.phone or ""
    visit.save(update_fields=["citizen", "contact_name", "caller_phone"])
    return visit


def _contact(visit: Visit) -> Contact:
    """How the appeal reaches its author. The account is linked by register_appeal's own rules (a proved
    phone or a checked IIN), never by the operator's choice in a list, so a slip never shows an appeal to a
    stranger; a citizen created here gets the appeals when they prove the phone by SMS sign-up."""
    citizen = visit.citizen
    if citizen is None:
        return Contact(name=visit.contact_name, phone=visit.caller_phone)
    return Contact(
        name=citizen.full_name or visit.contact_name,
        phone=citizen.phone or visit.caller_phone,
        email=citizen.email or "",
        iin=citizen.iin,
        iin_verified=bool(citizen.iin and citizen.iin_verified_at),
    )


@transaction.atomic
def desk_register_appeal(
    *,
    visit: Visit,
    operator,
    text: str,
    kind: str = AppealKind.APPLICATION,
    category: Category | None = None,
    district: District | None = None,
    address: str = "",
    attachments: Iterable[UploadedFile] = (),
    language: str = "ru",
    guide=None,
    reference: ReferenceData | None = None,
) -> Appeal:
    """Register one more appeal of this visit through the one door, at the operator's desk.

    Raises ValidationError (nobody to answer to, a finished visit, what register_appeal refuses),
    PermissionDenied (not an operator, or the visit is at another desk).
    """
    _require_desk(visit, operator)
    appeal = register_appeal(
        channel=visit.channel, text=text, contact=_contact(visit), kind=kind, category=category,
        district=district, address=address, attachments=attachments, language=language,
        registered_by=operator, guide=guide, reference=reference,
    )  # fmt: skip
    VisitAppeal.objects.create(visit=visit, appeal=appeal, operator=operator)
    _clear_draft(visit, "appeal")
    return appeal


@transaction.atomic
def consultation_record(*, visit: Visit, operator, category: Category | None = None, guide=None,
                        question: str = "") -> Consultation:  # fmt: skip
    """A question answered on the spot (no appeal), with the topic and the guide used."""
    _require_desk(visit, operator)
    consultation = Consultation(
        visit=visit, operator=operator, category=category, guide=guide, question=(question or "").strip()
    )
    consultation.full_clean()
    consultation.save()
    _clear_draft(visit, "consultation")
    return consultation


@transaction.atomic
def visit_hand_over(*, visit: Visit, operator, to_operator: User, note: str = "") -> VisitHandover:
    """Pass the visitor to another desk (an operator, or a department's representative) with the visit."""
    _require_desk(visit, operator)
    if to_operator.pk == operator.pk:
        raise ValidationError({"to_operator": _("Choose another desk.")}, code="same_desk")
    if not is_operator(to_operator):
        raise ValidationError({"to_operator": _("This person does not work at a desk.")}, code="not_operator")
    department = (
        DepartmentMembership.objects.filter(user=to_operator).select_related("department").order_by("pk").first()
    )
    handover = VisitHandover.objects.create(
        visit=visit, from_operator=operator, to_operator=to_operator, note=(note or "").strip()[:500],
        department=department.department if department else None,
    )  # fmt: skip
    Visit.objects.filter(pk=visit.pk).update(operator=to_operator)
    visit.operator = to_operator
    return handover


@transaction.atomic
def visit_finish(*, visit: Visit, operator) -> Visit:
    """The visitor has left or the call ended; what was not saved is dropped."""
    _require_desk(visit, operator)
    visit.ended_at = timezone.now()
    visit.draft = {}
    visit.save(update_fields=["ended_at", "draft"])
    return visit


def visit_save_draft(*, visit: Visit, operator, form: str, data: dict) -> None:
    """Keep what the operator typed in one form of the visit (a failed save, a lost connection)."""
    _require_desk(visit, operator)
    if form not in DRAFT_FORMS:
        raise ValidationError(_("Unknown form."), code="form")
    clean = {str(k)[:40]: str(v)[:DRAFT_MAX_CHARS] for k, v in list(data.items())[:30]
             if k not in ("csrfmiddlewaretoken", "attachments")}  # fmt: skip
    with transaction.atomic():
        locked = Visit.objects.select_for_update().only("draft").get(pk=visit.pk)
        draft = {**locked.draft, form: clean}
        Visit.objects.filter(pk=visit.pk).update(draft=draft)
    visit.draft = draft


def _clear_draft(visit: Visit, form: str) -> None:
    locked = Visit.objects.select_for_update().only("draft").get(pk=visit.pk)
    if form in locked.draft:
        draft = {k: v for k, v in locked.draft.items() if k != form}
        Visit.objects.filter(pk=visit.pk).update(draft=draft)
        visit.draft = draft
