"""A restricted case is absent from every list and search of the staff it does not name.

Each test restricts one man to somebody else, checks that the page names him for someone it
does name (so the check means something), then that it does not name him for the unnamed
officer or programme manager. The last test walks every page of the site that takes no
argument, so a list added later is checked too.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

from groupwork.allocation.models import AllocationRun
from groupwork.casework.complaints import complaints_visible_to
from groupwork.core.tests.world import World, client_for
from groupwork.notifications.models import Channel, Message
from groupwork.participants.models import Participant
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory
from groupwork.tasks.models import Task, TaskKind

pytestmark = pytest.mark.django_db

FIRST, LAST = "Zebedee", "Quarrington"
NAME = f"{FIRST} {LAST}"


def restrict(man: Participant, world: World, *personas: str) -> None:
    man.first_name, man.last_name = FIRST, LAST
    man.save(update_fields=["first_name", "last_name"])
    man.restricted_to.set([world.users[persona] for persona in personas])


def page(world: World, persona: str, url: str) -> str:
    response = client_for(world, persona).get(url)
    assert response.status_code == 200, (persona, url, response.status_code)
    return response.content.decode()


def shown_only_to_named(world: World, url: str, *, named: str, unnamed: str) -> None:
    assert NAME in page(world, named, url), f"{named} should see him on {url}"
    assert NAME not in page(world, unnamed, url), f"{unnamed} saw him on {url}"


def test_the_waiting_list(world: World) -> None:
    waiting = ReferralFactory.create(
        participant__area=world.area,
        responsible_officer=world.users["om.worcester"],
        status_id="awaiting_allocation",
    )
    restrict(waiting.participant, world, "chief.westmercia")
    shown_only_to_named(world, "/waiting-list/", named="chief.westmercia", unnamed="pm.westmercia")


def test_a_groups_member_list(world: World) -> None:
    restrict(world.worcester_man, world, "pm.westmercia")
    url = f"/groups/{world.worcester_group.pk}/"
    shown_only_to_named(world, url, named="pm.westmercia", unnamed="fac.worcester")
    assert NAME not in page(world, "om.worcester", url)
    assert NAME not in page(world, "chief.westmercia", url)


def test_the_men_to_add_to_a_group(world: World) -> None:
    waiting = ReferralFactory.create(
        participant__area=world.area,
        responsible_officer=world.users["om.worcester"],
        status_id="awaiting_allocation",
    )
    restrict(waiting.participant, world, "om.worcester")
    world.users["om.worcester"].role = "programme_manager"  # a second programme manager
    world.users["om.worcester"].save(update_fields=["role"])
    url = f"/groups/{world.worcester_group.pk}/members/add/"
    shown_only_to_named(world, url, named="om.worcester", unnamed="pm.westmercia")


def proposal_naming(referral: Referral, other: Referral, group_id: int) -> dict[str, object]:
    def placement(man: Referral) -> dict[str, object]:
        return {
            "referral": str(man.pk),
            "name": man.participant.full_name,
            "group": str(group_id),
            "group_name": "Worcester group",
            "reason": "The earliest group he can reach.",
            "note": "",
            "finishes": "2027-06-01",
            "in_time": True,
        }

    return {
        "status": "optimal",
        "solve_seconds": 0.1,
        "gap": 0,
        "placements": [placement(referral), placement(other)],
        "unplaced": [{"referral": str(referral.pk), "name": NAME, "reason": "None fits."}],
    }


def test_an_allocation_proposal(world: World) -> None:
    restrict(world.worcester_man, world, "chief.westmercia")
    run = AllocationRun.objects.create(
        area=world.area,
        programme=world.worcester_referral.programme,
        proposal=proposal_naming(
            world.worcester_referral, world.telford_referral, world.worcester_group.pk
        ),
        created_by=world.users["pm.westmercia"],
    )
    text = page(world, "pm.westmercia", f"/allocation/{run.pk}/")
    assert NAME not in text
    assert world.telford_man.full_name in text  # the men she may see are still proposed
    run.refresh_from_db()
    assert len(run.proposal["placements"]) == 2  # what is stored is unchanged


def test_the_men_to_keep_apart_from(world: World) -> None:
    restrict(world.worcester_man, world, "chief.westmercia")
    text = page(world, "pm.westmercia", f"/participants/{world.telford_man.pk}/keep-apart/")
    assert NAME not in text
    assert world.former_member.full_name in text


def test_the_messages_page(world: World) -> None:
    restrict(world.worcester_man, world, "om.worcester")
    Message.objects.create(
        participant=world.worcester_man,
        channel=Channel.TEXT,
        to="07700900456",
        kind="session_reminder",
        key="restricted-reminder",
        body="Reminder: Monday 9:30.",
        next_attempt_at=datetime.datetime(2026, 12, 6, 9, tzinfo=datetime.UTC),
    )
    text = page(world, "pm.westmercia", "/messages/")
    assert NAME not in text
    assert "07700900456" not in text


def test_the_to_do_list(world: World) -> None:
    restrict(world.worcester_man, world, "pm.westmercia")
    Task.objects.create(
        kind=TaskKind.ONE_TO_ONE_DUE,
        key="restricted-task",
        referral=world.worcester_referral,
        assigned_to=world.users["om.worcester"],
        due_on=datetime.date(2026, 12, 10),
        summary="One-to-one due",
    )
    text = page(world, "om.worcester", "/tasks/")
    assert NAME not in text
    assert "One-to-one due" not in text


def test_a_complaint_handler_it_does_not_name(world: World) -> None:
    stage = world.worcester_complaint.stages.get()
    stage.handler = world.users["om.telford"]
    stage.save(update_fields=["handler"])
    assert world.worcester_complaint in complaints_visible_to(world.users["om.telford"])
    restrict(world.worcester_man, world, "pm.westmercia")
    assert world.worcester_complaint not in complaints_visible_to(world.users["om.telford"])
    restrict(world.worcester_man, world, "pm.westmercia", "om.telford")
    assert world.worcester_complaint in complaints_visible_to(world.users["om.telford"])


def list_pages() -> list[str]:
    """Every page of the site that takes no argument and answers GET, with the caseload's
    search added (the API has its own map of scoping tests)."""
    urls = []
    for entry in get_resolver().url_patterns:
        if not isinstance(entry, URLPattern) or entry.pattern.regex.groups:
            continue
        access = getattr(entry.callback, "access", None)
        if access is None or access.public:
            continue
        urls.append("/" + str(entry.pattern))
    return [*urls, f"/participants/?q={LAST}", f"/participants/?q={FIRST}"]


@pytest.mark.parametrize("unnamed", ["om.worcester", "pm.westmercia"])
def test_no_list_or_search_names_him_to_staff_it_does_not_name(world: World, unnamed: str) -> None:
    restrict(world.worcester_man, world, "chief.westmercia")
    his_record = f"/participants/{world.worcester_man.pk}/"
    client: Client = client_for(world, unnamed)
    checked = 0
    for url in list_pages():
        response = client.get(url)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            checked += 1
            text = response.content.decode()
            if "?q=" not in url:  # a search echoes the words searched for
                assert LAST not in text, url
            assert his_record not in text, url
            assert world.worcester_man.case_reference not in text, url
    assert checked >= 8  # caseload, searches, groups, to-do, enforcement, complaints...


@pytest.mark.parametrize("persona", ["om.worcester", "pm.westmercia"])
def test_the_walk_finds_him_when_his_case_is_not_restricted(world: World, persona: str) -> None:
    """The control for the test above: the same pages name him when nothing hides him."""
    restrict(world.worcester_man, world)
    his_record = f"/participants/{world.worcester_man.pk}/"
    client = client_for(world, persona)
    texts = {url: client.get(url).content.decode() for url in list_pages()}
    assert all(his_record in texts[url] for url in ["/participants/", f"/participants/?q={LAST}"])
    naming = [url for url, text in texts.items() if "?q=" not in url and LAST in text]
    assert len(naming) >= 4, naming  # caseload, to-do, enforcement, complaints...
