"""Typo correction on a vocabulary instead of trigrams over every guide (notes §1.3).

The trigram index on every guide's title and synonyms made a mistyped query recheck thousands of guides at
100 000 (265 ms); the words themselves are a few thousand. The vocabulary is filled here from the stored
`search_words`, so a database migrated without re-indexing corrects typos too.
"""

import django.contrib.postgres.indexes
from django.db import migrations, models

FILL = """
INSERT INTO life_situations_searchword (word)
SELECT DISTINCT word FROM life_situations_lifesituation, regexp_split_to_table(search_words, '[^[:alnum:]]+') AS word
WHERE length(word) >= 3 AND word !~ '^[0-9]+$'
"""


class Migration(migrations.Migration):
    dependencies = [
        ("life_situations", "0004_search_head_tier"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.TextField(db_collation="C", primary_key=True, serialize=False)),
            ],
            options={
                "verbose_name": "search word",
                "verbose_name_plural": "search words",
            },
        ),
        migrations.RemoveIndex(
            model_name="lifesituation",
            name="guide_words_trgm",
        ),
        migrations.AlterField(
            model_name="lifesituation",
            name="search_words",
            field=models.TextField(blank=True, editable=False, help_text="folded title and synonyms"),
        ),
        migrations.AddIndex(
            model_name="searchword",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["word"], name="searchword_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
