from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from appeals import services
from appeals.models import (
    Appeal,
    AppealEvent,
    AppealStatus,
    Category,
    Department,
    District,
    EventKind,
    Notification,
    Outcome,
)
from appeals.services import Contact, TransitionNotAllowed, register_appeal, route_appeal

pytestmark = pytest.mark.django_db


def test_registration_writes_the_appeal_its_first_event_and_a_notification(make_appeal):
    appeal = make_appeal()

    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REGISTERED
    assert appeal.number.startswith(f"OA-{timezone.localdate().year}-")
    assert len(appeal.access_code) == 10
    assert appeal.legal_basis.startswith("APPK of Kazakhstan, Art. 76")
    assert list(appeal.events.values_list("kind", flat=True)) == [EventKind.REGISTERED]
    sms = Notification.objects.get(appeal=appeal)
    assert sms.to == "+77011112233"
    assert appeal.number in sms.body and appeal.access_code in sms.body


def test_numbers_are_consecutive_and_unique(make_appeal):
    first, second = make_appeal(), make_appeal()

    a, b = int(first.number.rsplit("-", 1)[1]), int(second.number.rsplit("-", 1)[1])
    assert b == a + 1
    assert first.access_code != second.access_code
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses a second one
        Appeal.objects.filter(pk=second.pk).update(number=first.number)


def test_a_year_without_a_sequence_gets_one_and_a_rolled_back_one_is_made_again(reference):
    from datetime import datetime

    received = timezone.make_aware(datetime(2045, 3, 1, 10, 0))
    contact = Contact(name="A", phone="+77011112233")
    with transaction.atomic():  # the sequence for 2045 is created, then rolled back
        register_appeal(channel="web", text="Обращение из будущего", contact=contact, received_at=received)
        transaction.set_rollback(True)

    first = register_appeal(channel="web", text="Обращение из будущего", contact=contact, received_at=received)
    second = register_appeal(channel="web", text="Ещё одно из будущего", contact=contact, received_at=received)

    assert (first.number, second.number) == ("OA-2045-000001", "OA-2045-000002")


def test_an_appeal_nobody_can_answer_is_refused_by_the_database(make_appeal):
    appeal = make_appeal()

    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=appeal.pk).update(contact_phone="", contact_email="")


def test_the_database_refuses_a_deadline_past_the_legal_maximum(make_appeal):
    appeal = make_appeal()

    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=appeal.pk).update(due_date=appeal.latest_due_date + timedelta(days=1))


def test_registration_without_phone_or_email_is_refused_with_a_message(reference):
    with pytest.raises(ValidationError) as exc:
        register_appeal(channel="web", text="Some long enough text of an appeal", contact=Contact(name="X"))

    assert "телефон или эл. почта" in str(exc.value)
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("category", "district", "text", "department"),
    [
        ("public-transport", None, "Автобус 12 не ходит", "transport-traffic"),
        ("courtyard", "bostandyk", "Во дворе сломана скамейка", "akimat-bostandyk"),
        ("courtyard", None, "Во дворе сломана скамейка", "public-spaces"),
        ("road-repair", "medeu", "Яма во дворе дома", "akimat-medeu"),
        ("road-repair", "medeu", "Огромная яма на проспекте Достык", "roads"),
        ("road-repair", "auezov", "Не работает светофор, яма у перехода", "transport-traffic"),
        ("heating", "turksib", "В квартире холодно, батареи чуть тёплые", "energy-water"),
        ("other", "almaly", "Очередь в детский сад не двигается", "education"),
        ("other", "alatau", "Қайда жүгінуге болады", "triage"),
        (None, None, "Не знаю, куда писать", "triage"),
        ("waste", None, "Пахнет газом в подъезде, утечка газа", "energy-water"),
    ],
)
def test_routing_picks_the_responsible_department(make_appeal, category, district, text, department):
    appeal = make_appeal(
        category=Category.objects.get(code=category) if category else None,
        district=District.objects.get(code=district) if district else None,
        text=text,
    )

    assert route_appeal(appeal_id=appeal.pk) is True

    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ROUTED
    assert appeal.department.code == department
    assert appeal.events.filter(kind=EventKind.ROUTED, department__code=department).count() == 1


