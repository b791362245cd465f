"""A programme manager records that a man agrees to text message reminders; the daily run
queues tomorrow's reminder and sends it to the local outbox, and the Messages page shows it.
Every page is checked with axe-core."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
from groupwork.notifications.reminders import queue_reminders
from groupwork.notifications.sending import send_due
from groupwork.organisation.models import Role
from groupwork.organisation.tests.factories import AreaFactory, OfficeFactory, UserFactory
from groupwork.referrals.tests.factories import ReferralFactory
from tests.browser.conftest import AssertAccessible, SignIn

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_man_who_agrees_gets_a_reminder_the_programme_manager_can_see(
    page: Page, live_server: Any, sign_in: SignIn, assert_accessible: AssertAccessible
) -> None:
    area = AreaFactory.create()
    centre = OfficeFactory.create(
        area=area, name="Worcester Group Centre", address="1 Bridge Street", phone="01905 613822"
    )
    UserFactory.create(username="pm.browser", role=Role.PROGRAMME_MANAGER, area=area)
    officer = UserFactory.create(role=Role.OFFENDER_MANAGER, area=area)
    referral = ReferralFactory.create(
        participant__area=area,
        participant__first_name="Adam",
        participant__last_name="Archer",
        responsible_officer=officer,
        status_id="on_programme",
    )
    group = GroupFactory.create(area=area, centre=centre)
    MembershipFactory.create(group=group, referral=referral)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    SessionFactory.create(group=group, number=3, date=tomorrow)

    sign_in("pm.browser")
    page.goto(f"{live_server.url}/participants/{referral.participant_id}/edit/")
    expect(page.get_by_role("heading", name="Change details for Adam Archer")).to_be_visible()
    page.get_by_label("Mobile phone number").fill("07700 900123")
    page.get_by_label("He agrees to text message reminders").check()
    expect(page.get_by_label("He has asked for no more messages")).not_to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("His details are saved.")).to_be_visible()

    assert queue_reminders(today=timezone.localdate()) == 1
    assert send_due().sent == 1

    page.get_by_role("link", name="Messages").click()
    expect(page.get_by_role("heading", name="Messages")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Adam Archer"))
    expect(row).to_contain_text("Reminder: you have an appointment")
    expect(row).to_contain_text("Worcester Group Centre, 1 Bridge Street")
    expect(row.get_by_text("Sent", exact=True)).to_be_visible()
    assert_accessible(page)
