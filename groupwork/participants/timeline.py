"""A man's timeline: everything on his record, newest first, filterable by kind.

Two parts. `load_timeline` reads his record in one query per source (with its related rows
joined), so the number of queries is the same however long his record is. `build_timeline`
is pure: it turns what was read into events, each with a date, a kind, a line of text and,
where the viewer may open one, a link.

What the timeline leaves out on purpose:
- the register's note about a session as a whole: it may name other men;
- complaints that name the viewer, with their stages (staff a complaint names may not see
  its handling), and every complaint for roles that read none (casework.complaints);
- what a message said: only its kind and when it went;
- letters the letter view would refuse the viewer (`letters_shown_to`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone

from groupwork.assessment.models import Administration, PathwayDecision
from groupwork.attendance.models import Absence, Attendance, CatchUp, CatchUpStatus, Failure
from groupwork.casework.complaints import complaint_letters_hidden_from
from groupwork.casework.models import (
    ASSIGNMENTS_RULE,
    AssignmentMark,
    Complaint,
    Incident,
    OneToOne,
)
from groupwork.core.access import COMPLAINT_READERS, ENFORCEMENT_READERS
from groupwork.core.addresses import numbered_address
from groupwork.enforcement.models import EnforcementItem
from groupwork.groups.models import Group, Membership, Session
from groupwork.letters.models import Letter, LetterKind
from groupwork.letters.views import COURT_REPORTS
from groupwork.notifications.models import Message, MessageStatus
from groupwork.organisation.models import Role, User
from groupwork.participants.models import Participant
from groupwork.programmes.definition import ProgrammeDefinition
from groupwork.referrals.models import Referral

# When a group's definition has no text for the assignments rule.
ASSIGNMENTS_RULE_FALLBACK = "Do your assignments on time."


class EventKind(models.TextChoices):
    REFERRAL = "referral", "Referral and status"
    QUESTIONNAIRE = "questionnaire", "Questionnaires"
    PATHWAY = "pathway", "Pathway decisions"
    ALLOCATION = "allocation", "Places in groups"
    SESSION = "session", "Sessions"
    ABSENCE = "absence", "Absences"
    CATCH_UP = "catch_up", "Catch-ups"
    ENFORCEMENT = "enforcement", "Warnings and enforcement"
    ONE_TO_ONE = "one_to_one", "One-to-ones"
    ASSIGNMENT = "assignment", "Assignments"
    INCIDENT = "incident", "Incidents"
    COMPLAINT = "complaint", "Complaints"
    MESSAGE = "message", "Messages sent"
    LETTER = "letter", "Letters"


ALL_KINDS = frozenset(EventKind)
# The queries of the whole timeline, whatever the length of his record: the programmes'
# definitions (none on the record page, which has read them for his assessment), then one query
# per source (two for complaints and their stages, and two for marks and assignment marks, whose
# groups' programme versions are read apart: joined, each row brought the whole definition
# again, 12 KB a mark); referrals, status changes and letters come from the record page. A
# facilitator's reads no complaints and adds one query for the groups they run.
TIMELINE_QUERIES = 16


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime.datetime  # aware; a day without a time is midnight at its start
    kind: EventKind
    text: str
    detail: str = ""
    url: str = ""
    timed: bool = True  # False when only the day is known

    @property
    def kind_label(self) -> str:
        return self.kind.label


@dataclass
class TimelineFacts:
    """His record as read for the timeline: each list holds one source's rows, related rows
    loaded; a source left out by the filter stays empty."""

    referrals: Sequence[Referral] = ()  # status_changes prefetched with their statuses
    definitions: dict[int, ProgrammeDefinition] = field(default_factory=dict)  # by programme
    administrations: Sequence[Administration] = ()
    pathway_decisions: Sequence[PathwayDecision] = ()
    memberships: Sequence[Membership] = ()
    attendances: Sequence[Attendance] = ()
    absences: Sequence[Absence] = ()
    catch_ups: Sequence[CatchUp] = ()
    enforcement_items: Sequence[EnforcementItem] = ()
    one_to_ones: Sequence[OneToOne] = ()
    assignment_marks: Sequence[AssignmentMark] = ()
    incidents: Sequence[Incident] = ()
    complaints: Sequence[Complaint] = ()  # stages prefetched
    messages: Sequence[Message] = ()
    letters: Sequence[Letter] = ()
    # Groups whose pages the viewer may open; None when they may open every group of his.
    openable_groups: frozenset[int] | None = None


class Links:
    """Addresses of the pages a viewer may open: a page exists when its URL name is known,
    and the viewer may open it when their role is among its view's allowed roles."""

    def __init__(self, viewer: User, openable_groups: frozenset[int] | None = None) -> None:
        self.role = viewer.role
        self.openable_groups = openable_groups
        self._allowed: dict[str, bool] = {}
        # Pages addressed by numbers alone, by name and count: reversed once (None: no such
        # page). A man's timeline links to a register for each of his marks.
        self._numbered: dict[tuple[str, int], Callable[..., str] | None] = {}

    def url(self, name: str, *args: Any) -> str:
        if all(isinstance(arg, int) for arg in args):
            key = (name, len(args))
            if key not in self._numbered:
                self._numbered[key] = self._numbered_address(name, len(args))
            address = self._numbered[key]
            path = address(*args) if address is not None else ""
        else:
            try:
                path = reverse(name, args=args)
            except NoReverseMatch:  # no such page (yet)
                path = ""
        return path if path and self._may_open(name, path) else ""

    @staticmethod
    def _numbered_address(name: str, count: int) -> Callable[..., str] | None:
        try:
            return numbered_address(name, count)
        except NoReverseMatch:  # no such page (yet)
            return None

    def _may_open(self, name: str, path: str) -> bool:
        if name not in self._allowed:
            try:
                access = getattr(resolve(path).func, "access", None)
            except Resolver404:  # pragma: no cover  (reverse gave it, so it resolves)
                access = None
            self._allowed[name] = access is not None and self.role in access.roles
        return self._allowed[name]

    def group_url(self, name: str, group_id: int, *args: Any) -> str:
        """A page of one of his groups (`args` name it), when the viewer may open it."""
        if self.openable_groups is not None and group_id not in self.openable_groups:
            return ""
        return self.url(name, *args)


