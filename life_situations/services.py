"""Writes of the catalogue: search gaps, "was this helpful?" and view counts."""

import logging

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from life_situations.models import LifeSituation
from openalmaty.redis_client import cache_redis

logger = logging.getLogger(__name__)


def guide_feedback(*, guide: LifeSituation, helpful: bool) -> None:
    field = "helpful_yes" if helpful else "helpful_no"
    LifeSituation.objects.filter(pk=guide.pk).update(**{field: F(field) + 1})


# --- Counters -----------------------------------------------------------------------------------------------
# A guide page and a search page must not write to the database: an UPDATE per view waits for the WAL flush
# and rewrites a wide row (issue #5: guide page p95 ≤ 15 ms, results page ≤ 20 ms). Views and searches are
# counted in a Redis hash (the cache's server, kept without eviction) and written to the database by
# counters_flush(), which beat runs every minute. Fields of the hash:
#   "views:<guide id>", "appeal:<guide id>"  a guide page viewed, opened from the appeal form;
#   "search:<language>:<query>"             a search (first page, no sphere filter);
#   "none:<language>:<query>"               ... which found nothing;
#   "opened:<language>:<query>"             a guide opened from its results.
COUNTS_PENDING = "life_situations:counts"
COUNTS_FLUSHING = "life_situations:counts:flushing"  # the batch being written; survives a failed flush
COUNTS_LOCK = "life_situations:counts:lock"

ADD_VIEWS_SQL = """
UPDATE life_situations_lifesituation g
SET views = g.views + counted.views, opened_from_appeal_form = g.opened_from_appeal_form + counted.appeal
FROM unnest(%s::bigint[], %s::integer[], %s::integer[]) AS counted(id, views, appeal)
WHERE g.id = counted.id
"""

# A query opened but never counted as a search (a later page, a sphere filter) creates no gap.
ADD_GAPS_SQL = """
INSERT INTO life_situations_searchgap AS g (query, language, searches, no_result, opened, last_seen)
SELECT c.query, c.language, c.searches, c.no_result, c.opened, now()
FROM unnest(%s::text[], %s::text[], %s::integer[], %s::integer[], %s::integer[])
     AS c(query, language, searches, no_result, opened)
WHERE c.searches > 0
   OR EXISTS (SELECT 1 FROM life_situations_searchgap o WHERE o.query = c.query AND o.language = c.language)
ON CONFLICT (query, language) DO UPDATE
SET searches = g.searches + EXCLUDED.searches,
    no_result = g.no_result + EXCLUDED.no_result,
    opened = g.opened + EXCLUDED.opened,
    last_seen = CASE WHEN EXCLUDED.searches > 0 THEN now() ELSE g.last_seen END
"""

GAP_KINDS = ("search", "none", "opened")


def _normalized(query: str) -> str:
    return " ".join(query.lower().split())[:200]


def _write(counts: dict[str, int]) -> int:
    """Add counts keyed as the fields of the Redis hash to the database; returns the number of rows touched."""
    views: dict[int, list[int]] = {}
    gaps: dict[tuple[str, str], list[int]] = {}
    for field, value in counts.items():
        kind, key = field.split(":", 1)
        if kind in GAP_KINDS:
            language, query = key.split(":", 1)
            gaps.setdefault((query, language), [0, 0, 0])[GAP_KINDS.index(kind)] += value
        else:
            views.setdefault(int(key), [0, 0])[kind == "appeal"] += value
    touched = 0
    with transaction.atomic(), connection.cursor() as cursor:
        # Counters for editors: a crash may lose the last fraction of a second of them.
        cursor.execute("SET LOCAL synchronous_commit = off")
        if views:
            ids = sorted(views)
            cursor.execute(ADD_VIEWS_SQL, [ids, [views[pk][0] for pk in ids], [views[pk][1] for pk in ids]])
            touched += cursor.rowcount
        if gaps:
            keys = sorted(gaps)
            columns = [[key[0] for key in keys], [key[1] for key in keys]]
            columns += [[gaps[key][i] for key in keys] for i in range(len(GAP_KINDS))]
            cursor.execute(ADD_GAPS_SQL, columns)
            touched += cursor.rowcount
    return touched


def _count(*fields: str) -> None:
    try:
        with cache_redis().pipeline(transaction=True) as pipe:
            for field in fields:
                pipe.hincrby(COUNTS_PENDING, field, 1)
            pipe.execute()
    except redis.RedisError as exc:
        logger.warning("%s counted in the database: Redis is unavailable (%s)", fields, exc)
        _write(dict.fromkeys(fields, 1))


def guide_view_count(*, guide_id: int, from_appeal_form: bool = False) -> None:
    """Count one view of a guide; it reaches the database with the next counters_flush()."""
    _count(f"views:{guide_id}", *([f"appeal:{guide_id}"] if from_appeal_form else []))


def search_gap_record(*, query: str, language: str, found: int) -> None:
    """Count a search; editors see the most-asked queries that found nothing or were never opened."""
    query = _normalized(query)
    if len(query) >= 3:
        _count(f"search:{language}:{query}", *([f"none:{language}:{query}"] if found == 0 else []))


def search_gap_opened(*, query: str, language: str) -> None:
    """Count a result of `query` opened (a guide page reached from the search)."""
    query = _normalized(query)
    if len(query) >= 3:
        _count(f"opened:{language}:{query}")


def counters_flush() -> int:
    """Write the counts gathered in Redis to the database. Returns the number of rows updated.

    One flush at a time (a Redis lock). The pending hash is renamed before it is read, so counts made
    meanwhile start a new batch; the renamed batch is deleted only after the database committed, and a
    batch left by a failed flush is written by the next one. Delivery is at-least-once: only a crash
    between the commit and the delete would count a batch twice.
    Raises: redis.RedisError when Redis is unavailable (the counts wait there for the next run).
    """
    client = cache_redis()
    lock = client.lock(COUNTS_LOCK, timeout=settings.CELERY_TASK_TIME_LIMIT * 2, blocking=False)
    if not lock.acquire():
        return 0
    try:
        if not client.exists(COUNTS_FLUSHING):
            try:
                client.rename(COUNTS_PENDING, COUNTS_FLUSHING)
            except redis.ResponseError:  # no such key: nothing was counted since the last flush
                return 0
        counts = {field.decode(): int(value) for field, value in client.hgetall(COUNTS_FLUSHING).items()}
        updated = _write(counts)
        client.delete(COUNTS_FLUSHING)
        return updated
    finally:
        lock.release()
