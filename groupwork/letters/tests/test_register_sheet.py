"""The paper register of a session: the men expected and no one else, boxes to tick, the
group rules, landscape A4; for the group's facilitators and programme managers only, and
audited for each man it names."""

from __future__ import annotations

import datetime

import pytest

from groupwork.attendance.services import register_rows
from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World, client_for
from groupwork.groups.models import SessionFacilitator, SessionStatus
from groupwork.groups.tests.factories import MembershipFactory
from groupwork.letters.register_sheet import TEMPLATE, register_sheet_context
from groupwork.letters.rendering import render_letter_html
from groupwork.letters.tests.textcheck import laid_out_text, pdf_structure
from groupwork.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 1)


def register_url(world: World) -> str:
    return f"/groups/{world.worcester_group.pk}/sessions/{world.worcester_session.pk}/register.pdf"


def sheet_html(world: World, facilitators: list[str] | None = None) -> str:
    session = world.worcester_session
    context = register_sheet_context(
        session=session,
        rows=register_rows(session),
        facilitators=facilitators or [],
        today=TODAY,
    )
    return render_letter_html(TEMPLATE, context)


def test_it_lists_the_men_expected_with_boxes_and_the_rules(world: World) -> None:
    html = sheet_html(world, ["Fay Hill"])
    text = laid_out_text(html)
    assert "Register: Worcester group, session 6" in text
    assert "Monday 7 December 2026" in text
    assert "Fay Hill" in text
    assert world.worcester_man.full_name in text
    assert "Reported absent: Illness" in text  # his absence was reported before the session
    # He left the group in October: the session in December does not expect him.
    assert world.former_member.full_name not in text
    assert world.telford_man.full_name not in text
    assert html.count('class="tick"') == 3  # three boxes for the one man
    for rule in world.worcester_group.definition.group_rules:
        assert rule["text"] in text


def test_a_catch_up_he_owes_is_printed_by_his_name(world: World) -> None:
    later = world.worcester_session
    earlier = type(later).objects.create(
        group=later.group,
        number=5,
        kind="weekly",
        date=later.date - datetime.timedelta(weeks=1),
        starts=later.starts,
        ends=later.ends,
    )
    world.worcester_catch_up.missed_session = earlier
    world.worcester_catch_up.save(update_fields=["missed_session"])
    assert "Catch-up owed for the session of 30 November 2026" in laid_out_text(sheet_html(world))


def test_a_cancelled_session_says_so(world: World) -> None:
    world.worcester_session.status = SessionStatus.CANCELLED
    world.worcester_session.save(update_fields=["status"])
    assert "This session was cancelled by the service" in laid_out_text(sheet_html(world))


def test_a_group_with_nobody_in_it_prints_a_sheet_that_says_so(world: World) -> None:
    world.worcester_session.date = datetime.date(2026, 9, 1)  # before anyone joined
    assert "Nobody is in the group for this session." in laid_out_text(sheet_html(world))


def test_the_facilitator_prints_it_as_a_landscape_pdf(world: World) -> None:
    SessionFacilitator.objects.create(
        session=world.worcester_session, facilitator=world.users["fac.shrewsbury"], is_cover=True
    )
    response = client_for(world, "fac.worcester").get(register_url(world))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("inline; filename=")
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    # A4 landscape: 842 by 595 points.
    assert b"/MediaBox [0 0 841.889764 595.275591]" in pdf_structure(pdf)


def test_each_man_named_is_audited_as_a_printout(world: World) -> None:
    MembershipFactory.create(
        group=world.worcester_group,
        referral=ReferralFactory.create(participant__area=world.area, status_id="on_programme"),
    )
    client_for(world, "pm.westmercia").get(register_url(world))
    events = AuditEvent.objects.filter(action=Action.REGISTER_VIEWED)
    assert events.count() == 2
    assert {event.detail["printed"] for event in events} == {"register.pdf"}
    assert world.worcester_man.pk in {event.participant_id for event in events}


def test_who_may_print_it(world: World) -> None:
    url = register_url(world)
    assert client_for(world, "pm.westmercia").get(url).status_code == 200
    assert client_for(world, "fac.shrewsbury").get(url).status_code == 404  # not her group
    assert client_for(world, "om.worcester").get(url).status_code == 403
    assert client_for(world, "chief.westmercia").get(url).status_code == 403
    assert client_for(world, "fac.worcester").post(url).status_code == 405
    unknown = f"/groups/{world.worcester_group.pk}/sessions/999999/register.pdf"
    assert client_for(world, "fac.worcester").get(unknown).status_code == 404
    assert not AuditEvent.objects.filter(
        action=Action.REGISTER_VIEWED, actor=world.users["fac.shrewsbury"]
    ).exists()


def test_the_register_page_links_to_it(world: World) -> None:
    page = client_for(world, "fac.worcester").get(
        f"/groups/{world.worcester_group.pk}/sessions/{world.worcester_session.pk}/register/"
    )
    assert f'href="{register_url(world)}"' in page.content.decode()
