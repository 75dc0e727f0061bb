from django.core.management.base import BaseCommand

from accounts.demo import DEMO_USERS, create_demo_users
from accounts.phone import format_phone
from appeals.demo import create_demo_appeals, create_demo_staff, give_demo_citizen_appeals
from appeals.reference import load_reference_data
from life_situations.loader import load_guides


class Command(BaseCommand):
    help = "Load the demo data (idempotent: what exists already is left alone) and print the demo sign-ins."

    def handle(self, *args, **options) -> None:
        counts = load_reference_data()
        self.stderr.write("Reference data: " + ", ".join(f"{count} {name}" for name, count in counts.items()))
        report = load_guides()
        self.stderr.write(f"Guides: {report.guides} from {report.files} files")
        for error in report.errors:
            self.stderr.write(f"ERROR {error}")
        generated = create_demo_appeals()
        self.stderr.write(f"Demo appeals generated: {generated}")
        accounts = [*create_demo_users(), *create_demo_staff()]
        citizen_phone = next(spec["phone"] for spec in DEMO_USERS if not spec["is_superuser"])
        self.stderr.write(f"Demo citizen's appeals: {give_demo_citizen_appeals(phone=citizen_phone)}")
        self.stdout.write("Demo sign-ins (phone or email, then the password):")
        for spec in accounts:
            self.stdout.write(
                f"  {spec['role']:<48} {format_phone(spec['phone'])} / {spec['email']}  password: {spec['password']}"
            )
