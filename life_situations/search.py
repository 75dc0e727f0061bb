"""Guide search in PostgreSQL only.

Indexing (reindex): stored, GIN-indexed tsvectors weighted A title, B synonyms, C summary, D the rest, built
with three configurations created by migration 0002:
- `russian_folded`: ё→е and Kazakh letters folded, then the Russian snowball stemmer;
- `kazakh`: Hunspell-kk (Debian's hunspell-kk, as an ispell dictionary) for Kazakh word forms, else exact;
- `kazakh_folded`: Kazakh letters folded to the Russian-keyboard substitutes people type (қ→к, ә→а, і→и…).
`search_head` holds only title, synonyms and summary: ranking reads it instead of the whole vector (ranking
a large TOASTed vector is the trap at 100 000 guides, notes §1.1). `search_words` holds the folded title
and synonyms; their words make the vocabulary (SearchWord) that typos are corrected to.

Querying (search): every word whole, then as a prefix (partial words; a prefix reads every index entry it
starts, ten times slower), in the three configurations, Kazakh words also without stacked endings
(kazakh_stem), a word that starts no word of the vocabulary also as its closest vocabulary words by trigram
similarity (typos, notes §1.3: trigrams over a few thousand words, not over every guide); all words must
match, or failing that all but one, or any; one ranking; snippets only for the page shown. Every source
is read from its own index and bounded (SEARCH_SQL), and only a bounded set of candidates gets the full,
expensive score, so a search costs about the same at 700 and at 100 000 guides.
"""

import logging
import re
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction

from life_situations.models import LifeSituation

logger = logging.getLogger(__name__)

# Latin look-alikes typed inside Cyrillic words, and wrong code points for Kazakh letters (languages.md §1).
HOMOGLYPHS = str.maketrans({"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і",
                            "h": "һ", "ə": "ә", "Ə": "ә", "ӊ": "ң", "ɵ": "ө"})  # fmt: skip
FOLD = str.maketrans("әғқңөұүһіё", "агкноуухие")  # as search_data/kk_fold.rules does in PostgreSQL
WORD = re.compile(r"\w+", re.UNICODE)
# Words that carry no topic: the Russian ones are from PostgreSQL's snowball stop list (tsearch_data/russian.stop),
# which the Russian configuration drops anyway, but the Kazakh configurations would match them as prefixes
# of thousands of words ("до:*": доход, документ, дом…), reading most of the index at 100 000 guides.
STOP = {"и", "в", "во", "на", "по", "для", "как", "с", "со", "о", "об", "к", "у", "не", "что", "мне", "мой", "моя",
        "я", "где", "нужно", "надо", "хочу", "а", "но", "да", "же", "за", "бы", "от", "из", "до", "ли", "ни", "без",
        "под", "над", "при", "про", "через", "после", "перед", "между", "или", "если", "уже", "еще", "это", "этот",
        "эта", "эти", "то", "так", "там", "тут", "вот", "ну", "ведь", "его", "ее", "их", "он", "она", "они", "мы",
        "вы", "ты", "меня", "нас", "вас", "чтобы", "чем", "кто", "куда", "зачем", "можно", "быть", "есть", "был",
        "была", "были", "будет", "сам", "свой", "свою", "мои", "наш", "наша", "ваш",
        "және", "мен", "бен", "пен", "үшін", "туралы", "қалай", "керек", "де", "та", "те", "ма", "ме"}  # fmt: skip
# A word shorter than this is matched whole, not as the start of longer words.
PREFIX_FROM = 3


# Kazakh endings that stack (languages.md §5: stem + plural + possessive + case), longest first per layer.
# Hunspell-kk analyses single endings but not stacks such as «қалаларымызда» (қала+лар+ымыз+да), which the
# index keeps whole; the stem as one more prefix of the query word finds them.
KK_CASE = sorted(
    ["дағы", "дегі", "тағы", "тегі", "ндағы", "ндегі", "ның", "нің", "дың", "дің", "тың", "тің", "ға", "ге", "қа",
     "ке", "на", "не", "ны", "ні", "ды", "ді", "ты", "ті", "да", "де", "та", "те", "нда", "нде", "дан", "ден",
     "тан", "тен", "нан", "нен", "мен", "бен", "пен"],
    key=len, reverse=True,
)  # fmt: skip
KK_POSSESSIVE = sorted(
    ["ымыз", "іміз", "мыз", "міз", "ыңыз", "іңіз", "ңыз", "ңіз", "ым", "ім", "ың", "ің", "сы", "сі", "ы", "і"],
    key=len, reverse=True,
)  # fmt: skip
KK_PLURAL = ["лар", "лер", "дар", "дер", "тар", "тер"]
KK_KEEP = {"туралы", "және", "алматы", "абай", "астана"}  # words that only look inflected
KK_VOICED = str.maketrans("гғб", "кқп")  # мектебі → мектеп: a voiced final consonant before a vowel ending
KAZAKH_LETTER = re.compile(r"[әғқңөұүһі]")


