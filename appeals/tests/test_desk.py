"""The clerk's desk over HTTP and through its services: who may use it, finding and creating citizens, visits
with several appeals, consultations, hand-overs, the receipt, and what survives a failed save."""

import io
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from accounts.services import sign_up
from appeals import desk
from appeals import desk_selectors as selectors
from appeals.models import (
    Appeal,
    Category,
    Channel,
    Consultation,
    District,
    Visit,
    VisitKind,
)

pytestmark = pytest.mark.django_db
TEXT = "На остановке «Сайран» нет расписания автобусов, люди ждут по часу."


@pytest.fixture
def operator(reference) -> User:
    user = User.objects.create_user(phone="+77010002001", email="op1@open-almaty.kz", password="long-secret-1",
                                    full_name="Динара Омарова")  # fmt: skip
    return desk.make_operator(user)


@pytest.fixture
def representative(specialist) -> User:
    """The transport department's specialist, sitting at the front office as its representative."""
    return desk.make_operator(specialist)


@pytest.fixture
def visit(operator) -> Visit:
    citizen = desk.citizen_create(operator=operator, phone="+77015551234", full_name="Ерлан Касымов")
    return desk.visit_start(operator=operator, kind=VisitKind.CALL, citizen=citizen)


def _desk_urls(visit_id) -> list[tuple[str, str]]:
    get = ["desk", "desk_citizens", "desk_suggest", "desk_stats"]
    post = ["desk_visit_start"]
    per_visit_get = ["desk_receipt", "desk_receipt_pdf"]
    per_visit_post = ["desk_visit_appeal", "desk_visit_consultation", "desk_visit_handover", "desk_visit_finish",
                      "desk_visit_draft"]  # fmt: skip
    return (
        [("get", reverse(f"appeals:{n}")) for n in get]
        + [("post", reverse(f"appeals:{n}")) for n in post]
        + [("get", reverse(f"appeals:{n}", args=[visit_id])) for n in per_visit_get]
        + [("post", reverse(f"appeals:{n}", args=[visit_id])) for n in per_visit_post]
    )


