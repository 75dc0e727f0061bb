"""Realistic appeals for the demo and the benchmarks, written with COPY (a million in minutes).

About 650 a day (fewer at weekends), over 60 % by phone, topics that follow the seasons (heating and snow
in winter, courtyards, aryks and roads in summer, kindergarten places before September), all channels and
districts, and states that fit each appeal's age: old ones answered or closed, a few overdue, new ones in
work. Numbers and ids are reserved from the same PostgreSQL sequences that register_appeal uses, so
generated and real appeals never collide.
"""

import io
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from appeals.deadlines import compute_deadlines
from appeals.models import (
    Appeal,
    AppealClock,
    AppealEvent,
    Category,
    Department,
    DepartmentKind,
    District,
)
from appeals.services import ACCESS_CODE_ALPHABET, ACCESS_CODE_LENGTH

CHANNELS = [
    ("call_centre", 61), ("web", 12), ("cabinet", 7), ("front_office", 6), ("whatsapp", 6), ("telegram", 3),
    ("social", 3), ("mobile", 2),
]  # fmt: skip
KINDS = [
    ("application", 45), ("report", 30), ("complaint", 8), ("proposal", 5), ("request", 5),
    ("information_request", 4), ("response", 3),
]  # fmt: skip
OUTCOMES = [("resolved", 45), ("explained", 35), ("declined", 8), ("not_competent", 4), ("redirected", 8)]

# Month (1–12) → weight multiplier, for the topics whose volume follows the seasons.
WINTER = {1: 3, 2: 3, 3: 1.5, 10: 1.5, 11: 2.5, 12: 3}
SUMMER = {4: 2, 5: 3, 6: 3, 7: 3, 8: 3, 9: 2}
SEASONS = {
    "heating": {**dict.fromkeys(range(1, 13), 0.3), 1: 3, 2: 3, 3: 1.5, 10: 3, 11: 3, 12: 3},
    "snow": {**dict.fromkeys(range(1, 13), 0.05), 1: 4, 2: 3, 12: 4, 11: 1.5, 3: 1},
    "air": {**dict.fromkeys(range(1, 13), 0.5), **WINTER},
    "courtyard": {**dict.fromkeys(range(1, 13), 0.5), **SUMMER},
    "parks": {**dict.fromkeys(range(1, 13), 0.5), **SUMMER},
    "aryks": {**dict.fromkeys(range(1, 13), 0.3), 4: 3, 5: 3, 6: 2, 7: 2, 8: 2},
    "road-repair": {**dict.fromkeys(range(1, 13), 0.6), 3: 2, 4: 3, 5: 3, 6: 2.5, 7: 2, 8: 2, 9: 2, 10: 1.5},
    "kindergarten-queue": {**dict.fromkeys(range(1, 13), 0.7), 6: 2, 7: 3, 8: 4, 9: 3},
    "water": {**dict.fromkeys(range(1, 13), 0.8), 6: 1.8, 7: 2, 8: 2},
}
BASE_WEIGHT = {
    "public-transport": 9, "traffic-lights": 4, "parking": 3, "road-repair": 8, "sidewalks": 3, "courtyard": 8,
    "parks": 3, "lighting": 5, "snow": 4, "aryks": 3, "heating": 8, "water": 6, "electricity": 4,
    "building-management": 7, "housing-queue": 4, "emergency-housing": 1.5, "kindergarten-queue": 4, "schools": 3,
    "polyclinics": 4, "medicines": 2, "social-assistance": 4, "employment": 2, "waste": 6, "air": 2, "animals": 3,
    "licences": 1, "trade": 2, "illegal-construction": 2.5, "land-plots": 2, "culture-sport": 1.5, "other": 3,
}  # fmt: skip

