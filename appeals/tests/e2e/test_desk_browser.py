"""The clerk's desk in Chromium, keyboard only: a call from a new number, the citizen created on the spot, two
appeals in one visit (the second at another desk after a hand-over), a consultation, the receipt printed and
as a PDF; later the citizen signs up with that phone and finds both appeals in the cabinet.

The first appeal is the typical phone appeal of the benchmark: bench.desk.phone_appeal counts its keys and its
trips to the server here as there (desk.keystrokes_phone_appeal, desk.round_trips_phone_appeal)."""

import io
import re

import pytest
from django.test import Client
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.models import User
from appeals.desk import make_operator
from appeals.models import Appeal, Channel, Department, DepartmentMembership, MemberRole, Visit
from appeals.reference import load_reference_data
from bench.desk import Counter, phone_appeal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Жаңа-құпия-сөз-2026"


def _signed_in(context, user, base_url: str) -> None:
    client = Client()  # a session of the user's own, handed to the browser
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_operator_registers_a_visit_by_keyboard_and_the_citizen_finds_it(
    live_server, page: Page, browser, browser_context_args, sms_outbox, celery_worker_process, tmp_path
):
    load_reference_data()
    front = make_operator(
        User.objects.create_user(
            phone="+77010002001", email="op1@open-almaty.kz", full_name="Динара Омарова", password="long-secret-1"
        )
    )
    representative = make_operator(
        User.objects.create_user(
            phone="+77010002002", email="op2@open-almaty.kz", full_name="Нурлан Ахметов", password="long-secret-1"
        )
    )
    DepartmentMembership.objects.create(user=representative, department=Department.objects.get(code="roads"),
                                        role=MemberRole.SPECIALIST)  # fmt: skip
    _signed_in(page.context, front, live_server.url)
    keyboard = page.keyboard

    # A call from a number nobody has: the citizen is created on the spot, the first appeal registered.
    page.on("pageerror", lambda error: pytest.fail(f"desk.js failed: {error}"))
    page.goto(f"{live_server.url}/desk/?kind=call")
    counter = Counter(page)
    first = phone_appeal(
        page, counter, phone="8 701 555 12 34", new_name="Касымов Ерлан",
        text="Автобус 92 не ходит с понедельника, на остановке Сайран люди ждут по часу, просим восстановить маршрут.",
        district="Алмал", address="ул. Толе би, 59",
    )  # fmt: skip
    trips = counter.round_trips()
    print(f"desk: a phone appeal of a new caller took {counter.keys} keys, {trips}")
    assert trips["page_loads"] == 0 and trips["waited"] == 2  # create + start, register: no page reload
    assert counter.keys <= 160
    citizen = User.objects.get(phone="+77015551234")
    assert citizen.full_name == "Касымов Ерлан" and not citizen.has_usable_password()
    expect(page.get_by_test_id("caller-phone")).to_have_text("+7 701 555 12 34")

    # The second question is for the roads department: pass the visitor to its representative.
    keyboard.press("Alt+4")
    expect(page.locator("#id_h-to_operator")).to_be_focused()
    keyboard.type("Нур")
    keyboard.press("Tab")
    keyboard.type("Яма у дома")
    keyboard.press("Enter")
    expect(page.locator("#desk-status")).to_contain_text("Нурлан Ахметов")
    expect(page.locator("#desk-appeal")).to_have_count(0)  # the visit went with the visitor

    # The representative's desk: the visit is waiting there; the second appeal, then a consultation.
    other = browser.new_context(**browser_context_args)
    desk2 = other.new_page()
    _signed_in(other, representative, live_server.url)
    desk2.goto(f"{live_server.url}/desk/")
    expect(desk2.locator("#desk-q")).to_be_focused()
    for _ in range(3):
        desk2.keyboard.press("Tab")
    expect(desk2.locator("#desk-inbox a").first).to_be_focused()
    desk2.keyboard.press("Enter")
    expect(desk2.get_by_test_id("visit-appeal")).to_have_count(1)
    desk2.keyboard.press("Alt+2")
    desk2.keyboard.type("Огромная яма на дороге у дома 5, асфальт разбит, вчера повредил колесо.", delay=10)
    expect(desk2.locator("[data-suggest-topic]")).to_contain_text("Ремонт дорог")
    desk2.keyboard.press("Alt+S")
    desk2.keyboard.type("Бост")
    desk2.keyboard.press("Tab")
    desk2.keyboard.type("ул. Жандосова, 5")
    desk2.keyboard.press("Control+Enter")
    expect(desk2.get_by_test_id("visit-appeal")).to_have_count(2)
    second = re.search(r"OA-\d{4}-\d{6,}", desk2.get_by_test_id("visit-appeal").last.inner_text()).group(0)

    desk2.keyboard.press("Alt+3")
    expect(desk2.locator("#id_c-category")).to_be_focused()
    desk2.keyboard.type("Парков")
    desk2.keyboard.press("Tab")
    desk2.keyboard.type("Как оплатить парковку через приложение?")
    desk2.keyboard.press("Control+Enter")
    expect(desk2.get_by_test_id("visit-consultation")).to_have_count(1)

    # Finished: the receipt, printed and as a PDF, lists both appeals.
    desk2.keyboard.press("Alt+E")
    expect(desk2.locator("#desk-receipt")).to_be_focused()
    desk2.keyboard.press("Enter")
    expect(desk2.get_by_test_id("receipt-appeal")).to_have_count(2)
    for number in (first, second):
        expect(desk2.get_by_text(number)).to_be_visible()
    printed = _pdf_text(desk2.pdf())  # what the print dialog would print
    assert first in printed and second in printed
    expect(desk2.locator("#desk-print")).to_be_focused()
    desk2.keyboard.press("Tab")
    with desk2.expect_download() as download:
        desk2.keyboard.press("Enter")
    path = tmp_path / "receipt.pdf"
    download.value.save_as(path)
    text = _pdf_text(path.read_bytes())
    assert first in text and second in text
    for appeal in Appeal.objects.filter(number__in=[first, second]):
        assert appeal.access_code in text and appeal.due_date.strftime("%d.%m.%Y") in text
    other.close()

    visit = Visit.objects.get()
    assert [link.appeal.number for link in visit.visit_appeals.all()] == [first, second]
    assert [link.operator for link in visit.visit_appeals.all()] == [front, representative]
    assert visit.handovers.get().to_operator == representative and visit.ended_at is not None
    assert visit.consultations.get().category.code == "parking"
    assert set(Appeal.objects.values_list("channel", flat=True)) == {Channel.CALL_CENTRE}
    typed = {a.number: (a.category.code, a.district.code, a.address, a.contact_phone) for a in Appeal.objects.all()}
    assert typed == {first: ("public-transport", "almaly", "ул. Толе би, 59", "+77015551234"),
                     second: ("road-repair", "bostandyk", "ул. Жандосова, 5", "+77015551234")}  # fmt: skip

    # Later the citizen signs up with that phone (SMS code) and sees both appeals in the cabinet.
    citizen_context = browser.new_context(**browser_context_args)
    me = citizen_context.new_page()
    me.goto(f"{live_server.url}/accounts/signup/")
    me.get_by_role("textbox", name="Мобильный телефон").fill("8 701 555 12 34")
    me.get_by_role("button", name="Получить код").click()
    code = re.search(r"\b(\d{6})\b", sms_outbox()[-1]["text"]).group(1)
    me.get_by_role("textbox", name="Код из SMS").fill(code)
    me.get_by_role("button", name="Подтвердить").click()
    me.get_by_role("textbox", name="ФИО").fill("Касымов Ерлан")
    me.get_by_label("Пароль*", exact=True).fill(PASSWORD)
    me.get_by_label("Пароль ещё раз").fill(PASSWORD)
    me.get_by_role("button", name="Создать учётную запись").click()
    expect(me.get_by_role("heading", name="Мои обращения")).to_be_visible()
    for number in (first, second):
        expect(me.get_by_role("link", name=number)).to_be_visible()
    assert User.objects.get(phone="+77015551234").pk == citizen.pk  # the desk's account, claimed
    citizen_context.close()