def _aware(day: datetime.date, time: datetime.time = datetime.time.min) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _day(day: datetime.date) -> dict[str, Any]:
    return {"at": _aware(day), "timed": False}


def _session_name(session: Session) -> str:
    return f"{session.group.name}, session {session.number}"


def _at_session(session: Session) -> datetime.datetime:
    return _aware(session.date, session.starts)


def _rule_texts(group: Group) -> dict[str, str]:
    return {rule["code"]: rule["text"] for rule in group.definition.group_rules}


def _referral_events(facts: TimelineFacts, links: Links) -> Iterable[TimelineEvent]:
    for referral in facts.referrals:
        yield TimelineEvent(
            at=referral.created_at,
            kind=EventKind.REFERRAL,
            text=f"Referred to the {referral.programme.name}",
            detail=(
                f"{referral.get_report_type_display()} of {referral.report_date:%-d %B %Y} "
                f"by {referral.report_author}"
            ),
        )
        for change in referral.status_changes.all():
            if change.from_status is None:  # the referral's first status: made above
                continue
            reason = change.reason.label if change.reason else ""
            yield TimelineEvent(
                at=change.changed_at,
                kind=EventKind.REFERRAL,
                text=f"Status changed from {change.from_status.name} to {change.to_status.name}",
                detail=": ".join(part for part in (reason, change.note) if part),
            )


def _questionnaire_events(facts: TimelineFacts, links: Links) -> Iterable[TimelineEvent]:
    occasions: dict[int, dict[str, str]] = {
        programme_id: {o["code"]: o["label"] for o in definition.raw["questionnaire_occasions"]}
        for programme_id, definition in facts.definitions.items()
    }
    programme_of = {referral.pk: referral.programme_id for referral in facts.referrals}
    for administration in facts.administrations:
        labels = occasions.get(programme_of.get(administration.referral_id, -1), {})
        occasion = labels.get(administration.occasion, administration.occasion)
        name = f"{administration.version.instrument.name} ({occasion.lower()})"
        url = links.url("questionnaire", administration.pk)
        yield TimelineEvent(
            at=administration.started_at,
            kind=EventKind.QUESTIONNAIRE,
            text=f"Questionnaire started: {name}",
            url=url,
        )
        if administration.is_completed and administration.completed_at is not None:
            yield TimelineEvent(
                at=administration.completed_at,
                kind=EventKind.QUESTIONNAIRE,
                text=f"Questionnaire completed: {name}",
                detail="With help" if administration.assistance else "",
                url=url,
            )


