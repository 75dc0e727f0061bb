"""End to end with a real Celery worker on the real Redis (and one that a test may kill)."""

import os
import subprocess
import time
from pathlib import Path

import pytest
from django.test import Client

from accounts.session import remember_confirmed_phone
from appeals.calendar import add_working_days
from appeals.models import Appeal, AppealStatus, Category, District, EventKind, Notification, NotificationStatus
from appeals.reference import load_reference_data
from appeals.services import Contact, register_appeal

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def confirmed_client() -> Client:
    client = Client()
    session = client.session
    remember_confirmed_phone(session, "+77015556677")
    session.save()
    return client


def test_a_form_submission_is_routed_by_the_worker_with_the_legal_deadline(celery_worker_process):
    load_reference_data()
    client = confirmed_client()

    response = client.post("/appeals/new/", {
        "kind": "application", "category": Category.objects.get(code="courtyard").pk,
        "district": District.objects.get(code="auezov").pk, "address": "мкр. Аксай-4, 12",
        "text": "Во дворе нет освещения и разбита детская площадка.", "contact_name": "Ержан Омаров",
        "language": "ru", "consent": "on",
    })  # fmt: skip
    assert response.status_code == 302

    appeal = Appeal.objects.get()
    wait_for(lambda: Appeal.objects.get(pk=appeal.pk).status == AppealStatus.ROUTED)
    appeal.refresh_from_db()
    assert appeal.department.code == "akimat-auezov"
    assert appeal.due_date == add_working_days(appeal.registered_on, 15)
    assert appeal.events.filter(kind=EventKind.ROUTED).count() == 1
    # the SMS with the number and the code goes out once the appeal is routed
    sms = appeal.notifications.get(channel="sms")
    wait_for(lambda: Notification.objects.get(pk=sms.pk).status == NotificationStatus.SENT)


def test_the_worker_runs_below_the_web_tiers_cpu_priority(celery_worker_process):
    """In a burst citizens' requests come first: the worker, its pool and (where the kernel groups processes
    by session) its session's group run at CELERY_WORKER_NICENESS; whoever started it keeps its own."""
    from django.conf import settings

    niceness = settings.CELERY_WORKER_NICENESS
    assert niceness > 0
    main = celery_worker_process.process.pid
    pool = [
        int(pid) for pid in subprocess.run(["pgrep", "-P", str(main)], capture_output=True, text=True).stdout.split()
    ]
    assert pool, "the prefork pool has a process"
    assert [os.getpriority(os.PRIO_PROCESS, pid) for pid in [main, *pool]] == [niceness] * (1 + len(pool))
    assert os.getpriority(os.PRIO_PROCESS, 0) == 0
    ours = Path("/proc/self/autogroup")
    if ours.exists():
        # "/autogroup-<id> nice <n>"; empty for a process left in the root group (as under some CI runners)
        workers = Path(f"/proc/{main}/autogroup").read_text().split()
        assert workers[-1] == str(niceness)
        assert ours.read_text().split()[:1] != workers[:1], "the worker's session group is its own, not ours"


def test_a_task_delivered_twice_changes_nothing(celery_worker_process):
    from appeals.tasks import route_appeal_task

    load_reference_data()
    appeal = register_appeal(channel="call_centre", text="Не горит светофор на перекрёстке",
                             contact=Contact(name="Caller", phone="+77015556677"))  # fmt: skip
    wait_for(lambda: Appeal.objects.get(pk=appeal.pk).status == AppealStatus.ROUTED)
    routed = Appeal.objects.values().get(pk=appeal.pk)

    results = [route_appeal_task.delay(appeal.pk) for _ in range(2)]
    wait_for(lambda: "route_appeal_task" in celery_worker_process.log() and
             celery_worker_process.log().count("succeeded") >= 3)  # fmt: skip

    assert [r.id for r in results]
    assert Appeal.objects.values().get(pk=appeal.pk) == routed
    assert appeal.events.filter(kind=EventKind.ROUTED).count() == 1


def test_the_worker_keeps_routing_after_postgresql_dropped_its_connections(celery_worker_process):
    # The worker keeps its database connection from task to task (CELERY_DB_REUSE_MAX); a connection that
    # PostgreSQL dropped (a restart, a failover) must be noticed before the next task, not fail it.
    from django.db import connection

    load_reference_data()
    first = register_appeal(channel="call_centre", text="Не горит светофор на перекрёстке",
                            contact=Contact(name="Caller", phone="+77015556677"))  # fmt: skip
    wait_for(lambda: Appeal.objects.get(pk=first.pk).status == AppealStatus.ROUTED)
    with connection.cursor() as cursor:
        cursor.execute("""SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                          WHERE datname = current_database() AND pid <> pg_backend_pid()""")
        assert cursor.fetchone()[0] >= 1  # the worker's connection was there, kept

    # One after another, so that every worker process meets its dropped connection.
    for n in range(4):
        appeal = register_appeal(channel="call_centre", text=f"Яма на дороге у остановки № {n + 1}",
                                 contact=Contact(name="Caller", phone="+77015556677"))  # fmt: skip
        wait_for(lambda: Appeal.objects.get(pk=appeal.pk).status == AppealStatus.ROUTED, timeout=10)  # noqa: B023


