"""The demo's past: the groups the men who have completed went through, with their registers.

A referral can be marked complete only when every session's content his pathway needs is
covered, so each demo man who completed first goes through an Induction that ran in the
autumn of 2024, then the longer-term group (if his pathway needs it) and relapse prevention,
both rolling groups that have met weekly since then. He joins each rolling group at its next
join point after his last module ended and stays for the meetings his pathway needs.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from groupwork.attendance.models import Attendance, Outcome, Register
from groupwork.groups import services as group_services
from groupwork.groups.models import Group, GroupKind, Membership, Session, SessionStatus
from groupwork.organisation.models import Office, Room, User
from groupwork.programmes.models import Programme
from groupwork.referrals.models import Referral

CENTRE = "Worcester Group Centre"
FACILITATORS = ("fac.worcester", "fac.telford")
# key: (name, module, pattern, room, first day, weekday)
HISTORY_GROUPS = {
    "history-induction": (
        "Worcester Induction, October 2024",
        "induction",
        "full-days",
        "Room 1",
        datetime.date(2024, 10, 21),
        0,
    ),
    "history-longer-term": (
        "Worcester longer-term group, Thursday evenings",
        "longer-term",
        "evenings",
        "Room 2",
        datetime.date(2024, 11, 28),
        3,
    ),
    "history-relapse-prevention": (
        "Worcester relapse prevention, Thursday mornings",
        "relapse-prevention",
        "half-days",
        "Room 2",
        datetime.date(2024, 12, 5),
        3,
    ),
}


def history_groups(area_id: int, staff: dict[str, User]) -> dict[str, Group]:
    """The groups the completed men went through, made by the programme manager; the rolling
    ones are timetabled as far ahead as the daily job keeps them. Loading twice adds none."""
    version = Programme.objects.get(code="csogp").current_version()
    centre = Office.objects.get(area_id=area_id, name=CENTRE)
    groups = {}
    for key, (name, module, pattern, room, start, weekday) in HISTORY_GROUPS.items():
        group = Group.objects.filter(area_id=area_id, name=name).first()
        if group is None:
            group = group_services.create_group(
                acting_user=staff["pm.westmercia"],
                version=version,
                module_code=module,
                pattern_code=pattern,
                name=name,
                centre=centre,
                room=Room.objects.get(centre=centre, name=room),
                start=start,
                weekday=weekday,
                facilitators=[staff[username] for username in FACILITATORS],
            )
        group_services.extend_rolling_timetable(group)
        groups[key] = group
    return groups


def record_programme_history(
    referral: Referral, groups: dict[str, Group], today: datetime.date
) -> None:
    """His places in the history groups his pathway needs, one after the other, and a
    register for every meeting he was at, marked attended."""
    referral.refresh_from_db(fields=["pathway"])
    facilitator = groups["history-induction"].facilitators.order_by("username").first()
    if facilitator is None:
        raise ValueError("The demo's history groups have no facilitators.")
    definition = groups["history-induction"].definition
    pathway = definition.pathway(referral.pathway or "higher")
    after = datetime.date.min
    for part in pathway.modules:
        group = groups[f"history-{part.module}"]
        sessions = _his_sessions(group, part.sessions, after)
        if sessions[-1].date >= today:
            raise ValueError(f"{group.name} has not met often enough by {today} for the demo.")
        rolling = group.kind == GroupKind.ROLLING
        Membership.objects.create(
            group=group,
            referral=referral,
            joined_on=sessions[0].date,
            left_on=sessions[-1].date,
            first_session=sessions[0].number if rolling else None,
            last_session=sessions[-1].number if rolling else None,
        )
        Attendance.objects.bulk_create(
            Attendance(
                session=session,
                referral=referral,
                outcome=Outcome.ATTENDED,
                recorded_by=facilitator,
            )
            for session in sessions
        )
        _registers(sessions, facilitator)
        after = sessions[-1].date


def _his_sessions(group: Group, needed: int | str, after: datetime.date) -> list[Session]:
    """A closed group's whole timetable; in a rolling group, the meetings from its first join
    point after `after`, as many as his pathway needs."""
    scheduled = list(
        group.sessions.filter(status=SessionStatus.SCHEDULED, date__gt=after).order_by("number")
    )
    if group.kind == GroupKind.CLOSED:
        return scheduled
    module = group.module_definition
    meetings = module.meetings[group.pattern]
    count = meetings if needed == "all" else int(needed)
    for index, session in enumerate(scheduled):
        if (session.number - 1) % meetings + 1 in module.join_points:
            taken = scheduled[index : index + count]
            if len(taken) == count:
                return taken
            break
    raise ValueError(f"{group.name} has too few meetings timetabled for the demo.")


def _registers(sessions: list[Session], facilitator: User) -> None:
    """Each meeting's register, taken as it ended (other men's marks are not in the demo)."""
    untaken = [session for session in sessions if session.register_taken_at is None]
    for session in untaken:
        session.register_taken_at = timezone.make_aware(
            datetime.datetime.combine(session.date, session.ends)
        )
    Register.objects.bulk_create(
        (
            Register(
                session=session,
                version=1,
                taken_by=facilitator,
                taken_at=session.register_taken_at,
            )
            for session in untaken
        ),
        ignore_conflicts=True,
    )
    Session.objects.bulk_update(untaken, ["register_taken_at"])
