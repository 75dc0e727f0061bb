"""The staff workspace at a million appeals, beside Django's stock ModelAdmin measured in the same run.

Keys: admin.list, admin.list_filtered, admin.search, admin.deep_page, admin.appeal_page
(../shared/BENCHMARKS_FORMAT.md). Each carries the stock ModelAdmin's p50/p95 as the baseline, the ratio of
the p95s, and the SQL queries per page of both.

`python -m bench admin --appeals=5000000` measures the same pages at five million in a database of its own
(keys with `_5m`), without the stock admin: the ten-fold comparison is made at a million.
"""

from bench.appeals import MILLION, ensure_appeals
from bench.harness import gunicorn, machine, now, percentiles, server_time_ms

WARMUP, SAMPLES = 5, 200
STOCK_WARMUP, STOCK_SAMPLES = 1, 7  # the stock admin takes seconds, up to a minute, on some pages
STOCK_TIMEOUT_S = 120
SETTINGS = {"DJANGO_SETTINGS_MODULE": "bench.settings"}


def _supervisor():
    from django.contrib.auth.models import Group

    from accounts.models import User
    from appeals.roles import SUPERVISORS, ensure_roles

    ensure_roles()
    user = User.objects.filter(email="bench-supervisor@open-almaty.kz").first()
    if user is None:
        user = User.objects.create_user(email="bench-supervisor@open-almaty.kz", is_staff=True, is_superuser=True)
    user.groups.add(Group.objects.get(name=SUPERVISORS))
    return user


def _cookie(user) -> dict:
    from bench.cabinet import _session_cookie

    return {"Cookie": _session_cookie(user)}


def _queries(user, path: str) -> int:
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    with override_settings(ROOT_URLCONF="bench.urls"):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200, path
    return len(ctx)


def _pages() -> dict[str, tuple[str, str, str]]:
    """key: (what, our path, the stock admin's path)."""
    from appeals.models import Appeal, District

    district = District.objects.order_by("order").first()
    deep = Appeal.objects.order_by("-received_at", "-id").values("pk", "received_at")[250_000]
    after = f"{deep['received_at'].isoformat()}|{deep['pk']}"
    appeal = Appeal.objects.filter(status="in_progress").order_by("-received_at").values_list("pk", flat=True)[10]
    filters = f"status__exact=in_progress&district__id__exact={district.pk}"
    from urllib.parse import quote

    word = quote("лифт")

    return {
        "admin.list": ("appeal list, default view", "/admin/appeals/appeal/", "/stock-admin/appeals/appeal/"),
        "admin.list_filtered": ("appeal list with two filters (status, district)", f"/admin/appeals/appeal/?{filters}",
                                f"/stock-admin/appeals/appeal/?{filters}"),
        "admin.search": ("search in the text of the appeals ('лифт')", f"/admin/appeals/appeal/?q={word}",
                         f"/stock-admin/appeals/appeal/?q={word}"),
        "admin.deep_page": ("a deep page, 250 000 rows in (keyset vs OFFSET)",
                            f"/admin/appeals/appeal/?after={quote(after)}", "/stock-admin/appeals/appeal/?p=2500"),
        "admin.appeal_page": ("one appeal's page (workspace vs stock change form)",
                              f"/admin/appeals/appeal/{appeal}/change/",
                              f"/stock-admin/appeals/appeal/{appeal}/change/"),
    }  # fmt: skip


def _measure(url: str, headers: dict, samples: int, warmup: int = WARMUP) -> list[float]:
    for _ in range(warmup):
        server_time_ms(url, headers, timeout=STOCK_TIMEOUT_S + 10)
    return [server_time_ms(url, headers, timeout=STOCK_TIMEOUT_S + 10) for _ in range(samples)]


def run(database_url: str, *, fresh: bool = False, record=lambda results: None, appeals: int = MILLION) -> dict:
    from appeals.models import Appeal

    generated = ensure_appeals(database_url, fresh=fresh, count=appeals)
    if generated and appeals != MILLION:
        record({f"appeal.generate_{appeals // MILLION}m": generated})
    user = _supervisor()
    data = f"{Appeal.objects.count()} appeals; a supervisor's view (every department)"
    with_stock = appeals == MILLION
    suffix = "" if with_stock else f"_{appeals // MILLION}m"
    target = "p95 ≤ 100 ms; ≥ 10× the stock admin on search and deep pages" if with_stock else "p95 ≤ 200 ms"
    results = {}
    with gunicorn(database_url, env=SETTINGS, timeout=STOCK_TIMEOUT_S) as base:
        headers = _cookie(user)
        for key, (what, ours, stock) in _pages().items():
            mine = percentiles(_measure(base + ours, headers, SAMPLES))
            queries = _queries(user, ours)
            baseline, note = {}, f"SQL queries per page: {queries}; the stock admin is compared at a million"
            if with_stock:
                baseline, note = _stock(base + stock, headers, user, stock, mine, queries)
            results[key + suffix] = {
                **mine, "unit": "ms", "what": what + ", server time, 1 gunicorn sync worker", **baseline,
                "queries": queries, "target": target, "measured_at": now(), "machine": machine(), "data": data,
                "note": note,
            }  # fmt: skip
            record({key + suffix: results[key + suffix]})
    return results


def _stock(url: str, headers: dict, user, path: str, mine: dict, queries: int) -> tuple[dict, str]:
    """The stock ModelAdmin on the same page: its figures beside ours, and the note that compares them."""
    try:
        theirs = percentiles(_measure(url, headers, STOCK_SAMPLES, STOCK_WARMUP))
        stock_queries = _queries(user, path)
    except OSError:  # the stock change form renders a <select> of every appeal for `parent`
        note = (
            f"the stock ModelAdmin did not answer within {STOCK_TIMEOUT_S} s (gunicorn killed the worker): "
            f"its change form builds a <select> of every appeal for `parent`; SQL queries here: {queries}"
        )
        return {"baseline": "stock ModelAdmin", "baseline_p95": f"> {STOCK_TIMEOUT_S * 1000}"}, note
    ratio = round(theirs["p95"] / mine["p95"], 1)
    baseline = {
        "baseline": "stock ModelAdmin",
        "baseline_p50": theirs["p50"],
        "baseline_p95": theirs["p95"],
        "ratio": ratio,
        "baseline_queries": stock_queries,
    }
    note = (
        f"stock ModelAdmin p50 {theirs['p50']} / p95 {theirs['p95']} ms ({theirs['n']} samples), "
        f"{ratio}× slower at p95; SQL queries per page: {queries} here, {stock_queries} stock"
    )
    return baseline, note
