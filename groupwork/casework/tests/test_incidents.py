"""Incidents: recorded against a session and the men involved, the managers told, listed and
counted for those who oversee them, and each man shown only to those who may see him."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupwork.attendance.views_absences import task_url
from groupwork.audit.models import Action, AuditEvent
from groupwork.casework.incidents import (
    counts_by_kind,
    incidents_visible_to,
    quarter_start,
    record_incident,
)
from groupwork.casework.models import Incident, IncidentKind
from groupwork.core.tests.world import World, client_for
from groupwork.groups.tests.factories import MembershipFactory, SessionFactory
from groupwork.notifications.models import Message
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory
from groupwork.tasks.models import Task, TaskKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to("2026-12-08 10:00 +0000", tick=False)


def create_url(world: World) -> str:
    return (
        f"/groups/{world.worcester_group.pk}/sessions/{world.worcester_session.pk}/incidents/new/"
    )


def page_url(incident: Incident) -> str:
    return f"/incidents/{incident.pk}/"


def form_data(*men: Referral, **extra: Any) -> dict[str, Any]:
    return {
        "kind": IncidentKind.RACISM,
        "men": [str(man.pk) for man in men],
        "description": "A racist joke about another man's family.",
        "how_challenged": "The facilitator stopped the session and named it at once.",
        "follow_up": "Raise it at his next one-to-one.",
        **extra,
    }


def telford_man_in_worcester_group(world: World) -> Referral:
    """om.telford's second man, in the Worcester group: spo.worcester may not see him."""
    referral: Referral = ReferralFactory.create(
        participant__area=world.area,
        participant__last_name="Zed",
        responsible_officer=world.users["om.telford"],
        status_id="on_programme",
    )
    MembershipFactory.create(group=world.worcester_group, referral=referral)
    return referral


# Recording


def test_a_facilitator_records_an_incident_and_the_managers_are_told(world: World) -> None:
    pm = world.users["pm.westmercia"]
    pm.email = "pm@example.org"
    pm.save(update_fields=["email"])
    other = telford_man_in_worcester_group(world)
    client = client_for(world, "fac.worcester")
    page = client.get(create_url(world))
    assert world.worcester_man.full_name in page.text
    assert other.participant.full_name in page.text
    response = client.post(create_url(world), form_data(world.worcester_referral, other))
    incident = Incident.objects.exclude(pk=world.worcester_incident.pk).get()
    assert response.status_code == 302
    assert response["Location"] == page_url(incident)
    assert set(incident.men.all()) == {world.worcester_referral, other}
    assert (incident.kind, incident.recorded_by) == (
        IncidentKind.RACISM,
        world.users["fac.worcester"],
    )
    events = AuditEvent.objects.filter(action=Action.INCIDENT_RECORDED)
    assert {e.participant_id for e in events} == {world.worcester_man.pk, other.participant_id}
    assert {e.subject_id for e in events} == {str(incident.pk)}
    tasks = {task.key: task for task in Task.objects.filter(kind=TaskKind.INCIDENT_REVIEW)}
    # His officer's manager reviews it for worcester_man; the Telford team has no manager.
    assert set(tasks) == {
        f"incident-{incident.pk}-{world.worcester_referral.pk}",
        f"incident-{incident.pk}-pm-{pm.pk}",
    }
    assert (
        tasks[f"incident-{incident.pk}-{world.worcester_referral.pk}"].assigned_to
        == (world.users["spo.worcester"])
    )
    review = tasks[f"incident-{incident.pk}-pm-{pm.pk}"]
    assert review.assigned_to == pm
    assert review.due_on == datetime.date(2026, 12, 15)  # five working days on
    message = Message.objects.get(staff=pm)
    assert message.subject == "An incident was recorded"
    assert "racism" in message.body
    assert "Worcester group" in message.body
    assert "Monday 7 December 2026" in message.body
    assert world.worcester_man.last_name not in message.body


def test_the_men_involved_must_be_chosen(world: World) -> None:
    response = client_for(world, "fac.worcester").post(create_url(world), form_data())
    assert response.status_code == 200
    assert "Select the men involved" in response.text
    assert Incident.objects.count() == 1  # only the world's own


