"""One-to-ones: due dates from his timetable, planning, booking with a reminder, recording
what happened (a miss follows the absence and enforcement rules), the pages and the daily run."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from groupwork.audit.models import Action, AuditEvent
from groupwork.casework.models import OneToOne, OneToOneStatus
from groupwork.casework.one_to_ones import (
    GroupDay,
    MissedDecision,
    book_one_to_one,
    decide_missed,
    due_dates,
    plan_due_one_to_ones,
    plan_one_to_ones,
    record_held,
    record_missed,
)
from groupwork.casework.tests.factories_one_to_ones import (
    BookedOneToOneFactory,
    OneToOneFactory,
    local,
)
from groupwork.core.tests.world import World, client_for
from groupwork.enforcement.models import EnforcementItem
from groupwork.groups.models import SessionStatus
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
from groupwork.notifications.models import Channel, Message
from groupwork.organisation.models import ClosureDay, Office
from groupwork.programmes.definition import shipped_definition
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory
from groupwork.tasks.daily import raise_due_tasks
from groupwork.tasks.models import Task, TaskKind

OCCASIONS = shipped_definition("csogp").raw["one_to_ones"]
WEEK = datetime.timedelta(days=7)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    # Tuesday, the day after the world's session 6 (Monday 7 December 2026).
    time_machine.move_to("2026-12-08 10:00 +0000", tick=False)


# Due dates: the pure rule


def test_due_dates_from_a_timetable_of_two_modules() -> None:
    timetable = [
        GroupDay(day("2027-01-11"), "induction"),
        GroupDay(day("2027-01-18"), "induction"),
        GroupDay(day("2027-01-25"), "induction"),
        GroupDay(day("2027-03-01"), "longer-term"),
        GroupDay(day("2027-03-08"), "longer-term"),
    ]
    planned = {point.code: point for point in due_dates(OCCASIONS, timetable)}
    assert list(planned) == ["before", "after-induction", "midpoint", "after"]
    assert planned["before"].due_on == day("2027-01-04")  # a week before his first session
    assert planned["after-induction"].due_on == day("2027-02-01")  # a week after the module
    assert planned["midpoint"].due_on == day("2027-02-08")  # halfway: 56 days, 28 on
    assert planned["after"].due_on == day("2027-03-15")  # a week after his last session
    three_way = {code for code, point in planned.items() if point.three_way}
    assert three_way == {"after-induction", "midpoint"}
    assert planned["after-induction"].label == "After the Induction"


def test_nothing_is_due_without_sessions_and_a_module_waits_for_its_own() -> None:
    assert due_dates(OCCASIONS, []) == []
    only_later = [GroupDay(day("2027-03-01"), "longer-term")]
    assert [p.code for p in due_dates(OCCASIONS, only_later)] == ["before", "midpoint", "after"]


@given(
    st.lists(
        st.tuples(
            st.dates(min_value=day("2026-01-01"), max_value=day("2030-12-31")),
            st.sampled_from(["induction", "longer-term", "relapse-prevention"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_the_meetings_fall_in_order_around_his_sessions(
    sessions: list[tuple[datetime.date, str]],
) -> None:
    timetable = [GroupDay(d, module) for d, module in sessions]
    first = min(d for d, _ in sessions)
    last = max(d for d, _ in sessions)
    planned = {point.code: point.due_on for point in due_dates(OCCASIONS, timetable)}
    assert planned["before"] == first - WEEK
    assert first <= planned["midpoint"] <= last
    assert planned["after"] == last + WEEK
    if "after-induction" in planned:
        assert first + WEEK <= planned["after-induction"] <= planned["after"]


# Planning from his record


def man_with_a_timetable(world: World) -> Referral:
    """om.worcester's man: three induction sessions (and one cancelled), then sessions 5 to 8
    of a rolling group; its sessions 4 and 9 are outside his place."""
    referral: Referral = ReferralFactory.create(
        participant__area=world.area,
        responsible_officer=world.users["om.worcester"],
        status_id="on_programme",
    )
    induction = GroupFactory.create(area=world.area, name="Induction January")
    for number, date in enumerate(["2027-01-11", "2027-01-18", "2027-01-25"], start=1):
        SessionFactory.create(group=induction, number=number, date=day(date))
    SessionFactory.create(
        group=induction, number=4, date=day("2027-02-01"), status=SessionStatus.CANCELLED
    )
    MembershipFactory.create(
        group=induction, referral=referral, joined_on=day("2027-01-04"), left_on=day("2027-02-26")
    )
    rolling = GroupFactory.create(
        area=world.area, name="Rolling", module="longer-term", kind="rolling"
    )
    for number in range(4, 10):
        SessionFactory.create(
            group=rolling, number=number, date=day("2027-02-22") + WEEK * (number - 4)
        )
    MembershipFactory.create(
        group=rolling,
        referral=referral,
        joined_on=day("2027-02-22"),
        first_session=5,
        last_session=8,
    )
    return referral


def test_planning_adds_his_meetings_from_his_places_and_is_audited(world: World) -> None:
    referral = man_with_a_timetable(world)
    added = plan_one_to_ones(acting_user=world.users["om.worcester"], referral=referral)
    planned = {one.code: one for one in OneToOne.objects.filter(referral=referral)}
    assert {one.code for one in added} == set(planned)
    assert planned["before"].due_on == day("2027-01-04")
    assert planned["after-induction"].due_on == day("2027-02-01")  # the cancelled one left out
    # His rolling sessions 5 to 8: 1 to 22 March 2027.
    assert planned["after"].due_on == day("2027-03-29")
    assert planned["midpoint"].due_on == day("2027-02-15")
    assert planned["midpoint"].three_way
    assert not planned["before"].three_way
    assert all(one.status == OneToOneStatus.DUE for one in planned.values())
    event = AuditEvent.objects.get(action=Action.ONE_TO_ONE_PLANNED)
    assert event.actor == world.users["om.worcester"]
    assert event.participant == referral.participant
    assert event.new_values["added"]["before"] == "2027-01-04"


def test_planning_again_changes_nothing(world: World) -> None:
    referral = man_with_a_timetable(world)
    plan_one_to_ones(acting_user=None, referral=referral)
    events = AuditEvent.objects.count()
    assert plan_one_to_ones(acting_user=None, referral=referral) == []
    assert OneToOne.objects.filter(referral=referral).count() == 4
    assert AuditEvent.objects.count() == events


def test_a_changed_timetable_moves_only_meetings_not_booked_yet(world: World) -> None:
    # The world's man: his one session on 7 December; "before" is on record, due that day.
    one = world.worcester_one_to_one
    plan_one_to_ones(acting_user=None, referral=world.worcester_referral)
    one.refresh_from_db()
    assert one.due_on == day("2026-11-30")
    after = OneToOne.objects.get(referral=world.worcester_referral, code="after")
    OneToOne.objects.filter(pk=after.pk).update(
        status=OneToOneStatus.BOOKED, booked_for=local(2026, 12, 14)
    )
    SessionFactory.create(group=world.worcester_group, number=7, date=day("2026-12-21"))
    moved = plan_one_to_ones(acting_user=None, referral=world.worcester_referral)
    assert {m.code for m in moved} == {"after-induction", "midpoint"}
    dates = dict(
        OneToOne.objects.filter(referral=world.worcester_referral).values_list("code", "due_on")
    )
    assert dates["after-induction"] == day("2026-12-28")
    assert dates["midpoint"] == day("2026-12-14")
    assert dates["after"] == day("2026-12-14")  # booked: left where it was
    event = AuditEvent.objects.filter(action=Action.ONE_TO_ONE_PLANNED).latest("pk")
    assert event.old_values["due_on"]["midpoint"] == "2026-12-07"


# Booking


def officers_office(world: World) -> Office:
    """om.worcester has no office of her own: her team's is where she sees him."""
    team = world.users["om.worcester"].team
    assert team is not None
    return team.office


