"""The register: one submission for the whole group, and what follows from each mark."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from groupwork.attendance.models import (
    Absence,
    AbsenceStatus,
    Attendance,
    CatchUp,
    CatchUpStatus,
    Outcome,
    Register,
)
from groupwork.attendance.services import Mark, decide_absence, save_register
from groupwork.attendance.tests.factories import CatchUpFactory
from groupwork.audit.models import Action, AuditEvent
from groupwork.enforcement.models import Advice, EnforcementItem
from groupwork.groups.models import Group, Session
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
from groupwork.organisation.models import Role, User
from groupwork.organisation.tests.factories import AreaFactory, UserFactory
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory
from groupwork.tasks.models import Task, TaskKind

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 11, 2)


@dataclass
class Setting:
    group: Group
    sessions: list[Session]
    men: list[Referral]
    facilitator: User


def make_group(men: int = 3) -> Setting:
    area = AreaFactory.create()
    facilitator = UserFactory.create(role=Role.FACILITATOR, area=area)
    group = GroupFactory.create(area=area, facilitators=[facilitator], start_date=MONDAY)
    sessions = [
        SessionFactory.create(
            group=group, number=6 + week, date=MONDAY + datetime.timedelta(weeks=week)
        )
        for week in range(4)
    ]
    referrals = []
    for _ in range(men):
        referral = ReferralFactory.create(participant__area=area, status_id="on_programme")
        MembershipFactory.create(group=group, referral=referral, joined_on=MONDAY)
        referrals.append(referral)
    return Setting(group, sessions, referrals, facilitator)


def register_url(setting: Setting, session: Session) -> str:
    return f"/groups/{setting.group.pk}/sessions/{session.pk}/register/"


def form_data(marks: dict[Referral, dict[str, Any]], version: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {"version": version, "note": "Good energy in the room."}
    for referral, fields in marks.items():
        for name, value in fields.items():
            data[f"m-{referral.pk.hex}-{name}"] = value
    return data


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_whole_group_is_marked_in_one_submission() -> None:
    setting = make_group()
    came, late, away = setting.men
    session = setting.sessions[0]
    response = signed_in(setting.facilitator).post(
        register_url(setting, session),
        form_data(
            {
                came: {"choice": "attended", "rule_breaches": ["respect"]},
                late: {"choice": "attended", "minutes_late": "25"},
                away: {"choice": "absent", "absence_reason": "illness"},
            }
        ),
    )
    assert response.status_code == 302
    outcomes = dict(Attendance.objects.values_list("referral_id", "outcome"))
    assert outcomes == {
        came.pk: Outcome.ATTENDED,
        late.pk: Outcome.FAILED_TO_COMPLY,  # 25 minutes is beyond the programme's 10
        away.pk: Outcome.ABSENT_PENDING,
    }
    assert Attendance.objects.get(referral=came).rule_breaches == ["respect"]
    absence = Absence.objects.get(referral=away)
    assert absence.status == AbsenceStatus.PENDING
    assert absence.evidence_due == datetime.date(2026, 11, 9)  # five working days on
    # The late man missed part of the content; both need a catch-up of session 6's content.
    catch_ups = {c.referral_id: c.content for c in CatchUp.objects.all()}
    assert catch_ups == {late.pk: [6], away.pk: [6]}
    item = EnforcementItem.objects.get()
    assert item.referral == late
    assert item.advice == Advice.WARN_OR_REFER
    assert item.must_act_by == datetime.date(2026, 11, 16)
    assert "25 minutes late" in item.failure
    register = Register.objects.get(session=session)
    assert (register.version, register.note) == (1, "Good energy in the room.")
    session.refresh_from_db()
    assert session.register_taken_at is not None


def test_the_session_note_stays_on_the_session() -> None:
    setting = make_group(men=1)
    session = setting.sessions[0]
    signed_in(setting.facilitator).post(
        register_url(setting, session), form_data({setting.men[0]: {"choice": "attended"}})
    )
    attendance = Attendance.objects.get()
    assert attendance.note == ""
    changed = AuditEvent.objects.filter(action=Action.REGISTER_TAKEN, participant__isnull=False)
    assert all("Good energy" not in str(event.new_values) for event in changed)


def test_a_second_save_from_an_old_copy_is_refused_and_shows_both_versions() -> None:
    setting = make_group(men=2)
    first, second = setting.men
    session = setting.sessions[0]
    url = register_url(setting, session)
    alice, bob = (
        signed_in(setting.facilitator),
        signed_in(UserFactory.create(role=Role.PROGRAMME_MANAGER, area=setting.group.area)),
    )
    alice.get(url)
    bob.get(url)
    alice.post(url, form_data({first: {"choice": "attended"}, second: {"choice": "attended"}}))
    response = bob.post(
        url, form_data({first: {"choice": "absent"}, second: {"choice": "attended"}}, version=0)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "saved this register" in page
    assert "Their saved version" in page
    assert Attendance.objects.get(referral=first).outcome == Outcome.ATTENDED
    assert not Absence.objects.exists()
    assert Register.objects.get().version == 1
    assert 'name="version" value="1"' in page  # saving again now is a deliberate choice
    again = bob.post(
        url, form_data({first: {"choice": "absent"}, second: {"choice": "attended"}}, version=1)
    )
    assert again.status_code == 302
    assert Attendance.objects.get(referral=first).outcome == Outcome.ABSENT_PENDING


def test_a_man_owing_a_catch_up_needs_a_reason_to_take_part() -> None:
    setting = make_group(men=1)
    man = setting.men[0]
    CatchUpFactory.create(referral=man, missed_session=setting.sessions[0])
    url = register_url(setting, setting.sessions[1])
    client = signed_in(setting.facilitator)
    page = client.get(url).content.decode()
    assert "Catch-up needed first" in page
    refused = client.post(url, form_data({man: {"choice": "attended"}}))
    assert refused.status_code == 200
    assert "He needs a catch-up first" in refused.content.decode()
    assert not Attendance.objects.exists()
    allowed = client.post(
        url,
        form_data({man: {"choice": "attended", "catch_up_override": "Catch-up booked for Friday"}}),
    )
    assert allowed.status_code == 302
    assert Attendance.objects.get().catch_up_override == "Catch-up booked for Friday"


def test_a_done_catch_up_no_longer_blocks() -> None:
    setting = make_group(men=1)
    man = setting.men[0]
    CatchUpFactory.create(
        referral=man, missed_session=setting.sessions[0], status=CatchUpStatus.DONE
    )
    response = signed_in(setting.facilitator).post(
        register_url(setting, setting.sessions[1]), form_data({man: {"choice": "attended"}})
    )
    assert response.status_code == 302


def test_correcting_an_absence_to_present_withdraws_what_it_caused() -> None:
    setting = make_group(men=1)
    man = setting.men[0]
    session = setting.sessions[0]
    save_register(
        acting_user=setting.facilitator,
        session=session,
        version=0,
        marks=[Mark(referral_id=man.pk, choice="absent")],
        note="",
    )
    assert Absence.objects.exists()
    assert CatchUp.objects.exists()
    save_register(
        acting_user=setting.facilitator,
        session=session,
        version=1,
        marks=[Mark(referral_id=man.pk, choice="attended")],
        note="",
    )
    assert not Absence.objects.exists()
    assert not CatchUp.objects.exists()


def test_the_third_miss_in_a_block_proposes_a_restart() -> None:
    setting = make_group(men=1)
    man = setting.men[0]
    next_start = GroupFactory.create(
        area=setting.group.area, name="Next induction", start_date=datetime.date(2027, 1, 4)
    )
    for number, session in enumerate(setting.sessions[:3]):
        save_register(
            acting_user=setting.facilitator,
            session=session,
            version=0,
            marks=[
                Mark(
                    referral_id=man.pk,
                    choice="absent",
                    catch_up_override="Let in" if number else "",
                )
            ],
            note="",
        )
        raised = Task.objects.filter(kind=TaskKind.RESTART_PROPOSED)
        assert raised.count() == (1 if number == 2 else 0)
    task = Task.objects.get(kind=TaskKind.RESTART_PROPOSED)
    assert task.assigned_to == man.responsible_officer
    assert next_start.name in task.summary


def test_a_cancelled_by_the_service_mark_never_counts_against_him() -> None:
    setting = make_group(men=1)
    man = setting.men[0]
    save_register(
        acting_user=setting.facilitator,
        session=setting.sessions[0],
        version=0,
        marks=[Mark(referral_id=man.pk, choice="cancelled")],
        note="",
    )
    assert Attendance.objects.get().outcome == Outcome.CANCELLED
    assert not Absence.objects.exists()
    assert not EnforcementItem.objects.exists()


def test_failing_to_comply_needs_a_failure() -> None:
    setting = make_group(men=1)
    response = signed_in(setting.facilitator).post(
        register_url(setting, setting.sessions[0]),
        form_data({setting.men[0]: {"choice": "failed_to_comply"}}),
    )
    assert response.status_code == 200
    assert "Say how he failed to comply" in response.content.decode()


def test_every_mark_is_audited_and_the_page_read_too() -> None:
    setting = make_group(men=2)
    url = register_url(setting, setting.sessions[0])
    client = signed_in(setting.facilitator)
    client.get(url)
    viewed = AuditEvent.objects.filter(action=Action.REGISTER_VIEWED)
    assert {event.participant_id for event in viewed} == {m.participant_id for m in setting.men}
    client.post(url, form_data({man: {"choice": "attended"} for man in setting.men}))
    marked = AuditEvent.objects.filter(action=Action.REGISTER_TAKEN, participant__isnull=False)
    assert {event.participant_id for event in marked} == {m.participant_id for m in setting.men}


def queries_to_save(men: int) -> int:
    setting = make_group(men=men)
    session = setting.sessions[0]
    marks = [
        Mark(referral_id=man.pk, choice=choice)
        for man, choice in zip(
            setting.men, ["attended", "absent", "failed_to_comply"] * men, strict=False
        )
    ]
    marks = [
        Mark(referral_id=m.referral_id, choice=m.choice, failures=("disruptive",))
        if m.choice == "failed_to_comply"
        else m
        for m in marks
    ]
    with CaptureQueriesContext(connection) as captured:
        save_register(
            acting_user=setting.facilitator, session=session, version=0, marks=marks, note=""
        )
    return len(captured)


def test_saving_a_register_takes_the_same_queries_for_3_men_as_for_11() -> None:
    assert queries_to_save(3) == queries_to_save(11)


def test_the_register_page_takes_a_fixed_number_of_queries(
    django_assert_num_queries: Any,
) -> None:
    small, large = make_group(men=2), make_group(men=9)
    for setting in (small, large):
        client = signed_in(setting.facilitator)
        client.get(register_url(setting, setting.sessions[1]))  # warm the session
        with django_assert_num_queries(REGISTER_PAGE_QUERIES):
            client.get(register_url(setting, setting.sessions[1]))


REGISTER_PAGE_QUERIES = 15


@pytest.mark.parametrize("persona", ["other_facilitator", "officer"])
def test_staff_without_the_group_cannot_open_its_register(persona: str) -> None:
    setting = make_group(men=1)
    users = {
        "other_facilitator": UserFactory.create(role=Role.FACILITATOR, area=setting.group.area),
        "officer": setting.men[0].responsible_officer,
    }
    response = signed_in(users[persona]).get(register_url(setting, setting.sessions[0]))
    assert response.status_code == {"other_facilitator": 404, "officer": 403}[persona]


def test_an_unknown_session_is_not_found_and_put_is_not_allowed() -> None:
    setting = make_group(men=1)
    client = signed_in(setting.facilitator)
    assert client.get(f"/groups/{setting.group.pk}/sessions/999999/register/").status_code == 404
    assert client.put(register_url(setting, setting.sessions[0])).status_code == 405


def absent_then(setting: Setting, choice: str, **extra: Any) -> None:
    man, session = setting.men[0], setting.sessions[0]
    save_register(
        acting_user=setting.facilitator,
        session=session,
        version=0,
        marks=[Mark(referral_id=man.pk, choice="absent")],
        note="",
    )
    save_register(
        acting_user=setting.facilitator,
        session=session,
        version=1,
        marks=[Mark(referral_id=man.pk, choice=choice, **extra)],
        note="",
    )


def test_a_session_the_service_cancelled_or_one_still_to_come_has_no_register() -> None:
    setting = make_group(men=1)
    mark = [Mark(referral_id=setting.men[0].pk, choice="attended")]
    cancelled = setting.sessions[0]
    cancelled.status = "cancelled"
    cancelled.save()
    future = SessionFactory.create(group=setting.group, number=20, date=datetime.date(2027, 1, 4))
    for session in (cancelled, future):
        with pytest.raises(ValidationError):
            save_register(
                acting_user=setting.facilitator, session=session, version=0, marks=mark, note=""
            )
    assert not Attendance.objects.exists()


def test_marking_him_cancelled_withdraws_his_pending_absence_and_its_task() -> None:
    setting = make_group(men=1)
    man = setting.men[0]
    save_register(
        acting_user=setting.facilitator,
        session=setting.sessions[0],
        version=0,
        marks=[Mark(referral_id=man.pk, choice="absent", absence_reason="illness")],
        note="",
    )
    absence = Absence.objects.get()
    task = Task.objects.create(
        kind=TaskKind.SICK_NOTE_OVERDUE,
        key=f"absence-{absence.pk}",
        referral=man,
        assigned_to=man.responsible_officer,
        due_on=MONDAY,
        summary="Decide",
    )
    save_register(
        acting_user=setting.facilitator,
        session=setting.sessions[0],
        version=1,
        marks=[Mark(referral_id=man.pk, choice="cancelled")],
        note="",
    )
    assert not Absence.objects.exists()
    task.refresh_from_db()
    assert task.closed_at is not None
    assert AuditEvent.objects.filter(detail__withdrawn=f"absence-{absence.pk}").exists()


def test_a_reason_given_on_a_later_save_starts_the_sick_note_clock() -> None:
    setting = make_group(men=1)
    absent_then(setting, "absent", absence_reason="illness")
    absence = Absence.objects.get()
    assert absence.reason == "illness"
    assert absence.evidence_due == datetime.date(2026, 11, 9)


def test_a_decided_absence_cannot_be_turned_into_another_mark() -> None:
    setting = make_group(men=1)
    man = setting.men[0]
    absent_then(setting, "absent")
    decide_absence(
        acting_user=man.responsible_officer,
        absence=Absence.objects.get(),
        acceptable=False,
        reason="No reason given.",
    )
    item = EnforcementItem.objects.get()
    assert item.attendance == Attendance.objects.get()
    with pytest.raises(ValidationError, match="already decided"):
        save_register(
            acting_user=setting.facilitator,
            session=setting.sessions[0],
            version=2,
            marks=[Mark(referral_id=man.pk, choice="cancelled")],
            note="",
        )
    assert EnforcementItem.objects.get() == item


def test_a_mark_acted_on_cannot_change_and_a_new_failure_is_reworded() -> None:
    setting = make_group(men=1)
    man = setting.men[0]
    absent_then(setting, "failed_to_comply", failures=("late",), minutes_late=25)
    disruptive = Mark(referral_id=man.pk, choice="failed_to_comply", failures=("disruptive",))
    save_register(
        acting_user=setting.facilitator,
        session=setting.sessions[0],
        version=2,
        marks=[disruptive],
        note="",
    )
    item = EnforcementItem.objects.get()
    assert "disruptive" in item.failure
    assert "late" not in item.failure
    item.action_taken = "warning"
    item.action_on = MONDAY
    item.save()
    with pytest.raises(ValidationError, match="already acted"):
        save_register(
            acting_user=setting.facilitator,
            session=setting.sessions[0],
            version=3,
            marks=[Mark(referral_id=man.pk, choice="attended")],
            note="",
        )


def test_only_his_own_officer_or_their_manager_decides_his_absence() -> None:
    setting = make_group(men=1)
    absent_then(setting, "absent")
    other_officer = UserFactory.create(role=Role.OFFENDER_MANAGER, area=setting.group.area)
    with pytest.raises(PermissionDenied):
        decide_absence(
            acting_user=other_officer,
            absence=Absence.objects.get(),
            acceptable=True,
            reason="Seems fine.",
        )


def test_saving_again_writes_only_the_marks_that_changed() -> None:
    setting = make_group(men=3)
    session = setting.sessions[0]
    first, second, third = setting.men
    marks = [Mark(referral_id=man.pk, choice="attended") for man in setting.men]
    save_register(acting_user=setting.facilitator, session=session, version=0, marks=marks, note="")
    before = {a.referral_id: a.recorded_at for a in Attendance.objects.all()}
    colleague = UserFactory.create(role=Role.FACILITATOR, area=setting.group.area)

    marks[1] = Mark(referral_id=second.pk, choice="attended", minutes_late=5)
    save_register(acting_user=colleague, session=session, version=1, marks=marks, note="")

    after = {a.referral_id: (a.recorded_by, a.recorded_at) for a in Attendance.objects.all()}
    assert after[first.pk] == (setting.facilitator, before[first.pk])
    assert after[third.pk] == (setting.facilitator, before[third.pk])
    assert after[second.pk][0] == colleague
    assert after[second.pk][1] > before[second.pk]
    assert Attendance.objects.get(referral=second).minutes_late == 5