def _pathway_events(facts: TimelineFacts, links: Links) -> Iterable[TimelineEvent]:
    programme_of = {referral.pk: referral.programme_id for referral in facts.referrals}
    for decision in facts.pathway_decisions:
        definition = facts.definitions.get(programme_of.get(decision.referral_id, -1))
        label = decision.pathway
        if definition is not None:
            label = next((p.label for p in definition.pathways if p.code == label), label)
        yield TimelineEvent(
            at=decision.decided_at,
            kind=EventKind.PATHWAY,
            text=f"Pathway decided: {label}",
            detail=f"Changed from the proposal: {decision.reason}" if decision.overridden else "",
        )


def _allocation_events(facts: TimelineFacts, links: Links) -> Iterable[TimelineEvent]:
    for membership in facts.memberships:
        group = membership.group
        url = links.group_url("group-detail", group.pk, group.pk)
        yield TimelineEvent(
            **_day(membership.joined_on),
            kind=EventKind.ALLOCATION,
            text=f"Joined {group.name}",
            detail=f"At {group.centre.name}",
            url=url,
        )
        if membership.left_on is not None:
            yield TimelineEvent(
                **_day(membership.left_on),
                kind=EventKind.ALLOCATION,
                text=f"Left {group.name}",
                url=url,
            )


def _session_events(facts: TimelineFacts, links: Links) -> Iterable[TimelineEvent]:
    failures = dict(Failure.choices)
    for attendance in facts.attendances:
        session = attendance.session
        rules = _rule_texts(session.group)
        details = [failures.get(code, code) for code in attendance.failures]
        details += [f"Rule broken: {rules.get(code, code)}" for code in attendance.rule_breaches]
        if attendance.note:
            details.append(attendance.note)  # his own note; never the register's note
        yield TimelineEvent(
            at=_at_session(session),
            kind=EventKind.SESSION,
            text=f"{_session_name(session)}: {attendance.get_outcome_display()}",
            detail="; ".join(details),
            url=links.group_url("session-register", session.group_id, session.group_id, session.pk),
        )


def _absence_events(facts: TimelineFacts, links: Links) -> Iterable[TimelineEvent]:
    for absence in facts.absences:
        yield TimelineEvent(
            at=_at_session(absence.session),
            kind=EventKind.ABSENCE,
            text=f"Absent from {_session_name(absence.session)}: {absence.get_reason_display()}",
            detail=absence.get_status_display(),
            url=links.url("absence-detail", absence.pk),
        )


def _catch_up_events(facts: TimelineFacts, links: Links) -> Iterable[TimelineEvent]:
    for catch_up in facts.catch_ups:
        missed = _session_name(catch_up.missed_session)
        url = links.url("catch-up", catch_up.pk)
        if catch_up.status == CatchUpStatus.DONE and catch_up.done_on is not None:
            when: dict[str, Any] = _day(catch_up.done_on)
            text = f"Catch-up done for {missed}"
        elif catch_up.status == CatchUpStatus.BOOKED and catch_up.booked_for is not None:
            when = {"at": catch_up.created_at}
            text = f"Catch-up for {missed} booked for {catch_up.booked_for:%-d %B %Y}"
        else:
            when = {"at": catch_up.created_at}
            text = f"Catch-up needed for {missed}"
        yield TimelineEvent(**when, kind=EventKind.CATCH_UP, text=text, url=url)


def _enforcement_events(facts: TimelineFacts, links: Links) -> Iterable[TimelineEvent]:
    for item in facts.enforcement_items:
        url = links.url("enforcement-item", item.pk)
        yield TimelineEvent(
            at=item.opened_at,
            kind=EventKind.ENFORCEMENT,
            text=f"Enforcement item opened: {item.failure}",
            detail=f"Advice: {item.get_advice_display()}",
            url=url,
        )
        if item.action_taken:
            when = (
                {"at": item.decided_at}
                if item.decided_at
                else _day(item.action_on or item.failure_date)
            )
            yield TimelineEvent(
                **when,
                kind=EventKind.ENFORCEMENT,
                text=item.get_action_taken_display(),
                detail=item.failure,
                url=url,
            )


def _one_to_one_events(facts: TimelineFacts, links: Links) -> Iterable[TimelineEvent]:
    for meeting in facts.one_to_ones:
        when = {"at": meeting.booked_for} if meeting.booked_for else _day(meeting.due_on)
        three_way = " (three-way)" if meeting.three_way else ""
        yield TimelineEvent(
            **when,
            kind=EventKind.ONE_TO_ONE,
            text=f"One-to-one{three_way}, {meeting.label}: {meeting.get_status_display()}",
            url=links.url("one-to-one", meeting.pk),
        )


