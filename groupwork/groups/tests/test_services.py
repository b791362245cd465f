"""Making groups: timetables, clashes, places, cancelling and moving sessions, feeds."""

import datetime
import itertools
from typing import Any

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World
from groupwork.groups import services
from groupwork.groups.models import Group, Session, SessionStatus
from groupwork.organisation.models import ClosureDay, Office, Room, User
from groupwork.organisation.tests.factories import OfficeFactory, UserFactory
from groupwork.programmes.models import Programme, ProgrammeVersion
from groupwork.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(world: World) -> Office:
    return OfficeFactory.create(area=world.area, name="Worcester Group Centre", slug="worcester")


@pytest.fixture
def room(centre: Office) -> Room:
    return Room.objects.create(centre=centre, name="Room 1")


def csogp() -> ProgrammeVersion:
    return Programme.objects.get(code="csogp").current_version()


def make_group(world: World, centre: Office, room: Room | None, **changes: Any) -> Group:
    arguments: dict[str, Any] = {
        "acting_user": world.users["pm.westmercia"],
        "version": csogp(),
        "module_code": "induction",
        "pattern_code": "half-days",
        "name": "Worcester Induction, January 2027",
        "centre": centre,
        "room": room,
        "start": datetime.date(2027, 1, 11),
        "weekday": 0,
        "facilitators": [world.users["fac.worcester"], world.users["fac.shrewsbury"]],
    }
    arguments.update(changes)
    return services.create_group(**arguments)


def scheduled(group: Group) -> list[Session]:
    return list(group.sessions.filter(status=SessionStatus.SCHEDULED).order_by("number"))


def test_a_closed_group_gets_its_whole_timetable(world: World, centre: Office, room: Room) -> None:
    group = make_group(world, centre, room)
    sessions = scheduled(group)
    assert [s.number for s in sessions] == list(range(1, 16))
    assert [s.date for s in sessions[:5]] == [datetime.date(2027, 1, d) for d in range(11, 16)]
    assert sessions[5].date == datetime.date(2027, 1, 18)
    assert {s.room for s in sessions} == {room}
    assert all(s.facilitators.count() == 2 for s in sessions)
    assert group.version == csogp()
    assert AuditEvent.objects.filter(action=Action.GROUP_CREATED).exists()


def test_a_group_keeps_its_version_when_a_new_one_is_loaded(
    world: World, centre: Office, room: Room
) -> None:
    from groupwork.programmes.services import load_definition  # noqa: PLC0415

    group = make_group(world, centre, room)
    changed = {**csogp().definition, "summary": "A changed summary."}
    new_version, created = load_definition(acting_user=None, data=changed)
    assert created
    assert new_version.number == 2
    group.refresh_from_db()
    assert group.version.number == 1


def test_a_facilitator_clash_is_refused_and_named(world: World, centre: Office, room: Room) -> None:
    make_group(world, centre, room)
    other_room = Room.objects.create(centre=centre, name="Room 2")
    with pytest.raises(ValidationError) as refused:
        make_group(world, centre, other_room, name="Second group")
    message = " ".join(refused.value.messages)
    assert "is already booked for Worcester Induction, January 2027, session 1" in message
    assert "Monday 11 January 2027 from 09:30 to 16:00" in message
    assert not Group.objects.filter(name="Second group").exists()


def test_a_room_clash_is_refused_and_named(world: World, centre: Office, room: Room) -> None:
    make_group(world, centre, room)
    others = [
        UserFactory.create(role="facilitator", area=world.area, first_name=name)
        for name in ("Ann", "Bea")
    ]
    with pytest.raises(ValidationError) as refused:
        make_group(world, centre, room, name="Second group", facilitators=others)
    assert any(
        m.startswith("Room 1, Worcester Group Centre is already booked")
        for m in refused.value.messages
    )


def test_evening_group_on_other_days_does_not_clash(
    world: World, centre: Office, room: Room
) -> None:
    make_group(world, centre, room)
    other = make_group(
        world,
        centre,
        room,
        name="Longer-term",
        module_code="longer-term",
        pattern_code="evenings",
        start=datetime.date(2027, 1, 12),
        weekday=1,
    )
    assert other.kind == "rolling"
    assert len(scheduled(other)) == services.ROLLING_WEEKS_AHEAD


def test_facilitators_must_be_two_from_the_area(world: World, centre: Office, room: Room) -> None:
    with pytest.raises(ValidationError, match="Choose 2 different facilitators"):
        make_group(world, centre, room, facilitators=[world.users["fac.worcester"]])
    with pytest.raises(ValidationError, match="is not a facilitator"):
        make_group(
            world,
            centre,
            room,
            facilitators=[world.users["fac.worcester"], world.users["om.worcester"]],
        )


