"""Complaints: deadlines in working days, who handles each stage, who sees it (never the staff
it names), the three stages with their letters, the pages, the to-do list and the daily run."""

from __future__ import annotations

import datetime
from typing import Any

import holidays
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from groupwork.audit.models import Action, AuditEvent
from groupwork.casework.complaints import (
    Deadlines,
    acknowledge_stage,
    answer_stage,
    complaints_visible_to,
    eligible_handlers,
    escalate_complaint,
    may_escalate,
    raise_complaints_due,
    record_complaint,
    stage_deadlines,
)
from groupwork.casework.models import Complaint, ComplaintOutcome, ComplaintStage
from groupwork.core.tests.world import World, client_for
from groupwork.core.working_days import is_working_day
from groupwork.letters.complaints import complaint_response_for, load_stage
from groupwork.letters.models import Letter, LetterKind
from groupwork.notifications.models import Message
from groupwork.organisation.models import ClosureDay, Role, User
from groupwork.organisation.tests.factories import UserFactory
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory
from groupwork.tasks.models import Task, TaskKind

TODAY = datetime.date(2026, 12, 10)
D = datetime.date


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to("2026-12-10 10:00 +0000", tick=False)


def date_fields(prefix: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def new_complaint(
    world: World,
    *,
    received_on: datetime.date = TODAY,
    named: tuple[str, ...] = (),
    handler: str | None = None,
    referral: Referral | None = None,
) -> Complaint:
    return record_complaint(
        acting_user=world.users["om.worcester"],
        referral=referral or world.worcester_referral,
        summary="He says he was kept waiting for an hour and nobody told him why.",
        received_on=received_on,
        named_staff=[world.users[name] for name in named],
        handler=world.users[handler] if handler else None,
    )


def stage(complaint: Complaint, number: int) -> ComplaintStage:
    return complaint.stages.get(number=number)


def answer(world: World, current: ComplaintStage, persona: str, **extra: Any) -> ComplaintStage:
    return answer_stage(
        acting_user=world.users[persona],
        stage=current,
        outcome=extra.get("outcome", ComplaintOutcome.PARTLY_UPHELD),
        response=extra.get("response", "We will tell you if a session is late."),
        responded_on=extra.get("responded_on", TODAY),
    )


# Deadlines (pure): expectations checked against the holidays package first


def test_the_bank_holidays_the_deadlines_skip_are_real() -> None:
    england = holidays.country_holidays("GB", subdiv="ENG", years=[2026, 2027])
    for day in [D(2026, 12, 25), D(2026, 12, 28), D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29)]:
        assert day in england, day
    assert D(2026, 12, 26).weekday() == 5  # Boxing Day is a Saturday, so Monday 28th is off


def test_deadlines_across_christmas_and_new_year() -> None:
    """Opened Monday 21 December 2026: Christmas Day, Boxing Day (observed on Monday 28th) and
    New Year's Day are not working days."""
    opened = D(2026, 12, 21)

    assert stage_deadlines(opened, acknowledge_days=3, respond_days=10) == Deadlines(
        acknowledge_by=D(2026, 12, 24), respond_by=D(2027, 1, 7)
    )
    assert stage_deadlines(opened, acknowledge_days=3, respond_days=15).respond_by == D(2027, 1, 14)
    assert stage_deadlines(opened, acknowledge_days=3, respond_days=20).respond_by == D(2027, 1, 21)
    # Counting weekdays only would give 4 January.
    assert stage_deadlines(opened, acknowledge_days=3, respond_days=10).respond_by != D(2027, 1, 4)


def test_deadlines_skip_the_areas_closure_days_too() -> None:
    closures = {D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31)}
    deadlines = stage_deadlines(
        D(2026, 12, 21), acknowledge_days=3, respond_days=10, closures=closures
    )
    assert deadlines == Deadlines(acknowledge_by=D(2026, 12, 24), respond_by=D(2027, 1, 12))


