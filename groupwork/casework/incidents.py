"""Incidents of disrespectful behaviour in a session: who may see them, recording one, telling
the managers, and counting them for reports."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from groupwork.attendance.services import members_at
from groupwork.audit.models import Action, AuditEvent
from groupwork.audit.services import build_event
from groupwork.casework.models import Incident, IncidentKind
from groupwork.core.working_days import add_working_days
from groupwork.groups.models import Group, Session, SessionStatus
from groupwork.groups.planning import area_closures
from groupwork.notifications.services import queue_for_staff
from groupwork.organisation.models import Role, User
from groupwork.participants.models import Participant
from groupwork.referrals.models import Referral
from groupwork.tasks.models import Task, TaskKind
from groupwork.tasks.services import close_tasks, raise_task

REVIEW_WORKING_DAYS = 5  # the manager reviews an incident within a working week
QUARTER_MONTHS = 3


def incidents_visible_to(user: User) -> QuerySet[Incident]:
    """Incidents of the user's area: a programme manager and the chief officer see them all, a
    manager those involving a man of their team, a facilitator those in their own groups."""
    if not user.is_authenticated or user.area_id is None:
        return Incident.objects.none()
    in_area = Incident.objects.filter(session__group__area_id=user.area_id)
    if user.role in {Role.PROGRAMME_MANAGER, Role.CHIEF_OFFICER}:
        return in_area
    if user.role == Role.MANAGER:
        theirs = Incident.men.through.objects.filter(
            incident_id=OuterRef("pk"), referral__in=Referral.objects.visible_to(user)
        )
        return in_area.filter(Exists(theirs))
    if user.role == Role.FACILITATOR:
        return in_area.filter(session__group__in=Group.objects.visible_to(user))
    return Incident.objects.none()


def quarter_start(day: datetime.date) -> datetime.date:
    """The first day of the quarter (January, April, July, October) the day falls in."""
    first_month = (day.month - 1) // QUARTER_MONTHS * QUARTER_MONTHS + 1
    return day.replace(month=first_month, day=1)


def counts_by_kind(
    incidents: QuerySet[Incident], since: datetime.date
) -> list[tuple[str, int, int]]:
    """(kind, count since the date, count of all time) for every kind, in one query. The date
    is the session's, when the behaviour happened."""
    totals = incidents.aggregate(
        **{
            f"{kind}_since": Count("pk", filter=Q(kind=kind, session__date__gte=since))
            for kind in IncidentKind.values
        },
        **{f"{kind}_all": Count("pk", filter=Q(kind=kind)) for kind in IncidentKind.values},
    )
    return [
        (label, totals[f"{kind}_since"], totals[f"{kind}_all"])
        for kind, label in IncidentKind.choices
    ]


def men_at(session: Session) -> QuerySet[Referral]:
    """The referrals of the men expected at the session, by name."""
    return (
        Referral.objects.filter(pk__in=members_at(session).values("referral_id"))
        .select_related("participant", "responsible_officer")
        .order_by("participant__last_name", "participant__first_name")
    )


def record_incident(  # noqa: PLR0913  (keyword-only: what happened, who, and what was done)
    *,
    acting_user: User,
    session: Session,
    kind: str,
    men: Sequence[Referral],
    description: str,
    how_challenged: str,
    follow_up: str = "",
) -> Incident:
    """Record the incident against the session and each man involved, raise a review task for
    each man's team manager and for the area's programme managers, and e-mail the latter."""
    expected = set(men_at(session).values_list("pk", flat=True))
    problems = []
    if session.status != SessionStatus.SCHEDULED:
        problems.append("This session was cancelled. Record the incident at another session.")
    if kind not in IncidentKind.values:
        problems.append("Select the kind of behaviour.")
    if not men:
        problems.append("Select the men involved.")
    if any(man.pk not in expected for man in men):
        problems.append("A man selected was not expected at this session.")
    if not description.strip():
        problems.append("Describe what happened.")
    if not how_challenged.strip():
        problems.append("Say how it was challenged.")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        incident = Incident.objects.create(
            session=session,
            kind=kind,
            description=description.strip(),
            how_challenged=how_challenged.strip(),
            follow_up=follow_up.strip(),
            recorded_by=acting_user,
        )
        incident.men.set(men)
        AuditEvent.objects.bulk_create(
            [
                build_event(
                    acting_user=acting_user,
                    action=Action.INCIDENT_RECORDED,
                    subject=incident,
                    participant=man.participant,
                    new_values={"kind": kind, "session": session.pk, "men": len(men)},
                )
                for man in men
            ]
        )
        _tell_managers(acting_user=acting_user, incident=incident, men=men)
    return incident


