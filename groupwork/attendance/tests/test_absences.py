"""Absences told to us by phone, the sick-note clock, and the officer's decision."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from groupwork.attendance.models import (
    Absence,
    AbsenceReason,
    AbsenceStatus,
    Attendance,
    HowReported,
    Outcome,
)
from groupwork.attendance.services import decide_absence, report_absence
from groupwork.attendance.tests.factories import AttendanceFactory
from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World, client_for
from groupwork.enforcement.models import EnforcementItem
from groupwork.groups.models import Session, SessionStatus
from groupwork.groups.tests.factories import SessionFactory
from groupwork.organisation.models import ClosureDay

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    # A Thursday: the world's session 6 was last Monday, 7 December 2026.
    time_machine.move_to("2026-12-10 10:00 +0000", tick=False)


def later_session(world: World, *, number: int = 7, day: datetime.date | None = None) -> Session:
    session: Session = SessionFactory.create(
        group=world.worcester_group, number=number, date=day or datetime.date(2026, 12, 14)
    )
    return session


def report_url(world: World) -> str:
    return f"/participants/{world.worcester_man.pk}/absences/new/"


def decide_data(**changes: str) -> dict[str, str]:
    data = {
        "evidence_received_on_day": "9",
        "evidence_received_on_month": "12",
        "evidence_received_on_year": "2026",
        "evidence": "Fit note from Dr Shah: flu, 7 to 11 December",
        "decision": "acceptable",
        "reason": "The note covers the session.",
    }
    data.update(changes)
    return data


# Reporting


def test_an_absence_reported_by_phone_is_recorded_by_whoever_took_the_call(
    world: World,
) -> None:
    session = later_session(world)
    response = client_for(world, "fac.worcester").post(
        report_url(world),
        {
            "session": str(session.pk),
            "reason": AbsenceReason.WORK,
            "how_reported": HowReported.PHONE,
            "details": "Rang at 9: his shift was changed.",
        },
    )
    absence = Absence.objects.get(session=session)
    assert response.status_code == 302
    assert response["Location"] == f"/absences/{absence.pk}/"
    assert absence.referral == world.worcester_referral
    assert absence.reported_by == world.users["fac.worcester"]
    assert absence.how_reported == HowReported.PHONE
    assert absence.status == AbsenceStatus.PENDING
    assert absence.evidence_due is None
    event = AuditEvent.objects.get(action=Action.ABSENCE_REPORTED)
    assert event.actor == world.users["fac.worcester"]
    assert event.participant == world.worcester_man
    assert event.new_values["reason"] == AbsenceReason.WORK


def test_the_form_offers_his_group_sessions_from_two_weeks_ago_to_four_weeks_ahead(
    world: World,
) -> None:
    in_window = [
        later_session(world, number=2, day=datetime.date(2026, 11, 26)),
        world.worcester_session,
        later_session(world, number=9, day=datetime.date(2027, 1, 7)),
    ]
    later_session(world, number=1, day=datetime.date(2026, 11, 25))  # 15 days ago
    later_session(world, number=10, day=datetime.date(2027, 1, 8))  # 29 days ahead
    cancelled = later_session(world, number=8, day=datetime.date(2026, 12, 10))
    Session.objects.filter(pk=cancelled.pk).update(status=SessionStatus.CANCELLED)
    SessionFactory.create(group=world.shrewsbury_group, date=datetime.date(2026, 12, 8))
    response = client_for(world, "om.worcester").get(report_url(world))
    assert response.status_code == 200
    offered = list(response.context["form"].fields["session"].queryset)
    assert offered == in_window
    assert "Worcester group, session 6: Monday 7 December 2026, 09:30" in (
        response.content.decode()
    )


def test_the_form_does_not_offer_the_register(world: World) -> None:
    response = client_for(world, "om.worcester").get(report_url(world))
    choices = [value for value, _ in response.context["form"].fields["how_reported"].choices]
    assert HowReported.REGISTER not in choices


def test_a_medical_absence_shows_the_sick_note_due_date_over_christmas(
    world: World, time_machine: Any
) -> None:
    time_machine.move_to("2026-12-21 10:00 +0000", tick=False)
    christmas_eve = later_session(world, day=datetime.date(2026, 12, 24))
    client = client_for(world, "om.worcester")
    response = client.post(
        report_url(world),
        {
            "session": str(christmas_eve.pk),
            "reason": AbsenceReason.ILLNESS,
            "how_reported": HowReported.PHONE,
        },
        follow=True,
    )
    # Christmas Day, Boxing Day's substitute Monday and New Year's Day are not counted.
    absence = Absence.objects.get(session=christmas_eve)
    assert absence.evidence_due == datetime.date(2027, 1, 5)
    body = response.content.decode()
    assert "His doctor&#x27;s note is due by Tuesday 5 January 2027." in body
    assert "Tuesday 5 January 2027" in body.split("Doctor's note due")[1]


def test_the_sick_note_clock_skips_the_areas_closure_days(world: World) -> None:
    ClosureDay.objects.create(area=world.area, date=datetime.date(2026, 12, 15), reason="Move")
    absence = report_absence(
        acting_user=world.users["om.worcester"],
        referral=world.worcester_referral,
        session=later_session(world),
        reason=AbsenceReason.MEDICAL_APPOINTMENT,
        how_reported=HowReported.MESSAGE,
        details="",
    )
    assert absence.evidence_due == datetime.date(2026, 12, 22)


def test_reporting_again_updates_the_pending_absence(world: World) -> None:
    client = client_for(world, "om.worcester")
    client.post(
        report_url(world),
        {
            "session": str(world.worcester_session.pk),
            "reason": AbsenceReason.FAMILY_EMERGENCY,
            "how_reported": HowReported.IN_PERSON,
        },
    )
    absence = Absence.objects.get(pk=world.worcester_absence.pk)
    assert absence.reason == AbsenceReason.FAMILY_EMERGENCY
    assert absence.evidence_due is None
    assert absence.reported_by == world.users["om.worcester"]


def test_an_absence_for_a_session_he_attended_is_refused(world: World) -> None:
    session = later_session(world)
    AttendanceFactory.create(
        session=session, referral=world.worcester_referral, outcome=Outcome.ATTENDED
    )
    response = client_for(world, "om.worcester").post(
        report_url(world),
        {"session": str(session.pk), "reason": "work", "how_reported": "phone"},
    )
    assert response.status_code == 200
    assert "The register says he came to this session." in response.content.decode()
    assert not Absence.objects.filter(session=session).exists()


def test_missing_answers_are_listed(world: World) -> None:
    response = client_for(world, "om.worcester").post(report_url(world), {})
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Select the session he will miss or missed" in body
    assert "Select the reason he gave" in body


def test_reporting_for_a_man_out_of_scope_is_404(world: World) -> None:
    for persona in ["om.telford", "fac.shrewsbury", "om.otherarea"]:
        response = client_for(world, persona).post(
            report_url(world),
            {"session": str(world.worcester_session.pk), "reason": "work", "how_reported": "phone"},
        )
        assert response.status_code == 404, persona
    assert Absence.objects.count() == 1


def test_reporting_needs_a_role_that_records_absences(world: World) -> None:
    assert client_for(world, "chief.westmercia").get(report_url(world)).status_code == 403


def test_the_report_page_answers_get_and_post_only(world: World) -> None:
    client = client_for(world, "om.worcester")
    assert client.put(report_url(world)).status_code == 405
    assert client.delete(report_url(world)).status_code == 405


# The absence page


def test_the_absence_page_shows_who_reported_how_and_the_note_due(world: World) -> None:
    absence = world.worcester_absence
    response = client_for(world, "om.worcester").get(f"/absences/{absence.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Worcester group, session 6, Monday 7 December 2026" in body
    assert "Illness" in body
    assert f"By phone, recorded by {world.users['fac.worcester'].get_full_name()}" in body
    assert "Monday 14 December 2026" in body
    assert "Pending: his officer has not decided" in body
    assert "Overdue" not in body
    assert f'href="/absences/{absence.pk}/decide/"' in body
    assert f'href="/catch-ups/{world.worcester_catch_up.pk}/"' in body


def test_the_absence_page_says_when_the_note_is_overdue(world: World, time_machine: Any) -> None:
    time_machine.move_to("2026-12-15 10:00 +0000", tick=False)
    response = client_for(world, "om.worcester").get(f"/absences/{world.worcester_absence.pk}/")
    assert "Overdue" in response.content.decode()


def test_a_facilitator_sees_the_absence_but_not_the_decision_button(world: World) -> None:
    absence = world.worcester_absence
    response = client_for(world, "fac.worcester").get(f"/absences/{absence.pk}/")
    assert response.status_code == 200
    assert f"/absences/{absence.pk}/decide/" not in response.content.decode()


def test_reading_an_absence_is_audited(world: World) -> None:
    absence = world.worcester_absence
    client_for(world, "spo.worcester").get(f"/absences/{absence.pk}/")
    event = AuditEvent.objects.get(action=Action.PARTICIPANT_VIEWED)
    assert event.actor == world.users["spo.worcester"]
    assert event.participant == world.worcester_man
    assert (event.subject_type, event.subject_id) == ("attendance.Absence", str(absence.pk))


def test_an_absence_out_of_scope_or_unknown_is_404(world: World) -> None:
    absence = world.worcester_absence
    for persona in ["om.telford", "fac.shrewsbury", "om.otherarea"]:
        assert client_for(world, persona).get(f"/absences/{absence.pk}/").status_code == 404
    client = client_for(world, "om.worcester")
    assert client.get(f"/absences/{absence.pk + 1000}/").status_code == 404
    assert client.get(f"/absences/{absence.pk + 1000}/decide/").status_code == 404
    assert not AuditEvent.objects.filter(action=Action.PARTICIPANT_VIEWED).exists()


def test_the_absence_page_is_read_only(world: World) -> None:
    url = f"/absences/{world.worcester_absence.pk}/"
    assert client_for(world, "om.worcester").post(url).status_code == 405


# Deciding


def test_his_officer_accepts_a_medical_absence_with_its_note(world: World) -> None:
    attendance = AttendanceFactory.create(
        session=world.worcester_session,
        referral=world.worcester_referral,
        outcome=Outcome.ABSENT_PENDING,
    )
    absence = world.worcester_absence
    client = client_for(world, "om.worcester")
    response = client.post(f"/absences/{absence.pk}/decide/", decide_data())
    assert response.status_code == 302
    assert response["Location"] == f"/absences/{absence.pk}/"
    absence.refresh_from_db()
    assert absence.status == AbsenceStatus.ACCEPTABLE
    assert absence.decided_by == world.users["om.worcester"]
    assert absence.decided_at is not None
    assert absence.decision_reason == "The note covers the session."
    assert absence.evidence_received_on == datetime.date(2026, 12, 9)
    assert absence.evidence == "Fit note from Dr Shah: flu, 7 to 11 December"
    attendance.refresh_from_db()
    assert attendance.outcome == Outcome.ABSENT_ACCEPTABLE
    event = AuditEvent.objects.get(action=Action.ABSENCE_DECIDED)
    assert event.actor == world.users["om.worcester"]
    assert event.new_values["status"] == AbsenceStatus.ACCEPTABLE
    assert event.detail == {"reason": "The note covers the session."}
    page = client.get(response["Location"]).content.decode()
    assert "The absence is acceptable. It does not count against him." in page
    assert "Received 9 December 2026: Fit note from Dr Shah" in page
    assert f"decided by {world.users['om.worcester'].get_full_name()}" in page


def test_a_medical_absence_cannot_be_accepted_without_evidence(world: World) -> None:
    absence = world.worcester_absence
    response = client_for(world, "om.worcester").post(
        f"/absences/{absence.pk}/decide/",
        decide_data(
            evidence_received_on_day="",
            evidence_received_on_month="",
            evidence_received_on_year="",
            evidence="",
        ),
    )
    assert response.status_code == 200
    assert "A medical absence is acceptable only with a doctor&#x27;s note" in (
        response.content.decode()
    )
    absence.refresh_from_db()
    assert absence.status == AbsenceStatus.PENDING
    with pytest.raises(ValidationError):
        decide_absence(
            acting_user=world.users["om.worcester"],
            absence=absence,
            acceptable=True,
            reason="He says he was ill.",
        )
    assert not AuditEvent.objects.filter(action=Action.ABSENCE_DECIDED).exists()


def test_evidence_needs_its_date_and_a_description(world: World) -> None:
    url = f"/absences/{world.worcester_absence.pk}/decide/"
    client = client_for(world, "om.worcester")
    no_date = client.post(
        url,
        decide_data(
            evidence_received_on_day="", evidence_received_on_month="", evidence_received_on_year=""
        ),
    )
    assert "Enter the date the evidence came" in no_date.content.decode()
    no_words = client.post(url, decide_data(evidence=""))
    assert "Describe the evidence" in no_words.content.decode()
    future = client.post(url, decide_data(evidence_received_on_day="11"))
    assert "must be today or before" in future.content.decode()


def test_a_non_medical_absence_can_be_accepted_without_evidence(
    world: World, time_machine: Any
) -> None:
    absence = report_absence(
        acting_user=world.users["om.worcester"],
        referral=world.worcester_referral,
        session=later_session(world),
        reason=AbsenceReason.FAMILY_EMERGENCY,
        how_reported=HowReported.PHONE,
        details="His mother was taken to hospital.",
    )
    time_machine.move_to("2026-12-15 10:00 +0000", tick=False)  # decided after the session
    client_for(world, "spo.worcester").post(
        f"/absences/{absence.pk}/decide/",
        decide_data(
            evidence_received_on_day="",
            evidence_received_on_month="",
            evidence_received_on_year="",
            evidence="",
            reason="Confirmed with the hospital.",
        ),
    )
    absence.refresh_from_db()
    assert absence.status == AbsenceStatus.ACCEPTABLE
    assert absence.decided_by == world.users["spo.worcester"]


def test_an_unacceptable_absence_opens_an_enforcement_item(world: World) -> None:
    attendance = AttendanceFactory.create(
        session=world.worcester_session,
        referral=world.worcester_referral,
        outcome=Outcome.ABSENT_PENDING,
    )
    absence = world.worcester_absence
    before = set(EnforcementItem.objects.values_list("pk", flat=True))
    client = client_for(world, "om.worcester")
    response = client.post(
        f"/absences/{absence.pk}/decide/",
        decide_data(
            evidence_received_on_day="",
            evidence_received_on_month="",
            evidence_received_on_year="",
            evidence="",
            decision="unacceptable",
            reason="No note came and he did not answer my calls.",
        ),
        follow=True,
    )
    absence.refresh_from_db()
    assert absence.status == AbsenceStatus.UNACCEPTABLE
    assert Attendance.objects.get(pk=attendance.pk).outcome == Outcome.ABSENT_UNACCEPTABLE
    item = EnforcementItem.objects.exclude(pk__in=before).get()
    assert item.referral == world.worcester_referral
    assert item.attendance == attendance
    assert item.failure_date == datetime.date(2026, 12, 7)
    assert item.failure.startswith("Did not attend session 6 on 7 December 2026")
    body = response.content.decode()
    assert "The absence is not acceptable." in body
    assert body.count(f'href="/enforcement/{item.pk}/"') == 2  # the banner and the summary
    assert AuditEvent.objects.filter(
        action=Action.ENFORCEMENT_OPENED, subject_id=str(item.pk)
    ).exists()


def test_a_facilitator_cannot_decide_whether_an_absence_is_acceptable(world: World) -> None:
    url = f"/absences/{world.worcester_absence.pk}/decide/"
    client = client_for(world, "fac.worcester")
    assert client.get(url).status_code == 403
    assert client.post(url, decide_data()).status_code == 403
    world.worcester_absence.refresh_from_db()
    assert world.worcester_absence.status == AbsenceStatus.PENDING


def test_deciding_for_a_man_out_of_scope_is_404(world: World) -> None:
    url = f"/absences/{world.worcester_absence.pk}/decide/"
    assert client_for(world, "om.telford").post(url, decide_data()).status_code == 404
    world.worcester_absence.refresh_from_db()
    assert world.worcester_absence.status == AbsenceStatus.PENDING


def test_a_decided_absence_is_not_decided_again(world: World) -> None:
    absence = world.worcester_absence
    url = f"/absences/{absence.pk}/decide/"
    client = client_for(world, "om.worcester")
    client.post(url, decide_data())
    response = client.post(url, decide_data(decision="unacceptable", reason="Changed my mind"))
    assert response.status_code == 200
    assert "This absence has already been decided" in response.content.decode()
    absence.refresh_from_db()
    assert absence.status == AbsenceStatus.ACCEPTABLE
    assert AuditEvent.objects.filter(action=Action.ABSENCE_DECIDED).count() == 1


def test_the_decision_page_answers_get_and_post_only(world: World) -> None:
    url = f"/absences/{world.worcester_absence.pk}/decide/"
    assert client_for(world, "om.worcester").put(url).status_code == 405
