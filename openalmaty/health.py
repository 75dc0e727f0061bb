"""The state of what the portal depends on, for /healthz and the set-up scripts.

Every check is bounded by settings.HEALTHZ_TIMEOUT, so a dead Redis answers "down" within about a second
instead of hanging the probe (celery #4296).
"""

import time
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection

from openalmaty.celery import app as celery_app

Check = dict[str, object]


def _timed(check: Callable[[], dict]) -> Check:
    started = time.perf_counter()
    try:
        result = {"status": "ok", **check()}
    except Exception as exc:
        result = {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database() -> Check:
    def probe() -> dict:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = %s", [int(settings.HEALTHZ_TIMEOUT * 1000)])
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {}

    return _timed(probe)


def check_redis() -> Check:
    def probe() -> dict:
        client = redis.Redis.from_url(
            celery_app.conf.broker_url,
            socket_connect_timeout=settings.HEALTHZ_TIMEOUT,
            socket_timeout=settings.HEALTHZ_TIMEOUT,
        )
        try:
            client.ping()
        finally:
            client.close()
        return {}

    return _timed(probe)


def check_celery_worker() -> Check:
    def probe() -> dict:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.HEALTHZ_TIMEOUT)
        # limit=1: return as soon as one worker answers instead of waiting out the timeout.
        replies = celery_app.control.ping(timeout=settings.HEALTHZ_TIMEOUT, limit=1)
        if not replies:
            raise RuntimeError("no worker answered")
        return {"workers": sorted(name for reply in replies for name in reply)}

    return _timed(probe)


def appeals_waiting() -> dict:
    """Accepted appeals still REGISTERED two minutes after commit (what "lost" means operationally) and
    messages still unsent after five (the notifier or a gateway is down).

    Reported beside the checks, not as one of them: a backlog is an alert for people, not a reason for
    the load balancer to take a healthy web host out of service.
    """
    from appeals.notifications import stuck_notifications_count
    from appeals.services import lost_appeals_count

    try:
        lost, stuck = lost_appeals_count(), stuck_notifications_count()
    except Exception as exc:
        return {"status": "unknown", "error": type(exc).__name__}
    return {
        "status": "ok" if lost == stuck == 0 else "alert",
        "registered_over_2_min": lost,
        "notifications_pending_over_5_min": stuck,
    }


def system_health() -> dict:
    """{"status": "ok" | "down", "checks": {...}, "appeals": {...}} — "ok" only when every check is."""
    checks = {"database": check_database(), "redis": check_redis()}
    # Without Redis there is no way to reach a worker; say so instead of waiting for a second timeout.
    if checks["redis"]["status"] == "ok":
        checks["celery_worker"] = check_celery_worker()
    else:
        checks["celery_worker"] = {"status": "down", "error": "broker unreachable", "ms": 0.0}
    status = "ok" if all(check["status"] == "ok" for check in checks.values()) else "down"
    return {"status": status, "checks": checks, "appeals": appeals_waiting()}