def test_deadlines_across_easter() -> None:
    """Opened Wednesday 24 March 2027: Good Friday 26th and Easter Monday 29th are off."""
    deadlines = stage_deadlines(D(2027, 3, 24), acknowledge_days=3, respond_days=10)
    assert deadlines == Deadlines(acknowledge_by=D(2027, 3, 31), respond_by=D(2027, 4, 9))


@given(
    opened=st.dates(min_value=D(2025, 1, 1), max_value=D(2029, 12, 31)),
    days=st.integers(min_value=1, max_value=30),
)
def test_a_deadline_is_a_working_day_that_many_working_days_on(
    opened: datetime.date, days: int
) -> None:
    respond_by = stage_deadlines(opened, acknowledge_days=1, respond_days=days).respond_by
    assert is_working_day(respond_by)
    between = [
        opened + datetime.timedelta(days=n) for n in range(1, (respond_by - opened).days + 1)
    ]
    assert sum(is_working_day(day) for day in between) == days


@pytest.mark.django_db
def test_a_recorded_complaint_counts_with_the_areas_days_and_closures(world: World) -> None:
    world.area.complaint_acknowledge_days = 2
    world.area.complaint_stage_1_days = 5
    world.area.save()
    ClosureDay.objects.create(area=world.area, date=D(2026, 12, 9), reason="Staff training")

    complaint = new_complaint(world, received_on=D(2026, 12, 7))

    first = stage(complaint, 1)
    # 8, (9 closed), 10 | 11, 14, (15)
    assert (first.opened_on, first.acknowledge_by, first.respond_by) == (
        D(2026, 12, 7),
        D(2026, 12, 10),
        D(2026, 12, 15),
    )


def test_escalation_waits_for_the_answer_or_the_deadline() -> None:
    open_stage = ComplaintStage(number=1, respond_by=D(2026, 12, 10))
    assert not may_escalate(open_stage, D(2026, 12, 10))
    assert may_escalate(open_stage, D(2026, 12, 11))
    answered = ComplaintStage(number=2, respond_by=D(2027, 1, 10), responded_on=D(2026, 12, 9))
    assert may_escalate(answered, D(2026, 12, 10))
    last = ComplaintStage(number=3, respond_by=D(2026, 1, 1), responded_on=D(2026, 1, 1))
    assert not may_escalate(last, D(2026, 12, 10))


# Handlers


@pytest.mark.django_db
def test_stage_1_goes_to_his_officer_or_their_manager_and_never_to_someone_named(
    world: World,
) -> None:
    referral = Referral.objects.select_related("participant", "responsible_officer").get(
        pk=world.worcester_referral.pk
    )
    assert list(eligible_handlers(referral, 1)) == [
        world.users["om.worcester"],
        world.users["spo.worcester"],
    ]
    assert list(eligible_handlers(referral, 1, named_ids=[world.users["om.worcester"].pk])) == [
        world.users["spo.worcester"]
    ]
    assert list(eligible_handlers(referral, 3)) == [world.users["chief.westmercia"]]


@pytest.mark.django_db
def test_by_default_the_first_person_not_named_handles_it(world: World) -> None:
    assert stage(new_complaint(world), 1).handler == world.users["om.worcester"]
    named_officer = new_complaint(world, named=("om.worcester",))
    assert stage(named_officer, 1).handler == world.users["spo.worcester"]


@pytest.mark.django_db
def test_a_named_member_of_staff_cannot_be_chosen_to_handle_it(world: World) -> None:
    with pytest.raises(ValidationError, match="is named in the complaint"):
        new_complaint(world, named=("spo.worcester",), handler="spo.worcester")
    with pytest.raises(ValidationError, match="cannot handle this"):
        new_complaint(world, handler="om.telford")
    assert not Complaint.objects.exclude(pk=world.worcester_complaint.pk).exists()


@pytest.mark.django_db
def test_nobody_to_handle_it_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="Nobody can handle stage 1"):
        new_complaint(world, named=("om.worcester", "spo.worcester"))


