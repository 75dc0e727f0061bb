"""The law's clocks, the working-day calendar (domain/calendar.md), and the per-year sequences that number
appeals OA-<year>-<6 digits>."""

from django.db import migrations

YEARS = range(2020, 2041)


def fill(apps, schema_editor):
    from appeals.calendar import sync_calendar
    from appeals.reference import CALENDAR_YEARS, ensure_clocks

    ensure_clocks(model=apps.get_model("appeals", "AppealClock"))
    sync_calendar(years=CALENDAR_YEARS, model=apps.get_model("appeals", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunSQL(
            [f"CREATE SEQUENCE IF NOT EXISTS appeal_number_{year}" for year in YEARS],
            [f"DROP SEQUENCE IF EXISTS appeal_number_{year}" for year in YEARS],
        ),
    ]
