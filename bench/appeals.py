"""Appeals at a million: generation, registration through the real form over HTTP, routing latency,
throughput on 2 cores, and a 60-second Redis outage.

Keys: appeal.generate_1m, appeal.register, appeal.route_latency, appeal.register_throughput,
appeal.register_throughput_web, appeal.register_instructions, appeal.route_instructions, appeal.celery_task_floor,
appeal.celery_task_floor_paced, appeal.redis_outage (../shared/BENCHMARKS_FORMAT.md).
"""

import http.client
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from bench.harness import (
    ROOT,
    CpuMeter,
    StallMeter,
    callgrind_instructions,
    celery,
    free_port,
    gunicorn,
    machine,
    now,
    percentiles,
)

MILLION = 1_000_000
BENCH_ENV = {"APPEAL_RATE_PER_MINUTE": str(10**9), "APPEAL_RATE_PER_DAY": str(10**9)}
WEB = {"workers": 2, "threads": 4}  # the Procfile's gunicorn: 2 gthread processes × 4 threads
WEB_DESCRIPTION = "gunicorn as in the Procfile (2 processes × 4 threads, keep-alive)"


def _base(what: str, unit: str, data: str) -> dict:
    return {"what": what, "unit": unit, "measured_at": now(), "machine": machine(), "data": data}


def ensure_appeals(database_url: str, *, fresh: bool, count: int = MILLION) -> dict | None:
    """Fill the benchmark database with `count` generated appeals; returns the timing if it generated.

    The appeals span the same four and a half years at any size: five million means five times as many a day.
    """
    from appeals.models import Appeal

    if Appeal.objects.count() >= count and not fresh:
        return None
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE appeals_notification, appeals_attachment, appeals_appealevent, appeals_appeal CASCADE")
    days = math.ceil(MILLION / (650 * 0.93))
    per_day = round(650 * count / MILLION)
    started = time.monotonic()
    subprocess.run(
        [os.sys.executable, "manage.py", "generate_appeals", "--days", str(days), "--per-day", str(per_day)],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url}, check=True,
    )  # fmt: skip
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE appeals_appeal")
        cursor.execute("VACUUM ANALYZE appeals_appealevent")
    total = Appeal.objects.count()
    return {
        **_base(f"generating {count:_} appeals (COPY, with timelines)".replace("_", " "), "s", f"{total} appeals"),
        "value": round(seconds, 1),
        "target": f"≤ {600 * count // MILLION} s",
        "note": f"{total / seconds:.0f} appeals/s including about 4 timeline events each",
    }


def confirmed_session() -> str:
    """The key of a new session whose visitor has confirmed a phone by SMS, as the form requires."""
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.session import remember_confirmed_phone

    session = SessionStore()
    remember_confirmed_phone(session, "+77015556677")
    session.save()
    return session.session_key


def csrf(set_cookie: str, page: str) -> tuple[str, str]:
    """(the csrftoken cookie, the form's csrfmiddlewaretoken) of a GET of the appeal form."""
    cookie = re.search(r"csrftoken=([^;]+)", set_cookie).group(1)
    return cookie, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def burst_fields() -> dict:
    """The appeal the load benchmarks post, again and again: the first topic and district."""
    from appeals.models import Category, District

    return {
        "kind": "report", "category": Category.objects.values_list("pk", flat=True)[0],
        "district": District.objects.values_list("pk", flat=True)[0], "address": "пр. Абая, 10",
        "contact_name": "wrk", "language": "ru", "consent": "on",
        "text": "Нагрузочный тест: не горит фонарь во дворе, обращение",
    }  # fmt: skip


