"""The reference snapshot: read once per process, read again after any change, never serving rolled-back rows."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.session import remember_confirmed_phone
from appeals.forms import AppealForm
from appeals.models import Category, Department, District, RoutingRule, Sphere
from appeals.reference_cache import reference_data
from appeals.routing import choose_department
from appeals.services import Contact, register_appeal

pytestmark = pytest.mark.django_db


def test_an_unchanged_snapshot_costs_one_query(reference, django_assert_num_queries):
    first = reference_data()
    with django_assert_num_queries(1):  # the version, nothing else
        assert reference_data() is first
    assert {d.code for d in first.districts.values()} >= {"auezov", "bostandyk", "medeu"}
    assert first.clocks["application"].answer_days == 15


@pytest.mark.parametrize("how", ["save", "queryset update", "raw SQL", "delete"])
def test_every_kind_of_change_is_seen_by_the_next_read(reference, how):
    category = Category.objects.get(code="courtyard")
    before = reference_data()
    assert before.categories[category.pk].is_active
    if how == "save":
        category.is_active = False
        category.save()
    elif how == "queryset update":
        Category.objects.filter(pk=category.pk).update(is_active=False)
    elif how == "raw SQL":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE appeals_category SET is_active = false WHERE id = %s", [category.pk])
    else:
        RoutingRule.objects.filter(category=category).delete()
        category.delete()

    after = reference_data()
    assert after.version != before.version
    assert category.pk not in {c.pk for c in after.active_categories()}


def test_rows_of_a_rolled_back_transaction_never_come_back(reference):
    sphere = Sphere.objects.first()
    with transaction.atomic():
        Category.objects.create(sphere=sphere, code="ghost", name_ru="Призрак", name_kk="Елес", name_en="Ghost")
        assert "ghost" in {c.code for c in reference_data().categories.values()}  # seen inside, as it should
        transaction.set_rollback(True)

    assert "ghost" not in {c.code for c in reference_data().categories.values()}
    # A later change never reuses the rolled-back version number.
    Category.objects.create(sphere=sphere, code="real", name_ru="Тема", name_kk="Тақырып", name_en="Topic")
    codes = {c.code for c in reference_data().categories.values()}
    assert "real" in codes
    assert "ghost" not in codes


def test_a_form_checks_topic_and_district_with_one_query(reference, django_assert_num_queries):
    data = {"kind": "application", "category": Category.objects.get(code="courtyard").pk,
            "district": District.objects.get(code="auezov").pk, "text": "Во дворе нет освещения уже месяц.",
            "contact_name": "Ержан", "language": "ru", "consent": "on"}  # fmt: skip
    reference_data()
    with django_assert_num_queries(1):  # the version, once for both fields
        form = AppealForm(data)
        assert form.is_valid(), form.errors
    assert form.cleaned_data["district"].code == "auezov"


def test_filing_through_the_form_reads_the_version_once(reference, client):
    """The form checks the topic against a snapshot and the registration takes its clock from the same one."""
    session = client.session
    remember_confirmed_phone(session, "+77015556677")
    session.save()
    data = {"kind": "application", "category": Category.objects.get(code="courtyard").pk,
            "district": District.objects.get(code="auezov").pk, "text": "Во дворе нет освещения уже месяц.",
            "contact_name": "Ержан", "language": "ru", "consent": "on"}  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/appeals/new/", data)
    assert response.status_code == 302
    assert sum("appeals_reference_version" in query["sql"] for query in queries.captured_queries) == 1


def test_a_topic_switched_off_is_refused_by_the_form_at_once(reference):
    category = Category.objects.get(code="courtyard")
    data = {"kind": "application", "category": category.pk, "district": District.objects.get(code="auezov").pk,
            "text": "Во дворе нет освещения уже месяц.", "contact_name": "Ержан", "language": "ru",
            "consent": "on"}  # fmt: skip
    assert AppealForm(data).is_valid()

    Category.objects.filter(pk=category.pk).update(is_active=False)

    form = AppealForm(data)
    assert not form.is_valid()
    assert "category" in form.errors
    assert str(category.pk) not in str(form["category"])  # and it is no longer offered


def test_a_new_rule_and_a_department_successor_route_the_next_appeal(reference):
    category = Category.objects.get(code="parks")
    appeal = register_appeal(channel="web", text="В сквере сухие деревья", category=category,
                             contact=Contact(name="Айгерим", phone="+77015556677"))  # fmt: skip
    today = appeal.registered_on
    assert choose_department(appeal, day=today).department.code == "public-spaces"

    health = Department.objects.get(code="health")
    RoutingRule.objects.create(name="trees to health", priority=1, category=category, keywords="деревья",
                               department=health)  # fmt: skip
    assert choose_department(appeal, day=today).department == health

    # The department closes and hands over to a successor: the rule follows it without being edited.
    successor = Department.objects.create(code="health-2", name_ru="Здравоохранение", name_kk="Денсаулық",
                                          name_en="Health", valid_from=today)  # fmt: skip
    Department.objects.filter(pk=health.pk).update(valid_to=today.replace(year=today.year - 1), successor=successor,
                                                   valid_from=today.replace(year=today.year - 2))  # fmt: skip
    assert choose_department(appeal, day=today).department == successor