def _assignment_events(facts: TimelineFacts, links: Links) -> Iterable[TimelineEvent]:
    for mark in facts.assignment_marks:
        assignment = mark.assignment
        detail = ""
        if mark.breaks_rule:
            rule = _rule_texts(assignment.session.group).get(
                ASSIGNMENTS_RULE, ASSIGNMENTS_RULE_FALLBACK
            )
            detail = f"Rule broken: {rule}"
        yield TimelineEvent(
            at=mark.marked_at,
            kind=EventKind.ASSIGNMENT,
            text=f"Assignment “{assignment.title}”: {mark.get_result_display()}",
            detail=detail,
            url=links.group_url("assignment", assignment.session.group_id, assignment.pk),
        )


def _incident_events(facts: TimelineFacts, links: Links) -> Iterable[TimelineEvent]:
    for incident in facts.incidents:
        yield TimelineEvent(
            at=_at_session(incident.session),
            kind=EventKind.INCIDENT,
            text=f"Incident: {incident.get_kind_display()} at {_session_name(incident.session)}",
            url=links.group_url("incident", incident.session.group_id, incident.pk),
        )


def _complaint_events(facts: TimelineFacts, links: Links) -> Iterable[TimelineEvent]:
    for complaint in facts.complaints:
        url = links.url("complaint", complaint.pk)
        yield TimelineEvent(
            **_day(complaint.received_on),
            kind=EventKind.COMPLAINT,
            text="Complaint received",
            detail=complaint.summary,
            url=url,
        )
        for stage in complaint.stages.all():
            if stage.number > 1:
                yield TimelineEvent(
                    **_day(stage.opened_on),
                    kind=EventKind.COMPLAINT,
                    text=f"Complaint escalated to stage {stage.number}",
                    url=url,
                )
            if stage.responded_on is not None:
                outcome = stage.get_outcome_display()
                yield TimelineEvent(
                    **_day(stage.responded_on),
                    kind=EventKind.COMPLAINT,
                    text=f"Complaint answered at stage {stage.number}"
                    + (f": {outcome.lower()}" if outcome else ""),
                    url=url,
                )


def _message_events(facts: TimelineFacts, links: Links) -> Iterable[TimelineEvent]:
    for message in facts.messages:
        yield TimelineEvent(
            at=message.sent_at or message.created_at,
            kind=EventKind.MESSAGE,
            text=f"{message.get_channel_display()} sent: {message.kind.replace('_', ' ')}",
        )


def _letter_events(facts: TimelineFacts, links: Links) -> Iterable[TimelineEvent]:
    for letter in facts.letters:
        yield TimelineEvent(
            at=letter.created_at,
            kind=EventKind.LETTER,
            text=f"Letter: {letter.get_kind_display()}",
            url=links.url("letter", letter.pk),
        )


BUILDERS: dict[EventKind, Callable[[TimelineFacts, Links], Iterable[TimelineEvent]]] = {
    EventKind.REFERRAL: _referral_events,
    EventKind.QUESTIONNAIRE: _questionnaire_events,
    EventKind.PATHWAY: _pathway_events,
    EventKind.ALLOCATION: _allocation_events,
    EventKind.SESSION: _session_events,
    EventKind.ABSENCE: _absence_events,
    EventKind.CATCH_UP: _catch_up_events,
    EventKind.ENFORCEMENT: _enforcement_events,
    EventKind.ONE_TO_ONE: _one_to_one_events,
    EventKind.ASSIGNMENT: _assignment_events,
    EventKind.INCIDENT: _incident_events,
    EventKind.COMPLAINT: _complaint_events,
    EventKind.MESSAGE: _message_events,
    EventKind.LETTER: _letter_events,
}
ORDER = {kind: position for position, kind in enumerate(EventKind)}


def build_timeline(
    facts: TimelineFacts, links: Links, kinds: Collection[EventKind] = ALL_KINDS
) -> list[TimelineEvent]:
    """The events of the wanted kinds, newest first (on the same moment, in the order of
    `EventKind`)."""
    events = [
        event for kind in EventKind if kind in kinds for event in BUILDERS[kind](facts, links)
    ]
    events.sort(key=lambda event: (-event.at.timestamp(), ORDER[event.kind]))
    return events


