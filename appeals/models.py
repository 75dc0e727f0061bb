"""The one door for appeals: reference data, the appeal and its timeline, the law's clocks as data.

State changes happen only in appeals.services; the database enforces what must always hold.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.iin import validate_iin
from accounts.phone import format_phone


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class TranslatedNameMixin:
    """`name` in the active language (ru, kk, en), falling back to Russian."""

    @property
    def name(self) -> str:
        return getattr(self, f"name_{(get_language() or 'ru')[:2]}", "") or self.name_ru

    def __str__(self) -> str:
        return self.name


# --- Reference data ---------------------------------------------------------------------------------------
class District(TranslatedNameMixin, models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    is_city_wide = models.BooleanField(_("city-wide"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["order", "name_ru"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_city_wide"], condition=Q(is_city_wide=True), name="district_one_city_wide"
            )
        ]


class DepartmentKind(models.TextChoices):
    CITY = "city", _("City department (управление)")
    DISTRICT_AKIMAT = "district_akimat", _("District akimat")
    TRIAGE = "triage", _("Open Almaty triage desk")


class DepartmentQuerySet(models.QuerySet):
    def valid_on(self, day) -> "DepartmentQuerySet":
        """Departments that exist on `day` (they are renamed, split and merged every year or two)."""
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class Department(TranslatedNameMixin, models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind, default=DepartmentKind.CITY)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    district = models.ForeignKey(
        District, models.PROTECT, null=True, blank=True, related_name="akimats", verbose_name=_("district")
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
        verbose_name=_("head"),
    )
    email = models.EmailField(_("email"), blank=True)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="predecessors", verbose_name=_("successor")
    )

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["kind", "name_ru"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="department_valid_range",
                violation_error_message=_("A department cannot end before it begins."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=DepartmentKind.DISTRICT_AKIMAT) | Q(district__isnull=False),
                name="department_akimat_has_district",
                violation_error_message=_("A district akimat belongs to a district."),
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind=DepartmentKind.TRIAGE, valid_to__isnull=True),
                name="department_one_triage_desk",
            ),
        ]

    def exists_on(self, day) -> bool:
        """In Python what DepartmentQuerySet.valid_on says in SQL."""
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class MemberRole(models.TextChoices):
    SPECIALIST = "specialist", _("Specialist")
    HEAD = "head", _("Head of department")


class DepartmentMembership(models.Model):
    """Who works in which department, and as what: the only thing that scopes staff to appeals."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    department = models.ForeignKey(Department, models.CASCADE, related_name="memberships", verbose_name=_("department"))
    role = models.CharField(_("role"), max_length=20, choices=MemberRole, default=MemberRole.SPECIALIST)

    class Meta:
        verbose_name = _("department membership")
        verbose_name_plural = _("department memberships")
        constraints = [models.UniqueConstraint(fields=["user", "department"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.department} ({self.get_role_display()})"


class Sphere(TranslatedNameMixin, models.Model):
    """A group of appeal topics (transport, housing and utilities, …)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sphere")
        verbose_name_plural = _("spheres")
        ordering = ["order", "name_ru"]


class Category(TranslatedNameMixin, models.Model):
    """A topic citizens write about, in a sphere; the department that usually answers it."""

    sphere = models.ForeignKey(Sphere, models.PROTECT, related_name="categories", verbose_name=_("sphere"))
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    keywords = models.TextField(_("keywords"), blank=True, help_text=_("Words citizens use, for suggestions."))
    default_department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="default_categories",
        verbose_name=_("default department"),
    )
    local_to_district = models.BooleanField(
        _("handled by the district akimat"),
        default=False,
        help_text=_("Since 2023 district akimats handle this topic in their district."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sphere__order", "order", "name_ru"]


class RoutingRule(models.Model):
    """category × district × keywords → department; the lowest priority number that matches wins."""

    name = models.CharField(_("name"), max_length=200)
    priority = models.PositiveIntegerField(_("priority"), default=100, help_text=_("Lower numbers are tried first."))
    category = models.ForeignKey(
        Category, models.CASCADE, null=True, blank=True, related_name="routing_rules", verbose_name=_("category")
    )
    district = models.ForeignKey(
        District, models.CASCADE, null=True, blank=True, related_name="routing_rules", verbose_name=_("district")
    )
    keywords = models.CharField(
        _("keywords"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated; the rule matches when the text contains any of them. Empty: any text."),
    )
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="routing_rules", verbose_name=_("department")
    )
    route_to_district_akimat = models.BooleanField(
        _("to the district's akimat"),
        default=False,
        help_text=_("Send to the akimat of the appeal's district instead of the department above, when known."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["priority", "id"]
        indexes = [models.Index(fields=["is_active", "priority"], name="routingrule_active_prio")]

    def __str__(self) -> str:
        return self.name


# --- The law's clocks, as data -----------------------------------------------------------------------------
class AppealKind(models.TextChoices):
    APPLICATION = "application", _("Application")  # заявление
    COMPLAINT = "complaint", _("Complaint")  # жалоба
    REPORT = "report", _("Report")  # сообщение
    RESPONSE = "response", _("Response")  # отклик
    PROPOSAL = "proposal", _("Proposal")  # предложение
    REQUEST = "request", _("Request")  # запрос (APPK)
    INFORMATION_REQUEST = "information_request", _("Request for information")  # Law 401-V


class DayType(models.TextChoices):
    WORKING = "working", _("working days")
    CALENDAR = "calendar", _("calendar days")


class AppealClock(models.Model):
    """How long an appeal of one kind may take, and under which law (domain/appeals_law.md §0)."""

    kind = models.CharField(_("kind"), max_length=30, choices=AppealKind, unique=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    answer_days = models.PositiveSmallIntegerField(_("days to answer"))
    answer_day_type = models.CharField(_("counted in"), max_length=10, choices=DayType)
    max_total_months = models.PositiveSmallIntegerField(
        _("longest term with extensions, months"), default=2, help_text=_("0: no extension allowed.")
    )
    redirect_working_days = models.PositiveSmallIntegerField(_("redirect within, working days"), default=3)
    notice_working_days = models.PositiveSmallIntegerField(
        _("tell the citizen of an extension within, working days"), default=3
    )
    complaint_window_months = models.PositiveSmallIntegerField(_("a complaint may follow within, months"), default=3)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        constraints = [
            models.CheckConstraint(condition=Q(answer_days__gt=0), name="appealclock_positive_days"),
        ]

    def __str__(self) -> str:
        return f"{AppealKind(self.kind).label}: {self.answer_days} {DayType(self.answer_day_type).label}"


class CalendarDayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    WORKING_DAY = "working_day", _("Working day")


class CalendarDay(models.Model):
    """An exception to Monday–Friday: a holiday or day off, or a weekend day made a working day by transfer."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CalendarDayKind)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("working-day calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {CalendarDayKind(self.kind).label} {self.name_ru}".strip()


# --- The appeal ------------------------------------------------------------------------------------------
class Channel(models.TextChoices):
    WEB = "web", _("Web portal")
    CABINET = "cabinet", _("Personal cabinet")
    CALL_CENTRE = "call_centre", _("Call centre")
    FRONT_OFFICE = "front_office", _("Front office")
    SOCIAL = "social", _("Social networks")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    MOBILE = "mobile", _("Mobile app")
    EMAIL = "email", _("Email")


class AppealStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ROUTED = "routed", _("Sent to the department")
    IN_PROGRESS = "in_progress", _("In progress")
    INFO_REQUESTED = "info_requested", _("Waiting for your information")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = [
    AppealStatus.REGISTERED,
    AppealStatus.ROUTED,
    AppealStatus.IN_PROGRESS,
    AppealStatus.INFO_REQUESTED,
]
ANSWERED_STATUSES = [AppealStatus.ANSWERED, AppealStatus.CLOSED]


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    EXPLAINED = "explained", _("Explained (consultation)")
    REDIRECTED = "redirected", _("Redirected to another body")
    DECLINED = "declined", _("Declined, with reasons")
    NOT_COMPETENT = "not_competent", _("Not within competence")


class Language(models.TextChoices):
    RU = "ru", _("Russian")
    KK = "kk", _("Kazakh")


class AppealQuerySet(models.QuerySet):
    def visible_to_staff(self, user) -> "AppealQuerySet":
        """The only place that decides which appeals a member of staff may see."""
        from appeals.roles import is_supervisor

        if is_supervisor(user):
            return self
        return self.filter(department__in=DepartmentMembership.objects.filter(user=user).values("department"))

    def open(self) -> "AppealQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today=None) -> "AppealQuerySet":
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def waiting_for_routing(self, older_than) -> "AppealQuerySet":
        """Accepted but not yet routed, for longer than `older_than` (a timedelta)."""
        return self.filter(status=AppealStatus.REGISTERED, received_at__lt=timezone.now() - older_than)


class Appeal(TimeStampedModel):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("number"), max_length=20, editable=False)  # unique: a constraint, see Meta
    access_code = models.CharField(_("access code"), max_length=16, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=AppealKind, default=AppealKind.APPLICATION)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel)
    status = models.CharField(
        _("status"), max_length=20, choices=AppealStatus, default=AppealStatus.REGISTERED, editable=False
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=2, choices=Language, default=Language.RU)

    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("citizen account"),
        db_index=False,  # appeal_citizen_idx leads with it
    )
    contact_name = models.CharField(_("name"), max_length=200)
    contact_phone = models.CharField(_("phone"), max_length=16, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    phone_verified = models.BooleanField(_("phone confirmed"), default=False)
    # db_default too: the generator's COPY and other raw writers need not know these columns.
    contact_iin = models.CharField(_("IIN"), max_length=12, blank=True, default="", db_default="",
                                   validators=[validate_iin])  # fmt: skip
    iin_verified = models.BooleanField(
        _("IIN checked"), default=False, db_default=False, help_text=_("Staff saw an identity document with this IIN.")
    )
    citizen_detached_at = models.DateTimeField(
        _("account deleted"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The author deleted the account; the appeal is kept as the law requires and never linked again."),
    )

    category = models.ForeignKey(
        Category, models.PROTECT, null=True, blank=True, related_name="appeals", verbose_name=_("category")
    )
    district = models.ForeignKey(
        District, models.PROTECT, null=True, blank=True, related_name="appeals", verbose_name=_("district")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    text = models.TextField(_("text"))

    department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("department"),
        editable=False,
        db_index=False,  # appeal_queue_idx leads with it
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_appeals",
        verbose_name=_("assignee"),
        editable=False,
    )
    guide = models.ForeignKey(
        "life_situations.LifeSituation",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("guide the citizen read"),
        help_text=_("Opened from the appeal form's suggestions, or the guide the question is about."),
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("earlier appeal"),
        help_text=_("The appeal this complaint disputes, or the one it duplicates."),
    )

    received_at = models.DateTimeField(_("received"), default=timezone.now)
    registered_on = models.DateField(
        _("registration date"), help_text=_("The next working day if received on a day off.")
    )
    due_date = models.DateField(_("deadline"), editable=False)
    latest_due_date = models.DateField(_("latest possible deadline"), editable=False)
    redirect_due_date = models.DateField(_("redirect at the latest"), editable=False)
    extended = models.BooleanField(_("deadline extended"), default=False, editable=False)
    routed_at = models.DateTimeField(_("routed"), null=True, blank=True, editable=False)
    taken_at = models.DateTimeField(_("taken into work"), null=True, blank=True, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    answer_text = models.TextField(_("answer"), blank=True, editable=False)
    external_body = models.CharField(_("redirected to"), max_length=255, blank=True, editable=False)
    rating = models.PositiveSmallIntegerField(_("citizen's rating"), null=True, blank=True, editable=False)
    rating_comment = models.TextField(_("rating comment"), blank=True, default="", db_default="", editable=False)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True, editable=False)

    dispatch_attempts = models.PositiveSmallIntegerField(_("routing attempts"), default=0, editable=False)
    deadline_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AppealStatus.values), name="appeal_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=AppealKind.values), name="appeal_kind_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="appeal_channel_valid"),
            # A constraint rather than unique=True, which on PostgreSQL adds a second, pattern-ops index that no
            # query here uses (numbers are looked up whole) and that every insert and routing update maintains.
            models.UniqueConstraint(fields=["number"], name="appeals_appeal_number_key"),
            models.CheckConstraint(condition=Q(number__regex=r"^OA-[0-9]{4}-[0-9]{6,}$"), name="appeal_number_format"),
            models.CheckConstraint(
                condition=Q(status__in=ANSWERED_STATUSES, outcome__in=Outcome.values, answered_at__isnull=False)
                | (~Q(status__in=ANSWERED_STATUSES) & Q(outcome="")),
                name="appeal_outcome_iff_answered",
                violation_error_message=_("An answered appeal needs an outcome, and only an answered one has it."),
            ),
            models.CheckConstraint(
                # An appeal withdrawn before the router reached it never had a department.
                condition=Q(status__in=[AppealStatus.REGISTERED, AppealStatus.WITHDRAWN])
                | Q(department__isnull=False, routed_at__isnull=False),
                name="appeal_routed_has_department",
            ),
            models.CheckConstraint(
                condition=Q(citizen__isnull=False) | ~Q(contact_phone="") | ~Q(contact_email=""),
                name="appeal_not_anonymous",
                violation_error_message=_("An appeal needs a way to reach its author: a phone or an email."),
            ),
            models.CheckConstraint(condition=Q(due_date__lte=F("latest_due_date")), name="appeal_due_within_legal_max"),
            models.CheckConstraint(
                condition=Q(contact_phone="") | Q(contact_phone__regex=r"^\+7[0-9]{10}$"), name="appeal_phone_e164"
            ),
            models.CheckConstraint(
                condition=Q(contact_iin="") | Q(contact_iin__regex=r"^[0-9]{12}$"), name="appeal_iin_12_digits"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5, rated_at__isnull=False),
                name="appeal_rating_1_to_5",
            ),
        ]
        indexes = [
            # The sweeper's and /healthz's question: what is still waiting for routing?
            models.Index(fields=["received_at"], condition=Q(status="registered"), name="appeal_waiting_routing_idx"),
            models.Index(fields=["department", "status", "due_date"], name="appeal_queue_idx"),
            models.Index(fields=["citizen", "-received_at"], name="appeal_citizen_idx"),
            models.Index(fields=["contact_phone", "-received_at"], name="appeal_phone_idx"),
            # Linking by IIN is only for IINs checked against a document: a small partial index.
            models.Index(fields=["contact_iin"], condition=Q(iin_verified=True), name="appeal_checked_iin_idx"),
            models.Index(fields=["-received_at", "-id"], name="appeal_received_idx"),
            # The staff list: a department's appeals, newest first, without walking everyone else's.
            models.Index(fields=["department", "-received_at", "-id"], name="appeal_dept_received_idx"),
            # Staff search in the text: `icontains` is UPPER(text) LIKE UPPER('%…%') in Django.
            GinIndex(OpClass(Upper("text"), name="gin_trgm_ops"), name="appeal_text_trgm"),
            models.Index(fields=["status", "due_date"], name="appeal_status_due_idx"),
            # A district's appeals in one state, newest first, and their (capped) count from the index alone:
            # at five million, the same filter through two single-column indexes read 450 000 rows (0.3 s).
            models.Index(fields=["status", "district", "-received_at", "-id"], name="appeal_status_district_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    # Labels from the enums: get_FOO_display() rebuilds a dict of every choice on each call (a list of 20 pays).
    @property
    def status_label(self) -> str:
        return AppealStatus(self.status).label

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()

    @property
    def days_left(self) -> int:
        return (self.due_date - timezone.localdate()).days


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ROUTED = "routed", _("Sent to the department")
    TAKEN = "taken", _("Taken into work")
    INFO_REQUESTED = "info_requested", _("Information requested")
    INFO_PROVIDED = "info_provided", _("Information provided")
    EXTENDED = "extended", _("Deadline extended")
    REDIRECTED = "redirected", _("Redirected")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REOPENED_AS_COMPLAINT = "reopened_as_complaint", _("Disputed: a complaint was filed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NOTE = "note", _("Internal note")
    DEADLINE_WARNING = "deadline_warning", _("Deadline warning")
    ESCALATED = "escalated", _("Escalated to the head")
    RATED = "rated", _("Answer rated")


class AppealEvent(models.Model):
    """One line of the appeal's timeline: who did what, when; public ones are shown to the citizen."""

    appeal = models.ForeignKey(
        Appeal, models.CASCADE, related_name="events", verbose_name=_("appeal"), db_index=False
    )  # appealevent_timeline_idx leads with it
    kind = models.CharField(_("event"), max_length=30, choices=EventKind)
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="appeal_events",
        verbose_name=_("who"),
    )
    from_status = models.CharField(_("from status"), max_length=20, choices=AppealStatus, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=AppealStatus, blank=True)
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("department")
    )
    is_public = models.BooleanField(_("public"), default=True)
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["appeal", "created_at"], name="appealevent_timeline_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=EventKind.NOTE) | Q(is_public=False), name="appealevent_note_internal"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind}"

    @property
    def kind_label(self) -> str:
        return EventKind(self.kind).label


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Never the user's file name on disk (ASVS V12.3): a random name under the month.
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"appeals/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class Attachment(models.Model):
    appeal = models.ForeignKey(Appeal, models.CASCADE, related_name="attachments", verbose_name=_("appeal"))
    event = models.ForeignKey(
        AppealEvent, models.SET_NULL, null=True, blank=True, related_name="attachments", verbose_name=_("event")
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size, bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    is_public = models.BooleanField(_("visible to the citizen"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", pgettext_lazy("notification channel", "SMS")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """One message to a citizen or to staff, recorded before it is sent; sent by Celery, retried by beat."""

    appeal = models.ForeignKey(
        Appeal, models.CASCADE, null=True, blank=True, related_name="notifications", verbose_name=_("appeal")
    )
    event = models.ForeignKey(AppealEvent, models.SET_NULL, null=True, blank=True, related_name="notifications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel)
    for_citizen = models.BooleanField(
        _("to the citizen"),
        default=False,
        db_default=False,
        help_text=_("Shown in the citizen's cabinet; staff alerts are not."),
    )
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(status="pending"), name="notification_pending_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=NotificationStatus.SENT, sent_at__isnull=False)
                | (~Q(status=NotificationStatus.SENT) & Q(sent_at__isnull=True)),
                name="notification_sent_at_iff_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.to}"


class ResponseTemplate(models.Model):
    """A department's model answer for a topic, in one language; the specialist edits it before sending."""

    department = models.ForeignKey(
        Department, models.CASCADE, related_name="response_templates", verbose_name=_("department")
    )
    category = models.ForeignKey(
        Category, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("topic"),
        help_text=_("Empty: for every topic of the department."),
    )  # fmt: skip
    language = models.CharField(_("language"), max_length=2, choices=Language, default=Language.RU)
    title = models.CharField(_("title"), max_length=200)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, blank=True)
    text = models.TextField(_("text"), help_text=_("Write [brackets] where the specialist must fill in the details."))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")
        ordering = ["department", "title"]
        indexes = [models.Index(fields=["department", "language"], name="responsetemplate_dept_idx")]

    def __str__(self) -> str:
        return self.title


class TriageAppeal(Appeal):
    """The triage desk's queue in admin: appeals no rule routed, to assign by hand."""

    class Meta:
        proxy = True
        verbose_name = _("appeal to route by hand")
        verbose_name_plural = _("triage queue")


class PersonalDataAccess(models.Model):
    """Who opened a citizen's personal data on which appeal, and when: read by supervisors."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("who"))
    appeal = models.ForeignKey(Appeal, models.CASCADE, related_name="+", verbose_name=_("appeal"), db_index=False)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    what = models.CharField(_("what was shown"), max_length=100)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-at"]
        indexes = [models.Index(fields=["appeal", "at"], name="pdaccess_appeal_idx")]

    def __str__(self) -> str:
        return f"{self.user} → {self.appeal_id} ({self.at:%Y-%m-%d %H:%M})"


# --- The clerk's desk: front office and call centre -----------------------------------------------------------
OPERATORS_GROUP = "Operators"  # the role "operator": its members may use the desk (permission appeals.use_desk)


class VisitKind(models.TextChoices):
    VISIT = "visit", _("Visit to the front office")
    CALL = "call", _("Call to the call centre")


class Visit(models.Model):
    """What one person brought to the front office or the call centre: appeals and consultations.

    A visitor passed to another desk keeps the same visit (`operator` is the desk that holds it now).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind, default=VisitKind.VISIT)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="desk_visits",
        verbose_name=_("citizen"),
    )  # fmt: skip
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    caller_phone = models.CharField(_("caller's number"), max_length=16, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="held_visits", verbose_name=_("desk now")
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # What the operator typed and has not saved yet: survives a failed save and a lost connection.
    draft = models.JSONField(_("unsaved input"), default=dict, blank=True)

    class Meta:
        verbose_name = _("visit or call")
        verbose_name_plural = _("visits and calls")
        ordering = ["-started_at"]
        permissions = [("use_desk", _("Can use the clerk's desk"))]
        indexes = [
            # "Visits passed to me": the open visits a desk holds.
            models.Index(
                fields=["operator", "-started_at"], condition=Q(ended_at__isnull=True), name="visit_open_operator_idx"
            ),
            models.Index(fields=["started_at"], name="visit_started_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=VisitKind.values), name="visit_kind_valid"),
            models.CheckConstraint(
                condition=Q(caller_phone="") | Q(caller_phone__regex=r"^\+7[0-9]{10}$"), name="visit_phone_e164"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")), name="visit_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{VisitKind(self.kind).label} {self.started_at:%d.%m.%Y %H:%M}"

    @property
    def channel(self) -> str:
        return Channel.CALL_CENTRE if self.kind == VisitKind.CALL else Channel.FRONT_OFFICE

    @property
    def display_caller_phone(self) -> str:
        return format_phone(self.caller_phone) if self.caller_phone else ""


class VisitAppeal(models.Model):
    """An appeal registered during a visit, and at whose desk (the appeal itself does not know the visit)."""

    visit = models.ForeignKey(Visit, models.CASCADE, related_name="visit_appeals", verbose_name=_("visit"))
    appeal = models.OneToOneField(Appeal, models.CASCADE, related_name="visit_link", verbose_name=_("appeal"))
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("operator"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("appeal of a visit")
        verbose_name_plural = _("appeals of visits")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.appeal_id}"


class Consultation(models.Model):
    """A question answered on the spot, with the guide used, and no appeal: counted per topic and operator."""

    visit = models.ForeignKey(Visit, models.CASCADE, related_name="consultations", verbose_name=_("visit"))
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="consultations", verbose_name=_("operator")
    )
    category = models.ForeignKey(
        Category, models.PROTECT, null=True, blank=True, related_name="consultations", verbose_name=_("topic")
    )
    guide = models.ForeignKey(
        "life_situations.LifeSituation", models.SET_NULL, null=True, blank=True, related_name="consultations",
        verbose_name=_("guide used"),
    )  # fmt: skip
    question = models.TextField(_("question"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["created_at", "category"], name="consultation_topic_idx"),
            models.Index(fields=["operator", "created_at"], name="consultation_operator_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__isnull=False) | Q(guide__isnull=False) | ~Q(question=""),
                name="consultation_has_subject",
                violation_error_message=_("Say what the consultation was about: a topic, a guide or the question."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.category or self.guide or self.question[:40])


class VisitHandover(models.Model):
    """The visitor was passed to another desk; the visit goes with them."""

    visit = models.ForeignKey(Visit, models.CASCADE, related_name="handovers", verbose_name=_("visit"))
    from_operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_operator = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("to"))
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("department")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_operator=F("to_operator")), name="handover_to_another_desk"),
        ]

    def __str__(self) -> str:
        return f"{self.from_operator} → {self.to_operator}"
