"""A programme manager sets up a group with its timetable, with and without JavaScript, is
stopped by a facilitator's clash, and cancels a session; the programme, calendar and group
list pages as other staff see them."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from groupwork.groups import services
from groupwork.groups.models import Group, SessionFacilitator, Weekday
from groupwork.organisation.models import Office, Role, Room, User
from groupwork.organisation.tests.factories import UserFactory
from groupwork.programmes.models import Programme
from tests.browser.conftest import AssertAccessible, SignIn
from tests.browser.helpers import error_summary, fieldset, fill_date

pytestmark = pytest.mark.django_db(transaction=True)

INDUCTION = "Community Sex Offender Groupwork Programme: Induction"
HALF_DAYS = "Half days, once a week"
SESSIONS_IN_INDUCTION = 15  # a block week of 5 days, then 10 half days
CENTRE = "Worcester Group Centre"
ROOM = "Room 1"


@dataclass(frozen=True)
class NewGroup:
    """What the programme manager enters in "Set up a group"."""

    name: str
    start: datetime.date
    facilitators: tuple[User, ...]
    room: str = ROOM


@pytest.fixture
def centre(world: Any) -> Office:
    """A group centre in the world's area, with two rooms."""
    office = Office.objects.create(
        area=world.area, name=CENTRE, town="Worcester", is_group_centre=True
    )
    Room.objects.create(centre=office, name=ROOM)
    Room.objects.create(centre=office, name="Room 2")
    return office


def pair(world: Any) -> tuple[User, User]:
    users = world.users
    return users["fac.worcester"], users["fac.shrewsbury"]


def fill_group_form(page: Page, group: NewGroup) -> None:
    """Every field of "Set up a group", found by its label or legend. The text boxes first,
    so each later choice blurs the box before it and every field has fired its change."""
    page.get_by_label("Group name", exact=True).fill(group.name)
    start = group.start
    fill_date(page, "Start date", str(start.day), str(start.month), str(start.year))
    fieldset(page, "Programme and module").get_by_label(INDUCTION, exact=True).check()
    fieldset(page, "When the group meets each week").get_by_label(HALF_DAYS, exact=True).check()
    page.get_by_label("Group centre", exact=True).select_option(label=CENTRE)
    page.get_by_label("Room", exact=True).select_option(label=f"{group.room}, {CENTRE}")
    page.get_by_label("Day of the week for weekly sessions").select_option(label="Monday")
    people = fieldset(page, "Facilitators")
    for person in group.facilitators:
        people.get_by_label(person.get_full_name(), exact=True).check()


def preview_table(page: Page) -> Locator:
    return page.get_by_role("table", name="Sessions the group would have")


def timetable(page: Page) -> Locator:
    """The group page's timetable."""
    return page.get_by_role("table", name="Sessions")


def body_rows(table: Locator) -> Locator:
    return table.locator("tbody tr")


def shown_date(row: Locator) -> datetime.date:
    """The date in a timetable row, as shown: "Mon 15 Mar 2027"."""
    text = row.get_by_role("cell").nth(1).inner_text().strip()
    return datetime.datetime.strptime(text, "%a %d %b %Y").date()  # noqa: DTZ007  (a date)


