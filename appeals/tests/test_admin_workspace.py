"""The staff workspace in Django admin, from the outside: scoping, every action, the answer check, audit."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from appeals.models import (
    Appeal,
    AppealStatus,
    Department,
    EventKind,
    MemberRole,
    Notification,
    Outcome,
    PersonalDataAccess,
    ResponseTemplate,
    RoutingRule,
)
from appeals.roles import SUPERVISORS
from appeals.services import Contact, add_department_member, route_appeal

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def routed(make_appeal, **fields) -> Appeal:
    appeal = make_appeal(**fields)
    route_appeal(appeal_id=appeal.pk)
    appeal.refresh_from_db()
    return appeal


def act(client, appeal, action: str, fields: dict | None = None):
    """POST one action's form as the page does: its fields carry the action as prefix."""
    return client.post(url(appeal, action), {f"{action}-{key}": value for key, value in (fields or {}).items()})


def url(appeal, action=None) -> str:
    return f"/admin/appeals/appeal/{appeal.pk}/" + (f"act/{action}/" if action else "change/")


# --- Scoping from the outside ----------------------------------------------------------------------------------
def test_a_specialist_cannot_list_open_export_or_act_on_another_departments_appeal(client, make_appeal, outsider):
    appeal = routed(make_appeal, attachments=[SimpleUploadedFile("фото.png", PNG)])
    assert appeal.department.code == "transport-traffic" and outsider.memberships.get().department.code == "health"
    client.force_login(outsider)

    row = f"/admin/appeals/appeal/{appeal.pk}/change/"
    assert row not in client.get("/admin/appeals/appeal/").text
    assert row not in client.get(f"/admin/appeals/appeal/?q={appeal.number}").text
    assert client.get(url(appeal)).status_code == 404
    for action in ["take", "note", "answer", "redirect", "close", "request_information", "extend"]:
        response = act(client, appeal, action, {"text": "Чужое", "outcome": "resolved"})
        assert response.status_code == 404, action
    file = appeal.attachments.get()
    assert client.get(f"/admin/appeals/appeal/{appeal.pk}/file/{file.public_id}/").status_code == 404
    export = client.post("/admin/appeals/appeal/", {"action": "export_csv", "_selected_action": [appeal.pk]})
    assert appeal.number.encode() not in export.content
    assert client.get(f"/admin/appeals/triageappeal/{appeal.pk}/change/").status_code in (302, 404)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ROUTED and not appeal.events.filter(kind=EventKind.NOTE).exists()
    assert not PersonalDataAccess.objects.filter(appeal=appeal).exists()


def test_a_citizen_or_a_guide_editor_has_no_appeal_list(client, citizen):
    client.force_login(citizen)
    assert client.get("/admin/appeals/appeal/").status_code == 302  # to the admin login
    editor = User.objects.create_user(email="editor@open-almaty.kz", password="long-secret-1", is_staff=True)
    editor.groups.add(Group.objects.get_or_create(name="Guide editors")[0])
    client.force_login(editor)
    assert client.get("/admin/appeals/appeal/").status_code == 403


def test_a_supervisor_sees_every_department_and_reassigns(client, make_appeal, reference):
    appeal = routed(make_appeal)
    supervisor = User.objects.create_user(email="boss@open-almaty.kz", password="long-secret-1", is_staff=True)
    supervisor.groups.add(Group.objects.get(name=SUPERVISORS))
    client.force_login(supervisor)
    assert appeal.number in client.get("/admin/appeals/appeal/").text
    health = Department.objects.get(code="health")
    act(client, appeal, "redirect", {"department": health.pk, "text": "Это вопрос здравоохранения."})
    appeal.refresh_from_db()
    assert appeal.department == health


# --- Each action end to end, with its event and notification ------------------------------------------------------
def test_take_request_extend_note_answer_close_through_the_admin(client, make_appeal, specialist, head):
    appeal = routed(make_appeal)
    client.force_login(specialist)
    page = client.get(url(appeal)).text
    assert "Взять в работу" in page and "Продлить срок" not in page  # a specialist cannot extend
    assert act(client, appeal, "take").status_code == 302
    act(client, appeal, "request_information", {"text": "Уточните номер остановки."})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.INFO_REQUESTED and appeal.assignee == specialist
    assert Notification.objects.filter(appeal=appeal, event__kind=EventKind.INFO_REQUESTED, for_citizen=True).exists()

    from appeals.services import provide_information

    provide_information(appeal=appeal, text="Остановка № 1234.")
    act(client, appeal, "note", {"text": "Позвонил перевозчику."})
    assert appeal.events.get(kind=EventKind.NOTE).is_public is False

    client.force_login(head)
    new_due = appeal.due_date + timezone.timedelta(days=7)
    act(client, appeal, "extend", {"new_due_date": new_due.isoformat(), "text": "Нужна проверка на месте."})
    appeal.refresh_from_db()
    assert appeal.due_date == new_due and appeal.extended

    client.force_login(specialist)
    act(client, appeal, "answer", {"outcome": Outcome.RESOLVED, "text": "Маршрут 12 восстановлен с 1 декабря."})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ANSWERED and appeal.answer_text.startswith("Маршрут 12")
    assert Notification.objects.filter(appeal=appeal, event__kind=EventKind.ANSWERED, channel="sms").exists()
    act(client, appeal, "close")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED


