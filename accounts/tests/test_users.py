import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.phone import format_phone, normalize_phone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "raw", ["+7 701 234 56 78", "8 (701) 234-56-78", "87012345678", "7012345678", "+7-701-234-5678"]
)
def test_phone_numbers_as_people_type_them_become_e164(raw):
    assert normalize_phone(raw) == "+77012345678"


@pytest.mark.parametrize("raw", ["", "12345", "+7 495 123 45 67", "+44 20 7946 0958", "8 701 234 56"])
def test_numbers_that_are_not_kazakh_are_refused_with_a_message(raw):
    with pytest.raises(ValidationError) as exc:
        normalize_phone(raw)
    assert "+7 701 234 56 78" in exc.value.messages[0]


def test_phone_is_displayed_grouped():
    assert format_phone("+77012345678") == "+7 701 234 56 78"


def test_a_user_signs_in_by_phone_in_any_form_or_by_email_in_any_case():
    user = User.objects.create_user(phone="8 701 234 56 78", email="Aigerim@Example.kz", password="long-secret-1")

    assert user.phone == "+77012345678"
    assert user.email == "aigerim@example.kz"
    assert authenticate(username="+7 701 234 56 78", password="long-secret-1") == user
    assert authenticate(username="87012345678", password="long-secret-1") == user
    assert authenticate(username="AIGERIM@example.KZ", password="long-secret-1") == user
    assert authenticate(username="87012345678", password="wrong") is None
    assert authenticate(username="87019999999", password="long-secret-1") is None


def test_a_citizen_created_at_the_desk_has_no_usable_password():
    user = User.objects.create_user(phone="+77012345679")

    assert not user.has_usable_password()
    assert authenticate(username="+77012345679", password="") is None


def test_the_database_refuses_a_second_account_with_the_same_email_in_another_case():
    User.objects.create_user(email="clerk@open-almaty.kz")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="CLERK@open-almaty.kz")])


def test_the_database_refuses_a_user_with_neither_phone_nor_email():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(full_name="Nobody")])


def test_the_database_refuses_a_phone_that_is_not_e164():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(phone="87012345678")])


def test_login_page_signs_in_by_phone_and_lands_in_the_cabinet(client):
    User.objects.create_user(phone="+77012345678", password="long-secret-1")

    response = client.post("/accounts/login/", {"username": "8 701 234 56 78", "password": "long-secret-1"})

    assert response.status_code == 302
    assert response["Location"] == "/cabinet/"
    assert client.get("/cabinet/").status_code == 200


def test_wrong_password_keeps_the_login_and_explains(client):
    User.objects.create_user(phone="+77012345678", password="long-secret-1")

    response = client.post("/accounts/login/", {"username": "8 701 234 56 78", "password": "nope"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "8 701 234 56 78" in html
    assert "Неверный номер телефона" in html


def test_staff_sign_in_to_the_admin_with_email(client):
    User.objects.create_superuser(email="head@open-almaty.kz", password="long-secret-1")

    response = client.post(
        "/admin/login/?next=/admin/", {"username": "head@open-almaty.kz", "password": "long-secret-1"}
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