@pytest.mark.django_db
def test_stage_2_prefers_his_officers_team_manager_then_another(world: World) -> None:
    telford_manager = UserFactory.create(
        username="spo.telford",
        role=Role.MANAGER,
        area=world.area,
        team=world.users["om.telford"].team,
    )
    complaint = new_complaint(world)
    answer(world, stage(complaint, 1), "om.worcester")
    second = escalate_complaint(
        acting_user=world.users["om.worcester"], complaint=complaint, opened_on=TODAY
    )
    assert second.handler == world.users["spo.worcester"]

    naming_her = new_complaint(world, named=("spo.worcester",))
    answer(world, stage(naming_her, 1), "om.worcester")
    second = escalate_complaint(
        acting_user=world.users["om.worcester"], complaint=naming_her, opened_on=TODAY
    )
    assert second.handler == telford_manager
    # He may see the complaint he handles, though the man is not his team's.
    assert naming_her in complaints_visible_to(telford_manager)
    assert (
        not Referral.objects.visible_to(telford_manager)
        .filter(pk=world.worcester_referral.pk)
        .exists()
    )


# Who sees a complaint


@pytest.mark.django_db
def test_staff_named_in_a_complaint_do_not_see_it(world: World) -> None:
    complaint = world.worcester_complaint
    seen_by = {
        persona for persona, user in world.users.items() if complaint in complaints_visible_to(user)
    }
    assert seen_by == {"om.worcester", "pm.westmercia", "chief.westmercia"}


@pytest.mark.django_db
def test_the_named_manager_gets_404_everywhere(world: World) -> None:
    complaint = world.worcester_complaint
    client = client_for(world, "spo.worcester")
    first = complaint.stages.get()

    assert client.get(f"/complaints/{complaint.pk}/").status_code == 404
    assert client.get(f"/complaints/stages/{first.pk}/").status_code == 404
    post = client.post(f"/complaints/{complaint.pk}/", {"action": "acknowledge"})
    assert post.status_code == 404
    listed = client.get("/complaints/")
    assert listed.status_code == 200
    assert listed.context["rows"] == []
    assert world.worcester_man.full_name not in listed.content.decode()
    # She still sees the man himself.
    assert client.get(f"/participants/{world.worcester_man.pk}/").status_code == 200


@pytest.mark.django_db
def test_the_named_manager_cannot_open_the_answer_letter(world: World) -> None:
    answered = answer(world, world.worcester_complaint.stages.get(), "om.worcester")
    assert answered.letter_id is not None
    url = f"/letters/{answered.letter_id}/"

    assert client_for(world, "spo.worcester").get(url).status_code == 404
    assert client_for(world, "fac.worcester").get(url).status_code == 404
    response = client_for(world, "om.worcester").get(url)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_named_member_of_staff_cannot_act_even_through_the_service(world: World) -> None:
    complaint = new_complaint(world, named=("pm.westmercia",))
    with pytest.raises(PermissionDenied):
        acknowledge_stage(
            acting_user=world.users["pm.westmercia"],
            stage=stage(complaint, 1),
            acknowledged_on=TODAY,
        )


# Stages 1 to 3, with letters


