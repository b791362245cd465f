"""iCalendar feeds of sessions, for a facilitator's or a group's calendar app."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from groupwork.groups.models import Session

LONDON = ZoneInfo("Europe/London")


def session_calendar(name: str, sessions: Iterable[Session]) -> bytes:
    """A calendar of sessions. Cancelled sessions stay in it, marked cancelled, so a calendar
    app that already holds them removes them."""
    calendar = Calendar()
    calendar.add("prodid", "-//Groupwork//Sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for session in sessions:
        calendar.add_component(_event(session))
    feed: bytes = calendar.to_ical()
    return feed


def _event(session: Session) -> Event:
    event = Event()
    event.add("uid", f"session-{session.pk}@groupwork")
    event.add("summary", f"{session.group.name}: session {session.number}")
    event.add("dtstart", datetime.datetime.combine(session.date, session.starts, tzinfo=LONDON))
    event.add("dtend", datetime.datetime.combine(session.date, session.ends, tzinfo=LONDON))
    event.add("dtstamp", datetime.datetime.now(tz=datetime.UTC))
    place = f"{session.room}" if session.room else f"{session.group.centre}"
    event.add("location", place)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    return event
