"""Which department answers an appeal.

1. Active RoutingRules, lowest priority first: a rule matches when its category and district are empty or
   equal to the appeal's, and its keywords are empty or one of them occurs in the text.
2. Otherwise the topic's default department (its district's akimat for topics the akimats handle since 2023).
3. Otherwise the Open Almaty triage desk, where a person routes it by hand.
A department that no longer exists hands over to its successor (departments are renamed and split often).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from appeals.models import Appeal, Department, DepartmentKind, RoutingRule
from life_situations.search import fold  # Kazakh letters folded to what people type on a Russian keyboard


@dataclass(frozen=True)
class RoutingDecision:
    department: Department
    reason: str
    rule: RoutingRule | None = None


def keywords_match(keywords: str, text: str) -> bool:
    words = [fold(word.strip()) for word in keywords.split(",") if word.strip()]
    return not words or any(word in text for word in words)


def rule_matches(rule: RoutingRule, appeal: Appeal) -> bool:
    """Whether `rule` applies to `appeal` (priority aside): its category, district and keywords fit."""
    return (
        rule.category_id in (None, appeal.category_id)
        and rule.district_id in (None, appeal.district_id)
        and keywords_match(rule.keywords, fold(f"{appeal.text} {appeal.address}"))
    )


def current_department(department: Department, day: date) -> Department:
    """Follow successors until a department that exists on `day`."""
    seen = set()
    while department.valid_to is not None and department.valid_to < day and department.successor_id:
        if department.pk in seen:
            break
        seen.add(department.pk)
        department = department.successor
    return department


def district_akimat(appeal: Appeal, day: date) -> Department | None:
    if appeal.district_id is None:
        return None
    return (
        Department.objects.valid_on(day)
        .filter(kind=DepartmentKind.DISTRICT_AKIMAT, district_id=appeal.district_id)
        .first()
    )


def triage_desk() -> Department:
    return Department.objects.get(kind=DepartmentKind.TRIAGE, valid_to__isnull=True)


def choose_department(appeal: Appeal, *, day: date) -> RoutingDecision:
    rules = (
        RoutingRule.objects.filter(is_active=True)
        .filter(Q(category__isnull=True) | Q(category_id=appeal.category_id))
        .select_related("department__successor")
        .order_by("priority", "id")
    )
    for rule in rules:
        if not rule_matches(rule, appeal):
            continue
        akimat = district_akimat(appeal, day) if rule.route_to_district_akimat else None
        return RoutingDecision(akimat or current_department(rule.department, day), f"rule: {rule.name}", rule)
    category = appeal.category
    if category is not None and category.default_department_id:
        akimat = district_akimat(appeal, day) if category.local_to_district else None
        if akimat:
            return RoutingDecision(akimat, "topic handled by the district akimat")
        return RoutingDecision(current_department(category.default_department, day), "topic's department")
    return RoutingDecision(triage_desk(), "no rule matched: triage desk")
