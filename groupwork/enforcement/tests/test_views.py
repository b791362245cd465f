"""The enforcement pages: the list (overdue first), one failure, and recording the decision."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World, client_for
from groupwork.enforcement.models import ActionTaken, Advice, EnforcementItem
from groupwork.enforcement.tests.factories import EnforcementItemFactory
from groupwork.letters.models import Letter, LetterKind
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 10)


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to("2026-12-10 10:00 +0000", tick=False)


def worcester_case(world: World, officer: str = "om.worcester") -> Referral:
    referral: Referral = ReferralFactory.create(
        participant__area=world.area,
        responsible_officer=world.users[officer],
        status_id="on_programme",
    )
    return referral


def action_data(**changes: str) -> dict[str, str]:
    data = {
        "action": "warning",
        "action_on_day": "10",
        "action_on_month": "12",
        "action_on_year": "2026",
        "reason": "First failure; he says he forgot.",
    }
    data.update(changes)
    return data


# The list


def test_the_officer_sees_their_open_items_overdue_first(world: World) -> None:
    overdue = EnforcementItemFactory.create(
        referral=worcester_case(world), must_act_by=datetime.date(2026, 12, 9)
    )
    later = EnforcementItemFactory.create(
        referral=worcester_case(world), must_act_by=datetime.date(2027, 1, 4)
    )
    EnforcementItemFactory.create(referral=world.telford_referral)  # not his man

    response = client_for(world, "om.worcester").get("/enforcement/")

    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert rows == [overdue, world.worcester_enforcement, later]
    assert [row.overdue for row in rows] == [True, False, False]
    page = response.content.decode()
    assert page.count("govuk-tag--red") == 1
    assert "Overdue" in page
    assert world.worcester_man.full_name in page
    assert world.telford_man.full_name not in page
    assert "Warn him or refer him for breach" in page
    assert "21 Dec 2026" in page


def test_the_manager_sees_their_teams_items_and_recent_decisions(world: World) -> None:
    decided = EnforcementItemFactory.create(
        referral=worcester_case(world),
        action_taken=ActionTaken.WARNING,
        action_on=TODAY,
        decided_by=world.users["om.worcester"],
        decided_at=datetime.datetime(2026, 12, 10, 9, tzinfo=datetime.UTC),
    )
    EnforcementItemFactory.create(referral=world.telford_referral)

    response = client_for(world, "spo.worcester").get("/enforcement/")

    assert list(response.context["page"].object_list) == [world.worcester_enforcement]
    assert list(response.context["decided"]) == [decided]
    assert "Gave a warning, 10 Dec 2026" in response.content.decode()


def test_reading_the_list_is_audited(world: World) -> None:
    client_for(world, "pm.westmercia").get("/enforcement/")

    event = AuditEvent.objects.get(action=Action.CASELOAD_VIEWED)
    assert event.actor == world.users["pm.westmercia"]
    assert event.detail == {"list": "enforcement", "page": 1}


def _items(world: World, count: int) -> None:
    for number in range(count):
        EnforcementItemFactory.create(
            referral=worcester_case(world),
            must_act_by=TODAY + datetime.timedelta(days=number - 2),
        )
        EnforcementItemFactory.create(
            referral=worcester_case(world),
            action_taken=ActionTaken.BREACH,
            action_on=TODAY,
            decided_by=world.users["spo.worcester"],
            decided_at=datetime.datetime(2026, 12, 10, 9, tzinfo=datetime.UTC),
        )


def test_the_list_takes_the_same_number_of_queries_however_long(
    world: World, django_assert_num_queries: Any
) -> None:
    client = client_for(world, "spo.worcester")
    _items(world, 2)
    client.get("/enforcement/")  # the session and the user, once

    with CaptureQueriesContext(connection) as few:
        client.get("/enforcement/")
    # Session, user, two-factor device, count, audit row, open page, decisions, session save.
    assert len(few) <= 10
    _items(world, 4)
    with django_assert_num_queries(len(few)):
        response = client.get("/enforcement/")
    assert len(response.context["page"].object_list) == 7
    assert len(response.context["decided"]) == 6


def test_the_list_is_not_for_facilitators(world: World) -> None:
    assert client_for(world, "fac.worcester").get("/enforcement/").status_code == 403


def test_the_list_only_reads(world: World) -> None:
    assert client_for(world, "om.worcester").post("/enforcement/").status_code == 405


# One item


def test_an_item_shows_the_failure_the_advice_and_the_deadline(world: World) -> None:
    warned = EnforcementItemFactory.create(
        referral=world.worcester_referral,
        failure="Failed to comply at session 2: disruptive",
        failure_date=datetime.date(2026, 10, 5),
        action_taken=ActionTaken.WARNING,
        action_on=datetime.date(2026, 10, 8),
    )
    item = world.worcester_enforcement

    response = client_for(world, "om.worcester").get(f"/enforcement/{item.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert item.failure in page
    assert "Warn him or refer him for breach" in page
    assert item.explanation in page
    assert "Monday 21 December 2026" in page
    assert list(response.context["warnings"]) == [warned]
    assert "8 October 2026: Failed to comply at session 2: disruptive" in page
    assert "Nobody has decided yet." in page
    assert f"/enforcement/{item.pk}/action/" in page
    event = AuditEvent.objects.get(action=Action.PARTICIPANT_VIEWED)
    assert event.participant == world.worcester_man
    assert event.subject_id == str(item.pk)


def test_a_reader_who_may_not_decide_sees_no_button(world: World) -> None:
    item = world.worcester_enforcement

    page = client_for(world, "pm.westmercia").get(f"/enforcement/{item.pk}/").content.decode()

    assert f"/enforcement/{item.pk}/action/" not in page


def test_an_item_out_of_scope_or_unknown_is_not_found(world: World) -> None:
    item = world.worcester_enforcement
    assert client_for(world, "om.telford").get(f"/enforcement/{item.pk}/").status_code == 404
    assert client_for(world, "om.otherarea").get(f"/enforcement/{item.pk}/").status_code == 404
    assert client_for(world, "om.worcester").get("/enforcement/999999/").status_code == 404
    assert not AuditEvent.objects.filter(action=Action.PARTICIPANT_VIEWED).exists()


# Recording the decision


def test_the_form_offers_only_what_the_law_allows(world: World) -> None:
    item = EnforcementItemFactory.create(
        referral=world.worcester_referral, advice=Advice.REFER_FOR_BREACH
    )

    response = client_for(world, "om.worcester").get(f"/enforcement/{item.pk}/action/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="breach"' in page
    assert 'value="no_action"' in page
    assert 'value="warning"' not in page
    assert 'name="action_on_day"' in page


def test_the_officer_gives_a_warning_and_the_letter_is_written(world: World) -> None:
    item = world.worcester_enforcement
    client = client_for(world, "om.worcester")

    response = client.post(f"/enforcement/{item.pk}/action/", action_data())

    assert response.status_code == 302
    assert response["Location"] == f"/enforcement/{item.pk}/"
    item.refresh_from_db()
    assert item.action_taken == ActionTaken.WARNING
    assert item.action_on == TODAY
    assert item.decided_by == world.users["om.worcester"]
    letter = item.letter
    assert letter is not None
    assert letter.kind == LetterKind.WARNING
    assert AuditEvent.objects.filter(
        action=Action.ENFORCEMENT_DECIDED, participant=world.worcester_man
    ).exists()
    shown = client.get(response["Location"]).content.decode()
    assert "Gave a warning is recorded. The letter is ready." in shown
    assert f"/letters/{letter.pk}/" in shown
    assert client.get(f"/letters/{letter.pk}/")["Content-Type"] == "application/pdf"


def test_the_manager_refers_for_breach(world: World) -> None:
    item = world.worcester_enforcement

    response = client_for(world, "spo.worcester").post(
        f"/enforcement/{item.pk}/action/", action_data(action="breach", reason="")
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.action_taken == ActionTaken.BREACH
    assert item.letter is not None
    assert item.letter.kind == LetterKind.BREACH_REPORT


def test_a_warning_is_refused_when_the_law_says_refer(world: World) -> None:
    item = EnforcementItemFactory.create(
        referral=world.worcester_referral, advice=Advice.REFER_FOR_BREACH
    )

    response = client_for(world, "om.worcester").post(
        f"/enforcement/{item.pk}/action/", action_data()
    )

    assert response.status_code == 200
    assert response.context["errors"] == [
        ("id_action_0", "Select a valid choice. warning is not one of the available choices.")
    ]
    item.refresh_from_db()
    assert item.is_open


def test_no_action_needs_a_reason_and_the_date_must_not_be_ahead(world: World) -> None:
    item = world.worcester_enforcement

    response = client_for(world, "om.worcester").post(
        f"/enforcement/{item.pk}/action/",
        action_data(action="no_action", reason=" ", action_on_day="11"),
    )

    assert response.status_code == 200
    assert dict(response.context["errors"]) == {
        "id_action_on_day": "Date of the action must be today or in the past",
        "id_reason": "Say what reasonable excuse you accepted",
    }
    assert "govuk-error-summary" in response.content.decode()
    item.refresh_from_db()
    assert item.is_open
    assert not AuditEvent.objects.filter(action=Action.ENFORCEMENT_DECIDED).exists()


def test_a_decided_item_shows_the_decision_instead_of_the_form(world: World) -> None:
    item = world.worcester_enforcement
    client = client_for(world, "om.worcester")
    client.post(f"/enforcement/{item.pk}/action/", action_data())

    again = client.post(f"/enforcement/{item.pk}/action/", action_data(action="breach"))

    assert again.status_code == 200
    page = again.content.decode()
    assert "This failure has already been decided: gave a warning on 10 December 2026." in page
    assert '<form method="post" novalidate>' not in page
    item.refresh_from_db()
    assert item.action_taken == ActionTaken.WARNING
    assert Letter.objects.count() == 1


def test_an_officer_cannot_take_another_officers_decision(world: World) -> None:
    """He is on om.worcester's caseload too, so she may see the item; it is om.telford's."""
    shared = ReferralFactory.create(
        participant=world.worcester_man,
        responsible_officer=world.users["om.telford"],
        status_id="on_programme",
    )
    item = EnforcementItemFactory.create(referral=shared)
    client = client_for(world, "om.worcester")

    assert client.get(f"/enforcement/{item.pk}/").status_code == 200
    assert client.get(f"/enforcement/{item.pk}/action/").status_code == 403
    assert client.post(f"/enforcement/{item.pk}/action/", action_data()).status_code == 403
    item.refresh_from_db()
    assert item.is_open


def test_an_officer_outside_the_case_is_not_found(world: World) -> None:
    item = world.worcester_enforcement

    response = client_for(world, "om.telford").post(
        f"/enforcement/{item.pk}/action/", action_data()
    )

    assert response.status_code == 404
    item.refresh_from_db()
    assert item.is_open


@pytest.mark.parametrize("persona", ["pm.westmercia", "chief.westmercia", "fac.worcester"])
def test_readers_cannot_decide(world: World, persona: str) -> None:
    item = world.worcester_enforcement

    response = client_for(world, persona).post(f"/enforcement/{item.pk}/action/", action_data())

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.is_open


def test_the_action_page_takes_get_and_post_only(world: World) -> None:
    url = f"/enforcement/{world.worcester_enforcement.pk}/action/"
    client = client_for(world, "om.worcester")

    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405
    assert client.get(f"/enforcement/{world.worcester_enforcement.pk}/", {}).status_code == 200
    assert client.post(f"/enforcement/{world.worcester_enforcement.pk}/").status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    response = Client().get(f"/enforcement/{world.worcester_enforcement.pk}/action/")

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_the_navigation_links_to_enforcement_for_those_who_may_see_it(world: World) -> None:
    for persona, shown in [
        ("om.worcester", True),
        ("spo.worcester", True),
        ("fac.worcester", False),
    ]:
        page = client_for(world, persona).get("/programmes/").content.decode()
        assert ('href="/enforcement/"' in page) is shown, persona


def test_items_of_an_unknown_id_cannot_be_decided(world: World) -> None:
    assert client_for(world, "om.worcester").get("/enforcement/999999/action/").status_code == 404
    assert EnforcementItem.objects.count() == 1
