"""A person files an appeal with a photo in Chromium, in Russian and in Kazakh, then tracks it."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from appeals.models import Appeal, AppealStatus
from appeals.reference import load_reference_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)

LABELS = {
    "ru": {
        "prefix": "", "phone": "Мобильный телефон", "send": "Получить код", "code": "Код из SMS",
        "confirm": "Подтвердить", "topic": "Тема", "topic_option": "Благоустройство дворов", "district": "Район",
        "district_option": "Бостандыкский район", "address": "Адрес или место", "text": "Суть обращения",
        "files": "Фото или документы", "name": "Ваши ФИО", "consent": "Я согласен", "submit": "Отправить обращение",
        "accepted": "принято", "track": "Следить за обращением", "routed": "Направлено исполнителю",
        "akimat": "Аппарат акима Бостандыкского района",
    },
    "kk": {
        "prefix": "/kk", "phone": "Ұялы телефон", "send": "Код алу", "code": "SMS-тегі код", "confirm": "Растау",
        "topic": "Тақырып", "topic_option": "Аулаларды абаттандыру", "district": "Аудан",
        "district_option": "Бостандық ауданы", "address": "Мекенжай немесе орын", "text": "Өтініштің мәні",
        "files": "Фото немесе құжаттар", "name": "Аты-жөніңіз", "consent": "келісемін", "submit": "Өтінішті жіберу",
        "accepted": "қабылданып", "track": "Өтінішті бақылау", "routed": "Орындаушыға жіберілді",
        "akimat": "Бостандық ауданы әкімінің аппараты",
    },
}  # fmt: skip


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_file_an_appeal_with_a_photo_and_track_it(live_server, page: Page, sms_outbox, celery_worker_process, lang,
                                                  tmp_path: Path):  # fmt: skip
    load_reference_data()
    t = LABELS[lang]
    photo = tmp_path / "площадка.png"
    photo.write_bytes(PNG)

    page.goto(f"{live_server.url}{t['prefix']}/appeals/new/")
    page.get_by_role("textbox", name=t["phone"]).fill("8 701 555 66 77")
    page.get_by_role("button", name=t["send"]).click()
    code = re.search(r"\b(\d{6})\b", sms_outbox()[-1]["text"]).group(1)
    page.get_by_role("textbox", name=t["code"]).fill(code)
    page.get_by_role("button", name=t["confirm"]).click()

    page.get_by_role("combobox", name=t["topic"]).select_option(label=t["topic_option"])
    page.get_by_role("combobox", name=t["district"], exact=True).select_option(label=t["district_option"])
    page.get_by_role("textbox", name=t["address"]).fill("мкр. Орбита-2, 15")
    page.get_by_role("textbox", name=t["text"]).fill("Во дворе сломаны качели и нет освещения у детской площадки.")
    page.get_by_label(t["files"]).set_input_files(str(photo))
    page.get_by_role("textbox", name=t["name"]).fill("Ержан Омаров")
    page.get_by_label(re.compile(t["consent"])).check()
    page.get_by_role("button", name=t["submit"]).click()

    expect(page.get_by_role("alert")).to_contain_text(t["accepted"])
    number = page.get_by_test_id("number").inner_text()
    appeal = Appeal.objects.get(number=number)
    assert appeal.language == lang
    assert appeal.attachments.get().original_name == "площадка.png"

    page.get_by_role("link", name=t["track"]).click()
    expect(page.get_by_text(number).first).to_be_visible()
    for _ in range(20):  # the worker routes it within moments; the page shows the state of the moment
        if Appeal.objects.get(pk=appeal.pk).status == AppealStatus.ROUTED:
            break
        page.wait_for_timeout(100)
    page.reload()
    expect(page.get_by_test_id("status")).to_have_text(t["routed"])
    expect(page.get_by_test_id("department")).to_have_text(t["akimat"])
    expect(page.get_by_role("link", name="площадка.png")).to_be_visible()
