"""What every benchmark shares: a benchmark database, a gunicorn under test, percentiles, the report."""

import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
BENCH_DB = "openalmaty_bench"


def callgrind_instructions(command: list[str], env: dict | None = None) -> int:
    """The CPU instructions callgrind counts in `command`: the same figure on a busy host as on an idle one."""
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": "0", **(env or {})},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(re.search(r"Collected : (\d+)", result.stderr).group(1))


def machine() -> str:
    mem_kib = int(
        next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")).split()[1]
    )
    return f"{os.cpu_count()} cores, {round(mem_kib / 1024 / 1024)} GiB"


class StallMeter:
    """Share of a stretch of time in which every task waited for the disk or some task waited for a CPU
    (Linux pressure stall information). The machine is shared: a tail measured while the host's disk stalls
    says more about the host than about the portal, so the reports carry these figures beside it."""

    def __init__(self) -> None:
        self.started, self.io, self.cpu = time.monotonic(), self._total("io", "full"), self._total("cpu", "some")

    @staticmethod
    def _total(resource: str, kind: str) -> int | None:
        try:
            lines = Path(f"/proc/pressure/{resource}").read_text().splitlines()
        except OSError:
            return None
        line = next(line for line in lines if line.startswith(kind))
        return int(line.rsplit("total=", 1)[1])  # microseconds

    def summary(self) -> str:
        elapsed_us = (time.monotonic() - self.started) * 1e6
        io, cpu = self._total("io", "full"), self._total("cpu", "some")
        if None in (io, cpu, self.io, self.cpu):
            return "stall figures not available on this machine"
        disk, cpu_wait = 100 * (io - self.io) / elapsed_us, 100 * (cpu - self.cpu) / elapsed_us
        return (f"during the run every task waited for the disk {disk:.0f} % of the time and some task waited "
                f"for a CPU {cpu_wait:.0f} % (Linux PSI)")  # fmt: skip


class CpuMeter:
    """CPU time spent by each part of the portal over a stretch of time, read from /proc: where the cores went.

    Only processes alive at the end count (the servers a benchmark starts live through the whole stretch);
    the load generator (wrk), a child of the benchmark that has ended by then, counts through its rusage.
    """

    FAMILIES = (("gunicorn", "gunicorn"), ("celery", "Celery"), ("postgres", "PostgreSQL"), ("redis-server", "Redis"))

    def __init__(self) -> None:
        self.start, self.children = self._ticks(), self._children()

    @staticmethod
    def _children() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    @classmethod
    def _ticks(cls) -> dict[tuple[str, int], int]:
        ticks = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            family = next((label for word, label in cls.FAMILIES if word in command), None)
            if family:
                ticks[(family, int(entry.name))] = int(fields[11]) + int(fields[12])  # utime + stime
        return ticks

    def per_item(self, items: int) -> dict[str, float]:
        """Milliseconds of CPU per item (appeal) for each family, and their total."""
        hertz = os.sysconf("SC_CLK_TCK")
        spent: dict[str, float] = {}
        for (family, pid), ticks in self._ticks().items():
            spent[family] = spent.get(family, 0) + ticks - self.start.get((family, pid), 0)
        result = {family: round(1000 * t / hertz / max(items, 1), 2) for family, t in spent.items()}
        result["wrk"] = round(1000 * (self._children() - self.children) / max(items, 1), 2)
        result["total"] = round(sum(result.values()), 2)
        return result

    @staticmethod
    def describe(per_item: dict[str, float], item: str = "appeal") -> str:
        parts = ", ".join(f"{family} {ms} ms" for family, ms in per_item.items() if family != "total")
        return f"CPU per {item}: {parts}; {per_item['total']} ms in all"


def now() -> str:
    return datetime.now(ZoneInfo("Asia/Almaty")).isoformat(timespec="seconds")


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "p50": round(statistics.median(ordered), 2),
        "p95": round(cuts[94], 2),
        "p99": round(cuts[98], 2),
        "n": len(ordered),
    }


