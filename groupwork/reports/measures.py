"""The measures programme managers and chief officers answer for, over a chosen period, centre
and programme. `gather` reads the database in a fixed number of queries, whatever the number
of referrals; everything after it is pure and works on the plain rows it returns.

Definitions (docs/reports.md says the same for readers of the report):

- The period runs from its first day to its last, both included. Times (when a referral was
  recorded, when a status changed) count on their day in UK time.
- Every count is over the whole area, restricted cases included: the queries here are limited
  by the user's area only, never by `visible_to`, and no man is named.
- Starts, completions and leavers are counted per referral. A man referred again after ending
  early, who starts again, has two referrals and so two starts; restarting a block within the
  same referral is not a new start.
- Centre. A session belongs to its group's centre: attendance marks, incidents and starts
  (the first session he attended) are counted at that centre. Records about the referral
  (referrals received, completions, leavers, enforcement without a session, complaints) are
  counted at the centre of his most recent group; a referral not yet placed in a group is in
  no centre's figures, only in "All centres".

The measures:

- Referrals received: referrals recorded in the period (`Referral.created_at`).
- Start: his first session of the programme with a mark of attended (complied or not). It
  falls in the period when that session's date does.
- Weeks from sentence to start: for each start in the period, the days from the sentence (or
  licence) start to the first session, divided by 7. The median is shown.
- Completion: the referral moved to "completed" in the period. Completed before the sentence
  ended: on or before `Referral.sentence_end`.
- Leavers (attrition): referrals moved to "ended early" or "withdrawn" in the period, with the
  reason given. Stage: the status he left from (withdrawn ones before starting, ended early
  ones on the programme). Module: the module of his most recent group ("Before any group" if
  he had none).
- Completion rate: completions out of the men who finished in the period, completed or ended
  early (withdrawals never started, so they are not in it).
- Attendance: register marks at sessions in the period. Attendance rate: marks of attended
  (complied or not) out of every mark but "cancelled by the service", which never counts
  against a man. Absences: marks of acceptable, unacceptable and still-pending absence.
- Enforcement within 10 working days: items whose failure fell in the period. In time when
  the action (the date it was taken, or failing that the day it was recorded) is on or before
  `must_act_by`, the tenth working day after the failure; late when after it, or when the
  item is still open and that day has passed; items still open and not yet due are left out
  of the share.
- Complaints answered on time: complaint stages opened in the period, each stage on its own;
  on time when `responded_on` is on or before `respond_by`, late when after it or when still
  unanswered after it; stages not yet due are left out of the share.
- Incidents: incidents recorded at sessions in the period.
"""

from __future__ import annotations

