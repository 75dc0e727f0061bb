"""The personal cabinet from the outside: linking, ownership, the citizen's actions, data export, deletion."""

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from accounts.services import confirm_iin, sign_up
from appeals.models import Appeal, AppealKind, AppealStatus, Channel, Notification, Outcome
from appeals.services import (
    Contact,
    answer_appeal,
    request_information,
    route_appeal,
    take_appeal,
)

pytestmark = pytest.mark.django_db
PASSWORD = "Жаңа-құпия-сөз-2026"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def owner(db) -> User:
    return User.objects.create_user(phone="+77011112233", password=PASSWORD, full_name="Айгерим Сапарова",
                                    phone_verified_at=timezone.now())  # fmt: skip


@pytest.fixture
def stranger(db) -> User:
    return User.objects.create_user(phone="+77015556677", password=PASSWORD, full_name="Чужой Человек",
                                    phone_verified_at=timezone.now())  # fmt: skip


def answered(make_appeal, specialist, **kwargs) -> Appeal:
    appeal = make_appeal(**kwargs)
    route_appeal(appeal_id=appeal.pk)
    appeal.refresh_from_db()
    take_appeal(appeal=appeal, actor=specialist)
    answer_appeal(appeal=appeal, actor=specialist, text="Автобус 12 снова ходит по расписанию.",
                  outcome=Outcome.RESOLVED)  # fmt: skip
    appeal.refresh_from_db()
    return appeal


# --- Linking ---------------------------------------------------------------------------------------------------
def test_appeals_registered_by_an_operator_join_the_cabinet_once_the_phone_is_verified(make_appeal):
    by_phone = make_appeal(channel=Channel.CALL_CENTRE, contact=Contact(name="Дана", phone="+77017778899"))
    at_desk = make_appeal(channel=Channel.FRONT_OFFICE, contact=Contact(name="Дана", phone="+77017778899"))
    someone_else = make_appeal(contact=Contact(name="Другой", phone="+77017778800"))
    assert by_phone.citizen is None

    user = sign_up(phone="+77017778899", password=PASSWORD, full_name="Дана", language="ru")

    assert set(user.appeals.all()) == {by_phone, at_desk}
    assert Appeal.objects.get(pk=someone_else.pk).citizen is None
    # And an appeal registered afterwards for that phone, by any channel, is linked at once.
    later = make_appeal(channel=Channel.CALL_CENTRE, contact=Contact(name="Дана", phone="+77017778899"))
    assert later.citizen == user


def test_an_unverified_account_gets_no_appeals_by_phone(make_appeal):
    User.objects.create_user(phone="+77017778899", password=PASSWORD)  # never proved the phone
    appeal = make_appeal(contact=Contact(name="Дана", phone="+77017778899"))
    assert appeal.citizen is None


def test_an_appeal_joins_the_account_that_checked_the_iin_and_never_a_closed_one(make_appeal):
    user = User.objects.create_user(phone="+77017778899", password=PASSWORD)
    confirm_iin(user=user, iin="900101300007", checked_by=None)
    closed = User.objects.create_user(phone="+77012223344", password=PASSWORD, phone_verified_at=timezone.now(),
                                      is_active=False)  # fmt: skip

    by_iin = make_appeal(contact=Contact(name="Дана", email="d@example.kz", iin="900101300007", iin_verified=True))
    by_closed_phone = make_appeal(contact=Contact(name="Ерлан", phone=closed.phone))

    assert by_iin.citizen == user
    assert by_closed_phone.citizen is None


def test_linking_by_iin_needs_both_sides_checked(make_appeal):
    user = User.objects.create_user(phone="+77017778899", password=PASSWORD)
    typed = make_appeal(contact=Contact(name="Дана", email="d@example.kz", iin="900101300007"))
    checked = make_appeal(contact=Contact(name="Дана", email="d@example.kz", iin="900101300007", iin_verified=True))
    user.iin = "900101300007"  # typed into the profile: proves nothing
    user.save()
    assert not user.appeals.exists()

    confirm_iin(user=user, iin="900101300007", checked_by=None)

    assert list(user.appeals.all()) == [checked]
    assert Appeal.objects.get(pk=typed.pk).citizen is None