class FormClient:
    """A citizen's browser: a session with a confirmed phone, the CSRF token, keep-alive HTTP."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies = {"sessionid": confirmed_session()}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        status, headers, body = self.request("GET", "/appeals/new/")
        assert status == 200, status
        self.cookies["csrftoken"], self.token = csrf(headers.get("Set-Cookie", ""), body)
        from appeals.models import Category, District

        self.categories = list(Category.objects.values_list("pk", flat=True))
        self.districts = list(District.objects.values_list("pk", flat=True))
        self.sent = 0

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, dict, str]:
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": f"http://{self.host}:{self.port}/",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode()
        except (ConnectionError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            raise
        return response.status, dict(response.getheaders()), text

    def register(self) -> tuple[int, float]:
        """POST the form; returns (HTTP status, server time in ms)."""
        from urllib.parse import urlencode

        self.sent += 1
        body = urlencode({
            "csrfmiddlewaretoken": self.token, "kind": "application",
            "category": self.categories[self.sent % len(self.categories)],
            "district": self.districts[self.sent % len(self.districts)], "address": "пр. Абая, 10",
            "text": f"Бенчмарк: не вывозят мусор во дворе, обращение {self.sent}.", "contact_name": "Бенчмарк",
            "language": "ru", "consent": "on",
        })  # fmt: skip
        status, headers, _ = self.request("POST", "/appeals/new/", body)
        return status, float(headers["Server-Timing"].split("dur=")[1])


def _route_latencies(since) -> list[float]:
    """Commit → ROUTED: the routing event's time minus the commit time of the registering transaction.

    PostgreSQL records commit times when track_commit_timestamp is on (the private cluster turns it on);
    the registration event row is never updated, so its xmin is the registering transaction.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT EXTRACT(EPOCH FROM (routed.created_at - pg_xact_commit_timestamp(registered.xmin))) * 1000
               FROM appeals_appealevent registered
               JOIN appeals_appealevent routed ON routed.appeal_id = registered.appeal_id AND routed.kind = 'routed'
               WHERE registered.kind = 'registered' AND registered.created_at >= %s""",
            [since],
        )
        return [row[0] for row in cursor.fetchall()]


def bench_register(database_url: str, data: str) -> dict[str, dict]:
    from django.utils import timezone

    results = {}
    with celery(database_url), gunicorn(database_url, workers=1, env=BENCH_ENV) as base:
        client = FormClient(base)
        for _ in range(30):
            client.register()
        since, stalls = timezone.now(), StallMeter()
        samples = []
        for _ in range(600):
            status, ms = client.register()
            assert status == 302, status
            samples.append(ms)
            time.sleep(0.01)  # a steady stream, not a burst: routing latency is measured per appeal
        stalls = stalls.summary()
        time.sleep(2)
        latencies = _route_latencies(since)
    results["appeal.register"] = {
        **_base(
            "register through the public form over HTTP (validation, INSERT, events, commit, publish), "
            "server time, 1 gunicorn worker",
            "ms",
            data,
        ),
        **percentiles(samples),
        "target": "p95 ≤ 15 ms",
        "note": stalls,
    }
    results["appeal.route_latency"] = {
        **_base("commit → ROUTED by the Celery worker (routing event time − appeal row time)", "ms", data),
        **percentiles([float(x) for x in latencies]),
        "target": "p95 ≤ 50 ms",
        "note": stalls,
    }
    return results


WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "{cookie}"
wrk.headers["Referer"] = "{base}/"
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, "{path}", nil, "{body}" .. counter)
end
"""


def _wrk_burst(base: str, *, connections: int, seconds: int, path: str = "/appeals/new/", fields=None,
               count=None) -> dict:  # fmt: skip
    """wrk (C, 1 thread) posts a form (the real one unless `path` and `fields` say otherwise) as fast as
    `connections` connections allow, for `seconds`; `count()` tells how many rows the posts made."""
    from urllib.parse import urlencode

    from appeals.models import Appeal

    client = FormClient(base)
    fields = fields or burst_fields()
    count = count or Appeal.objects.count
    body = urlencode({"csrfmiddlewaretoken": client.token, **fields})
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    script = Path(tempfile.mkdtemp()) / "post.lua"
    script.write_text(WRK_SCRIPT.replace("{cookie}", cookie).replace("{base}", base).replace("{path}", path)
                      .replace("{body}", body + "+"))  # fmt: skip
    before, stalls, cpu = count(), StallMeter(), CpuMeter()
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), base],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    stalls = stalls.summary()
    time.sleep(1)
    registered = count() - before
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
        "registered": registered,
        "stalls": stalls,
        "cpu": cpu.per_item(registered),
    }


