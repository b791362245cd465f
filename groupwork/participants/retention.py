"""Retention: deleting a closed case's personal records once its area's policy says so.

The policy, per area (`Area.retention_years_after_closure`, default 7 years; edited in the
Django admin): a man's records are deleted when every referral of his is closed and the last
of their closings (each referral's last status change) is more than that many years ago. A
man with any open referral is kept whole, however old his other referrals.

For each such man, `apply_retention`:
- deletes his records in the order their foreign keys allow (`KINDS`): tasks, enforcement
  items, complaints, letters, casework, attendance, group places, assessments, status
  history, messages, keep-apart records, then his referrals;
- takes him off incidents he shared with other men (an incident that was his alone is
  deleted) and removes his names from what stays: those incidents' words, the register notes
  of his sessions, and allocation proposals that listed him;
- deletes his own row, unless the audit log refers to it. The audit log is append-only (a
  trigger refuses UPDATE and DELETE, see `groupwork/audit/append_only.py`) and must stay
  whole for `Area.audit_retention_years`, so the row is then kept empty, holding only his
  area and case reference (`Participant.objects.visible_to` leaves such rows out);
- writes one RETENTION_APPLIED audit entry, with his case reference and the counts only.

Audit events older than the area's `audit_retention_years` (default 10) are counted in the
report, not deleted: the application cannot delete from the log, by design. A database
administrator removes them with the table owner's role (docs/security.md, "Retention").

Running it again deletes nothing more: a man already dealt with has no referral left.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from groupwork.allocation.models import AllocationRun, KeepApart
from groupwork.assessment.models import Administration, PathwayDecision, RiskScore
from groupwork.attendance.models import Absence, Attendance, CatchUp, Register
from groupwork.audit.models import Action, AuditEvent
from groupwork.audit.services import build_event
from groupwork.casework.models import (
    AssignmentMark,
    Complaint,
    Incident,
    OneToOne,
    RulesAgreement,
)
from groupwork.enforcement.models import EnforcementItem
from groupwork.groups.models import Membership
from groupwork.letters.models import Letter
from groupwork.notifications.models import Message
from groupwork.organisation.models import Area
from groupwork.participants.models import ERASED_DATE_OF_BIRTH, Participant
from groupwork.participants.subject_access import REMOVED, NameScrubber
from groupwork.referrals.models import Referral, StatusChange
from groupwork.tasks.models import Task

IncidentMen = Incident.men.through


@dataclass(frozen=True)
class Kind:
    """One kind of record of his, and the lookups from it to him."""

    label: str
    model: type[models.Model]
    to_him: tuple[str, ...]

    def of(self, men: Iterable[uuid.UUID]) -> models.QuerySet[models.Model]:
        ids = list(men)
        condition = Q()
        for lookup in self.to_him:
            condition |= Q(**{f"{lookup}__in": ids})
        return self.model._default_manager.filter(condition)


# In deletion order: each kind goes before the kinds it points at (PROTECT foreign keys).
# Answers and scale scores go with their questionnaire, complaint stages with their complaint.
KINDS: tuple[Kind, ...] = (
    Kind("tasks", Task, ("referral__participant",)),
    Kind("enforcement items", EnforcementItem, ("referral__participant",)),
    Kind("complaints", Complaint, ("referral__participant",)),
    Kind("letters", Letter, ("referral__participant",)),
    Kind("assignment marks", AssignmentMark, ("referral__participant",)),
    Kind("group rules agreements", RulesAgreement, ("referral__participant",)),
    Kind("one-to-ones", OneToOne, ("referral__participant",)),
    Kind("catch-ups", CatchUp, ("referral__participant",)),
    Kind("absences", Absence, ("referral__participant",)),
    Kind("attendance marks", Attendance, ("referral__participant",)),
    Kind("group places", Membership, ("referral__participant",)),
    Kind("questionnaires", Administration, ("referral__participant",)),
    Kind("risk scores", RiskScore, ("referral__participant",)),
    Kind("pathway decisions", PathwayDecision, ("referral__participant",)),
    Kind("incidents he was in", IncidentMen, ("referral__participant",)),
    Kind("status changes", StatusChange, ("referral__participant",)),
    Kind("messages", Message, ("participant",)),
    Kind("keep-apart records", KeepApart, ("first", "second")),
    Kind("referrals", Referral, ("participant",)),
)


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass
class ManPastRetention:
    participant_id: uuid.UUID
    case_reference: str
    closed_at: datetime.datetime
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class AreaPlan:
    area: Area
    cutoff: datetime.date  # cases closed before this day go
    audit_cutoff: datetime.date
    men: list[ManPastRetention]
    audit_events_past_retention: int


def plan_retention(today: datetime.date, areas: Iterable[Area]) -> list[AreaPlan]:
    """What the policy would delete in each area, counted by man and kind. Reads only."""
    plans = []
    for area in areas:
        cutoff = years_before(today, area.retention_years_after_closure)
        audit_cutoff = years_before(today, area.audit_retention_years)
        men = men_past_retention(area, cutoff)
        count_records(men)
        plans.append(
            AreaPlan(
                area=area,
                cutoff=cutoff,
                audit_cutoff=audit_cutoff,
                men=men,
                audit_events_past_retention=AuditEvent.objects.filter(
                    area=area, at__lt=start_of(audit_cutoff)
                ).count(),
            )
        )
    return plans


def men_past_retention(area: Area, cutoff: datetime.date) -> list[ManPastRetention]:
    """Men of the area with referrals, all closed, the last closing before the cutoff."""
    has_referral = Referral.objects.filter(participant=OuterRef("pk"))
    candidates = (
        Participant.objects.filter(area=area)
        .filter(Exists(has_referral))
        .exclude(Exists(has_referral.filter(status__is_closed=False)))
    )
    # A referral with no status history is dated by when it was made.
    closings = (
        Referral.objects.filter(participant__in=candidates)
        .annotate(closed_at=Coalesce(Max("status_changes__changed_at"), F("created_at")))
        .values_list("participant_id", "participant__case_reference", "closed_at")
    )
    last: dict[uuid.UUID, tuple[str, datetime.datetime]] = {}
    for participant_id, reference, closed_at in closings:
        if participant_id not in last or closed_at > last[participant_id][1]:
            last[participant_id] = (reference, closed_at)
    return sorted(
        (
            ManPastRetention(participant_id=pk, case_reference=reference, closed_at=closed_at)
            for pk, (reference, closed_at) in last.items()
            if closed_at < start_of(cutoff)
        ),
        key=lambda man: (man.closed_at, man.case_reference),
    )


def count_records(men: list[ManPastRetention]) -> None:
    """Fill in each man's counts: one query per kind and lookup, however many men."""
    by_id = {man.participant_id: man for man in men}
    for kind in KINDS:
        for lookup in kind.to_him:
            rows = (
                kind.model._default_manager.filter(**{f"{lookup}__in": list(by_id)})
                .values(lookup)
                .annotate(n=Count("pk"))
                .values_list(lookup, "n")
            )
            for participant_id, number in rows:
                counts = by_id[participant_id].counts
                counts[kind.label] = counts.get(kind.label, 0) + number


