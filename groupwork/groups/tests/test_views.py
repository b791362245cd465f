import datetime
from typing import Any

import pytest
from django.urls import reverse

from groupwork.core.tests.world import World, client_for
from groupwork.groups import services, views
from groupwork.groups.models import Group, SessionStatus
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
from groupwork.groups.views import SESSION_LINKS, session_links
from groupwork.organisation.models import Office, Room
from groupwork.organisation.tests.factories import OfficeFactory
from groupwork.programmes.models import Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(world: World) -> Office:
    return OfficeFactory.create(area=world.area, name="Worcester Group Centre", slug="worcester")


def form_data(world: World, centre: Office, **changes: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Worcester Induction, January 2027",
        "module": "csogp/induction",
        "pattern": "half-days",
        "centre": str(centre.pk),
        "room": "",
        "start_day": "11",
        "start_month": "1",
        "start_year": "2027",
        "weekday": "0",
        "facilitators": [
            str(world.users["fac.worcester"].pk),
            str(world.users["fac.shrewsbury"].pk),
        ],
    }
    data.update(changes)
    return data


def test_preview_shows_the_timetable_and_saves_nothing(world: World, centre: Office) -> None:
    client = client_for(world, "pm.westmercia")
    response = client.post("/groups/new/", {**form_data(world, centre), "action": "preview"})
    assert response.status_code == 200
    assert len(response.context["preview"]) == 15
    assert "Mon 18 Jan 2027" in response.content.decode()
    assert not Group.objects.filter(name__startswith="Worcester Induction").exists()


def test_preview_explains_a_moved_block_week(world: World, centre: Office) -> None:
    client = client_for(world, "pm.westmercia")
    data = form_data(world, centre, start_day="21", start_month="12", start_year="2026")
    response = client.get("/groups/new/preview/", data)
    body = response.content.decode()
    assert "The group starts on Monday 4 January 2027 instead: Christmas Day" in body


def test_the_preview_fragment_names_clashes(world: World, centre: Office) -> None:
    client = client_for(world, "pm.westmercia")
    client.post("/groups/new/", {**form_data(world, centre), "action": "create"})
    response = client.get("/groups/new/preview/", form_data(world, centre, name="Another"))
    assert "These bookings clash" in response.content.decode()


def test_creating_a_group_from_the_page(world: World, centre: Office) -> None:
    client = client_for(world, "pm.westmercia")
    response = client.post("/groups/new/", {**form_data(world, centre), "action": "create"})
    group = Group.objects.get(name="Worcester Induction, January 2027")
    assert response["Location"] == f"/groups/{group.pk}/"
    assert group.sessions.count() == 15


