"""The search-quality set: queries as citizens type them, each with the guide it must find in the top 3."""

from pathlib import Path

import pytest
import yaml

from life_situations.loader import load_guides
from life_situations.search import search

pytestmark = pytest.mark.django_db

QUERIES = yaml.safe_load((Path(__file__).parent / "search_queries.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def catalogue() -> None:
    assert load_guides().errors == []


def test_the_set_is_large_and_varied():
    kinds = {query["kind"] for query in QUERIES}
    assert len(QUERIES) >= 100
    assert {"typo", "colloquial", "kazakh", "kazakh_russian_letters", "partial"} <= kinds


def test_at_least_nine_in_ten_queries_find_their_guide_in_the_top_three(catalogue):
    misses = []
    for item in QUERIES:
        top = [hit.guide.slug for hit in search(item["query"]).hits[:3]]
        if item["expect"] not in top:
            misses.append(f"{item['kind']:<24} {item['query']!r} → {top} (expected {item['expect']})")
    share = 1 - len(misses) / len(QUERIES)
    print(f"top-3 share {share:.3f}; misses:\n" + "\n".join(misses))
    assert share >= 0.9, "\n".join(misses)


@pytest.mark.parametrize("kind", ["typo", "colloquial", "kazakh", "kazakh_russian_letters", "partial", "plain"])
def test_no_kind_of_query_is_left_behind(catalogue, kind):
    items = [item for item in QUERIES if item["kind"] == kind]
    found = sum(item["expect"] in [hit.guide.slug for hit in search(item["query"]).hits[:3]] for item in items)
    assert found / len(items) >= 0.8, f"{kind}: {found}/{len(items)}"
