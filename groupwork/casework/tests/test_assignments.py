"""Assignments: set at a session, due by default at the next one, marked for every man in one
submission; late or not done breaks the group rule about assignments."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from groupwork.audit.models import Action, AuditEvent
from groupwork.casework.assignments import (
    assignments_rule_text,
    default_due_on,
    mark_assignment,
    set_assignment,
)
from groupwork.casework.models import Assignment, AssignmentMark, AssignmentResult
from groupwork.core.tests.world import World, client_for
from groupwork.groups.models import Group, Session, SessionStatus
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
from groupwork.organisation.models import Role, User
from groupwork.organisation.tests.factories import AreaFactory, UserFactory
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 11, 2)
RULE = "Do your assignments on time."


def create_url(world: World) -> str:
    return (
        f"/groups/{world.worcester_group.pk}/sessions/{world.worcester_session.pk}/assignments/new/"
    )


def page_url(assignment: Assignment) -> str:
    return f"/assignments/{assignment.pk}/"


def date_data(prefix: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def marks_data(results: dict[Referral, str]) -> dict[str, str]:
    return {f"m-{referral.pk.hex}-result": result for referral, result in results.items()}


def group_with(men: int) -> tuple[Group, Session, list[Referral], User]:
    area = AreaFactory.create()
    facilitator = UserFactory.create(role=Role.FACILITATOR, area=area)
    group = GroupFactory.create(area=area, facilitators=[facilitator], start_date=MONDAY)
    session = SessionFactory.create(group=group, number=6, date=MONDAY)
    referrals = []
    for _ in range(men):
        referral = ReferralFactory.create(participant__area=area, status_id="on_programme")
        MembershipFactory.create(group=group, referral=referral, joined_on=MONDAY)
        referrals.append(referral)
    return group, session, referrals, facilitator


# Setting an assignment


def test_the_due_date_is_the_next_session_or_a_week_on(world: World) -> None:
    session = world.worcester_session
    assert default_due_on(session) == session.date + datetime.timedelta(days=7)
    SessionFactory.create(
        group=world.worcester_group,
        number=8,
        date=session.date + datetime.timedelta(days=9),
        status=SessionStatus.CANCELLED,
    )
    SessionFactory.create(
        group=world.worcester_group, number=7, date=session.date + datetime.timedelta(days=14)
    )
    assert default_due_on(session) == session.date + datetime.timedelta(days=14)


def test_a_facilitator_sets_an_assignment(world: World) -> None:
    client = client_for(world, "fac.worcester")
    page = client.get(create_url(world))
    assert page.status_code == 200
    due = world.worcester_session.date + datetime.timedelta(days=7)
    assert f'value="{due.day}"' in page.text  # the due date is filled in
    response = client.post(
        create_url(world),
        {
            "title": "Warning signs",
            "instructions": "List three things you notice before you lose your temper.",
            **date_data("due_on", due),
        },
    )
    assignment = Assignment.objects.get(title="Warning signs")
    assert response.status_code == 302
    assert response["Location"] == page_url(assignment)
    assert (assignment.due_on, assignment.set_by) == (due, world.users["fac.worcester"])
    event = AuditEvent.objects.get(action=Action.ASSIGNMENT_SET)
    assert (event.subject_id, event.participant_id) == (str(assignment.pk), None)
    assert event.new_values["due_on"] == due.isoformat()


def test_the_due_date_must_be_after_the_session(world: World) -> None:
    client = client_for(world, "fac.worcester")
    response = client.post(
        create_url(world),
        {
            "title": "Warning signs",
            "instructions": "List three.",
            **date_data("due_on", world.worcester_session.date),
        },
    )
    assert response.status_code == 200
    assert "The due date must be after the session" in response.text
    assert not Assignment.objects.filter(title="Warning signs").exists()


def test_the_service_refuses_a_cancelled_session(world: World) -> None:
    session = world.worcester_session
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.CANCELLED)
    session.refresh_from_db()
    with pytest.raises(ValidationError, match="cancelled"):
        set_assignment(
            acting_user=world.users["fac.worcester"],
            session=session,
            title="Anything",
            instructions="Anything.",
            due_on=session.date + datetime.timedelta(days=7),
        )


def test_the_create_page_lists_assignments_set_and_due_at_the_session(world: World) -> None:
    later = SessionFactory.create(
        group=world.worcester_group,
        number=7,
        date=world.worcester_assignment.due_on,
    )
    response = client_for(world, "fac.worcester").get(
        f"/groups/{world.worcester_group.pk}/sessions/{later.pk}/assignments/new/"
    )
    assert "Due at this session" in response.text
    assert page_url(world.worcester_assignment) in response.text


@pytest.mark.parametrize(
    ("persona", "status"),
    [("fac.shrewsbury", 404), ("om.otherarea", 403), ("om.worcester", 403), ("pm.westmercia", 200)],
)
def test_who_may_set_an_assignment(world: World, persona: str, status: int) -> None:
    assert client_for(world, persona).get(create_url(world)).status_code == status


def test_setting_an_assignment_answers_404_and_405(world: World) -> None:
    client = client_for(world, "fac.worcester")
    unknown = f"/groups/{world.worcester_group.pk}/sessions/999999/assignments/new/"
    assert client.get(unknown).status_code == 404
    other_group = f"/groups/{world.shrewsbury_group.pk}/sessions/{world.worcester_session.pk}/"
    assert client_for(world, "pm.westmercia").get(f"{other_group}assignments/new/").status_code == (
        404
    )
    assert client.put(create_url(world)).status_code == 405


def test_the_group_page_links_to_setting_an_assignment(world: World) -> None:
    response = client_for(world, "fac.worcester").get(f"/groups/{world.worcester_group.pk}/")
    assert create_url(world) in response.text


# Marking it


def test_marking_records_each_man_and_shows_the_rule_broken(world: World) -> None:
    client = client_for(world, "fac.worcester")
    assignment = world.worcester_assignment
    response = client.post(
        page_url(assignment), marks_data({world.worcester_referral: AssignmentResult.LATE})
    )
    assert response.status_code == 302
    mark = AssignmentMark.objects.get(assignment=assignment)
    assert (mark.referral, mark.result, mark.marked_by) == (
        world.worcester_referral,
        AssignmentResult.LATE,
        world.users["fac.worcester"],
    )
    assert mark.breaks_rule == "assignments"
    event = AuditEvent.objects.get(action=Action.ASSIGNMENT_MARKED)
    assert event.participant_id == world.worcester_man.pk
    assert event.new_values == {"result": "late", "breaks_rule": "assignments"}
    page = client.get(page_url(assignment))
    assert f"Rule broken:</strong> {RULE}" in page.text
    assert "Done late" in page.text


def test_on_time_breaks_no_rule(world: World) -> None:
    client = client_for(world, "fac.worcester")
    assignment = world.worcester_assignment
    client.post(
        page_url(assignment), marks_data({world.worcester_referral: AssignmentResult.ON_TIME})
    )
    assert "Rule broken" not in client.get(page_url(assignment)).text


def test_marking_again_changes_only_what_changed(world: World) -> None:
    user, assignment = world.users["fac.worcester"], world.worcester_assignment
    man = world.worcester_referral.pk
    mark_assignment(acting_user=user, assignment=assignment, results={man: "not_done"})
    mark_assignment(acting_user=user, assignment=assignment, results={man: "not_done"})
    mark_assignment(acting_user=user, assignment=assignment, results={man: "on_time"})
    events = AuditEvent.objects.filter(action=Action.ASSIGNMENT_MARKED).order_by("pk")
    assert [(e.old_values["result"], e.new_values["result"]) for e in events] == [
        (None, "not_done"),
        ("not_done", "on_time"),
    ]
    assert AssignmentMark.objects.get().result == "on_time"


def test_a_man_not_expected_at_the_session_cannot_be_marked(world: World) -> None:
    with pytest.raises(ValidationError, match="not expected"):
        mark_assignment(
            acting_user=world.users["fac.worcester"],
            assignment=world.worcester_assignment,
            results={world.former_referral.pk: "late"},
        )


def test_saving_with_nobody_marked_asks_for_a_mark(world: World) -> None:
    response = client_for(world, "fac.worcester").post(page_url(world.worcester_assignment), {})
    assert response.status_code == 200
    assert "Choose on time, late or not done for at least one man" in response.text
    assert not AssignmentMark.objects.exists()


def test_reading_the_page_is_audited_for_each_man(world: World) -> None:
    response = client_for(world, "pm.westmercia").get(page_url(world.worcester_assignment))
    assert response.status_code == 200
    assert world.worcester_man.full_name in response.text
    assert world.former_member.full_name not in response.text  # he had left by the session
    events = AuditEvent.objects.filter(action=Action.PARTICIPANT_VIEWED)
    assert [e.participant_id for e in events] == [world.worcester_man.pk]
    assert events[0].subject_id == str(world.worcester_assignment.pk)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("fac.shrewsbury", 404), ("spo.worcester", 403), ("chief.westmercia", 403)],
)
def test_who_may_mark_an_assignment(world: World, persona: str, status: int) -> None:
    client = client_for(world, persona)
    assert client.get(page_url(world.worcester_assignment)).status_code == status
    data = marks_data({world.worcester_referral: "late"})
    assert client.post(page_url(world.worcester_assignment), data).status_code == status
    assert not AssignmentMark.objects.exists()


def test_the_assignment_page_answers_404_and_405(world: World) -> None:
    client = client_for(world, "fac.worcester")
    assert client.get("/assignments/999999/").status_code == 404
    assert client.delete(page_url(world.worcester_assignment)).status_code == 405


def test_the_rule_text_comes_from_the_definition() -> None:
    rules = [{"code": "assignments", "text": "Hand work in on time."}]
    assert assignments_rule_text(rules) == "Hand work in on time."
    assert assignments_rule_text([{"code": "respect", "text": "Be kind."}]) is None


def _queries(client: Client, method: str, url: str, data: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in {200, 302}
    return len(queries)


def test_marking_and_reading_take_the_same_queries_for_two_men_or_ten() -> None:
    counts = []
    for size in (2, 10):
        group, session, men, facilitator = group_with(size)
        assignment = set_assignment(
            acting_user=facilitator,
            session=session,
            title="My week",
            instructions="Write it down.",
            due_on=session.date + datetime.timedelta(days=7),
        )
        client = Client()
        client.force_login(facilitator)
        url = page_url(assignment)
        first = _queries(client, "post", url, marks_data(dict.fromkeys(men, "late")))
        half = {man: "on_time" for man in men[: size // 2]}
        again = _queries(client, "post", url, marks_data(dict.fromkeys(men, "late") | half))
        read = _queries(client, "get", url)
        counts.append((first, again, read))
        assert AssignmentMark.objects.filter(assignment=assignment).count() == size
        assert (
            AuditEvent.objects.filter(
                action=Action.ASSIGNMENT_MARKED, subject_id=str(assignment.pk)
            ).count()
            == size + size // 2
        )
    assert counts[0] == counts[1]
