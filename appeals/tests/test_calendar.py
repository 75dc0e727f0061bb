from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from appeals.calendar import add_working_days, is_working_day
from appeals.deadlines import compute_deadlines
from appeals.models import AppealClock, CalendarDay, CalendarDayKind

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 5, 4), True),  # a Saturday made a working day by the 2024 transfer
        (date(2024, 5, 8), False),  # the day off it moved to
        (date(2025, 1, 3), False),  # a Friday off by the 2025 transfer…
        (date(2025, 1, 5), True),  # …paid for by working on Sunday 5 January
        (date(2026, 8, 31), True),  # 30 August is no longer a holiday from 2026
        (date(2027, 3, 15), False),  # the new Constitution Day, from 2027
        (date(2026, 3, 24), False),  # Nauryz fell on a weekend: days off moved to Tue and Wed
        (date(2026, 1, 7), False),  # Orthodox Christmas, never moved
        (date(2026, 11, 23), True),  # an ordinary Monday
    ],
)
def test_working_days_follow_the_kazakh_calendar(day, working):
    assert is_working_day(day) is working


def test_fifteen_working_days_across_nauryz():
    # domain/scripts/kz_workdays_output.txt: registered Mon 2026-03-16 -> 15 working days = 2026-04-09
    assert add_working_days(date(2026, 3, 16), 15) == date(2026, 4, 9)


def test_fifteen_working_days_across_a_weekend_shifted_holiday_and_kurban_ait():
    # 9 May 2026 is a Saturday, so Monday 11 May is off; 27 May is Kurban Ait.
    assert add_working_days(date(2026, 5, 4), 15) == date(2026, 5, 28)
    assert add_working_days(date(2026, 5, 20), 15) == date(2026, 6, 11)


def test_a_government_transfer_makes_a_sunday_count():
    # Fri 27 Dec 2024: Mon 30 (1), Tue 31 (2), 1–3 Jan off, Sat 4 off, Sun 5 Jan worked by transfer (3).
    assert add_working_days(date(2024, 12, 27), 3) == date(2025, 1, 5)


def test_a_transfer_added_in_admin_changes_deadlines():
    CalendarDay.objects.create(date=date(2026, 12, 18), kind=CalendarDayKind.DAY_OFF, name_ru="Перенос")

    # Tue 15 (1), 16 Independence Day, Thu 17 (2), Fri 18 now off, Mon 21 (3), Tue 22 (4)
    assert add_working_days(date(2026, 12, 14), 4) == date(2026, 12, 22)


def test_an_appeal_received_on_a_holiday_is_registered_on_the_next_working_day():
    clock = AppealClock.objects.get(kind="application")

    deadlines = compute_deadlines(clock=clock, received_at=datetime(2026, 3, 21, 11, 0, tzinfo=ALMATY))

    assert deadlines.registered_on == date(2026, 3, 26)  # Sat 21 Nauryz … Wed 25 off
    assert deadlines.due_date == add_working_days(date(2026, 3, 26), 15)
    assert deadlines.redirect_due_date == date(2026, 3, 31)
    assert deadlines.latest_due_date == date(2026, 5, 26)  # two months in all


def test_an_information_request_runs_in_calendar_days():
    clock = AppealClock.objects.get(kind="information_request")

    deadlines = compute_deadlines(clock=clock, received_at=datetime(2026, 11, 20, 17, 0, tzinfo=ALMATY))

    assert deadlines.due_date == date(2026, 12, 5)  # 15 calendar days, a Saturday included
    assert deadlines.latest_due_date == deadlines.due_date  # no extension


def test_a_complaint_has_twenty_working_days_and_no_extension():
    clock = AppealClock.objects.get(kind="complaint")

    deadlines = compute_deadlines(clock=clock, received_at=datetime(2026, 11, 23, 10, 0, tzinfo=ALMATY))

    assert deadlines.due_date == add_working_days(date(2026, 11, 23), 20)
    assert deadlines.latest_due_date == deadlines.due_date