def test_places_stop_at_the_programme_maximum(world: World, centre: Office, room: Room) -> None:
    group = make_group(world, centre, room)
    for _ in range(11):
        referral = ReferralFactory.create(
            participant__area=world.area, status_id="awaiting_allocation"
        )
        services.add_member(
            acting_user=world.users["pm.westmercia"], group=group, referral=referral
        )
    twelfth = ReferralFactory.create(participant__area=world.area, status_id="awaiting_allocation")
    with pytest.raises(ValidationError, match="is full: it has 11 men, the most"):
        services.add_member(acting_user=world.users["pm.westmercia"], group=group, referral=twelfth)
    assert group.memberships.current().count() == 11


def test_a_rolling_group_is_joined_at_a_join_point(
    world: World, centre: Office, room: Room, time_machine: Any
) -> None:
    time_machine.move_to("2027-01-13 09:00 +0000", tick=False)
    group = make_group(
        world,
        centre,
        room,
        name="Longer-term",
        module_code="longer-term",
        pattern_code="evenings",
        start=datetime.date(2027, 1, 5),
        weekday=1,
    )
    referral = ReferralFactory.create(participant__area=world.area, status_id="awaiting_allocation")
    membership = services.add_member(
        acting_user=world.users["pm.westmercia"], group=group, referral=referral
    )
    # Join points are sessions 1, 11, 21...; session 11 is ten weeks after 5 January.
    assert membership.joined_on == datetime.date(2027, 3, 16)
    # No pathway yet: all 80 meetings of the longer-term group.
    assert (membership.first_session, membership.last_session) == (11, 90)
    medium = ReferralFactory.create(
        participant__area=world.area, status_id="awaiting_allocation", pathway="medium"
    )
    place = services.add_member(
        acting_user=world.users["pm.westmercia"], group=group, referral=medium
    )
    assert (place.first_session, place.last_session) == (11, 50)


def test_rolling_timetables_are_extended_ahead_and_only_once(
    world: World, centre: Office, room: Room, time_machine: Any
) -> None:
    time_machine.move_to("2027-01-04 09:00 +0000", tick=False)
    group = make_group(
        world,
        centre,
        room,
        name="Longer-term",
        module_code="longer-term",
        pattern_code="evenings",
        start=datetime.date(2027, 1, 5),
        weekday=1,
    )
    assert services.extend_rolling_timetable(group) == 0
    time_machine.move_to("2027-03-01 09:00 +0000", tick=False)
    added = services.extend_rolling_timetable(group)
    assert added == 8
    assert services.extend_rolling_timetable(group) == 0
    dates = [s.date for s in scheduled(group)]
    assert [s.number for s in scheduled(group)] == list(range(1, 21))
    assert all((later - earlier).days % 7 == 0 for earlier, later in itertools.pairwise(dates))
    assert max(dates) <= datetime.date(2027, 5, 24)


def test_a_cover_facilitator_takes_one_seat(world: World, centre: Office, room: Room) -> None:
    group = make_group(world, centre, room)
    session = group.sessions.get(number=6)
    cover = UserFactory.create(role="facilitator", area=world.area, first_name="Cover")
    services.cover_facilitator(
        acting_user=world.users["pm.westmercia"],
        session=session,
        replaced=world.users["fac.worcester"],
        cover=cover,
    )
    seats = {(seat.facilitator, seat.is_cover) for seat in session.staffing.all()}
    assert seats == {(world.users["fac.shrewsbury"], False), (cover, True)}
    assert (
        group.sessions.get(number=7)
        .staffing.filter(facilitator=world.users["fac.worcester"])
        .exists()
    )


def test_a_cover_who_is_booked_elsewhere_is_refused(
    world: World, centre: Office, room: Room
) -> None:
    group = make_group(world, centre, room)
    busy = UserFactory.create(role="facilitator", area=world.area, first_name="Busy")
    other = make_group(
        world,
        centre,
        Room.objects.create(centre=centre, name="Room 2"),
        name="Other",
        facilitators=[busy, UserFactory.create(role="facilitator", area=world.area)],
        start=datetime.date(2027, 2, 1),
    )
    clash_day = other.sessions.get(number=1).date
    session = group.sessions.filter(date=clash_day).first()
    assert session is not None
    with pytest.raises(ValidationError, match="is already booked for Other, session 1"):
        services.cover_facilitator(
            acting_user=world.users["pm.westmercia"],
            session=session,
            replaced=world.users["fac.worcester"],
            cover=busy,
        )