def worcester_office(world: World) -> Office:
    office = officers_office(world)
    office.address = "1 High Street\nWorcester WR1 1AA"
    office.town = "Worcester"
    office.phone = "01905 000000"
    office.save()
    return office


def consenting(world: World, **fields: Any) -> None:
    man = world.worcester_man
    man.phone = "07700 900123"
    man.consents_to_texts = True
    for name, value in fields.items():
        setattr(man, name, value)
    man.save()


def test_booking_queues_one_reminder_for_a_man_who_agreed_to_them(world: World) -> None:
    worcester_office(world)
    consenting(world)
    booked = book_one_to_one(
        acting_user=world.users["om.worcester"],
        one_to_one=world.worcester_one_to_one,
        booked_for=local(2026, 12, 10, 14, 30),
    )
    assert booked.status == OneToOneStatus.BOOKED
    message = Message.objects.get(participant=world.worcester_man)
    assert message.channel == Channel.TEXT
    assert message.kind == "one_to_one_booked"
    assert message.key == f"one-to-one-{booked.pk}-202612101430:text"
    assert "Thursday 10 December at 2:30pm" in message.body
    # The office's name would say what the appointment is for: its address only.
    assert "at 1 High Street, Worcester WR1 1AA." in message.body
    assert "call 01905 000000" in message.body
    for secret in ["one-to-one", "programme", "probation", "offence"]:
        assert secret.lower() not in message.body.lower()
    event = AuditEvent.objects.get(action=Action.ONE_TO_ONE_BOOKED)
    assert event.participant == world.worcester_man
    assert event.old_values["status"] == OneToOneStatus.DUE


