import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appeals.models import Appeal, AppealStatus, Attachment, Category, District
from appeals.services import route_appeal

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def confirm_phone_by_sms(client, sms_outbox, phone="8 701 555 66 77") -> str:
    response = client.post("/appeals/new/phone/", {"step": "send", "phone": phone})
    assert response.status_code == 302
    code = re.search(r"\b(\d{6})\b", sms_outbox()[-1]["text"]).group(1)
    response = client.post("/appeals/new/phone/", {"step": "check", "code": code})
    assert response["Location"] == "/appeals/new/"
    return code


def form_data(**overrides) -> dict:
    return {
        "kind": "application",
        "category": Category.objects.get(code="courtyard").pk,
        "district": District.objects.get(code="bostandyk").pk,
        "address": "мкр. Орбита-2, 15",
        "text": "Во дворе сломаны скамейки и качели на детской площадке, дети травмируются.",
        "contact_name": "Ержан Омаров",
        "contact_email": "",
        "language": "ru",
        "consent": "on",
        "website": "",
        **overrides,
    }


def test_a_visitor_confirms_the_phone_by_sms_and_files_an_appeal_with_a_photo(client, reference, sms_outbox):
    confirm_phone_by_sms(client, sms_outbox)

    photo = SimpleUploadedFile("двор.png", PNG, content_type="image/png")
    response = client.post("/appeals/new/", form_data(attachments=[photo]))

    appeal = Appeal.objects.get()
    assert response["Location"].startswith(f"/appeals/receipt/{appeal.public_id}/?t=")
    assert appeal.contact_phone == "+77015556677" and appeal.phone_verified
    assert appeal.channel == "web" and appeal.category.code == "courtyard"
    attachment = Attachment.objects.get(appeal=appeal)
    assert attachment.original_name == "двор.png" and attachment.content_type == "image/png"
    assert "двор" not in attachment.file.name  # never the citizen's file name on disk
    receipt = client.get(response["Location"]).content.decode()
    assert appeal.number in receipt and appeal.access_code in receipt and "<svg" in receipt


def test_the_form_is_not_shown_before_the_phone_is_confirmed(client, reference):
    assert client.get("/appeals/new/")["Location"] == "/appeals/new/phone/"
    client.post("/appeals/new/", form_data())
    assert not Appeal.objects.exists()


def test_a_wrong_sms_code_is_refused_and_counts_down(client, reference, sms_outbox):
    client.post("/appeals/new/phone/", {"step": "send", "phone": "+77015556677"})

    response = client.post("/appeals/new/phone/", {"step": "check", "code": "000000"})

    assert response.status_code == 200
    assert "Осталось попыток: 4" in response.content.decode()
    assert client.get("/appeals/new/")["Location"] == "/appeals/new/phone/"


