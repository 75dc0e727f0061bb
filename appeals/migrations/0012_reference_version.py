"""A version stamp for the reference tables, kept by PostgreSQL itself (see appeals/reference_cache.py).

A statement-level trigger on each table appends a number from a sequence in the changing transaction: the
stamp commits or rolls back with the change, whoever makes it (admin, the loaders, raw SQL, a test's
rollback), and a rolled-back number is never handed out again. Rows are only appended, so concurrent
editors never wait for one another on a shared row.
"""

from django.db import migrations

TABLES = [
    "appeals_sphere",
    "appeals_category",
    "appeals_district",
    "appeals_department",
    "appeals_routingrule",
    "appeals_appealclock",
    "appeals_calendarday",
]

CREATE = """
CREATE SEQUENCE appeals_reference_version_seq;
CREATE TABLE appeals_reference_version (value bigint PRIMARY KEY);
INSERT INTO appeals_reference_version VALUES (nextval('appeals_reference_version_seq'));
CREATE FUNCTION appeals_stamp_reference_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO appeals_reference_version VALUES (nextval('appeals_reference_version_seq'));
    RETURN NULL;
END $$;
""" + "".join(
    f"CREATE TRIGGER {table}_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION appeals_stamp_reference_version();\n"
    for table in TABLES
)

DROP = "".join(f"DROP TRIGGER {table}_reference_version ON {table};\n" for table in TABLES) + """
DROP FUNCTION appeals_stamp_reference_version();
DROP TABLE appeals_reference_version;
DROP SEQUENCE appeals_reference_version_seq;
"""


class Migration(migrations.Migration):
    dependencies = [("appeals", "0011_status_district_index")]

    operations = [migrations.RunSQL(CREATE, DROP)]
