from django.core.management.base import BaseCommand

from appeals.reference import load_reference_data


class Command(BaseCommand):
    help = "Load districts, departments, topics and routing rules from appeals/data/reference.yaml (idempotent)."

    def handle(self, *args, **options) -> None:
        counts = load_reference_data()
        self.stdout.write(", ".join(f"{count} {name}" for name, count in counts.items()))
