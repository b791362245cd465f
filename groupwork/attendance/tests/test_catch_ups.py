"""Catch-ups: the content of a missed session, booked with a facilitator and marked done."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from groupwork.attendance.content import content_numbers, content_titles
from groupwork.attendance.models import CatchUp, CatchUpMode, CatchUpStatus, Failure
from groupwork.attendance.services import Mark, book_catch_up, complete_catch_up, save_register
from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World, client_for
from groupwork.groups.models import Group, Session
from groupwork.groups.tests.factories import GroupFactory, SessionFactory
from groupwork.organisation.models import Role
from groupwork.organisation.tests.factories import UserFactory
from groupwork.tasks.models import Task, TaskKind
from groupwork.tasks.services import raise_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    # Tuesday, the day after the world's session 6 (Monday 7 December 2026).
    time_machine.move_to("2026-12-08 10:00 +0000", tick=False)


def url(world: World) -> str:
    return f"/catch-ups/{world.worcester_catch_up.pk}/"


def other_group(world: World, **fields: Any) -> Group:
    fields.setdefault("name", "Telford group")
    group: Group = GroupFactory.create(
        area=world.area, facilitators=[world.users["fac.shrewsbury"]], **fields
    )
    return group


def booking(**changes: str) -> dict[str, str]:
    data = {
        "action": "book",
        "book-mode": CatchUpMode.ONE_TO_ONE,
        "book-booked_for_day": "10",
        "book-booked_for_month": "12",
        "book-booked_for_year": "2026",
        "book-facilitator": "",
        "book-other_session": "",
    }
    data.update(changes)
    return data


def done(**changes: str) -> dict[str, str]:
    data = {
        "action": "done",
        "done-done_on_day": "8",
        "done-done_on_month": "12",
        "done-done_on_year": "2026",
        "done-note": "Covered the exercise on thinking errors.",
    }
    data.update(changes)
    return data


def test_the_page_shows_the_missed_session_and_its_content(world: World) -> None:
    response = client_for(world, "fac.worcester").get(url(world))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Worcester group, session 6, Monday 7 December 2026" in body
    titles = content_titles(world.worcester_group.module_definition, [6])
    assert titles
    for title in titles:
        assert title in body
    assert "Book the catch-up" in body
    assert "Mark the catch-up done" in body


def test_missing_a_session_on_the_register_creates_a_catch_up_of_its_content(
    world: World,
) -> None:
    session = SessionFactory.create(
        group=world.worcester_group, number=7, date=datetime.date(2026, 12, 8)
    )
    late = SessionFactory.create(
        group=world.worcester_group, number=8, date=datetime.date(2026, 12, 8)
    )
    for missed, mark in [
        (session, Mark(referral_id=world.worcester_referral.pk, choice="absent")),
        (
            late,
            Mark(
                referral_id=world.worcester_referral.pk,
                choice="failed_to_comply",
                minutes_late=40,
                failures=(Failure.SENT_HOME,),
                catch_up_override="He had booked his catch-up.",
            ),
        ),
    ]:
        save_register(
            acting_user=world.users["fac.worcester"],
            session=missed,
            version=0,
            marks=[mark],
            note="",
        )
        catch_up = CatchUp.objects.get(referral=world.worcester_referral, missed_session=missed)
        group = world.worcester_group
        assert catch_up.content == content_numbers(group, missed.number)
        assert catch_up.status == CatchUpStatus.NEEDED


def test_a_facilitator_books_a_one_to_one_and_the_task_closes(world: World) -> None:
    catch_up = world.worcester_catch_up
    raise_task(
        acting_user=None,
        kind=TaskKind.CATCH_UP_NOT_BOOKED,
        key=f"catch-up-{catch_up.pk}",
        referral=world.worcester_referral,
        assigned_to=world.users["fac.worcester"],
        due_on=datetime.date(2026, 12, 13),
        summary="Book it",
    )
    facilitator = world.users["fac.shrewsbury"]
    client = client_for(world, "fac.worcester")
    response = client.post(url(world), booking(**{"book-facilitator": str(facilitator.pk)}))
    assert response.status_code == 302
    assert response["Location"] == url(world)
    catch_up.refresh_from_db()
    assert catch_up.status == CatchUpStatus.BOOKED
    assert catch_up.mode == CatchUpMode.ONE_TO_ONE
    assert catch_up.booked_for == datetime.date(2026, 12, 10)
    assert catch_up.facilitator == facilitator
    assert catch_up.recorded_by == world.users["fac.worcester"]
    event = AuditEvent.objects.get(action=Action.CATCH_UP_BOOKED)
    assert event.actor == world.users["fac.worcester"]
    assert event.participant == world.worcester_man
    assert event.old_values["status"] == CatchUpStatus.NEEDED
    assert event.new_values["booked_for"] == "2026-12-10"
    task = Task.objects.get(kind=TaskKind.CATCH_UP_NOT_BOOKED)
    assert task.closed_at is not None
    page = client.get(url(world)).content.decode()
    assert "The catch-up is booked." in page
    assert "One-to-one with a facilitator, Thursday 10 December 2026" in page


def test_a_one_to_one_needs_a_date_to_come_and_a_facilitator(world: World) -> None:
    client = client_for(world, "fac.worcester")
    response = client.post(url(world), booking(**{"book-booked_for_day": "7"}))
    body = response.content.decode()
    assert response.status_code == 200
    assert "The date of the one-to-one must be today or later" in body
    assert "Select the facilitator who will see him" in body
    world.worcester_catch_up.refresh_from_db()
    assert world.worcester_catch_up.status == CatchUpStatus.NEEDED


def test_another_groups_matching_session_is_offered_and_booked(world: World) -> None:
    group = other_group(world)
    matching = SessionFactory.create(group=group, number=6, date=datetime.date(2026, 12, 15))
    SessionFactory.create(group=group, number=7, date=datetime.date(2026, 12, 22))
    SessionFactory.create(
        group=other_group(world, name="Earlier group"), number=6, date=datetime.date(2026, 12, 1)
    )
    SessionFactory.create(
        group=other_group(world, name="Longer-term group", module="longer-term"),
        number=6,
        date=datetime.date(2026, 12, 16),
    )
    client = client_for(world, "pm.westmercia")
    offered = client.get(url(world)).context["booking"].fields["other_session"].queryset
    assert list(offered) == [matching]
    response = client.post(
        url(world),
        booking(
            **{
                "book-mode": CatchUpMode.OTHER_GROUP,
                "book-booked_for_day": "",
                "book-booked_for_month": "",
                "book-booked_for_year": "",
                "book-other_session": str(matching.pk),
            }
        ),
    )
    assert response.status_code == 302
    catch_up = CatchUp.objects.get(pk=world.worcester_catch_up.pk)
    assert catch_up.status == CatchUpStatus.BOOKED
    assert catch_up.other_session == matching
    assert catch_up.booked_for == datetime.date(2026, 12, 15)


def test_another_group_needs_its_session_chosen(world: World) -> None:
    response = client_for(world, "fac.worcester").post(
        url(world), booking(**{"book-mode": CatchUpMode.OTHER_GROUP})
    )
    assert "Select the other group&#x27;s session" in response.content.decode()


def test_marking_a_catch_up_done(world: World) -> None:
    client = client_for(world, "fac.worcester")
    response = client.post(url(world), done())
    assert response.status_code == 302
    catch_up = CatchUp.objects.get(pk=world.worcester_catch_up.pk)
    assert catch_up.status == CatchUpStatus.DONE
    assert catch_up.done_on == datetime.date(2026, 12, 8)
    assert catch_up.note == "Covered the exercise on thinking errors."
    event = AuditEvent.objects.get(action=Action.CATCH_UP_DONE)
    assert event.actor == world.users["fac.worcester"]
    assert event.new_values == {"status": "done", "done_on": "2026-12-08"}
    page = client.get(url(world)).content.decode()
    assert "The catch-up is done." in page
    assert "Tuesday 8 December 2026" in page
    assert "Book the catch-up" not in page


def test_a_catch_up_cannot_be_done_in_the_future(world: World) -> None:
    response = client_for(world, "fac.worcester").post(
        url(world), done(**{"done-done_on_day": "9"})
    )
    assert "The date he caught up must be today or before" in response.content.decode()
    with pytest.raises(ValidationError):
        complete_catch_up(
            acting_user=world.users["fac.worcester"],
            catch_up=world.worcester_catch_up,
            done_on=datetime.date(2026, 12, 9),
        )


def test_a_done_catch_up_is_not_booked_or_done_again(world: World) -> None:
    catch_up = complete_catch_up(
        acting_user=world.users["fac.worcester"],
        catch_up=world.worcester_catch_up,
        done_on=datetime.date(2026, 12, 8),
    )
    with pytest.raises(ValidationError, match="already done"):
        book_catch_up(
            acting_user=world.users["fac.worcester"],
            catch_up=catch_up,
            mode=CatchUpMode.ONE_TO_ONE,
            booked_for=datetime.date(2026, 12, 10),
            facilitator=world.users["fac.worcester"],
        )
    response = client_for(world, "fac.worcester").post(url(world), done())
    assert "This catch-up is already done." in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.CATCH_UP_DONE).count() == 1


def test_only_a_facilitator_of_his_area_can_be_booked(world: World) -> None:
    elsewhere = UserFactory.create(role=Role.FACILITATOR, area=world.other_area)
    for person in [elsewhere, world.users["om.worcester"]]:
        with pytest.raises(ValidationError, match="facilitator of his area"):
            book_catch_up(
                acting_user=world.users["pm.westmercia"],
                catch_up=world.worcester_catch_up,
                mode=CatchUpMode.ONE_TO_ONE,
                booked_for=datetime.date(2026, 12, 10),
                facilitator=person,
            )


def test_a_session_of_the_same_group_is_not_a_catch_up(world: World) -> None:
    own: Session = SessionFactory.create(
        group=world.worcester_group, number=9, date=datetime.date(2026, 12, 21)
    )
    with pytest.raises(ValidationError, match="not a matching session"):
        book_catch_up(
            acting_user=world.users["pm.westmercia"],
            catch_up=world.worcester_catch_up,
            mode=CatchUpMode.OTHER_GROUP,
            other_session=own,
        )


def test_an_officer_may_read_the_catch_up_but_not_book_it(world: World) -> None:
    client = client_for(world, "om.worcester")
    page = client.get(url(world))
    assert page.status_code == 200
    assert "Book the catch-up" not in page.content.decode()
    facilitator = str(world.users["fac.worcester"].pk)
    assert client.post(url(world), booking(**{"book-facilitator": facilitator})).status_code == 403
    assert client_for(world, "spo.worcester").post(url(world), done()).status_code == 403
    world.worcester_catch_up.refresh_from_db()
    assert world.worcester_catch_up.status == CatchUpStatus.NEEDED


def test_a_catch_up_out_of_scope_or_unknown_is_404(world: World) -> None:
    for persona in ["om.telford", "fac.shrewsbury", "om.otherarea"]:
        assert client_for(world, persona).get(url(world)).status_code == 404, persona
    assert client_for(world, "fac.shrewsbury").post(url(world), done()).status_code == 404
    missing = f"/catch-ups/{world.worcester_catch_up.pk + 1000}/"
    assert client_for(world, "fac.worcester").get(missing).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.CATCH_UP_DONE).exists()


def test_reading_a_catch_up_is_audited(world: World) -> None:
    client_for(world, "fac.worcester").get(url(world))
    event = AuditEvent.objects.get(action=Action.PARTICIPANT_VIEWED)
    assert event.actor == world.users["fac.worcester"]
    assert event.participant == world.worcester_man
    assert event.subject_type == "attendance.CatchUp"


def test_the_catch_up_page_answers_get_and_post_only(world: World) -> None:
    assert client_for(world, "fac.worcester").put(url(world)).status_code == 405