def test_cancelling_a_session_moves_it_and_every_later_one(
    world: World, centre: Office, room: Room
) -> None:
    group = make_group(world, centre, room)
    before = {s.number: s.date for s in scheduled(group)}
    eighth = group.sessions.get(number=8)
    new = services.cancel_session(
        acting_user=world.users["pm.westmercia"], session=eighth, reason="Facilitator ill"
    )
    after = {s.number: s.date for s in scheduled(group)}
    assert len(after) == 15
    assert new.date == before[8] + datetime.timedelta(weeks=1)
    assert new.moved_from == before[8]
    for number in range(1, 8):
        assert after[number] == before[number]
    for number in range(9, 15):
        assert after[number] == before[number] + datetime.timedelta(weeks=1)
    # Session 15 would follow on Easter Monday, 29 March 2027, so it steps a week further.
    last = group.sessions.get(number=15, status=SessionStatus.SCHEDULED)
    assert (before[15], last.date) == (datetime.date(2027, 3, 22), datetime.date(2027, 4, 5))
    assert "Easter Monday" in last.move_reason
    cancelled = group.sessions.get(number=8, status=SessionStatus.CANCELLED)
    assert cancelled.cancel_reason == "Facilitator ill"
    assert AuditEvent.objects.filter(action=Action.SESSION_CANCELLED).exists()


def test_a_cascade_steps_over_closures(world: World, centre: Office, room: Room) -> None:
    group = make_group(world, centre, room)
    last = scheduled(group)[-1]
    ClosureDay.objects.create(
        area=world.area, date=last.date + datetime.timedelta(weeks=1), reason="Staff training"
    )
    services.cancel_session(
        acting_user=world.users["pm.westmercia"],
        session=group.sessions.get(number=14),
        reason="Room lost",
    )
    moved = group.sessions.get(number=15, status=SessionStatus.SCHEDULED)
    assert moved.date == last.date + datetime.timedelta(weeks=2)
    assert "Staff training" in moved.move_reason


def test_sessions_with_a_register_cannot_be_moved(world: World, centre: Office, room: Room) -> None:
    group = make_group(world, centre, room)
    Session.objects.filter(group=group, number=12).update(register_taken_at="2027-02-01T12:00Z")
    with pytest.raises(ValidationError, match="register taken"):
        services.cancel_session(
            acting_user=world.users["pm.westmercia"],
            session=group.sessions.get(number=10),
            reason="x",
        )
    with pytest.raises(ValidationError, match="register taken"):
        services.reschedule_session(
            acting_user=world.users["pm.westmercia"],
            session=group.sessions.get(number=12),
            date=datetime.date(2027, 3, 3),
            starts=datetime.time(9, 30),
            ends=datetime.time(12, 30),
            room=room,
            reason="x",
        )


def test_moving_a_session_refuses_bank_holidays_and_clashes(
    world: World, centre: Office, room: Room
) -> None:
    group = make_group(world, centre, room)
    session = group.sessions.get(number=10)
    move: dict[str, Any] = {
        "acting_user": world.users["pm.westmercia"],
        "session": session,
        "starts": datetime.time(9, 30),
        "ends": datetime.time(12, 30),
        "room": room,
        "reason": "Room needed",
    }
    with pytest.raises(ValidationError, match="Good Friday"):
        services.reschedule_session(**move, date=datetime.date(2027, 3, 26))
    with pytest.raises(ValidationError, match="session 11"):
        services.reschedule_session(**move, date=group.sessions.get(number=11).date)
    moved = services.reschedule_session(**move, date=datetime.date(2027, 3, 24))
    assert (moved.date, moved.moved_from) == (
        datetime.date(2027, 3, 24),
        datetime.date(2027, 2, 15),
    )


def test_the_facilitator_feed_parses_and_lists_their_sessions(
    world: World, centre: Office, room: Room
) -> None:
    group = make_group(world, centre, room)
    services.cancel_session(
        acting_user=world.users["pm.westmercia"], session=group.sessions.get(number=8), reason="Ill"
    )
    facilitator: User = world.users["fac.worcester"]
    feed = services.feed_for(facilitator=facilitator)
    response = Client().get(f"/calendar/{feed.token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    # 16 rows: 15 sessions and the cancelled one, plus the world's own session of 1.
    assert len(events) == 17
    statuses = [str(event["STATUS"]) for event in events]
    assert statuses.count("CANCELLED") == 1
    first = min(events, key=lambda event: event.decoded("DTSTART"))
    assert first.decoded("DTSTART").date() == datetime.date(2026, 12, 7)


def test_resetting_a_feed_retires_the_old_address(world: World) -> None:
    feed = services.feed_for(facilitator=world.users["fac.worcester"])
    old = feed.token
    services.reset_feed(acting_user=world.users["fac.worcester"], feed=feed)
    assert Client().get(f"/calendar/{old}.ics").status_code == 404
    feed.refresh_from_db()
    assert Client().get(f"/calendar/{feed.token}.ics").status_code == 200
