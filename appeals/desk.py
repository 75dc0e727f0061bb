"""The clerk's desk (front office and call centre): find or create the citizen, a visit or a call, its appeals
through the one door, consultations answered on the spot, hand-overs to another desk, and what they add up to.

Writes are keyword-only functions in one transaction each; reads (find-citizen, earlier appeals, first-call
resolution) sit at the end. The appeal itself is registered by appeals.services.register_appeal.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
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
) -> Appeal:
    """Register one more appeal of this visit through the one door, at the operator's desk.

    Raises ValidationError (nobody to answer to, a finished visit, what register_appeal refuses),
    PermissionDenied (not an operator, or the visit is at another desk).
    """
    _require_desk(visit, operator)
    appeal = register_appeal(
        channel=visit.channel, text=text, contact=_contact(visit), kind=kind, category=category,
        district=district, address=address, attachments=attachments, language=language,
        registered_by=operator, guide=guide,
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


# --- Suggestions from the text ----------------------------------------------------------------------------
def suggest_category(text: str) -> Category | None:
    """The topic whose keywords (Category.keywords, the words citizens use) the text mentions most."""
    text = (text or "").lower().replace("ё", "е")
    if len(text) < 4:
        return None
    best, best_score = None, (0, 0)
    for category in (
        Category.objects.filter(is_active=True)
        .exclude(keywords="")
        .only("pk", "keywords", "name_ru", "name_kk", "name_en")
    ):
        words = [w.strip().lower().replace("ё", "е") for w in category.keywords.split(",") if w.strip()]
        hits = [w for w in words if re.search(r"(?<!\w)" + re.escape(w), text)]
        score = (len(hits), sum(len(w) for w in hits))
        if score > best_score:
            best, best_score = category, score
    return best


# --- Reads: finding the citizen ---------------------------------------------------------------------------
SEARCH_LIMIT = 8
_NAME_FIELDS = ("pk", "phone", "full_name", "iin", "iin_verified_at", "phone_verified_at", "email")


def _phone_prefixes(digits: str) -> list[str]:
    """E.164 prefixes for what was typed so far: '8701', '+7701', '701' and '7701' all mean +7701…"""
    prefixes = set()
    if digits[:1] in ("7", "8") and len(digits) >= 2:
        prefixes.add("+7" + digits[1:])  # 8 701… or +7 701…
    if digits[:1] == "7" and len(digits) <= 10:
        prefixes.add("+7" + digits)  # 701… without the country code
    return sorted(prefixes)


# Each ORDER BY … USING ~<~ follows the pattern-operator index itself: the default collation's order would make
# PostgreSQL fetch and sort every match of a short prefix (thousands of rows) to return eight.
_PREFIX_SQL = {
    "phone": "SELECT id FROM accounts_user WHERE is_active AND phone LIKE %s ORDER BY phone USING ~<~ LIMIT %s",
    "iin": "SELECT id FROM accounts_user WHERE is_active AND iin <> '' AND iin LIKE %s ORDER BY iin USING ~<~ LIMIT %s",
    "name": "SELECT id FROM accounts_user WHERE is_active AND lower(full_name) LIKE %s"
    " ORDER BY lower(full_name) USING ~<~ LIMIT %s",
}
_WORDS_SQL = "SELECT id FROM accounts_user WHERE is_active AND {conditions} AND NOT (id = ANY(%s)) LIMIT %s"


def citizen_search(query: str, *, limit: int = SEARCH_LIMIT) -> list[User]:
    """Citizens for what the operator has typed so far: a phone, an IIN (prefixes) or a name (any word).

    Every branch is one index scan (migration 0007): phone and IIN prefixes, the name's beginning, trigrams
    for a word inside the name. Nothing runs for fewer than 3 characters.
    """
    query = " ".join((query or "").split())[:100]
    digits = re.sub(r"\D", "", query)
    letters = re.sub(r"[\d\s+()\-]", "", query)
    ids: list[int] = []
    with connection.cursor() as cursor:

        def prefix(kind: str, value: str) -> None:
            cursor.execute(_PREFIX_SQL[kind], [_like_prefix(value), limit])
            ids.extend(pk for (pk,) in cursor.fetchall() if pk not in ids)

        if not letters:
            if len(digits) < 3:
                return []
            for phone_prefix in _phone_prefixes(digits):
                prefix("phone", phone_prefix)
            if len(digits) >= 4:  # an IIN is 12 digits; its start is the birth date
                prefix("iin", digits)
        elif len(query) >= 3:
            # The beginning of the name first (an index range scan), then words inside it (trigrams).
            prefix("name", query.lower())
            words = [w for w in query.split() if len(w) >= 3]
            if len(ids) < limit and words:
                conditions = " AND ".join(["full_name ILIKE %s"] * len(words))
                cursor.execute(_WORDS_SQL.format(conditions=conditions),
                               [*[f"%{_escape_like(w)}%" for w in words], ids, limit - len(ids)])  # fmt: skip
                ids += [pk for (pk,) in cursor.fetchall()]
    by_id = User.objects.only(*_NAME_FIELDS).in_bulk(ids[:limit])
    return [by_id[pk] for pk in ids[:limit] if pk in by_id]


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_prefix(value: str) -> str:
    return _escape_like(value) + "%"


def citizen_appeals(*, citizen: User | None = None, phone: str = "", limit: int = 20) -> list[Appeal]:
    """Earlier appeals of the person at the desk: of the account, and those filed with the same phone.

    Two index scans merged here rather than one OR, so that neither has to scan the million by date.
    """
    base = Appeal.objects.select_related("category", "department").only(
        "pk", "public_id", "number", "status", "received_at", "due_date", "kind", "channel", "text",
        "category__name_ru", "category__name_kk", "category__name_en",
        "department__name_ru", "department__name_kk", "department__name_en",
    )  # fmt: skip
    found: dict[int, Appeal] = {}
    if citizen is not None:
        for appeal in base.filter(citizen=citizen).order_by("-received_at")[:limit]:
            found[appeal.pk] = appeal
    phone = phone or (citizen.phone if citizen else "") or ""
    if phone:
        for appeal in base.filter(contact_phone=phone).order_by("-received_at")[:limit]:
            found.setdefault(appeal.pk, appeal)
    return sorted(found.values(), key=lambda a: a.received_at, reverse=True)[:limit]


def open_visits_at(operator) -> list[Visit]:
    """Visits this desk holds and has not finished: its own, and those passed to it."""
    return list(
        Visit.objects.filter(operator=operator, ended_at__isnull=True)
        .select_related("citizen", "opened_by")
        .order_by("-started_at")[:20]
    )


def visit_detail(public_id) -> Visit | None:
    return (
        Visit.objects.select_related("citizen", "operator", "opened_by")
        .prefetch_related("visit_appeals__appeal__category", "consultations__category", "consultations__guide",
                          "handovers__to_operator", "handovers__from_operator", "handovers__department")
        .filter(public_id=public_id)
        .first()
    )  # fmt: skip


# --- Reads: consultations and first-call resolution --------------------------------------------------------
@dataclass
class Resolution:
    """Visits and calls finished, and how many of them ended with a consultation only (no appeal)."""

    key: object
    label: str
    finished: int
    by_consultation: int
    consultations: int = 0

    @property
    def share(self) -> float:
        return round(100 * self.by_consultation / self.finished, 1) if self.finished else 0.0


def _finished_visits(since: datetime, until: datetime):
    return Visit.objects.filter(started_at__gte=since, started_at__lt=until, ended_at__isnull=False).annotate(
        has_appeal=Exists(VisitAppeal.objects.filter(visit=OuterRef("pk"))),
        has_consultation=Exists(Consultation.objects.filter(visit=OuterRef("pk"))),
    )


def first_call_resolution(*, since: datetime, until: datetime) -> dict:
    """The share of finished visits and calls closed on the spot by a consultation: overall, per operator
    (who opened the visit) and per topic (a visit counts for every topic it touched)."""
    resolved = Q(has_consultation=True, has_appeal=False)
    visits = _finished_visits(since, until)
    total = visits.aggregate(finished=Count("pk"), by_consultation=Count("pk", filter=resolved))
    consultations = Consultation.objects.filter(created_at__gte=since, created_at__lt=until)
    per_operator_consultations = dict(consultations.values_list("operator").annotate(n=Count("pk")))
    per_operator = []
    rows = list(visits.values("opened_by").annotate(finished=Count("pk"), by_consultation=Count("pk", filter=resolved)))
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=[r["opened_by"] for r in rows]).only(*_NAME_FIELDS)}
    for row in rows:
        per_operator.append(Resolution(
            key=row["opened_by"], label=names.get(row["opened_by"], ""), finished=row["finished"],
            by_consultation=row["by_consultation"], consultations=per_operator_consultations.get(row["opened_by"], 0),
        ))  # fmt: skip
    # Per topic: the visits that touched a topic by a consultation or by an appeal.
    touched: dict[int | None, set[int]] = {}
    by_consultation_ids = set(visits.filter(resolved).values_list("pk", flat=True))
    finished_ids = set(visits.values_list("pk", flat=True))
    topic_consultations: dict[int | None, int] = {}
    for visit_id, category_id in consultations.filter(visit_id__in=finished_ids).values_list("visit", "category"):
        touched.setdefault(category_id, set()).add(visit_id)
    for category_id, n in consultations.values_list("category").annotate(n=Count("pk")):
        topic_consultations[category_id] = n
    for visit_id, category_id in VisitAppeal.objects.filter(visit_id__in=finished_ids).values_list(
        "visit", "appeal__category"
    ):
        touched.setdefault(category_id, set()).add(visit_id)
    categories = Category.objects.in_bulk([c for c in set(touched) | set(topic_consultations) if c])
    per_topic = [
        Resolution(
            key=category_id, label=str(categories[category_id]) if category_id in categories else _("No topic"),
            finished=len(touched.get(category_id, ())), by_consultation=len(touched.get(category_id, set())
                                                                            & by_consultation_ids),
            consultations=topic_consultations.get(category_id, 0),
        )
        for category_id in set(touched) | set(topic_consultations)
    ]  # fmt: skip
    per_topic.sort(key=lambda r: (-r.consultations, -r.finished, r.label))
    per_operator.sort(key=lambda r: (-r.finished, r.label))
    return {
        "total": Resolution(key=None, label=_("All desks"), finished=total["finished"],
                            by_consultation=total["by_consultation"], consultations=consultations.count()),
        "per_operator": per_operator,
        "per_topic": per_topic,
    }  # fmt: skip


def topic_counts(*, since: datetime, until: datetime) -> dict[int | None, dict[str, int]]:
    """For the topic ranking: appeals and consultations per topic, so questions answered on the spot count too."""
    counts: dict[int | None, dict[str, int]] = {}
    for category_id, n in (
        Appeal.objects.filter(received_at__gte=since, received_at__lt=until).values_list("category").annotate(
            n=Count("pk"))
    ):  # fmt: skip
        counts.setdefault(category_id, {"appeals": 0, "consultations": 0})["appeals"] = n
    for category_id, n in (
        Consultation.objects.filter(created_at__gte=since, created_at__lt=until).values_list("category").annotate(
            n=Count("pk"))
    ):  # fmt: skip
        counts.setdefault(category_id, {"appeals": 0, "consultations": 0})["consultations"] = n
    return counts
