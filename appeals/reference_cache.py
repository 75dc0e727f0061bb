"""Reference data read once per process and kept until it changes: topics, districts, departments, routing
rules, the law's clocks and the working-day calendar.

Every appeal reads them — the form checks its topic and district, registration its clock and the calendar,
routing the rules and departments — and they change a few times a year. Each process keeps one snapshot
with the version it was read at; a use costs one indexed read of the current version (migration 0012: a
trigger on every reference table stamps each change inside the transaction that makes it). The stamp is
transactional, so nobody sees a version before its rows, and rolled-back rows never come back from a snapshot.

The snapshot's model instances are shared by every request of the process: read them, never change them.
"""

from dataclasses import dataclass
from datetime import date

from django.db import connection

from appeals.models import AppealClock, CalendarDay, Category, Department, DepartmentKind, District, RoutingRule


@dataclass(frozen=True)
class ReferenceData:
    version: int | None
    categories: dict[int, Category]  # in the catalogue's order, with their sphere and default department
    districts: dict[int, District]
    departments: dict[int, Department]  # with their successor
    rules: tuple[RoutingRule, ...]  # the active ones, in priority order, with their department
    clocks: dict[str, AppealClock]
    calendar: dict[date, str]  # every exception to Monday–Friday: date → CalendarDayKind

    def active_categories(self) -> list[Category]:
        return [category for category in self.categories.values() if category.is_active]

    def departments_valid_on(self, day: date, **fields) -> list[Department]:
        """Departments that exist on `day` (as Department.objects.valid_on) and have the given field values."""
        return [
            department
            for department in self.departments.values()
            if department.exists_on(day) and all(getattr(department, name) == value for name, value in fields.items())
        ]

    def triage_desk(self) -> Department:
        return next(d for d in self.departments.values() if d.kind == DepartmentKind.TRIAGE and d.valid_to is None)


_snapshot: ReferenceData | None = None


def current_version() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(value) FROM appeals_reference_version")
        return cursor.fetchone()[0]


def reference_data() -> ReferenceData:
    """This process's snapshot, read again when the reference tables changed since."""
    global _snapshot
    version = current_version()  # before the rows: a change committed in between only costs another read
    if _snapshot is None or _snapshot.version != version:
        _snapshot = _read(version)
    return _snapshot


def _read(version: int | None) -> ReferenceData:
    departments = {department.pk: department for department in Department.objects.all()}
    for department in departments.values():
        department.successor = departments.get(department.successor_id)
    categories = {category.pk: category for category in Category.objects.select_related("sphere")}
    for category in categories.values():
        category.default_department = departments.get(category.default_department_id)
    rules = tuple(RoutingRule.objects.filter(is_active=True).order_by("priority", "id"))
    for rule in rules:
        rule.department = departments[rule.department_id]
    return ReferenceData(
        version=version,
        categories=categories,
        districts={district.pk: district for district in District.objects.all()},
        departments=departments,
        rules=rules,
        clocks={clock.kind: clock for clock in AppealClock.objects.all()},
        calendar=dict(CalendarDay.objects.values_list("date", "kind")),
    )