def test_an_action_the_state_does_not_allow_is_not_offered_and_refused_if_forced(client, make_appeal, specialist):
    appeal = routed(make_appeal)
    client.force_login(specialist)
    assert "Отправить ответ" not in client.get(url(appeal)).text  # not taken yet: no answer
    response = act(client, appeal, "answer", {"outcome": Outcome.RESOLVED, "text": "Готово, всё сделано."})
    assert response.status_code == 400
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.ROUTED


def test_redirect_to_another_department_and_to_a_body_outside(client, make_appeal, specialist):
    first, second = routed(make_appeal), routed(make_appeal)
    client.force_login(specialist)
    health = Department.objects.get(code="health")
    act(client, first, "redirect", {"department": health.pk, "text": "Не наш вопрос."})
    act(client, second, "redirect", {"external_body": "Департамент полиции г. Алматы", "text": "Ведение полиции."})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.department == health and first.status == AppealStatus.ROUTED
    assert second.status == AppealStatus.CLOSED and second.outcome == Outcome.REDIRECTED


# --- The answer check ---------------------------------------------------------------------------------------------
def in_progress(make_appeal, specialist, **fields) -> Appeal:
    from appeals.services import take_appeal

    appeal = routed(make_appeal, **fields)
    take_appeal(appeal=appeal, actor=specialist)
    return appeal


def test_the_answer_check_says_what_is_missing_and_keeps_the_text(client, make_appeal, specialist, department):
    kazakh = in_progress(make_appeal, specialist, language="kk")
    template = ResponseTemplate.objects.create(
        department=department,
        title="Маршрут",
        language="ru",
        text="Маршрут [номер] восстановлен.",
        outcome=Outcome.RESOLVED,
    )
    client.force_login(specialist)
    response = act(client, kazakh, "answer", {"outcome": Outcome.DECLINED, "text": template.text +
                                                   " Схема прилагается."})  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    for problem in ["на казахском", "[скобках]", "правовое основание", "приложенные файлы"]:
        assert problem in page, problem
    assert "Маршрут [номер] восстановлен." in page  # nothing typed is lost
    assert Appeal.objects.get(pk=kazakh.pk).status == AppealStatus.IN_PROGRESS


def test_an_unedited_template_is_refused_and_a_head_can_override_with_a_reason(client, make_appeal, specialist, head,
                                                                              department):  # fmt: skip
    appeal = in_progress(make_appeal, specialist)
    text = "Ваше обращение рассмотрено, маршрут восстановлен."
    ResponseTemplate.objects.create(department=department, title="Общий", text=text)
    client.force_login(specialist)
    data = {"outcome": Outcome.RESOLVED, "text": text, "override_reason": "Ответ подходит дословно."}
    assert act(client, appeal, "answer", {**data, "override_reason": ""}).status_code == 400
    assert act(client, appeal, "answer", data).status_code == 400  # a specialist cannot override
    client.force_login(head)
    act(client, appeal, "answer", data)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ANSWERED
    assert appeal.events.get(kind=EventKind.ANSWERED).data["override"] == "Ответ подходит дословно."


def test_a_good_answer_from_a_template_goes_out(client, make_appeal, specialist, department):
    appeal = in_progress(make_appeal, specialist)
    ResponseTemplate.objects.create(department=department, title="Маршрут", text="Маршрут [номер] восстановлен.")
    client.force_login(specialist)
    assert "Маршрут [номер] восстановлен." in client.get(url(appeal)).text  # offered on the page
    act(client, appeal, "answer", {"outcome": Outcome.DECLINED,
                                        "text": "Отказано: маршрут 12 не продлевается (ст. 76 АППК), см. схему.",
                                        "attachments": SimpleUploadedFile("схема.png", PNG)})  # fmt: skip
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ANSWERED and appeal.attachments.get().original_name == "схема.png"