def _seconds_until_routed(waiting, limit: float = 300) -> float:
    """Seconds until `waiting` (appeals still REGISTERED) is empty, or `limit`."""
    started = time.monotonic()
    while waiting.exists() and time.monotonic() - started < limit:
        time.sleep(0.2)
    return round(time.monotonic() - started, 1)


def bench_throughput(database_url: str, data: str, *, connections: int = 8, seconds: int = 20) -> dict[str, dict]:
    """The whole pipeline: gunicorn as in the Procfile registers, the Celery workers route and send the SMS;
    then the time until every appeal of the burst is ROUTED."""
    from django.utils import timezone

    from appeals.models import Appeal, AppealStatus

    since = timezone.now()
    waiting = Appeal.objects.filter(created_at__gte=since, status=AppealStatus.REGISTERED)
    with celery(database_url), gunicorn(database_url, env=BENCH_ENV, **WEB) as base:
        meter = CpuMeter()  # the workers yield the CPU during the burst and route the rest after it
        burst = _wrk_burst(base, connections=connections, seconds=seconds)
        behind = waiting.count()
        drained = _seconds_until_routed(waiting)
        until_routed = meter.per_item(burst["registered"])
    return {
        "appeal.register_throughput": {
            **_base(
                f"registrations per second through the form, {WEB_DESCRIPTION}, wrk with {connections} connections",
                "/s",
                data,
            ),
            "value": round(burst["rate"], 1),
            "n": burst["registered"],
            "target": "≥ 200 /s",
            "errors": burst["errors"],
            "cpu_ms_per_appeal": burst["cpu"],
            "cpu_ms_per_appeal_until_routed": until_routed,
            "unrouted_at_end": behind,
            "drained_after_s": drained,
            "note": f"{burst['registered']} appeals registered in {seconds} s, {burst['errors']} failed requests; "
            f"wrk, PostgreSQL, Redis and the Celery workers (routing every appeal and sending its SMS, at a lower "
            f"CPU priority) share the same 2 cores; {behind} not yet routed when the burst ended, all routed "
            f"{drained} s later; during the burst, {CpuMeter.describe(burst['cpu'])}; until the last was routed, "
            f"{CpuMeter.describe(until_routed)}; {burst['stalls']}",
        }
    }


def bench_throughput_web(database_url: str, data: str, *, connections: int = 8, seconds: int = 20) -> dict[str, dict]:
    """The web tier alone: the same burst with no Celery worker, so the appeals wait in REGISTERED; then a
    worker starts and the time until the last of them is ROUTED is the backlog's drain time.

    Baseline, same gunicorn, same minutes: the bare view of bench.floor (one-field form, one INSERT, commit,
    publish), the floor the notes measured at 231–312 /s on a machine like this one."""
    from django.utils import timezone

    from appeals.models import Appeal, AppealStatus
    from bench import floor

    since = timezone.now()
    floor.create_table()
    try:
        with gunicorn(database_url, env={**BENCH_ENV, "DJANGO_SETTINGS_MODULE": "bench.settings"}, **WEB) as base:
            burst = _wrk_burst(base, connections=connections, seconds=seconds)
            bare = _wrk_burst(base, connections=connections, seconds=seconds, path="/bench-floor/register/",
                              fields=floor.FIELDS, count=floor.rows)  # fmt: skip
    finally:
        floor.drop()
    waiting = Appeal.objects.filter(created_at__gte=since, status=AppealStatus.REGISTERED)
    backlog = waiting.count()
    with celery(database_url):
        drained = _seconds_until_routed(waiting)
    left = waiting.count()
    return {
        "appeal.register_throughput_web": {
            **_base(
                "registrations per second through the form with no routing worker running (the web tier's "
                f"ceiling): {WEB_DESCRIPTION}, wrk with {connections} connections",
                "/s",
                data,
            ),
            "value": round(burst["rate"], 1),
            "n": burst["registered"],
            "target": "report",
            "errors": burst["errors"],
            "baseline": "bare view (one-field form, one INSERT, commit, publish)",
            "baseline_value": round(bare["rate"], 1),
            "cpu_ms_per_appeal": burst["cpu"],
            "baseline_cpu_ms_per_request": bare["cpu"],
            "backlog": backlog,
            "drained_after_s": drained,
            "left_registered": left,
            "note": f"{burst['registered']} appeals registered in {seconds} s, {burst['errors']} failed requests; "
            f"{CpuMeter.describe(burst['cpu'])}; the bare view in the same gunicorn: {bare['rate']:.0f} /s "
            f"({bare['errors']} failed), {CpuMeter.describe(bare['cpu'], 'request')}; "
            f"a worker started afterwards routed the backlog of {backlog} in {drained} s (worker start included), "
            f"{left} left; {burst['stalls']}",
        }
    }


