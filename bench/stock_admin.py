"""The baseline for the admin benchmarks: Django's stock ModelAdmin with the workspace's columns and filters,
on its own AdminSite at /stock-admin/ (only in bench.settings, never in the portal)."""

from django.contrib import admin

from appeals.models import Appeal

stock_site = admin.AdminSite(name="stock_admin")


@admin.register(Appeal, site=stock_site)
class StockAppealAdmin(admin.ModelAdmin):
    list_display = ["number", "received_at", "category", "district", "status", "due_date", "assignee", "channel"]
    list_filter = ["status", "category", "district", "channel", "received_at"]
    search_fields = ["number", "contact_phone", "text"]
    ordering = ["-received_at", "-id"]
