import datetime
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Exists, F, Max, Min, OuterRef, Q
from django.utils import timezone

from groupwork.attendance.models import Absence, Attendance, Register
from groupwork.audit.models import AuditEvent
from groupwork.core.demo import TODAY
from groupwork.core.national import (
    FIRST_WEEK,
    LAST_WEEK,
    STATUS_WEIGHTS,
    WRONG_NUMBER,
    generate_national,
    plan_national,
)
from groupwork.enforcement.models import EnforcementItem
from groupwork.groups.models import Group, GroupKind, Membership, Session
from groupwork.notifications.models import Message, MessageStatus
from groupwork.organisation.models import Area, Office
from groupwork.participants.models import Participant
from groupwork.referrals.models import Referral

pytestmark = pytest.mark.django_db

TINY = "0.0005"  # one area: 25 men, 2 groups
SMALL = "0.004"  # one area: 200 men, 20 groups


def generate(*args: str, scale: str = TINY) -> str:
    out = StringIO()
    call_command("generate_national", "--scale", scale, *args, stdout=out)
    return out.getvalue()


def test_a_tiny_scale_builds_the_expected_counts() -> None:
    output = generate()
    assert "1 of 1 areas: Generated area 01, 2 groups, 25 men" in output
    assert "Generated 1 areas, 2 groups, 25 men" in output
    area = Area.objects.get(slug="gen-01")
    assert area.name == "Generated area 01"
    assert Office.objects.filter(area=area, is_group_centre=True).count() == 1
    assert Participant.objects.filter(area=area).count() == 25  # 50,000 x 0.0005
    assert Referral.objects.filter(participant__area=area).count() == 25
    assert Referral.objects.filter(area=area).count() == 25  # each carries his area
    assert Group.objects.filter(area=area).count() == 2  # 5,000 x 0.0005, rounded
    assert Session.objects.filter(group__area=area).exists()
    assert Membership.objects.filter(group__area=area).exists()
    assert Register.objects.exists()
    assert Attendance.objects.exists()
    assert AuditEvent.objects.filter(action="referral_created").count() == 25
    assert AuditEvent.objects.filter(action="group_created").count() == 2
    # The counts printed are the rows written.
    assert f"{Attendance.objects.count():,} attendances" in output
    assert f"{Message.objects.filter(area=area).count():,} messages" in output
    # The system's own events (a reminder queued, sent) belong to no area: to the man's.
    area_events = AuditEvent.objects.filter(Q(area=area) | Q(area=None, participant__area=area))
    assert f"{area_events.count():,} audit events" in output


def test_the_plan_is_the_same_for_the_same_seed() -> None:
    first = plan_national(2026, 0.001)
    again = plan_national(2026, 0.001)
    other = plan_national(7, 0.001)
    people = [(m.case_reference, m.first_name, m.last_name) for a in first for m in a.men]
    assert people == [(m.case_reference, m.first_name, m.last_name) for a in again for m in a.men]
    assert people != [(m.case_reference, m.first_name, m.last_name) for a in other for m in a.men]
    assert [g.name for a in first for g in a.groups] == [g.name for a in again for g in a.groups]


def test_the_database_matches_the_plan() -> None:
    generate("--seed", "11")
    planned = sorted(
        (m.case_reference, m.first_name, m.last_name)
        for a in plan_national(11, float(TINY))
        for m in a.men
    )
    stored = sorted(Participant.objects.values_list("case_reference", "first_name", "last_name"))
    assert stored == planned


