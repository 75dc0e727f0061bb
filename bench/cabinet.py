"""The personal cabinet at a million appeals: a citizen with 200 appeals opens the list and an appeal.

Keys: cabinet.list, cabinet.list_filtered, cabinet.appeal (../shared/BENCHMARKS_FORMAT.md). Each result
also carries the SQL queries per page for a citizen with 20 and with 200 appeals: the number must not grow.
"""

import random

from bench.appeals import ensure_appeals
from bench.harness import gunicorn, machine, now, percentiles, server_time_ms

WARMUP, SAMPLES = 30, 600
BIG, SMALL = 200, 20
PHONES = {BIG: "+77019990200", SMALL: "+77019990020"}


def _citizen(phone: str, appeals: int):
    """A verified citizen owning `appeals` appeals picked at random from the million (made once)."""
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User

    user = User.objects.filter(phone=phone).first() or User.objects.create_user(
        phone=phone, full_name="Бенчмарк Гражданин", phone_verified_at=timezone.now()
    )
    missing = appeals - user.appeals.count()
    if missing > 0:
        with connection.cursor() as cursor:
            cursor.execute(
                """UPDATE appeals_appeal SET citizen_id = %s, contact_phone = %s
                    WHERE id IN (SELECT id FROM appeals_appeal TABLESAMPLE SYSTEM (1)
                                  WHERE citizen_id IS NULL ORDER BY random() LIMIT %s)""",
                [user.pk, phone, missing],
            )
            cursor.execute("ANALYZE appeals_appeal")
    return user


def _session_cookie(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.PhoneOrEmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"sessionid={session.session_key}"


def _queries(user, path: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200, path
    return len(ctx)


def run(database_url: str, *, fresh: bool = False) -> dict[str, dict]:
    from appeals.models import Appeal

    ensure_appeals(database_url, fresh=fresh)
    users = {n: _citizen(phone, n) for n, phone in PHONES.items()}
    big = users[BIG]
    public_ids = [str(p) for p in Appeal.objects.filter(citizen=big).values_list("public_id", flat=True)]
    data = f"{Appeal.objects.count()} appeals; the citizen has {len(public_ids)}"
    pages = {
        "cabinet.list": ("/cabinet/", "my appeals, first page of 20"),
        "cabinet.list_filtered": ("/cabinet/?show=closed&page=3", "my appeals, closed ones, page 3"),
        "cabinet.appeal": (None, "one of my appeals with its public timeline and actions"),
    }
    results = {}
    rnd = random.Random(7)
    with gunicorn(database_url) as base:
        cookie = {"Cookie": _session_cookie(big)}
        for key, (path, what) in pages.items():

            def url() -> str:
                return base + (path or f"/cabinet/appeals/{rnd.choice(public_ids)}/")  # noqa: B023

            for _ in range(WARMUP):
                server_time_ms(url(), cookie)
            samples = [server_time_ms(url(), cookie) for _ in range(SAMPLES)]
            sample_path = path or f"/cabinet/appeals/{public_ids[0]}/"
            small_path = path or f"/cabinet/appeals/{users[SMALL].appeals.values_list('public_id', flat=True)[0]}/"
            queries = {n: _queries(users[n], sample_path if n == BIG else small_path) for n in (SMALL, BIG)}
            results[key] = {
                **percentiles(samples), "unit": "ms", "what": what + ", server time, 1 gunicorn sync worker",
                "target": "p95 ≤ 20 ms", "measured_at": now(), "machine": machine(), "data": data,
                "queries": queries[BIG],
                "note": f"SQL queries per page: {queries[SMALL]} with {SMALL} appeals, {queries[BIG]} with {BIG}",
            }  # fmt: skip
    return results
