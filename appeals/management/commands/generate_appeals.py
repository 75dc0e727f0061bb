import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from appeals.generator import AppealGenerator
from appeals.reference import load_reference_data


class Command(BaseCommand):
    help = "Generate realistic appeals for the last N days (about 650 a day), for the demo and the benchmarks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, required=True, help="how many days back from today")
        parser.add_argument("--per-day", type=int, default=650, help="average appeals per working day")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, days: int, per_day: int, seed: int, **options) -> None:
        load_reference_data()
        generator = AppealGenerator(seed=seed)
        started = time.monotonic()
        with tqdm(desc="appeals", unit=" appeals", unit_scale=True, disable=None) as bar:
            total = generator.generate(days=days, per_day=per_day, progress=bar.update)
        seconds = time.monotonic() - started
        self.stdout.write(f"{total} appeals in {seconds:.1f} s ({total / max(seconds, 1e-9):.0f}/s)")