PROBLEMS = {
    "public-transport": ["автобус {n} ходит с интервалом по 40 минут",
                         "водитель автобуса {n} не остановился на остановке",
                         "на остановке нет навеса и скамейки", "маршрут {n} убрали, до работы не добраться"],
    "traffic-lights": ["не работает светофор на перекрёстке", "стёрлась разметка пешеходного перехода",
                       "нужен светофор у школы, дети перебегают дорогу"],
    "road-repair": ["огромная яма на дороге, повреждают колёса", "после ремонта асфальт снова разрушился",
                    "провалился люк на проезжей части"],
    "courtyard": ["во дворе сломаны качели и горка", "просим благоустроить двор: нет скамеек и освещения",
                  "во дворе разбит асфальт, после дождя лужи"],
    "heating": ["в квартире холодно, батареи едва тёплые", "нет горячей воды уже неделю",
                "отопление не включили, в доме +14"],
    "snow": ["не убран снег во дворе, не проехать", "на тротуаре гололёд, люди падают", "сосульки над входом"],
    "waste": ["мусор не вывозят неделю, контейнеры переполнены", "стихийная свалка у арыка"],
    "kindergarten-queue": ["очередь в детский сад не движется второй год",
                           "ребёнку не дали место в саду рядом с домом"],
    "building-management": ["КСК не отвечает на звонки, в подъезде течёт крыша", "лифт не работает месяц"],
}  # fmt: skip
DEFAULT_PROBLEMS = ["просим разобраться и принять меры", "прошу дать разъяснение по вопросу",
                    "проблема повторяется уже не первый месяц"]  # fmt: skip
STREETS = ["пр. Абая", "пр. Достык", "ул. Толе би", "пр. Райымбека", "ул. Жандосова", "пр. Аль-Фараби",
           "ул. Сейфуллина", "ул. Розыбакиева", "мкр. Самал-2", "мкр. Аксай-4", "мкр. Орбита-3", "мкр. Шанырак-2",
           "ул. Байзакова"]  # fmt: skip
FIRST = ["Айгерим", "Ержан", "Динара", "Нурлан", "Алия", "Сергей", "Ольга", "Асель", "Марат", "Гульнара", "Тимур",
         "Жанна", "Данияр", "Светлана", "Бауыржан", "Елена", "Арман", "Камила"]  # fmt: skip
LAST = ["Сапарова", "Омаров", "Ахметова", "Ким", "Иванова", "Нурланов", "Жумабаева", "Петров", "Сейткали", "Абенова",
        "Тулегенов", "Ли", "Касымов", "Бекова"]  # fmt: skip
MOBILE_PREFIXES = ["701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778"]

APPEAL_COLUMNS = [
    "id", "created_at", "updated_at", "public_id", "number", "access_code", "kind", "legal_basis", "channel",
    "status", "outcome", "language", "contact_name", "contact_phone", "contact_email", "phone_verified", "address",
    "text", "received_at", "registered_on", "due_date", "latest_due_date", "redirect_due_date", "extended",
    "routed_at", "taken_at", "answered_at", "closed_at", "answer_text", "external_body", "dispatch_attempts",
    "category_id", "department_id", "district_id",
]  # fmt: skip
EVENT_COLUMNS = ["appeal_id", "kind", "created_at", "from_status", "to_status", "is_public", "text", "data",
                 "department_id"]  # fmt: skip


@dataclass
class Reference:
    categories: list[Category]
    districts: list[District]
    akimats: dict[int, int]  # district id → akimat department id
    triage_id: int
    clocks: dict[str, AppealClock]

    @classmethod
    def load(cls) -> "Reference":
        return cls(
            categories=list(Category.objects.filter(is_active=True)),
            districts=list(District.objects.filter(is_city_wide=False)),
            akimats=dict(
                Department.objects.filter(kind=DepartmentKind.DISTRICT_AKIMAT, valid_to__isnull=True).values_list(
                    "district_id", "pk"
                )
            ),
            triage_id=Department.objects.get(kind=DepartmentKind.TRIAGE, valid_to__isnull=True).pk,
            clocks={clock.kind: clock for clock in AppealClock.objects.all()},
        )


def _weighted(pairs) -> tuple[list, list]:
    return [key for key, _ in pairs], [weight for _, weight in pairs]


