"""Making groups and their timetables, filling them, and moving or cancelling sessions."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.groups.models import (
    CalendarFeed,
    Group,
    GroupKind,
    Membership,
    Session,
    SessionFacilitator,
    SessionStatus,
)
from groupwork.groups.planning import area_blocked_days, preview_timetable
from groupwork.groups.timetable import PlannedSession, is_weekend, place_weekly, plan_rolling
from groupwork.organisation.models import Office, Role, Room, User
from groupwork.programmes.models import ProgrammeVersion
from groupwork.referrals.models import Referral

ROLLING_WEEKS_AHEAD = 12
JOINABLE_STATUSES = {"awaiting_allocation", "allocated", "on_programme"}


@dataclass(frozen=True)
class Slot:
    """When and where a session would be, for checking clashes."""

    date: datetime.date
    starts: datetime.time
    ends: datetime.time


def describe_session(session: Session) -> str:
    return (
        f"{session.group.name}, session {session.number}, on {session.date:%A %-d %B %Y} "
        f"from {session.starts:%H:%M} to {session.ends:%H:%M}"
    )


def find_clashes(
    *,
    slots: list[Slot],
    facilitators: Iterable[User],
    room: Room | None,
    ignore_group: Group | None = None,
    ignore_sessions: Iterable[int] = (),
) -> list[str]:
    """Every booking that overlaps one of `slots` for one of these facilitators or this room,
    each as a sentence naming who or what and where. One query, however many slots."""
    people = {user.pk: user for user in facilitators}
    booked = Q(staffing__facilitator_id__in=list(people))
    if room is not None:
        booked |= Q(room=room)
    others = (
        Session.objects.filter(booked, status=SessionStatus.SCHEDULED)
        .filter(date__in={slot.date for slot in slots})
        .exclude(pk__in=list(ignore_sessions))
        .select_related("group", "room")
        .prefetch_related("staffing")
        .distinct()
    )
    if ignore_group is not None:
        others = others.exclude(group=ignore_group)
    clashes = []
    for other in others:
        for slot in slots:
            if other.date != slot.date or not (
                other.starts < slot.ends and slot.starts < other.ends
            ):
                continue
            for seat in other.staffing.all():
                if seat.facilitator_id in people:
                    who = people[seat.facilitator_id]
                    clashes.append(f"{who} is already booked for {describe_session(other)}")
            if room is not None and other.room_id == room.pk:
                clashes.append(f"{room} is already booked for {describe_session(other)}")
    return sorted(set(clashes))


def _check_facilitators(
    version: ProgrammeVersion, centre: Office, facilitators: list[User]
) -> None:
    needed = version.parsed.facilitators_per_session
    if len(set(facilitators)) != needed:
        raise ValidationError({"facilitators": f"Choose {needed} different facilitators."})
    for person in facilitators:
        if person.role != Role.FACILITATOR or person.area_id != centre.area_id:
            raise ValidationError({"facilitators": f"{person} is not a facilitator in this area."})


def plan_group_sessions(
    *,
    version: ProgrammeVersion,
    module_code: str,
    pattern_code: str,
    centre: Office,
    start: datetime.date,
    weekday: int,
) -> tuple[list[PlannedSession], str | None]:
    """The sessions a new group would have, and why its start moved (None if it did not)."""
    definition = version.parsed
    module = definition.module(module_code)
    if module.mode == "rolling":
        pattern = definition.patterns[pattern_code]
        sessions = plan_rolling(
            pattern=pattern,
            start=start,
            weeks=ROLLING_WEEKS_AHEAD,
            blocked=area_blocked_days(centre.area),
        )
        first = sessions[0]
        return sessions, first.reason if first.moved_from == start else None
    timetable = preview_timetable(
        definition=definition,
        module_code=module_code,
        pattern_code=pattern_code,
        start=start,
        area=centre.area,
        weekday=weekday,
    )
    return list(timetable.sessions), timetable.start_reason


def create_group(  # noqa: PLR0913  (a group has this many parts)
    *,
    acting_user: User,
    version: ProgrammeVersion,
    module_code: str,
    pattern_code: str,
    name: str,
    centre: Office,
    room: Room | None,
    start: datetime.date,
    weekday: int,
    facilitators: list[User],
) -> Group:
    """Create a group with its whole timetable, or refuse with the clash or fault named."""
    if centre.area_id != acting_user.area_pk or not centre.is_group_centre:
        raise ValidationError({"centre": "Choose a group centre in your area."})
    if room is not None and room.centre_id != centre.pk:
        raise ValidationError({"room": f"{room} is not at {centre}."})
    _check_facilitators(version, centre, facilitators)
    planned, _ = plan_group_sessions(
        version=version,
        module_code=module_code,
        pattern_code=pattern_code,
        centre=centre,
        start=start,
        weekday=weekday,
    )
    module = version.parsed.module(module_code)
    with transaction.atomic():
        clashes = find_clashes(
            slots=[Slot(s.date, s.starts, s.ends) for s in planned],
            facilitators=facilitators,
            room=room,
        )
        if clashes:
            raise ValidationError(clashes)
        group = Group.objects.create(
            area_id=centre.area_id,
            programme=version.programme,
            version=version,
            module=module_code,
            kind=GroupKind.ROLLING if module.mode == "rolling" else GroupKind.CLOSED,
            pattern=pattern_code,
            weekday=weekday,
            name=name,
            centre=centre,
            room=room,
            start_date=planned[0].date,
        )
        group.facilitators.set(facilitators)
        _create_sessions(group, planned, facilitators)
        record_event(
            acting_user=acting_user,
            action=Action.GROUP_CREATED,
            subject=group,
            new_values={
                "name": name,
                "programme": f"{version.programme.code} v{version.number}",
                "module": module_code,
                "pattern": pattern_code,
                "start": planned[0].date.isoformat(),
                "sessions": len(planned),
            },
        )
    return group


def _create_sessions(group: Group, planned: list[PlannedSession], staff: list[User]) -> None:
    sessions = Session.objects.bulk_create(
        Session(
            group=group,
            number=item.number,
            kind=item.kind,
            date=item.date,
            starts=item.starts,
            ends=item.ends,
            room=group.room,
            moved_from=item.moved_from,
            move_reason=item.reason or "",
        )
        for item in planned
    )
    SessionFacilitator.objects.bulk_create(
        SessionFacilitator(session=session, facilitator=person)
        for session in sessions
        for person in staff
    )


def add_member(*, acting_user: User, group: Group, referral: Referral) -> Membership:
    """Give a man a place, refusing beyond the programme's maximum group size."""
    with transaction.atomic():
        group = Group.objects.select_for_update().select_related("version").get(pk=group.pk)
        maximum = group.definition.group_size_maximum
        members = group.memberships.current().count()
        if members >= maximum:
            raise ValidationError(
                f"{group.name} is full: it has {members} men, the most "
                f"{group.definition.name} allows in a group."
            )
        if referral.participant.area_id != group.area_id:
            raise ValidationError("He is not in this group's area.")
        if referral.status_id not in JOINABLE_STATUSES:
            raise ValidationError(
                f"A referral that is {referral.status.name.lower()} cannot join a group."
            )
        if Membership.objects.current().filter(referral=referral).exists():
            raise ValidationError("He already has a place in a group.")
        _check_keep_apart(group, referral)
        joined_on, first_session, last_session = _joining_point(group, referral)
        membership = Membership.objects.create(
            group=group,
            referral=referral,
            joined_on=joined_on,
            first_session=first_session,
            last_session=last_session,
        )
        record_event(
            acting_user=acting_user,
            action=Action.GROUP_MEMBER_ADDED,
            subject=membership,
            participant=referral.participant,
            new_values={
                "group": group.name,
                "joined_on": membership.joined_on.isoformat(),
                "last_session": last_session,
            },
        )
    return membership