def test_a_renamed_department_hands_over_to_its_successor(make_appeal):
    Category.objects.filter(code="public-transport").update(default_department=Department.objects.get(code="mobility"))
    appeal = make_appeal()

    route_appeal(appeal_id=appeal.pk)

    appeal.refresh_from_db()
    assert appeal.department.code == "transport-traffic"


def test_routing_twice_changes_nothing_the_second_time(make_appeal):
    appeal = make_appeal()

    assert route_appeal(appeal_id=appeal.pk) is True
    first = Appeal.objects.values().get(pk=appeal.pk)
    assert route_appeal(appeal_id=appeal.pk) is False

    assert Appeal.objects.values().get(pk=appeal.pk) == first
    assert appeal.events.filter(kind=EventKind.ROUTED).count() == 1


def test_the_sweeper_routes_only_what_waited_too_long(make_appeal):
    old, fresh = make_appeal(), make_appeal()
    Appeal.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(minutes=3))

    assert services.lost_appeals_count() == 1
    assert services.redispatch_waiting(older_than=timedelta(seconds=30)) == 1

    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == AppealStatus.ROUTED
    assert fresh.status == AppealStatus.REGISTERED
    assert services.lost_appeals_count() == 0


def test_one_sweep_drains_a_backlog_larger_than_its_batch_oldest_first(make_appeal):
    appeals = [make_appeal() for _ in range(5)]
    for minutes, appeal in enumerate(appeals, start=3):
        Appeal.objects.filter(pk=appeal.pk).update(received_at=timezone.now() - timedelta(minutes=minutes))

    assert services.redispatch_waiting(older_than=timedelta(seconds=30), batch=2) == 5
    assert services.lost_appeals_count() == 0
    routed_order = Appeal.objects.filter(pk__in=[a.pk for a in appeals]).order_by("routed_at", "pk")
    assert [a.pk for a in routed_order] == [a.pk for a in reversed(appeals)]  # the longest waiting first


def routed(make_appeal, **fields) -> Appeal:
    appeal = make_appeal(**fields)
    route_appeal(appeal_id=appeal.pk)
    appeal.refresh_from_db()
    return appeal


def test_the_whole_life_of_an_appeal(make_appeal, specialist, head, citizen):
    appeal = make_appeal(citizen=citizen)
    route_appeal(appeal_id=appeal.pk)
    appeal.refresh_from_db()

    services.take_appeal(appeal=appeal, actor=specialist)
    services.request_information(appeal=appeal, actor=specialist, text="Укажите номер остановки.")
    services.provide_information(appeal=appeal, text="Остановка 1234", citizen=citizen)
    services.extend_deadline(appeal=appeal, actor=head, new_due_date=appeal.due_date + timedelta(days=5),
                             reason="Нужна проверка перевозчика")  # fmt: skip
    services.add_note(appeal=appeal, actor=specialist, text="Позвонил перевозчику")
    services.answer_appeal(appeal=appeal, actor=specialist, text="Маршрут восстановлен.", outcome=Outcome.RESOLVED)
    services.close_appeal(appeal=appeal, actor=citizen)

    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED
    assert appeal.outcome == Outcome.RESOLVED
    assert appeal.assignee == specialist and appeal.extended
    kinds = list(appeal.events.values_list("kind", flat=True))
    assert kinds == ["registered", "routed", "taken", "info_requested", "info_provided", "extended", "note",
                     "answered", "closed"]  # fmt: skip
    assert not appeal.events.get(kind=EventKind.NOTE).is_public
    # the citizen heard of: registration, the information request, the extension, the answer
    assert Notification.objects.filter(appeal=appeal, to="+77011112233").count() == 4


def test_an_extension_beyond_two_months_is_refused(make_appeal, specialist, head):
    appeal = routed(make_appeal)
    services.take_appeal(appeal=appeal, actor=specialist)

    with pytest.raises(ValidationError, match="не позднее"):
        services.extend_deadline(appeal=appeal, actor=head, new_due_date=appeal.latest_due_date + timedelta(days=1),
                                 reason="…")  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.extend_deadline(appeal=appeal, actor=specialist, new_due_date=appeal.due_date + timedelta(days=1),
                                 reason="only a head may")  # fmt: skip
    appeal.refresh_from_db()
    assert not appeal.extended
    assert not appeal.events.filter(kind=EventKind.EXTENDED).exists()


