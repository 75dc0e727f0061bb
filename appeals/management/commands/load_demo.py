from django.core.management.base import BaseCommand

from accounts.demo import create_demo_users
from accounts.phone import format_phone


class Command(BaseCommand):
    help = "Load the demo data (idempotent: what exists already is left alone) and print the demo sign-ins."

    def handle(self, *args, **options) -> None:
        users = create_demo_users()
        self.stdout.write("Demo sign-ins (phone or email, then the password):")
        for spec in users:
            self.stdout.write(
                f"  {spec['role']:<45} {format_phone(spec['phone'])} / {spec['email']}  password: {spec['password']}"
            )