def long_date(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def make_group(world: Any, centre: Office, start: datetime.date) -> Group:
    """An Induction group, half days on Mondays in Room 1, run by both facilitators, as
    though the programme manager had set it up already."""
    return services.create_group(
        acting_user=world.users["pm.westmercia"],
        version=Programme.objects.get(code="csogp").current_version(),
        module_code="induction",
        pattern_code="half-days",
        name="Worcester Induction, January 2027",
        centre=centre,
        room=Room.objects.get(centre=centre, name=ROOM),
        start=start,
        weekday=Weekday.MONDAY,
        facilitators=list(pair(world)),
    )


def watch_the_preview_follow_the_form(
    page: Page, wanted: NewGroup, assert_accessible: AssertAccessible
) -> None:
    """With scripts on, the preview appears and changes as the fields change, no button
    pressed and the page never reloaded."""
    # A marker on the window survives only if the page is never reloaded.
    page.evaluate("() => { window.stillTheSamePage = true }")
    fill_group_form(page, wanted)
    # The script fetches the preview as the fields change: no button pressed.
    expect(body_rows(preview_table(page))).to_have_count(SESSIONS_IN_INDUCTION)
    expect(preview_table(page)).to_contain_text("Mon 4 Jan 2027")
    expect(page.get_by_role("heading", name="Timetable preview")).to_be_visible()
    expect(page.locator("#timetable-preview")).not_to_contain_text("clash")
    assert page.evaluate("() => window.stillTheSamePage === true")
    assert_accessible(page)

    # Another weekday: the weekly sessions move, in place.
    page.get_by_label("Day of the week for weekly sessions").select_option(label="Wednesday")
    expect(preview_table(page)).to_contain_text("Wed 13 Jan 2027")
    page.get_by_label("Day of the week for weekly sessions").select_option(label="Monday")
    expect(preview_table(page)).not_to_contain_text("Wed 13 Jan 2027")
    expect(preview_table(page)).to_contain_text("Mon 11 Jan 2027")
    assert page.evaluate("() => window.stillTheSamePage === true")


def cancel_session_8(page: Page, assert_accessible: AssertAccessible) -> None:
    """From the group page of the group starting 4 January 2027: cancel its third weekly
    session, first without a reason, and see it listed as cancelled and run a week later."""
    page.get_by_role("link", name="Cancel session 8 on 25 Jan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cancel session 8 on Monday 25 January 2027"
    )
    assert_accessible(page)

    # The reason is needed: the error page first.
    page.get_by_role("button", name="Cancel the session").click()
    expect(error_summary(page).get_by_role("link")).to_have_text(
        ["Enter why the session is cancelled"]
    )
    expect(page).to_have_title(re.compile(r"^Error: Cancel session 8"))
    assert_accessible(page)

    page.get_by_label("Why is the session cancelled?").fill("Facilitator ill")
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Session 8 is cancelled and now runs on Monday 1 February 2027. "
        "Later sessions have moved to follow it."
    )
    rows = body_rows(timetable(page))
    expect(rows).to_have_count(SESSIONS_IN_INDUCTION + 1)  # the cancelled one stays listed
    cancelled = rows.filter(has=page.locator("strong.govuk-tag", has_text="Cancelled"))
    expect(cancelled).to_have_count(1)
    expect(cancelled).to_contain_text("Facilitator ill")
    expect(cancelled.locator("s")).to_have_text("Mon 25 Jan 2027")
    # No more changes to a cancelled session.
    expect(cancelled.get_by_role("link")).to_have_count(0)
    replacement = rows.filter(has_text="Moved from 25 Jan")
    expect(replacement).to_contain_text("Mon 1 Feb 2027")
    expect(replacement).to_contain_text("Facilitator ill")