def test_the_service_refuses_a_man_not_at_the_session(world: World) -> None:
    with pytest.raises(ValidationError, match="not expected"):
        record_incident(
            acting_user=world.users["fac.worcester"],
            session=world.worcester_session,
            kind=IncidentKind.OTHER,
            men=[world.telford_referral],
            description="Shouting.",
            how_challenged="Asked him to stop.",
        )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("fac.shrewsbury", 404),
        ("om.worcester", 403),
        ("spo.worcester", 403),
        ("pm.westmercia", 200),
    ],
)
def test_who_may_record_an_incident(world: World, persona: str, status: int) -> None:
    client = client_for(world, persona)
    assert client.get(create_url(world)).status_code == status
    client.post(create_url(world), form_data(world.worcester_referral))
    assert Incident.objects.count() == (2 if status == 200 else 1)


def test_recording_an_incident_answers_404_and_405(world: World) -> None:
    client = client_for(world, "fac.worcester")
    unknown = f"/groups/{world.worcester_group.pk}/sessions/999999/incidents/new/"
    assert client.get(unknown).status_code == 404
    assert client.put(create_url(world)).status_code == 405


def test_the_group_page_links_to_recording_an_incident(world: World) -> None:
    response = client_for(world, "fac.worcester").get(f"/groups/{world.worcester_group.pk}/")
    assert create_url(world) in response.text


# Seeing one


def test_the_page_names_only_the_men_the_viewer_may_see(world: World) -> None:
    other = telford_man_in_worcester_group(world)
    world.worcester_incident.men.add(other)
    response = client_for(world, "spo.worcester").get(page_url(world.worcester_incident))
    assert response.status_code == 200
    assert world.worcester_man.full_name in response.text
    assert other.participant.full_name not in response.text
    assert "and 1 other man" in response.text
    assert "Named at once as against the group rules." in response.text
    events = AuditEvent.objects.filter(action=Action.PARTICIPANT_VIEWED)
    assert [e.participant_id for e in events] == [world.worcester_man.pk]
    assert events[0].subject_id == str(world.worcester_incident.pk)


def test_the_programme_manager_sees_every_man(world: World) -> None:
    other = telford_man_in_worcester_group(world)
    world.worcester_incident.men.add(other)
    response = client_for(world, "pm.westmercia").get(page_url(world.worcester_incident))
    assert other.participant.full_name in response.text
    assert "other man" not in response.text
    assert AuditEvent.objects.filter(action=Action.PARTICIPANT_VIEWED).count() == 2


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("fac.worcester", 200),
        ("chief.westmercia", 200),
        ("fac.shrewsbury", 404),
        ("om.worcester", 403),
        ("om.otherarea", 403),
    ],
)
def test_who_may_see_an_incident(world: World, persona: str, status: int) -> None:
    assert client_for(world, persona).get(page_url(world.worcester_incident)).status_code == status


def test_a_manager_does_not_see_an_incident_involving_only_other_teams_men(world: World) -> None:
    other = telford_man_in_worcester_group(world)
    world.worcester_incident.men.set([other])
    response = client_for(world, "spo.worcester").get(page_url(world.worcester_incident))
    assert response.status_code == 404


def test_the_incident_page_answers_404_and_405(world: World) -> None:
    client = client_for(world, "pm.westmercia")
    assert client.get("/incidents/999999/").status_code == 404
    assert client.put(page_url(world.worcester_incident)).status_code == 405


def test_the_manager_marks_it_reviewed_and_the_task_closes(world: World) -> None:
    incident = record_incident(
        acting_user=world.users["fac.worcester"],
        session=world.worcester_session,
        kind=IncidentKind.HOMOPHOBIA,
        men=[world.worcester_referral],
        description="A homophobic insult.",
        how_challenged="Named and discussed.",
    )
    client = client_for(world, "spo.worcester")
    task = Task.objects.get(assigned_to=world.users["spo.worcester"])
    assert task_url(task) == page_url(incident)
    assert "Mark as reviewed" in client.get(page_url(incident)).text
    assert client.post(page_url(incident)).status_code == 302
    task.refresh_from_db()
    assert task.closed_at is not None
    assert "Mark as reviewed" not in client.get(page_url(incident)).text
    # The programme manager's own task stays open until they review it.
    assert Task.objects.open().filter(assigned_to=world.users["pm.westmercia"]).count() == 1


