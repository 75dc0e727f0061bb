"""Which department answers an appeal.

1. Active RoutingRules, lowest priority first: a rule matches when its category and district are empty or
   equal to the appeal's, and its keywords are empty or one of them occurs in the text.
2. Otherwise the topic's default department (its district's akimat for topics the akimats handle since 2023).
3. Otherwise the Open Almaty triage desk, where a person routes it by hand.
A department that no longer exists hands over to its successor (departments are renamed and split often).
"""

from dataclasses import dataclass
from datetime import date

from appeals.models import Appeal, Department, DepartmentKind, RoutingRule
from appeals.reference_cache import ReferenceData, reference_data
from life_situations.search import fold  # Kazakh letters folded to what people type on a Russian keyboard


@dataclass(frozen=True)
class RoutingDecision:
    department: Department
    reason: str
    rule: RoutingRule | None = None


def keywords_match(keywords: str, text: str) -> bool:
    words = [fold(word.strip()) for word in keywords.split(",") if word.strip()]
    return not words or any(word in text for word in words)


def folded_text(appeal: Appeal) -> str:
    return fold(f"{appeal.text} {appeal.address}")


def rule_matches(rule: RoutingRule, appeal: Appeal, text: str | None = None) -> bool:
    """Whether `rule` applies to `appeal` (priority aside): its category, district and keywords fit.

    `text`: the appeal's folded_text, when the caller tries many rules.
    """
    return (
        rule.category_id in (None, appeal.category_id)
        and rule.district_id in (None, appeal.district_id)
        and keywords_match(rule.keywords, folded_text(appeal) if text is None else text)
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


def district_akimat(reference: ReferenceData, appeal: Appeal, day: date) -> Department | None:
    if appeal.district_id is None:
        return None
    akimats = reference.departments_valid_on(day, kind=DepartmentKind.DISTRICT_AKIMAT, district_id=appeal.district_id)
    return akimats[0] if akimats else None


def choose_department(appeal: Appeal, *, day: date) -> RoutingDecision:
    """Rules, topics and departments come from the process's reference snapshot: no query per appeal."""
    reference, text = reference_data(), folded_text(appeal)
    for rule in reference.rules:
        if rule_matches(rule, appeal, text):
            akimat = district_akimat(reference, appeal, day) if rule.route_to_district_akimat else None
            return RoutingDecision(akimat or current_department(rule.department, day), f"rule: {rule.name}", rule)
    category = reference.categories.get(appeal.category_id)
    if category is not None and category.default_department_id:
        akimat = district_akimat(reference, appeal, day) if category.local_to_district else None
        if akimat:
            return RoutingDecision(akimat, "topic handled by the district akimat")
        return RoutingDecision(current_department(category.default_department, day), "topic's department")
    return RoutingDecision(reference.triage_desk(), "no rule matched: triage desk")