def kazakh_stem(word: str) -> str:
    """A Kazakh word without its case, possessive and plural endings, at most one of each, keeping 3 letters.

    Endings typed with Russian substitutes (дагы for дағы) count too. A word in Russian letters may be Russian,
    which the Russian stemmer takes: it is stripped only when two or more endings stack, as Russian words do not.
    """
    if word in KK_KEEP:
        return word
    stem, stripped = word, 0
    for layer in (KK_CASE, KK_POSSESSIVE, KK_PLURAL):
        for suffix in layer:
            if (stem.endswith(suffix) or stem.endswith(fold(suffix))) and len(stem) - len(suffix) >= 3:
                stem, stripped = stem[: -len(suffix)], stripped + 1
                break
    if stripped == 0 or (stripped == 1 and not KAZAKH_LETTER.search(word)):
        return word
    return stem[:-1] + stem[-1].translate(KK_VOICED)


# Hunspell-kk is loaded into a database session by its first use of the `kazakh` configuration, ~100 ms
# (a cost per connection); the WHERE keeps this harmless before migration 0002 created it.
WARM_UP_SQL = "SELECT to_tsvector(c.oid::regconfig, 'мектептерге') FROM pg_ts_config c WHERE c.cfgname = 'kazakh'"


def warm_up() -> None:
    """Connect to the database and load the search dictionaries into the session (a web worker's start)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(WARM_UP_SQL)
    except DatabaseError as exc:  # the database is not there yet: the first search loads them instead
        logger.warning("search dictionaries not loaded at start (%s)", exc)


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

# The vocabulary typos are corrected to: the words of the titles and synonyms, folded. Only what changed is
# written (its trigram index is the costly part). After an editor's change only the guide's words are added;
# a word no guide has any more stays until the next full re-index, and a correction to it only adds an
# alternative that finds nothing.
VOCABULARY_SQL = """
WITH words AS (
    SELECT DISTINCT word
    FROM life_situations_lifesituation g, regexp_split_to_table(g.search_words, '[^[:alnum:]]+') word
    WHERE (%(all)s OR g.id = ANY(%(ids)s)) AND length(word) >= 3 AND word !~ '^[0-9]+$'
), gone AS (
    DELETE FROM life_situations_searchword known WHERE %(all)s AND known.word NOT IN (SELECT word FROM words)
)
INSERT INTO life_situations_searchword (word) SELECT word FROM words ON CONFLICT (word) DO NOTHING
"""


def reindex(ids: list[int] | None = None) -> int:
    """Rewrite the search columns of the given guides (all when None). Returns the number updated."""
    params = {"all": ids is None, "ids": ids or []}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(REINDEX_SQL, params)
        updated = cursor.rowcount
        cursor.execute(VOCABULARY_SQL, params)
    return updated


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
# Typos: a query word of at least CORRECTED_FROM letters that starts no word of the vocabulary is looked for
# also as the CORRECTIONS vocabulary words most similar to it, at least SIMILARITY alike (trigrams).
CORRECTED_FROM = 4
CORRECTIONS = 3
SIMILARITY = 0.4
# A search reads a bounded number of guides however common its words are (issue #5: a query never scans
# the text of every guide, and at 100 000 guides ranking every match is the trap of notes §1.1):
# - SCANNED: matches read from each index, for the facets and the total, and for the cheap first rank;
# - RANKED: guides from each tier given the full score (a large TOASTed vector and a trigram comparison,
#   ~60 µs a guide); the pages go as far as these candidates (the same for every page, so that paging
#   neither repeats nor skips a guide), which may stop before the total for a very broad query.
# With the 154 real guides, ranking only these candidates gave the same first page as ranking every match for
# all the quality-set queries but one (its places 9 and 10 differ).
SCANNED = 1000
RANKED = 50
# Fewer guides than FEW with every word: guides with all words but one are looked for (a query of 3 to
# MOST_UP_TO words; beyond that the combinations grow too many), or failing that with any word.
FEW = 3
MOST_UP_TO = 5
# A wider query matches far more guides, each of them a weak match: it reads fewer (ranking 2 000 of them took
# 15–20 ms at 100 000 guides, for results that are a fallback).
WIDER_SCANNED = 500

# The tsqueries are built once, by the server's dictionaries, and sent back as constants: the planner then
# estimates their selectivity, and nothing calls to_tsquery once per row. Sequential scans are off for the
# search only: the planner does not count that matching a row by `@@` reads its TOASTed vector, and a
# LIMIT tempts it to scan the table until enough rows match. The candidates a search reads (SCANNED with
# their head vectors, a few MB) are held in memory rather than written to a temporary file.
SETTINGS_SQL = """
SELECT set_config('pg_trgm.similarity_threshold', %s, true), set_config('enable_seqscan', 'off', true),
       set_config('work_mem', '32MB', true)