# --- Audit, search, triage, rules ---------------------------------------------------------------------------------
def test_every_view_of_the_citizens_card_is_logged_and_supervisors_read_the_log(client, make_appeal, specialist):
    appeal = routed(make_appeal)
    client.force_login(specialist)
    assert "+77011112233" in client.get(url(appeal)).text
    client.get(url(appeal))
    assert PersonalDataAccess.objects.filter(appeal=appeal, user=specialist).count() == 2
    assert client.get("/admin/appeals/personaldataaccess/").status_code == 403
    supervisor = User.objects.create_user(email="boss@open-almaty.kz", password="long-secret-1", is_staff=True)
    supervisor.groups.add(Group.objects.get(name=SUPERVISORS))
    client.force_login(supervisor)
    assert appeal.number in client.get("/admin/appeals/personaldataaccess/").text


def test_search_by_number_phone_iin_and_words(client, make_appeal, specialist):
    bus = routed(make_appeal, text="Автобус 92 не останавливается у рынка «Алтын Орда».",
                 contact=Contact(name="А", phone="+77015550011", iin="900101300007"))  # fmt: skip
    other = routed(make_appeal, text="Светофор на Абая — Манаса не работает с утра.")
    client.force_login(specialist)
    for term in [bus.number.lower(), "8 701 555 00 11", "900101300007", "алтын орда"]:
        page = client.get("/admin/appeals/appeal/", {"q": term}).text
        assert bus.number in page and other.number not in page, term


def test_deep_pages_go_by_keyset(client, make_appeal, specialist):
    appeals = [routed(make_appeal) for _ in range(3)]
    client.force_login(specialist)
    first = client.get("/admin/appeals/appeal/", {"o": ""})
    from appeals.admin.workspace import AppealAdmin

    AppealAdmin.list_per_page = 2
    try:
        page = client.get("/admin/appeals/appeal/")
        assert page.context["cl"].keyset_next
        older = client.get("/admin/appeals/appeal/" + page.context["cl"].keyset_next).text
    finally:
        AppealAdmin.list_per_page = 50
    assert first.status_code == 200
    assert appeals[0].number in older and appeals[2].number not in older


def test_the_triage_desk_assigns_in_bulk(client, make_appeal, reference):
    triage = Department.objects.get(kind="triage")
    operator = User.objects.create_user(email="triage@open-almaty.kz", password="long-secret-1")
    add_department_member(user=operator, department=triage, role=MemberRole.SPECIALIST)
    operator.groups.add(Group.objects.get(name="Triage operators"))
    unknown = [routed(make_appeal, category=None, text="Непонятный вопрос без темы, просим разобраться.")
               for _ in range(2)]  # fmt: skip
    assert {a.department for a in unknown} == {triage}
    client.force_login(operator)
    assert unknown[0].number in client.get("/admin/appeals/triageappeal/").text
    roads = Department.objects.get(code="roads")
    ids = [a.pk for a in unknown]
    form = client.post("/admin/appeals/triageappeal/", {"action": "assign", "_selected_action": ids})
    assert "Назначить" in form.text
    client.post("/admin/appeals/triageappeal/", {"action": "assign", "_selected_action": ids, "apply": "1",
                                                 "department": roads.pk, "reason": "Ямы на дороге."})  # fmt: skip
    assert set(Appeal.objects.filter(pk__in=ids).values_list("department__code", flat=True)) == {"roads"}


def test_a_rule_can_be_tested_on_recent_appeals(client, make_appeal, reference):
    hit = routed(make_appeal, text="Яма на дороге у школы № 12, машины бьют колёса.")
    miss = routed(make_appeal, text="Светофор не работает с утра.")
    rule = RoutingRule.objects.create(name="Ямы", priority=1, keywords="яма",
                                      department=Department.objects.get(code="roads"))  # fmt: skip
    admin = User.objects.create_superuser(email="root@open-almaty.kz", password="long-secret-1")
    client.force_login(admin)
    page = client.get(f"/admin/appeals/routingrule/{rule.pk}/preview/").text
    assert hit.number in page and miss.number not in page


def test_the_staff_home_shows_my_queue(client, make_appeal, specialist):
    from appeals.services import take_appeal

    appeal = routed(make_appeal)
    take_appeal(appeal=appeal, actor=specialist)
    client.force_login(specialist)
    page = client.get("/admin/")
    assert page.status_code == 200 and "в моей очереди" in page.text
    assert "/admin/appeals/appeal/?assignee=me" in page.text


def test_the_admin_speaks_kazakh(client, make_appeal, specialist):
    appeal = routed(make_appeal)
    client.force_login(specialist)
    page = client.get(f"/kk/admin/appeals/appeal/{appeal.pk}/change/").text
    assert "Жұмысқа алу" in page
