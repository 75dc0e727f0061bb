"""Reads of the catalogue that views, the appeal form and admin share."""

from django.db.models import Count, Prefetch, Q, QuerySet

from life_situations.models import LifeSituation, Sphere

# The stored search columns are the largest of a guide (a TOASTed vector of several KB); pages never show them.
SEARCH_COLUMNS = ["search_vector", "search_head", "search_words"]


def spheres_with_counts() -> QuerySet[Sphere]:
    return Sphere.objects.annotate(guide_count=Count("guides", filter=Q(guides__is_published=True))).order_by("order")


def popular_guides(limit: int = 8) -> QuerySet[LifeSituation]:
    guides = LifeSituation.objects.filter(is_published=True).select_related("sphere").defer(*SEARCH_COLUMNS)
    return guides.order_by("-views", "slug")[:limit]


def guide_detail(slug: str) -> LifeSituation:
    related = LifeSituation.objects.only("slug", "title_ru", "title_kk").order_by()
    return (
        LifeSituation.objects.filter(is_published=True)
        .select_related("sphere")
        .defer(*SEARCH_COLUMNS)
        .prefetch_related("steps", "documents", Prefetch("related", queryset=related))
        .get(slug=slug)
    )
