"""Retention: `apply_retention` reports, then deletes, closed cases past their area's policy.

Runs on SQLite and on PostgreSQL (DATABASE_URL), where the foreign keys are checked by the
database and the audit log's trigger refuses any change to it.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from groupwork.allocation.models import AllocationRun, KeepApart
from groupwork.assessment.models import Administration, Answer, PathwayDecision, RiskScore
from groupwork.attendance.models import Absence, Attendance, CatchUp, Register
from groupwork.attendance.tests.factories import AttendanceFactory
from groupwork.audit.models import Action, AuditEvent
from groupwork.audit.services import record_event
from groupwork.casework.models import (
    Assignment,
    AssignmentMark,
    AssignmentResult,
    Complaint,
    ComplaintStage,
    Incident,
    IncidentKind,
    OneToOne,
    RulesAgreement,
)
from groupwork.core.tests.world import World, client_for
from groupwork.enforcement.models import Advice, EnforcementItem
from groupwork.groups.models import Membership
from groupwork.groups.tests.factories import MembershipFactory, SessionFactory
from groupwork.letters.models import Letter, LetterKind
from groupwork.notifications.models import Channel, Message
from groupwork.participants.models import ERASED_DATE_OF_BIRTH, Participant
from groupwork.participants.retention import KINDS, plan_retention, years_before
from groupwork.participants.subject_access import REMOVED
from groupwork.referrals.models import Referral, StatusChange
from groupwork.referrals.tests.factories import ReferralFactory
from groupwork.tasks.models import Task, TaskKind

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 8, 9, 0, tzinfo=datetime.UTC)
EIGHT_YEARS_AGO = datetime.datetime(2018, 11, 1, 10, 0, tzinfo=datetime.UTC)
THREE_YEARS_AGO = datetime.datetime(2023, 11, 1, 10, 0, tzinfo=datetime.UTC)
ELEVEN_YEARS_AGO = datetime.datetime(2015, 11, 1, 10, 0, tzinfo=datetime.UTC)


@contextmanager
def on(moment: datetime.datetime) -> Iterator[None]:
    """Make records as if on that day (the clock is put back afterwards)."""
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(TODAY, tick=False)


def closed_case(world: World, closed: datetime.datetime, *, first: str, last: str) -> Referral:
    """A man whose one referral was completed on `closed`."""
    with on(closed - datetime.timedelta(days=400)):
        referral: Referral = ReferralFactory.create(
            participant__area=world.area,
            participant__first_name=first,
            participant__last_name=last,
            responsible_officer=world.users["om.worcester"],
            status_id="on_programme",
        )
    with on(closed):
        referral.status_id = "completed"
        referral.save(update_fields=["status", "updated_at"])
        StatusChange.objects.create(
            referral=referral,
            from_status_id="on_programme",
            to_status_id="completed",
            changed_by=world.users["om.worcester"],
        )
    return referral


@dataclass
class OldCase:
    referral: Referral
    companion: Referral  # another man of his group, whose records stay
    shared_incident: Incident
    own_incident: Incident
    run: AllocationRun

    @property
    def man(self) -> Participant:
        return self.referral.participant


@pytest.fixture
def old_case(world: World) -> OldCase:
    """Keith Marlow, whose case closed eight years ago, with a record of every kind, in a
    group with Owen Tranter, whose case is still open."""
    referral = closed_case(world, EIGHT_YEARS_AGO, first="Keith", last="Marlow")
    companion: Referral = ReferralFactory.create(
        participant__area=world.area,
        participant__first_name="Owen",
        participant__last_name="Tranter",
        responsible_officer=world.users["om.worcester"],
        status_id="on_programme",
    )
    users = world.users
    with on(EIGHT_YEARS_AGO - datetime.timedelta(days=300)):
        session = SessionFactory.create(
            group=world.worcester_group, number=101, date=datetime.date(2018, 1, 8)
        )
        for man in (referral, companion):
            MembershipFactory.create(group=world.worcester_group, referral=man)
        Register.objects.create(
            session=session, note="Keith Marlow and Owen Tranter argued.", version=3
        )
        mark = AttendanceFactory.create(
            session=session, referral=referral, recorded_by=users["fac.worcester"]
        )
        AttendanceFactory.create(
            session=session, referral=companion, recorded_by=users["fac.worcester"]
        )
        Absence.objects.create(
            session=SessionFactory.create(group=world.worcester_group, number=102),
            referral=referral,
            reason="illness",
            how_reported="phone",
            reported_by=users["fac.worcester"],
        )
        CatchUp.objects.create(
            referral=referral, missed_session=session, module="induction", content=[1]
        )
        warning = Letter.objects.create(
            referral=referral,
            kind=LetterKind.WARNING,
            pdf=b"%PDF",
            created_by=users["om.worcester"],
        )
        EnforcementItem.objects.create(
            referral=referral,
            attendance=mark,
            failure_date=session.date,
            failure="Late",
            advice=Advice.WARN_OR_REFER,
            must_act_by=session.date,
            explanation="First failure.",
            action_taken="warning",
            letter=warning,
        )
        complaint = Complaint.objects.create(
            referral=referral,
            summary="About his officer.",
            received_on=session.date,
            recorded_by=users["om.worcester"],
        )
        ComplaintStage.objects.create(
            complaint=complaint,
            number=1,
            handler=users["spo.worcester"],
            opened_on=session.date,
            acknowledge_by=session.date,
            respond_by=session.date,
            letter=Letter.objects.create(
                referral=referral,
                kind=LetterKind.COMPLAINT_RESPONSE,
                pdf=b"%PDF",
                created_by=users["spo.worcester"],
            ),
        )
        OneToOne.objects.create(
            referral=referral, code="before", label="Before", due_on=session.date
        )
        RulesAgreement.objects.create(
            referral=referral,
            group=world.worcester_group,
            agreed_on=session.date,
            witnessed_by=users["fac.worcester"],
        )
        assignment = Assignment.objects.create(
            session=session,
            title="My week",
            instructions="Write it down.",
            due_on=session.date,
            set_by=users["fac.worcester"],
        )
        AssignmentMark.objects.create(
            assignment=assignment,
            referral=referral,
            result=AssignmentResult.ON_TIME,
            marked_by=users["fac.worcester"],
        )
        sitting = Administration.objects.create(
            referral=referral,
            occasion="pre-programme",
            version=world.worcester_administration.version,
            started_by=users["om.worcester"],
        )
        Answer.objects.create(administration=sitting, item=1, value=2)
        RiskScore.objects.create(
            referral=referral,
            inputs={},
            step1_points=1,
            step1_category="low",
            aggravating_factors=0,
            category="low",
            scored_by=users["om.worcester"],
        )
        PathwayDecision.objects.create(
            referral=referral,
            pathway="standard",
            proposed_pathway="standard",
            risk_category="low",
            need="low",
            decided_by=users["om.worcester"],
        )
        shared = Incident.objects.create(
            session=session,
            kind=IncidentKind.OTHER,
            description="Keith shouted at Owen Tranter; MARLOW apologised.",
            how_challenged="Both reminded of the rules.",
            recorded_by=users["fac.worcester"],
        )
        shared.men.add(referral, companion)
        alone = Incident.objects.create(
            session=session,
            kind=IncidentKind.SEXISM,
            description="A remark.",
            how_challenged="Named at once.",
            recorded_by=users["fac.worcester"],
        )
        alone.men.add(referral)
        Message.objects.create(
            participant=referral.participant,
            channel=Channel.TEXT,
            to="07700900999",
            kind="session_reminder",
            key="old-reminder",
            body="Reminder.",
            next_attempt_at=EIGHT_YEARS_AGO,
        )
        Task.objects.create(
            kind=TaskKind.ONE_TO_ONE_DUE,
            key="old-task",
            referral=referral,
            assigned_to=users["om.worcester"],
            due_on=session.date,
            summary="One-to-one due for Keith Marlow",
        )
        KeepApart.objects.create(
            first=referral.participant,
            second=companion.participant,
            reason="co-defendants",
            recorded_by=users["pm.westmercia"],
        )
        run = AllocationRun.objects.create(
            area=world.area,
            programme=referral.programme,
            proposal={
                "placements": [
                    {"referral": str(referral.pk), "name": "Keith Marlow"},
                    {"referral": str(companion.pk), "name": "Owen Tranter"},
                ],
                "unplaced": [],
            },
            created_by=users["pm.westmercia"],
        )
        record_event(
            acting_user=users["om.worcester"],
            action=Action.PARTICIPANT_VIEWED,
            subject=referral.participant,
            participant=referral.participant,
        )
    return OldCase(referral, companion, shared, alone, run)


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_years_before_keeps_the_day_and_moves_29_february() -> None:
    assert years_before(datetime.date(2026, 12, 8), 7) == datetime.date(2019, 12, 8)
    assert years_before(datetime.date(2028, 2, 29), 7) == datetime.date(2021, 2, 28)


def test_the_report_lists_each_man_by_case_reference_and_deletes_nothing(
    old_case: OldCase, world: World
) -> None:
    output = run_command()
    reference = old_case.man.case_reference
    assert "West Mercia: a closed case is kept 7 years (cases closed before 8 December 2019" in (
        output
    )
    line = next(line for line in output.splitlines() if reference in line)
    assert "closed 1 November 2018" in line
    for counted in [
        "referrals: 1",
        "status changes: 1",
        "attendance marks: 1",
        "absences: 1",
        "catch-ups: 1",
        "enforcement items: 1",
        "letters: 2",
        "complaints: 1",
        "one-to-ones: 1",
        "group rules agreements: 1",
        "assignment marks: 1",
        "questionnaires: 1",
        "risk scores: 1",
        "pathway decisions: 1",
        "group places: 1",
        "incidents he was in: 2",
        "messages: 1",
        "tasks: 1",
        "keep-apart records: 1",
    ]:
        assert counted in line, counted
    assert "Would delete the records of 1 man." in output
    assert "Run again with --apply" in output
    assert "Marlow" not in output and "Keith" not in output
    assert Referral.objects.filter(pk=old_case.referral.pk).exists()
    assert not AuditEvent.objects.filter(action=Action.RETENTION_APPLIED).exists()


def test_open_recent_and_partly_old_cases_are_kept(world: World) -> None:
    recent = closed_case(world, THREE_YEARS_AGO, first="Recent", last="Closure")
    mixed = closed_case(world, EIGHT_YEARS_AGO, first="Mixed", last="Cases")
    ReferralFactory.create(
        participant=mixed.participant,
        responsible_officer=world.users["om.worcester"],
        status_id="on_programme",
    )
    twice = closed_case(world, EIGHT_YEARS_AGO, first="Twice", last="Closed")
    later = closed_case(world, THREE_YEARS_AGO, first="Later", last="Referral")
    Referral.objects.filter(pk=later.pk).update(participant=twice.participant)
    [plan] = plan_retention(TODAY.date(), [world.area])
    assert plan.men == []
    run_command("--apply")
    for referral in [recent, mixed, twice, world.worcester_referral, world.former_referral]:
        assert Referral.objects.filter(pk=referral.pk).exists()


def test_applying_deletes_his_records_and_keeps_an_empty_row_for_the_audit_log(
    old_case: OldCase, world: World
) -> None:
    man, reference = old_case.man, old_case.man.case_reference
    output = run_command("--apply")
    assert "Deleted the records of 1 man." in output
    for kind in KINDS:
        assert not kind.of([man.pk]).exists(), kind.label
    assert not Answer.objects.filter(administration__referral=old_case.referral).exists()
    erased = Participant.objects.get(pk=man.pk)
    assert (erased.first_name, erased.last_name, erased.case_reference) == ("", "", reference)
    assert erased.date_of_birth == ERASED_DATE_OF_BIRTH
    assert erased.phone == erased.address == erased.postcode == ""
    assert erased in Participant.objects.erased()
    assert erased not in Participant.objects.visible_to(world.users["pm.westmercia"])
    viewed = AuditEvent.objects.get(action=Action.PARTICIPANT_VIEWED, participant=erased)
    assert viewed.actor == world.users["om.worcester"]  # the log is whole
    event = AuditEvent.objects.get(action=Action.RETENTION_APPLIED)
    assert event.participant is None
    assert event.area == world.area
    assert event.detail["case_reference"] == reference
    assert event.detail["deleted"]["referrals"] == 1
    assert "Marlow" not in str(event.detail)


def test_applying_keeps_the_other_mens_records_without_his_name(
    old_case: OldCase, world: World
) -> None:
    run_command("--apply")
    companion = old_case.companion
    assert Attendance.objects.filter(referral=companion).count() == 1
    assert Membership.objects.filter(referral=companion).count() == 1
    assert KeepApart.objects.count() == 0
    shared = Incident.objects.get(pk=old_case.shared_incident.pk)
    assert list(shared.men.all()) == [companion]
    assert shared.description == f"{REMOVED} shouted at Owen Tranter; {REMOVED} apologised."
    assert not Incident.objects.filter(pk=old_case.own_incident.pk).exists()
    register = Register.objects.get(session__attendances__referral=companion)
    assert register.note == f"{REMOVED} and Owen Tranter argued."
    assert register.version == 4
    old_case.run.refresh_from_db()
    assert [p["name"] for p in old_case.run.proposal["placements"]] == [REMOVED, "Owen Tranter"]
    for kept in [world.worcester_referral, world.former_referral, world.telford_referral]:
        assert Referral.objects.filter(pk=kept.pk).exists()


def test_a_man_the_audit_log_never_mentions_is_deleted_whole(world: World) -> None:
    referral = closed_case(world, EIGHT_YEARS_AGO, first="Never", last="Viewed")
    run_command("--apply")
    assert not Participant.objects.filter(pk=referral.participant_id).exists()
    assert AuditEvent.objects.filter(action=Action.RETENTION_APPLIED).count() == 1


def test_applying_twice_deletes_nothing_more(old_case: OldCase) -> None:
    run_command("--apply")
    output = run_command("--apply")
    assert "Deleted the records of 0 men." in output
    assert AuditEvent.objects.filter(action=Action.RETENTION_APPLIED).count() == 1


def test_the_areas_policy_decides(old_case: OldCase, world: World) -> None:
    world.area.retention_years_after_closure = 10
    world.area.save(update_fields=["retention_years_after_closure"])
    assert "Would delete the records of 0 men." in run_command()
    world.area.retention_years_after_closure = 5
    world.area.save(update_fields=["retention_years_after_closure"])
    assert "Would delete the records of 1 man." in run_command()


def test_one_area_at_a_time(old_case: OldCase, world: World) -> None:
    output = run_command("--area", world.other_area.slug, "--apply")
    assert "Northmoor" in output and "West Mercia" not in output
    assert Referral.objects.filter(pk=old_case.referral.pk).exists()
    with pytest.raises(CommandError):
        run_command("--area", "nowhere")


def test_audit_events_past_retention_are_reported_not_deleted(world: World) -> None:
    with on(ELEVEN_YEARS_AGO):
        for _ in range(3):
            record_event(acting_user=world.users["pm.westmercia"], action=Action.CASELOAD_VIEWED)
    output = run_command("--apply")
    assert "3 audit events from before 8 December 2016 are past the audit log's retention" in (
        output
    )
    assert AuditEvent.objects.filter(at__lt=datetime.datetime(2016, 1, 1, tzinfo=datetime.UTC))
    assert (
        AuditEvent.objects.filter(at__lt=datetime.datetime(2016, 1, 1, tzinfo=datetime.UTC)).count()
        == 3
    )


def test_the_policy_is_shown_and_edited_in_the_admin(world: World) -> None:
    client = Client()
    client.force_login(world.users["admin"])
    page = client.get(f"/admin/organisation/area/{world.area.pk}/change/").content.decode()
    assert 'name="retention_years_after_closure"' in page
    assert 'name="audit_retention_years"' in page
    listing = client.get("/admin/organisation/area/").content.decode()
    assert "Retention years after closure" in listing


def test_an_erased_row_is_not_found_by_anyone(old_case: OldCase, world: World) -> None:
    run_command("--apply")
    for persona in ["pm.westmercia", "chief.westmercia", "om.worcester"]:
        response = client_for(world, persona).get(f"/participants/{old_case.man.pk}/")
        assert response.status_code == 404, persona