def move_to_rolling_group(*, acting_user: User, group: Group, referral: Referral) -> Membership:
    """A man who has finished his closed group leaves it on its last session and takes a
    place in a rolling group from its next join point."""
    if group.kind != GroupKind.ROLLING:
        raise ValidationError(f"{group.name} is not a rolling group.")
    with transaction.atomic():
        current = (
            Membership.objects.current()
            .select_for_update()
            .select_related("group")
            .filter(referral=referral, group__kind=GroupKind.CLOSED)
            .first()
        )
        if current is not None:
            last = current.group.sessions.filter(status=SessionStatus.SCHEDULED).order_by("-date")
            last_date = last.values_list("date", flat=True).first()
            if last_date is None or last_date >= timezone.localdate():
                raise ValidationError("He has not finished his closed group yet.")
            current.left_on = last_date
            current.save(update_fields=["left_on"])
            record_event(
                acting_user=acting_user,
                action=Action.GROUP_MEMBER_LEFT,
                subject=current,
                participant=referral.participant,
                new_values={"group": current.group.name, "left_on": last_date.isoformat()},
            )
        return add_member(acting_user=acting_user, group=group, referral=referral)


def _check_keep_apart(group: Group, referral: Referral) -> None:
    from groupwork.allocation.models import KeepApart  # noqa: PLC0415  (apps import each other)

    members = group.memberships.current().values("referral__participant_id")
    man = referral.participant_id
    pair = KeepApart.objects.filter(
        Q(first_id=man, second_id__in=members) | Q(second_id=man, first_id__in=members)
    ).first()
    if pair is not None:
        raise ValidationError(f"He must be kept apart from a man in this group: {pair.reason}.")


