"""Guide search in PostgreSQL only.

Indexing (reindex): stored, GIN-indexed tsvectors weighted A title, B synonyms, C summary, D the rest, built
with three configurations created by migration 0002:
- `russian_folded`: ё→е and Kazakh letters folded, then the Russian snowball stemmer;
- `kazakh`: Hunspell-kk (Debian's hunspell-kk, as an ispell dictionary) for Kazakh word forms, else exact;
- `kazakh_folded`: Kazakh letters folded to the Russian-keyboard substitutes people type (қ→к, ә→а, і→и…).
`search_head` holds only title, synonyms and summary: ranking reads it instead of the whole vector (ranking
a large TOASTed vector is the trap at 100 000 guides, notes §1.1). `search_words` holds the folded title
and synonyms for trigram similarity: typos and half-typed words.

Querying (search): every word as a prefix (partial words), in the three configurations; all words must
match, or failing that the closest trigram neighbours; one ranking; snippets only for the page shown.
"""

import re
from dataclasses import dataclass

from django.db import connection

from life_situations.models import LifeSituation

# Latin look-alikes typed inside Cyrillic words, and wrong code points for Kazakh letters (languages.md §1).
HOMOGLYPHS = str.maketrans({"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і",
                            "h": "һ", "ə": "ә", "Ə": "ә", "ӊ": "ң", "ɵ": "ө"})  # fmt: skip
FOLD = str.maketrans("әғқңөұүһіё", "агкноуухие")  # as search_data/kk_fold.rules does in PostgreSQL
WORD = re.compile(r"\w+", re.UNICODE)
STOP = {"и", "в", "на", "по", "для", "как", "с", "о", "об", "к", "у", "не", "что", "мне", "мой", "моя", "я",
        "где", "нужно", "надо", "хочу", "және", "мен", "үшін", "туралы", "қалай", "керек"}  # fmt: skip


def normalize(query: str) -> list[str]:
    """Words of a query as people type them: lower case, homoglyphs fixed inside Cyrillic words."""
    words = []
    for word in WORD.findall(query.lower().replace("ё", "е")):
        if re.search(r"[а-яәғқңөұүһі]", word):
            word = word.translate(HOMOGLYPHS)
        if word not in STOP and len(word) > 1:
            words.append(word)
    return words[:8]


def fold(text: str) -> str:
    return text.lower().translate(FOLD)


REINDEX_SQL = """
WITH body AS (
    SELECT g.id,
           concat_ws(' ', g.audience_ru, g.where_ru, g.result_ru, g.cost_ru,
                     (SELECT string_agg(text_ru, ' ') FROM life_situations_step s WHERE s.guide_id = g.id),
                     (SELECT string_agg(text_ru, ' ') FROM life_situations_document d WHERE d.guide_id = g.id)) AS ru,
           concat_ws(' ', g.audience_kk, g.where_kk, g.result_kk, g.cost_kk,
                     (SELECT string_agg(text_kk, ' ') FROM life_situations_step s WHERE s.guide_id = g.id),
                     (SELECT string_agg(text_kk, ' ') FROM life_situations_document d WHERE d.guide_id = g.id)) AS kk
    FROM life_situations_lifesituation g
    WHERE %(all)s OR g.id = ANY(%(ids)s)
), head AS (
    SELECT g.id,
           setweight(to_tsvector('russian_folded', g.title_ru), 'A')
        || setweight(to_tsvector('kazakh', g.title_kk), 'A')
        || setweight(to_tsvector('kazakh_folded', g.title_kk), 'A')
        || setweight(to_tsvector('russian_folded', array_to_string(g.synonyms_ru, ' ')), 'B')
        || setweight(to_tsvector('kazakh', array_to_string(g.synonyms_kk, ' ')), 'B')
        || setweight(to_tsvector('kazakh_folded', array_to_string(g.synonyms_kk || g.synonyms_ru, ' ')), 'B')
        || setweight(to_tsvector('russian_folded', g.summary_ru), 'C')
        || setweight(to_tsvector('kazakh', g.summary_kk), 'C')
        || setweight(to_tsvector('kazakh_folded', g.summary_kk), 'C') AS vector
    FROM life_situations_lifesituation g
    WHERE %(all)s OR g.id = ANY(%(ids)s)
)
UPDATE life_situations_lifesituation g
SET search_head = head.vector,
    search_vector = head.vector
        || setweight(to_tsvector('russian_folded', body.ru), 'D')
        || setweight(to_tsvector('kazakh', body.kk), 'D')
        || setweight(to_tsvector('kazakh_folded', body.kk), 'D'),
    search_words = lower(unaccent('kk_fold', concat_ws(' ', g.title_ru, g.title_kk,
                                                        array_to_string(g.synonyms_ru || g.synonyms_kk, ' '))))
FROM head JOIN body USING (id)
WHERE g.id = head.id
"""


