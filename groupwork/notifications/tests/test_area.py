"""A message's area: copied by the migration, filled by the trigger, kept by the model, and
what a programme manager's outbox is read by."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from groupwork.core.tests.migrations import columns_of, migrated_back_to
from groupwork.core.tests.test_indexes import reads
from groupwork.core.tests.world import World, build_world, client_for
from groupwork.notifications.models import Channel, Message, MessageStatus
from groupwork.notifications.tests.outbox import NOW
from groupwork.notifications.tests.test_views import to_man
from groupwork.organisation.models import User

BEFORE_AREA = [("notifications", "0002_message_send_before")]


def notice_to(staff: User, key: str) -> Message:
    return Message.objects.create(
        staff=staff,
        channel=Channel.EMAIL,
        to="staff@example.org",
        kind="complaint_named",
        key=key,
        subject="A complaint names you",
        body="Read it on Groupwork.",
        next_attempt_at=NOW,
    )


def test_each_message_takes_its_recipients_area_when_the_column_is_added(
    transactional_db: None,
) -> None:
    world = build_world()
    to_him = to_man(world.other_area_man, "o1")
    to_staff = notice_to(world.users["om.worcester"], "s1")
    to_admin = notice_to(world.users["admin"], "a1")

    with migrated_back_to(BEFORE_AREA):
        assert "area_id" not in columns_of("notifications_message")

    assert Message.objects.get(pk=to_him.pk).area == world.other_area
    assert Message.objects.get(pk=to_staff.pk).area == world.area
    assert Message.objects.get(pk=to_admin.pk).area is None


def insert_as_the_previous_release(copied: Message) -> int:
    """A copy of `copied`'s row inserted the way the release before the area column inserts a
    message: every column but the area (and the key, which is unique)."""
    columns = [
        field.column
        for field in Message._meta.concrete_fields
        if field.name not in {"id", "area", "key"}
    ]
    listed = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO notifications_message (key, {listed}) "  # noqa: S608 (model's names)
            f"SELECT %s, {listed} FROM notifications_message WHERE id = %s",
            [f"{copied.key}-copy", copied.pk],
        )
    return Message.objects.get(key=f"{copied.key}-copy").pk


def test_a_message_inserted_by_the_previous_release_takes_its_recipients_area(
    world: World,
) -> None:
    to_him = insert_as_the_previous_release(to_man(world.other_area_man, "o1"))
    to_staff = insert_as_the_previous_release(notice_to(world.users["om.worcester"], "s1"))
    if connection.vendor == "postgresql":  # old app servers run on the new schema
        assert Message.objects.get(pk=to_him).area == world.other_area
        assert Message.objects.get(pk=to_staff).area == world.area
    else:  # the demo database has no rolling upgrades and no trigger
        assert Message.objects.get(pk=to_him).area is None


def test_a_new_message_takes_its_recipients_area(world: World) -> None:
    assert to_man(world.other_area_man, "o1", area=world.area).area == world.other_area
    assert notice_to(world.users["om.worcester"], "s1").area == world.area
    assert notice_to(world.users["admin"], "a1").area is None


@pytest.mark.usefixtures("db")
def test_a_restricted_case_that_does_not_name_the_manager_keeps_his_messages_from_them(
    world: World, time_machine: Any
) -> None:
    time_machine.move_to(NOW, tick=False)
    hidden = to_man(world.worcester_man, "w1")
    shown = to_man(world.telford_man, "t1")
    world.worcester_man.restricted_to.add(world.users["om.worcester"])

    listed = client_for(world, "pm.westmercia").get("/messages/").context["page"].object_list
    assert shown in listed
    assert hidden not in listed

    world.worcester_man.restricted_to.add(world.users["pm.westmercia"])
    listed = client_for(world, "pm.westmercia").get("/messages/").context["page"].object_list
    assert hidden in listed


@pytest.mark.usefixtures("db")
def test_a_notice_stays_with_the_area_it_was_queued_in_when_its_reader_moves(
    world: World, time_machine: Any
) -> None:
    # Notices are about the area's own incidents and complaints: its manager keeps them.
    time_machine.move_to(NOW, tick=False)
    officer = world.users["om.worcester"]
    notice = notice_to(officer, "s1")
    officer.area = world.other_area
    officer.save(update_fields=["area"])

    listed = client_for(world, "pm.westmercia").get("/messages/").context["page"].object_list
    assert notice in listed
    assert Message.objects.get(pk=notice.pk).area == world.area


def postgresql_plan(sql: str, params: Any) -> str:
    """The plan of a query, with whole-table scans priced out of reach."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.usefixtures("db")
def test_the_outbox_counts_read_only_the_areas_unsent_messages(
    world: World, time_machine: Any
) -> None:
    # Sent reminders are most of the outbox and grow with every session held; the counts
    # of those waiting, failed and stuck read the area's unsent messages by their own index.
    time_machine.move_to(NOW, tick=False)
    for n in range(200):
        to_man(world.telford_man, f"sent{n}", status=MessageStatus.SENT, sent_at=NOW)
    to_man(world.telford_man, "waiting")
    to_man(world.telford_man, "failed", status=MessageStatus.FAILED)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE notifications_message")
    with reads() as captured:
        page = client_for(world, "pm.westmercia").get("/messages/")
    assert page.context["counts"] == {"waiting": 1, "failed": 1, "stuck": 0}
    counts = [(sql, params) for sql, params in captured if "COUNT(" in sql and "FILTER" in sql]
    assert len(counts) == 1
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "notifications_message")
    assert indexes["notifications_unsent_by_area"]["columns"] == ["area_id"]
    # SQLite takes a partial index only for literal values, not bound ones: the demo database
    # reads its area's messages instead, which is no matter at its size.
    if connection.vendor == "postgresql":
        assert "notifications_unsent_by_area" in postgresql_plan(*counts[0])
