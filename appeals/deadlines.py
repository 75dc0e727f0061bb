"""The law's clocks applied to one appeal: registration date, deadline, latest deadline, redirect limit."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from appeals.calendar import WorkingCalendar
from appeals.models import AppealClock, DayType


@dataclass(frozen=True)
class Deadlines:
    registered_on: date
    due_date: date
    latest_due_date: date
    redirect_due_date: date


def compute_deadlines(*, clock: AppealClock, received_at: datetime, exceptions=None) -> Deadlines:
    """An appeal received on a day off is registered on the next working day; its clocks run from there.

    `exceptions`: the calendar of the reference snapshot the clock came from, if the caller holds one.
    """
    received_on = timezone.localdate(received_at)
    horizon = clock.answer_days * (1 if clock.answer_day_type == DayType.CALENDAR else 3) + 60
    calendar = WorkingCalendar.around(received_on, days_ahead=horizon, exceptions=exceptions)
    registered_on = calendar.next_working_day(received_on)
    if clock.answer_day_type == DayType.WORKING:
        due = calendar.add_working_days(registered_on, clock.answer_days)
    else:
        due = registered_on + timedelta(days=clock.answer_days)
    latest = max(due, registered_on + relativedelta(months=clock.max_total_months))
    redirect_due = calendar.add_working_days(registered_on, clock.redirect_working_days)
    return Deadlines(registered_on=registered_on, due_date=due, latest_due_date=latest, redirect_due_date=redirect_due)