def _instructions(database_url: str, module: str, *arguments: str) -> int:
    """The instructions callgrind counts in a process that runs `python -m module arguments` (a replay)."""
    return callgrind_instructions([sys.executable, "-m", module, *arguments], env={"DATABASE_URL": database_url})


def bench_register_instructions(database_url: str, data: str, *, few: int = 5, many: int = 45) -> dict[str, dict]:
    """What one appeal costs in CPU instructions, counted by callgrind: the same on a busy host as on an idle
    one, where the throughput bursts' CPU milliseconds swing by up to a half from hour to hour.

    The registration in the Django process (baseline: the bare view), then the workers' two tasks for each
    appeal it registered (routing, its SMS). Runs of `few` and `many`, so that start-up cancels out."""
    from django.db.models import Prefetch
    from django.utils import timezone

    from appeals.models import Appeal, AppealStatus, Notification, NotificationStatus
    from bench import floor

    since = timezone.now()
    floor.create_table()
    runs = [(what, count) for what in ("form", "floor") for count in (few, many)]
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:  # one a core: the counts do not depend on the timing
            counts = pool.map(lambda run: _instructions(database_url, "bench.wsgi_replay", run[0], str(run[1])), runs)
            counted = dict(zip(runs, counts, strict=True))
    finally:
        floor.drop()
    per_request = {what: (counted[what, many] - counted[what, few]) / (many - few) for what in ("form", "floor")}

    registered = Appeal.objects.filter(created_at__gte=since, status=AppealStatus.REGISTERED).order_by("pk")
    pending = Notification.objects.filter(status=NotificationStatus.PENDING)
    work = [
        f"{appeal.pk}:" + ",".join(str(message.pk) for message in appeal.notifications.all())
        for appeal in registered.prefetch_related(Prefetch("notifications", queryset=pending))
    ]
    assert len(work) == few + many, len(work)
    with ThreadPoolExecutor(max_workers=2) as pool:  # the appeals of the two runs apart
        few_tasks, many_tasks = pool.map(
            lambda chunk: _instructions(database_url, "bench.task_replay", *chunk), (work[:few], work[few:])
        )
    tasks = (many_tasks - few_tasks) / (many - few) / 1e6
    assert not registered.exists() and not pending.filter(appeal__created_at__gte=since).exists()
    # The tasks the replays published stay queued; the next benchmark's workers take them, each finding its work done.
    form, bare = per_request["form"] / 1e6, per_request["floor"] / 1e6
    return {
        "appeal.register_instructions": {
            **_base(
                "CPU instructions per registration through the form in the Django process (middleware, "
                "form, queries, commit, publish; callgrind, independent of the host's speed)",
                "M instructions",
                data,
            ),
            "value": round(form, 2),
            "n": many - few,
            "target": "report",
            "baseline": "bare view (one-field form, one INSERT, commit, publish)",
            "baseline_value": round(bare, 2),
            "note": f"{form:.2f} M instructions a registration against {bare:.2f} M for the bare view "
            f"({form / bare:.1f}×); PostgreSQL's and Redis's own work is not counted",
        },
        "appeal.route_instructions": {
            **_base(
                "CPU instructions per appeal in the Celery workers' tasks after its registration: routing (locked "
                "read, rules, UPDATE, event, the SMS task's publish) and sending its SMS (callgrind)",
                "M instructions",
                data,
            ),
            "value": round(tasks, 2),
            "n": many - few,
            "target": "report",
            "note": f"{tasks:.2f} M instructions an appeal in the two task bodies, besides Celery's own work "
            f"around each task (appeal.celery_task_floor); PostgreSQL's and Redis's own work is not counted",
        },
    }