def bench_database_url(name: str = BENCH_DB) -> str:
    """DATABASE_URL with the benchmark database `name` in place of the portal's, created and migrated."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    admin_url = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    url = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True,
    )  # fmt: skip
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(
    database_url: str, workers: int = 1, env: dict | None = None, timeout: int = 30, threads: int = 1
) -> Iterator[str]:
    """A gunicorn serving the portal on a free loopback port; yields its base URL.

    threads > 1: the Procfile's gthread worker, which keeps HTTP connections alive; otherwise a sync worker."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, **(env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "openalmaty.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning", "--timeout", str(timeout),
         *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else [])],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/", timeout=1).read()  # noqa: S310 — loopback
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def celery(database_url: str, *, beat: bool = False, env: dict | None = None, log_dir: Path | None = None):
    """The Procfile's two Celery workers (router and notifier), and beat if asked, for the benchmark database,
    stopped on exit."""
    env = {**os.environ, "DATABASE_URL": database_url, **(env or {})}
    log_dir = log_dir or Path(tempfile.gettempdir())
    hostname = f"bench-{os.getpid()}-{time.monotonic_ns()}@{socket.gethostname()}"
    celery_cmd = [sys.executable, "-m", "celery", "-A", "openalmaty"]
    worker = [*celery_cmd, "worker", "--without-gossip", "--without-mingle", "--loglevel", "WARNING"]
    commands = [
        [*worker, "--queues", "celery", "--concurrency", "2", "--hostname", hostname],
        [*worker, "--queues", "notifications", "--pool", "threads", "--concurrency", "4",
         "--hostname", f"notifier-{hostname}"],
    ]  # fmt: skip
    if beat:
        commands.append(
            [*celery_cmd, "beat", "--loglevel", "WARNING", "--schedule", str(log_dir / f"bench-beat-{os.getpid()}")]
        )
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=(log_dir / f"bench-celery-{i}.log").open("w"),
                         stderr=subprocess.STDOUT, start_new_session=True)
        for i, command in enumerate(commands)
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        for name in (hostname, f"notifier-{hostname}"):
            ping = [*celery_cmd, "inspect", "ping", "-d", name, "--timeout", "1"]
            while subprocess.run(ping, cwd=ROOT, env=env, capture_output=True, check=False).returncode != 0:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the benchmark's Celery worker {name} did not start")
        yield processes
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def server_time_ms(url: str, headers: dict | None = None, timeout: float = 10) -> float:
    """One GET; the server's own figure from the Server-Timing header (request start to response end)."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 — loopback
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 — loopback
        response.read()
        header = response.headers["Server-Timing"]
    return float(header.split("dur=")[1])


def previous_results() -> dict[str, dict]:
    path = DOCS / "benchmarks.json"
    return json.loads(path.read_text()) if path.exists() else {}


def write_report(results: dict[str, dict]) -> None:
    DOCS.mkdir(exist_ok=True)
    (DOCS / "benchmarks.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Benchmarks",
        "",
        f"Measured {now()} on {machine()} (shared, noisy: read medians and p95, and ratios measured in the",
        "same run). Server time is the time inside the server process for one request, from the",
        "`Server-Timing` header that `openalmaty.middleware.ServerTimingMiddleware` adds.",
        "",
        "Reproduce: `make bench` (writes this file and `docs/benchmarks.json`).",
        "",
        "| key | what | p50 / value | p95 | p99 | unit | n | baseline | target | data | measured |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, r in results.items():
        baseline = ""
        if r.get("baseline"):
            figure = f"p95 {r['baseline_p95']}" if "baseline_p95" in r else r.get("baseline_value", "")
            baseline = f"{r['baseline']}: {figure}"
        value = r.get("value", "")
        lines.append(
            f"| `{key}` | {r.get('what', '')} | {r.get('p50', value)} | {r.get('p95', '')} | {r.get('p99', '')} "
            f"| {r['unit']} | {r.get('n', '')} | {baseline} | {r.get('target', '')} | {r.get('data', '')} "
            f"| {r.get('measured_at', '')[:16]} |"
        )
    notes = [f"- `{key}`: {r['note']}" for key, r in results.items() if r.get("note")]
    if notes:
        lines += ["", "## Notes", "", *notes]
    (DOCS / "BENCHMARKS.md").write_text("\n".join(lines) + "\n")
