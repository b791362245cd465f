"""The group rules agreement: the definition's rules, and each man's agreement recorded once,
at a session, with the date and who witnessed it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupwork.audit.models import Action, AuditEvent
from groupwork.casework.models import RulesAgreement
from groupwork.casework.rules import record_rules_agreements
from groupwork.casework.tests.factories_one_to_ones import RulesAgreementFactory
from groupwork.core.tests.world import World, client_for
from groupwork.groups.models import Session
from groupwork.groups.tests.factories import MembershipFactory, SessionFactory
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    # Tuesday, the day after the world's session 6 (Monday 7 December 2026).
    time_machine.move_to("2026-12-08 10:00 +0000", tick=False)


def url(world: World, session: Session | None = None) -> str:
    session = session or world.worcester_session
    return f"/groups/{session.group_id}/sessions/{session.pk}/rules/"


def another_man(world: World) -> Referral:
    referral: Referral = ReferralFactory.create(
        participant__area=world.area,
        responsible_officer=world.users["om.worcester"],
        status_id="on_programme",
    )
    MembershipFactory.create(group=world.worcester_group, referral=referral)
    return referral


def test_the_page_shows_the_rules_and_a_box_for_each_man_expected(world: World) -> None:
    response = client_for(world, "fac.worcester").get(url(world))
    body = response.content.decode()
    assert response.status_code == 200
    for rule in world.worcester_group.definition.group_rules:
        assert rule["text"] in body
    assert list(response.context["form"].fields["men"].choices) == [
        (str(world.worcester_referral.pk), world.worcester_man.full_name)
    ]
    assert world.former_member.full_name not in body  # he left before this session
    viewed = AuditEvent.objects.get(action=Action.PARTICIPANT_VIEWED)
    assert viewed.participant == world.worcester_man
    assert viewed.actor == world.users["fac.worcester"]


def test_agreement_is_recorded_with_the_date_the_witness_and_the_rules(world: World) -> None:
    client = client_for(world, "fac.worcester")
    response = client.post(url(world), {"men": [str(world.worcester_referral.pk)]})
    assert response.status_code == 302
    assert response["Location"] == url(world)
    agreement = RulesAgreement.objects.get()
    assert agreement.referral == world.worcester_referral
    assert agreement.group == world.worcester_group
    assert agreement.agreed_on == datetime.date(2026, 12, 7)
    assert agreement.witnessed_by == world.users["fac.worcester"]
    assert agreement.rules == world.worcester_group.definition.group_rules
    event = AuditEvent.objects.get(action=Action.RULES_AGREED)
    assert event.participant == world.worcester_man
    assert event.subject_id == str(agreement.pk)
    assert event.new_values["agreed_on"] == "2026-12-07"
    page = client.get(url(world))
    body = page.content.decode()
    assert "Agreement to the rules recorded for 1 man." in body
    assert "7 Dec 2026" in body
    assert world.users["fac.worcester"].get_full_name() in body
    assert page.context["form"].fields["men"].choices == []
    assert "Every man expected at this session has agreed to the rules." in body


def test_agreement_is_not_recorded_twice(world: World) -> None:
    second = another_man(world)
    manager = world.users["pm.westmercia"]
    session = world.worcester_session
    first = record_rules_agreements(
        acting_user=manager, session=session, referral_ids=[world.worcester_referral.pk]
    )
    assert len(first) == 1
    again = record_rules_agreements(
        acting_user=manager,
        session=session,
        referral_ids=[world.worcester_referral.pk, second.pk],
    )
    assert [agreement.referral_id for agreement in again] == [second.pk]
    assert RulesAgreement.objects.count() == 2
    assert AuditEvent.objects.filter(action=Action.RULES_AGREED).count() == 2
    # On the page he is no longer offered: choosing him again is refused.
    response = client_for(world, "fac.worcester").post(
        url(world), {"men": [str(world.worcester_referral.pk)]}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert RulesAgreement.objects.count() == 2


def test_an_agreement_for_another_group_does_not_count_here(world: World) -> None:
    RulesAgreementFactory.create(referral=world.worcester_referral, group=world.shrewsbury_group)
    response = client_for(world, "fac.worcester").get(url(world))
    assert len(response.context["form"].fields["men"].choices) == 1


def test_a_man_not_expected_or_a_session_to_come_is_refused(world: World) -> None:
    facilitator = world.users["fac.worcester"]
    with pytest.raises(ValidationError, match="not expected at this session"):
        record_rules_agreements(
            acting_user=facilitator,
            session=world.worcester_session,
            referral_ids=[world.former_referral.pk],
        )
    later = SessionFactory.create(
        group=world.worcester_group, number=7, date=datetime.date(2026, 12, 14)
    )
    with pytest.raises(ValidationError, match="on the day of the session"):
        record_rules_agreements(
            acting_user=facilitator, session=later, referral_ids=[world.worcester_referral.pk]
        )
    body = client_for(world, "fac.worcester").get(url(world, later)).content.decode()
    assert "You can record agreement on the day of the session or after." in body
    assert not RulesAgreement.objects.exists()


def test_choosing_nobody_says_what_to_do(world: World) -> None:
    response = client_for(world, "fac.worcester").post(url(world), {})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Select the men who agreed to the rules" in body
    assert 'href="#id_men_0"' in body


def test_who_may_use_the_page(world: World) -> None:
    assert client_for(world, "fac.shrewsbury").get(url(world)).status_code == 404
    post = client_for(world, "fac.shrewsbury").post(
        url(world), {"men": [str(world.worcester_referral.pk)]}
    )
    assert post.status_code == 404
    assert client_for(world, "om.worcester").get(url(world)).status_code == 403
    assert client_for(world, "pm.westmercia").get(url(world)).status_code == 200
    client = client_for(world, "fac.worcester")
    assert client.put(url(world)).status_code == 405
    group = world.worcester_group.pk
    assert client.get(f"/groups/{group}/sessions/999999/rules/").status_code == 404
    other = SessionFactory.create(group=world.shrewsbury_group)
    assert client.get(f"/groups/{group}/sessions/{other.pk}/rules/").status_code == 404
    assert not RulesAgreement.objects.exists()


def test_the_group_page_links_to_the_agreement_at_session_1_only(world: World) -> None:
    first = SessionFactory.create(
        group=world.worcester_group, number=1, date=datetime.date(2026, 9, 7)
    )
    everything = f"/groups/{world.worcester_group.pk}/?sessions=all"  # session 1 is weeks ago
    body = client_for(world, "fac.worcester").get(everything)
    text = body.content.decode()
    assert f'href="{url(world, first)}"' in text
    assert f'href="{url(world)}"' not in text
    officer = client_for(world, "om.worcester").get(everything)
    assert "Group rules agreement" not in officer.content.decode()


def test_the_query_count_does_not_grow_with_the_men(
    world: World, django_assert_num_queries: Any
) -> None:
    client = client_for(world, "fac.worcester")
    agreed = another_man(world)
    RulesAgreementFactory.create(referral=agreed, group=world.worcester_group)
    with CaptureQueriesContext(connection) as few:
        client.get(url(world))
    for _ in range(4):
        RulesAgreementFactory.create(referral=another_man(world), group=world.worcester_group)
        another_man(world)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url(world))
    assert len(response.context["agreed"]) == 5
    assert len(response.context["form"].fields["men"].choices) == 5