@pytest.mark.django_db
def test_a_complaint_goes_through_three_stages_each_answered_with_a_letter(
    world: World, time_machine: Any
) -> None:
    complaint = new_complaint(world, received_on=D(2026, 12, 7))
    first = stage(complaint, 1)
    acknowledge_stage(
        acting_user=world.users["om.worcester"], stage=first, acknowledged_on=D(2026, 12, 8)
    )
    answer(world, first, "om.worcester", outcome=ComplaintOutcome.NOT_UPHELD)

    second = escalate_complaint(
        acting_user=world.users["om.worcester"], complaint=complaint, opened_on=TODAY
    )
    assert (second.number, second.handler) == (2, world.users["spo.worcester"])
    # 15 working days from 10 December, Christmas and Boxing Day (observed) and New Year off.
    assert (second.acknowledge_by, second.respond_by) == (D(2026, 12, 15), D(2027, 1, 5))
    answer(world, second, "spo.worcester")

    time_machine.move_to("2026-12-14 10:00 +0000", tick=False)
    third = escalate_complaint(
        acting_user=world.users["spo.worcester"], complaint=complaint, opened_on=D(2026, 12, 14)
    )
    assert (third.number, third.handler) == (3, world.users["chief.westmercia"])
    answer(
        world,
        third,
        "chief.westmercia",
        outcome=ComplaintOutcome.UPHELD,
        responded_on=D(2026, 12, 14),
    )

    with pytest.raises(ValidationError, match="Stage 3 is the last stage"):
        escalate_complaint(
            acting_user=world.users["chief.westmercia"],
            complaint=complaint,
            opened_on=D(2026, 12, 14),
        )
    stages = list(complaint.stages.order_by("number"))
    assert [s.outcome for s in stages] == ["not_upheld", "partly_upheld", "upheld"]
    letters = [s.letter for s in stages]
    assert all(letter is not None for letter in letters)
    for letter in letters:
        assert letter is not None
        assert letter.kind == LetterKind.COMPLAINT_RESPONSE
        assert letter.referral == world.worcester_referral
        assert bytes(letter.pdf).startswith(b"%PDF")
    actions = list(
        AuditEvent.objects.filter(participant=world.worcester_man)
        .filter(action__startswith="complaint_")
        .values_list("action", flat=True)
        .order_by("pk")
    )
    assert actions == [
        Action.COMPLAINT_RECEIVED,
        Action.COMPLAINT_ACKNOWLEDGED,
        Action.COMPLAINT_ANSWERED,
        Action.COMPLAINT_ESCALATED,
        Action.COMPLAINT_ANSWERED,
        Action.COMPLAINT_ESCALATED,
        Action.COMPLAINT_ANSWERED,
    ]
    assert AuditEvent.objects.filter(action=Action.LETTER_WRITTEN).count() == 3


@pytest.mark.django_db
def test_escalation_is_refused_before_the_answer_or_the_deadline(
    world: World, time_machine: Any
) -> None:
    complaint = new_complaint(world, received_on=D(2026, 12, 7))
    first = stage(complaint, 1)
    assert first.respond_by == D(2026, 12, 21)
    with pytest.raises(ValidationError, match="once it is answered"):
        escalate_complaint(
            acting_user=world.users["om.worcester"], complaint=complaint, opened_on=TODAY
        )

    time_machine.move_to("2026-12-22 10:00 +0000", tick=False)  # the deadline has passed
    second = escalate_complaint(
        acting_user=world.users["om.worcester"], complaint=complaint, opened_on=D(2026, 12, 22)
    )
    assert second.number == 2
    first.refresh_from_db()
    assert first.responded_on is None
    with pytest.raises(ValidationError, match="gone on to stage 2"):
        answer(world, first, "om.worcester", responded_on=D(2026, 12, 22))


@pytest.mark.django_db
def test_a_stage_is_answered_once_and_not_in_the_future(world: World) -> None:
    first = world.worcester_complaint.stages.get()
    with pytest.raises(ValidationError, match="today or before"):
        answer(world, first, "om.worcester", responded_on=TODAY + datetime.timedelta(days=1))
    answered = answer(world, first, "om.worcester")
    assert answered.acknowledged_on == TODAY  # the answer acknowledges it
    with pytest.raises(ValidationError, match="already answered"):
        answer(world, first, "om.worcester")
    with pytest.raises(ValidationError, match="already answered"):
        acknowledge_stage(
            acting_user=world.users["om.worcester"], stage=first, acknowledged_on=TODAY
        )


@pytest.mark.django_db
def test_the_handler_is_told_by_email(world: World) -> None:
    User.objects.filter(pk=world.users["om.worcester"].pk).update(email="om@example.test")
    world.users["om.worcester"].refresh_from_db()
    complaint = new_complaint(world)
    message = Message.objects.get(staff=world.users["om.worcester"])
    assert message.kind == "complaint_stage"
    assert str(stage(complaint, 1).respond_by.day) in message.body
    assert world.worcester_man.full_name not in message.body


# The complaint page


def complaint_url(complaint: Complaint) -> str:
    return f"/complaints/{complaint.pk}/"


