"""Reference data, the law's clocks and the calendar, kept by staff in Django admin.

The appeal list here is read-only and scoped to the user's departments; the staff workspace with
actions is built on top of it (issue 7). Status changes only through appeals.services.
"""

from datetime import timedelta

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appeals.models import (
    Appeal,
    AppealClock,
    AppealEvent,
    CalendarDay,
    Category,
    Department,
    DepartmentMembership,
    District,
    Notification,
    RoutingRule,
    Sphere,
)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "name_kk", "code", "is_city_wide", "order"]
    ordering = ["order"]


class MembershipInline(admin.TabularInline):
    model = DepartmentMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "code", "kind", "district", "head", "valid_from", "valid_to"]
    list_filter = ["kind", "valid_to"]
    search_fields = ["name_ru", "name_kk", "name_en", "code"]
    autocomplete_fields = ["head", "successor"]
    inlines = [MembershipInline]


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0
    fields = ["code", "name_ru", "name_kk", "default_department", "local_to_district", "is_active", "order"]


@admin.register(Sphere)
class SphereAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "name_kk", "code", "order"]
    inlines = [CategoryInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "sphere", "default_department", "local_to_district", "is_active"]
    list_filter = ["sphere", "local_to_district", "is_active"]
    search_fields = ["name_ru", "name_kk", "keywords", "code"]
    list_select_related = ["sphere", "default_department"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["priority", "name", "category", "district", "keywords", "department", "route_to_district_akimat",
                    "is_active"]  # fmt: skip
    list_display_links = ["name"]
    list_filter = ["is_active", "department"]
    list_select_related = ["category", "district", "department"]
    ordering = ["priority", "id"]


@admin.register(AppealClock)
class AppealClockAdmin(admin.ModelAdmin):
    list_display = ["kind", "answer_days", "answer_day_type", "max_total_months", "redirect_working_days",
                    "legal_basis"]  # fmt: skip


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name_ru", "name_kk", "source"]
    list_filter = ["kind", ("date", admin.DateFieldListFilter)]
    date_hierarchy = "date"
    search_fields = ["name_ru", "name_kk"]


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


class EventInline(admin.TabularInline):
    model = AppealEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor", "department", "is_public", "text"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["number", "received_at", "status", "category", "district", "department", "due_date", "channel"]
    list_filter = [WaitingForRoutingFilter, "status", "channel", "kind"]
    list_select_related = ["category", "district", "department"]
    search_fields = ["=number", "=contact_phone"]
    show_full_result_count = False
    date_hierarchy = None
    inlines = [EventInline]
    readonly_fields = [field.name for field in Appeal._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to_staff(request.user)

    def has_add_permission(self, request) -> bool:
        return False  # appeals come in through register_appeal only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the law requires appeals to be kept

    def changelist_view(self, request, extra_context=None):
        lost = Appeal.objects.waiting_for_routing(timedelta(minutes=2)).count()
        if lost:
            title = gettext("Appeals — not routed after 2 minutes: %(count)s") % {"count": lost}
            extra_context = {**(extra_context or {}), "title": title}
        return super().changelist_view(request, extra_context)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "to", "status", "attempts", "appeal"]
    list_filter = ["status", "channel"]
    list_select_related = ["appeal"]
    readonly_fields = [field.name for field in Notification._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False
