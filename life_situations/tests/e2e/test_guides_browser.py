"""A citizen looks for a guide in Chromium; a question nobody has written a guide for becomes an appeal."""

import re

import pytest
from playwright.sync_api import Page, expect

from appeals.models import Appeal
from appeals.reference import load_reference_data
from life_situations.loader import load_guides

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_search_filter_open_and_ask_when_nothing_is_found(live_server, page: Page, sms_outbox, celery_worker_process):
    load_reference_data()
    assert load_guides().errors == []

    page.goto(live_server.url + "/guides/")
    page.get_by_role("searchbox", name="Поиск по жизненным ситуациям").fill("потерял права")
    page.get_by_role("button", name="Найти").click()
    expect(page.get_by_role("heading", level=2).filter(has_text="Найден")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"^Транспорт и водители \(\d+\)$")).click()
    expect(page.get_by_text("Транспорт и водители").first).to_be_visible()
    page.get_by_role("link", name=re.compile("водительск", re.IGNORECASE)).first.click()
    expect(page.get_by_role("heading", name="Пошагово")).to_be_visible()
    expect(page.get_by_role("heading", name="Список документов")).to_be_visible()

    page.get_by_role("link", name="Жизненные ситуации").first.click()  # back to the catalogue
    page.get_by_role("searchbox").fill("квантовая телепортация")
    page.get_by_role("button", name="Найти").click()
    expect(page.get_by_role("status")).to_contain_text("ничего не найдено")
    page.get_by_role("status").get_by_role("link", name="Задать вопрос").click()

    # a visitor who is not signed in confirms the phone first, then gets the form with the question in it
    page.get_by_role("textbox", name="Мобильный телефон").fill("+7 701 555 66 77")
    page.get_by_role("button", name="Получить код").click()
    code = re.search(r"\b(\d{6})\b", sms_outbox()[-1]["text"]).group(1)
    page.get_by_role("textbox", name="Код из SMS").fill(code)
    page.get_by_role("button", name="Подтвердить").click()
    expect(page.get_by_role("textbox", name="Суть обращения")).to_have_value("квантовая телепортация")
    expect(page.get_by_role("combobox", name="Вид обращения")).to_have_value("information_request")

    page.get_by_role("textbox", name="Суть обращения").fill(
        "Где в Алматы узнать о квантовой телепортации для школьников?"
    )
    page.get_by_role("textbox", name="Ваши ФИО").fill("Ержан Омаров")
    page.get_by_label(re.compile("Я согласен")).check()
    page.get_by_role("button", name="Отправить обращение").click()

    expect(page.get_by_role("alert")).to_contain_text("принято")
    appeal = Appeal.objects.get()
    assert appeal.kind == "information_request" and "телепортации" in appeal.text
