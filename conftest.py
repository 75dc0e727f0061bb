"""Test harness: real PostgreSQL (pytest-django), a real Celery worker on the real Redis, real Chromium.

`make test` exports DATABASE_URL and REDIS_URL for the project-private services; the tests' broker is a
Redis database of its own, so a running `make run` never sees their tasks.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

ROOT = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run beside one
# unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate limits and the catalogue's counters live in the shared cache (Redis); every test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _unhashed_static_files(django_test_environment):
    """live_server serves /static/ from the finders, which know `js/x.js` but not the manifest's `js/x.<hash>.js`:
    without this, no script of ours would run in the browser tests."""
    from django.test import override_settings

    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Every test starts in the default language: a request to /kk/ leaves Kazakh active in the thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def sms_outbox(settings, tmp_path: Path):
    """The SMS file backend writes here; returns a function that reads the messages sent so far."""
    settings.SMS_BACKEND = "openalmaty.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"

    def read() -> list[dict]:
        path = settings.SMS_FILE_PATH / "messages.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    return read


# --- Playwright on Debian's Chromium (Playwright's own browser download is not available) ----------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "locale": "ru-RU", "timezone_id": "Asia/Almaty"}


# --- A real Celery worker against the real Redis and the test database -----------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class WorkerProcess:
    hostname: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Publish this process's tasks to another broker for a while (a Redis the test may kill)."""
    from openalmaty.celery import app

    def reset() -> None:  # producer pools are per broker URL (kombu.pools); drop the app's references
        app._pool = None
        app.amqp._producer_pool = None

    old = app.conf.broker_url
    app.conf.broker_url = url
    reset()
    try:
        yield
    finally:
        app.conf.broker_url = old
        reset()


# The two workers of the Procfile: the router takes the default queue (routing, beat's sweeps), the notifier the
# messages, which wait on gateways. The tests' shared worker takes both queues.
ROUTER = {"queues": "celery", "pool": "prefork", "concurrency": 1}
NOTIFIER = {"queues": "notifications", "pool": "threads", "concurrency": 4}
QUEUES = ("celery", "notifications")


def start_worker(
    *,
    database_url: str,
    broker_url: str,
    log_path: Path,
    env: dict | None = None,
    queues: str = ",".join(QUEUES),
    pool: str = "prefork",
    concurrency: int = 1,
) -> WorkerProcess:
    """Start a `celery worker` subprocess on `broker_url` and wait until it answers a ping."""
    from openalmaty.celery import app

    hostname = f"test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": broker_url, "CELERY_BROKER_URL": broker_url,
           **(env or {})}  # fmt: skip
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "openalmaty", "worker", "--queues", queues, "--pool", pool,
             "--concurrency", str(concurrency), "--without-gossip", "--without-mingle", "--hostname", hostname,
             "--loglevel", "INFO"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    worker = WorkerProcess(hostname=hostname, process=process, log_path=log_path)
    deadline = time.monotonic() + 60
    with celery_broker(broker_url):
        while not app.control.ping(destination=[hostname], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the Celery worker did not start:\n{worker.log()}")
    return worker


def stop_worker(worker: WorkerProcess) -> None:
    if worker.process.poll() is not None:
        return
    os.killpg(worker.process.pid, signal.SIGTERM)
    try:
        worker.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(worker.process.pid, signal.SIGKILL)
        worker.process.wait()


def test_database_url() -> str:
    from django.conf import settings
    from django.db import connection

    parts = urlsplit(settings.DATABASE_URL)
    return urlunsplit((parts.scheme, parts.netloc, "/" + connection.settings_dict["NAME"], "", ""))


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture(scope="session")
def _celery_worker_session(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[WorkerProcess]:
    from django.conf import settings

    from openalmaty.celery import app

    app.control.purge()  # what an earlier, interrupted run left in the tests' queue
    worker = start_worker(
        database_url=test_database_url(),
        broker_url=settings.CELERY_BROKER_URL,
        log_path=tmp_path_factory.mktemp("celery") / "worker.log",
    )
    yield worker
    stop_worker(worker)


def wait_until_idle(worker: WorkerProcess, timeout: float = 15.0) -> None:
    """Wait until the queue is empty and the worker runs nothing."""
    from django.conf import settings

    from openalmaty.celery import app

    queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        active = (app.control.inspect([worker.hostname], timeout=0.5).active() or {}).get(worker.hostname, [])
        if not any(queue.llen(name) for name in QUEUES) and not active:
            return
        time.sleep(0.1)


@pytest.fixture
def celery_worker_process(_celery_worker_session) -> Iterator[WorkerProcess]:
    """A `celery worker` subprocess that reads and writes the test database, on the tests' Redis.

    Tests that use it need `django_db(transaction=True)`: the worker only sees what was committed. After
    the test it waits for the worker to finish, so that the database flush never races a running task.
    """
    yield _celery_worker_session
    wait_until_idle(_celery_worker_session)


# --- A throwaway Redis that a test may kill ----------------------------------------------------------------
@dataclass
class RedisServer:
    url: str
    port: int
    directory: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def throwaway_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis of the test's own, which the test may kill and start again on the same port."""
    port = _free_port()
    server = RedisServer(url=f"redis://127.0.0.1:{port}/0", port=port, directory=tmp_path)
    server.start()
    yield server
    server.kill()
