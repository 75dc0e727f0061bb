import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "lang", "expected"),
    [
        ("/", "ru", "Подать обращение"),
        ("/kk/", "kk", "Өтініш беру"),
        ("/en/", "en", "File an appeal"),
    ],
)
def test_home_page_renders_in_each_language(client, path, lang, expected):
    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    assert expected in html
    assert 'role="search"' in html
    assert 'href="tel:109"' in html


def test_home_page_links_to_the_main_sections(client):
    html = client.get("/").content.decode()

    for name in ("life_situations:catalogue", "appeals:create", "appeals:track", "accounts:login"):
        with translation.override("ru"):
            assert f'href="{reverse(name)}"' in html, name


def test_pages_load_nothing_from_other_hosts_and_send_a_csp(client):
    response = client.get("/")

    html = response.content.decode()
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "Server-Timing" in response


def test_every_section_in_the_navigation_answers(client):
    for path in ("/guides/", "/appeals/new/phone/", "/track/", "/accounts/login/", "/kk/guides/", "/en/track/"):
        assert client.get(path).status_code == 200, path
    # a visitor who is not signed in first confirms the phone
    assert client.get("/appeals/new/")["Location"] == "/appeals/new/phone/"


def test_cabinet_asks_a_stranger_to_sign_in(client):
    response = client.get("/cabinet/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unknown_page_is_a_translated_404(client):
    response = client.get("/kk/no-such-page/")

    assert response.status_code == 404
    assert '<html lang="kk"' in response.content.decode()
