import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from life_situations.loader import load_guides
from life_situations.models import LifeSituation, SearchGap
from life_situations.services import counters_flush

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue() -> None:
    assert load_guides().errors == []


def test_catalogue_lists_spheres_with_counts(client, catalogue):
    html = client.get("/guides/").content.decode()

    assert "Семья и дети" in html
    assert "/guides/sphere/family-children/" in html


def test_guide_page_shows_steps_documents_and_the_ask_link_in_kazakh(client, catalogue):
    guide = LifeSituation.objects.get(slug="lost-driving-licence")

    html = client.get("/kk/guides/lost-driving-licence/").content.decode()

    assert guide.title_kk in html
    assert guide.steps.first().text_kk in html
    assert "/kk/appeals/ask/?guide=lost-driving-licence" in html


def test_search_finds_colloquial_words_and_counts_what_was_not_found(client, catalogue):
    html = client.get("/guides/search/", {"q": "потерял права"}).content.decode()
    assert "/guides/lost-driving-licence/" in html

    html = client.get("/guides/search/", {"q": "квантовый телепорт"}).content.decode()
    assert "/appeals/ask/?q=%D0%BA%D0%B2%D0%B0%D0%BD%D1%82%D0%BE%D0%B2%D1%8B%D0%B9" in html
    counters_flush()
    gap = SearchGap.objects.get(query="квантовый телепорт")
    assert gap.no_result == 1 and gap.searches == 1


def test_filtering_by_sphere_keeps_only_that_sphere(client, catalogue):
    sphere_id = LifeSituation.objects.get(slug="kindergarten-queue").sphere_id

    response = client.get("/guides/search/", {"q": "очередь", "sphere": sphere_id})

    slugs = [hit.guide.slug for hit in response.context["results"].hits]
    assert slugs and all(LifeSituation.objects.get(slug=s).sphere_id == sphere_id for s in slugs)


def test_suggestions_while_typing_are_json(client, catalogue):
    data = client.get("/guides/suggest/", {"q": "садик очередь"}).json()

    assert data["guides"][0]["slug"] == "kindergarten-queue"


def test_helpful_vote_is_counted(client, catalogue):
    client.post("/guides/lost-driving-licence/feedback/", {"helpful": "yes"})

    assert LifeSituation.objects.get(slug="lost-driving-licence").helpful_yes == 1


def test_the_search_page_makes_as_many_queries_for_ten_hits_as_for_one(client, catalogue):
    def queries(query: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/guides/search/", {"q": query})
        return len(captured), len(response.context["results"].hits)

    few, one = queries("апостиль")
    many, ten = queries("справка")

    assert one < ten == 10
    assert many == few


def test_a_result_opened_from_the_search_is_counted_for_the_editors(client, catalogue):
    client.get("/guides/search/", {"q": "потерял права"})

    client.get("/guides/lost-driving-licence/", {"from": "search", "q": "Потерял  права"})

    counters_flush()
    gap = SearchGap.objects.get(query="потерял права", language="ru")
    assert (gap.searches, gap.no_result, gap.opened) == (1, 0, 1)
