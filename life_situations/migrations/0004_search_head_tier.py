"""The first tier of a search: `search_head` (title, synonyms, summary) gets its own GIN index and stays
in the table's main heap.

Ranking reads `search_head` of every guide the first tier finds. Left to the default EXTENDED storage it is
moved out of line like the body text, and every rank costs a TOAST lookup (four buffers instead of one).
With MAIN storage PostgreSQL compresses or moves out the long text columns first and keeps this one
inline. The UPDATE rewrites the existing values so that they move back in (a value copied unchanged would
keep its TOAST pointer).
"""

import django.contrib.postgres.indexes
from django.db import migrations

STORAGE_MAIN = """
ALTER TABLE life_situations_lifesituation ALTER COLUMN search_head SET STORAGE MAIN;
UPDATE life_situations_lifesituation SET search_head = search_head || ''::tsvector WHERE search_head IS NOT NULL;
"""
STORAGE_EXTENDED = "ALTER TABLE life_situations_lifesituation ALTER COLUMN search_head SET STORAGE EXTENDED;"


class Migration(migrations.Migration):
    dependencies = [("life_situations", "0003_guide_item_base")]

    operations = [
        migrations.AddIndex(
            model_name="lifesituation",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_head"], name="guide_head_gin"),
        ),
        migrations.RunSQL(STORAGE_MAIN, STORAGE_EXTENDED),
    ]