def snapshot() -> dict[str, Any]:
    """Everything generated, by natural keys (row ids come from sequences, which differ)."""
    man = "referral__participant__case_reference"
    return {
        "participants": sorted(
            Participant.objects.values_list("id", "case_reference", "date_of_birth", "address")
        ),
        "referrals": sorted(
            Referral.objects.values_list(
                "id", "status", "pathway", "sentence_start", "responsible_officer__username"
            )
        ),
        "groups": sorted(
            Group.objects.values_list("name", "module", "pattern", "start_date", "centre__slug")
        ),
        "sessions": sorted(
            Session.objects.values_list("group__name", "number", "date", "register_taken_at")
        ),
        "places": sorted(
            Membership.objects.values_list(
                "group__name", man, "joined_on", "left_on", "first_session", "last_session"
            )
        ),
        "marks": sorted(
            Attendance.objects.values_list(
                "session__group__name", "session__number", man, "outcome"
            )
        ),
        "absences": sorted(
            Absence.objects.values_list("session__group__name", "session__number", man, "status")
        ),
        "enforcement": sorted(
            EnforcementItem.objects.values_list(man, "failure_date", "advice", "action_taken")
        ),
        "messages": sorted(
            Message.objects.values_list(
                "participant__case_reference", "send_before", "status", "provider_reference"
            )
        ),
        "audit": sorted(
            Counter(AuditEvent.objects.values_list("action", "at", "actor__username")).items()
        ),
    }


class Undo(Exception):  # noqa: N818  (not an error: it rolls a run back)
    pass


def generated_then_undone(seed: str) -> dict[str, Any]:
    with pytest.raises(Undo), transaction.atomic():
        generate("--seed", seed, scale=SMALL)
        written = snapshot()
        raise Undo
    assert not Area.objects.filter(slug__startswith="gen-").exists()
    return written


def test_two_runs_with_the_same_seed_write_the_same_data() -> None:
    first = generated_then_undone("5")
    other = generated_then_undone("6")
    generate("--seed", "5", scale=SMALL)
    assert snapshot() == first
    assert len(first["marks"]) > 1_000  # not trivially equal
    assert other["marks"] != first["marks"]
    assert other["participants"] != first["participants"]


def test_every_status_is_present_and_follows_from_his_places() -> None:
    generate(scale=SMALL)
    statuses = Counter(Referral.objects.values_list("status", flat=True))
    assert set(statuses) == set(STATUS_WEIGHTS)
    current = Membership.objects.filter(referral=OuterRef("pk"), left_on__isnull=True)
    started = Membership.objects.filter(referral=OuterRef("pk"), joined_on__lt=TODAY)
    places = Membership.objects.filter(referral=OuterRef("pk"))
    referrals = Referral.objects.annotate(
        current=Exists(current), started=Exists(started), places=Exists(places)
    )
    # Allocated: a place in a group that has not started. Completed and ended early: every
    # place over. Not yet allocated: no place at all.
    assert not referrals.filter(status="allocated").exclude(current=True, started=False).exists()
    assert not referrals.filter(status__in=["completed", "ended_early"], current=True).exists()
    assert not referrals.filter(status__in=["completed", "ended_early"], started=False).exists()
    waiting = ["received", "awaiting_assessment", "awaiting_allocation", "withdrawn"]
    assert not referrals.filter(status__in=waiting, places=True).exists()
    assert not referrals.filter(status="received").exclude(pathway="").exists()
    assert not referrals.filter(status="completed", pathway="").exists()


def test_every_mark_is_for_a_man_in_the_group_that_day() -> None:
    generate(scale=SMALL)
    placed = Membership.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=OuterRef("session__date")),
        referral=OuterRef("referral"),
        group=OuterRef("session__group"),
        joined_on__lte=OuterRef("session__date"),
    )
    marks = Attendance.objects.annotate(placed=Exists(placed))
    assert marks.count() > 1_000
    assert not marks.filter(placed=False).exists()
    assert not Attendance.objects.filter(session__date__gte=TODAY).exists()
    assert not Attendance.objects.filter(session__register_taken_at__isnull=True).exists()
    # Every failure and unacceptable absence has its enforcement item, and nothing else does.
    failing = Attendance.objects.filter(outcome__in=["failed_to_comply", "absent_unacceptable"])
    assert EnforcementItem.objects.count() == failing.count() > 0
    assert not EnforcementItem.objects.exclude(attendance__in=failing).exists()
    assert (
        Absence.objects.count() == Attendance.objects.filter(outcome__startswith="absent").count()
    )


