"""Reference data, the law's clocks, the calendar and the notification log, kept by staff in Django admin."""

from django.contrib import admin

from appeals.models import (
    AppealClock,
    CalendarDay,
    Category,
    Department,
    DepartmentMembership,
    District,
    Notification,
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


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "to", "status", "attempts", "appeal"]
    list_filter = ["status", "channel"]
    list_select_related = ["appeal"]
    readonly_fields = [field.name for field in Notification._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False