def test_set_up_a_group_with_a_live_preview_then_cancel_a_session(
    page: Page,
    live_server: Any,
    world: Any,
    centre: Office,
    sign_in: SignIn,
    assert_accessible: AssertAccessible,
) -> None:
    first, second = pair(world)
    # 4 January 2027: the block week and all ten Mondays after it are clear of bank holidays,
    # and so is the Monday after the last (from 11 January, Easter Monday would be next).
    wanted = NewGroup(
        name="Worcester Induction, January 2027",
        start=datetime.date(2027, 1, 4),
        facilitators=(first, second),
    )
    sign_in("pm.westmercia")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Groups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Groups")
    expect(page.get_by_role("link", name="Worcester group")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Set up a group").click()
    expect(page).to_have_title("Set up a group – Groupwork")
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs-enabled\b"))
    assert_accessible(page)

    watch_the_preview_follow_the_form(page, wanted, assert_accessible)
    assert not Group.objects.filter(name=wanted.name).exists()

    page.get_by_role("button", name="Set up the group").click()
    group = Group.objects.get(name=wanted.name)
    expect(page).to_have_url(f"{live_server.url}/groups/{group.pk}/")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{wanted.name} is set up with its timetable."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(wanted.name)
    details = page.locator(".govuk-summary-list")
    facilitators_row = details.locator(".govuk-summary-list__row").filter(has_text="Facilitators")
    expect(facilitators_row).to_contain_text(first.get_full_name())
    expect(facilitators_row).to_contain_text(second.get_full_name())
    expect(details).to_contain_text(f"{CENTRE}, {ROOM}")
    rows = body_rows(timetable(page))
    expect(rows).to_have_count(SESSIONS_IN_INDUCTION)
    expect(rows.filter(has_text="(block week)")).to_have_count(5)
    last_before = shown_date(rows.last)
    assert last_before == datetime.date(2027, 3, 15)
    assert_accessible(page)

    cancel_session_8(page, assert_accessible)
    expect(page).to_have_url(f"{live_server.url}/groups/{group.pk}/")
    rows = body_rows(timetable(page))
    expect(rows.last).to_contain_text("Moved from 15 Mar")
    assert shown_date(rows.last) == last_before + datetime.timedelta(weeks=1)
    assert_accessible(page)


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_set_up_a_group_without_javascript(
    page: Page,
    live_server: Any,
    world: Any,
    centre: Office,
    sign_in: SignIn,
    assert_accessible: AssertAccessible,
) -> None:
    wanted = NewGroup(
        name="Worcester Induction, after Christmas",
        start=datetime.date(2027, 1, 11),
        facilitators=pair(world),
    )
    sign_in("pm.westmercia")
    page.goto(f"{live_server.url}/groups/")
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))
    page.get_by_role("link", name="Set up a group").click()
    expect(page).to_have_title("Set up a group – Groupwork")
    assert_accessible(page)

    # Nothing entered: the error page.
    page.get_by_role("button", name="Preview the timetable").click()
    expect(error_summary(page).get_by_role("link")).to_contain_text(
        ["Enter a name for the group", "Select the programme and module"]
    )
    expect(page).to_have_title(re.compile(r"^Error: Set up a group"))
    expect(preview_table(page)).to_have_count(0)
    assert_accessible(page)

    fill_group_form(page, wanted)
    expect(preview_table(page)).to_have_count(0)  # nothing happens until the button
    with page.expect_navigation():
        page.get_by_role("button", name="Preview the timetable").click()
    expect(error_summary(page)).to_have_count(0)
    expect(body_rows(preview_table(page))).to_have_count(SESSIONS_IN_INDUCTION)
    expect(preview_table(page)).to_contain_text("Mon 11 Jan 2027")
    expect(page.locator("#timetable-preview .govuk-inset-text")).to_have_count(0)
    # The form kept what was entered.
    expect(page.get_by_label("Group name", exact=True)).to_have_value(wanted.name)
    assert not Group.objects.filter(name=wanted.name).exists()
    assert_accessible(page)

    # A start in the week of Christmas: the block week moves past both bank holidays.
    fill_date(page, "Start date", "21", "12", "2026")
    page.get_by_role("button", name="Preview the timetable").click()
    inset = page.locator("#timetable-preview .govuk-inset-text")
    expect(inset).to_have_text(
        "You asked to start on Monday 21 December 2026. The group starts on "
        "Monday 4 January 2027 instead: Christmas Day (bank holiday)."
    )
    expect(body_rows(preview_table(page)).first).to_contain_text("Mon 4 Jan 2027")
    assert_accessible(page)

    page.get_by_role("button", name="Set up the group").click()
    group = Group.objects.get(name=wanted.name)
    expect(page).to_have_url(f"{live_server.url}/groups/{group.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(wanted.name)
    expect(page.locator(".govuk-summary-list")).to_contain_text("from 4 January 2027")
    expect(body_rows(timetable(page))).to_have_count(SESSIONS_IN_INDUCTION)
    assert group.start_date == datetime.date(2027, 1, 4)
    assert group.sessions.count() == SESSIONS_IN_INDUCTION
    assert_accessible(page)


def test_a_facilitator_clash_stops_the_group(
    page: Page,
    live_server: Any,
    world: Any,
    centre: Office,
    sign_in: SignIn,
    assert_accessible: AssertAccessible,
) -> None:
    first, second = pair(world)
    existing = make_group(world, centre, datetime.date(2027, 1, 11))
    newcomer: User = UserFactory.create(
        username="fac.newcomer",
        first_name="Nadia",
        last_name="Newcomer",
        role=Role.FACILITATOR,
        area=world.area,
    )
    # A week later, in the other room: only the facilitator is double-booked.
    wanted = NewGroup(
        name="Worcester Induction, second January group",
        start=datetime.date(2027, 1, 18),
        facilitators=(first, newcomer),
        room="Room 2",
    )
    sign_in("pm.westmercia")
    page.goto(f"{live_server.url}/groups/new/")
    fill_group_form(page, wanted)
    preview = page.locator("#timetable-preview")
    expect(preview).to_contain_text("These bookings clash:")
    clash = (
        f"{first.get_full_name()} is already booked for {existing.name}, session 6, "
        "on Monday 18 January 2027 from 09:30 to 12:30"
    )
    expect(preview.get_by_role("listitem").filter(has_text=clash)).to_have_count(1)
    expect(preview).not_to_contain_text(newcomer.get_full_name())
    # Easter Monday moves its last session on a week (this row once broke the preview).
    expect(body_rows(preview_table(page)).last).to_contain_text(
        "Mon 5 Apr 2027 09:30 to 12:30 Moved from 29 Mar: Easter Monday (bank holiday)"
    )
    expect(preview).not_to_contain_text(f"{ROOM}, {CENTRE} is already booked")
    assert_accessible(page)

    page.get_by_role("button", name="Set up the group").click()
    summary = error_summary(page)
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link", name=clash, exact=True)).to_have_count(1)
    # Its block week (18 to 22 January) meets the old group's session 6 and its nine Mondays
    # up to 22 March meet sessions 7 to 15: one line each.
    expect(summary.get_by_role("link")).to_have_count(10)
    expect(summary).not_to_contain_text(newcomer.get_full_name())
    expect(page).to_have_title(re.compile(r"^Error: Set up a group"))
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Group name", exact=True)).to_be_focused()

    assert not Group.objects.filter(name=wanted.name).exists()
    assert Group.objects.filter(centre=centre).count() == 1
    assert not SessionFacilitator.objects.filter(facilitator=newcomer).exists()


def read_the_programme_page(
    page: Page, live_server: Any, assert_accessible: AssertAccessible
) -> None:
    """From the menu's Programmes link: the programme's pathways and modules."""
    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Programmes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programmes")
    assert_accessible(page)
    page.get_by_role("link", name="Community Sex Offender Groupwork Programme").click()
    expect(page).to_have_url(f"{live_server.url}/programmes/csogp/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Community Sex Offender Groupwork Programme"
    )
    pathways = page.get_by_role("table", name="Weekly meetings each pathway needs in each module")
    expect(pathways.get_by_role("columnheader")).to_have_text(
        ["Pathway", "Induction", "Longer-term group", "Relapse prevention"]
    )
    higher = pathways.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Higher risk and need")
    )
    expect(higher.get_by_role("cell")).to_have_text(["All", "80", "All"])
    lower = pathways.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Lower risk and need")
    )
    expect(lower.get_by_role("cell")).to_have_text(["All", "None", "All"])
    expect(page.get_by_role("heading", level=3)).to_have_text(
        ["1. Induction", "2. Longer-term group", "3. Relapse prevention"]
    )
    assert_accessible(page)
    # A module's sessions open in place; check the page again with them shown.
    page.get_by_text(f"{SESSIONS_IN_INDUCTION} sessions of Induction").click()
    sessions = page.get_by_role("table", name="Sessions of Induction")
    expect(body_rows(sessions)).to_have_count(SESSIONS_IN_INDUCTION)
    assert_accessible(page)


