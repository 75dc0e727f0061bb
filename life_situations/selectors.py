"""Reads of the catalogue that views, the appeal form and admin share."""

from django.db.models import Count, F, Q, QuerySet

from life_situations.models import LifeSituation, Sphere


def spheres_with_counts() -> QuerySet[Sphere]:
    return Sphere.objects.annotate(guide_count=Count("guides", filter=Q(guides__is_published=True))).order_by("order")


def popular_guides(limit: int = 8) -> QuerySet[LifeSituation]:
    return LifeSituation.objects.filter(is_published=True).select_related("sphere").order_by("-views", "slug")[:limit]


def guide_detail(slug: str) -> LifeSituation:
    return (
        LifeSituation.objects.filter(is_published=True)
        .select_related("sphere")
        .prefetch_related("steps", "documents", "related")
        .get(slug=slug)
    )


def count_view(guide: LifeSituation, *, from_appeal_form: bool = False) -> None:
    updates = {"views": F("views") + 1}
    if from_appeal_form:
        updates["opened_from_appeal_form"] = F("opened_from_appeal_form") + 1
    LifeSituation.objects.filter(pk=guide.pk).update(**updates)
