import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_language_switch_moves_the_page_to_kazakh_and_back(live_server, page: Page):
    page.goto(live_server.url + "/guides/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")

    page.get_by_role("button", name="Қазақша").click()

    expect(page).to_have_url(re.compile(r"/kk/guides/$"))
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.get_by_role("navigation").first).to_contain_text("Өтініш беру")

    page.get_by_role("button", name="Русский").click()

    expect(page).to_have_url(re.compile(r"/guides/$"))
    assert "/kk/" not in page.url
    expect(page.locator("html")).to_have_attribute("lang", "ru")


def test_home_page_fits_a_phone_screen_and_keeps_the_search_reachable(live_server, page: Page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    search = page.get_by_role("search").get_by_role("searchbox").or_(page.get_by_role("search").get_by_role("textbox"))
    expect(search.first).to_be_visible()
    page.keyboard.press("Tab")  # the first Tab lands on the skip link
    expect(page.get_by_role("link", name=re.compile("содержани", re.IGNORECASE))).to_be_focused()
