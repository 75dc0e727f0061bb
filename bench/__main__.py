"""`make bench`: run every benchmark and write docs/BENCHMARKS.md and docs/benchmarks.json.

`make bench` runs them all; `python -m bench home` runs some; `--fresh` regenerates the million appeals;
`python -m bench admin --appeals=5000000` measures the staff workspace at five million, in a database of its own.
"""

import os
import sys

import django

from bench.harness import BENCH_DB, bench_database_url, previous_results, write_report

MILLION = 1_000_000


def main(argv: list[str]) -> None:
    fresh = "--fresh" in argv
    scale = next((int(arg.split("=", 1)[1]) for arg in argv if arg.startswith("--appeals=")), MILLION)
    names = [arg for arg in argv if not arg.startswith("--")]
    if scale != MILLION and names != ["admin"]:
        sys.exit("--appeals is for the admin benchmark only: python -m bench admin --appeals=5000000")
    database_url = bench_database_url(BENCH_DB if scale == MILLION else f"{BENCH_DB}_{scale // MILLION}m")
    os.environ["DATABASE_URL"] = database_url  # this process reads and prepares the benchmark database too
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openalmaty.settings")
    django.setup()
    from bench import admin, appeals, cabinet, desk, guides, home, interpreter

    results = previous_results()

    def record(new: dict[str, dict]) -> None:
        results.update(new)
        write_report(results)

    benchmarks = {
        "home": home.run,
        "guides": guides.run,
        "appeals": lambda url: appeals.run(url, fresh=fresh, record=record),
        "cabinet": lambda url: cabinet.run(url, fresh=fresh),
        "admin": lambda url: admin.run(url, fresh=fresh, record=record, appeals=scale),
        "desk": lambda url: desk.run(url, fresh=fresh),
        "interpreter": interpreter.run,
    }
    for name, run in benchmarks.items():
        if names and name not in names:
            continue
        print(f"bench: {name}", flush=True)
        record(run(database_url))
    for key, result in results.items():
        print(f"  {key}: p50 {result.get('p50', result.get('value'))} p95 {result.get('p95', '')} {result['unit']}")


if __name__ == "__main__":
    main(sys.argv[1:])
