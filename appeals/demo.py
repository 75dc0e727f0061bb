"""Demo staff and demo appeals for `make run` (idempotent)."""

from django.db import transaction

from accounts.models import User
from appeals.desk import make_operator
from appeals.generator import AppealGenerator
from appeals.models import Appeal, Department, MemberRole
from appeals.services import add_department_member

DEMO_STAFF = [
    {
        "role": "Specialist, traffic and passenger transport",
        "email": "specialist@open-almaty.kz",
        "phone": "+77010000003",
        "full_name": "Нурлан Ахметов",
        "password": "demo-staff-2026",
        "department": "transport-traffic",
        "member_role": MemberRole.SPECIALIST,
        "operator": True,  # the department's representative at the front office: visitors are passed to him
    },
    {
        "role": "Head, traffic and passenger transport",
        "email": "head@open-almaty.kz",
        "phone": "+77010000004",
        "full_name": "Гульнара Сейткали",
        "password": "demo-staff-2026",
        "department": "transport-traffic",
        "member_role": MemberRole.HEAD,
    },
    {
        "role": "Operator, front office and call centre (/desk/)",
        "email": "operator@open-almaty.kz",
        "phone": "+77010000005",
        "full_name": "Динара Омарова",
        "password": "demo-staff-2026",
        "department": None,
        "operator": True,
    },
]


@transaction.atomic
def create_demo_staff() -> list[dict]:
    for spec in DEMO_STAFF:
        user = User.objects.filter(phone=spec["phone"]).first()
        if user is None:
            user = User.objects.create_user(phone=spec["phone"], email=spec["email"], password=spec["password"],
                                            full_name=spec["full_name"], is_staff=True)  # fmt: skip
        if spec.get("operator"):
            make_operator(user)
        if spec["department"] is None:
            continue
        department = Department.objects.get(code=spec["department"])
        add_department_member(user=user, department=department, role=spec["member_role"])
        if spec["member_role"] == MemberRole.HEAD and department.head_id is None:
            Department.objects.filter(pk=department.pk).update(head=user)
    return DEMO_STAFF


DEMO_CITIZEN_APPEALS = 12


@transaction.atomic
def give_demo_citizen_appeals(*, phone: str) -> int:
    """Some generated appeals in every state become the demo citizen's, so the cabinet has something to show."""
    citizen = User.objects.get(phone=phone)
    if citizen.appeals.exists():
        return 0
    picked = []
    for status in ["routed", "in_progress", "info_requested", "answered", "closed", "withdrawn"]:
        picked += Appeal.objects.filter(citizen__isnull=True, status=status).values_list("pk", flat=True)[:2]
    return Appeal.objects.filter(pk__in=picked[:DEMO_CITIZEN_APPEALS]).update(
        citizen=citizen, contact_phone=citizen.phone, contact_name=citizen.full_name, contact_email=citizen.email
    )


def create_demo_appeals(*, days: int = 30) -> int:
    """A month of realistic appeals, only into an empty database."""
    if Appeal.objects.exists():
        return 0
    return AppealGenerator().generate(days=days)