def _tell_managers(*, acting_user: User, incident: Incident, men: Sequence[Referral]) -> None:
    session = incident.session
    group = Group.objects.select_related("area").get(pk=session.group_id)
    due_on = add_working_days(timezone.localdate(), REVIEW_WORKING_DAYS, area_closures(group.area))
    what = (
        f"{incident.get_kind_display()} at {group.name}, session {session.number} on "
        f"{session.date:%-d %B %Y}"
    )
    team_ids = {man.responsible_officer.team_id for man in men} - {None}
    team_managers: dict[int, User] = {}
    for manager in User.objects.filter(
        role=Role.MANAGER, is_active=True, area_id=group.area_id, team_id__in=team_ids
    ).order_by("last_name", "first_name", "pk"):
        team_managers.setdefault(manager.team_id or 0, manager)
    for man in men:
        team_manager = team_managers.get(man.responsible_officer.team_id or 0)
        if team_manager is None:
            continue
        raise_task(
            acting_user=acting_user,
            kind=TaskKind.INCIDENT_REVIEW,
            key=f"incident-{incident.pk}-{man.pk}",
            referral=man,
            assigned_to=team_manager,
            due_on=due_on,
            summary=f"Review the incident involving {man.participant.full_name}: {what}.",
        )
    programme_managers = User.objects.filter(
        role=Role.PROGRAMME_MANAGER, is_active=True, area_id=group.area_id
    )
    involved = "1 man" if len(men) == 1 else f"{len(men)} men"
    for programme_manager in programme_managers:
        raise_task(
            acting_user=acting_user,
            kind=TaskKind.INCIDENT_REVIEW,
            key=f"incident-{incident.pk}-pm-{programme_manager.pk}",
            referral=men[0],
            assigned_to=programme_manager,
            due_on=due_on,
            summary=f"Review the incident involving {involved}: {what}.",
        )
        queue_for_staff(
            user=programme_manager,
            kind="incident",
            key=f"incident-{incident.pk}",
            subject="An incident was recorded",
            body=(
                f"An incident of {incident.get_kind_display().lower()} was recorded at "
                f"{group.name}, session {session.number} on {session.date:%A %-d %B %Y}. "
                f"It involved {involved}. Please read it in Groupwork, under Incidents, "
                f"by {due_on:%-d %B %Y}."
            ),
        )


def open_review_tasks(user: User, incident: Incident) -> QuerySet[Task]:
    """The user's open tasks to review this incident."""
    return Task.objects.open().filter(
        kind=TaskKind.INCIDENT_REVIEW,
        assigned_to=user,
        key__startswith=f"incident-{incident.pk}-",
    )


def review_incident(*, acting_user: User, incident: Incident) -> int:
    """Close the user's tasks to review the incident, once they have read it and acted.
    Returns how many were closed."""
    with transaction.atomic():
        keys = list(open_review_tasks(acting_user, incident).values_list("key", flat=True))
        return sum(
            close_tasks(acting_user=acting_user, kind=TaskKind.INCIDENT_REVIEW, key=key)
            for key in keys
        )


def men_shown(incident: Incident, user: User) -> tuple[list[Referral], int]:
    """The men involved whom the user may see, and how many others there were."""
    everyone = list(incident.men.select_related("participant").order_by("participant__last_name"))
    visible = set(
        Participant.objects.visible_to(user)
        .filter(pk__in=[man.participant_id for man in everyone])
        .values_list("pk", flat=True)
    )
    shown = [man for man in everyone if man.participant_id in visible]
    return shown, len(everyone) - len(shown)


def audit_read(
    user: User, subject: Incident | Session, participants: Sequence[Participant]
) -> None:
    """One entry per man the page shows, written in one query."""
    AuditEvent.objects.bulk_create(
        [
            build_event(
                acting_user=user,
                action=Action.PARTICIPANT_VIEWED,
                subject=subject,
                participant=participant,
            )
            for participant in participants
        ]
    )
