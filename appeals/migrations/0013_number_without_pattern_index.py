"""Appeal.number: unique through a constraint, without the pattern-ops index unique=True also made.

No query uses LIKE on the number (the public tracking page, the cabinet and admin look it up whole), yet every
insert and every routing update (not a HOT update: status and department are indexed) maintained that index:
35 MB at a million appeals. The unique index stays as it is: it only changes owner in Django's state.
"""

from django.db import migrations, models

LIKE_INDEX = "appeals_appeal_number_e83993d1_like"


class Migration(migrations.Migration):
    dependencies = [("appeals", "0012_reference_version")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="appeal",
                    name="number",
                    field=models.CharField(editable=False, max_length=20, verbose_name="number"),
                ),
                migrations.AddConstraint(
                    model_name="appeal",
                    constraint=models.UniqueConstraint(fields=("number",), name="appeals_appeal_number_key"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {LIKE_INDEX}",
                    f"CREATE INDEX {LIKE_INDEX} ON appeals_appeal (number varchar_pattern_ops)",
                )
            ],
        )
    ]
