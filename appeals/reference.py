"""Load districts, departments, topics and routing rules from appeals/data/reference.yaml (idempotent)."""

from pathlib import Path

import yaml
from django.db import transaction
from django.utils.translation import gettext_noop

from appeals.calendar import sync_calendar
from appeals.desk import ensure_operator_group
from appeals.models import AppealClock, Category, Department, DepartmentKind, District, RoutingRule, Sphere
from appeals.roles import ensure_roles

REFERENCE_FILE = Path(__file__).resolve().parent / "data" / "reference.yaml"
CALENDAR_YEARS = range(2021, 2029)

# The law's clocks (domain/appeals_law.md §0): kind, legal basis (an English msgid, shown translated),
# days, day type, longest term with extensions in months (0: no extension).
DEFAULT_CLOCKS = [
    ("application", gettext_noop("APPK of Kazakhstan, Art. 76: 15 working days"), 15, "working", 2),
    ("report", gettext_noop("APPK of Kazakhstan, Art. 76: 15 working days"), 15, "working", 2),
    ("response", gettext_noop("APPK of Kazakhstan, Art. 76: 15 working days"), 15, "working", 2),
    ("proposal", gettext_noop("APPK of Kazakhstan, Art. 76: 15 working days"), 15, "working", 2),
    ("request", gettext_noop("APPK of Kazakhstan, Art. 76: 15 working days"), 15, "working", 2),
    # Considered by the higher body in 20 working days, with no extension (APPK Art. 99, [P] in the notes).
    ("complaint", gettext_noop("APPK of Kazakhstan, Arts. 91–99 (complaint): 20 working days"), 20, "working", 0),
    # Law 401-V, Art. 11: 15 calendar days. Its extension rules are unverified, so none is offered.
    (
        "information_request",
        gettext_noop("Law of Kazakhstan on access to information, Art. 11: 15 calendar days"),
        15,
        "calendar",
        0,
    ),
]


def ensure_clocks(model=AppealClock) -> None:
    """Create the clocks that are missing; clocks edited in admin stay as they are."""
    for kind, basis, days, day_type, months in DEFAULT_CLOCKS:
        model.objects.get_or_create(
            kind=kind,
            defaults={
                "legal_basis": basis,
                "answer_days": days,
                "answer_day_type": day_type,
                "max_total_months": months,
            },
        )


def _names(spec: dict) -> dict:
    return {"name_ru": spec["ru"], "name_kk": spec["kk"], "name_en": spec["en"]}


@transaction.atomic
def load_reference_data(path: Path = REFERENCE_FILE) -> dict[str, int]:
    """Upsert every row of the file by its code (rules by name). Rows only in the database stay."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    ensure_clocks()
    ensure_roles()
    ensure_operator_group()
    sync_calendar(years=CALENDAR_YEARS)
    districts = {}
    for spec in data["districts"]:
        districts[spec["code"]], _ = District.objects.update_or_create(
            code=spec["code"],
            defaults={**_names(spec), "order": spec["order"], "is_city_wide": spec.get("city_wide", False)},
        )
    departments = {}
    for spec in data["departments"]:
        departments[spec["code"]], _ = Department.objects.update_or_create(
            code=spec["code"],
            defaults={
                **_names(spec),
                "kind": spec.get("kind", DepartmentKind.CITY),
                "district": districts.get(spec.get("district")),
                "valid_from": spec["valid_from"],
                "valid_to": spec.get("valid_to"),
            },
        )
    for spec in data["departments"]:
        if spec.get("successor"):
            Department.objects.filter(code=spec["code"]).update(successor=departments[spec["successor"]])
    categories = {}
    for sphere_order, sphere_spec in enumerate(data["spheres"]):
        sphere, _ = Sphere.objects.update_or_create(
            code=sphere_spec["code"], defaults={**_names(sphere_spec), "order": sphere_order}
        )
        for order, spec in enumerate(sphere_spec["categories"]):
            categories[spec["code"]], _ = Category.objects.update_or_create(
                code=spec["code"],
                defaults={
                    **_names(spec),
                    "sphere": sphere,
                    "order": order,
                    "keywords": spec.get("keywords", ""),
                    "default_department": departments.get(spec.get("department")),
                    "local_to_district": spec.get("local", False),
                },
            )
    for spec in data["routing_rules"]:
        RoutingRule.objects.update_or_create(
            name=spec["name"],
            defaults={
                "priority": spec["priority"],
                "category": categories.get(spec.get("category")),
                "district": districts.get(spec.get("district")),
                "keywords": spec.get("keywords", ""),
                "department": departments[spec["department"]],
                "route_to_district_akimat": spec.get("to_district_akimat", False),
            },
        )
    return {
        "districts": len(districts),
        "departments": len(departments),
        "categories": len(categories),
        "routing_rules": len(data["routing_rules"]),
    }
