"""Paging through a broad query: a bounded set of candidates, ranked once, shown page after page."""

import pytest

from life_situations.loader import load_guides
from life_situations.search import PAGE_SIZE, search

pytestmark = pytest.mark.django_db


def test_paging_neither_repeats_nor_skips_a_guide():
    assert load_guides().errors == []
    first = search("права")
    assert first.pages > 5

    pages = [[hit.guide.slug for hit in search("права", page=page).hits] for page in range(1, first.pages + 1)]

    shown = [slug for page in pages for slug in page]
    assert len(shown) == len(set(shown))
    assert all(len(page) == PAGE_SIZE for page in pages[:-1]) and pages[-1]
    assert pages[0] == [hit.guide.slug for hit in first.hits]
    assert first.total >= len(shown)  # the facets count every match; the pages stop at the candidates
