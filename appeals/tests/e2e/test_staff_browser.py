"""A specialist in Chromium: signs in to the staff workspace, takes an appeal, answers it from a template;
the citizen's tracking page shows the answer."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from appeals.models import Appeal, AppealStatus, Category, Department, MemberRole, ResponseTemplate
from appeals.reference import load_reference_data
from appeals.services import Contact, add_department_member, register_appeal, route_appeal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_specialist_answers_from_a_template_and_the_citizen_reads_it(live_server, page: Page):
    load_reference_data()
    department = Department.objects.get(code="transport-traffic")
    specialist = User.objects.create_user(email="nurlan@open-almaty.kz", password="long-secret-2026",
                                          full_name="Нурлан Ахметов")  # fmt: skip
    add_department_member(user=specialist, department=department, role=MemberRole.SPECIALIST)
    ResponseTemplate.objects.create(department=department, title="Маршрут восстановлен", outcome="resolved",
                                    text="Маршрут [номер] восстановлен, интервал движения [минуты] минут.")  # fmt: skip
    appeal = register_appeal(
        channel="web", contact=Contact(name="Айгерим Сапарова", phone="+77011112233", phone_verified=True),
        text="Автобус 12 не ходит с понедельника, люди ждут по часу.",
        category=Category.objects.get(code="public-transport"),
    )  # fmt: skip
    route_appeal(appeal_id=appeal.pk)

    page.goto(f"{live_server.url}/admin/login/")
    page.locator("input[name=username]").fill("nurlan@open-almaty.kz")
    page.locator("input[name=password]").fill("long-secret-2026")
    page.locator("input[type=submit]").click()
    page.get_by_role("link", name=re.compile("ещё не взяты")).click()  # the staff home's queue
    page.get_by_role("link", name=appeal.number).click()
    expect(page.get_by_text("Персональные данные: этот просмотр записан в журнал.")).to_be_visible()
    page.get_by_role("button", name="Взять в работу").click()
    expect(page.get_by_text("Готово.")).to_be_visible()

    page.get_by_text("Ответить", exact=True).click()
    page.get_by_label("Начать с шаблона").select_option(label="Маршрут восстановлен (Русский)")
    answer = page.get_by_label("Ответ заявителю")
    expect(answer).to_have_value(re.compile(r"\[номер\]"))
    answer.fill(answer.input_value().replace("[номер]", "12").replace("[минуты]", "10"))
    page.get_by_role("button", name="Отправить ответ").click()
    expect(page.get_by_text("Готово.")).to_be_visible()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ANSWERED and appeal.outcome == "resolved"

    citizen = page.context.browser.new_page()
    citizen.goto(f"{live_server.url}/track/?number={appeal.number}&code={appeal.access_code}")
    expect(citizen.get_by_text("Маршрут 12 восстановлен, интервал движения 10 минут.")).to_be_visible()
    expect(citizen.get_by_test_id("status")).to_have_text(Appeal.objects.get(pk=appeal.pk).get_status_display())
