"""The floor of a registration on this machine, measured beside the real one (benchmarks only).

The view does what ../shared/notes/performance_and_reliability.md §1.5 measured as "POST /register": the full
middleware stack, a one-field form, one INSERT, the commit and a Celery publish after it. Nothing else of what an
appeal needs (the confirmed phone, the account, the number, the deadline, the event, the SMS row).
"""

import redis
from django import forms
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.views.decorators.http import require_POST

from openalmaty.celery import app

TABLE = "bench_floor"
QUEUE = "bench-floor"  # no worker reads it; the benchmark deletes it afterwards
FIELDS = {"text": "Нагрузочный тест"}  # what the benchmarks post to it


class FloorForm(forms.Form):
    text = forms.CharField(max_length=2000)


@require_POST
def register(request: HttpRequest) -> HttpResponse:
    form = FloorForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (text) VALUES (%s) RETURNING id", [form.cleaned_data["text"]])  # noqa: S608
        pk = cursor.fetchone()[0]
        transaction.on_commit(lambda: app.send_task("bench.floor", args=[pk], queue=QUEUE), robust=True)
    return HttpResponseRedirect("/")


def create_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"CREATE TABLE {TABLE} (id bigserial PRIMARY KEY, text text NOT NULL, "
                       "created_at timestamptz NOT NULL DEFAULT now())")  # fmt: skip


def rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
        return cursor.fetchone()[0]


def drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(QUEUE)