def _joining_point(
    group: Group, referral: Referral
) -> tuple[datetime.date, int | None, int | None]:
    """When he joins: a closed group's start; for a rolling group, its next session at a join
    point, with the session he leaves after once his pathway's meetings are done."""
    if group.kind == GroupKind.CLOSED:
        return group.start_date, None, None
    module = group.module_definition
    meetings = module.meetings[group.pattern]
    upcoming = group.sessions.filter(
        status=SessionStatus.SCHEDULED, date__gte=timezone.localdate()
    ).order_by("number")
    for session in upcoming:
        if (session.number - 1) % meetings + 1 in module.join_points:
            needed = _meetings_needed(group, referral, meetings)
            return session.date, session.number, session.number + needed - 1
    raise ValidationError("The group has no join point in its timetable yet.")


def _meetings_needed(group: Group, referral: Referral, meetings: int) -> int:
    """The meetings of this module his pathway needs; all of them until he has a pathway."""
    for pathway in group.definition.pathways:
        if pathway.code == referral.pathway:
            for part in pathway.modules:
                if part.module == group.module:
                    return meetings if part.sessions == "all" else part.sessions
    return meetings


def extend_rolling_timetable(group: Group, *, weeks_ahead: int = ROLLING_WEEKS_AHEAD) -> int:
    """Add sessions so a rolling group is timetabled `weeks_ahead` weeks past today.
    Returns how many were added; running it again adds none."""
    if group.kind != GroupKind.ROLLING:
        return 0
    horizon = timezone.localdate() + datetime.timedelta(weeks=weeks_ahead)
    with transaction.atomic():
        group = Group.objects.select_for_update().select_related("centre__area").get(pk=group.pk)
        last = group.sessions.filter(status=SessionStatus.SCHEDULED).order_by("-number").first()
        if last is None or last.date >= horizon:
            return 0
        pattern = group.pattern_definition
        after_last = area_blocked_days(group.centre.area)

        def blocked(day: datetime.date) -> str | None:
            return "already timetabled" if day <= last.date else after_last(day)

        weeks = (horizon - last.date).days // 7
        planned = [
            item
            for item in place_weekly(
                count=weeks * len(pattern.weekday_offsets),
                first=_first_weekly_slot(group),
                pattern=pattern,
                blocked=blocked,
                first_number=last.number + 1,
            )
            if item.date <= horizon
        ]
        planned = [
            PlannedSession(
                number=item.number,
                date=item.date,
                starts=item.starts,
                ends=item.ends,
                kind="weekly",
                moved_from=item.moved_from
                if item.moved_from and item.moved_from > last.date
                else None,
                reason=item.reason if item.moved_from and item.moved_from > last.date else None,
            )
            for item in planned
        ]
        _create_sessions(group, planned, list(group.facilitators.all()))
    return len(planned)