def test_staff_of_another_department_cannot_act(make_appeal, outsider):
    appeal = routed(make_appeal)

    with pytest.raises(PermissionDenied):
        services.take_appeal(appeal=appeal, actor=outsider)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ROUTED


def test_redirect_to_another_department_and_outside_the_akimat(make_appeal, specialist, citizen):
    appeal = routed(make_appeal)
    roads = Department.objects.get(code="roads")

    services.redirect_appeal(appeal=appeal, actor=specialist, reason="Это дорога", department=roads)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ROUTED and appeal.department == roads and appeal.assignee is None

    roads.memberships.create(user=specialist)
    services.redirect_appeal(appeal=appeal, actor=specialist, reason="Ведение МВД", external_body="ДП г. Алматы")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED
    assert appeal.outcome == Outcome.REDIRECTED and appeal.external_body == "ДП г. Алматы"
    assert list(appeal.events.filter(kind=EventKind.REDIRECTED).values_list("data__to", flat=True)) == [
        roads.name,
        "ДП г. Алматы",
    ]


def test_a_late_redirect_needs_the_head(make_appeal, specialist, head):
    appeal = routed(make_appeal)
    Appeal.objects.filter(pk=appeal.pk).update(redirect_due_date=timezone.localdate() - timedelta(days=1))
    appeal.refresh_from_db()
    roads = Department.objects.get(code="roads")

    with pytest.raises(PermissionDenied):
        services.redirect_appeal(appeal=appeal, actor=specialist, reason="late", department=roads)
    services.redirect_appeal(appeal=appeal, actor=head, reason="late, by the head", department=roads)

    appeal.refresh_from_db()
    assert appeal.department == roads
    assert appeal.events.get(kind=EventKind.REDIRECTED).data["late"] is True


def test_a_disputed_answer_becomes_a_complaint_to_the_head(make_appeal, specialist, head, citizen, outsider):
    appeal = routed(make_appeal, citizen=citizen)
    services.take_appeal(appeal=appeal, actor=specialist)
    services.answer_appeal(appeal=appeal, actor=specialist, text="Отказано: ст. 76 АППК.", outcome=Outcome.DECLINED)

    with pytest.raises(PermissionDenied):  # only the author disputes
        services.reopen_as_complaint(appeal=appeal, text="Не согласен с ответом", citizen=outsider)
    complaint = services.reopen_as_complaint(appeal=appeal, text="Не согласен с ответом", citizen=citizen)
    route_appeal(appeal_id=complaint.pk)

    appeal.refresh_from_db()
    complaint.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED
    assert complaint.kind == "complaint" and complaint.parent == appeal
    assert complaint.department == appeal.department and complaint.assignee == head
    assert complaint.due_date > appeal.due_date


def test_withdrawn_appeal_cannot_be_taken(make_appeal, specialist):
    appeal = routed(make_appeal)
    services.withdraw_appeal(appeal=appeal, reason="Решилось само")

    with pytest.raises(TransitionNotAllowed):
        services.take_appeal(appeal=appeal, actor=specialist)


FORBIDDEN = [
    # (state reached by these steps, the action that must be refused)
    ("registered", "take"),
    ("registered", "answer"),
    ("registered", "close"),
    ("routed", "answer"),
    ("routed", "request_information"),
    ("routed", "provide_information"),
    ("routed", "close"),
    ("in_progress", "take"),
    ("in_progress", "provide_information"),
    ("in_progress", "close"),
    ("info_requested", "answer"),
    ("info_requested", "request_information"),
    ("answered", "take"),
    ("answered", "answer"),
    ("answered", "withdraw"),
    ("answered", "request_information"),
    ("closed", "take"),
    ("closed", "close"),
    ("closed", "withdraw"),
    ("withdrawn", "take"),
    ("withdrawn", "answer"),
    ("withdrawn", "provide_information"),
]


