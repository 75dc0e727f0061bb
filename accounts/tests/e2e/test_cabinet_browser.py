"""A citizen in Chromium: signs up by SMS, finds the appeal the call centre registered, files another one,
sees it routed by the Celery worker, reads the specialist's answer and rates it."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from appeals.models import Appeal, AppealStatus, Category, Channel, DepartmentMembership, MemberRole, Outcome
from appeals.reference import load_reference_data
from appeals.services import Contact, answer_appeal, register_appeal, take_appeal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Жаңа-құпия-сөз-2026"


def test_sign_up_file_follow_and_rate(live_server, page: Page, sms_outbox, celery_worker_process):
    load_reference_data()
    transport = Category.objects.get(code="public-transport")
    by_phone = register_appeal(
        channel=Channel.CALL_CENTRE, contact=Contact(name="Дана Ержанова", phone="+77017778899"),
        text="Звонок: на остановке «Сайран» нет расписания автобусов.", category=transport,
    )  # fmt: skip

    # Sign up: the phone by SMS code, then name and password.
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_role("textbox", name="Мобильный телефон").fill("8 701 777 88 99")
    page.get_by_role("button", name="Получить код").click()
    code = re.search(r"\b(\d{6})\b", sms_outbox()[-1]["text"]).group(1)
    page.get_by_role("textbox", name="Код из SMS").fill(code)
    page.get_by_role("button", name="Подтвердить").click()
    page.get_by_role("textbox", name="ФИО").fill("Дана Ержанова")
    page.get_by_label("Пароль*", exact=True).fill(PASSWORD)
    page.get_by_label("Пароль ещё раз").fill(PASSWORD)
    page.get_by_role("button", name="Создать учётную запись").click()

    # The call centre's appeal is already in the cabinet.
    expect(page.get_by_role("heading", name="Мои обращения")).to_be_visible()
    expect(page.get_by_role("link", name=by_phone.number)).to_be_visible()

    # A new appeal, the name filled in from the account.
    page.get_by_role("link", name="Новое обращение").click()
    expect(page.get_by_role("textbox", name="Ваши ФИО")).to_have_value("Дана Ержанова")
    page.get_by_role("combobox", name="Тема").select_option(label=transport.name_ru)
    page.get_by_role("textbox", name="Суть обращения").fill("Автобус 12 не ходит с понедельника, люди ждут по часу.")
    page.get_by_label(re.compile("Я согласен")).check()
    page.get_by_role("button", name="Отправить обращение").click()
    number = page.get_by_test_id("number").inner_text()
    appeal = Appeal.objects.get(number=number)
    assert appeal.citizen == User.objects.get(phone="+77017778899")

    for _ in range(50):  # the worker routes it within moments
        if Appeal.objects.get(pk=appeal.pk).status == AppealStatus.ROUTED:
            break
        page.wait_for_timeout(100)
    page.goto(f"{live_server.url}/cabinet/")
    page.get_by_role("link", name=number).click()
    expect(page.get_by_test_id("status")).to_have_text("Направлено исполнителю")

    # The specialist answers (through the service, as the staff workspace does).
    specialist = User.objects.create_user(phone="+77010001001", email="s@open-almaty.kz", is_staff=True)
    DepartmentMembership.objects.create(user=specialist, department=appeal.department, role=MemberRole.SPECIALIST)
    appeal.refresh_from_db()
    take_appeal(appeal=appeal, actor=specialist)
    answer_appeal(appeal=appeal, actor=specialist, text="Маршрут 12 восстановлен, интервал 10 минут.",
                  outcome=Outcome.RESOLVED)  # fmt: skip

    page.reload()
    expect(page.get_by_text("Маршрут 12 восстановлен")).to_be_visible()
    page.get_by_label("5 — отлично").check()
    page.get_by_role("textbox", name="Комментарий (необязательно)").fill("Спасибо, автобус ходит.")
    page.get_by_role("button", name="Оценить ответ").click()
    expect(page.get_by_role("alert").filter(has_text="Спасибо за оценку")).to_be_visible()
    expect(page.get_by_text("Ваша оценка: 5 из 5.")).to_be_visible()
    appeal.refresh_from_db()
    assert (appeal.rating, appeal.rating_comment) == (5, "Спасибо, автобус ходит.")