def letters_shown_to(viewer: User, participant: Participant) -> QuerySet[Letter]:
    """His letters, less those the letter view would refuse the viewer: reports for the court
    or a recall and answers to complaints, to a facilitator; and answers to complaints that
    name the viewer."""
    letters = Letter.objects.filter(referral__participant=participant)
    if viewer.role == Role.FACILITATOR:
        letters = letters.exclude(kind__in=(*COURT_REPORTS, LetterKind.COMPLAINT_RESPONSE))
    return letters.exclude(pk__in=complaint_letters_hidden_from(viewer))


def _definitions(referrals: Sequence[Referral]) -> dict[int, ProgrammeDefinition]:
    """The current definition of each programme he was referred to, one query a programme
    (none where his record has read it already)."""
    programmes = {referral.programme_id: referral.programme for referral in referrals}
    return {
        programme_id: programme.current_version().parsed
        for programme_id, programme in programmes.items()
    }


def load_timeline(  # noqa: C901, PLR0912  (one plain branch per source)
    participant: Participant,
    *,
    viewer: User,
    referrals: Sequence[Referral],
    letters: Sequence[Letter],
    kinds: Collection[EventKind] = ALL_KINDS,
) -> TimelineFacts:
    """His record for the timeline, one query for each source wanted (two for complaints and
    their stages, one for the programmes' definitions, and for a facilitator one for the groups
    they run). `referrals` come with their programme and their status changes prefetched, and
    `letters` are his letters: the record page has both already."""
    facts = TimelineFacts(referrals=list(referrals))
    mine = {"referral__participant": participant}
    kinds = frozenset(kinds)
    if kinds & {EventKind.QUESTIONNAIRE, EventKind.PATHWAY}:
        facts.definitions = _definitions(facts.referrals)
    if EventKind.QUESTIONNAIRE in kinds:
        facts.administrations = list(
            Administration.objects.filter(**mine).select_related("version__instrument")
        )
    if EventKind.PATHWAY in kinds:
        facts.pathway_decisions = list(PathwayDecision.objects.filter(**mine))
    if EventKind.ALLOCATION in kinds:
        facts.memberships = list(Membership.objects.filter(**mine).select_related("group__centre"))
    if EventKind.SESSION in kinds:
        facts.attendances = list(
            Attendance.objects.filter(**mine)
            .select_related("session__group")
            .prefetch_related("session__group__version")
        )
    if EventKind.ABSENCE in kinds:
        facts.absences = list(Absence.objects.filter(**mine).select_related("session__group"))
    if EventKind.CATCH_UP in kinds:
        facts.catch_ups = list(
            CatchUp.objects.filter(**mine).select_related("missed_session__group")
        )
    # Enforcement (warnings, breach, recall) is for staff who may read it, never facilitators.
    if EventKind.ENFORCEMENT in kinds and viewer.role in ENFORCEMENT_READERS:
        facts.enforcement_items = list(EnforcementItem.objects.filter(**mine))
    if EventKind.ONE_TO_ONE in kinds:
        facts.one_to_ones = list(OneToOne.objects.filter(**mine))
    if EventKind.ASSIGNMENT in kinds:
        facts.assignment_marks = list(
            AssignmentMark.objects.filter(**mine)
            .select_related("assignment__session__group")
            .prefetch_related("assignment__session__group__version")
        )
    if EventKind.INCIDENT in kinds:
        facts.incidents = list(
            Incident.objects.filter(men__participant=participant)
            .select_related("session__group")
            .distinct()
        )
    if EventKind.COMPLAINT in kinds and viewer.role in COMPLAINT_READERS:
        facts.complaints = list(
            Complaint.objects.filter(**mine).exclude(named_staff=viewer).prefetch_related("stages")
        )
    if EventKind.MESSAGE in kinds:
        facts.messages = list(
            Message.objects.filter(participant=participant, status=MessageStatus.SENT).only(
                "channel", "kind", "sent_at", "created_at"
            )
        )
    if EventKind.LETTER in kinds:
        facts.letters = list(letters)
    group_kinds = {
        EventKind.ALLOCATION,
        EventKind.SESSION,
        EventKind.ASSIGNMENT,
        EventKind.INCIDENT,
    }
    if viewer.role == Role.FACILITATOR and kinds & group_kinds:
        facts.openable_groups = frozenset(
            Group.objects.visible_to(viewer).values_list("pk", flat=True)
        )
    return facts