def apply_retention(today: datetime.date, areas: Iterable[Area]) -> list[AreaPlan]:
    """Delete what `plan_retention` finds, all in one transaction: either every man past
    retention is dealt with, or (on any error) nobody is."""
    with transaction.atomic():
        plans = plan_retention(today, areas)
        for plan in plans:
            deleted_referrals: set[str] = set()
            for man in plan.men:
                deleted_referrals |= delete_man(plan.area, man)
            remove_from_proposals(plan.area, deleted_referrals)
    return plans


def delete_man(area: Area, man: ManPastRetention) -> set[str]:
    """Delete one man's records; returns the ids of the referrals deleted."""
    participant = Participant.objects.select_for_update().get(pk=man.participant_id)
    referrals = {str(pk) for pk in participant.referrals.values_list("pk", flat=True)}
    scrubber = NameScrubber([participant.first_name, participant.last_name, participant.full_name])
    scrub_shared_records(participant, scrubber)
    incidents = set(
        IncidentMen.objects.filter(referral__participant=participant).values_list(
            "incident_id", flat=True
        )
    )
    for kind in KINDS:
        kind.of([participant.pk]).delete()
    # An incident that was his alone has nobody left in it.
    Incident.objects.filter(pk__in=incidents).exclude(
        Exists(IncidentMen.objects.filter(incident_id=OuterRef("pk")))
    ).delete()
    if AuditEvent.objects.filter(participant=participant).exists():
        erase(participant)
    else:
        participant.delete()
    event = build_event(
        acting_user=None,
        action=Action.RETENTION_APPLIED,
        detail={
            "case_reference": man.case_reference,
            "closed_at": man.closed_at.isoformat(),
            "deleted": man.counts,
        },
    )
    event.area = area  # the area's audit log shows it, although no user made it
    event.save()
    return referrals