def test_no_reminder_for_a_man_who_opted_out(world: World) -> None:
    worcester_office(world)
    consenting(world, opted_out_on=day("2026-11-01"))
    book_one_to_one(
        acting_user=world.users["om.worcester"],
        one_to_one=world.worcester_one_to_one,
        booked_for=local(2026, 12, 10, 14, 30),
    )
    assert not Message.objects.exists()


def test_a_reminder_without_an_office_address_gives_the_town(world: World) -> None:
    consenting(world)
    office = officers_office(world)
    office.phone = "01905 000000"
    office.save()
    book_one_to_one(
        acting_user=world.users["om.worcester"],
        one_to_one=world.worcester_one_to_one,
        booked_for=local(2026, 12, 10, 9),
    )
    assert (
        "at 9am, at Testtown. If you cannot come, call 01905 000000" in Message.objects.get().body
    )


def test_no_reminder_without_a_number_to_call(world: World) -> None:
    consenting(world)
    book_one_to_one(
        acting_user=world.users["om.worcester"],
        one_to_one=world.worcester_one_to_one,
        booked_for=local(2026, 12, 10, 9),
    )
    assert not Message.objects.exists()
    assert OneToOne.objects.get(pk=world.worcester_one_to_one.pk).status == OneToOneStatus.BOOKED


def test_a_three_way_meeting_needs_a_facilitator_of_his_area(world: World) -> None:
    one = OneToOneFactory.create(referral=world.worcester_referral, three_way=True)
    officer = world.users["om.worcester"]
    with pytest.raises(ValidationError, match="facilitator who will join"):
        book_one_to_one(acting_user=officer, one_to_one=one, booked_for=local(2026, 12, 10))
    with pytest.raises(ValidationError, match="facilitator of his area"):
        book_one_to_one(
            acting_user=officer,
            one_to_one=one,
            booked_for=local(2026, 12, 10),
            facilitator=world.users["om.telford"],
        )
    booked = book_one_to_one(
        acting_user=officer,
        one_to_one=one,
        booked_for=local(2026, 12, 10),
        facilitator=world.users["fac.worcester"],
    )
    assert booked.facilitator == world.users["fac.worcester"]


def test_only_his_officer_or_their_manager_books(world: World) -> None:
    for persona in ["om.telford", "pm.westmercia", "fac.worcester"]:
        with pytest.raises(PermissionDenied):
            book_one_to_one(
                acting_user=world.users[persona],
                one_to_one=world.worcester_one_to_one,
                booked_for=local(2026, 12, 10),
            )
    book_one_to_one(
        acting_user=world.users["spo.worcester"],
        one_to_one=world.worcester_one_to_one,
        booked_for=local(2026, 12, 10),
    )


def test_booking_in_the_past_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="today or later"):
        book_one_to_one(
            acting_user=world.users["om.worcester"],
            one_to_one=world.worcester_one_to_one,
            booked_for=local(2026, 12, 7),
        )


# Recording


def booked(world: World, **fields: Any) -> OneToOne:
    one: OneToOne = BookedOneToOneFactory.create(referral=world.worcester_referral, **fields)
    return one


def test_recording_a_meeting_held_keeps_the_notes(world: World) -> None:
    one = booked(world)
    record_held(acting_user=world.users["om.worcester"], one_to_one=one, notes="Went well.")
    one.refresh_from_db()
    assert one.status == OneToOneStatus.HELD
    assert one.notes == "Went well."
    assert one.recorded_by == world.users["om.worcester"]
    event = AuditEvent.objects.get(action=Action.ONE_TO_ONE_RECORDED)
    assert event.new_values["status"] == OneToOneStatus.HELD