def reindex(ids: list[int] | None = None) -> int:
    """Rewrite the search columns of the given guides (all when None). Returns the number updated."""
    with connection.cursor() as cursor:
        cursor.execute(REINDEX_SQL, {"all": ids is None, "ids": ids or []})
        return cursor.rowcount


@dataclass
class Hit:
    guide: LifeSituation
    score: float
    snippet: str = ""


@dataclass
class Results:
    query: str
    hits: list[Hit]
    total: int
    facets: list[tuple[int, int]]  # (sphere id, guides found in it)
    page: int
    pages: int
    relaxed: bool  # no guide had every word: these have some of them

    @property
    def page_range(self) -> range:
        return range(1, self.pages + 1)


PAGE_SIZE = 10
TRIGRAM_THRESHOLD = 0.45

SEARCH_SQL = """
SELECT g.id, g.sphere_id,
       ts_rank_cd(g.search_head, q.query, 1) * 10 + ts_rank(g.search_vector, q.query)
         + word_similarity(q.words, g.search_words) AS score
FROM life_situations_lifesituation g, (SELECT {tsquery} AS query, %s::text AS words) q
WHERE g.is_published AND (g.search_vector @@ q.query OR q.words <%% g.search_words)
"""

SNIPPET_SQL = """
SELECT g.id, ts_headline(CASE WHEN %s = 'kk' THEN 'kazakh' ELSE 'russian_folded' END::regconfig,
                         CASE WHEN %s = 'kk' THEN g.summary_kk ELSE g.summary_ru END,
                         {tsquery}, 'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=12, MaxFragments=1')
FROM life_situations_lifesituation g WHERE g.id = ANY(%s)
"""


def _tsquery(words: list[str], operator: str) -> tuple[str, list]:
    """Every word as a prefix (`word:*`) in the three configurations, joined by && or ||."""
    term = "(to_tsquery('russian_folded', %s) || to_tsquery('kazakh', %s) || to_tsquery('kazakh_folded', %s))"
    args = [arg for word in words for arg in (f"{word}:*", f"{word}:*", f"{fold(word)}:*")]
    return f" {operator} ".join([term] * len(words)), args


def _matches(words: list[str], operator: str) -> list[tuple[int, int, float]]:
    tsquery, args = _tsquery(words, operator)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [str(TRIGRAM_THRESHOLD)])
        cursor.execute(SEARCH_SQL.format(tsquery=tsquery), [*args, fold(" ".join(words))])
        return cursor.fetchall()


def search(query: str, *, sphere_id: int | None = None, page: int = 1, language: str = "ru") -> Results:
    """Guides for a query as citizens type it; snippets only for the page shown."""
    words = normalize(query)
    if not words:
        return Results(query=query, hits=[], total=0, facets=[], page=1, pages=0, relaxed=False)
    rows, relaxed = _matches(words, "&&"), False
    if not rows and len(words) > 1:
        rows, relaxed = _matches(words, "||"), True
    facets: dict[int, int] = {}
    for _id, sphere, _score in rows:
        facets[sphere] = facets.get(sphere, 0) + 1
    if sphere_id is not None:
        rows = [row for row in rows if row[1] == sphere_id]
    rows.sort(key=lambda row: (-row[2], row[0]))
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    ids = [row[0] for row in shown]
    guides = LifeSituation.objects.select_related("sphere").in_bulk(ids)
    snippets = {}
    if ids:
        tsquery, args = _tsquery(words, "||")
        with connection.cursor() as cursor:
            cursor.execute(SNIPPET_SQL.format(tsquery=tsquery), [language, language, *args, ids])
            snippets = dict(cursor.fetchall())
    hits = [Hit(guide=guides[pk], score=score, snippet=snippets.get(pk, "")) for pk, _sphere, score in shown]
    return Results(query=query, hits=hits, total=len(rows), facets=sorted(facets.items(), key=lambda f: -f[1]),
                   page=page, pages=pages, relaxed=relaxed)  # fmt: skip