def test_nothing_is_typed_twice_after_a_lost_connection_or_a_closed_tab(live_server, page: Page, browser_context_args):
    load_reference_data()
    operator = make_operator(User.objects.create_user(phone="+77010002001", full_name="Динара Омарова"))
    citizen = User.objects.create_user(phone="+77017778899", full_name="Дана Ержанова")
    _signed_in(page.context, operator, live_server.url)
    page.on("pageerror", lambda error: pytest.fail(f"desk.js failed: {error}"))
    page.goto(f"{live_server.url}/desk/")
    page.keyboard.type("Ержан")
    expect(page.locator("#desk-results li").first).to_contain_text("Дана Ержанова")
    page.keyboard.press("Enter")
    expect(page.locator("#id_text")).to_be_focused()
    text = "Во дворе дома 12 не вывозят мусор уже неделю, контейнеры переполнены."
    page.keyboard.type(text)
    page.keyboard.press("Tab")  # the topic
    page.keyboard.press("Tab")  # the district
    page.keyboard.press("Tab")
    page.keyboard.type("мкр. Самал-2, 12")

    # The connection is lost: saving fails, and what was typed stays where it was.
    page.context.set_offline(True)
    page.keyboard.press("Control+Enter")
    expect(page.locator("#desk-status")).to_contain_text("Нет связи с сервером")
    expect(page.locator("#id_text")).to_have_value(text)
    assert not Appeal.objects.exists()

    # Back online, but the tab is gone (reloaded): the draft comes back from the browser and the server.
    page.context.set_offline(False)
    page.reload()
    expect(page.locator("#id_text")).to_have_value(text)
    expect(page.locator("#id_address")).to_have_value("мкр. Самал-2, 12")
    visit = Visit.objects.get()
    for _ in range(50):  # the restored draft goes back to the server a moment later
        visit.refresh_from_db()
        if visit.draft.get("appeal", {}).get("address"):
            break
        page.wait_for_timeout(100)
    assert visit.draft["appeal"]["address"] == "мкр. Самал-2, 12" and visit.draft["appeal"]["text"] == text
    page.keyboard.press("Alt+2")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("visit-appeal")).to_have_count(1)
    appeal = Appeal.objects.get()
    assert (appeal.text, appeal.address, appeal.contact_phone) == (text, "мкр. Самал-2, 12", citizen.phone)
    # Saved: the draft is gone from both places, so the next appeal starts empty.
    expect(page.locator("#id_text")).to_have_value("")
    visit.refresh_from_db()
    assert "appeal" not in visit.draft
    assert page.evaluate("Object.keys(localStorage).filter(k => k.endsWith(':appeal')).length") == 0
