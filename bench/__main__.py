"""`make bench`: run every benchmark and write docs/BENCHMARKS.md and docs/benchmarks.json."""

from bench import home
from bench.harness import bench_database_url, write_report

BENCHMARKS = [home]


def main() -> None:
    database_url = bench_database_url()
    results: dict[str, dict] = {}
    for module in BENCHMARKS:
        print(f"bench: {module.__name__}", flush=True)
        results.update(module.run(database_url))
    write_report(results)
    for key, result in results.items():
        print(f"  {key}: p50 {result.get('p50')} p95 {result.get('p95')} {result['unit']}")


if __name__ == "__main__":
    main()