def reach(state: str, appeal: Appeal, specialist) -> Appeal:
    if state != "registered":
        route_appeal(appeal_id=appeal.pk)
    appeal.refresh_from_db()
    if state in ("in_progress", "info_requested", "answered", "closed"):
        services.take_appeal(appeal=appeal, actor=specialist)
    if state == "info_requested":
        services.request_information(appeal=appeal, actor=specialist, text="?")
    if state in ("answered", "closed"):
        services.answer_appeal(appeal=appeal, actor=specialist, text="Ответ", outcome=Outcome.EXPLAINED)
    if state == "closed":
        services.close_appeal(appeal=appeal, actor=specialist)
    if state == "withdrawn":
        services.withdraw_appeal(appeal=appeal)
    appeal.refresh_from_db()
    return appeal


ACTIONS = {
    "take": lambda a, s: services.take_appeal(appeal=a, actor=s),
    "answer": lambda a, s: services.answer_appeal(appeal=a, actor=s, text="x", outcome=Outcome.RESOLVED),
    "close": lambda a, s: services.close_appeal(appeal=a, actor=s),
    "request_information": lambda a, s: services.request_information(appeal=a, actor=s, text="x"),
    "provide_information": lambda a, s: services.provide_information(appeal=a, text="x"),
    "withdraw": lambda a, s: services.withdraw_appeal(appeal=a),
}


@pytest.mark.parametrize(("state", "action"), FORBIDDEN)
def test_every_forbidden_transition_is_refused_and_writes_nothing(make_appeal, specialist, state, action):
    appeal = reach(state, make_appeal(), specialist)
    before_status, before_events = appeal.status, AppealEvent.objects.filter(appeal=appeal).count()

    with pytest.raises((TransitionNotAllowed, PermissionDenied)):
        ACTIONS[action](appeal, specialist)

    appeal.refresh_from_db()
    assert appeal.status == before_status == state
    assert AppealEvent.objects.filter(appeal=appeal).count() == before_events


def test_the_outcome_constraint_holds_in_the_database(make_appeal):
    appeal = make_appeal()

    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=appeal.pk).update(outcome=Outcome.RESOLVED)


def test_beat_warns_before_the_deadline_once(make_appeal, specialist):
    appeal = routed(make_appeal)
    services.take_appeal(appeal=appeal, actor=specialist)
    Appeal.objects.filter(pk=appeal.pk).update(due_date=timezone.localdate() + timedelta(days=1))

    assert services.warn_before_deadline() == 1
    assert services.warn_before_deadline() == 0

    warning = Notification.objects.get(appeal=appeal, to=specialist.email)
    assert appeal.number in warning.subject
    assert not appeal.events.get(kind=EventKind.DEADLINE_WARNING).is_public


def test_beat_escalates_an_overdue_appeal_to_the_head_once(make_appeal, specialist, head):
    appeal = routed(make_appeal)
    Appeal.objects.filter(pk=appeal.pk).update(due_date=timezone.localdate() - timedelta(days=1))

    assert services.escalate_overdue() == 1
    assert services.escalate_overdue() == 0
    assert Notification.objects.filter(appeal=appeal, to=head.email).count() == 1


def test_beat_closes_answers_left_without_reaction(make_appeal, specialist):
    appeal = routed(make_appeal)
    services.take_appeal(appeal=appeal, actor=specialist)
    services.answer_appeal(appeal=appeal, actor=specialist, text="Ответ", outcome=Outcome.EXPLAINED)
    Appeal.objects.filter(pk=appeal.pk).update(answered_at=timezone.now() - timedelta(days=11))

    assert services.close_quiet_answered(quiet_days=10) == 1

    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED and appeal.outcome == Outcome.EXPLAINED


def test_the_beat_schedule_runs_every_sweeper():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks >= {  # other apps schedule their own tasks too (life_situations flushes guide views)
        "appeals.tasks.redispatch_waiting_appeals_task",
        "appeals.tasks.resend_pending_notifications_task",
        "appeals.tasks.warn_before_deadline_task",
        "appeals.tasks.escalate_overdue_task",
        "appeals.tasks.close_quiet_answered_task",
        "appeals.tasks.sync_calendar_task",
    }


def test_the_calendar_task_fills_the_years_ahead(reference):
    from appeals.models import CalendarDay
    from appeals.tasks import sync_calendar_task

    year = timezone.localdate().year
    CalendarDay.objects.filter(date__year=year + 2).delete()

    assert sync_calendar_task() > 0
    assert CalendarDay.objects.filter(date__year=year + 2, kind="day_off").count() >= 10