def read_my_calendar(
    page: Page, live_server: Any, world: Any, group: Group, assert_accessible: AssertAccessible
) -> None:
    """fac.worcester's own calendar page: her feed address, her sessions, a new address."""
    expect(page.get_by_role("heading", level=1)).to_have_text("My calendar")
    feed = page.locator("code.gw-secret")
    expect(feed).to_contain_text(f"{live_server.url}/calendar/")
    old_address = feed.inner_text()
    upcoming = page.get_by_role("list").filter(has_text=group.name)
    expect(upcoming.get_by_role("listitem").first).to_have_text(
        f"Mon 7 Dec 2026, 09:30 to 12:30: {world.worcester_group.name}, session 6"
    )
    expect(upcoming).to_contain_text(
        f"Mon 11 Jan 2027, 09:30 to 16:00: {group.name}, session 1, {ROOM}"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Change the address").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your calendar has a new address."
    )
    expect(feed).not_to_have_text(old_address)
    assert_accessible(page)


def read_the_groups_as_chief_officer(
    page: Page, group: Group, facilitators: tuple[User, User], assert_accessible: AssertAccessible
) -> None:
    """The chief officer reads the area's groups and a group's timetable, changing nothing."""
    first, second = facilitators
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Groups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Groups")
    expect(page.get_by_role("link", name="Set up a group")).to_have_count(0)
    at_centre = page.get_by_role("table", name=CENTRE)
    row = at_centre.get_by_role("row").filter(has_text=group.name)
    expect(row).to_contain_text("Mondays")
    expect(row).to_contain_text(ROOM)
    expect(row).to_contain_text("11 Jan 2027")
    expect(row).to_contain_text(first.get_full_name())
    expect(row).to_contain_text(second.get_full_name())
    expect(page.get_by_role("link", name="Worcester group")).to_be_visible()
    assert_accessible(page)
    row.get_by_role("link", name=group.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(group.name)
    # The chief officer reads the timetable but changes nothing.
    expect(page.get_by_role("link", name=re.compile(r"^Cancel session"))).to_have_count(0)
    expect(page.get_by_role("heading", name="Calendar feed")).to_have_count(0)
    assert_accessible(page)


def test_programme_page_calendar_and_groups_for_other_staff(
    page: Page,
    live_server: Any,
    world: Any,
    centre: Office,
    sign_in: SignIn,
    assert_accessible: AssertAccessible,
) -> None:
    group = make_group(world, centre, datetime.date(2027, 1, 11))

    sign_in("fac.worcester")
    read_the_programme_page(page, live_server, assert_accessible)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My calendar").click()
    read_my_calendar(page, live_server, world, group, assert_accessible)

    # A facilitator cannot set groups up: the refusal page is checked too.
    response = page.goto(f"{live_server.url}/groups/new/")
    assert response is not None
    assert response.status == 403  # noqa: PLR2004
    assert_accessible(page)

    page.go_back()
    page.get_by_role("button", name=re.compile(r"^Sign out")).click()
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    sign_in("chief.westmercia")
    read_the_groups_as_chief_officer(page, group, pair(world), assert_accessible)


def test_move_cover_and_place_pages_for_a_session(
    page: Page,
    live_server: Any,
    world: Any,
    centre: Office,
    sign_in: SignIn,
    assert_accessible: AssertAccessible,
) -> None:
    """The programme manager moves a session, books cover for another and gives a man a
    place, with axe on every page, errors included."""
    group = make_group(world, centre, datetime.date(2027, 1, 4))
    cover = UserFactory.create(
        role=Role.FACILITATOR, area=world.area, first_name="Cora", last_name="Vale"
    )
    sign_in("pm.westmercia")
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    timetable_rows = body_rows(timetable(page))

    timetable_rows.nth(7).get_by_role("link", name=re.compile("^Move")).click()
    expect(page.get_by_role("heading", name="Move session 8")).to_be_visible()
    assert_accessible(page)
    fill_date(page, "New date", "26", "3", "2027")
    page.get_by_label("Why is it moving?").fill("Room needed")
    page.get_by_role("button", name="Move the session").click()
    expect(error_summary(page)).to_contain_text("Good Friday")
    assert_accessible(page)
    fill_date(page, "New date", "24", "3", "2027")
    page.get_by_role("button", name="Move the session").click()
    expect(page.get_by_text("Session 8 has moved.")).to_be_visible()

    body_rows(timetable(page)).nth(9).get_by_role("link", name=re.compile("^Cover")).click()
    expect(page.get_by_role("heading", name=re.compile("^Cover for session"))).to_be_visible()
    assert_accessible(page)
    fieldset(page, "Facilitator who cannot come").get_by_label(
        world.users["fac.worcester"].get_full_name()
    ).check()
    page.get_by_label("Cover facilitator").select_option(label="Cora Vale")
    page.get_by_role("button", name="Book the cover").click()
    expect(page.get_by_text("Cora Vale covers session")).to_be_visible()
    assert SessionFacilitator.objects.filter(facilitator=cover, is_cover=True).count() == 1

    page.get_by_role("link", name="Give a man a place").click()
    expect(page.get_by_role("heading", name="Give a man a place")).to_be_visible()
    assert_accessible(page)