def scrub_shared_records(participant: Participant, scrubber: NameScrubber) -> None:
    """His names out of records that stay because they are about other men too: the register
    notes of his sessions and the incidents he shared."""
    sessions = set(
        Attendance.objects.filter(referral__participant=participant).values_list(
            "session_id", flat=True
        )
    ) | set(
        Absence.objects.filter(referral__participant=participant).values_list(
            "session_id", flat=True
        )
    )
    for register in Register.objects.filter(session_id__in=sessions).exclude(note=""):
        if scrubber.names_in(register.note):
            register.note = scrubber.text(register.note)
            register.version += 1  # anyone saving an old copy is told it changed
            register.save(update_fields=["note", "version"])
    shared = Incident.objects.filter(men__participant=participant).distinct()
    for incident in shared:
        fields = ["description", "how_challenged", "follow_up"]
        before = [getattr(incident, name) for name in fields]
        for name in fields:
            setattr(incident, name, scrubber.text(getattr(incident, name)))
        if [getattr(incident, name) for name in fields] != before:
            incident.save(update_fields=fields)


def erase(participant: Participant) -> None:
    """Keep his row for the audit log's sake with nothing of him but his case reference."""
    participant.first_name = ""
    participant.last_name = ""
    participant.date_of_birth = ERASED_DATE_OF_BIRTH
    for name in [
        "phone",
        "email",
        "address",
        "postcode",
        "ethnicity",
        "religion",
        "disability",
        "interpreter_language",
        "disability_adjustments",
        "work_pattern",
    ]:
        setattr(participant, name, "")
    participant.consents_to_texts = participant.consents_to_email = False
    participant.needs_reading_writing_help = False
    participant.available_daytime = participant.available_evening = False
    participant.opted_out_on = None
    participant.save()
    participant.centres.clear()
    participant.restricted_to.clear()


def remove_from_proposals(area: Area, referral_ids: set[str]) -> None:
    """Allocation runs keep the names of the men they proposed: take out the deleted men's."""
    if not referral_ids:
        return
    for run in AllocationRun.objects.filter(area=area):
        entries = [*run.proposal.get("placements", []), *run.proposal.get("unplaced", [])]
        named = [entry for entry in entries if entry.get("referral") in referral_ids]
        for entry in named:
            entry["name"] = REMOVED
        if named:
            run.save(update_fields=["proposal"])


def report_lines(plans: list[AreaPlan], *, applied: bool) -> list[str]:
    """What was (or would be) deleted, by case reference only: never a name."""
    lines = []
    for plan in plans:
        area = plan.area
        lines.append(
            f"{area.name}: a closed case is kept {area.retention_years_after_closure} years "
            f"(cases closed before {plan.cutoff:%-d %B %Y} go), the audit log "
            f"{area.audit_retention_years} years."
        )
        for man in plan.men:
            kinds = ", ".join(f"{label}: {n}" for label, n in man.counts.items() if n)
            lines.append(f"  {man.case_reference} (closed {man.closed_at:%-d %B %Y}): {kinds}")
        verb = "Deleted" if applied else "Would delete"
        men = "1 man" if len(plan.men) == 1 else f"{len(plan.men)} men"
        lines.append(f"  {verb} the records of {men}.")
        if plan.audit_events_past_retention:
            lines.append(
                f"  {plan.audit_events_past_retention} audit events from before "
                f"{plan.audit_cutoff:%-d %B %Y} are past the audit log's retention. They are "
                "not deleted here: the log is append-only (docs/security.md, Retention)."
            )
    if not applied and any(plan.men for plan in plans):
        lines.append("Nothing was deleted. Run again with --apply to delete these records.")
    return lines
