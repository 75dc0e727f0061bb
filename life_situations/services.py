"""Writes of the catalogue: search gaps, "was this helpful?" and view counts."""

import functools
import logging

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from life_situations.models import LifeSituation, SearchGap

logger = logging.getLogger(__name__)

GAP_SQL = """
INSERT INTO life_situations_searchgap (query, language, searches, no_result, opened, last_seen)
VALUES (%s, %s, 1, %s, 0, now())
ON CONFLICT (query, language) DO UPDATE
SET searches = life_situations_searchgap.searches + 1,
    no_result = life_situations_searchgap.no_result + EXCLUDED.no_result,
    last_seen = now()
"""


def search_gap_record(*, query: str, language: str, found: int) -> None:
    """Count a search; editors see the most-asked queries that found nothing or were never opened."""
    query = " ".join(query.lower().split())[:200]
    if len(query) < 3:
        return
    # A counter for editors: a crash may lose the last fraction of a second of it, so the search page need
    # not wait for the WAL flush.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(GAP_SQL, [query, language, 1 if found == 0 else 0])


def search_gap_opened(*, query: str, language: str) -> None:
    """Count a result of `query` opened (a guide page reached from the search)."""
    query = " ".join(query.lower().split())[:200]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")  # a counter for editors, as in search_gap_record
        SearchGap.objects.filter(query=query, language=language).update(opened=F("opened") + 1)


def guide_feedback(*, guide: LifeSituation, helpful: bool) -> None:
    field = "helpful_yes" if helpful else "helpful_no"
    LifeSituation.objects.filter(pk=guide.pk).update(**{field: F(field) + 1})


# --- View counts ------------------------------------------------------------------------------------------
# A guide page must not write to its guide's row: an UPDATE per view waits for the WAL flush and rewrites a
# wide row (issue #5, guide page p95 ≤ 15 ms). Views are counted in a Redis hash (the cache's server, kept
# without eviction) and written to the database by guide_views_flush(), which beat runs every minute.
# Fields are "views:<id>" and "appeal:<id>" (opened from the appeal form).
VIEWS_PENDING = "life_situations:views"
VIEWS_FLUSHING = "life_situations:views:flushing"  # the batch being written; survives a failed flush
VIEWS_LOCK = "life_situations:views:lock"

ADD_VIEWS_SQL = """
UPDATE life_situations_lifesituation g
SET views = g.views + counted.views, opened_from_appeal_form = g.opened_from_appeal_form + counted.appeal
FROM unnest(%s::bigint[], %s::integer[], %s::integer[]) AS counted(id, views, appeal)
WHERE g.id = counted.id
"""


@functools.cache
def _redis(url: str) -> redis.Redis:
    # Short timeouts: when Redis is away, a page view falls back to the database instead of waiting.
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def _add_views(counts: dict[int, tuple[int, int]]) -> int:
    ids = sorted(counts)
    with connection.cursor() as cursor:
        cursor.execute(ADD_VIEWS_SQL, [ids, [counts[pk][0] for pk in ids], [counts[pk][1] for pk in ids]])
        return cursor.rowcount


def guide_view_count(*, guide_id: int, from_appeal_form: bool = False) -> None:
    """Count one view of a guide; it reaches the database with the next guide_views_flush()."""
    try:
        with _redis(settings.CACHE_URL).pipeline(transaction=True) as pipe:
            pipe.hincrby(VIEWS_PENDING, f"views:{guide_id}", 1)
            if from_appeal_form:
                pipe.hincrby(VIEWS_PENDING, f"appeal:{guide_id}", 1)
            pipe.execute()
    except redis.RedisError as exc:
        logger.warning("view of guide %s counted in the database: Redis is unavailable (%s)", guide_id, exc)
        _add_views({guide_id: (1, int(from_appeal_form))})


def guide_views_flush() -> int:
    """Write the view counts gathered in Redis to the database. Returns the number of guides updated.

    One flush at a time (a Redis lock). The pending hash is renamed before it is read, so views counted
    meanwhile start a new batch; the renamed batch is deleted only after the database committed, and a
    batch left by a failed flush is written by the next one. Delivery is at-least-once: only a crash
    between the commit and the delete would count a batch twice.
    Raises: redis.RedisError when Redis is unavailable (the counts wait there for the next run).
    """
    client = _redis(settings.CACHE_URL)
    lock = client.lock(VIEWS_LOCK, timeout=settings.CELERY_TASK_TIME_LIMIT * 2, blocking=False)
    if not lock.acquire():
        return 0
    try:
        if not client.exists(VIEWS_FLUSHING):
            try:
                client.rename(VIEWS_PENDING, VIEWS_FLUSHING)
            except redis.ResponseError:  # no such key: nothing was viewed since the last flush
                return 0
        counts: dict[int, tuple[int, int]] = {}
        for field, value in client.hgetall(VIEWS_FLUSHING).items():
            kind, guide_id = field.decode().split(":")
            views, appeal = counts.get(int(guide_id), (0, 0))
            counts[int(guide_id)] = (views + int(value), appeal) if kind == "views" else (views, appeal + int(value))
        with transaction.atomic():
            updated = _add_views(counts)
        client.delete(VIEWS_FLUSHING)
        return updated
    finally:
        lock.release()