def test_a_clash_on_the_page_is_shown_and_nothing_is_made(world: World, centre: Office) -> None:
    client = client_for(world, "pm.westmercia")
    client.post("/groups/new/", {**form_data(world, centre), "action": "create"})
    again = form_data(world, centre, name="Clashing group")
    response = client.post("/groups/new/", {**again, "action": "create"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "is already booked for Worcester Induction, January 2027, session 1" in body
    assert not Group.objects.filter(name="Clashing group").exists()


def test_a_pattern_the_module_does_not_run_is_refused(world: World, centre: Office) -> None:
    client = client_for(world, "pm.westmercia")
    data = form_data(world, centre, module="csogp/longer-term", pattern="full-days")
    response = client.post("/groups/new/", {**data, "action": "create"})
    assert "Longer-term group runs as: Half days, once a week, Evenings, once a week" in (
        response.content.decode()
    )


def group_with(world: World, sessions: int, members: int) -> Group:
    group = world.worcester_group
    first = 100 + group.sessions.count()
    for number in range(sessions):
        SessionFactory.create(group=group, number=first + number)
    for _ in range(members):
        MembershipFactory.create(group=group, referral__participant__area=world.area)
    return group


GROUP_LIST_QUERIES = 9
GROUP_PAGE_QUERIES = 15


def test_the_group_list_query_count_does_not_grow(
    world: World, django_assert_num_queries: Any
) -> None:
    client = client_for(world, "pm.westmercia")
    with django_assert_num_queries(GROUP_LIST_QUERIES):
        client.get("/groups/")
    for _ in range(5):
        GroupFactory.create(area=world.area, facilitators=[world.users["fac.worcester"]])
    with django_assert_num_queries(GROUP_LIST_QUERIES):
        response = client.get("/groups/")
    assert sum(len(groups) for groups in response.context["by_centre"].values()) == 7


def test_the_group_list_shows_groups_running_or_to_come_and_finished_ones_apart(
    world: World, time_machine: Any
) -> None:
    time_machine.move_to("2026-11-26 10:00 +0000", tick=False)
    finished = GroupFactory.create(area=world.area, name="Ended in October")
    SessionFactory.create(group=finished, date=datetime.date(2026, 10, 5))
    running = GroupFactory.create(area=world.area, name="Meets next week")
    SessionFactory.create(group=running, date=datetime.date(2026, 10, 5))
    SessionFactory.create(group=running, date=datetime.date(2026, 12, 7))
    being_set_up = GroupFactory.create(area=world.area, name="No sessions yet")
    client = client_for(world, "pm.westmercia")
    current = client.get("/groups/")
    shown = {g for groups in current.context["by_centre"].values() for g in groups}
    assert {running, being_set_up} <= shown
    assert finished not in shown
    assert 'href="?show=finished"' in current.content.decode()
    ended = client.get("/groups/?show=finished")
    assert [g for groups in ended.context["by_centre"].values() for g in groups] == [finished]
    assert "Finished groups" in ended.content.decode()


def test_the_group_list_comes_in_pages(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "GROUP_LIST_PAGE_SIZE", 2)
    for _ in range(3):
        GroupFactory.create(area=world.area)
    client = client_for(world, "pm.westmercia")
    first = client.get("/groups/")
    seen = [g for groups in first.context["by_centre"].values() for g in groups]
    assert len(seen) == 2
    while first.context["page"].next_query:
        first = client.get(f"/groups/?{first.context['page'].next_query}")
        seen += [g for groups in first.context["by_centre"].values() for g in groups]
    assert len(seen) == len(set(seen)) == Group.objects.filter(area=world.area).count()


def test_the_group_page_query_count_does_not_grow(
    world: World, django_assert_num_queries: Any
) -> None:
    client = client_for(world, "pm.westmercia")
    group_with(world, sessions=1, members=1)
    client.get(f"/groups/{world.worcester_group.pk}/")  # makes the group's calendar feed
    with django_assert_num_queries(GROUP_PAGE_QUERIES):
        client.get(f"/groups/{world.worcester_group.pk}/")
    group_with(world, sessions=20, members=5)
    with django_assert_num_queries(GROUP_PAGE_QUERIES):
        response = client.get(f"/groups/{world.worcester_group.pk}/")
    assert len(response.context["members"]) == 7


def test_the_group_page_lists_recent_and_coming_sessions_and_links_to_the_rest(
    world: World, time_machine: Any
) -> None:
    time_machine.move_to("2026-11-26 10:00 +0000", tick=False)
    group = GroupFactory.create(area=world.area)
    long_ago = SessionFactory.create(group=group, number=1, date=datetime.date(2026, 9, 7))
    last_week = SessionFactory.create(group=group, number=2, date=datetime.date(2026, 11, 16))
    next_week = SessionFactory.create(group=group, number=3, date=datetime.date(2026, 11, 30))
    client = client_for(world, "pm.westmercia")
    recent = client.get(f"/groups/{group.pk}/")
    assert recent.context["sessions"] == [last_week, next_week]
    assert "Show all sessions, with the 1 before" in recent.content.decode()
    everything = client.get(f"/groups/{group.pk}/?sessions=all")
    assert everything.context["sessions"] == [long_ago, last_week, next_week]
    assert "Show only the sessions from 15 October 2026" in everything.content.decode()


def test_an_officer_sees_only_their_own_men_in_a_group(world: World) -> None:
    MembershipFactory.create(group=world.worcester_group, referral__participant__area=world.area)
    response = client_for(world, "om.worcester").get(f"/groups/{world.worcester_group.pk}/")
    assert [m.referral.participant for m in response.context["members"]] == [world.worcester_man]
    assert response.context["hidden_members"] == 1


def test_cancelling_from_the_page(world: World, centre: Office) -> None:
    client = client_for(world, "pm.westmercia")
    client.post("/groups/new/", {**form_data(world, centre), "action": "create"})
    group = Group.objects.get(name="Worcester Induction, January 2027")
    session = group.sessions.get(number=10)
    url = f"/groups/{group.pk}/sessions/{session.pk}/cancel/"
    assert "Enter why the session is cancelled" in client.post(url, {}).content.decode()
    response = client.post(url, {"reason": "Room flooded"})
    assert response.status_code == 302
    assert group.sessions.filter(status=SessionStatus.CANCELLED).count() == 1
    assert group.sessions.filter(status=SessionStatus.SCHEDULED).count() == 15


def test_a_block_week_session_cannot_be_cancelled(world: World, centre: Office) -> None:
    client = client_for(world, "pm.westmercia")
    client.post("/groups/new/", {**form_data(world, centre), "action": "create"})
    group = Group.objects.get(name="Worcester Induction, January 2027")
    session = group.sessions.get(number=2)
    response = client.post(f"/groups/{group.pk}/sessions/{session.pk}/cancel/", {"reason": "x"})
    assert "A block-week session cannot be cancelled: move it instead." in response.content.decode()


def test_adding_a_man_from_the_page(world: World, centre: Office) -> None:
    from groupwork.referrals.tests.factories import ReferralFactory  # noqa: PLC0415

    referral = ReferralFactory.create(
        participant__area=world.area,
        responsible_officer=world.users["om.worcester"],
        status_id="awaiting_allocation",
    )
    client = client_for(world, "pm.westmercia")
    url = f"/groups/{world.worcester_group.pk}/members/add/"
    assert referral in client.get(url).context["form"].fields["referral"].queryset
    assert client.post(url, {"referral": str(referral.pk)}).status_code == 302
    assert world.worcester_group.memberships.current().filter(referral=referral).exists()


def test_the_programme_page_shows_modules_and_pathways(world: World) -> None:
    response = client_for(world, "fac.worcester").get("/programmes/csogp/")
    body = response.content.decode()
    for text in ["Induction", "Longer-term group", "Relapse prevention", "Higher risk and need"]:
        assert text in body
    assert "8 to 11 men" in body


def test_my_calendar_shows_the_feed_and_resets_it(world: World) -> None:
    client = client_for(world, "fac.worcester")
    first = client.get("/calendar/").context["feed_url"]
    assert client.post("/calendar/").status_code == 302
    second = client.get("/calendar/").context["feed_url"]
    assert first != second
    assert second.endswith(".ics")


def test_creating_a_group_needs_the_current_version(world: World, centre: Office) -> None:
    version = Programme.objects.get(code="csogp").current_version()
    group = services.create_group(
        acting_user=world.users["pm.westmercia"],
        version=version,
        module_code="induction",
        pattern_code="evenings",
        name="Evening Induction",
        centre=centre,
        room=Room.objects.create(centre=centre, name="Room 9"),
        start=datetime.date(2027, 2, 1),
        weekday=2,
        facilitators=[world.users["fac.worcester"], world.users["fac.shrewsbury"]],
    )
    block = group.sessions.filter(kind="block")
    assert {s.starts for s in block} == {datetime.time(9, 30)}
    assert {s.starts for s in group.sessions.filter(kind="weekly")} == {datetime.time(18, 0)}
    assert {s.date.weekday() for s in group.sessions.filter(kind="weekly")} == {2}


def test_each_session_row_links_to_its_own_pages(world: World) -> None:
    group = world.worcester_session.group
    page = client_for(world, "pm.westmercia").get(f"/groups/{group.pk}/").content.decode()
    for session in group.sessions.all():
        assert reverse("session-register", args=[group.pk, session.pk]) in page
        assert reverse("incident-create", args=[group.pk, session.pk]) in page


def test_the_links_are_those_django_reverses_whatever_the_numbers() -> None:
    group_id = 2147483647  # the number the links are built around
    links = session_links(group_id)(12)
    for key, name in SESSION_LINKS.items():
        assert links[key] == reverse(name, args=[group_id, 12])