def test_a_bad_attachment_is_explained_and_the_text_is_kept(client, reference, sms_outbox):
    confirm_phone_by_sms(client, sms_outbox)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is a program", content_type="image/jpeg")

    response = client.post("/appeals/new/", form_data(attachments=[fake]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "photo.jpg" in html and "не принимаются" in html
    assert "дети травмируются" in html  # what was typed is still there
    assert not Appeal.objects.exists()


def test_the_honeypot_stops_a_bot(client, reference, sms_outbox):
    confirm_phone_by_sms(client, sms_outbox)

    response = client.post("/appeals/new/", form_data(website="http://spam.example"))

    assert response.status_code == 200
    assert not Appeal.objects.exists()


def test_a_signed_in_citizen_files_without_an_sms_code(client, citizen, reference):
    client.force_login(citizen)

    response = client.post("/appeals/new/", form_data(contact_name=citizen.full_name))

    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert appeal.citizen == citizen and appeal.channel == "cabinet" and appeal.contact_phone == citizen.phone


def test_a_receipt_is_only_for_whoever_filed_it(client, citizen, reference):
    client.force_login(citizen)
    location = client.post("/appeals/new/", form_data(contact_name=citizen.full_name))["Location"]
    other = make_receipt_link_for_another_appeal(location)
    client.logout()

    assert client.get(location).status_code == 200  # the signed link of the one who filed it
    assert client.get(location.split("?")[0]).status_code == 404
    assert client.get(location[:-3] + "abc").status_code == 404  # a tampered signature
    assert client.get(other).status_code == 404  # the same token on another appeal


def make_receipt_link_for_another_appeal(location: str) -> str:
    from appeals.services import Contact, register_appeal

    appeal = register_appeal(channel="web", text="Другое обращение", contact=Contact(name="X", phone="+77017778899"))
    return f"/appeals/receipt/{appeal.public_id}/?{location.split('?')[1]}"


def test_tracking_shows_the_public_timeline_and_never_internal_notes(client, make_appeal, specialist):
    from appeals import services

    appeal = make_appeal()
    route_appeal(appeal_id=appeal.pk)
    appeal.refresh_from_db()
    services.take_appeal(appeal=appeal, actor=specialist)
    services.add_note(appeal=appeal, actor=specialist, text="СЕКРЕТНАЯ внутренняя заметка")

    html = client.get("/track/", {"number": appeal.number.lower(), "code": appeal.access_code.lower()}).content.decode()

    assert appeal.department.name_ru in html
    assert "В работе" in html
    assert "СЕКРЕТНАЯ" not in html


def test_tracking_with_a_wrong_code_looks_exactly_like_a_missing_number(client, make_appeal):
    appeal = make_appeal()
    missing = appeal.number[:-1] + ("0" if appeal.number[-1] != "0" else "1")

    wrong_code = client.get("/track/", {"number": appeal.number, "code": "AAAAAAAAAA"})
    no_such = client.get("/track/", {"number": missing, "code": "AAAAAAAAAA"})

    def normalised(response, number: str) -> str:  # CSRF tokens and CSP nonces are new in every response
        html = response.content.decode().replace(number, "N")
        return re.sub(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]+"', "", html)

    assert wrong_code.status_code == no_such.status_code == 200
    assert normalised(wrong_code, appeal.number) == normalised(no_such, missing)
    assert appeal.department is None or appeal.department.name_ru not in wrong_code.content.decode()


def test_an_attachment_needs_the_number_and_the_code(client, make_appeal):
    photo = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    appeal = make_appeal(attachments=[photo])
    attachment = appeal.attachments.get()
    url = f"/track/file/{attachment.public_id}/"

    assert client.get(url).status_code == 404
    assert client.get(url, {"number": appeal.number, "code": "WRONGWRONG"}).status_code == 404
    response = client.get(url, {"number": appeal.number, "code": appeal.access_code})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG


def test_status_is_not_changed_by_the_form(client, citizen, reference):
    client.force_login(citizen)
    client.post("/appeals/new/", form_data(status="closed"))

    assert Appeal.objects.get().status == AppealStatus.REGISTERED


def test_the_form_limits_how_fast_one_address_files(client, citizen, reference, settings):
    settings.APPEAL_RATE_PER_MINUTE = 2
    client.force_login(citizen)

    for _ in range(3):
        response = client.post("/appeals/new/", form_data(contact_name=citizen.full_name))

    assert Appeal.objects.count() == 2
    assert "Слишком много обращений" in response.content.decode()


def test_the_daily_limit_counts_as_well_and_opens_a_window_that_expires(client, citizen, reference, settings):
    from openalmaty.redis_client import cache_redis

    settings.APPEAL_RATE_PER_DAY = 1
    client.force_login(citizen)

    for _ in range(2):
        response = client.post("/appeals/new/", form_data(contact_name=citizen.full_name))

    assert Appeal.objects.count() == 1
    assert "Слишком много обращений" in response.content.decode()
    ttl = cache_redis().ttl("ratelimit:appeal-day:127.0.0.1")
    assert 86000 < ttl <= 86400


def test_with_redis_down_the_limit_is_skipped_and_the_appeal_accepted(client, citizen, reference, settings):
    from conftest import _free_port

    settings.CACHE_URL = f"redis://127.0.0.1:{_free_port()}/0"  # nothing listens there
    client.force_login(citizen)

    response = client.post("/appeals/new/", form_data(contact_name=citizen.full_name))

    assert response.status_code == 302 and Appeal.objects.count() == 1


def test_ask_a_question_about_a_guide_registers_an_information_request_with_the_guide(client, citizen, reference):
    from life_situations.loader import load_guides

    load_guides()
    client.force_login(citizen)
    location = client.get("/appeals/ask/", {"guide": "lost-driving-licence", "q": "сколько ждать"})["Location"]
    form = client.get(location).context["form"]
    assert form.initial["kind"] == "information_request" and form.initial["text"] == "сколько ждать"

    client.post(location, form_data(kind="information_request", guide="lost-driving-licence",
                                    text="Сколько ждать дубликат прав после потери?", contact_name="A"))  # fmt: skip

    appeal = Appeal.objects.get()
    assert appeal.kind == "information_request" and appeal.guide.slug == "lost-driving-licence"
    assert (appeal.due_date - appeal.registered_on).days == 15  # calendar days