def _reserve(sequence: str, count: int) -> int:
    """Reserve `count` consecutive values of `sequence`; returns the first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1)", [sequence, sequence, count])
        last = cursor.fetchone()[0]
    return last - count + 1


def _id_sequence(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        return cursor.fetchone()[0]


def _copy(table: str, columns: list[str], rows: list[tuple]) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_field(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_from(buffer, table, columns=columns, null="\\N")


def _field(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", "\\n")


class AppealGenerator:
    def __init__(self, *, seed: int = 2026, now: datetime | None = None) -> None:
        self.random = random.Random(seed)
        self.now = now or timezone.now()
        self.ref = Reference.load()
        self._deadlines: dict = {}
        self.phones = [
            f"+7{self.random.choice(MOBILE_PREFIXES)}{self.random.randrange(10**7):07d}" for _ in range(50_000)
        ]

    def day_counts(self, days: int, per_day: int) -> Iterator[tuple[date, int]]:
        today = timezone.localdate(self.now)
        for offset in range(days, -1, -1):
            day = today - timedelta(days=offset)
            weekday_factor = 0.45 if day.weekday() >= 5 else 1.12
            yield day, max(1, int(self.random.gauss(per_day * weekday_factor, per_day * 0.08)))

    def _deadline(self, kind: str, day: date):
        key = (kind, day)
        if key not in self._deadlines:
            received = timezone.make_aware(datetime.combine(day, time(12)))
            self._deadlines[key] = compute_deadlines(clock=self.ref.clocks[kind], received_at=received)
        return self._deadlines[key]

    def _category(self, month: int) -> Category | None:
        weights = [BASE_WEIGHT.get(c.code, 1) * SEASONS.get(c.code, {}).get(month, 1) for c in self.ref.categories]
        if self.random.random() < 0.05:
            return None  # the caller did not know the topic: the triage desk decides
        return self.random.choices(self.ref.categories, weights)[0]

    def _department(self, category: Category | None, district: District | None) -> int:
        if category is None or category.default_department_id is None:
            return self.ref.triage_id
        if category.local_to_district and district is not None:
            return self.ref.akimats.get(district.pk, category.default_department_id)
        return category.default_department_id

    def generate(self, *, days: int, per_day: int = 650, progress: Callable[[int], None] = lambda n: None) -> int:
        channels, channel_weights = _weighted(CHANNELS)
        kinds, kind_weights = _weighted(KINDS)
        outcomes, outcome_weights = _weighted(OUTCOMES)
        plan = list(self.day_counts(days, per_day))
        total = sum(count for _, count in plan)
        next_id = _reserve(_id_sequence(Appeal._meta.db_table), total)
        per_year: dict[int, int] = {}
        for day, count in plan:
            per_year[day.year] = per_year.get(day.year, 0) + count
        numbers = {year: _reserve(f"appeal_number_{year}", count) for year, count in per_year.items()}
        for day, count in plan:
            appeals, events = [], []
            for _ in range(count):
                number = f"OA-{day.year}-{numbers[day.year]:06d}"
                numbers[day.year] += 1
                row, row_events = self._appeal(next_id, number, day, channels, channel_weights, kinds, kind_weights,
                                               outcomes, outcome_weights)  # fmt: skip
                next_id += 1
                appeals.append(row)
                events.extend(row_events)
            with transaction.atomic():
                _copy(Appeal._meta.db_table, APPEAL_COLUMNS, appeals)
                _copy(AppealEvent._meta.db_table, EVENT_COLUMNS, events)
            progress(len(appeals))
        return total

    def _appeal(self, pk, number, day, channels, channel_weights, kinds, kind_weights, outcomes, outcome_weights):
        """One appeal row for COPY and the rows of its timeline."""
        rnd = self.random
        kind = rnd.choices(kinds, kind_weights)[0]
        deadlines = self._deadline(kind, day)
        category = self._category(day.month)
        district = rnd.choice(self.ref.districts) if rnd.random() < 0.92 else None
        department_id = self._department(category, district)
        received = min(
            timezone.make_aware(datetime.combine(day, time(8))) + timedelta(seconds=rnd.randrange(36000)),
            self.now - timedelta(seconds=5),
        )
        status, outcome = self._state((timezone.localdate(self.now) - day).days, deadlines.due_date, outcomes,
                                      outcome_weights)  # fmt: skip
        routed = received + timedelta(milliseconds=rnd.randrange(3, 40))
        taken = routed + timedelta(hours=rnd.randrange(1, 48)) if status != "routed" else None
        answered = closed = None
        if outcome:
            term = max(3, (deadlines.due_date - deadlines.registered_on).days + 3)
            answer_day = deadlines.registered_on + timedelta(days=rnd.randrange(2, term))
            answered = min(self.now, timezone.make_aware(datetime.combine(answer_day, time(rnd.randrange(9, 18)))))
            taken = min(taken, answered)
            if status == "closed":
                closed = answered if outcome == "redirected" else answered + timedelta(days=10)
        if status == "withdrawn":
            taken, closed = None, min(routed + timedelta(days=1), self.now)
        address = f"{rnd.choice(STREETS)}, {rnd.randrange(1, 200)}"
        problems = PROBLEMS.get(category.code if category else "", DEFAULT_PROBLEMS)
        text = rnd.choice(problems).format(n=rnd.randrange(2, 150)).capitalize() + f". Адрес: {address}."
        channel = rnd.choices(channels, channel_weights)[0]
        row = (
            pk, received, closed or answered or taken or routed, uuid.UUID(int=rnd.getrandbits(128), version=4), number,
            "".join(rnd.choices(ACCESS_CODE_ALPHABET, k=ACCESS_CODE_LENGTH)), kind, self.ref.clocks[kind].legal_basis,
            channel, status, outcome, "kk" if rnd.random() < 0.22 else "ru", f"{rnd.choice(FIRST)} {rnd.choice(LAST)}",
            rnd.choice(self.phones), "", channel != "web", address, text, received, deadlines.registered_on,
            deadlines.due_date, deadlines.latest_due_date, deadlines.redirect_due_date, False, routed, taken, answered,
            closed, "Ваше обращение рассмотрено." if answered else "",
            "Департамент полиции г. Алматы" if outcome == "redirected" else "", 1,
            category.pk if category else None, department_id, district.pk if district else None,
        )  # fmt: skip
        dept = department_id
        events = [
            (pk, "registered", received, "", "registered", True, "", "{}", None),
            (pk, "routed", routed, "registered", "routed", True, "", '{"reason": "generated"}', dept),
        ]
        if taken:
            events.append((pk, "taken", taken, "routed", "in_progress", True, "", "{}", dept))
        if status == "info_requested":
            events.append((pk, "info_requested", taken + timedelta(hours=2), "in_progress", "info_requested", True,
                           "Уточните адрес, пожалуйста.", "{}", dept))  # fmt: skip
        if outcome == "redirected":
            events.append((pk, "redirected", answered, "in_progress", "closed", True, "", "{}", dept))
        elif outcome:
            events.append((pk, "answered", answered, "in_progress", "answered", True, "", "{}", dept))
            if status == "closed":
                events.append((pk, "closed", closed, "answered", "closed", True, "", "{}", dept))
        if status == "withdrawn":
            events.append((pk, "withdrawn", closed, "routed", "withdrawn", True, "", "{}", dept))
        return row, events

    def _state(self, age: int, due: date, outcomes, outcome_weights) -> tuple[str, str]:
        """A state that fits the appeal's age; about 3 % of old appeals are still open and overdue."""
        rnd = self.random
        past_due = timezone.localdate(self.now) > due
        roll = rnd.random()
        if roll < 0.01:
            return "withdrawn", ""
        if past_due:
            if roll < 0.04:
                return rnd.choice(["in_progress", "info_requested"]), ""
            outcome = rnd.choices(outcomes, outcome_weights)[0]
            if outcome == "redirected":
                return "closed", outcome
            return ("closed" if age > 30 or roll > 0.5 else "answered"), outcome
        if age <= 1:
            return ("routed" if roll < 0.7 else "in_progress"), ""
        if roll < 0.15:
            return "routed", ""
        if roll < 0.65:
            return "in_progress", ""
        if roll < 0.72:
            return "info_requested", ""
        outcome = rnd.choices(outcomes, outcome_weights)[0]
        return ("closed" if outcome == "redirected" else "answered"), outcome
