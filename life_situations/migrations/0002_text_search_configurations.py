"""Text search configurations for Russian and Kazakh (domain/languages.md §4).

PostgreSQL 15 has no Kazakh configuration. `kazakh` uses Debian's hunspell-kk as an ispell dictionary
(kk_kz.dict / kk_kz.affix) and `kk_fold` folds Kazakh letters to the Russian-keyboard substitutes
(kk_fold.rules). The set-up (scripts/lib.sh, ensure_search_dictionaries) installs the three files into the
server's tsearch_data directory before migrating; a server elsewhere needs them copied there too.
"""

from django.db import migrations

FORWARD = """
CREATE TEXT SEARCH DICTIONARY kazakh_hunspell (TEMPLATE = ispell, DictFile = kk_kz, AffFile = kk_kz);
CREATE TEXT SEARCH DICTIONARY kk_fold (TEMPLATE = unaccent, RULES = 'kk_fold');
CREATE TEXT SEARCH CONFIGURATION kazakh (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION kazakh ALTER MAPPING FOR word, hword, hword_part WITH kazakh_hunspell, simple;
CREATE TEXT SEARCH CONFIGURATION kazakh_folded (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION kazakh_folded ALTER MAPPING FOR word, hword, hword_part WITH kk_fold, simple;
CREATE TEXT SEARCH CONFIGURATION russian_folded (COPY = russian);
ALTER TEXT SEARCH CONFIGURATION russian_folded ALTER MAPPING FOR word, hword, hword_part WITH kk_fold, russian_stem;
"""

BACKWARD = """
DROP TEXT SEARCH CONFIGURATION IF EXISTS russian_folded;
DROP TEXT SEARCH CONFIGURATION IF EXISTS kazakh_folded;
DROP TEXT SEARCH CONFIGURATION IF EXISTS kazakh;
DROP TEXT SEARCH DICTIONARY IF EXISTS kk_fold;
DROP TEXT SEARCH DICTIONARY IF EXISTS kazakh_hunspell;
"""


class Migration(migrations.Migration):
    dependencies = [("life_situations", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
