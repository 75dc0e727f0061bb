"""Demo accounts for `make run`. Local demo only: the passwords are printed on the console."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User

DEMO_USERS = [
    {
        "role": "Administrator (all of the staff workspace)",
        "email": "admin@open-almaty.kz",
        "phone": "+77010000001",
        "full_name": "Администратор портала",
        "password": "demo-admin-2026",
        "is_superuser": True,
    },
    {
        "role": "Citizen",
        "email": "citizen@example.kz",
        "phone": "+77010000002",
        "full_name": "Айгерим Сапарова",
        "password": "demo-citizen-2026",
        "is_superuser": False,
    },
]


@transaction.atomic
def create_demo_users() -> list[dict]:
    """Create the demo users that do not exist yet; an existing account is left exactly as it is."""
    for spec in DEMO_USERS:
        if User.objects.filter(phone=spec["phone"]).exists():
            continue
        create = User.objects.create_superuser if spec["is_superuser"] else User.objects.create_user
        create(phone=spec["phone"], email=spec["email"], password=spec["password"], full_name=spec["full_name"],
               phone_verified_at=timezone.now())  # fmt: skip
    return DEMO_USERS