def test_a_meeting_still_to_come_cannot_be_recorded(world: World) -> None:
    one = booked(world, booked_for=local(2026, 12, 9))
    with pytest.raises(ValidationError, match="on its day or after"):
        record_held(acting_user=world.users["om.worcester"], one_to_one=one, notes="Too soon.")
    with pytest.raises(ValidationError, match="Book the one-to-one"):
        record_held(
            acting_user=world.users["om.worcester"],
            one_to_one=world.worcester_one_to_one,
            notes="Never booked.",
        )


def test_a_miss_without_an_acceptable_reason_opens_enforcement(world: World) -> None:
    one = booked(world)
    record_missed(
        acting_user=world.users["om.worcester"],
        one_to_one=one,
        reason="Forgot.",
        decision=MissedDecision.UNACCEPTABLE,
    )
    one.refresh_from_db()
    assert one.status == OneToOneStatus.MISSED_UNACCEPTABLE
    assert one.missed_reason == "Forgot."
    item = EnforcementItem.objects.exclude(pk=world.worcester_enforcement.pk).get()
    assert item.referral == world.worcester_referral
    assert item.attendance is None
    assert item.failure_date == day("2026-12-07")
    assert item.failure == "Missed the one-to-one on 7 December 2026 without an acceptable reason"
    opened = AuditEvent.objects.get(action=Action.ENFORCEMENT_OPENED)
    assert opened.participant == world.worcester_man
    assert opened.subject_id == str(item.pk)


def test_an_acceptable_miss_opens_nothing(world: World) -> None:
    record_missed(
        acting_user=world.users["om.worcester"],
        one_to_one=booked(world),
        reason="His child was taken to hospital.",
        decision=MissedDecision.ACCEPTABLE,
    )
    assert EnforcementItem.objects.count() == 1  # the world's own


def test_a_medical_miss_waits_five_working_days_over_a_bank_holiday(world: World) -> None:
    # Friday 28 August 2026; Monday 31 August is the summer bank holiday.
    one = booked(world, booked_for=local(2026, 8, 28, 10))
    record_missed(
        acting_user=world.users["om.worcester"],
        one_to_one=one,
        reason="Ill with flu.",
        decision=MissedDecision.PENDING,
    )
    one.refresh_from_db()
    assert one.status == OneToOneStatus.MISSED_PENDING
    assert one.evidence_due == day("2026-09-07")


def test_an_area_closure_also_moves_the_note_due(world: World) -> None:
    ClosureDay.objects.create(area=world.area, date=day("2026-09-01"), reason="Training")
    one = booked(world, booked_for=local(2026, 8, 28, 10))
    record_missed(
        acting_user=world.users["om.worcester"],
        one_to_one=one,
        reason="Ill.",
        decision=MissedDecision.PENDING,
    )
    one.refresh_from_db()
    assert one.evidence_due == day("2026-09-08")


def test_a_pending_miss_decided_not_acceptable_opens_enforcement(world: World) -> None:
    one = booked(world, status=OneToOneStatus.MISSED_PENDING, missed_reason="Ill.")
    decide_missed(
        acting_user=world.users["om.worcester"],
        one_to_one=one,
        acceptable=False,
        reason="No doctor's note came.",
    )
    one.refresh_from_db()
    assert one.status == OneToOneStatus.MISSED_UNACCEPTABLE
    assert "No doctor's note came." in one.notes
    assert EnforcementItem.objects.filter(failure__startswith="Missed the one-to-one").exists()
    with pytest.raises(ValidationError, match="already been decided"):
        decide_missed(
            acting_user=world.users["om.worcester"], one_to_one=one, acceptable=True, reason="x"
        )


def test_a_missed_meeting_can_be_booked_again_once_decided(world: World) -> None:
    one = booked(world, status=OneToOneStatus.MISSED_PENDING)
    with pytest.raises(ValidationError, match="Decide about the missed meeting first"):
        book_one_to_one(
            acting_user=world.users["om.worcester"], one_to_one=one, booked_for=local(2026, 12, 10)
        )
    OneToOne.objects.filter(pk=one.pk).update(status=OneToOneStatus.MISSED_ACCEPTABLE)
    again = book_one_to_one(
        acting_user=world.users["om.worcester"], one_to_one=one, booked_for=local(2026, 12, 10)
    )
    assert again.status == OneToOneStatus.BOOKED


