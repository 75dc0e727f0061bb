"""Guide search and guide pages at 700 and at 100 000 guides, beside a naive `icontains` search.

The real guides are multiplied (copies with their own slugs) to reach the sizes; every copy is re-indexed
by the same code the portal uses. Keys: search.page_700, search.page_100k_typical, search.page_100k_worst,
search.reindex_700, guide.page.
"""

import statistics
import time
from pathlib import Path
from urllib.parse import quote

import yaml

from bench.harness import gunicorn, machine, now, percentiles, server_time_ms

QUERIES = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "life_situations/tests/search_queries.yaml").read_text()
)
TYPICAL = [item["query"] for item in QUERIES][:120]
WORST = ["справка", "получить", "документ", "заявление"]  # words in nearly every guide


def _multiply(total: int) -> None:
    """Copies of the real guides until the catalogue holds `total` guides."""
    from django.db import connection

    from life_situations.models import LifeSituation

    have = LifeSituation.objects.count()
    if have >= total:
        return
    # Copies are made of the real guides only, so as many rounds as the real guides need to fill the gap
    # (counting the copies already there made 22 722 guides of "100 000").
    originals = LifeSituation.objects.exclude(slug__startswith="copy-").count()
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO life_situations_lifesituation (slug, sphere_id, title_ru, title_kk, summary_ru, summary_kk,
                   audience_ru, audience_kk, channels, where_ru, where_kk, cost_ru, cost_kk, processing_time_ru,
                   processing_time_kk, result_ru, result_kk, legal_basis_ru, legal_basis_kk, authority_ru, authority_kk,
                   department_code, synonyms_ru, synonyms_kk, updated, is_published, helpful_yes, helpful_no, views,
                   opened_from_appeal_form, search_words)
               SELECT 'copy-' || %s || '-' || n || '-' || g.slug, g.sphere_id, g.title_ru || ' (' || n || ')',
                   g.title_kk, g.summary_ru,
                   g.summary_kk, g.audience_ru, g.audience_kk, g.channels, g.where_ru, g.where_kk, g.cost_ru, g.cost_kk,
                   g.processing_time_ru, g.processing_time_kk, g.result_ru, g.result_kk, g.legal_basis_ru,
                   g.legal_basis_kk, g.authority_ru, g.authority_kk, g.department_code, g.synonyms_ru, g.synonyms_kk,
                   g.updated, true, 0, 0, 0, 0, ''
               FROM (SELECT * FROM life_situations_lifesituation WHERE slug NOT LIKE 'copy-%%') g,
                    generate_series(1, %s) n
               ORDER BY n, g.id LIMIT %s""",
            [total, (total - have) // max(originals, 1) + 1, total - have],
        )
        cursor.execute(
            """INSERT INTO life_situations_step (guide_id, "order", text_ru, text_kk)
               SELECT c.id, s."order", s.text_ru, s.text_kk FROM life_situations_lifesituation c
               JOIN life_situations_lifesituation o ON o.slug = regexp_replace(c.slug, '^copy-[0-9]+-[0-9]+-', '')
               JOIN life_situations_step s ON s.guide_id = o.id
               WHERE c.slug LIKE 'copy-%%'
                 AND NOT EXISTS (SELECT 1 FROM life_situations_step x WHERE x.guide_id = c.id)"""
        )


def _time(function, samples: int = 1) -> float:
    started = time.perf_counter()
    for _ in range(samples):
        function()
    return (time.perf_counter() - started) * 1000 / samples


def _naive(query: str) -> list:
    from django.db.models import Q

    from life_situations.models import LifeSituation

    condition = Q()
    for field in ("title_ru", "title_kk", "summary_ru", "summary_kk", "where_ru", "result_ru"):
        condition |= Q(**{f"{field}__icontains": query})
    return list(LifeSituation.objects.filter(condition)[:10])


def _compare(queries: list[str], label: str, data: str, target: str, what: str) -> dict:
    from life_situations.search import search

    for query in queries[:10]:
        search(query)
    ours = [_time(lambda q=query: search(q)) for query in queries]
    naive = [_time(lambda q=query: _naive(q)) for query in queries]
    return {
        **percentiles(ours), "unit": "ms", "what": what, "baseline": "naive icontains over six text fields",
        "baseline_p95": percentiles(naive)["p95"], "baseline_p50": round(statistics.median(naive), 2),
        "target": target, "measured_at": now(), "machine": machine(), "data": data,
    }  # fmt: skip


def run(database_url: str) -> dict[str, dict]:
    from django.db import connection

    from life_situations.loader import load_guides
    from life_situations.models import LifeSituation
    from life_situations.search import reindex

    with connection.cursor() as cursor:
        # The copies' steps first: the foreign key has no ON DELETE CASCADE (Django cascades in Python), so
        # a second run on the same database failed here.
        cursor.execute("""
            WITH copies AS (SELECT id FROM life_situations_lifesituation WHERE slug LIKE 'copy-%'),
            steps AS (DELETE FROM life_situations_step WHERE guide_id IN (SELECT id FROM copies)),
            documents AS (DELETE FROM life_situations_document WHERE guide_id IN (SELECT id FROM copies))
            DELETE FROM life_situations_lifesituation_related
            WHERE from_lifesituation_id IN (SELECT id FROM copies) OR to_lifesituation_id IN (SELECT id FROM copies)
        """)  # fmt: skip
        cursor.execute("DELETE FROM life_situations_lifesituation WHERE slug LIKE 'copy-%'")
        # A previous run's 100 000 guides leave the table and its GIN indexes hundreds of MB large; plain
        # VACUUM does not shrink them, and the 700-guide figures then measured the bloat (3× slower).
        # Rewriting them gives every run the compact table the first run had.
        cursor.execute("VACUUM FULL life_situations_lifesituation")
    assert not load_guides().errors
    results = {}
    _multiply(700)
    started = time.perf_counter()
    reindex()
    results["search.reindex_700"] = {
        "value": round(time.perf_counter() - started, 2), "unit": "s", "what": "re-index every guide",
        "target": "≤ 2 s", "measured_at": now(), "machine": machine(),
        "data": f"{LifeSituation.objects.count()} guides",
    }  # fmt: skip
    data = f"{LifeSituation.objects.count()} guides (154 real, multiplied)"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE life_situations_lifesituation")
    with gunicorn(database_url) as base:
        for query in TYPICAL[:20]:
            server_time_ms(f"{base}/guides/search/?q={quote(query)}")
        pages = [server_time_ms(f"{base}/guides/search/?q={quote(query)}") for query in TYPICAL * 4]
        guides = [server_time_ms(f"{base}/guides/lost-driving-licence/") for _ in range(500)]
    naive = _compare(TYPICAL, "700", data, "p95 ≤ 20 ms", "search function only")
    results["search.page_700"] = {
        **percentiles(pages), "unit": "ms", "target": "p95 ≤ 20 ms", "measured_at": now(), "machine": machine(),
        "data": data, "what": "search results page over HTTP (ranking, facets, snippets, template), server time",
        "baseline": naive["baseline"], "baseline_p95": naive["baseline_p95"],
        "note": f"the search function alone: p50 {naive['p50']} / p95 {naive['p95']} ms; the naive icontains "
        f"query: p50 {naive['baseline_p50']} / p95 {naive['baseline_p95']} ms (it finds far less: no stemming, "
        "no Kazakh, no typos)",
    }  # fmt: skip
    results["guide.page"] = {
        **percentiles(guides), "unit": "ms", "target": "p95 ≤ 15 ms", "what": "one guide's page, server time",
        "measured_at": now(), "machine": machine(), "data": data,
    }  # fmt: skip
    _multiply(100_000)
    started = time.perf_counter()
    reindex()
    reindex_100k = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE life_situations_lifesituation")
    data = f"{LifeSituation.objects.count()} guides (154 real, multiplied)"
    results["search.page_100k_typical"] = _compare(
        TYPICAL, "100k", data, "p95 ≤ 30 ms", "search (ranking, facets, snippets), typical queries, in-process"
    )
    results["search.page_100k_typical"]["note"] = f"re-indexing 100 000 guides took {reindex_100k:.0f} s"
    results["search.page_100k_worst"] = _compare(
        WORST * 5, "100k", data, "p95 ≤ 150 ms", "search, a word present in nearly every guide, in-process"
    )
    return results