# --- Nobody sees what is not theirs ----------------------------------------------------------------------------
def test_a_second_citizen_reaches_none_of_the_first_ones_appeals(client, make_appeal, owner, stranger, specialist):
    appeal = answered(make_appeal, specialist, citizen=owner, attachments=[SimpleUploadedFile("фото.png", PNG)])
    assert appeal.citizen == owner
    file = appeal.attachments.get()
    client.force_login(stranger)

    link = f"/cabinet/appeals/{appeal.public_id}/"
    assert link not in client.get("/cabinet/").text
    assert link not in client.get(f"/cabinet/?q={appeal.number}").text
    assert client.get(f"/cabinet/appeals/{appeal.public_id}/").status_code == 404
    assert client.get(f"/cabinet/appeals/{uuid.uuid4()}/").status_code == 404
    for action in ["rate", "accept", "dispute", "withdraw", "info"]:
        data = {"rating": "1", "text": "Я не согласен с этим ответом совсем.", "reason": ""}
        response = client.post(f"/cabinet/appeals/{appeal.public_id}/{action}/", data)
        assert response.status_code == 404, action
    assert client.get(f"/track/file/{file.public_id}/").status_code == 404
    assert appeal.number not in client.get("/cabinet/notifications/").text
    assert appeal.number not in client.get("/cabinet/my-data.json").text
    appeal.refresh_from_db()
    assert (appeal.status, appeal.rating) == (AppealStatus.ANSWERED, None)
    assert not appeal.follow_ups.exists()


def test_the_cabinet_asks_a_visitor_to_sign_in(client, make_appeal, owner):
    appeal = make_appeal(citizen=owner)
    for url in ["/cabinet/", f"/cabinet/appeals/{appeal.public_id}/", "/cabinet/my-data.json", "/cabinet/delete/"]:
        assert client.get(url)["Location"].startswith("/accounts/login/?next="), url


def test_cabinet_urls_carry_no_sequential_id(client, make_appeal, owner):
    appeal = make_appeal(citizen=owner)
    client.force_login(owner)
    page = client.get("/cabinet/").text
    assert f"/cabinet/appeals/{appeal.public_id}/" in page
    assert f"/cabinet/appeals/{appeal.pk}/" not in page


# --- The citizen's actions, over HTTP, through the services ------------------------------------------------------
def test_the_citizen_sends_the_information_asked_for_with_a_file(client, make_appeal, owner, specialist):
    appeal = make_appeal(citizen=owner)
    route_appeal(appeal_id=appeal.pk)
    appeal.refresh_from_db()
    take_appeal(appeal=appeal, actor=specialist)
    request_information(appeal=appeal, actor=specialist, text="Уточните номер остановки.")
    client.force_login(owner)
    page = client.get(f"/cabinet/appeals/{appeal.public_id}/").text
    assert "Уточните номер остановки." in page

    data = {"text": "Остановка № 1234.", "attachments": SimpleUploadedFile("схема.png", PNG)}
    response = client.post(f"/cabinet/appeals/{appeal.public_id}/info/", data)
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.IN_PROGRESS
    assert appeal.events.filter(kind="info_provided", text="Остановка № 1234.").exists()
    assert appeal.attachments.get().original_name == "схема.png"


def test_an_empty_answer_to_the_request_is_explained_and_nothing_changes(client, make_appeal, owner, specialist):
    appeal = make_appeal(citizen=owner)
    route_appeal(appeal_id=appeal.pk)
    appeal.refresh_from_db()
    take_appeal(appeal=appeal, actor=specialist)
    request_information(appeal=appeal, actor=specialist, text="Уточните номер остановки.")
    client.force_login(owner)
    response = client.post(f"/cabinet/appeals/{appeal.public_id}/info/", {"text": ""})
    assert response.status_code == 200 and "Обязательное поле" in response.text
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.INFO_REQUESTED


def test_the_citizen_rates_and_accepts_the_answer(client, make_appeal, owner, specialist):
    appeal = answered(make_appeal, specialist, citizen=owner)
    client.force_login(owner)
    assert "Автобус 12 снова ходит" in client.get(f"/cabinet/appeals/{appeal.public_id}/").text

    client.post(f"/cabinet/appeals/{appeal.public_id}/rate/", {"rating": "5", "comment": "Спасибо!"})
    client.post(f"/cabinet/appeals/{appeal.public_id}/accept/")

    appeal.refresh_from_db()
    assert (appeal.rating, appeal.rating_comment, appeal.status) == (5, "Спасибо!", AppealStatus.CLOSED)
    assert appeal.events.filter(kind="rated", actor=owner).count() == 1
    # A second rating is refused and changes nothing.
    response = client.post(f"/cabinet/appeals/{appeal.public_id}/rate/", {"rating": "1"}, follow=True)
    assert Appeal.objects.get(pk=appeal.pk).rating == 5
    assert "уже оценён" in response.text


def test_a_low_mark_alerts_the_head(make_appeal, owner, specialist, head):
    from appeals.services import rate_answer

    appeal = answered(make_appeal, specialist, citizen=owner)
    rate_answer(appeal=appeal, citizen=owner, rating=1, comment="Ничего не изменилось.")
    assert Notification.objects.filter(appeal=appeal, user=head, for_citizen=False).exists()


