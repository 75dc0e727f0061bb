"""Reads of the clerk's desk: find the citizen as the operator types, their earlier appeals, the topic suggested
by the text, the visits at a desk, and what the desks add up to (consultations, first-call resolution)."""

import re
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from accounts.models import User
from appeals.models import Appeal, Category, Consultation, Visit, VisitAppeal


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
# The phone prefix uses the pattern index that unique=True on User.phone makes (appeals 0014).
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
