"""The staff workspace in Django admin: scoped appeal queues, the appeal page with its actions, response
templates, the triage queue, routing rules with a preview, and the personal-data access log.

Scope: every queryset here starts from Appeal.objects.visible_to_staff(user) — lists, object pages,
actions, exports and autocomplete alike. Every change of an appeal goes through appeals.services.
"""

import csv
from datetime import datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.iin import normalize_iin
from accounts.phone import normalize_phone
from appeals import services
from appeals.calendar import add_working_days
from appeals.forms import MultipleFileField
from appeals.models import (
    OPEN_STATUSES,
    Appeal,
    Attachment,
    Department,
    DepartmentKind,
    DepartmentMembership,
    Outcome,
    PersonalDataAccess,
    ResponseTemplate,
    RoutingRule,
    TriageAppeal,
)
from appeals.roles import is_supervisor
from appeals.routing import rule_matches
from appeals.selectors import appeal_for_staff
from appeals.uploads import validate_uploads
from openalmaty.ratelimit import client_ip

COUNT_CAP = 10_000  # an exact count of a million rows costs ~55 ms; above this we say "10 000+"
SEARCH_COUNT_CAP = 1_000  # a word of the text is checked row by row: count fewer matches


# --- Lists that stay fast at a million rows ---------------------------------------------------------------------
class CappedCountPaginator(Paginator):
    """Counts at most `cap` rows (one subquery with LIMIT); deeper pages are reached by keyset links."""

    def __init__(self, *args, cap: int = COUNT_CAP, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        # Without ORDER BY: any index (the smallest that fits the filters) can answer, and LIMIT stops it early.
        return self.object_list.order_by()[: self.cap + 1].count()


class KeysetChangeList(ChangeList):
    """Newest first by (received_at, id); `?after=<received_at>|<id>` opens the page after a row in O(page)."""

    def get_results(self, request) -> None:
        after = getattr(request, "oa_after", None)
        super().get_results(request)
        keyset = not self.params.get(ORDER_VAR)
        if keyset and after:
            # (received_at, id) < after, written as a range the index can walk (an OR would defeat it).
            self.result_list = list(
                self.queryset.filter(received_at__lte=after[0])
                .exclude(received_at=after[0], pk__gte=after[1])
                .order_by("-received_at", "-pk")[: self.list_per_page]
            )
            self.multi_page, self.show_all = True, False
        self.result_list = list(self.result_list)
        self.keyset_next = None
        if keyset and len(self.result_list) == self.list_per_page:
            last = self.result_list[-1]
            params = {k: v for k, v in request.GET.items() if k != "p"}
            params["after"] = f"{last.received_at.isoformat()}|{last.pk}"
            self.keyset_next = "?" + urlencode(params)
        self.count_cap = self.paginator.cap
        self.result_count_capped = self.result_count > self.count_cap


def _keyset_after(request) -> tuple[datetime, int] | None:
    """Take `after` out of the query (the changelist treats unknown parameters as filters)."""
    if "after" not in request.GET:
        return None
    request.GET = request.GET.copy()
    raw = request.GET.pop("after")[0]
    received, _, pk = raw.partition("|")
    moment = parse_datetime(received)
    if moment is None or not pk.isdigit():
        raise Http404
    return moment, int(pk)


# --- Filters -----------------------------------------------------------------------------------------------------
class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("soon", _("Due within 2 working days")), ("week", _("Due this week"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(status__in=OPEN_STATUSES, due_date__lt=today)
        if self.value() in ("soon", "week"):
            until = add_working_days(today, 2 if self.value() == "soon" else 5)
            return queryset.filter(status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=until)
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        return [("me", _("Mine")), ("none", _("Not taken yet"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assignee=request.user)
        if self.value() == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset


class WaitingForRoutingFilter(admin.SimpleListFilter):
    """The operational meaning of "lost": accepted, still REGISTERED two minutes after commit."""

    title = _("routing")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("lost", _("Still not routed after 2 minutes"))]

    def queryset(self, request, queryset):
        if self.value() == "lost":
            return queryset.waiting_for_routing(timedelta(minutes=2))
        return queryset


# --- The appeal page's action forms ----------------------------------------------------------------------------
class ReasonForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class ExtendForm(forms.Form):
    new_due_date = forms.DateField(label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class RedirectForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Another department"), required=False, queryset=Department.objects.none()
    )
    external_body = forms.CharField(label=_("Or a body outside the akimat"), required=False, max_length=255)
    text = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.valid_on(timezone.localdate()).order_by("name_ru")


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *[(v, lbl) for v, lbl in Outcome.choices if v != Outcome.REDIRECTED]]
    )
    text = forms.CharField(
        label=_("Answer to the citizen"), widget=forms.Textarea(attrs={"rows": 10}), max_length=20000
    )
    attachments = MultipleFileField(label=_("Files"), required=False)
    override_reason = forms.CharField(
        label=_("Send despite the check (head only): reason"), required=False, max_length=1000
    )

    def clean_attachments(self) -> list:
        return validate_uploads(self.cleaned_data.get("attachments") or [])


ACTION_FORMS = {
    "take": None,
    "request_information": ReasonForm,
    "extend": ExtendForm,
    "redirect": RedirectForm,
    "answer": AnswerForm,
    "close": None,
    "note": ReasonForm,
}


def _run_action(action: str, appeal: Appeal, user, data: dict):
    """One place maps an admin button to its service call."""
    if action == "take":
        return services.take_appeal(appeal=appeal, actor=user)
    if action == "request_information":
        return services.request_information(appeal=appeal, actor=user, text=data["text"])
    if action == "extend":
        return services.extend_deadline(
            appeal=appeal, actor=user, new_due_date=data["new_due_date"], reason=data["text"]
        )
    if action == "redirect":
        return services.redirect_appeal(appeal=appeal, actor=user, reason=data["text"], department=data["department"],
                                        external_body=data["external_body"])  # fmt: skip
    if action == "answer":
        return services.answer_appeal(
            appeal=appeal,
            actor=user,
            text=data["text"],
            outcome=data["outcome"],
            attachments=data["attachments"],
            override_reason=data["override_reason"],
        )
    if action == "close":
        return services.close_appeal(appeal=appeal, actor=user, reason=gettext("Closed by the department."))
    if action == "note":
        return services.add_note(appeal=appeal, actor=user, text=data["text"])
    raise Http404


# --- The appeal list and page ------------------------------------------------------------------------------------
@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["number", "received", "category", "district", "status", "deadline", "assignee", "channel"]
    list_filter = ["status", DeadlineFilter, "category", "district", "channel", AssigneeFilter,
                   ("received_at", admin.DateFieldListFilter), WaitingForRoutingFilter]  # fmt: skip
    list_select_related = ["category", "district", "assignee"]
    list_per_page = 50
    search_fields = ["number"]  # see get_search_results: number, phone, IIN or words of the text
    search_help_text = _("An appeal number (OA-2026-000123), a phone number, an IIN or words of the text.")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator
    ordering = ["-received_at", "-id"]
    actions = ["export_csv"]
    change_list_template = "admin/appeals/appeal/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to_staff(request.user)

    def get_changelist(self, request, **kwargs):
        return KeysetChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return CappedCountPaginator(queryset, per_page, orphans, allow_empty_first_page,
                                    cap=getattr(request, "oa_count_cap", COUNT_CAP))  # fmt: skip

    def changelist_view(self, request, extra_context=None):
        request.oa_after = _keyset_after(request)
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.upper().startswith("OA-"):
            return queryset.filter(number=term.upper()), False
        for normalize, field in ((normalize_phone, "contact_phone"), (normalize_iin, "contact_iin")):
            try:
                return queryset.filter(**{field: normalize(term)}), False
            except ValidationError:
                continue
        request.oa_count_cap = SEARCH_COUNT_CAP
        return queryset.filter(text__icontains=term), False  # the trigram index appeal_text_trgm

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))  # as ModelAdmin's
    def action_checkbox(self, appeal: Appeal) -> str:
        """The row's checkbox as one format_html: the stock one renders a widget template per row."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME, appeal.pk, gettext("Select appeal %(number)s") % {"number": appeal.number},
        )  # fmt: skip

    @admin.display(description=_("received"), ordering="received_at")
    def received(self, appeal: Appeal) -> str:
        return timezone.localtime(appeal.received_at).strftime("%d.%m.%Y %H:%M")  # cheaper than localize() per row

    @admin.display(description=_("deadline"), ordering="due_date")
    def deadline(self, appeal: Appeal) -> str:
        if not appeal.is_open:
            return format_html("{}", appeal.due_date.strftime("%d.%m.%Y"))
        days = appeal.days_left
        if days < 0:
            return format_html('<strong class="oa-overdue">{} · {}</strong>', appeal.due_date.strftime("%d.%m.%Y"),
                               gettext("overdue by %(days)s d.") % {"days": -days})  # fmt: skip
        return format_html(
            "{} · {}", appeal.due_date.strftime("%d.%m.%Y"), gettext("%(days)s d. left") % {"days": days}
        )

    @admin.action(description=_("Export the selected appeals (CSV, without personal data)"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="appeals.csv"'
        writer = csv.writer(response)
        writer.writerow(["number", "received", "kind", "channel", "status", "outcome", "category", "district",
                         "department", "due_date"])  # fmt: skip
        for a in queryset.select_related("category", "district", "department").order_by("-received_at")[:50_000]:
            writer.writerow([a.number, a.received_at.isoformat(), a.kind, a.channel, a.status, a.outcome,
                             a.category.name if a.category else "", a.district.name if a.district else "",
                             a.department.name if a.department else "", a.due_date.isoformat()])  # fmt: skip
        return response

    def has_add_permission(self, request) -> bool:
        return False  # appeals come in through register_appeal only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the law requires appeals to be kept

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"  # the triage queue subclasses this admin
        return [
            path(
                "<int:object_id>/file/<uuid:file_id>/",
                self.admin_site.admin_view(self.attachment_view),
                name=f"{prefix}_file",
            ),
            path(
                "<int:object_id>/act/<slug:action>/",
                self.admin_site.admin_view(self.action_view),
                name=f"{prefix}_act",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._workspace(request, object_id)

    def attachment_view(self, request, object_id, file_id):
        """A file of an appeal the member of staff may see (internal ones too)."""
        attachment = Attachment.objects.filter(
            public_id=file_id, appeal__in=Appeal.objects.visible_to_staff(request.user).filter(pk=object_id)
        ).first()
        if attachment is None or not self.has_view_permission(request):
            raise Http404
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)

    def _workspace(self, request, object_id, *, bound: tuple[str, forms.Form] | None = None, status: int = 200):
        if not self.has_view_permission(request):
            raise PermissionDenied
        appeal = appeal_for_staff(user=request.user, pk=object_id) if str(object_id).isdigit() else None
        if appeal is None:
            raise Http404(gettext("No such appeal in your departments."))
        can = services.staff_actions(appeal, request.user)
        # Each form has its action as prefix: several forms on one page, and no two fields share an id.
        action_forms = {
            name: (form(prefix=name) if form else None) for name, form in ACTION_FORMS.items() if can.get(name)
        }
        if bound:
            action_forms[bound[0]] = bound[1]
        services.record_personal_data_access(user=request.user, appeal=appeal, what="citizen card",
                                             ip=client_ip(request))  # fmt: skip
        templates = ResponseTemplate.objects.filter(department_id=appeal.department_id, is_active=True).filter(
            Q(category__isnull=True) | Q(category_id=appeal.category_id)
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": gettext("Appeal %(number)s") % {"number": appeal.number},
            "appeal": appeal, "can": can, "action_forms": action_forms,
            "response_templates": templates, "events": appeal.events.all(),
        }  # fmt: skip
        return TemplateResponse(request, "admin/appeals/appeal/workspace.html", context, status=status)

    def action_view(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:appeals_appeal_change", args=[object_id]))
        if action not in ACTION_FORMS or not self.has_change_permission(request):
            raise PermissionDenied
        appeal = Appeal.objects.visible_to_staff(request.user).filter(pk=object_id).first()
        if appeal is None:
            raise Http404
        form_class = ACTION_FORMS[action]
        form = form_class(request.POST, request.FILES, prefix=action) if form_class else None
        if form is not None and not form.is_valid():
            return self._workspace(request, object_id, bound=(action, form), status=400)
        try:
            _run_action(action, appeal, request.user, form.cleaned_data if form else {})
        except services.AnswerNotReady as exc:
            form.add_error(None, exc)
            return self._workspace(request, object_id, bound=(action, form), status=400)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            if form is not None:
                return self._workspace(request, object_id, bound=(action, form), status=400)
        else:
            messages.success(request, gettext("Done."))
        return HttpResponseRedirect(reverse("admin:appeals_appeal_change", args=[object_id]))


# --- The triage queue ----------------------------------------------------------------------------------------------
class AssignForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=500, initial=_("Routed by the triage desk."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = (
            Department.objects.valid_on(timezone.localdate()).exclude(kind=DepartmentKind.TRIAGE).order_by("name_ru")
        )


@admin.register(TriageAppeal)
class TriageAppealAdmin(AppealAdmin):
    list_display = ["number", "received_at", "category", "district", "status", "deadline", "channel", "excerpt"]
    list_filter = ["status", DeadlineFilter, "category", "district", "channel"]
    actions = ["assign"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(department__kind=DepartmentKind.TRIAGE, status__in=OPEN_STATUSES)

    @admin.display(description=_("text"))
    def excerpt(self, appeal: Appeal) -> str:
        return appeal.text[:120]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:appeals_appeal_change", args=[object_id]))

    @admin.action(description=_("Assign the selected appeals to a department"), permissions=["change"])
    def assign(self, request, queryset):
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done, failed = 0, []
            for appeal in queryset:
                try:
                    services.redirect_appeal(appeal=appeal, actor=request.user, reason=form.cleaned_data["reason"],
                                             department=form.cleaned_data["department"])  # fmt: skip
                    done += 1
                except (ValidationError, PermissionDenied) as exc:
                    failed.append(f"{appeal.number}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
            messages.success(request, gettext("Assigned: %(count)s.") % {"count": done})
            for line in failed:
                messages.error(request, line)
            return None
        return render(request, "admin/appeals/triageappeal/assign.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "form": form, "appeals": queryset,
            "title": gettext("Assign to a department"),
        })  # fmt: skip


# --- Response templates, routing rules, the access log -------------------------------------------------------------
def _my_departments(request):
    if is_supervisor(request.user):
        return Department.objects.all()
    return Department.objects.filter(pk__in=DepartmentMembership.objects.filter(user=request.user).values("department"))


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "department", "category", "language", "outcome", "is_active"]
    list_filter = ["language", "is_active", "department"]
    list_select_related = ["department", "category"]
    search_fields = ["title", "text"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(department__in=_my_departments(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs["queryset"] = _my_departments(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["priority", "name", "category", "district", "keywords", "department", "route_to_district_akimat",
                    "is_active", "preview_link"]  # fmt: skip
    list_display_links = ["name"]
    list_filter = ["is_active", "department"]
    list_select_related = ["category", "district", "department"]
    ordering = ["priority", "id"]
    PREVIEW_APPEALS = 500

    @admin.display(description=_("test"))
    def preview_link(self, rule: RoutingRule) -> str:
        url = reverse("admin:appeals_routingrule_preview", args=[rule.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Test on recent appeals"))

    def get_urls(self):
        return [
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="appeals_routingrule_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        rule = self.get_object(request, object_id)
        if rule is None or not self.has_view_permission(request, rule):
            raise Http404
        recent = list(Appeal.objects.select_related("department", "category", "district")
                      .order_by("-received_at")[: self.PREVIEW_APPEALS])  # fmt: skip
        matched = [a for a in recent if rule_matches(rule, a)]
        return render(request, "admin/appeals/routingrule/preview.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "rule": rule, "matched": matched,
            "checked": len(recent), "title": gettext("Rule “%(name)s” on recent appeals") % {"name": rule.name},
            "would_move": sum(1 for a in matched if a.department_id != rule.department_id),
        })  # fmt: skip


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "appeal", "what", "ip"]
    list_select_related = ["user", "appeal"]
    search_fields = ["=appeal__number", "user__email"]
    list_filter = [("at", admin.DateFieldListFilter)]
    show_full_result_count = False
    paginator = CappedCountPaginator

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
