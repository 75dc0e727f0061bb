"""Drop user_phone_prefix_idx: it repeats accounts_user_phone_c603acdd_like, which unique=True on User.phone
already makes (the same varchar_pattern_ops btree). The desk's phone-prefix search keeps using that one;
every write to accounts_user stops maintaining two identical indexes.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("appeals", "0013_number_without_pattern_index")]

    operations = [
        migrations.RunSQL(
            "DROP INDEX IF EXISTS user_phone_prefix_idx",
            "CREATE INDEX IF NOT EXISTS user_phone_prefix_idx ON accounts_user (phone varchar_pattern_ops)",
        )
    ]