"""
TSQUERY_SQL = "SELECT ({whole})::text, ({strict})::text, ({most})::text, ({any_whole})::text, ({loose})::text"

# Per query word (folded): its corrections, when it starts no word of the vocabulary (its closest vocabulary
# words, by the trigram index; "starts" is an index range, the vocabulary being in C collation); and whether
# it may be half-typed: not a word of the vocabulary, and nothing the Russian stemmer knows as an ending.
WORDS_SQL = """
SELECT typed.word,
       CASE WHEN length(typed.word) >= %(corrected_from)s AND NOT EXISTS (
                SELECT FROM life_situations_searchword known
                WHERE known.word >= typed.word AND known.word < typed.word || chr(1114111))
            THEN ARRAY(SELECT v.word FROM life_situations_searchword v WHERE v.word %% typed.word
                       ORDER BY similarity(v.word, typed.word) DESC, v.word LIMIT %(corrections)s)
            ELSE ARRAY[]::text[] END,
       NOT EXISTS (SELECT FROM life_situations_searchword known WHERE known.word = typed.word)
         AND to_tsvector('russian_folded', typed.word) = to_tsvector('simple', typed.word)
FROM unnest(%(words)s::text[]) AS typed(word)
"""

# One statement, each source from its own index:
# - head: matches in title, synonyms and summary (`search_head`: small, kept in the main heap), best first
#   by a cheap rank;
# - fts: every full-text match, read only when the head tier has fewer than RANKED guides (of the sphere
#   chosen): then for the body-only matches, the facets and the total. When the head tier is full, what
#   is shown and counted are the guides whose title, synonyms or summary match: the body's index, the
#   largest, is not read (at 100 000 guides that lookup alone took 20–80 ms).
# Rows come back as ('hit', id, sphere, score) for the candidates, fully ranked (a guide whose title,
# synonyms or summary match by the cover density of its head, above every body-only match, ranked by its
# body normalised below 1; word_similarity and the body's rank of head matches cost 60 µs a guide and
# changed no result of the quality set), and
# ('facet', NULL, sphere, count) for the facets, which ignore the sphere filter. `query` finds the guides,
# `rank` orders them (for a wider query, a smaller one: any of the words).
# Each source is read as `x_all`, a MATERIALIZED CTE, through a LIMIT: planned for all its rows, it takes its
# index (a LIMIT alone tempts the planner to walk the table until enough rows match, matching every row by
# its TOASTed vector), and as a CTE is evaluated lazily, so reading stops at the LIMIT.
SEARCH_SQL = """
WITH head_all AS MATERIALIZED (
    SELECT g.id, g.sphere_id, g.search_head FROM life_situations_lifesituation g
    WHERE g.is_published AND g.search_head @@ %(query)s::tsquery
), head_read AS (
    SELECT * FROM head_all LIMIT %(scanned)s
), head AS (
    SELECT id FROM head_read WHERE TRUE {sphere}
    ORDER BY ts_rank(search_head, %(rank)s::tsquery, 1) DESC, id LIMIT %(ranked)s
), fts_all AS MATERIALIZED (
    SELECT g.id, g.sphere_id FROM life_situations_lifesituation g
    WHERE %(body)s AND (SELECT count(*) FROM head) < %(ranked)s
      AND g.is_published AND g.search_vector @@ %(query)s::tsquery
), fts AS (
    SELECT * FROM fts_all LIMIT %(scanned)s
), body AS (
    SELECT fts.id FROM fts
    WHERE (SELECT count(*) FROM head) < %(ranked)s AND fts.id NOT IN (SELECT id FROM head) {fts_sphere}
    LIMIT %(ranked)s
)
SELECT 'hit', g.id, g.sphere_id, ts_rank_cd(g.search_head, %(rank)s::tsquery, 1) * 10 + 1
FROM life_situations_lifesituation g WHERE g.id IN (SELECT id FROM head)
UNION ALL
SELECT 'hit', g.id, g.sphere_id, ts_rank(g.search_vector, %(rank)s::tsquery, 32)
FROM life_situations_lifesituation g WHERE g.id IN (SELECT id FROM body)
UNION ALL
SELECT 'facet', NULL, found.sphere_id, count(*)
FROM (SELECT id, sphere_id FROM fts UNION SELECT id, sphere_id FROM head_read) found
GROUP BY found.sphere_id
"""

SNIPPET_SQL = """
SELECT g.id, ts_headline(%(config)s::regconfig,
                         CASE WHEN %(config)s = 'kazakh' THEN g.summary_kk ELSE g.summary_ru END, %(query)s::tsquery,
                         'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=12, MaxFragments=1')