import datetime
import statistics
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import (
    Count,
    DateField,
    F,
    IntegerField,
    Min,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncDate

from groupwork.attendance.models import PRESENT_OUTCOMES, Attendance, Outcome
from groupwork.casework.models import ComplaintStage, Incident, IncidentKind
from groupwork.enforcement.models import ActionTaken, EnforcementItem
from groupwork.groups.models import Membership
from groupwork.programmes.models import ProgrammeVersion
from groupwork.referrals.models import Referral, ReferralStatus, StatusChange, StatusReason
from groupwork.reports.tables import Chart, Rate, Table, Value, Weeks

COMPLETED = "completed"
ENDED_EARLY = "ended_early"
WITHDRAWN = "withdrawn"
LEAVING = (ENDED_EARLY, WITHDRAWN)
BEFORE_ANY_GROUP = "Before any group"

IN_TIME = "In time"
LATE = "Late"
NOT_YET_DUE = "Open, not yet due"
TIMELINESS = (IN_TIME, LATE, NOT_YET_DUE)

# Weeks from sentence to start, in the bands the waiting-time table shows.
WAITING_BANDS: tuple[tuple[str, float], ...] = (
    ("Under 4 weeks", 4),
    ("4 to 8 weeks", 8),
    ("8 to 13 weeks", 13),
    ("13 to 26 weeks", 26),
    ("26 to 52 weeks", 52),
    ("52 weeks or more", float("inf")),
)
BEFORE_SENTENCE = "Started before the sentence date"

PERSON_FIELDS = ("date_of_birth", "ethnicity", "religion", "disability")

ModelT = TypeVar("ModelT", bound=Model)


@dataclass(frozen=True)
class Filters:
    area_id: int
    programme_id: int
    centre_id: int | None  # None: all centres
    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError("the period starts after it ends")

    def covers(self, day: datetime.date | None) -> bool:
        return day is not None and self.start <= day <= self.end


@dataclass(frozen=True)
class Person:
    """What the equality tables need of a man (self-declared; blank means not given)."""

    date_of_birth: datetime.date
    ethnicity: str
    religion: str
    disability: str


@dataclass(frozen=True)
class Start:
    referral_id: uuid.UUID
    started_on: datetime.date
    sentence_start: datetime.date
    person: Person

    @property
    def weeks_from_sentence(self) -> float:
        return (self.started_on - self.sentence_start).days / 7


@dataclass(frozen=True)
class Closure:
    """A referral that closed in the period: completed, ended early or withdrawn."""

    referral_id: uuid.UUID
    status: str
    closed_on: datetime.date
    stage: str  # the status he left from
    reason: str  # the reason's label; blank for a completion
    module: str  # the module code of his most recent group; blank if none
    sentence_end: datetime.date
    person: Person


@dataclass(frozen=True)
class EnforcementRecord:
    referral_id: uuid.UUID
    failure_date: datetime.date
    must_act_by: datetime.date
    action: str  # blank while open
    acted_on: datetime.date | None
    person: Person


@dataclass(frozen=True)
class ComplaintStageRecord:
    number: int
    respond_by: datetime.date
    responded_on: datetime.date | None


@dataclass(frozen=True)
class ReportData:
    """Everything the measures need, as plain values."""

    filters: Filters
    referrals_received: int
    starts: tuple[Start, ...]
    closures: tuple[Closure, ...]
    marks: Mapping[str, int]  # attendance marks by outcome
    enforcement: tuple[EnforcementRecord, ...]
    complaint_stages: tuple[ComplaintStageRecord, ...]
    incidents: Mapping[str, int]  # by kind
    stages: tuple[tuple[str, str], ...]  # (code, name) of the statuses a man can leave from
    reasons: tuple[tuple[str, str], ...]  # (status code, label) of every leaving reason
    module_titles: Mapping[str, str]  # module code: title, in the programme's order


# Gathering: a fixed number of queries.


def latest_group(referral: str, field: str) -> Subquery:
    """A field of the referral's most recent group (by the day he joined)."""
    places = Membership.objects.filter(referral_id=OuterRef(referral)).order_by("-joined_on", "-pk")
    return Subquery(places.values(field)[:1])


def person_from(row: Mapping[str, Any], prefix: str) -> Person:
    return Person(**{name: row[f"{prefix}{name}"] for name in PERSON_FIELDS})


def person_values(prefix: str) -> list[str]:
    return [f"{prefix}{name}" for name in PERSON_FIELDS]


def gather(filters: Filters) -> ReportData:
    """Read the rows behind every measure: ten queries, however many referrals."""
    referrals = Referral.objects.filter(area_id=filters.area_id, programme_id=filters.programme_id)
    return ReportData(
        filters=filters,
        referrals_received=_referrals_received(referrals, filters),
        starts=_starts(referrals, filters),
        closures=_closures(filters),
        marks=_marks(filters),
        enforcement=_enforcement(filters),
        complaint_stages=_complaint_stages(filters),
        incidents=_incidents(filters),
        stages=tuple(ReferralStatus.objects.filter(is_closed=False).values_list("code", "name")),
        reasons=tuple(
            StatusReason.objects.filter(status_id__in=LEAVING)
            .order_by("status__position", "label")
            .values_list("status_id", "label")
        ),
        module_titles=_module_titles(filters.programme_id),
    )


def _in_centre(
    rows: QuerySet[ModelT], filters: Filters, centre: Subquery | Coalesce
) -> QuerySet[ModelT]:
    """Rows of the chosen centre, by `centre` (see the module's notes on which centre)."""
    if filters.centre_id is None:
        return rows
    chosen: QuerySet[ModelT] = rows.annotate(report_centre=centre)
    return chosen.filter(report_centre=filters.centre_id)


def _referrals_received(referrals: QuerySet[Referral], filters: Filters) -> int:
    received = referrals.filter(created_at__date__range=(filters.start, filters.end))
    return _in_centre(received, filters, latest_group("pk", "group__centre_id")).count()


def _starts(referrals: QuerySet[Referral], filters: Filters) -> tuple[Start, ...]:
    # His first day present as a MIN over his own attendance rows (the (referral, outcome)
    # index), not "ORDER BY date LIMIT 1", which PostgreSQL answers by walking every session
    # in date order; then the centre of that day's first session.
    attended = Attendance.objects.filter(referral_id=OuterRef("pk"), outcome__in=PRESENT_OUTCOMES)
    first_day = attended.order_by().values("referral_id").annotate(day=Min("session__date"))
    rows = referrals.annotate(
        started_on=Subquery(first_day.values("day"), output_field=DateField())
    ).filter(started_on__range=(filters.start, filters.end))
    if filters.centre_id is not None:
        first_session = attended.filter(session__date=OuterRef("started_on")).order_by(
            "session__starts", "pk"
        )
        rows = rows.annotate(
            start_centre=Subquery(first_session.values("session__group__centre_id")[:1])
        ).filter(start_centre=filters.centre_id)
    return tuple(
        Start(
            referral_id=row["pk"],
            started_on=row["started_on"],
            sentence_start=row["sentence_start"],
            person=person_from(row, "participant__"),
        )
        for row in rows.values(
            "pk", "started_on", "sentence_start", *person_values("participant__")
        ).order_by("started_on", "pk")
    )


def _closures(filters: Filters) -> tuple[Closure, ...]:
    changes = StatusChange.objects.filter(
        referral__area_id=filters.area_id,
        referral__programme_id=filters.programme_id,
        to_status_id__in=(COMPLETED, *LEAVING),
        changed_at__date__range=(filters.start, filters.end),
    ).annotate(
        closed_on=TruncDate("changed_at"),
        module=latest_group("referral_id", "group__module"),
    )
    changes = _in_centre(changes, filters, latest_group("referral_id", "group__centre_id"))
    prefix = "referral__participant__"
    return tuple(
        Closure(
            referral_id=row["referral_id"],
            status=row["to_status_id"],
            closed_on=row["closed_on"],
            stage=row["from_status_id"] or "",
            reason=row["reason__label"] or "",
            module=row["module"] or "",
            sentence_end=row["referral__sentence_end"],
            person=person_from(row, prefix),
        )
        for row in changes.values(
            "referral_id",
            "to_status_id",
            "from_status_id",
            "reason__label",
            "closed_on",
            "module",
            "referral__sentence_end",
            *person_values(prefix),
        ).order_by("changed_at", "pk")
    )


def _at_sessions(filters: Filters, session: str) -> Q:
    """Records at sessions of the area's groups of the programme, in the period and centre."""
    where = Q(
        **{
            f"{session}group__area_id": filters.area_id,
            f"{session}group__programme_id": filters.programme_id,
            f"{session}date__range": (filters.start, filters.end),
        }
    )
    if filters.centre_id is not None:
        where &= Q(**{f"{session}group__centre_id": filters.centre_id})
    return where


def _counted(rows: Iterable[Mapping[str, Any]], key: str) -> dict[str, int]:
    return {row[key]: row["n"] for row in rows}


def _incidents(filters: Filters) -> dict[str, int]:
    incidents = (
        Incident.objects.filter(_at_sessions(filters, "session__"))
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _counted(incidents, "kind")


def _marks(filters: Filters) -> dict[str, int]:
    marks = (
        Attendance.objects.filter(_at_sessions(filters, "session__"))
        .values("outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _counted(marks, "outcome")


def _enforcement(filters: Filters) -> tuple[EnforcementRecord, ...]:
    """Items whose failure or whose action falls in the period: timeliness goes by the
    failure, breaches in the equality tables by the action."""
    period = (filters.start, filters.end)
    items: QuerySet[EnforcementItem] = (
        EnforcementItem.objects.filter(
            referral__area_id=filters.area_id,
            referral__programme_id=filters.programme_id,
        )
        .filter(
            Q(failure_date__range=period)
            | Q(action_on__range=period)
            | Q(decided_at__date__range=period)
        )
        .annotate(acted=Coalesce(F("action_on"), TruncDate("decided_at")))
    )
    centre = Coalesce(
        F("attendance__session__group__centre_id"),
        latest_group("referral_id", "group__centre_id"),
        output_field=IntegerField(),
    )
    items = _in_centre(items, filters, centre)
    prefix = "referral__participant__"
    return tuple(
        EnforcementRecord(
            referral_id=row["referral_id"],
            failure_date=row["failure_date"],
            must_act_by=row["must_act_by"],
            action=row["action_taken"],
            acted_on=row["acted"],
            person=person_from(row, prefix),
        )
        for row in items.values(
            "referral_id",
            "failure_date",
            "must_act_by",
            "action_taken",
            "acted",
            *person_values(prefix),
        ).order_by("failure_date", "pk")
    )


def _complaint_stages(filters: Filters) -> tuple[ComplaintStageRecord, ...]:
    stages = ComplaintStage.objects.filter(
        complaint__referral__area_id=filters.area_id,
        complaint__referral__programme_id=filters.programme_id,
        opened_on__range=(filters.start, filters.end),
    )
    stages = _in_centre(stages, filters, latest_group("complaint__referral_id", "group__centre_id"))
    return tuple(
        ComplaintStageRecord(
            number=row["number"], respond_by=row["respond_by"], responded_on=row["responded_on"]
        )
        for row in stages.values("number", "respond_by", "responded_on").order_by("number", "pk")
    )


def _module_titles(programme_id: int) -> dict[str, str]:
    """Module titles from the programme's latest definition (groups on older versions keep
    their module codes, which the latest version still names)."""
    version = ProgrammeVersion.objects.filter(programme_id=programme_id).order_by("-number").first()
    if version is None:
        return {}
    return {module.code: module.title for module in version.parsed.modules}


# The measures: pure.


def completions(closures: Iterable[Closure]) -> list[Closure]:
    return [closure for closure in closures if closure.status == COMPLETED]


def leavers(closures: Iterable[Closure]) -> list[Closure]:
    return [closure for closure in closures if closure.status in LEAVING]


def completion_rate(closures: Iterable[Closure]) -> Rate:
    finished = [c for c in closures if c.status in (COMPLETED, ENDED_EARLY)]
    return Rate(len(completions(finished)), len(finished))


def completed_before_sentence_ended(closures: Iterable[Closure]) -> Rate:
    done = completions(closures)
    return Rate(sum(1 for c in done if c.closed_on <= c.sentence_end), len(done))


def median_weeks(starts: Iterable[Start]) -> Weeks | None:
    weeks = [start.weeks_from_sentence for start in starts]
    return Weeks(statistics.median(weeks)) if weeks else None


def waiting_band(weeks: float) -> str:
    if weeks < 0:
        return BEFORE_SENTENCE
    return next(label for label, below in WAITING_BANDS if weeks < below)


def attendance_rate(marks: Mapping[str, int]) -> Rate:
    present = sum(marks.get(outcome, 0) for outcome in PRESENT_OUTCOMES)
    counted = sum(n for outcome, n in marks.items() if outcome != Outcome.CANCELLED)
    return Rate(present, counted)


def timeliness(*, due: datetime.date, done_on: datetime.date | None, today: datetime.date) -> str:
    """In time, late, or open and not yet due, for an action with a deadline."""
    if done_on is not None:
        return IN_TIME if done_on <= due else LATE
    return LATE if due < today else NOT_YET_DUE


def on_time_share(verdicts: Iterable[str]) -> Rate:
    counted = Counter(verdicts)
    return Rate(counted[IN_TIME], counted[IN_TIME] + counted[LATE])


def enforcement_timeliness(
    records: Iterable[EnforcementRecord], filters: Filters, today: datetime.date
) -> list[str]:
    return [
        timeliness(due=record.must_act_by, done_on=record.acted_on, today=today)
        for record in records
        if filters.covers(record.failure_date)
    ]


def complaint_timeliness(stages: Iterable[ComplaintStageRecord], today: datetime.date) -> list[str]:
    return [
        timeliness(due=stage.respond_by, done_on=stage.responded_on, today=today)
        for stage in stages
    ]


def breached(records: Iterable[EnforcementRecord], filters: Filters) -> dict[uuid.UUID, Person]:
    """Referrals whose officer referred him for breach or asked for recall in the period."""
    return {
        record.referral_id: record.person
        for record in records
        if record.action in (ActionTaken.BREACH, ActionTaken.RECALL)
        and filters.covers(record.acted_on)
    }


# The tables the page shows and the downloads hold.


def measure_tables(data: ReportData, today: datetime.date) -> list[Table]:
    return [
        key_figures(data, today),
        flow_table(data),
        attrition_by_stage(data),
        attrition_by_module(data),
        attrition_by_reason(data),
        waiting_table(data),
        attendance_table(data),
        enforcement_table(data, today),
        enforcement_actions_table(data),
        complaints_table(data, today),
        incidents_table(data),
    ]


def key_figures(data: ReportData, today: datetime.date) -> Table:
    closures = data.closures
    before_end = completed_before_sentence_ended(closures)
    rows: list[tuple[Value, ...]] = [
        ("Referrals received", data.referrals_received),
        ("Starts", len(data.starts)),
        ("Completions", len(completions(closures))),
        ("Ended early", sum(1 for c in closures if c.status == ENDED_EARLY)),
        ("Withdrawn before starting", sum(1 for c in closures if c.status == WITHDRAWN)),
        ("Completion rate (completed out of completed or ended early)", completion_rate(closures)),
        ("Completions before the sentence ended", before_end.numerator),
        ("Share of completions before the sentence ended", before_end),
        ("Median weeks from sentence to start", median_weeks(data.starts)),
        ("Attendance rate", attendance_rate(data.marks)),
        ("Acceptable absences", data.marks.get(Outcome.ABSENT_ACCEPTABLE, 0)),
        ("Unacceptable absences", data.marks.get(Outcome.ABSENT_UNACCEPTABLE, 0)),
        ("Absences waiting for a decision", data.marks.get(Outcome.ABSENT_PENDING, 0)),
        (
            "Enforcement actions within 10 working days",
            on_time_share(enforcement_timeliness(data.enforcement, data.filters, today)),
        ),
        (
            "Complaint stages answered on time",
            on_time_share(complaint_timeliness(data.complaint_stages, today)),
        ),
        ("Incidents", sum(data.incidents.values())),
    ]
    return Table(
        key="key-figures",
        title="Key figures",
        columns=("Measure", "Value"),
        rows=tuple(rows),
        sheet_name="Key figures",
    )


def flow_table(data: ReportData) -> Table:
    return Table(
        key="flow",
        title="Referrals, starts and completions",
        columns=("Stage", "Referrals"),
        rows=(
            ("Referrals received", data.referrals_received),
            ("Starts", len(data.starts)),
            ("Completions", len(completions(data.closures))),
        ),
        sheet_name="Referrals starts completions",
        chart=Chart(value_column=1),
    )


def attrition_by_stage(data: ReportData) -> Table:
    by_stage = Counter((c.stage, c.status) for c in leavers(data.closures))
    rows = []
    for code, name in data.stages:
        withdrawn, ended = by_stage[(code, WITHDRAWN)], by_stage[(code, ENDED_EARLY)]
        rows.append((name, withdrawn, ended, withdrawn + ended))
    return Table(
        key="attrition-stage",
        title="Men who left, by the stage they left at",
        columns=("Stage", "Withdrawn", "Ended early", "Total"),
        rows=tuple(rows),
        sheet_name="Left by stage",
        chart=Chart(value_column=3),
    )


def attrition_by_module(data: ReportData) -> Table:
    left = leavers(data.closures)
    by_module = Counter(c.module for c in left)
    codes = ["", *data.module_titles, *sorted(set(by_module) - {""} - set(data.module_titles))]
    rows = tuple(
        (
            data.module_titles.get(code, code) if code else BEFORE_ANY_GROUP,
            sum(1 for c in left if c.module == code and c.status == WITHDRAWN),
            sum(1 for c in left if c.module == code and c.status == ENDED_EARLY),
            by_module[code],
        )
        for code in codes
    )
    return Table(
        key="attrition-module",
        title="Men who left, by the module of their most recent group",
        columns=("Module", "Withdrawn", "Ended early", "Total"),
        rows=rows,
        sheet_name="Left by module",
        chart=Chart(value_column=3),
    )


def attrition_by_reason(data: ReportData) -> Table:
    by_reason = Counter((c.status, c.reason) for c in leavers(data.closures))
    outcome_names = {ENDED_EARLY: "Ended early", WITHDRAWN: "Withdrawn"}
    rows = tuple(
        (outcome_names[status], label, by_reason[(status, label)]) for status, label in data.reasons
    )
    return Table(
        key="attrition-reason",
        title="Men who left, by reason",
        columns=("Outcome", "Reason", "Men"),
        rows=rows,
        sheet_name="Left by reason",
        chart=Chart(value_column=2),
        label_columns=2,
    )


def waiting_table(data: ReportData) -> Table:
    bands = Counter(waiting_band(start.weeks_from_sentence) for start in data.starts)
    labels = [label for label, _ in WAITING_BANDS]
    if bands[BEFORE_SENTENCE]:
        labels.insert(0, BEFORE_SENTENCE)
    return Table(
        key="waiting",
        title="Weeks from sentence to start",
        columns=("Weeks", "Starts"),
        rows=tuple((label, bands[label]) for label in labels),
        sheet_name="Weeks to start",
        chart=Chart(value_column=1),
    )


def attendance_table(data: ReportData) -> Table:
    return Table(
        key="attendance",
        title="Register marks",
        columns=("Mark", "Marks"),
        rows=tuple((label, data.marks.get(value, 0)) for value, label in Outcome.choices),
        sheet_name="Register marks",
        chart=Chart(value_column=1),
        notes=("Cancelled sessions never count against a man: they are left out of the rate.",),
    )


def enforcement_table(data: ReportData, today: datetime.date) -> Table:
    verdicts = Counter(enforcement_timeliness(data.enforcement, data.filters, today))
    return Table(
        key="enforcement",
        title="Enforcement: action within 10 working days of the failure",
        columns=("Action", "Items"),
        rows=tuple((label, verdicts[label]) for label in TIMELINESS),
        sheet_name="Enforcement timeliness",
        chart=Chart(value_column=1),
    )


def enforcement_actions_table(data: ReportData) -> Table:
    in_period = [r for r in data.enforcement if data.filters.covers(r.failure_date)]
    taken = Counter(record.action for record in in_period)
    rows = [(str(label), taken[value]) for value, label in ActionTaken.choices]
    rows.append(("No action yet", taken[""]))
    return Table(
        key="enforcement-actions",
        title="Enforcement: what was done about the failures",
        columns=("Action taken", "Items"),
        rows=tuple(rows),
        sheet_name="Enforcement actions",
        chart=Chart(value_column=1),
    )


def complaints_table(data: ReportData, today: datetime.date) -> Table:
    numbers = sorted({stage.number for stage in data.complaint_stages} | {1, 2, 3})
    rows = []
    for number in numbers:
        verdicts = complaint_timeliness(
            (s for s in data.complaint_stages if s.number == number), today
        )
        counted = Counter(verdicts)
        rows.append(
            (
                f"Stage {number}",
                len(verdicts),
                counted[IN_TIME],
                counted[LATE],
                counted[NOT_YET_DUE],
                on_time_share(verdicts),
            )
        )
    return Table(
        key="complaints",
        title="Complaint stages answered on time",
        columns=("Stage", "Opened", "On time", "Late", "Open, not yet due", "Share on time"),
        rows=tuple(rows),
        sheet_name="Complaints",
        chart=Chart(value_column=5),
    )


def incidents_table(data: ReportData) -> Table:
    return Table(
        key="incidents",
        title="Incidents by kind",
        columns=("Kind", "Incidents"),
        rows=tuple(
            (str(label), data.incidents.get(value, 0)) for value, label in IncidentKind.choices
        ),
        sheet_name="Incidents",
        chart=Chart(value_column=1),
    )