def bench_task_floor(database_url: str, data: str, *, tasks: int = 4000, pace_per_s: int = 100) -> dict[str, dict]:
    """Celery's floor on this machine: the CPU the Procfile's workers spend on a task that does nothing (the built-in
    celery.accumulate), and this process's CPU to publish one. Two such tasks per appeal (routing, its SMS) and
    the bare view of bench.floor are the least any appeal can cost here.

    Measured twice in the same workers: with every task queued at once (the workers drain a backlog, as after
    a burst), and with the tasks arriving one at a time at `pace_per_s`, as appeals do, so that the workers
    wake up for each one."""
    import redis
    from django.conf import settings

    from openalmaty.celery import app

    queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    def drained() -> None:
        while queue.llen("celery"):
            time.sleep(0.05)
        time.sleep(0.5)

    def publish_all(pace: float | None) -> float:
        """Publish `tasks` tasks, paced or at once; this process's CPU per publish, in ms."""
        started, begun = time.process_time(), time.monotonic()
        for n in range(tasks):
            app.send_task("celery.accumulate", args=[n])
            if pace and (ahead := begun + (n + 1) / pace - time.monotonic()) > 0:
                time.sleep(ahead)
        return (time.process_time() - started) * 1000 / tasks

    with celery(database_url):
        drained()  # whatever an earlier run left, before the meter starts
        cpu = CpuMeter()
        publish_ms = publish_all(None)
        drained()
        spent = cpu.per_item(tasks)
        cpu = CpuMeter()
        publish_all(pace_per_s)
        drained()
        paced = cpu.per_item(tasks)
    ratio = paced["Celery"] / spent["Celery"]
    return {
        "appeal.celery_task_floor": {
            **_base("CPU the Celery workers spend on one task that does nothing (celery.accumulate)", "ms", data),
            "value": spent["Celery"],
            "n": tasks,
            "publish_ms": round(publish_ms, 2),
            "target": "report",
            "note": f"{spent['Celery']} ms in the workers (Redis {spent['Redis']} ms) and {publish_ms:.2f} ms to "
            f"publish, per task, over {tasks} tasks",
        },
        "appeal.celery_task_floor_paced": {
            **_base(
                f"CPU the Celery workers spend on one task that does nothing when the tasks arrive one at a time "
                f"({pace_per_s} /s, the pace of a burst of registrations)",
                "ms",
                data,
            ),
            "value": paced["Celery"],
            "n": tasks,
            "target": "report",
            "baseline": "the same tasks queued at once (appeal.celery_task_floor)",
            "baseline_value": spent["Celery"],
            "ratio": round(ratio, 2),
            "note": f"{paced['Celery']} ms in the workers (Redis {paced['Redis']} ms) per task against "
            f"{spent['Celery']} ms when the same workers drain the tasks queued at once ({ratio:.1f}×): a worker "
            f"woken for each task pays its wake-up, its Redis round trips and the pool's hand-over every time",
        },
    }