FROM life_situations_lifesituation g WHERE g.id = ANY(%(ids)s)
"""

# What a results page shows of a guide: never the search vectors, which are the largest columns.
HIT_FIELDS = ["slug", "title_ru", "title_kk", "sphere__title_ru", "sphere__title_kk", "sphere__title_en"]


def _terms(words: list[str], corrections: dict[str, list[str]], *, prefix: bool) -> tuple[list[str], dict]:
    """Per word, the tsquery it matches: the word (as a prefix, `word:*`, for half-typed words) in the three
    configurations, its Kazakh stem, and its corrections (whole words of the vocabulary, folded)."""
    terms, params = [], {}
    for i, word in enumerate(words):
        term = (f"to_tsquery('russian_folded', %(w{i})s) || to_tsquery('kazakh', %(w{i})s)"
                f" || to_tsquery('kazakh_folded', %(f{i})s)")  # fmt: skip
        star = ":*" if prefix and len(word) >= PREFIX_FROM else ""
        params |= {f"w{i}": f"{word}{star}", f"f{i}": f"{fold(word)}{star}"}
        stem = kazakh_stem(word)
        if stem != word:  # stacked Kazakh endings: the stem as well
            star = ":*" if prefix else ""
            term += f" || to_tsquery('kazakh', %(s{i})s) || to_tsquery('kazakh_folded', %(sf{i})s)"
            params |= {f"s{i}": f"{stem}{star}", f"sf{i}": f"{fold(stem)}{star}"}
        for j, correction in enumerate(corrections.get(fold(word), [])):
            term += f" || to_tsquery('russian_folded', %(c{i}_{j})s) || to_tsquery('kazakh_folded', %(c{i}_{j})s)"
            params[f"c{i}_{j}"] = correction
        terms.append(f"({term})")
    return terms, params


@dataclass
class Queries:
    """The tsqueries of a search, as text: every word, whole; every word; every word but any one, whole; any
    word, whole; any word."""

    whole: str
    strict: str
    most: str
    any_whole: str
    loose: str
    partial: bool  # a word may be half-typed: its prefix is worth looking for


def _prepare(cursor, words: list[str]) -> Queries:
    """Set the planner up for this transaction, correct typos, and build the tsqueries."""
    cursor.execute(SETTINGS_SQL, [str(SIMILARITY)])
    folded = list(dict.fromkeys(fold(word) for word in words))
    cursor.execute(WORDS_SQL, {"words": folded, "corrections": CORRECTIONS, "corrected_from": CORRECTED_FROM})
    found = cursor.fetchall()
    corrections = {word: alternatives for word, alternatives, _partial in found if alternatives}
    terms, params = _terms(words, corrections, prefix=True)
    whole, whole_params = _terms(words, corrections, prefix=False)
    whole = [term.replace("%(", "%(whole_") for term in whole]
    params |= {f"whole_{key}": value for key, value in whole_params.items()}
    strict, loose = " && ".join(terms), " || ".join(terms)
    # All words but one, whole: the combinations repeat every word, and as prefixes they cost the most.
    most = loose
    if 3 <= len(whole) <= MOST_UP_TO:
        most = " || ".join(f"({' && '.join(whole[:i] + whole[i + 1 :])})" for i in range(len(whole)))
    sql = TSQUERY_SQL.format(whole=" && ".join(whole), strict=strict, most=most, any_whole=" || ".join(whole),
                             loose=loose)  # fmt: skip
    cursor.execute(sql, params)
    return Queries(*cursor.fetchone(), partial=any(partial for _word, _alternatives, partial in found))


def _statement(
    query: str, *, rank: str, sphere_id: int | None, scanned: int = SCANNED, body: bool = True
) -> tuple[str, dict]:
    """SEARCH_SQL and its parameters for tsqueries (as text) and an optional sphere."""
    sql = SEARCH_SQL.format(
        sphere="AND sphere_id = %(sphere)s" if sphere_id is not None else "",
        fts_sphere="AND fts.sphere_id = %(sphere)s" if sphere_id is not None else "",
    )
    params = {"query": query, "rank": rank, "sphere": sphere_id, "scanned": scanned, "ranked": RANKED,
              "body": body}  # fmt: skip
    return sql, params


def _find(cursor, statement: tuple[str, dict]) -> tuple[list[tuple[int, int, float]], dict[int, int]]:
    """The candidates, fully scored, and the facets: guides found per sphere."""
    cursor.execute(*statement)
    rows = cursor.fetchall()
    hits = [(pk, sphere, score) for kind, pk, sphere, score in rows if kind == "hit"]
    return hits, {sphere: int(count) for kind, _pk, sphere, count in rows if kind == "facet"}


def _candidates(cursor, words: list[str], queries: Queries, *, sphere_id: int | None) -> tuple:
    """Guides with every word: whole words first, which the index answers ten times faster than the starts
    of words (a prefix reads every word it starts), then as starts of words; when fewer than FEW guides have
    them, after them guides with all words but one, or failing that with any word, whole or as its start
    (`relaxed`: no guide has every word)."""
    rows, facets = _find(cursor, _statement(queries.whole, rank=queries.whole, sphere_id=sphere_id))
    if len(rows) < FEW and queries.partial and queries.whole != queries.strict:
        # Half-typed words are looked for in titles, synonyms and summaries only: as prefixes in the body's
        # index they read most of it (40 ms at 100 000 guides).
        statement = _statement(queries.strict, rank=queries.strict, sphere_id=sphere_id, body=False)
        prefixed, prefixed_facets = _find(cursor, statement)
        if len(prefixed) > len(rows):
            rows, facets = prefixed, prefixed_facets
    if len(rows) >= FEW or len(words) == 1:
        return rows, facets, False
    for wider in dict.fromkeys([queries.most, queries.any_whole, queries.loose]):
        statement = _statement(wider, rank=queries.loose, sphere_id=sphere_id, scanned=WIDER_SCANNED)
        wider_rows, wider_facets = _find(cursor, statement)
        if wider_rows:
            found = {row[0] for row in rows}
            top = max((row[2] for row in wider_rows), default=0)
            # Ranked after every guide with all the words, in their own order.
            rows = [(pk, sphere, score + top + 1) for pk, sphere, score in rows]
            rows += [row for row in wider_rows if row[0] not in found]
            return rows, wider_facets, not found
    return rows, facets, not rows


def search(query: str, *, sphere_id: int | None = None, page: int = 1, language: str = "ru") -> Results:
    """Guides for a query as citizens type it; snippets only for the page shown."""
    words = normalize(query)
    if not words:
        return Results(query=query, hits=[], total=0, facets=[], page=1, pages=0, relaxed=False)
    with transaction.atomic(), connection.cursor() as cursor:
        queries = _prepare(cursor, words)
        rows, facets, relaxed = _candidates(cursor, words, queries, sphere_id=sphere_id)
        # Only reads happened: rolling back ends the planner settings above, also inside a caller's transaction.
        transaction.set_rollback(True)
    rows.sort(key=lambda row: (-row[2], row[0]))
    total = facets.get(sphere_id, 0) if sphere_id is not None else sum(facets.values())
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    ids = [row[0] for row in shown]
    guides = LifeSituation.objects.select_related("sphere").only(*HIT_FIELDS).in_bulk(ids)
    snippets = {}
    if ids:
        config = "kazakh" if language == "kk" else "russian_folded"
        with connection.cursor() as cursor:
            cursor.execute(SNIPPET_SQL, {"config": config, "query": queries.loose, "ids": ids})
            snippets = dict(cursor.fetchall())
    hits = [Hit(guide=guides[pk], score=score, snippet=snippets.get(pk, "")) for pk, _sphere, score in shown]
    return Results(query=query, hits=hits, total=total, facets=sorted(facets.items(), key=lambda f: -f[1]),
                   page=page, pages=pages, relaxed=relaxed)  # fmt: skip