# The one-to-one page


def page(world: World) -> str:
    return f"/one-to-ones/{world.worcester_one_to_one.pk}/"


def booking_data(**changes: str) -> dict[str, str]:
    data = {
        "action": "book",
        "book-booked_on_day": "10",
        "book-booked_on_month": "12",
        "book-booked_on_year": "2026",
        "book-booked_at": "14:30",
    }
    data.update(changes)
    return data


def test_the_page_shows_the_meeting_and_its_forms_to_his_officer(world: World) -> None:
    response = client_for(world, "om.worcester").get(page(world))
    body = response.content.decode()
    assert response.status_code == 200
    assert "One-to-one: Before the programme" in body
    assert "Monday 7 December 2026" in body
    assert "Book the one-to-one" in body
    event = AuditEvent.objects.get(action=Action.PARTICIPANT_VIEWED)
    assert event.actor == world.users["om.worcester"]
    assert event.participant == world.worcester_man
    assert event.subject_id == str(world.worcester_one_to_one.pk)


def test_the_programme_manager_may_look_but_not_book(world: World) -> None:
    client = client_for(world, "pm.westmercia")
    body = client.get(page(world)).content.decode()
    assert "Book the one-to-one" not in body
    assert client.post(page(world), booking_data()).status_code == 403
    world.worcester_one_to_one.refresh_from_db()
    assert world.worcester_one_to_one.status == OneToOneStatus.DUE


def test_a_facilitator_may_not_record(world: World) -> None:
    one = booked(world)
    response = client_for(world, "fac.worcester").post(
        f"/one-to-ones/{one.pk}/",
        {"action": "record", "record-outcome": "held", "record-notes": "Fine."},
    )
    assert response.status_code == 403
    one.refresh_from_db()
    assert one.status == OneToOneStatus.BOOKED


def test_another_officer_gets_404(world: World) -> None:
    client = client_for(world, "om.telford")
    assert client.get(page(world)).status_code == 404
    assert client.post(page(world), booking_data()).status_code == 404


def test_an_unknown_meeting_is_404_and_the_wrong_method_405(world: World) -> None:
    client = client_for(world, "om.worcester")
    assert client.get("/one-to-ones/999999/").status_code == 404
    assert client.put(page(world)).status_code == 405
    assert client.delete(page(world)).status_code == 405


def test_booking_on_the_page_closes_the_task(world: World) -> None:
    raise_due_tasks(today=day("2026-12-08"))
    key = f"one-to-one-{world.worcester_one_to_one.pk}"
    assert Task.objects.open().filter(kind=TaskKind.ONE_TO_ONE_DUE, key=key).exists()
    client = client_for(world, "om.worcester")
    response = client.post(page(world), booking_data())
    assert response.status_code == 302
    assert response["Location"] == page(world)
    one = OneToOne.objects.get(pk=world.worcester_one_to_one.pk)
    assert one.status == OneToOneStatus.BOOKED
    assert one.booked_for == local(2026, 12, 10, 14, 30)
    assert not Task.objects.open().filter(kind=TaskKind.ONE_TO_ONE_DUE, key=key).exists()
    body = client.get(page(world)).content.decode()
    assert "The one-to-one is booked." in body
    assert "Thursday 10 December 2026 at 14:30" in body


