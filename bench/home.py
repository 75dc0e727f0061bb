"""home.page: the home page's server time."""

from bench.harness import gunicorn, machine, now, percentiles, server_time_ms

WARMUP, SAMPLES = 50, 1000


def run(database_url: str) -> dict[str, dict]:
    results = {}
    with gunicorn(database_url) as base:
        for key, path, what in [
            ("home.page", "/", "home page (ru)"),
            ("home.page_kk", "/kk/", "home page (kk)"),
        ]:
            for _ in range(WARMUP):
                server_time_ms(base + path)
            samples = [server_time_ms(base + path) for _ in range(SAMPLES)]
            results[key] = {
                **percentiles(samples),
                "unit": "ms",
                "what": what + ", server time, 1 gunicorn sync worker",
                "target": "p95 ≤ 15 ms",
                "measured_at": now(),
                "machine": machine(),
                "data": "empty catalogue",
            }
    return results