@pytest.mark.django_db
def test_the_page_shows_every_stage_with_deadlines_and_an_overdue_tag(world: World) -> None:
    UserFactory.create(username="spo.other", role=Role.MANAGER, area=world.area)
    response = client_for(world, "om.worcester").get(complaint_url(world.worcester_complaint))

    assert response.status_code == 200
    page = response.content.decode()
    assert "He says his manager was rude to him." in page
    assert "Stage 1: His officer or their manager" in page
    assert "Monday 16 November 2026" in page
    assert page.count("govuk-tag--red") == 2  # acknowledgement and answer both overdue
    assert 'name="action" value="acknowledge"' in page
    assert 'name="action" value="answer"' in page
    assert 'name="action" value="escalate"' in page  # the deadline has passed


@pytest.mark.django_db
def test_reading_the_page_is_audited(world: World) -> None:
    client_for(world, "chief.westmercia").get(complaint_url(world.worcester_complaint))
    event = AuditEvent.objects.get(action=Action.PARTICIPANT_VIEWED)
    assert event.participant == world.worcester_man
    assert event.subject_id == str(world.worcester_complaint.pk)


@pytest.mark.django_db
def test_the_page_answers_404_outside_scope_403_to_facilitators_and_405(world: World) -> None:
    url = complaint_url(world.worcester_complaint)
    assert client_for(world, "om.telford").get(url).status_code == 404
    assert client_for(world, "om.otherarea").get(url).status_code == 404
    assert client_for(world, "fac.worcester").get(url).status_code == 403
    assert client_for(world, "om.worcester").put(url).status_code == 405
    assert client_for(world, "om.worcester").get("/complaints/999999/").status_code == 404


@pytest.mark.django_db
def test_only_the_handler_or_an_overseer_may_act(world: World) -> None:
    complaint = new_complaint(world)  # names nobody: his officer's manager sees it
    url = complaint_url(complaint)
    data = {"action": "acknowledge", **date_fields("acknowledge-acknowledged_on", TODAY)}
    manager = client_for(world, "spo.worcester")
    assert manager.get(url).status_code == 200
    assert 'value="acknowledge"' not in manager.get(url).content.decode()
    assert manager.post(url, data).status_code == 403

    response = client_for(world, "pm.westmercia").post(url, data)
    assert response.status_code == 302
    assert stage(complaint, 1).acknowledged_on == TODAY


@pytest.mark.django_db
def test_an_unknown_action_is_a_bad_request(world: World) -> None:
    url = complaint_url(world.worcester_complaint)
    assert client_for(world, "om.worcester").post(url, {"action": "delete"}).status_code == 400


@pytest.mark.django_db
def test_the_handler_acknowledges_answers_and_escalates_on_the_page(
    world: World, time_machine: Any
) -> None:
    complaint = world.worcester_complaint
    url = complaint_url(complaint)
    officer = client_for(world, "om.worcester")

    response = officer.post(
        url, {"action": "acknowledge", **date_fields("acknowledge-acknowledged_on", TODAY)}
    )
    assert response.status_code == 302
    response = officer.post(
        url,
        {
            "action": "answer",
            "answer-outcome": ComplaintOutcome.NOT_UPHELD,
            "answer-response": "We will talk to you about it at your next meeting.",
            **date_fields("answer-responded_on", TODAY),
        },
        follow=True,
    )
    assert "Stage 1 is answered. The letter to him is written." in response.content.decode()
    first = complaint.stages.get()
    assert first.letter_id is not None
    assert f'href="/letters/{first.letter_id}/"' in response.content.decode()

    # Stage 2 goes to a manager the complaint does not name: spo.worcester is named.
    assert "Nobody can handle stage 2" in officer.get(url).content.decode()
    other = UserFactory.create(username="spo.other", role=Role.MANAGER, area=world.area)
    response = officer.post(
        url,
        {
            "action": "escalate",
            "escalate-handler": str(other.pk),
            **date_fields("escalate-opened_on", TODAY),
        },
    )
    assert response.status_code == 302
    second = complaint.stages.get(number=2)
    assert second.handler == other
    event = AuditEvent.objects.get(action=Action.COMPLAINT_ESCALATED)
    assert event.participant == world.worcester_man
    assert event.new_values["stage"] == 2


