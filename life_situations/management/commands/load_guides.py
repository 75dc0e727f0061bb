from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from life_situations.loader import GUIDES_DIR, load_guides


class Command(BaseCommand):
    help = "Load the guides from life_situations/data/guides/*.yaml (idempotent upsert by slug)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="*", help="files to load (default: every file in the guides folder)")

    def handle(self, *args, paths: list[str], **options) -> None:
        from pathlib import Path

        files = [Path(path) for path in paths] or sorted(GUIDES_DIR.glob("*.yaml"))
        with tqdm(desc="guides", unit=" guides", disable=None) as bar:
            report = load_guides(files, progress=bar.update)
        self.stdout.write(f"{report.guides} guides from {report.files} files")
        for error in report.errors:
            self.stderr.write(f"ERROR {error}")
        if report.errors:
            raise CommandError(f"{len(report.errors)} file(s) not loaded; nothing of them was written")
