"""A man's progress against his pathway, the rule that he cannot complete with content
uncovered, and the Progress section of his record."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from groupwork.attendance.models import CatchUpStatus, Failure, Outcome
from groupwork.attendance.progress import (
    Covered,
    pathway_progress,
    progress_for,
    refusal_to_complete,
    uncovered_required_content,
)
from groupwork.attendance.tests.coverage import cover_pathway
from groupwork.attendance.tests.factories import AttendanceFactory, CatchUpFactory
from groupwork.core.tests.world import World, client_for
from groupwork.enforcement.models import ActionTaken, Advice, EnforcementItem
from groupwork.groups.models import Group, GroupKind, Session
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
from groupwork.organisation.models import User
from groupwork.participants.timeline import TIMELINE_QUERIES
from groupwork.programmes.definition import ProgrammeDefinition, shipped_definition
from groupwork.referrals import services as referral_services
from groupwork.referrals.models import Referral, ReferralStatus, StatusChange
from groupwork.referrals.tests.factories import ReferralFactory

CSOGP = shipped_definition("csogp")
TODAY = datetime.date(2026, 11, 26)


def every_session(definition: ProgrammeDefinition, module: str, **extra: Any) -> list[Covered]:
    """One fact per content session of the module, as if he came to each meeting."""
    return [
        Covered(module=module, content=(spec.number,), hours=spec.hours, **extra)
        for spec in definition.module(module).sessions
    ]


# --- The pure part ---------------------------------------------------------------------------


def test_the_lower_pathway_fully_covered_needs_nothing_more() -> None:
    covered = every_session(CSOGP, "induction") + every_session(CSOGP, "relapse-prevention")
    progress = pathway_progress(CSOGP, "lower", covered)
    assert [m.code for m in progress.modules] == ["induction", "relapse-prevention"]
    assert progress.is_covered
    assert (progress.sessions_covered, progress.sessions_required) == (25, 25)
    # The block week's five full days and ten half days, then ten half days.
    assert (progress.hours_done, progress.hours_required) == (75.0, 75.0)
    assert progress.uncovered_descriptions() == []
    assert progress.pathway_decided


def test_a_missed_session_is_uncovered_until_its_catch_up_is_done() -> None:
    attended = [fact for fact in every_session(CSOGP, "induction") if fact.content != (8,)]
    before = pathway_progress(CSOGP, "lower", attended).modules[0]
    assert (before.covered, before.required) == (14, 15)
    assert before.uncovered_titles == ("Seeing it from the victim's side",)
    assert before.uncovered_descriptions() == ["Induction: Seeing it from the victim's side"]
    assert before.hours_done == 47.5

    caught_up = Covered(module="induction", content=(8,), hours=2.5, catch_up=True)
    after = pathway_progress(CSOGP, "lower", [*attended, caught_up]).modules[0]
    assert after.is_covered
    assert after.catch_ups_done == 1
    assert after.hours_done == 50.0


def test_a_rolling_module_needs_a_count_of_sessions_from_wherever_he_joined() -> None:
    # Joined the longer-term group at its join point 41 and went round to session 80.
    joined_late = [
        Covered(module="longer-term", content=(number,), hours=2.5) for number in range(41, 80)
    ]
    progress = pathway_progress(CSOGP, "medium", joined_late)
    longer = progress.modules[1]
    assert (longer.code, longer.by_count) == ("longer-term", True)
    assert (longer.covered, longer.required, longer.uncovered) == (39, 40, 1)
    assert longer.uncovered_titles == ()
    assert longer.hours_required == 100.0
    assert "Longer-term group: 1 of the 40 sessions he needs" in (progress.uncovered_descriptions())
    one_more = Covered(module="longer-term", content=(80,), hours=2.5)
    more_than_enough = [*joined_late, one_more, Covered("longer-term", (1,), 2.5)]
    longer = pathway_progress(CSOGP, "medium", more_than_enough).modules[1]
    assert (longer.covered, longer.is_covered) == (40, True)


def test_until_his_pathway_is_decided_the_longest_is_shown() -> None:
    progress = pathway_progress(CSOGP, None, [])
    assert progress.pathway_code == "higher"
    assert not progress.pathway_decided
    assert progress.sessions_required == 15 + 80 + 10
    assert not any(module.started for module in progress.modules)


def test_a_place_in_a_module_counts_as_started_before_any_content() -> None:
    progress = pathway_progress(CSOGP, "lower", [], places=["induction"])
    assert [module.started for module in progress.modules] == [True, False]


@given(
    pathway=st.sampled_from(["lower", "medium", "higher"]),
    module=st.sampled_from(["induction", "longer-term", "relapse-prevention"]),
    numbers=st.lists(st.integers(min_value=1, max_value=90), max_size=120),
)
def test_covered_and_uncovered_always_add_up_to_what_is_required(
    pathway: str, module: str, numbers: list[int]
) -> None:
    covered = [Covered(module=module, content=(n,), hours=2.5) for n in numbers]
    progress = pathway_progress(CSOGP, pathway, covered)
    for part in progress.modules:
        assert 0 <= part.covered <= part.required
        assert part.covered + part.uncovered == part.required
        if not part.by_count:
            assert len(part.uncovered_titles) == part.uncovered
        assert part.is_covered == (part.uncovered_descriptions() == [])
    in_pathway = module in {part.module for part in CSOGP.pathway(pathway).modules}
    assert progress.hours_done == (2.5 * len(numbers) if in_pathway else 0)


def test_a_refusal_names_a_few_and_counts_the_rest() -> None:
    assert refusal_to_complete(["Induction: Looking ahead"]) == (
        "He cannot complete the programme yet: Induction: Looking ahead not covered."
    )
    many = refusal_to_complete([f"Item {n}" for n in range(1, 9)])
    assert many.endswith("Item 5; and 3 more not covered.")


# --- Gathering from his record ---------------------------------------------------------------


def induction_group(area: Any, start: datetime.date) -> tuple[Group, list[Session]]:
    """A half-day Induction: five block-week days, then ten weekly meetings."""
    group = GroupFactory.create(area=area, module="induction", pattern="half-days")
    sessions = [
        SessionFactory.create(
            group=group,
            number=number,
            kind="block" if number <= 5 else "weekly",
            date=start + datetime.timedelta(days=number - 1 if number <= 5 else 7 * (number - 5)),
        )
        for number in range(1, 16)
    ]
    return group, sessions


@pytest.mark.django_db
def test_his_record_gives_content_absences_warnings_and_a_projection() -> None:
    referral = ReferralFactory.create(pathway="lower", status_id="on_programme")
    group, sessions = induction_group(referral.participant.area, datetime.date(2026, 10, 5))
    MembershipFactory.create(group=group, referral=referral, joined_on=group.start_date)
    by_number = {session.number: session for session in sessions}
    for number in range(1, 6):
        AttendanceFactory.create(referral=referral, session=by_number[number])
    marks: dict[int, tuple[Outcome, list[Failure]]] = {
        6: (Outcome.ABSENT_PENDING, []),
        7: (Outcome.FAILED_TO_COMPLY, [Failure.LATE]),
        8: (Outcome.FAILED_TO_COMPLY, [Failure.DISRUPTIVE]),
        9: (Outcome.ABSENT_ACCEPTABLE, []),
        10: (Outcome.ABSENT_UNACCEPTABLE, []),
        11: (Outcome.CANCELLED, []),
        12: (Outcome.FAILED_TO_COMPLY, [Failure.SENT_HOME]),
    }
    for number, (outcome, failures) in marks.items():
        AttendanceFactory.create(
            referral=referral, session=by_number[number], outcome=outcome, failures=failures
        )
    CatchUpFactory.create(
        referral=referral, missed_session=by_number[6], content=[6], status=CatchUpStatus.DONE
    )
    CatchUpFactory.create(referral=referral, missed_session=by_number[7], content=[7])
    EnforcementItem.objects.create(
        referral=referral,
        failure_date=by_number[10].date,
        failure="Did not attend",
        advice=Advice.WARN_OR_REFER,
        must_act_by=by_number[10].date,
        explanation="First failure.",
        action_taken=ActionTaken.WARNING,
        action_on=datetime.date(2026, 11, 20),
    )

    progress = progress_for(referral, today=TODAY)

    induction, relapse = progress.pathway.modules
    # Block week 1-5 and 6 by its catch-up; 8 although disruptive. Late (7) and sent home (12)
    # missed part of the content; 9, 10, 11 were not there.
    assert induction.covered == 7
    assert induction.uncovered_titles == tuple(
        spec.title
        for spec in CSOGP.module("induction").sessions
        if spec.number in {7, *range(9, 16)}
    )
    assert induction.hours_done == 5 * 5 + 2.5 + 2.5
    assert induction.catch_ups_done == 1
    assert (relapse.covered, relapse.started) == (0, False)
    absences = progress.absences
    assert (absences.pending, absences.acceptable, absences.unacceptable) == (1, 1, 1)
    assert (absences.cancelled, absences.failed_to_comply) == (1, 3)
    assert progress.warnings == (datetime.date(2026, 11, 20),)
    # His group's last session left, then ten weekly meetings of relapse prevention.
    projection = progress.projection
    assert projection.last_session_in_group == by_number[15].date
    assert projection.modules_not_started == ("Relapse prevention",)
    assert projection.finishes == by_number[15].date + datetime.timedelta(weeks=10)
    assert not projection.at_risk
    assert projection.summary.startswith("On track: projected ")


@pytest.mark.django_db
def test_a_projection_after_his_sentence_ends_is_at_risk() -> None:
    referral = ReferralFactory.create(
        pathway="lower",
        status_id="on_programme",
        sentence_start=datetime.date(2026, 6, 1),
        sentence_end=datetime.date(2027, 1, 31),
    )
    group, sessions = induction_group(referral.participant.area, datetime.date(2026, 11, 2))
    MembershipFactory.create(group=group, referral=referral, joined_on=group.start_date)
    projection = progress_for(referral, today=TODAY).projection
    finishes = sessions[-1].date + datetime.timedelta(weeks=10)
    assert projection.finishes == finishes
    assert projection.at_risk
    assert projection.summary == (
        f"At risk: projected {finishes:%-d %B %Y} is after his sentence ends on 31 January 2027."
    )


@pytest.mark.django_db
def test_a_rolling_place_counts_round_the_content_and_stops_at_his_last_session() -> None:
    referral = ReferralFactory.create(pathway="medium", status_id="on_programme")
    area = referral.participant.area
    done, _ = induction_group(area, datetime.date(2025, 9, 1))
    MembershipFactory.create(
        group=done,
        referral=referral,
        joined_on=done.start_date,
        left_on=datetime.date(2025, 11, 10),
    )
    rolling = GroupFactory.create(
        area=area, module="longer-term", pattern="evenings", kind=GroupKind.ROLLING
    )
    start = datetime.date(2026, 11, 3)
    # Meetings 81 onwards go round the 80 content sessions again: 81 covers session 1.
    sessions = {
        number: SessionFactory.create(
            group=rolling, number=number, date=start + datetime.timedelta(weeks=number - 81)
        )
        for number in range(81, 130)
    }
    MembershipFactory.create(
        group=rolling, referral=referral, joined_on=start, first_session=81, last_session=120
    )
    for number in range(81, 85):
        AttendanceFactory.create(referral=referral, session=sessions[number])

    progress = progress_for(referral, today=TODAY)

    longer = progress.pathway.modules[1]
    assert (longer.covered, longer.required) == (4, 40)
    assert longer.hours_done == 10.0
    # The induction he did elsewhere is not on this record: it stays uncovered but started.
    assert progress.pathway.modules[0].started
    assert progress.projection.last_session_in_group == sessions[120].date
    assert progress.projection.modules_not_started == ("Relapse prevention",)


# --- The completion rule ---------------------------------------------------------------------


def complete(referral: Referral, officer: User) -> Referral:
    return referral_services.change_status(
        acting_user=officer,
        referral=referral,
        to_status=ReferralStatus.objects.get(pk="completed"),
        reason=None,
    )


@pytest.mark.django_db
def test_he_cannot_complete_with_content_uncovered(world: World) -> None:
    referral = world.worcester_referral
    officer = world.users["om.worcester"]
    assert len(uncovered_required_content(referral)) == 15 + 1 + 10
    with pytest.raises(ValidationError) as refused:
        complete(referral, officer)
    assert refused.value.messages == [
        "He cannot complete the programme yet: Induction: Welcome and group agreement; "
        "Induction: Understanding my offending; Induction: Thoughts, feelings and actions; "
        "Induction: How offending starts; Induction: Looking ahead; and 21 more not covered."
    ]
    referral.refresh_from_db()
    assert referral.status_id == "on_programme"
    assert not StatusChange.objects.filter(referral=referral).exists()


@pytest.mark.django_db
def test_a_missed_session_blocks_completion_until_its_catch_up_is_done(world: World) -> None:
    referral = world.worcester_referral
    referral.pathway = "lower"
    referral.save(update_fields=["pathway"])
    officer = world.users["om.worcester"]
    cover_pathway(referral, recorded_by=world.users["fac.worcester"])
    missed = referral.attendances.get(session__group__module="induction", session__number=8)
    missed.outcome = Outcome.FAILED_TO_COMPLY
    missed.failures = [Failure.SENT_HOME]
    missed.save(update_fields=["outcome", "failures"])
    assert uncovered_required_content(referral) == ["Induction: Seeing it from the victim's side"]
    with pytest.raises(ValidationError, match="Seeing it from the victim's side not covered"):
        complete(referral, officer)

    CatchUpFactory.create(
        referral=referral, missed_session=missed.session, content=[8], status=CatchUpStatus.DONE
    )
    assert complete(referral, officer).status_id == "completed"
    change = StatusChange.objects.get(referral=referral)
    assert (change.from_status_id, change.to_status_id) == ("on_programme", "completed")
    record = client_for(world, "om.worcester").get(f"/participants/{world.worcester_man.pk}/")
    text = record.content.decode()
    assert "25 of 25 sessions' content covered" in text
    assert "He has covered all the content his pathway needs." in text


@pytest.mark.django_db
def test_the_status_page_explains_why_he_cannot_complete(world: World, time_machine: Any) -> None:
    time_machine.move_to("2026-11-26 10:00 +0000", tick=False)
    client = client_for(world, "om.worcester")
    url = f"/referrals/{world.worcester_referral.pk}/status/"
    response = client.post(url, {"to_status": "completed"})
    assert response.status_code == 200
    assert "He cannot complete the programme yet: Induction: Welcome" in (response.content.decode())
    world.worcester_referral.refresh_from_db()
    assert world.worcester_referral.status_id == "on_programme"


# --- The record page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_record_shows_his_progress(world: World, time_machine: Any) -> None:
    time_machine.move_to("2026-11-26 10:00 +0000", tick=False)
    referral = world.worcester_referral
    session = world.worcester_session
    AttendanceFactory.create(referral=referral, session=session, outcome=Outcome.ABSENT_PENDING)
    first = SessionFactory.create(group=world.worcester_group, number=1, date=TODAY)
    AttendanceFactory.create(referral=referral, session=first)
    EnforcementItem.objects.filter(pk=world.worcester_enforcement.pk).update(
        action_taken=ActionTaken.WARNING, action_on=datetime.date(2026, 11, 24)
    )

    page = client_for(world, "om.worcester").get(f"/participants/{world.worcester_man.pk}/")

    text = page.content.decode()
    assert '<h3 class="govuk-heading-m">Progress</h3>' in text
    assert "the longest, until his pathway is decided" in text
    assert "Content covered by module" in text
    assert "1 of 105 sessions' content covered, 5 of 275 hours done" in text
    assert "Taking responsibility" in text  # session 6: missed, its catch-up not done yet
    assert "Reason pending: 1" in text
    assert "24 November 2026" in text
    # His group's last session (7 December) and 90 weeks of modules he has not started run
    # past the end of his sentence on 14 June 2028.
    assert 'govuk-tag--red">At risk</strong>' in text
    assert "is after his sentence ends on 14 June 2028" in text
    assert "adding one week for each weekly meeting of the modules he has not started" in text


@pytest.mark.django_db
def test_a_closed_referral_is_not_projected(world: World) -> None:
    page = client_for(world, "om.worcester").get(f"/participants/{world.former_member.pk}/")
    text = page.content.decode()
    assert "Not projected: the referral is closed." in text
    assert "At risk" not in text


@pytest.mark.django_db
def test_a_man_without_a_place_has_no_progress_yet(world: World) -> None:
    man = ReferralFactory.create(
        participant__area=world.area,
        responsible_officer=world.users["om.worcester"],
        status_id="awaiting_allocation",
    ).participant
    page = client_for(world, "om.worcester").get(f"/participants/{man.pk}/")
    assert "He has not had a place in a group yet." in page.content.decode()


# Session, user, two-factor device check, the man, audit insert, referrals, status history and
# letters: 8. The timeline (participants.timeline.TIMELINE_QUERIES: the programme version, then
# one query per source; this man has no assignment marks, so their versions are not read). His
# progress and assessment use its places, marks, catch-ups, questionnaires and pathway decisions
# and add the questionnaires' scores, the risk score, the groups of his places, his warnings and
# his group's last session left: 5, for all his referrals at once
# (participants/tests/test_timeline.py, a man referred again). The session save (savepoint,
# update, release) that keeps the idle timeout sliding: 3.
RECORD_QUERIES = 8 + (TIMELINE_QUERIES - 1) + 5 + 3


@pytest.mark.django_db
def test_the_record_query_count_does_not_grow_with_his_attendances(
    world: World, django_assert_num_queries: Any
) -> None:
    referral = world.worcester_referral
    client = client_for(world, "om.worcester")
    url = f"/participants/{world.worcester_man.pk}/"

    def attend(numbers: range) -> None:
        for number in numbers:
            session = SessionFactory.create(group=world.worcester_group, number=number)
            AttendanceFactory.create(referral=referral, session=session)
            CatchUpFactory.create(
                referral=referral,
                missed_session=session,
                content=[number],
                status=CatchUpStatus.DONE,
            )

    attend(range(7, 9))
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    attend(range(9, 15))
    with django_assert_num_queries(len(two.captured_queries)):
        response = client.get(url)
    assert "8 of 105" in response.content.decode()
    with django_assert_num_queries(RECORD_QUERIES):
        client.get(url)
