"""A search never reads the text of every guide: the stored vectors and the trigram index answer it."""

import pytest
from django.db import connection

from life_situations.loader import load_guides
from life_situations.search import SEARCH_SQL, _tsquery, fold, normalize

pytestmark = pytest.mark.django_db


def test_the_query_plan_uses_the_indexes_not_a_scan_of_every_guide():
    assert load_guides().errors == []
    with connection.cursor() as cursor:
        # Make the table look as big as the real catalogue will be, so the planner chooses as it would there.
        cursor.execute("""
            INSERT INTO life_situations_lifesituation (slug, sphere_id, title_ru, title_kk, summary_ru, summary_kk,
                audience_ru, audience_kk, channels, where_ru, where_kk, cost_ru, cost_kk, processing_time_ru,
                processing_time_kk, result_ru, result_kk, legal_basis_ru, legal_basis_kk, authority_ru,
                authority_kk, department_code, synonyms_ru, synonyms_kk, updated, is_published, helpful_yes,
                helpful_no, views, opened_from_appeal_form, search_words)
            SELECT 'bulk-' || i, sphere_id, 'Справка номер ' || i, 'Анықтама ' || i, 'Текст', 'Мәтін', '', '',
                '{}', '', '', '', '', '', '', '', '', '', '', '', '', '', '{}', '{}', now(), true, 0, 0, 0, 0,
                'справка ' || md5(i::text)
            FROM generate_series(1, 20000) i, (SELECT min(id) AS sphere_id FROM life_situations_sphere) s
        """)  # fmt: skip
        cursor.execute("SELECT count(*) FROM life_situations_lifesituation")
        cursor.execute("""UPDATE life_situations_lifesituation
                          SET search_vector = to_tsvector('russian_folded', title_ru), search_head = search_vector
                          WHERE slug LIKE 'bulk-%'""")  # fmt: skip
        cursor.execute("ANALYZE life_situations_lifesituation")
        # The planner's cost of a random read on SSD storage (the private cluster is set so as well).
        cursor.execute("SET LOCAL random_page_cost = 1.1")
        words = normalize("потерял права")
        tsquery, args = _tsquery(words, "&&")
        cursor.execute("EXPLAIN " + SEARCH_SQL.format(tsquery=tsquery), [*args, fold(" ".join(words))])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "guide_search_gin" in plan, plan
    assert "guide_words_trgm" in plan, plan
    assert "Seq Scan on life_situations_lifesituation" not in plan, plan
