"""A search never reads the text of every guide: the stored vectors and the vocabulary's indexes answer it."""

import pytest
from django.db import connection, transaction

from life_situations import search
from life_situations.loader import load_guides
from life_situations.models import LifeSituation, SearchWord, Sphere

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
        cursor.execute("""UPDATE life_situations_lifesituation
                          SET search_vector = to_tsvector('russian_folded', title_ru), search_head = search_vector
                          WHERE slug LIKE 'bulk-%'""")  # fmt: skip
        cursor.execute("ANALYZE life_situations_lifesituation")
    words = search.normalize("потерял права")
    crowded_sphere = Sphere.objects.order_by("pk").first().pk  # where the 20 000 rows went
    plans = []
    for sphere_id in (None, crowded_sphere):
        # Exactly what search() runs: its planner settings, then the statement with its parameters.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL random_page_cost = 1.1")  # SSD storage, as the private cluster is set
            queries = search._prepare(cursor, words)
            sql, params = search._statement(queries.strict, rank=queries.strict, sphere_id=sphere_id)
            cursor.execute("EXPLAIN " + sql, params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
            transaction.set_rollback(True)

    for plan in plans:
        assert "guide_search_gin" in plan, plan  # every full-text match, for the facets
        assert "guide_head_gin" in plan, plan  # the first tier: title, synonyms and summary
        assert "Seq Scan on life_situations_lifesituation" not in plan, plan


def test_a_typo_is_looked_up_in_the_vocabulary_by_its_indexes():
    assert load_guides().errors == []
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO life_situations_searchword (word) SELECT 'слово' || i FROM generate_series(1, 20000) i"
        )
        cursor.execute("ANALYZE life_situations_searchword")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(search.SETTINGS_SQL, [str(search.SIMILARITY)])
        params = {"words": ["удоставерение", "права"], "corrections": 3, "corrected_from": 4}
        cursor.execute(search.WORDS_SQL, params)
        corrections = {word: alternatives for word, alternatives, _partial in cursor.fetchall() if alternatives}
        cursor.execute("EXPLAIN " + search.WORDS_SQL, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)

    assert "удостоверение" in corrections["удоставерение"]
    assert "права" not in corrections  # a known word is left as it is
    assert "searchword_trgm" in plan, plan  # the neighbours, by trigrams
    assert "life_situations_searchword_pkey" in plan, plan  # "starts a known word", as an index range
    assert "Seq Scan" not in plan, plan


def test_warm_up_at_a_workers_start_runs_and_the_kazakh_dictionary_answers():
    search.warm_up()

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('kazakh', 'мектептерге')::text")
        assert "мектеп" in cursor.fetchone()[0]


def test_the_vocabulary_follows_the_titles_and_a_typo_of_a_new_word_finds_its_guide():
    assert load_guides().errors == []
    guide = LifeSituation.objects.get(slug="lost-driving-licence")
    guide.title_ru = "Регистрация квадрокоптера"
    guide.save()
    search.reindex([guide.pk])  # what admin does after an editor's change

    assert SearchWord.objects.filter(word="квадрокоптера").exists()
    assert [hit.guide.slug for hit in search.search("квадракоптер").hits][:1] == ["lost-driving-licence"]

    guide.title_ru = "Утеря водительского удостоверения"
    guide.save()
    search.reindex()  # a full re-index drops the words no guide has
    assert not SearchWord.objects.filter(word="квадрокоптера").exists()
    assert SearchWord.objects.filter(word="удостоверения").exists()
