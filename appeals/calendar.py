"""Working days in Kazakhstan (5-day week): weekends, holidays and the government's day transfers.

The CalendarDay table is the source of truth and staff edit it in admin. `sync_calendar` fills it from the
`holidays` package (statutory holidays, the weekend rule, religious days that never move, the transfers'
new days off) plus WORKING_WEEKENDS: the weekend days that transfers turned into working days, which the
library does not model (domain/calendar.md §4). Every November, when the Ministry of Labour publishes next
year's transfers, add them here or in admin.
"""

from datetime import date, timedelta

import holidays
from django.db import transaction

from appeals.models import CalendarDay, CalendarDayKind
from appeals.reference_cache import reference_data

WORKING_WEEKENDS = {
    date(2022, 3, 5): "Government decree (2022)",
    date(2022, 8, 27): "Government decree (2022)",
    date(2022, 10, 22): "Government decree (2022)",
    date(2023, 7, 1): "Government decree P2300000326",
    date(2024, 5, 4): "Order of the Ministry of Labour (2024)",
    date(2025, 1, 5): "Order of the Ministry of Labour of 21.11.2024",
}

# `holidays` names KZ holidays in Kazakh only; Russian names are ours.
RU_NAMES = {
    "Жаңа жыл": "Новый год",
    "Православиелік Рождество": "Православное Рождество",
    "Халықаралық әйелдер күні": "Международный женский день",
    "Наурыз мейрамы": "Наурыз мейрамы",
    "Қазақстан халқының бірлігі мерекесі": "Праздник единства народа Казахстана",
    "Отан Қорғаушы күні": "День защитника Отечества",
    "Жеңіс күні": "День Победы",
    "Құрбан айт": "Курбан айт",
    "Астана күні": "День столицы",
    "Қазақстан Республикасының Конституциясы күні": "День Конституции",
    "Республика күні": "День Республики",
    "Қазақстан Республикасы күні": "День Республики",
    "Тәуелсіздік күні": "День Независимости",
    "Демалыс күні": "Выходной день (перенос)",
    "Бірінші Президент күні": "День Первого Президента",
}
RU_SUFFIXES = {"қайта белгіленген демалыс": "перенесённый выходной", "бағаланған": "ориентировочно"}


def _russian_name(kk_name: str) -> str:
    base, _sep, suffix = kk_name.partition(" (")
    ru = RU_NAMES.get(base, base)
    if suffix:
        suffix = suffix.rstrip(")")
        ru += f" ({RU_SUFFIXES.get(suffix, suffix)})"
    return ru


def calendar_rows(years: range) -> list[dict]:
    """The days off (from `holidays`) and working weekends (WORKING_WEEKENDS) of `years`, as field dicts."""
    rows = [
        {"date": day, "kind": CalendarDayKind.DAY_OFF, "name_kk": name, "name_ru": _russian_name(name),
         "source": f"holidays {holidays.__version__}"}
        for day, name in holidays.KZ(years=list(years)).items()
        if day not in WORKING_WEEKENDS
    ]  # fmt: skip
    rows += [
        {"date": day, "kind": CalendarDayKind.WORKING_DAY, "name_ru": "Рабочий день (перенос)",
         "name_kk": "Жұмыс күні (ауыстыру)", "source": source}
        for day, source in WORKING_WEEKENDS.items()
        if day.year in years
    ]  # fmt: skip
    return rows


@transaction.atomic
def sync_calendar(*, years: range, model=CalendarDay) -> int:
    """Add the days off and working weekends of `years` that the table lacks. Rows edited in admin stay.

    `model` lets a data migration pass its historical model.
    """
    known = set(model.objects.filter(date__year__in=list(years)).values_list("date", flat=True))
    new = [model(**row) for row in calendar_rows(years) if row["date"] not in known]
    model.objects.bulk_create(new)
    return len(new)


class WorkingCalendar:
    """Answers working-day questions for a span of dates, from the process's reference snapshot."""

    def __init__(self, start: date, end: date, exceptions: dict[date, str] | None = None) -> None:
        """`exceptions`: a reference snapshot's calendar, when the caller has one already."""
        self.start, self.end = start, end
        # Every exception; the span only guards against runaway loops.
        self.exceptions = reference_data().calendar if exceptions is None else exceptions

    @classmethod
    def around(cls, day: date, *, days_ahead: int = 120, exceptions=None) -> "WorkingCalendar":
        return cls(day - timedelta(days=7), day + timedelta(days=days_ahead), exceptions)

    def is_working_day(self, day: date) -> bool:
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} is outside the loaded span {self.start}..{self.end}")
        kind = self.exceptions.get(day)
        if kind is not None:
            return kind == CalendarDayKind.WORKING_DAY
        return day.weekday() < 5

    def next_working_day(self, day: date, *, include_today: bool = True) -> date:
        day = day if include_today else day + timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, count: int) -> date:
        """`count` working days after `start`: day 1 is the first working day after it (appeals_law.md §4.2)."""
        day = start
        while count > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day


def add_working_days(start: date, count: int) -> date:
    return WorkingCalendar.around(start, days_ahead=count * 3 + 45).add_working_days(start, count)


def is_working_day(day: date) -> bool:
    return WorkingCalendar(day, day).is_working_day(day)