def test_a_booking_needs_a_date_to_come_and_a_time(world: World) -> None:
    response = client_for(world, "om.worcester").post(
        page(world), booking_data(**{"book-booked_on_day": "1", "book-booked_at": "half two"})
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The date of the one-to-one must be today or later" in body
    assert "Enter the time like 14:30" in body
    assert 'href="#id_book-booked_on_day"' in body


def test_a_three_way_meeting_asks_for_the_facilitator_on_the_page(world: World) -> None:
    one = OneToOneFactory.create(referral=world.worcester_referral, three_way=True)
    url = f"/one-to-ones/{one.pk}/"
    client = client_for(world, "om.worcester")
    response = client.post(url, booking_data())
    assert "Select the facilitator who will join" in response.content.decode()
    facilitator = world.users["fac.worcester"]
    response = client.post(url, booking_data(**{"book-facilitator": str(facilitator.pk)}))
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.facilitator == facilitator


def test_recording_a_miss_on_the_page_links_the_enforcement(world: World) -> None:
    one = booked(world)
    url = f"/one-to-ones/{one.pk}/"
    client = client_for(world, "spo.worcester")
    response = client.post(url, {"action": "record", "record-outcome": "missed"})
    body = response.content.decode()
    assert "Enter the reason he gave for missing it" in body
    assert "Select whether the reason is acceptable" in body
    response = client.post(
        url,
        {
            "action": "record",
            "record-outcome": "missed",
            "record-missed_reason": "None given",
            "record-decision": "unacceptable",
        },
    )
    assert response.status_code == 302
    item = EnforcementItem.objects.get(failure__startswith="Missed the one-to-one")
    body = client.get(url).content.decode()
    assert f'href="/enforcement/{item.pk}/"' in body


def test_a_pending_miss_is_decided_on_the_same_page(world: World) -> None:
    one = booked(world, status=OneToOneStatus.MISSED_PENDING, missed_reason="Ill.")
    url = f"/one-to-ones/{one.pk}/"
    client = client_for(world, "om.worcester")
    assert "Decide about the missed one-to-one" in client.get(url).content.decode()
    response = client.post(
        url,
        {"action": "decide", "decide-decision": "acceptable", "decide-reason": "Fit note seen."},
    )
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.status == OneToOneStatus.MISSED_ACCEPTABLE


# His list


def list_url(world: World) -> str:
    return f"/participants/{world.worcester_man.pk}/one-to-ones/"


def test_the_list_shows_his_meetings_and_looking_changes_nothing(world: World) -> None:
    response = client_for(world, "om.worcester").get(list_url(world))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="/one-to-ones/{world.worcester_one_to_one.pk}/"' in body
    assert "Plan one-to-ones from his timetable" in body
    assert OneToOne.objects.count() == 1
    assert not AuditEvent.objects.filter(action=Action.ONE_TO_ONE_PLANNED).exists()
    assert AuditEvent.objects.filter(
        action=Action.PARTICIPANT_VIEWED, participant=world.worcester_man
    ).exists()


def test_planning_from_the_list(world: World) -> None:
    client = client_for(world, "pm.westmercia")
    response = client.post(list_url(world))
    assert response.status_code == 302
    assert OneToOne.objects.filter(referral=world.worcester_referral).count() == 4
    assert "4 one-to-ones added or moved." in client.get(list_url(world)).content.decode()
    client.post(list_url(world))
    assert "already match his timetable" in client.get(list_url(world)).content.decode()


def test_the_list_refuses_outsiders_and_planning_by_readers(world: World) -> None:
    assert client_for(world, "om.telford").get(list_url(world)).status_code == 404
    assert client_for(world, "fac.worcester").get(list_url(world)).status_code == 403
    chief = client_for(world, "chief.westmercia")
    assert "Plan one-to-ones" not in chief.get(list_url(world)).content.decode()
    assert chief.post(list_url(world)).status_code == 403
    assert client_for(world, "om.worcester").put(list_url(world)).status_code == 405
    unknown = "/participants/00000000-0000-0000-0000-000000000000/one-to-ones/"
    assert client_for(world, "om.worcester").get(unknown).status_code == 404


def more_meetings(world: World, count: int) -> None:
    for _ in range(count):
        OneToOneFactory.create(referral=world.worcester_referral, three_way=True)
        BookedOneToOneFactory.create(
            referral=world.worcester_referral, facilitator=world.users["fac.worcester"]
        )


def test_the_list_query_count_does_not_grow(world: World, django_assert_num_queries: Any) -> None:
    client = client_for(world, "om.worcester")
    more_meetings(world, 1)
    with CaptureQueriesContext(connection) as few:
        client.get(list_url(world))
    more_meetings(world, 5)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(list_url(world))
    assert len(response.context["meetings"]) == 13


# The to-do list


def test_his_officer_sees_meetings_due_within_two_weeks(world: World) -> None:
    later = OneToOneFactory.create(referral=world.worcester_referral, due_on=day("2026-12-23"))
    held = BookedOneToOneFactory.create(
        referral=world.worcester_referral, status=OneToOneStatus.HELD
    )
    response = client_for(world, "om.worcester").get("/tasks/")
    assert list(response.context["one_to_ones"]) == [world.worcester_one_to_one]
    body = response.content.decode()
    assert "One-to-ones due" in body
    assert f'href="/one-to-ones/{world.worcester_one_to_one.pk}/"' in body
    assert f'href="/one-to-ones/{later.pk}/"' not in body
    assert f'href="/one-to-ones/{held.pk}/"' not in body
    facilitator = client_for(world, "fac.worcester").get("/tasks/")
    assert "One-to-ones due" not in facilitator.content.decode()
    assert list(client_for(world, "om.telford").get("/tasks/").context["one_to_ones"]) == []


def test_the_to_do_query_count_does_not_grow_with_meetings(
    world: World, django_assert_num_queries: Any
) -> None:
    client = client_for(world, "om.worcester")
    with CaptureQueriesContext(connection) as few:
        client.get("/tasks/")
    for _ in range(5):
        referral = ReferralFactory.create(
            participant__area=world.area,
            responsible_officer=world.users["om.worcester"],
            status_id="on_programme",
        )
        OneToOneFactory.create(referral=referral, due_on=day("2026-12-10"))
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/tasks/")
    assert len(response.context["one_to_ones"]) == 6


# The daily run


def one_to_one_tasks() -> list[Task]:
    return list(Task.objects.filter(kind=TaskKind.ONE_TO_ONE_DUE).order_by("due_on", "pk"))


def test_the_daily_run_plans_and_asks_his_officer_to_book_once(world: World) -> None:
    today = day("2026-12-08")
    # Before: 30 Nov; midpoint: 7 Dec; after the Induction and after: 14 Dec, all within a week.
    assert raise_due_tasks(today=today)[TaskKind.ONE_TO_ONE_DUE] == 4
    tasks = one_to_one_tasks()
    assert {task.assigned_to for task in tasks} == {world.users["om.worcester"]}
    first = tasks[0]
    assert first.key == f"one-to-one-{world.worcester_one_to_one.pk}"
    assert first.due_on == day("2026-11-30")
    assert "one-to-one (before the programme), due 30 November 2026" in first.summary
    three_way = [task for task in tasks if "three-way" in task.summary]
    assert len(three_way) == 2
    tasks_before, events = Task.objects.count(), AuditEvent.objects.count()
    assert raise_due_tasks(today=today)[TaskKind.ONE_TO_ONE_DUE] == 0
    assert plan_due_one_to_ones(today=today + datetime.timedelta(days=1)) == 0
    assert (Task.objects.count(), AuditEvent.objects.count()) == (tasks_before, events)


def test_no_task_for_a_meeting_further_off_or_booked(world: World) -> None:
    OneToOne.objects.filter(pk=world.worcester_one_to_one.pk).update(
        status=OneToOneStatus.BOOKED, booked_for=local(2026, 12, 9)
    )
    SessionFactory.create(group=world.worcester_group, number=7, date=day("2027-03-01"))
    # Before is booked; midpoint 18 Jan, after the Induction and after 8 Mar: none this week.
    assert plan_due_one_to_ones(today=day("2026-12-08")) == 0
    assert one_to_one_tasks() == []
    assert plan_due_one_to_ones(today=day("2027-01-11")) == 1
    assert [task.due_on for task in one_to_one_tasks()] == [day("2027-01-18")]


def test_a_man_without_a_place_is_not_planned(world: World) -> None:
    before = OneToOne.objects.count()
    plan_due_one_to_ones(today=day("2026-12-08"))
    assert not OneToOne.objects.filter(referral=world.former_referral).exists()
    assert not OneToOne.objects.filter(referral=world.telford_referral).exists()  # no sessions
    assert OneToOne.objects.count() == before + 3


def test_the_midpoint_and_the_end_wait_for_every_module_of_his_pathway(world: World) -> None:
    referral = man_with_a_timetable(world)
    referral.pathway = "medium"  # induction, longer-term and relapse prevention
    referral.save()
    plan_one_to_ones(acting_user=world.users["om.worcester"], referral=referral)
    planned = set(OneToOne.objects.filter(referral=referral).values_list("code", flat=True))
    assert planned == {"before", "after-induction"}


def test_the_pure_rule_leaves_the_end_open_until_the_timetable_is_whole() -> None:
    induction_only = [GroupDay(day("2027-01-11"), "induction")]
    needed = {"induction", "relapse-prevention"}
    codes = [p.code for p in due_dates(OCCASIONS, induction_only, needed)]
    assert codes == ["before", "after-induction"]
    whole = [*induction_only, GroupDay(day("2027-04-05"), "relapse-prevention")]
    assert [p.code for p in due_dates(OCCASIONS, whole, needed)] == [
        "before",
        "after-induction",
        "midpoint",
        "after",
    ]
