"""The schema as migrations leave it: no index that another one already is."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_no_table_has_two_identical_indexes():
    """Two indexes with the same definition cost every write twice and help no read (unique=True on a
    CharField already adds a pattern-ops index, which a hand-made prefix index easily repeats)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT tablename, array_agg(indexname ORDER BY indexname)
               FROM pg_indexes
               WHERE schemaname = current_schema()
               GROUP BY tablename, regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ', 'CREATE \\1INDEX ')
               HAVING count(*) > 1"""
        )
        duplicates = cursor.fetchall()
    assert duplicates == []
