"""Sign-up by SMS, lock-out, password reset, the profile and the IIN: over HTTP, as a person uses them."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.iin import mask_iin, normalize_iin
from accounts.models import PhoneConfirmation, User
from accounts.services import LOCKOUT_AFTER, confirm_iin, sign_up

pytestmark = pytest.mark.django_db
PASSWORD = "Жаңа-құпия-сөз-2026"


@pytest.mark.parametrize(
    "iin", ["900101300007", "850715401236", "000229500018", "051213600425", "900101300811", "9001 0130 0007"]
)
def test_valid_iins_pass_the_check_digit(iin):
    assert normalize_iin(iin) == iin.replace(" ", "")


@pytest.mark.parametrize(
    "iin", ["900101300008", "850715401237", "900101030007", "90010130000", "9001013000070", "90O101300005",
            "900101300800"],
)  # fmt: skip
def test_invalid_iins_are_refused_with_a_message(iin):
    with pytest.raises(ValidationError, match="ИИН"):
        normalize_iin(iin)


def test_an_iin_is_shown_masked():
    assert mask_iin("900101300007") == "9001******07"


def sms_code(sms_outbox) -> str:
    return re.search(r"\b(\d{6})\b", sms_outbox()[-1]["text"]).group(1)


def sign_up_over_http(client, sms_outbox, phone="+7 701 777 88 99", name="Дана Ержанова"):
    response = client.post("/accounts/signup/", {"step": "send", "phone": phone})
    assert response.status_code == 302
    response = client.post("/accounts/signup/", {"step": "check", "code": sms_code(sms_outbox)})
    assert response["Location"] == "/accounts/signup/details/"
    return client.post("/accounts/signup/details/", {"full_name": name, "email": "", "language": "kk",
                                                     "password1": PASSWORD, "password2": PASSWORD})  # fmt: skip


def test_sign_up_proves_the_phone_by_sms_and_signs_in(client, sms_outbox):
    response = sign_up_over_http(client, sms_outbox)
    assert response.status_code == 302 and response["Location"] == "/cabinet/"
    user = User.objects.get(phone="+77017778899")
    assert user.full_name == "Дана Ержанова" and user.language == "kk"
    assert user.phone_verified_at is not None and user.check_password(PASSWORD)
    assert client.get("/cabinet/").status_code == 200
    # The code is stored hashed, never in clear.
    code = re.search(r"\b(\d{6})\b", sms_outbox()[0]["text"]).group(1)
    assert not PhoneConfirmation.objects.filter(code_hash__contains=code).exists()


def test_the_details_step_cannot_be_reached_without_the_code(client, sms_outbox):
    client.post("/accounts/signup/", {"step": "send", "phone": "+77017778899"})
    client.post("/accounts/signup/", {"step": "check", "code": "000000"})
    response = client.post("/accounts/signup/details/", {"full_name": "X", "language": "ru", "password1": PASSWORD,
                                                         "password2": PASSWORD})  # fmt: skip
    assert response["Location"] == "/accounts/signup/"
    assert not User.objects.filter(phone="+77017778899").exists()


def test_a_wrong_code_says_how_many_attempts_are_left(client, sms_outbox):
    client.post("/accounts/signup/", {"step": "send", "phone": "+77017778899"})
    response = client.post("/accounts/signup/", {"step": "check", "code": "000000"})
    assert "Осталось попыток: 4" in response.text or "Неверный код" in response.text


def test_an_expired_code_is_refused_and_a_new_one_can_be_asked_for(client, sms_outbox):
    client.post("/accounts/signup/", {"step": "send", "phone": "+77017778899"})
    code = sms_code(sms_outbox)
    PhoneConfirmation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post("/accounts/signup/", {"step": "check", "code": code})
    assert response.status_code == 200
    assert "Срок действия кода истёк" in response.text
    assert client.get("/accounts/signup/details/")["Location"] == "/accounts/signup/"


def test_a_weak_password_or_a_mismatch_is_explained_and_the_name_kept(client, sms_outbox):
    client.post("/accounts/signup/", {"step": "send", "phone": "+77017778899"})
    client.post("/accounts/signup/", {"step": "check", "code": sms_code(sms_outbox)})
    response = client.post("/accounts/signup/details/", {"full_name": "Дана Ержанова", "language": "ru",
                                                         "password1": "12345", "password2": "12345"})  # fmt: skip
    assert response.status_code == 200
    assert "Дана Ержанова" in response.text  # nothing typed is lost
    assert "слишком короткий" in response.text.lower() or "short" in response.text.lower()
    assert not User.objects.filter(phone="+77017778899").exists()


def test_sign_up_claims_the_account_a_clerk_created_without_a_password():
    desk = User.objects.create_user(phone="+77017778899", full_name="Ержанова Д.")
    user = sign_up(phone="87017778899", password=PASSWORD, full_name="", language="ru")
    assert user.pk == desk.pk and user.full_name == "Ержанова Д." and user.check_password(PASSWORD)


def test_sign_up_refuses_a_phone_whose_account_can_already_sign_in():
    User.objects.create_user(phone="+77017778899", password=PASSWORD)
    with pytest.raises(ValidationError, match="уже есть"):
        sign_up(phone="+77017778899", password=PASSWORD, full_name="Кто-то", language="ru")


def login(client, password):
    return client.post("/accounts/login/", {"username": "+7 701 777 88 99", "password": password})


def test_repeated_wrong_passwords_lock_the_account_and_an_sms_reset_lifts_it(client, sms_outbox):
    User.objects.create_user(phone="+77017778899", password=PASSWORD, phone_verified_at=timezone.now())
    for _ in range(LOCKOUT_AFTER - 1):
        assert "неверн" in login(client, "wrong-password-1").text.lower()
    response = login(client, "wrong-password-1")
    assert "Слишком много неверных паролей" in response.text
    # Locked: even the right password does not open it now.
    response = login(client, PASSWORD)
    assert response.status_code == 200 and "Слишком много неверных паролей" in response.text
    assert "_auth_user_id" not in client.session

    client.post("/accounts/password-reset/", {"step": "send", "phone": "87017778899"})
    response = client.post("/accounts/password-reset/", {"step": "check", "code": sms_code(sms_outbox)})
    assert response["Location"] == "/accounts/password-reset/new/"
    new = "Другой-пароль-2027"
    response = client.post("/accounts/password-reset/new/", {"password1": new, "password2": new})
    assert response["Location"] == "/cabinet/"
    client.logout()
    assert login(client, new)["Location"] == "/cabinet/"


def test_the_lock_opens_by_itself_after_a_while(client):
    user = User.objects.create_user(phone="+77017778899", password=PASSWORD)
    for _ in range(LOCKOUT_AFTER):
        login(client, "wrong-password-1")
    user.refresh_from_db()
    assert user.locked_until > timezone.now()
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert login(client, PASSWORD)["Location"] == "/cabinet/"


def test_password_reset_by_email_sends_a_working_link(client, mailoutbox):
    User.objects.create_user(phone="+77017778899", email="dana@example.kz", password=PASSWORD)
    response = client.post("/accounts/password-reset/email/", {"email": "DANA@example.kz"})
    assert response["Location"] == "/accounts/password-reset/email/sent/"
    link = re.search(r"https?://[^/]+(/\S+)", mailoutbox[0].body).group(1)
    response = client.get(link, follow=True)
    new = "Другой-пароль-2027"
    response = client.post(response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response["Location"] == "/accounts/login/"
    assert User.objects.get(phone="+77017778899").check_password(new)


def test_the_profile_saves_details_and_refuses_a_wrong_iin(client):
    user = User.objects.create_user(phone="+77017778899", password=PASSWORD)
    client.force_login(user)
    data = {"full_name": "Дана Ержанова", "email": "dana@example.kz", "iin": "900101300008", "language": "kk",
            "notify_by_sms": "on"}  # fmt: skip
    response = client.post("/accounts/profile/", data)
    assert response.status_code == 200 and "ИИН" in response.text
    assert "Дана Ержанова" in response.text  # what was typed stays in the form
    response = client.post("/accounts/profile/", {**data, "iin": "9001 0130 0007"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.iin, user.iin_verified_at, user.language, user.notify_by_email) == ("900101300007", None, "kk", False)


def test_the_profile_keeps_at_least_one_way_to_reach_the_citizen(client):
    user = User.objects.create_user(phone="+77017778899", password=PASSWORD)
    client.force_login(user)
    response = client.post("/accounts/profile/", {"full_name": "Дана", "email": "", "iin": "", "language": "ru"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.notify_by_sms


def test_a_checked_iin_belongs_to_one_account_only_and_changing_it_unchecks_it():
    first = User.objects.create_user(phone="+77017778899")
    second = User.objects.create_user(phone="+77017778800")
    confirm_iin(user=first, iin="900101300007", checked_by=None)
    with pytest.raises(ValidationError):
        confirm_iin(user=second, iin="900101300007", checked_by=None)
    second.iin = "900101300007"  # typed, unchecked: allowed, it proves nothing
    second.save()