def test_disagreeing_files_a_complaint_to_the_head_once(client, make_appeal, owner, specialist, head):
    appeal = answered(make_appeal, specialist, citizen=owner)
    client.force_login(owner)
    text = "Автобус так и не ходит, ответ не соответствует действительности."
    response = client.post(f"/cabinet/appeals/{appeal.public_id}/dispute/", {"text": text})
    complaint = Appeal.objects.get(parent=appeal)
    assert response["Location"] == f"/cabinet/appeals/{complaint.public_id}/"
    assert (complaint.kind, complaint.citizen, complaint.channel) == (AppealKind.COMPLAINT, owner, Channel.CABINET)
    route_appeal(appeal_id=complaint.pk)
    complaint.refresh_from_db()
    assert complaint.department == appeal.department
    client.post(f"/cabinet/appeals/{appeal.public_id}/dispute/", {"text": text})
    assert Appeal.objects.filter(parent=appeal).count() == 1


def test_the_citizen_withdraws_an_open_appeal(client, make_appeal, owner):
    appeal = make_appeal(citizen=owner)
    client.force_login(owner)
    client.post(f"/cabinet/appeals/{appeal.public_id}/withdraw/", {"reason": "Решилось само."})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.WITHDRAWN
    assert route_appeal(appeal_id=appeal.pk) is False  # withdrawn before routing: the router leaves it alone
    assert "Отозвать" not in client.get(f"/cabinet/appeals/{appeal.public_id}/").text


# --- The list ------------------------------------------------------------------------------------------------
def test_the_list_filters_and_shows_deadlines(client, make_appeal, owner):
    open_one = make_appeal(citizen=owner)
    late = make_appeal(citizen=owner, text="Просроченное обращение о светофоре на перекрёстке.")
    route_appeal(appeal_id=late.pk)
    Appeal.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timezone.timedelta(days=2))
    client.force_login(owner)
    overdue_page = client.get("/cabinet/?show=overdue").text
    assert late.number in overdue_page and open_one.number not in overdue_page
    assert "просрочено" in overdue_page
    assert open_one.number in client.get(f"/cabinet/?q={open_one.number.lower()}").text


def test_the_number_of_queries_does_not_grow_with_the_number_of_appeals(client, make_appeal, owner, specialist):
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    client.force_login(owner)
    first = make_appeal(citizen=owner)
    few_list, few_page = queries("/cabinet/"), queries(f"/cabinet/appeals/{first.public_id}/")
    for _ in range(25):
        answered(make_appeal, specialist, citizen=owner)
    assert queries("/cabinet/") == few_list
    assert queries(f"/cabinet/appeals/{first.public_id}/") == few_page


# --- Notifications, data, deletion ----------------------------------------------------------------------------
def test_messages_follow_the_account_preferences_and_are_listed(client, make_appeal, owner):
    owner.email, owner.notify_by_sms = "aigerim@example.kz", False
    owner.save()
    appeal = make_appeal(citizen=owner, contact=Contact(name="Айгерим", phone=owner.phone, email=owner.email))
    channels = set(Notification.objects.filter(appeal=appeal).values_list("channel", flat=True))
    assert channels == {"email"}
    client.force_login(owner)
    assert appeal.number in client.get("/cabinet/notifications/").text


def test_my_data_downloads_as_json_with_my_appeals(client, make_appeal, owner):
    appeal = make_appeal(citizen=owner)
    client.force_login(owner)
    response = client.get("/cabinet/my-data.json")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["phone"] == owner.phone
    assert [a["number"] for a in data["appeals"]] == [appeal.number]
    assert data["appeals"][0]["timeline"][0]["event"] == "registered"


def test_deleting_the_account_keeps_the_appeals_detached_for_good(client, make_appeal, owner):
    appeal = make_appeal(citizen=owner)
    client.force_login(owner)
    assert client.post("/cabinet/delete/", {"password": "wrong"}).status_code == 200
    assert User.objects.filter(pk=owner.pk).exists()

    assert client.post("/cabinet/delete/", {"password": PASSWORD})["Location"] == "/"

    assert not User.objects.filter(pk=owner.pk).exists()
    appeal.refresh_from_db()
    assert appeal.citizen is None and appeal.citizen_detached_at is not None
    assert appeal.contact_phone == "+77011112233"  # the law keeps the appeal as it was filed
    # Whoever holds the number next does not inherit the appeals.
    newcomer = sign_up(phone="+77011112233", password=PASSWORD, full_name="Новый владелец номера", language="ru")
    assert not newcomer.appeals.exists()


def test_the_empty_action_forms_are_in_the_page_language(client, make_appeal, owner, specialist):
    appeal = answered(make_appeal, specialist, citizen=owner)
    client.force_login(owner)
    assert "Ваша оценка ответа" in client.get(f"/cabinet/appeals/{appeal.public_id}/").text
    kazakh = client.get(f"/kk/cabinet/appeals/{appeal.public_id}/").text
    assert "Жауапқа бағаңыз" in kazakh and "Ваша оценка ответа" not in kazakh