def test_two_years_of_sessions_with_groups_finished_running_and_planned() -> None:
    generate(scale=SMALL)
    span = Session.objects.aggregate(first=Min("date"), last=Max("date"))
    assert FIRST_WEEK <= span["first"] < FIRST_WEEK + (LAST_WEEK - FIRST_WEEK) / 50
    assert span["last"] > TODAY
    # Rolling groups are timetabled to LAST_WEEK (a bank holiday can push the last a week on);
    # the last Induction groups start by then and run their course.
    rolling_last = Session.objects.filter(group__kind=GroupKind.ROLLING).aggregate(Max("date"))
    assert TODAY < rolling_last["date__max"] <= LAST_WEEK + datetime.timedelta(weeks=2)
    assert Group.objects.aggregate(Max("start_date"))["start_date__max"] <= LAST_WEEK
    groups = Group.objects.annotate(first=Min("sessions__date"), last=Max("sessions__date"))
    assert groups.filter(kind=GroupKind.CLOSED, last__lt=TODAY).exists()
    assert groups.filter(first__lt=TODAY, last__gt=TODAY).exists()
    assert groups.filter(kind=GroupKind.CLOSED, first__gt=TODAY).exists()
    assert groups.filter(kind=GroupKind.ROLLING).count() > 5
    assert set(Group.objects.values_list("module", flat=True)) == {
        "induction",
        "longer-term",
        "relapse-prevention",
    }


def test_the_progress_bars_go_to_stderr_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    lines: list[str] = []
    with pytest.raises(Undo), transaction.atomic():
        generate_national(seed=1, scale=float(TINY), progress=lines.append, bars=True)
        raise Undo
    bars = capsys.readouterr()
    assert "areas: 100%" in bars.err
    assert "rows" in bars.err
    assert bars.out == ""
    assert len(lines) == 1
    generate()  # through the command: stderr is not a terminal under pytest, so no bars
    assert capsys.readouterr().err == ""


def test_a_second_run_refuses() -> None:
    generate()
    with pytest.raises(CommandError, match="already loaded"):
        generate()
    with pytest.raises(CommandError, match="would need"):
        generate("--replace")
    assert Area.objects.filter(slug__startswith="gen-").count() == 1


def test_men_who_agreed_to_texts_were_reminded_of_each_session_the_day_before() -> None:
    generate(scale=SMALL)
    messages = Message.objects.select_related("participant")
    assert messages.count() > 1_000
    assert not messages.filter(participant__consents_to_texts=False).exists()
    assert not messages.exclude(area=F("participant__area")).exists()
    assert set(messages.values_list("kind", "channel")) == {("session_reminder", "text")}
    sent = messages.filter(status=MessageStatus.SENT)
    refused = messages.filter(status=MessageStatus.FAILED)
    assert sent.exists() and refused.exists()
    assert messages.count() == sent.count() + refused.count()
    assert set(refused.values_list("last_error", flat=True)) == {WRONG_NUMBER}
    assert not sent.filter(Q(sent_at__isnull=True) | Q(sent_at__gte=F("send_before"))).exists()
    # Each reminder's appointment is a session he had a place in; each mark of a man who
    # agreed to texts had its reminder.
    reminded = set(messages.values_list("participant_id", "send_before"))
    sessions = {
        (p, timezone.make_aware(datetime.datetime.combine(day, starts)))
        for p, day, starts in Attendance.objects.filter(
            referral__participant__consents_to_texts=True
        ).values_list("referral__participant_id", "session__date", "session__starts")
    }
    assert sessions and sessions <= reminded
    texting = Participant.objects.filter(consents_to_texts=True).count()
    assert 0.5 < texting / Participant.objects.count() < 0.7
    # Written as the daily job and the sender write them: by the system, one row each.
    events = AuditEvent.objects.filter(actor=None)
    assert events.filter(action="message_queued").count() == messages.count()
    assert events.filter(action="message_sent").count() == sent.count()
    assert not events.filter(
        action="message_sent",
        subject_id__in=[str(pk) for pk in refused.values_list("pk", flat=True)],
    ).exists()
