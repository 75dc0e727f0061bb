from django.contrib import admin
from django.db.models import F
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from life_situations.models import Document, LifeSituation, SearchGap, Sphere, Step
from life_situations.search import reindex


class StepInline(admin.TabularInline):
    model = Step
    extra = 0


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0


@admin.register(Sphere)
class SphereAdmin(admin.ModelAdmin):
    list_display = ["title_ru", "title_kk", "slug", "order"]
    ordering = ["order"]


@admin.register(LifeSituation)
class LifeSituationAdmin(admin.ModelAdmin):
    list_display = ["title_ru", "sphere", "department_code", "updated", "is_published", "views", "preview"]
    list_filter = ["sphere", "is_published", "department_code"]
    list_select_related = ["sphere"]
    search_fields = ["title_ru", "title_kk", "slug"]
    prepopulated_fields = {"slug": ["title_ru"]}
    filter_horizontal = ["related"]
    inlines = [StepInline, DocumentInline]
    show_full_result_count = False

    @admin.display(description=_("preview"))
    def preview(self, obj: LifeSituation) -> str:
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), _("open"))

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        reindex([form.instance.pk])  # the search sees the edit at once, steps and documents included


@admin.register(SearchGap)
class SearchGapAdmin(admin.ModelAdmin):
    """The content-gap list: what citizens search for and do not find."""

    list_display = ["query", "language", "searches", "no_result", "not_opened", "last_seen"]
    list_filter = ["language"]
    search_fields = ["query"]

    def get_queryset(self, request):
        # Most-asked first among what found nothing or was never opened.
        return (
            super()
            .get_queryset(request)
            .annotate(unopened=F("searches") - F("opened"))
            .order_by("-no_result", "-unopened")
        )

    @admin.display(description=_("nothing opened"), ordering="unopened")
    def not_opened(self, obj: SearchGap) -> int:
        return obj.unopened

    def has_add_permission(self, request) -> bool:
        return False