def test_a_facilitator_may_not_mark_it_reviewed(world: World) -> None:
    response = client_for(world, "fac.worcester").post(page_url(world.worcester_incident))
    assert response.status_code == 403


# The list and its counts


def test_the_list_counts_each_kind_this_quarter_and_all_time(world: World) -> None:
    old_session = SessionFactory.create(
        group=world.worcester_group, number=2, date=datetime.date(2026, 9, 14)
    )
    for session, kind in [
        (old_session, IncidentKind.SEXISM),
        (old_session, IncidentKind.RACISM),
        (world.worcester_session, IncidentKind.RACISM),
    ]:
        incident = Incident.objects.create(
            session=session,
            kind=kind,
            description="x",
            how_challenged="y",
            recorded_by=world.users["fac.worcester"],
        )
        incident.men.add(world.worcester_referral)
    response = client_for(world, "pm.westmercia").get("/incidents/")
    assert response.status_code == 200
    assert response.context["counts"] == [
        ("Racism", 1, 2),
        ("Sexism", 1, 2),
        ("Homophobia", 0, 0),
        ("Other disrespectful behaviour", 0, 0),
    ]
    assert "since 1 October 2026" in response.text
    event = AuditEvent.objects.get(action=Action.CASELOAD_VIEWED)
    assert event.detail["list"] == "incidents"


def test_a_manager_sees_only_incidents_involving_their_team(world: World) -> None:
    other = telford_man_in_worcester_group(world)
    theirs = Incident.objects.create(
        session=world.worcester_session,
        kind=IncidentKind.OTHER,
        description="x",
        how_challenged="y",
        recorded_by=world.users["fac.worcester"],
    )
    theirs.men.add(other)
    assert list(incidents_visible_to(world.users["spo.worcester"])) == [world.worcester_incident]
    assert set(incidents_visible_to(world.users["pm.westmercia"])) == {
        world.worcester_incident,
        theirs,
    }
    response = client_for(world, "spo.worcester").get("/incidents/")
    assert page_url(world.worcester_incident) in response.text
    assert page_url(theirs) not in response.text
    pm_page = client_for(world, "pm.westmercia").get("/incidents/")
    assert other.participant.full_name in pm_page.text


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("fac.worcester", 403),
        ("om.worcester", 403),
        ("spo.worcester", 200),
        ("chief.westmercia", 200),
    ],
)
def test_who_may_see_the_list(world: World, persona: str, status: int) -> None:
    assert client_for(world, persona).get("/incidents/").status_code == status


def test_the_list_answers_405(world: World) -> None:
    assert client_for(world, "pm.westmercia").post("/incidents/").status_code == 405


def test_the_list_takes_the_same_queries_for_one_incident_or_many(world: World) -> None:
    client = client_for(world, "pm.westmercia")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/incidents/").status_code == 200
        return len(captured)

    few = queries()
    for _ in range(12):
        incident = Incident.objects.create(
            session=world.worcester_session,
            kind=IncidentKind.OTHER,
            description="x",
            how_challenged="y",
            recorded_by=world.users["fac.worcester"],
        )
        incident.men.add(world.worcester_referral, world.former_referral)
    assert queries() == few


def test_quarters_start_in_january_april_july_and_october() -> None:
    assert quarter_start(datetime.date(2026, 12, 8)) == datetime.date(2026, 10, 1)
    assert quarter_start(datetime.date(2026, 4, 1)) == datetime.date(2026, 4, 1)
    assert quarter_start(datetime.date(2026, 3, 31)) == datetime.date(2026, 1, 1)


def test_counts_cover_every_kind_even_with_none(world: World) -> None:
    counts = counts_by_kind(Incident.objects.none(), datetime.date(2026, 10, 1))
    assert [label for label, _, _ in counts] == [label for _, label in IncidentKind.choices]


def test_navigation_shows_incidents_to_those_who_oversee_them(world: World) -> None:
    for persona, shown in [("spo.worcester", True), ("fac.worcester", False)]:
        response = client_for(world, persona).get("/programmes/")
        assert ('href="/incidents/"' in response.text) is shown, persona
