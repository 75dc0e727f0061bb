from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from life_situations.models import LifeSituation, Sphere
from life_situations.search import search as search_guides
from life_situations.selectors import guide_detail, popular_guides, spheres_with_counts
from life_situations.services import guide_feedback, guide_view_count, search_gap_opened, search_gap_record
from openalmaty.i18n import content_language


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    return render(
        request, "life_situations/catalogue.html", {"spheres": spheres_with_counts(), "popular": popular_guides()}
    )


@require_GET
def sphere(request: HttpRequest, slug: str) -> HttpResponse:
    sphere = get_object_or_404(Sphere, slug=slug)
    guides = sphere.guides.filter(is_published=True).order_by("title_" + content_language())
    return render(request, "life_situations/sphere.html", {"sphere": sphere, "guides": guides,
                                                           "spheres": spheres_with_counts()})  # fmt: skip


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    try:
        sphere_id = int(request.GET["sphere"]) if request.GET.get("sphere") else None
        page = int(request.GET.get("page", 1))
    except ValueError:
        sphere_id, page = None, 1
    results = search_guides(query, sphere_id=sphere_id, page=page, language=content_language()) if query else None
    if results is not None and page == 1 and sphere_id is None:
        search_gap_record(query=query, language=content_language(), found=results.total)
    spheres = {s.pk: s for s in Sphere.objects.all()}
    facets = [(spheres[pk], count) for pk, count in results.facets] if results else []
    return render(request, "life_situations/search.html", {"query": query, "results": results, "facets": facets,
                                                           "sphere_id": sphere_id})  # fmt: skip


@require_GET
def suggest(request: HttpRequest) -> JsonResponse:
    """Guides for what is being typed (the search box, and the text of an appeal)."""
    query = request.GET.get("q", "").strip()[:300]
    hits = search_guides(query, language=content_language()).hits[:5] if len(query) >= 3 else []
    return JsonResponse({"guides": [{"title": hit.guide.title, "url": hit.guide.get_absolute_url(),
                                     "slug": hit.guide.slug} for hit in hits]})  # fmt: skip


@require_GET
def guide(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        guide = guide_detail(slug)
    except LifeSituation.DoesNotExist as exc:
        raise Http404 from exc
    source = request.GET.get("from", "")
    guide_view_count(guide_id=guide.pk, from_appeal_form=source == "appeal")
    if source == "search" and request.GET.get("q"):
        search_gap_opened(query=request.GET["q"], language=content_language())
    return render(request, "life_situations/guide.html", {"guide": guide, "print": "print" in request.GET})


@require_POST
def feedback(request: HttpRequest, slug: str) -> HttpResponse:
    guide = get_object_or_404(LifeSituation, slug=slug, is_published=True)
    guide_feedback(guide=guide, helpful=request.POST.get("helpful") == "yes")
    messages.success(request, _("Thank you! Your answer helps us improve the guides."))
    return redirect(guide)
