"""Guide and search pages count without writing to the database: Redis gathers the counts, a beat task writes them."""

import time

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import _free_port
from life_situations.loader import load_guides
from life_situations.models import LifeSituation, SearchGap
from life_situations.services import COUNTS_FLUSHING, COUNTS_PENDING, counters_flush, guide_view_count
from openalmaty.redis_client import cache_redis

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue() -> None:
    assert load_guides().errors == []


def counts(slug: str) -> tuple[int, int]:
    guide = LifeSituation.objects.get(slug=slug)
    return guide.views, guide.opened_from_appeal_form


def test_a_guide_page_writes_nothing_and_the_flush_adds_the_views(client, catalogue):
    client.get("/guides/lost-driving-licence/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/kk/guides/lost-driving-licence/?from=appeal")

    assert not [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert counts("lost-driving-licence") == (0, 0)
    assert counters_flush() == 1
    assert counts("lost-driving-licence") == (2, 1)
    assert counters_flush() == 0  # nothing new: a second run changes nothing
    assert counts("lost-driving-licence") == (2, 1)


def test_a_batch_left_by_a_failed_flush_is_written_by_the_next_one(catalogue):
    guide_id = LifeSituation.objects.get(slug="passport").pk
    guide_view_count(guide_id=guide_id)
    # A flush that renamed the batch and died before writing it leaves it under COUNTS_FLUSHING.
    cache_redis().rename(COUNTS_PENDING, COUNTS_FLUSHING)
    guide_view_count(guide_id=guide_id, from_appeal_form=True)  # meanwhile, a new batch starts

    counters_flush()
    assert counts("passport") == (1, 0)
    counters_flush()
    assert counts("passport") == (2, 1)


def test_with_redis_down_a_view_is_counted_in_the_database(client, catalogue, settings):
    settings.CACHE_URL = f"redis://127.0.0.1:{_free_port()}/0"  # nothing listens there

    response = client.get("/guides/passport/?from=appeal")

    assert response.status_code == 200
    assert counts("passport") == (1, 1)


def test_a_search_writes_nothing_and_the_flush_adds_the_gaps(client, catalogue):
    with CaptureQueriesContext(connection) as queries:
        client.get("/guides/search/", {"q": "квантовый телепорт"})
        client.get("/guides/search/", {"q": "Потерял права"})
        client.get("/guides/lost-driving-licence/", {"from": "search", "q": "потерял  права"})
        client.get("/guides/passport/", {"from": "search", "q": "паспорт утерян"})  # never searched: no gap

    assert not [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert not SearchGap.objects.exists()
    counters_flush()
    gaps = {gap.query: (gap.searches, gap.no_result, gap.opened) for gap in SearchGap.objects.all()}
    assert gaps == {"квантовый телепорт": (1, 1, 0), "потерял права": (1, 0, 1)}


def test_with_redis_down_a_search_is_counted_in_the_database(client, catalogue, settings):
    settings.CACHE_URL = f"redis://127.0.0.1:{_free_port()}/0"  # nothing listens there

    response = client.get("/guides/search/", {"q": "квантовый телепорт"})

    assert response.status_code == 200
    gap = SearchGap.objects.get(query="квантовый телепорт")
    assert (gap.searches, gap.no_result, gap.opened) == (1, 1, 0)


def test_the_guide_page_reads_a_fixed_number_of_rows(client, catalogue, django_assert_max_num_queries):
    assert LifeSituation.objects.get(slug="lost-driving-licence").related.exists()
    with django_assert_max_num_queries(4):  # the guide with its sphere; its steps, documents, related guides
        response = client.get("/guides/lost-driving-licence/")
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_beat_task_writes_the_views_through_the_worker(client, catalogue, celery_worker_process):
    from life_situations.tasks import counters_flush_task

    client.get("/guides/passport/")
    counters_flush_task.delay()
    deadline = time.monotonic() + 20
    while counts("passport") != (1, 0) and time.monotonic() < deadline:
        time.sleep(0.1)

    assert counts("passport") == (1, 0)
    assert "flush-catalogue-counters" in settings.CELERY_BEAT_SCHEDULE