def test_nobody_but_an_operator_uses_any_desk_url(client, visit, citizen, specialist):
    before = (Visit.objects.count(), Appeal.objects.count(), Consultation.objects.count(), User.objects.count())
    urls = _desk_urls(visit.public_id)
    for method, url in urls:  # signed out: to the sign-in page
        response = getattr(client, method)(url, {"text": TEXT, "phone": "+77017770000", "full_name": "X Y"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for person in (citizen, specialist):  # a citizen, and staff without the role "operator"
        client.force_login(person)
        for method, url in urls:
            response = getattr(client, method)(url, {"text": TEXT, "phone": "+77017770000", "full_name": "X Y"})
            assert response.status_code == 403, (person, url)
    assert (Visit.objects.count(), Appeal.objects.count(), Consultation.objects.count(), User.objects.count()) == before
    assert reverse("appeals:desk").encode() not in client.get("/").content  # no "Desk" link either


def test_another_operator_cannot_act_on_a_visit_at_someone_elses_desk(client, visit, representative):
    client.force_login(representative)
    response = client.post(reverse("appeals:desk_visit_appeal", args=[visit.public_id]), {"text": TEXT})
    assert response.status_code == 404
    assert not Appeal.objects.exists()


def test_search_as_you_type_by_phone_iin_and_name(client, operator):
    aigerim = User.objects.create_user(phone="+77011112233", full_name="Айгерим Сапарова", iin="900101300007")
    User.objects.create_user(phone="+77021112233", full_name="Нурлан Сапаров")
    client.force_login(operator)

    def names(q: str) -> list[str]:
        return [c["name"] for c in client.get(reverse("appeals:desk_citizens"), {"q": q}).json()["citizens"]]

    for typed in ("8 701 111", "+7 701 111 22", "701111", "87011112233", "+77011112233"):
        assert names(typed) == ["Айгерим Сапарова"], typed
    assert names("900101") == ["Айгерим Сапарова"]  # IIN prefix
    assert sorted(names("сапаров")) == ["Айгерим Сапарова", "Нурлан Сапаров"]  # a word inside the name
    assert names("Нурлан") == ["Нурлан Сапаров"]  # the beginning of the name
    assert names("айгерим сап") == ["Айгерим Сапарова"]
    assert names("87") == []  # too short to ask
    answer = client.get(reverse("appeals:desk_citizens"), {"q": "8 705 000 11 22"}).json()
    assert answer["citizens"] == [] and answer["new_phone"] == "+77050001122"
    assert aigerim.masked_iin in client.get(reverse("appeals:desk_citizens"), {"q": "9001"}).content.decode()


def test_create_the_citizen_without_a_password_and_start_a_call(client, operator):
    client.force_login(operator)
    response = client.post(reverse("appeals:desk_visit_start"), {
        "kind": "call", "phone": "8 701 555 12 34", "full_name": "Ерлан  Касымов", "iin": "",
    })  # fmt: skip
    citizen = User.objects.get(phone="+77015551234")
    visit = Visit.objects.get()
    assert response.status_code == 302 and str(visit.public_id) in response["Location"]
    assert citizen.full_name == "Ерлан Касымов" and not citizen.has_usable_password()
    assert citizen.phone_verified_at is None
    assert (visit.kind, visit.citizen, visit.operator) == ("call", citizen, operator)
    assert visit.caller_phone == "+77015551234"  # a call: the caller's number is filled in
    page = client.get(response["Location"]).content.decode()
    assert "Ерлан Касымов" in page and "Новое обращение в этом приёме" in page


def test_a_phone_that_has_an_account_is_not_created_twice(client, operator, citizen):
    client.force_login(operator)
    response = client.post(reverse("appeals:desk_visit_start"),
                           {"kind": "visit", "phone": citizen.phone, "full_name": "Другой Человек"})  # fmt: skip
    assert response.status_code == 400
    assert "уже есть" in response.content.decode()
    assert User.objects.filter(phone=citizen.phone).count() == 1 and not Visit.objects.exists()
    assert 'value="Другой Человек"' in response.content.decode()  # what was typed is still there


def test_validation_errors_keep_what_was_typed(client, operator, visit):
    client.force_login(operator)
    url = reverse("appeals:desk_visit_appeal", args=[visit.public_id])
    district = District.objects.get(code="almaly")
    typed = {"text": "Коротко", "address": "ул. Толе би, 59", "district": district.pk, "kind": "application",
             "language": "kk"}  # fmt: skip
    response = client.post(url, typed)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Коротко</textarea>" in page and 'value="ул. Толе би, 59"' in page
    assert not Appeal.objects.exists()
    visit.refresh_from_db()  # kept in the visit too: it survives a closed browser
    assert visit.draft["appeal"]["address"] == "ул. Толе би, 59" and visit.draft["appeal"]["text"] == "Коротко"
    again = client.get(reverse("appeals:desk"), {"visit": visit.public_id}).content.decode()
    assert 'value="ул. Толе би, 59"' in again and "Коротко</textarea>" in again

    # The same through desk.js: a JSON answer with the workspace to show, the form still filled in.
    response = client.post(url, typed, headers={"X-Desk": "1"})
    assert response.status_code == 400 and response.json()["ok"] is False
    assert 'value="ул. Толе би, 59"' in response.json()["html"]

    # Saved at last: the appeal is registered and the draft is gone.
    response = client.post(url, {**typed, "text": TEXT}, headers={"X-Desk": "1"})
    assert response.json()["ok"] is True and response.json()["saved"] == "appeal"
    visit.refresh_from_db()
    assert "appeal" not in visit.draft
    appeal = Appeal.objects.get()
    assert (appeal.address, appeal.district, appeal.language, appeal.channel) == (
        "ул. Толе би, 59", district, "kk", Channel.CALL_CENTRE)  # fmt: skip


def test_the_draft_is_kept_while_typing(client, operator, visit):
    client.force_login(operator)
    url = reverse("appeals:desk_visit_draft", args=[visit.public_id])
    assert client.post(url, {"_form": "appeal", "text": "Полтекста", "address": "мкр. Самал-2"}).status_code == 204
    assert client.post(url, {"_form": "consultation", "c-question": "Как получить справку?"}).status_code == 204
    visit.refresh_from_db()
    assert visit.draft["appeal"]["text"] == "Полтекста" and visit.draft["appeal"]["address"] == "мкр. Самал-2"
    assert visit.draft["consultation"]["question"] == "Как получить справку?"
    assert client.post(url, {"_form": "evil", "x": "y"}).status_code == 409


def test_a_visit_with_two_appeals_a_hand_over_and_a_consultation(operator, representative, visit, sms_outbox):
    transport = Category.objects.get(code="public-transport")
    first = desk.desk_register_appeal(visit=visit, operator=operator, text=TEXT, category=transport)
    desk.visit_hand_over(visit=visit, operator=operator, to_operator=representative, note="Вопрос о дорогах")
    with pytest.raises(desk.PermissionDenied):  # the visit went with the visitor
        desk.desk_register_appeal(visit=visit, operator=operator, text=TEXT)
    second = desk.desk_register_appeal(
        visit=visit, operator=representative, text="Яма на дороге у дома, колесо повредил.",
        category=Category.objects.get(code="road-repair"),
    )  # fmt: skip
    consultation = desk.consultation_record(visit=visit, operator=representative, question="Где платить налог?")
    desk.visit_finish(visit=visit, operator=representative)

    assert [link.appeal for link in visit.visit_appeals.all()] == [first, second]
    assert first.channel == second.channel == Channel.CALL_CENTRE
    assert first.contact_phone == "+77015551234" and first.citizen is None  # not linked until the phone is proved
    assert first.events.get().actor == operator and second.events.get().actor == representative
    assert visit.handovers.get().department == representative.memberships.get().department
    assert consultation.visit == visit

    # The citizen signs up with that phone later: both appeals are theirs.
    user = sign_up(phone="+77015551234", password="Жаңа-құпия-2026", full_name="Ерлан Касымов")
    assert user.pk == visit.citizen_id
    assert set(Appeal.objects.filter(citizen=user)) == {first, second}


def test_first_call_resolution_per_topic_and_operator(operator, representative, reference):
    transport = Category.objects.get(code="public-transport")
    roads = Category.objects.get(code="road-repair")

    def finished_visit(who, *, consult=None, appeal=None):
        v = desk.visit_start(operator=who, kind=VisitKind.VISIT, contact_name="Гость", caller_phone="+77017770000")
        if consult:
            desk.consultation_record(visit=v, operator=who, category=consult)
        if appeal:
            desk.desk_register_appeal(visit=v, operator=who, text=TEXT, category=appeal)
        desk.visit_finish(visit=v, operator=who)

    finished_visit(operator, consult=transport)
    finished_visit(operator, consult=transport)
    finished_visit(operator, consult=transport, appeal=transport)
    finished_visit(representative, appeal=roads)
    since, until = timezone.now() - timedelta(days=1), timezone.now() + timedelta(hours=1)
    stats = selectors.first_call_resolution(since=since, until=until)
    assert (stats["total"].finished, stats["total"].by_consultation, stats["total"].consultations) == (4, 2, 3)
    per_operator = {r.key: r for r in stats["per_operator"]}
    assert (per_operator[operator.pk].share, per_operator[representative.pk].share) == (66.7, 0.0)
    assert per_operator[operator.pk].consultations == 3
    per_topic = {r.key: r for r in stats["per_topic"]}
    assert (per_topic[transport.pk].consultations, per_topic[transport.pk].finished) == (3, 3)
    assert (per_topic[roads.pk].consultations, per_topic[roads.pk].by_consultation) == (0, 0)
    counts = selectors.topic_counts(since=since, until=until)
    assert counts[transport.pk] == {"appeals": 1, "consultations": 3}


def test_the_topic_is_suggested_from_the_text(reference):
    assert selectors.suggest_category("Автобус 12 не ходит, на остановке нет расписания").code == "public-transport"
    assert selectors.suggest_category("Огромная яма, асфальт разбит").code == "road-repair"
    assert selectors.suggest_category("Спасибо") is None


def test_the_receipt_and_its_pdf_list_every_appeal(client, operator, visit):
    visit.citizen.full_name = "Әсел Құрманғазықызы"
    visit.citizen.save()
    appeals = [desk.desk_register_appeal(visit=visit, operator=operator, text=TEXT) for _ in range(2)]
    client.force_login(operator)
    page = client.get(reverse("appeals:desk_receipt", args=[visit.public_id])).content.decode()
    for appeal in appeals:
        assert appeal.number in page and appeal.access_code in page and "<svg" in page
    response = client.get(reverse("appeals:desk_receipt_pdf", args=[visit.public_id]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for appeal in appeals:
        assert appeal.number in text and appeal.access_code in text
        assert appeal.due_date.strftime("%d.%m.%Y") in text
    assert "Әсел Құрманғазықызы" in text  # Kazakh letters, not boxes
    assert "Обращение" in text  # the receipt is in the page's language


def test_an_unknown_visit_is_a_404(client, operator):
    client.force_login(operator)
    assert client.get(reverse("appeals:desk_receipt", args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("appeals:desk"), {"visit": "not-a-uuid"}).status_code == 404


def test_suggestions_while_typing_and_a_consultation_with_the_guide_used(client, operator, visit):
    from life_situations.loader import load_guides

    load_guides()
    client.force_login(operator)
    answer = client.get(reverse("appeals:desk_suggest"), {"text": "потерял водительское удостоверение"}).json()
    slugs = [guide["slug"] for guide in answer["guides"]]
    assert "lost-driving-licence" in slugs
    transport = Category.objects.get(code="public-transport")
    response = client.post(reverse("appeals:desk_visit_consultation", args=[visit.public_id]), {
        "c-category": transport.pk, "c-guide": "lost-driving-licence", "c-question": "Как восстановить права?",
    }, headers={"X-Desk": "1"})  # fmt: skip
    assert response.json()["ok"] is True
    consultation = Consultation.objects.get()
    assert (consultation.guide.slug, consultation.category, consultation.operator, consultation.visit) == (
        "lost-driving-licence", transport, operator, visit)  # fmt: skip
    assert not Appeal.objects.exists()  # answered on the spot: no appeal


def test_the_statistics_page_and_the_search_without_javascript(client, operator, visit):
    desk.consultation_record(visit=visit, operator=operator, category=Category.objects.get(code="parking"))
    desk.visit_finish(visit=visit, operator=operator)
    client.force_login(operator)
    page = client.get(reverse("appeals:desk_stats")).content.decode()
    assert "Парковки и эвакуация" in page and "100,0 %" in page and "Динара Омарова" in page
    page = client.get(reverse("appeals:desk"), {"q": "8 701 555 12", "kind": "call"}).content.decode()
    assert "Ерлан Касымов" in page and 'name="citizen"' in page  # each result starts a call by a plain post


def test_the_desk_speaks_kazakh(client, operator, visit):
    client.force_login(operator)
    page = client.get(f"/kk/desk/?visit={visit.public_id}").content.decode()  # conftest resets the language
    assert "Оператордың жұмыс орны" in page and "Осы қабылдаудағы жаңа өтініш" in page
    assert "Колл-орталыққа қоңырау" in page  # the visit's kind