@pytest.mark.django_db
def test_a_named_manager_cannot_be_chosen_for_stage_2_on_the_page(world: World) -> None:
    complaint = world.worcester_complaint
    answer(world, complaint.stages.get(), "om.worcester")
    response = client_for(world, "om.worcester").post(
        complaint_url(complaint),
        {
            "action": "escalate",
            "escalate-handler": str(world.users["spo.worcester"].pk),
            **date_fields("escalate-opened_on", TODAY),
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert complaint.stages.count() == 1


@pytest.mark.django_db
def test_escalating_too_soon_on_the_page_says_why(world: World) -> None:
    complaint = new_complaint(world)
    response = client_for(world, "om.worcester").post(
        complaint_url(complaint),
        {"action": "escalate", **date_fields("escalate-opened_on", TODAY)},
    )
    assert response.status_code == 200
    assert "can go further once it is answered" in response.content.decode()
    assert complaint.stages.count() == 1


@pytest.mark.django_db
def test_the_stage_link_of_a_task_leads_to_the_complaint(world: World) -> None:
    first = world.worcester_complaint.stages.get()
    response = client_for(world, "om.worcester").get(f"/complaints/stages/{first.pk}/")
    assert response.status_code == 302
    assert response["Location"] == complaint_url(world.worcester_complaint)


# Recording a complaint


def create_url(world: World) -> str:
    return f"/participants/{world.worcester_man.pk}/complaints/new/"


@pytest.mark.django_db
def test_recording_a_complaint_on_the_page(world: World) -> None:
    response = client_for(world, "om.worcester").post(
        create_url(world),
        {
            "summary": "He says a facilitator shouted at him.",
            **date_fields("received_on", D(2026, 12, 8)),
            "named_staff": [str(world.users["fac.worcester"].pk)],
            "handler": str(world.users["om.worcester"].pk),
        },
    )
    complaint = Complaint.objects.get(summary="He says a facilitator shouted at him.")
    assert response.status_code == 302
    assert response["Location"] == complaint_url(complaint)
    assert list(complaint.named_staff.all()) == [world.users["fac.worcester"]]
    assert complaint.recorded_by == world.users["om.worcester"]
    event = AuditEvent.objects.get(action=Action.COMPLAINT_RECEIVED)
    assert event.participant == world.worcester_man
    assert event.new_values["respond_by"] == "2026-12-22"


@pytest.mark.django_db
def test_the_form_refuses_a_named_handler(world: World) -> None:
    response = client_for(world, "om.worcester").post(
        create_url(world),
        {
            "summary": "He says his officer was late.",
            **date_fields("received_on", TODAY),
            "named_staff": [str(world.users["om.worcester"].pk)],
            "handler": str(world.users["om.worcester"].pk),
        },
    )
    assert response.status_code == 200
    assert "is named in the complaint. Choose someone else" in response.content.decode()
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
def test_recording_a_complaint_naming_yourself_leaves_you_outside_it(world: World) -> None:
    response = client_for(world, "om.worcester").post(
        create_url(world),
        {
            "summary": "He says his officer was late.",
            **date_fields("received_on", TODAY),
            "named_staff": [str(world.users["om.worcester"].pk)],
            "handler": str(world.users["spo.worcester"].pk),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/participants/{world.worcester_man.pk}/"


@pytest.mark.django_db
def test_the_record_page_answers_404_outside_scope_403_by_role_and_405(world: World) -> None:
    url = create_url(world)
    assert client_for(world, "om.worcester").get(url).status_code == 200
    assert client_for(world, "om.telford").get(url).status_code == 404
    assert client_for(world, "fac.worcester").get(url).status_code == 403
    assert client_for(world, "chief.westmercia").get(url).status_code == 403
    assert client_for(world, "om.worcester").delete(url).status_code == 405
    unknown = "/participants/00000000-0000-0000-0000-000000000000/complaints/new/"
    assert client_for(world, "om.worcester").get(unknown).status_code == 404


# The list


@pytest.mark.django_db
def test_the_chief_officer_sees_every_open_complaint_by_deadline_overdue_first(
    world: World,
) -> None:
    telford = new_complaint(
        world, referral=world.telford_referral, received_on=D(2026, 12, 1), handler=None
    )
    later = new_complaint(world, received_on=TODAY)
    answered = new_complaint(world, received_on=D(2026, 12, 2))
    answer(world, stage(answered, 1), "om.worcester")

    response = client_for(world, "chief.westmercia").get("/complaints/")

    rows = response.context["rows"]
    assert [(s.complaint, overdue) for s, overdue in rows] == [
        (world.worcester_complaint, True),
        (telford, False),
        (later, False),
    ]
    page = response.content.decode()
    # The world's acknowledgement and answer are late, and the Telford one's acknowledgement.
    assert page.count("govuk-tag--red") == 3
    officer_rows = client_for(world, "om.worcester").get("/complaints/").context["rows"]
    assert [s.complaint for s, _ in officer_rows] == [world.worcester_complaint, later]


@pytest.mark.django_db
def test_reading_the_list_is_audited_and_only_read(world: World) -> None:
    client_for(world, "chief.westmercia").get("/complaints/")
    event = AuditEvent.objects.get(action=Action.CASELOAD_VIEWED)
    assert event.detail == {"list": "complaints"}
    assert client_for(world, "chief.westmercia").post("/complaints/").status_code == 405
    assert client_for(world, "fac.worcester").get("/complaints/").status_code == 403


def add_complaints(world: World, count: int) -> None:
    for number in range(count):
        referral = ReferralFactory.create(
            participant__area=world.area,
            responsible_officer=world.users["om.telford"],
            status_id="on_programme",
        )
        new_complaint(world, referral=referral, received_on=TODAY - datetime.timedelta(number))


@pytest.mark.django_db
def test_the_list_takes_the_same_number_of_queries_however_long(
    world: World, django_assert_num_queries: Any
) -> None:
    client = client_for(world, "chief.westmercia")
    add_complaints(world, 1)
    client.get("/complaints/")
    with CaptureQueriesContext(connection) as few:
        client.get("/complaints/")
    add_complaints(world, 5)
    with django_assert_num_queries(len(few)):
        response = client.get("/complaints/")
    assert len(response.context["rows"]) == 7


@pytest.mark.django_db
def test_the_navigation_offers_complaints(world: World) -> None:
    for persona in ["om.worcester", "spo.worcester", "pm.westmercia", "chief.westmercia"]:
        page = client_for(world, persona).get("/participants/").content.decode()
        assert 'href="/complaints/">Complaints</a>' in page, persona
    facilitator = client_for(world, "fac.worcester").get("/participants/").content.decode()
    assert 'href="/complaints/"' not in facilitator


# The to-do list and the daily run


@pytest.mark.django_db
def test_the_handler_sees_the_complaint_on_the_to_do_list(world: World) -> None:
    body = client_for(world, "om.worcester").get("/tasks/").content.decode()
    section = body.split("Complaints to answer")[1]
    assert f'href="/complaints/{world.worcester_complaint.pk}/"' in section
    assert "Overdue" in section
    manager = client_for(world, "spo.worcester").get("/tasks/").content.decode()
    assert "No complaints are waiting for your answer." in manager


@pytest.mark.django_db
def test_the_daily_run_raises_a_task_two_working_days_before_the_deadline(world: World) -> None:
    answer(world, world.worcester_complaint.stages.get(), "om.worcester")
    complaint = new_complaint(world, received_on=D(2026, 12, 7))
    first = stage(complaint, 1)
    assert first.respond_by == D(2026, 12, 21)  # a Monday

    assert raise_complaints_due(today=D(2026, 12, 16)) == 0  # Thu 17, Fri 18: not yet
    assert raise_complaints_due(today=D(2026, 12, 17)) == 1  # Fri 18, Mon 21
    task = Task.objects.get(kind=TaskKind.COMPLAINT_DUE)
    assert task.key == f"complaint-stage-{first.pk}"
    assert (task.assigned_to, task.due_on) == (world.users["om.worcester"], D(2026, 12, 21))
    events = AuditEvent.objects.count()
    assert raise_complaints_due(today=D(2026, 12, 17)) == 0
    assert raise_complaints_due(today=D(2026, 12, 18)) == 0
    assert AuditEvent.objects.count() == events

    answer(world, first, "om.worcester")
    task.refresh_from_db()
    assert task.closed_at is not None
    assert raise_complaints_due(today=D(2026, 12, 22)) == 0


@pytest.mark.django_db
def test_an_escalated_stage_closes_its_task_and_the_next_stage_gets_its_own(
    world: World,
) -> None:
    first = world.worcester_complaint.stages.get()
    assert raise_complaints_due(today=TODAY) == 1  # the world's stage 1 is late
    escalate_complaint(
        acting_user=world.users["om.worcester"],
        complaint=world.worcester_complaint,
        opened_on=TODAY,
        handler=UserFactory.create(username="spo.other", role=Role.MANAGER, area=world.area),
    )
    assert Task.objects.get(key=f"complaint-stage-{first.pk}").closed_at is not None
    assert raise_complaints_due(today=TODAY) == 0  # stage 2 is due on 5 January
    assert raise_complaints_due(today=D(2027, 1, 1)) == 1


@pytest.mark.django_db
def test_the_task_on_the_to_do_list_links_to_the_complaint(world: World) -> None:
    raise_complaints_due(today=TODAY)
    body = client_for(world, "om.worcester").get("/tasks/").content.decode()
    first = world.worcester_complaint.stages.get()
    assert f'href="/complaints/stages/{first.pk}/"' in body.split("Absences waiting")[0]


@pytest.mark.django_db
def test_the_letter_is_kept_for_the_man(world: World) -> None:
    answer(world, world.worcester_complaint.stages.get(), "om.worcester")
    letter = Letter.objects.get(kind=LetterKind.COMPLAINT_RESPONSE)
    assert letter.created_by == world.users["om.worcester"]
    assert world.worcester_complaint.stages.get().letter == letter


def test_stage_2_never_goes_back_to_who_answered_stage_1(world: World) -> None:
    complaint = new_complaint(world, named=("om.worcester",))  # so spo.worcester has stage 1
    assert stage(complaint, 1).handler == world.users["spo.worcester"]
    other_manager = UserFactory.create(role=Role.MANAGER, area=world.area, first_name="Zed")
    answer(world, stage(complaint, 1), "spo.worcester")
    with pytest.raises(ValidationError, match="handled an earlier stage"):
        escalate_complaint(
            acting_user=world.users["spo.worcester"],
            complaint=complaint,
            opened_on=TODAY,
            handler=world.users["spo.worcester"],
        )
    second = escalate_complaint(
        acting_user=world.users["spo.worcester"], complaint=complaint, opened_on=TODAY
    )
    assert second.handler == other_manager


def test_only_the_chief_officer_gives_the_final_answer_and_signs_it(world: World) -> None:
    complaint = new_complaint(world)
    answer(world, stage(complaint, 1), "pm.westmercia")  # an overseer may answer stage 1
    letter_facts = stage(complaint, 1)
    assert letter_facts.letter is not None
    second = escalate_complaint(
        acting_user=world.users["pm.westmercia"], complaint=complaint, opened_on=TODAY
    )
    answer(world, second, "spo.worcester")
    third = escalate_complaint(
        acting_user=world.users["pm.westmercia"], complaint=complaint, opened_on=TODAY
    )
    with pytest.raises(PermissionDenied):
        answer(world, third, "pm.westmercia")
    answer(world, third, "chief.westmercia")


def test_the_answer_letter_is_signed_by_who_answered(world: World) -> None:
    complaint = new_complaint(world)
    first = stage(complaint, 1)
    assert first.handler == world.users["om.worcester"]
    answered = answer(world, first, "pm.westmercia")
    loaded = load_stage(answered.pk)
    facts = complaint_response_for(loaded, today=TODAY, signed_by=world.users["pm.westmercia"])
    assert world.users["pm.westmercia"].get_full_name() in str(facts)