def cancel_session(*, acting_user: User, session: Session, reason: str) -> Session:
    """Cancel a weekly session: its meeting moves to the next clear slot and every later one
    follows, keeping the cadence. Returns the meeting's new session."""
    with transaction.atomic():
        group = (
            Group.objects.select_for_update()
            .select_related("centre__area")
            .get(pk=session.group_id)
        )
        session = Session.objects.select_for_update().get(pk=session.pk, group=group)
        if session.is_cancelled:
            raise ValidationError("This session is already cancelled.")
        if session.kind != "weekly":
            raise ValidationError("A block-week session cannot be cancelled: move it instead.")
        later = list(
            group.sessions.select_for_update()
            .filter(status=SessionStatus.SCHEDULED, number__gt=session.number)
            .order_by("number")
        )
        if any(s.register_taken_at for s in [session, *later]):
            raise ValidationError("A session with a register taken cannot be moved.")
        replanned = _replan_after(group, session, count=len(later) + 1, reason=reason)
        staff = list(session.facilitators.all())
        clashes = find_clashes(
            slots=[Slot(s.date, s.starts, s.ends) for s in replanned],
            facilitators=staff,
            room=session.room,
            ignore_sessions=[s.pk for s in later],
        )
        if clashes:
            raise ValidationError(clashes)
        session.status = SessionStatus.CANCELLED
        session.cancel_reason = reason
        session.save(update_fields=["status", "cancel_reason"])
        replacement = Session.objects.create(
            group=group,
            number=session.number,
            kind=session.kind,
            date=replanned[0].date,
            starts=session.starts,
            ends=session.ends,
            room=session.room,
            moved_from=session.date,
            move_reason=replanned[0].reason or "",
        )
        SessionFacilitator.objects.bulk_create(
            SessionFacilitator(session=replacement, facilitator=person) for person in staff
        )
        for moved, plan in zip(later, replanned[1:], strict=True):
            if moved.date != plan.date:
                moved.moved_from, moved.date = moved.date, plan.date
                moved.move_reason = plan.reason or f"Follows session {session.number}, moved"
                moved.save(update_fields=["date", "moved_from", "move_reason"])
        record_event(
            acting_user=acting_user,
            action=Action.SESSION_CANCELLED,
            subject=session,
            old_values={"date": session.date.isoformat()},
            new_values={"date": replacement.date.isoformat(), "later_sessions_moved": len(later)},
            detail={"reason": reason},
        )
    return replacement


def _replan_after(
    group: Group, cancelled: Session, *, count: int, reason: str
) -> list[PlannedSession]:
    pattern = group.pattern_definition
    blocked_by_area = area_blocked_days(group.centre.area)
    why_cancelled = f"Session on {cancelled.date:%-d %B %Y} cancelled: {reason}"

    def blocked(day: datetime.date) -> str | None:
        # Slots up to the cancelled one are spent; the meeting goes to the next clear slot.
        return why_cancelled if day <= cancelled.date else blocked_by_area(day)

    planned = place_weekly(
        count=count, first=_first_weekly_slot(group), pattern=pattern, blocked=blocked
    )
    first = planned[0]
    planned[0] = PlannedSession(
        number=cancelled.number,
        date=first.date,
        starts=first.starts,
        ends=first.ends,
        kind="weekly",
        moved_from=cancelled.date,
        reason=why_cancelled,
    )
    return planned


def _first_weekly_slot(group: Group) -> datetime.date:
    """The date the group's weekly slots count from: its first weekly session as planned."""
    first = (
        group.sessions.filter(kind="weekly")
        .order_by("number", "id")
        .values_list("moved_from", "date")[0]
    )
    return first[0] or first[1]


