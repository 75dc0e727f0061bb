import json
import time
import urllib.error
import urllib.request

import pytest

from conftest import celery_broker

pytestmark = pytest.mark.django_db(transaction=True)


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 — our own live server
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_healthz_is_ok_when_database_redis_and_worker_are_up(live_server, celery_worker_process):
    status, body = get_json(live_server.url + "/healthz")

    assert status == 200, body
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "redis": "ok",
        "celery_worker": "ok",
    }
    assert celery_worker_process.hostname in body["checks"]["celery_worker"]["workers"]


def test_healthz_reports_a_stopped_redis_as_down_quickly(live_server, throwaway_redis):
    with celery_broker(throwaway_redis.url):
        check_redis_going_down(live_server, throwaway_redis)


def check_redis_going_down(live_server, throwaway_redis) -> None:
    status, body = get_json(live_server.url + "/healthz")
    assert body["checks"]["redis"]["status"] == "ok"
    assert body["checks"]["celery_worker"]["status"] == "down"  # nobody consumes this broker
    assert status == 503

    throwaway_redis.kill()
    started = time.monotonic()
    status, body = get_json(live_server.url + "/healthz")
    elapsed = time.monotonic() - started

    assert status == 503
    assert body["status"] == "down"
    assert body["checks"]["redis"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "ok"
    assert elapsed < 3, f"/healthz took {elapsed:.1f} s with Redis down"
