from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from openalmaty.health import system_health


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """JSON state of PostgreSQL, Redis and the Celery worker; 503 when any of them is down."""
    health = system_health()
    return JsonResponse(health, status=200 if health["status"] == "ok" else 503)