def bench_redis_outage(database_url: str, data: str, *, outage_s: int = 60, rate_per_s: int = 10) -> dict[str, dict]:
    """Kill the broker for a minute under a steady stream of registrations; count what is lost."""
    from django.utils import timezone

    from appeals.models import Appeal, AppealStatus

    workdir = Path(tempfile.mkdtemp(prefix="bench-redis-"))
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis_cmd = [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir),
                 "--appendonly", "yes", "--appendfsync", "everysec", "--maxmemory-policy", "noeviction"]  # fmt: skip
    redis = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    env = {**BENCH_ENV, "REDIS_URL": url, "CELERY_BROKER_URL": url, "CACHE_URL": url.replace("/0", "/8")}
    since = timezone.now()
    statuses, outage_ms = [], []
    try:
        with (
            celery(database_url, beat=True, env=env, log_dir=workdir),
            gunicorn(database_url, env=env, **WEB) as base,
        ):
            client = FormClient(base)

            def stream(seconds: float, sink: list | None = None) -> None:
                end = time.monotonic() + seconds
                while time.monotonic() < end:
                    tick = time.monotonic()
                    try:
                        status, ms = client.register()
                    except (ConnectionError, http.client.HTTPException):
                        status, ms = 0, 0.0
                    statuses.append(status)
                    if sink is not None:
                        sink.append(ms)
                    time.sleep(max(0.0, 1 / rate_per_s - (time.monotonic() - tick)))

            stream(5)
            redis.kill()
            redis.wait()
            stream(outage_s, outage_ms)
            redis = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL)
            back = time.monotonic()
            stream(5)
            waiting = Appeal.objects.filter(created_at__gte=since, status=AppealStatus.REGISTERED)
            drained_after = None
            while time.monotonic() - back < 120:
                if not waiting.exists():
                    drained_after = time.monotonic() - back
                    break
                time.sleep(0.5)
            left = waiting.count()
    finally:
        redis.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    accepted = statuses.count(302)
    outage_p95 = percentiles(outage_ms)["p95"] if len(outage_ms) > 1 else None
    drained = round(drained_after, 1) if drained_after is not None else None
    what = (
        f"registrations during a {outage_s} s Redis outage at {rate_per_s}/s: share accepted; "
        "appeals still REGISTERED 2 min after Redis returned"
    )
    return {
        "appeal.redis_outage": {
            **_base(what, "%", data),
            "value": round(100 * accepted / len(statuses), 2),
            "n": len(statuses),
            "left_registered": left,
            "drained_after_s": drained,
            "outage_server_ms_p95": outage_p95,
            "target": "100 %; 0 left",
            "note": f"{left} left REGISTERED 2 min after Redis returned; all routed {drained} s after it returned "
            f"(beat sweeps every 15 s what waited > 30 s); p95 server time during the outage {outage_p95} ms",
        }
    }


def settle(database_url: str) -> None:
    """Route and notify what an interrupted run left waiting, before anything is measured: otherwise the
    workers spend the benchmarks' minutes on it (a backlog of 19 000 made the Redis outage look lossy)."""
    from datetime import timedelta

    from appeals.models import Appeal, AppealStatus, Notification, NotificationStatus
    from appeals.notifications import resend_pending
    from appeals.services import redispatch_waiting

    backlog = Appeal.objects.filter(status=AppealStatus.REGISTERED).count()
    pending = Notification.objects.filter(status=NotificationStatus.PENDING)
    if not backlog and not pending.exists():
        return
    print(f"settling {backlog} appeals left REGISTERED and {pending.count()} pending messages", flush=True)
    with celery(database_url):  # the notifier sends what routing publishes ...
        redispatch_waiting(older_than=timedelta(0), budget_seconds=3600)
        resend_pending(older_than_seconds=0, limit=10**7)  # ... and beat's resend, here, what was never published


def run(database_url: str, *, fresh: bool = False, record=lambda results: None) -> dict[str, dict]:
    """Every appeals benchmark; `record` saves each result as soon as it exists (a later one may fail)."""
    from appeals.models import Appeal

    results = {}
    generated = ensure_appeals(database_url, fresh=fresh)
    if generated:
        results["appeal.generate_1m"] = generated
        record(results)
    data = f"{Appeal.objects.count():,} appeals".replace(",", " ")
    settle(database_url)
    for bench in (
        bench_register,
        bench_throughput,
        bench_throughput_web,
        bench_register_instructions,
        bench_task_floor,
        bench_redis_outage,
    ):
        results.update(bench(database_url, data))
        record(results)
    return results