def reschedule_session(
    *,
    acting_user: User,
    session: Session,
    date: datetime.date,
    starts: datetime.time,
    ends: datetime.time,
    room: Room | None,
    reason: str,
) -> Session:
    """Move one session to another day or time, checking holidays, weekends and clashes."""
    if starts >= ends:
        raise ValidationError({"ends": "The session must end after it starts."})
    with transaction.atomic():
        session = (
            Session.objects.select_for_update()
            .select_related("group__centre__area")
            .get(pk=session.pk)
        )
        if session.is_cancelled:
            raise ValidationError("A cancelled session cannot be moved.")
        if session.register_taken_at:
            raise ValidationError("A session with a register taken cannot be moved.")
        closed = area_blocked_days(session.group.centre.area)(date)
        if closed:
            raise ValidationError({"date": f"No sessions on {date:%-d %B %Y}: {closed}."})
        if is_weekend(date) and not session.group.pattern_definition.allow_weekends:
            raise ValidationError({"date": "This group does not meet at weekends."})
        if room is not None and room.centre_id != session.group.centre_id:
            raise ValidationError({"room": f"{room} is not at {session.group.centre}."})
        clashes = find_clashes(
            slots=[Slot(date, starts, ends)],
            facilitators=session.facilitators.all(),
            room=room,
            ignore_sessions=[session.pk],
        )
        if clashes:
            raise ValidationError(clashes)
        old = {"date": session.date.isoformat(), "starts": f"{session.starts:%H:%M}"}
        session.moved_from = session.date
        session.date, session.starts, session.ends, session.room = date, starts, ends, room
        session.move_reason = reason
        session.save(update_fields=["date", "starts", "ends", "room", "moved_from", "move_reason"])
        record_event(
            acting_user=acting_user,
            action=Action.SESSION_RESCHEDULED,
            subject=session,
            old_values=old,
            new_values={"date": date.isoformat(), "starts": f"{starts:%H:%M}"},
            detail={"reason": reason},
        )
    return session


def cover_facilitator(
    *, acting_user: User, session: Session, replaced: User, cover: User
) -> Session:
    """Put a cover facilitator in one session in place of one of its facilitators."""
    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("group").get(pk=session.pk)
        if session.is_cancelled or session.register_taken_at:
            raise ValidationError("This session can no longer change.")
        seats = {seat.facilitator_id: seat for seat in session.staffing.all()}
        if replaced.pk not in seats:
            raise ValidationError({"replaced": f"{replaced} is not in this session."})
        if cover.pk in seats:
            raise ValidationError({"cover": f"{cover} is already in this session."})
        if cover.role != Role.FACILITATOR or cover.area_id != session.group.area_id:
            raise ValidationError({"cover": f"{cover} is not a facilitator in this area."})
        clashes = find_clashes(
            slots=[Slot(session.date, session.starts, session.ends)],
            facilitators=[cover],
            room=None,
            ignore_sessions=[session.pk],
        )
        if clashes:
            raise ValidationError(clashes)
        seats[replaced.pk].delete()
        SessionFacilitator.objects.create(session=session, facilitator=cover, is_cover=True)
        record_event(
            acting_user=acting_user,
            action=Action.SESSION_STAFF_CHANGED,
            subject=session,
            old_values={"facilitator": replaced.username},
            new_values={"facilitator": cover.username, "cover": True},
        )
    return session


def feed_for(*, facilitator: User | None = None, group: Group | None = None) -> CalendarFeed:
    if facilitator is not None:
        feed, _ = CalendarFeed.objects.get_or_create(facilitator=facilitator)
    else:
        feed, _ = CalendarFeed.objects.get_or_create(group=group)
    return feed


def reset_feed(*, acting_user: User, feed: CalendarFeed) -> CalendarFeed:
    """Give the feed a new secret address; the old one stops working at once."""
    from groupwork.groups.models import new_feed_token  # noqa: PLC0415

    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
        feed.token = new_feed_token()
        feed.save(update_fields=["token"])
        record_event(acting_user=acting_user, action=Action.CALENDAR_FEED_RESET, subject=feed)
    return feed
