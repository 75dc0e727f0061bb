"""Writes of the catalogue: search gaps and "was this helpful?"."""

from django.db import connection
from django.db.models import F

from life_situations.models import LifeSituation, SearchGap

GAP_SQL = """
INSERT INTO life_situations_searchgap (query, language, searches, no_result, opened, last_seen)
VALUES (%s, %s, 1, %s, 0, now())
ON CONFLICT (query, language) DO UPDATE
SET searches = life_situations_searchgap.searches + 1,
    no_result = life_situations_searchgap.no_result + EXCLUDED.no_result,
    last_seen = now()
"""


def search_gap_record(*, query: str, language: str, found: int) -> None:
    """Count a search; editors see the most-asked queries that found nothing or were never opened."""
    query = " ".join(query.lower().split())[:200]
    if len(query) < 3:
        return
    with connection.cursor() as cursor:
        cursor.execute(GAP_SQL, [query, language, 1 if found == 0 else 0])


def search_gap_opened(*, query: str, language: str) -> None:
    query = " ".join(query.lower().split())[:200]
    SearchGap.objects.filter(query=query, language=language).update(opened=F("opened") + 1)


def guide_feedback(*, guide: LifeSituation, helpful: bool) -> None:
    field = "helpful_yes" if helpful else "helpful_no"
    LifeSituation.objects.filter(pk=guide.pk).update(**{field: F(field) + 1})
