"""The timeline on a man's record: every kind of event, newest first, filterable by kind, in a
fixed number of queries, and without what the viewer must not see."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groupwork.assessment.models import AdministrationStatus, PathwayDecision
from groupwork.assessment.progress import referral_assessment, referral_assessments
from groupwork.attendance.models import CatchUpStatus, Failure, Outcome, Register
from groupwork.attendance.progress import RecordRows, progress_for, progresses_for
from groupwork.attendance.tests.factories import AbsenceFactory, AttendanceFactory, CatchUpFactory
from groupwork.casework.models import (
    Assignment,
    AssignmentMark,
    AssignmentResult,
    Complaint,
    ComplaintOutcome,
    ComplaintStage,
    Incident,
    IncidentKind,
    OneToOne,
)
from groupwork.core.tests.world import World, client_for
from groupwork.enforcement.models import ActionTaken
from groupwork.enforcement.tests.factories import EnforcementItemFactory
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
from groupwork.letters.models import Letter, LetterKind
from groupwork.notifications.models import Channel, Message, MessageStatus
from groupwork.participants.timeline import (
    ALL_KINDS,
    TIMELINE_QUERIES,
    EventKind,
    Links,
    TimelineEvent,
    build_timeline,
    load_timeline,
)
from groupwork.referrals.models import Referral, StatusChange
from groupwork.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

REGISTER_NOTE = "Group note: Dave and Sam argued about the football in the break."


def record_url(world: World, **query: str) -> str:
    suffix = "".join(f"?{key}={value}" for key, value in query.items())
    return f"/participants/{world.worcester_man.pk}/{suffix}"


def timeline_of(response: Any) -> list[TimelineEvent]:
    events: list[TimelineEvent] = response.context["timeline"]
    return events


def texts(response: Any) -> list[str]:
    return [event.text for event in timeline_of(response)]


def add_events(  # noqa: PLR0915
    world: World, count: int, *, start: int = 0, referral: Referral | None = None
) -> None:
    """`count` more events of every source for worcester_man, on `referral` (his first one
    unless given)."""
    referral = referral or world.worcester_referral
    officer = world.users["om.worcester"]
    facilitator = world.users["fac.worcester"]
    version = world.worcester_administration.version
    for offset in range(start, start + count):
        day = datetime.date(2026, 9, 7) + datetime.timedelta(weeks=offset)
        session = SessionFactory.create(group=world.worcester_group, number=100 + offset, date=day)
        AttendanceFactory.create(
            referral=referral, session=session, outcome=Outcome.ATTENDED, recorded_by=facilitator
        )
        missed = SessionFactory.create(group=world.worcester_group, number=200 + offset, date=day)
        AbsenceFactory.create(referral=referral, session=missed, reported_by=facilitator)
        CatchUpFactory.create(referral=referral, missed_session=missed)
        EnforcementItemFactory.create(referral=referral, failure_date=day)
        OneToOne.objects.create(
            referral=referral, code=f"extra-{offset}", label=f"Review {offset}", due_on=day
        )
        assignment = Assignment.objects.create(
            session=session,
            title=f"Homework {offset}",
            instructions="Write a page.",
            due_on=day,
            set_by=facilitator,
        )
        AssignmentMark.objects.create(
            assignment=assignment,
            referral=referral,
            result=AssignmentResult.LATE,
            marked_by=facilitator,
        )
        incident = Incident.objects.create(
            session=session,
            kind=IncidentKind.RACISM,
            description="A remark.",
            how_challenged="Challenged.",
            recorded_by=facilitator,
        )
        incident.men.add(referral)
        complaint = Complaint.objects.create(
            referral=referral, summary=f"Complaint {offset}", received_on=day, recorded_by=officer
        )
        ComplaintStage.objects.create(
            complaint=complaint,
            number=1,
            handler=officer,
            opened_on=day,
            acknowledge_by=day,
            respond_by=day,
            responded_on=day,
            outcome=ComplaintOutcome.NOT_UPHELD,
        )
        Message.objects.create(
            participant=referral.participant,
            channel=Channel.TEXT,
            to="07700900000",
            kind="session_reminder",
            key=f"reminder-{offset}",
            body="Secret body text",
            status=MessageStatus.SENT,
            next_attempt_at=timezone.now(),
            sent_at=timezone.now(),
        )
        Letter.objects.create(
            referral=referral, kind=LetterKind.ALLOCATION, pdf=b"%PDF", created_by=officer
        )
        world.worcester_administration.__class__.objects.create(
            referral=referral,
            occasion="post-induction",
            version=version,
            started_by=officer,
            status=AdministrationStatus.COMPLETED,
            completed_at=timezone.now(),
        )
        PathwayDecision.objects.create(
            referral=referral,
            pathway="medium",
            proposed_pathway="medium",
            risk_category="medium",
            need="high",
            decided_by=officer,
        )
        MembershipFactory.create(
            group=GroupFactory.create(area=world.area),
            referral=referral,
            joined_on=day,
            left_on=day + datetime.timedelta(days=1),
        )
        StatusChange.objects.create(
            referral=referral,
            from_status_id="allocated",
            to_status_id="on_programme",
            changed_by=officer,
        )


# What it shows


def test_the_timeline_shows_every_kind_of_event_newest_first(world: World) -> None:
    add_events(world, 1)
    response = client_for(world, "om.worcester").get(record_url(world))

    events = timeline_of(response)
    assert {event.kind for event in events} == ALL_KINDS
    moments = [event.at for event in events]
    assert moments == sorted(moments, reverse=True)
    page = response.content.decode()
    assert 'id="timeline"' in page
    assert "Everything on his record, newest first" in page


def test_each_event_says_what_happened(world: World) -> None:
    add_events(world, 1)
    shown = texts(client_for(world, "om.worcester").get(record_url(world)))

    session = "Worcester group, session 100"
    assert f"{session}: Attended and complied" in shown
    assert "Absent from Worcester group, session 200: No reason given" in shown
    assert "Catch-up needed for Worcester group, session 200" in shown
    assert "Catch-up needed for Worcester group, session 6" in shown  # the world's catch-up
    assert "One-to-one, Before the programme: Due: not booked yet" in shown
    assert "Assignment “Homework 0”: Done late" in shown
    assert f"Incident: Racism at {session}" in shown
    assert "Incident: Sexism at Worcester group, session 6" in shown
    assert "Complaint received" in shown
    assert "Complaint answered at stage 1: not upheld" in shown
    assert "Text message sent: session reminder" in shown
    assert "Letter: Place in a group" in shown
    assert "Questionnaire started: Everyday coping (demonstration) (before the programme)" in shown
    assert "Questionnaire completed: Everyday coping (demonstration) (after the induction)" in shown
    assert "Pathway decided: Medium risk or need" in shown
    assert "Status changed from Allocated to On programme" in shown
    assert any(text.startswith("Referred to the ") for text in shown)
    assert any(text.startswith("Joined Worcester group") for text in shown)
    assert any(text.startswith("Enforcement item opened: ") for text in shown)


def test_a_late_assignment_shows_the_rule_he_broke_in_the_definitions_words(
    world: World,
) -> None:
    add_events(world, 1)
    response = client_for(world, "om.worcester").get(record_url(world, kind="assignment"))

    [event] = timeline_of(response)
    assert event.detail == "Rule broken: Do your assignments on time."
    assert "Rule broken: Do your assignments on time" in response.content.decode()


def test_an_assignment_done_on_time_breaks_no_rule(world: World) -> None:
    add_events(world, 1)
    AssignmentMark.objects.update(result=AssignmentResult.ON_TIME)
    response = client_for(world, "om.worcester").get(record_url(world, kind="assignment"))

    [event] = timeline_of(response)
    assert event.text.endswith("Done on time")
    assert event.detail == ""


def test_a_failure_to_comply_names_the_failure_and_the_rule(world: World) -> None:
    session = SessionFactory.create(group=world.worcester_group, number=7)
    AttendanceFactory.create(
        referral=world.worcester_referral,
        session=session,
        outcome=Outcome.FAILED_TO_COMPLY,
        failures=[Failure.LATE],
        rule_breaches=["on-time"],
    )
    response = client_for(world, "om.worcester").get(record_url(world, kind="session"))

    [event] = timeline_of(response)
    assert event.text == "Worcester group, session 7: Attended but failed to comply"
    assert event.detail == "Late beyond the allowed time; Rule broken: Come on time."


def test_a_warning_shows_as_the_action_taken(world: World) -> None:
    item = world.worcester_enforcement
    item.action_taken = ActionTaken.WARNING
    item.action_on = datetime.date(2026, 12, 9)
    item.save()
    response = client_for(world, "om.worcester").get(record_url(world, kind="enforcement"))

    assert texts(response) == [
        "Gave a warning",
        f"Enforcement item opened: {item.failure}",
    ]
    assert timeline_of(response)[0].url == f"/enforcement/{item.pk}/"


def test_the_session_note_on_the_register_never_reaches_his_timeline(world: World) -> None:
    Register.objects.create(session=world.worcester_session, note=REGISTER_NOTE)
    AttendanceFactory.create(
        referral=world.worcester_referral,
        session=world.worcester_session,
        outcome=Outcome.ABSENT_PENDING,
        note="He rang in sick.",
    )
    for persona in ["om.worcester", "fac.worcester", "pm.westmercia"]:
        response = client_for(world, persona).get(record_url(world))
        page = response.content.decode()
        assert "He rang in sick." in page
        assert REGISTER_NOTE not in page
        assert "Dave and Sam" not in page


def test_a_message_shows_its_kind_and_date_but_never_what_it_said(world: World) -> None:
    add_events(world, 1)
    Message.objects.create(
        participant=world.worcester_man,
        channel=Channel.TEXT,
        to="07700900000",
        kind="note_due",
        key="queued-one",
        body="Still waiting",
        next_attempt_at=timezone.now(),
    )
    response = client_for(world, "om.worcester").get(record_url(world, kind="message"))

    assert texts(response) == ["Text message sent: session reminder"]
    page = response.content.decode()
    assert "Secret body text" not in page
    assert "Still waiting" not in page
    assert "07700900000" not in page


# Complaints that name the viewer


def test_a_complaint_that_names_the_viewer_is_hidden_with_its_stages(world: World) -> None:
    complaint = world.worcester_complaint  # names spo.worcester
    stage = complaint.stages.get()
    stage.responded_on = datetime.date(2026, 11, 12)
    stage.outcome = ComplaintOutcome.UPHELD
    stage.save()
    ComplaintStage.objects.create(
        complaint=complaint,
        number=2,
        handler=world.users["pm.westmercia"],
        opened_on=datetime.date(2026, 11, 20),
        acknowledge_by=datetime.date(2026, 11, 25),
        respond_by=datetime.date(2026, 12, 11),
    )

    named = client_for(world, "spo.worcester").get(record_url(world))
    assert not [event for event in timeline_of(named) if event.kind == EventKind.COMPLAINT]
    assert complaint.summary not in named.content.decode()

    officer = client_for(world, "om.worcester").get(record_url(world, kind="complaint"))
    assert texts(officer) == [
        "Complaint escalated to stage 2",
        "Complaint answered at stage 1: upheld",
        "Complaint received",
    ]
    assert complaint.summary in officer.content.decode()


def test_a_facilitator_sees_no_complaints(world: World) -> None:
    response = client_for(world, "fac.worcester").get(record_url(world))

    assert not [event for event in timeline_of(response) if event.kind == EventKind.COMPLAINT]
    assert world.worcester_complaint.summary not in response.content.decode()


def test_the_answer_to_a_complaint_that_names_the_viewer_is_hidden(world: World) -> None:
    answer = Letter.objects.create(
        referral=world.worcester_referral,
        kind=LetterKind.COMPLAINT_RESPONSE,
        pdf=b"%PDF",
        created_by=world.users["om.worcester"],
    )
    ComplaintStage.objects.filter(complaint=world.worcester_complaint).update(letter=answer)

    for persona, shown in [
        ("spo.worcester", []),
        ("om.worcester", ["Letter: Answer to a complaint"]),
    ]:
        response = client_for(world, persona).get(record_url(world, kind="letter"))
        assert texts(response) == shown, persona
        assert (f"/letters/{answer.pk}/" in response.content.decode()) == bool(shown)


# Filtering


def test_the_timeline_can_be_filtered_by_kind_without_javascript(world: World) -> None:
    add_events(world, 2)
    response = client_for(world, "om.worcester").get(record_url(world, kind="absence"))

    events = timeline_of(response)
    assert len(events) == 3  # two added and the world's
    assert {event.kind for event in events} == {EventKind.ABSENCE}
    page = response.content.decode()
    assert '<form method="get" action="#timeline"' in page
    assert re.search(r'<select name="kind" class="govuk-select" id="id_kind">', page)
    assert '<option value="absence" selected>Absences</option>' in page
    assert ">Filter</button>" in page
    assert "Absences, newest first" in page


def test_an_unknown_kind_shows_everything(world: World) -> None:
    response = client_for(world, "om.worcester").get(record_url(world, kind="gossip"))

    kinds = {event.kind for event in timeline_of(response)}
    assert {EventKind.ABSENCE, EventKind.COMPLAINT, EventKind.INCIDENT} <= kinds


def test_a_filter_reads_only_the_source_it_shows(world: World) -> None:
    viewer = world.users["om.worcester"]
    referrals = list(world.worcester_man.referrals.select_related("programme"))
    with CaptureQueriesContext(connection) as queries:
        load_timeline(
            world.worcester_man,
            viewer=viewer,
            referrals=referrals,
            letters=[],
            kinds={EventKind.ABSENCE},
        )
    assert len(queries.captured_queries) == 1


# Links and who sees what


def test_links_go_only_to_pages_the_viewer_may_open(world: World) -> None:
    officer = timeline_of(client_for(world, "om.worcester").get(record_url(world)))
    facilitator = timeline_of(client_for(world, "fac.worcester").get(record_url(world)))

    def url_of(events: list[TimelineEvent], kind: EventKind) -> str:
        return next(event.url for event in events if event.kind == kind)

    item = world.worcester_enforcement
    assert url_of(officer, EventKind.ENFORCEMENT) == f"/enforcement/{item.pk}/"
    # Not an enforcement reader: warnings, breach and recall never reach a facilitator.
    assert all(event.kind != EventKind.ENFORCEMENT for event in facilitator)
    assert url_of(officer, EventKind.ABSENCE) == f"/absences/{world.worcester_absence.pk}/"
    assert url_of(facilitator, EventKind.CATCH_UP) == f"/catch-ups/{world.worcester_catch_up.pk}/"
    assert url_of(facilitator, EventKind.ALLOCATION) == f"/groups/{world.worcester_group.pk}/"
    for events in (officer, facilitator):
        for event in events:
            if event.url:
                assert client_for(
                    world, "om.worcester" if events is officer else "fac.worcester"
                ).get(event.url).status_code in {200, 302}, event


def test_a_facilitator_gets_no_link_to_a_group_they_do_not_run(world: World) -> None:
    other = GroupFactory.create(area=world.area, name="Telford group")
    MembershipFactory.create(
        group=other,
        referral=world.worcester_referral,
        joined_on=datetime.date(2026, 6, 1),
        left_on=datetime.date(2026, 8, 1),
    )

    events = timeline_of(
        client_for(world, "fac.worcester").get(record_url(world, kind="allocation"))
    )
    urls = {event.text: event.url for event in events}
    assert urls["Joined Telford group"] == ""
    assert urls["Joined Worcester group"] == f"/groups/{world.worcester_group.pk}/"


def test_a_facilitator_does_not_see_reports_for_the_court(world: World) -> None:
    officer = world.users["om.worcester"]
    for kind in (LetterKind.WARNING, LetterKind.BREACH_REPORT):
        Letter.objects.create(
            referral=world.worcester_referral, kind=kind, pdf=b"%PDF", created_by=officer
        )
    facilitator = client_for(world, "fac.worcester").get(record_url(world, kind="letter"))
    assert texts(facilitator) == ["Letter: Warning"]
    assert "Breach report" not in facilitator.content.decode()
    assert (
        len(timeline_of(client_for(world, "om.worcester").get(record_url(world, kind="letter"))))
        == 2
    )


def test_building_the_timeline_reads_nothing_more(world: World) -> None:
    add_events(world, 2)
    viewer = world.users["om.worcester"]
    referrals = list(
        world.worcester_man.referrals.select_related("programme").prefetch_related(
            "status_changes__from_status", "status_changes__to_status", "status_changes__reason"
        )
    )
    facts = load_timeline(world.worcester_man, viewer=viewer, referrals=referrals, letters=[])
    links = Links(viewer)
    links.url("letter", 1)  # the URL resolver warms up once a process
    with CaptureQueriesContext(connection) as queries:
        events = build_timeline(facts, links)
    assert events
    assert queries.captured_queries == []


# Query count


def test_the_timeline_costs_a_fixed_number_of_queries(world: World) -> None:
    add_events(world, 2)  # a row of every source, so that every query is made
    viewer = world.users["om.worcester"]
    referrals = list(world.worcester_man.referrals.select_related("programme"))
    with CaptureQueriesContext(connection) as queries:
        load_timeline(world.worcester_man, viewer=viewer, referrals=referrals, letters=[])
    assert len(queries.captured_queries) == TIMELINE_QUERIES
    referrals = list(world.worcester_man.referrals.select_related("programme"))
    with CaptureQueriesContext(connection) as queries:
        load_timeline(
            world.worcester_man,
            viewer=world.users["fac.worcester"],
            referrals=referrals,
            letters=[],
        )
    # No complaints and their stages, no enforcement; the groups they run.
    assert len(queries.captured_queries) == TIMELINE_QUERIES - 2 - 1 + 1


@pytest.mark.parametrize("persona", ["om.worcester", "fac.worcester"])
def test_the_record_page_costs_the_same_with_2_or_10_events_of_each_kind(
    world: World, persona: str, django_assert_num_queries: Any
) -> None:
    client = client_for(world, persona)
    add_events(world, 2)
    with CaptureQueriesContext(connection) as two:
        first = client.get(record_url(world))
    assert first.status_code == 200
    add_events(world, 8, start=2)
    with django_assert_num_queries(len(two.captured_queries)):
        response = client.get(record_url(world))
    sessions = [event for event in timeline_of(response) if event.kind == EventKind.SESSION]
    assert len(sessions) == 10


def test_his_progress_and_assessment_from_the_timelines_rows_are_those_read_apart(
    world: World,
) -> None:
    # The record page gives his progress and assessment the rows its timeline read, of all
    # his referrals: each referral must see its own rows only, and the same result.
    add_events(world, 2)
    man = world.worcester_man
    second = ReferralFactory.create(participant=man, status_id="on_programme")
    done = SessionFactory.create(group=world.worcester_group, number=300)
    AttendanceFactory.create(referral=second, session=done)
    CatchUpFactory.create(referral=second, missed_session=done, status=CatchUpStatus.DONE)
    referrals = list(man.referrals.select_related("programme"))
    assert len(referrals) == 2  # noqa: PLR2004
    facts = load_timeline(man, viewer=world.users["om.worcester"], referrals=referrals, letters=[])
    rows = RecordRows(facts.memberships, facts.attendances, facts.catch_ups)
    today = datetime.date(2026, 11, 26)

    for referral in referrals:
        shared = progress_for(referral, today=today, rows=rows)
        assert shared == progress_for(referral, today=today)
        assessment = referral_assessment(
            referral,
            administrations=facts.administrations,
            decisions=facts.pathway_decisions,
        )
        assert assessment == referral_assessment(referral)
    assert progress_for(second, rows=rows).started
    assert referral_assessment(world.worcester_referral).administrations
    assert progresses_for(referrals, today=today, rows=rows) == [
        progress_for(referral, today=today) for referral in referrals
    ]
    assert referral_assessments(
        referrals, administrations=facts.administrations, decisions=facts.pathway_decisions
    ) == [referral_assessment(referral) for referral in referrals]


def test_the_record_query_count_does_not_grow_with_his_referrals(
    world: World, django_assert_num_queries: Any
) -> None:
    # A man referred again: the progress and assessment of all his referrals are read at once.
    client = client_for(world, "om.worcester")
    add_events(world, 2)
    with CaptureQueriesContext(connection) as one:
        assert client.get(record_url(world)).status_code == 200
    for start in (10, 20):
        again = ReferralFactory.create(
            participant=world.worcester_man,
            programme=world.worcester_referral.programme,
            status_id="on_programme",
        )
        add_events(world, 2, start=start, referral=again)
        MembershipFactory.create(
            group=world.worcester_group, referral=again, joined_on=datetime.date(2026, 9, 7)
        )
        EnforcementItemFactory.create(
            referral=again,
            failure_date=datetime.date(2026, 9, 14),
            action_taken=ActionTaken.WARNING,
            action_on=datetime.date(2026, 9, 15),
        )
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(record_url(world))
    shown = response.context["referrals"]
    assert len(shown) == 3  # noqa: PLR2004
    assert [progress.warnings for _, _, progress in shown[1:]] == [
        (datetime.date(2026, 9, 15),),
        (datetime.date(2026, 9, 15),),
    ]