def test_with_redis_down_the_appeal_is_accepted_fast_and_routed_when_redis_is_back(throwaway_redis, tmp_path):
    """Registration never waits on the broker; the sweeper routes what waited once Redis returns."""
    from appeals.tasks import redispatch_waiting_appeals_task
    from conftest import celery_broker, start_worker, stop_worker, test_database_url

    load_reference_data()
    worker = start_worker(
        database_url=test_database_url(), broker_url=throwaway_redis.url, log_path=tmp_path / "worker.log",
        env={"APPEAL_REDISPATCH_AFTER_SECONDS": "0"},
    )  # fmt: skip
    try:
        with celery_broker(throwaway_redis.url):
            throwaway_redis.kill()
            client = confirmed_client()
            started = time.monotonic()
            response = client.post("/appeals/new/", {
                "kind": "report", "category": Category.objects.get(code="waste").pk, "address": "ул. Толе би, 100",
                "text": "Мусор не вывозят уже неделю, контейнеры переполнены.", "contact_name": "Ержан Омаров",
                "language": "ru", "consent": "on",
            })  # fmt: skip
            elapsed = time.monotonic() - started

            assert response.status_code == 302, response.content.decode()[:500]
            assert elapsed < 0.5, f"registration took {elapsed:.2f} s with Redis down"
            appeal = Appeal.objects.get()
            time.sleep(1)
            assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.REGISTERED  # nobody could route it

            throwaway_redis.start()
            redispatch_waiting_appeals_task.delay()  # what beat sends every 15 s
            wait_for(lambda: Appeal.objects.get(pk=appeal.pk).status == AppealStatus.ROUTED, timeout=30)
        assert Appeal.objects.get(pk=appeal.pk).department.code == "ecology"
    finally:
        stop_worker(worker)


def test_a_rule_added_while_the_worker_runs_routes_its_next_appeal(celery_worker_process):
    # The worker keeps the routing rules in memory (appeals.reference_cache); an editor's change must reach it
    # with the next appeal, not after a restart.
    from appeals.models import Department, RoutingRule

    load_reference_data()
    parks = Category.objects.get(code="parks")

    def routed_to(text: str) -> str:
        appeal = register_appeal(channel="web", text=text, category=parks,
                                 contact=Contact(name="Айгерим", phone="+77015556677"))  # fmt: skip
        wait_for(lambda: Appeal.objects.get(pk=appeal.pk).status == AppealStatus.ROUTED)
        return Appeal.objects.get(pk=appeal.pk).department.code

    assert routed_to("В сквере сухие деревья") == "public-spaces"  # the worker has its snapshot now
    rule = RoutingRule.objects.create(name="trees to health", priority=1, category=parks, keywords="деревья",
                                      department=Department.objects.get(code="health"))  # fmt: skip
    assert routed_to("В сквере ещё сухие деревья") == "health"
    rule.is_active = False
    rule.save()
    assert routed_to("В сквере опять сухие деревья") == "public-spaces"


def test_a_hanging_sms_gateway_never_delays_routing(throwaway_redis, tmp_path):
    """Messages wait on the gateway in their own queue and worker; routing never queues behind them."""
    import http.server
    import threading

    from conftest import NOTIFIER, ROUTER, celery_broker, start_worker, stop_worker, test_database_url

    released = threading.Event()

    class HangingGateway(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            released.wait(10)  # longer than the portal's timeout: every attempt times out
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    gateway = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HangingGateway)
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    env = {"SMS_BACKEND": "openalmaty.sms.HttpBackend", "SMS_GATEWAY_URL": f"http://127.0.0.1:{gateway.server_port}/",
           "SMS_GATEWAY_TIMEOUT": "2", "SMS_GATEWAY_RETRIES": "0"}  # fmt: skip
    load_reference_data()
    url, log = test_database_url(), tmp_path / "worker.log"
    workers = [start_worker(database_url=url, broker_url=throwaway_redis.url, env=env, log_path=log.with_stem(name),
                            **options) for name, options in (("router", ROUTER), ("notifier", NOTIFIER))]  # fmt: skip
    try:
        with celery_broker(throwaway_redis.url):
            for n in range(3):
                appeal = register_appeal(channel="call_centre", text=f"Яма на дороге у остановки № {n + 1}",
                                         contact=Contact(name="Caller", phone=f"+7701555667{n}"))  # fmt: skip
                # routed long before one SMS attempt (2 s) could end, even with earlier messages still hanging
                wait_for(lambda: Appeal.objects.get(pk=appeal.pk).status == AppealStatus.ROUTED, timeout=1.5)  # noqa: B023
            sms = Notification.objects.filter(channel="sms")
            wait_for(lambda: sms.exclude(last_error="").count() == 3, timeout=20)  # each attempt timed out
            assert set(sms.values_list("status", flat=True)) == {NotificationStatus.PENDING}  # kept for beat
    finally:
        released.set()
        for worker in workers:
            stop_worker(worker)
        gateway.shutdown()
