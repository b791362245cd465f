"""What each role's dashboard shows, gathered in a fixed number of queries per role.

A dashboard's lists are short (the first few, most urgent first) with the full count beside
them, and link to the pages where the work is done. Lists name only men the user may see
(`Referral.objects.visible_to`, so restricted cases are left out); area-wide figures (the
waiting list, places, the chief officer's measures) are counts over the whole area, so
restricted cases count there too.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    F,
    Min,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce

from groupwork.allocation.forecast import Forecast
from groupwork.allocation.services import WAITING, caseload_forecasts
from groupwork.attendance.models import (
    PRESENT_OUTCOMES,
    Absence,
    Attendance,
    CatchUp,
    CatchUpStatus,
    Outcome,
)
from groupwork.attendance.views_absences import task_url
from groupwork.casework.complaints import current_stages
from groupwork.casework.models import Incident, OneToOne, OneToOneStatus
from groupwork.core.figures import Counted, area_figures
from groupwork.enforcement.models import EnforcementItem
from groupwork.groups.models import (
    Group,
    GroupQuerySet,
    Membership,
    Session,
    SessionFacilitator,
    SessionStatus,
    current_members,
)
from groupwork.organisation.models import Office, Role, User
from groupwork.programmes.models import ProgrammeVersion
from groupwork.referrals.models import Referral, StatusChange
from groupwork.referrals.status_machine import COMPLETED_STATUS
from groupwork.tasks.models import Task

Row = TypeVar("Row")
AnyModel = TypeVar("AnyModel", bound=Model)

# How many rows a dashboard list shows; the count says how many more there are.
SHORT_LIST = 5
ONE_TO_ONES_AHEAD = datetime.timedelta(days=14)
UNTAKEN_REGISTERS_BEHIND = datetime.timedelta(days=14)
GROUPS_STARTING_AHEAD = datetime.timedelta(weeks=8)
FACILITATOR_LOAD_AHEAD = datetime.timedelta(weeks=4)
COMPLAINTS_DUE_SOON = datetime.timedelta(days=7)
# Men whose forecast is looked at: those with a place. The waiting list is the programme
# manager's, and every waiting man is "at risk" until a group has a place for him.
PLACED_STATUSES = ("allocated", "on_programme")


@dataclass(frozen=True)
class ShortList(Generic[Row]):
    count: int
    rows: list[Row]
    counts: dict[str, int] = field(default_factory=dict)  # other counts of all the rows

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


def short_list(queryset: QuerySet[AnyModel], **counts: Count) -> ShortList[AnyModel]:
    """The first rows and how many there are in all, with any other `counts` of all the rows
    (such as how many are overdue): one query however many rows there are, each count riding
    on each row as COUNT(*) OVER (), worked out before the LIMIT."""
    windows = {name: Window(count) for name, count in counts.items()}
    rows = list(queryset.annotate(rows_in_all=Window(Count("pk")), **windows)[:SHORT_LIST])
    first = rows[0] if rows else None
    return ShortList(
        count=getattr(first, "rows_in_all", 0),
        rows=rows,
        counts={name: getattr(first, name, 0) for name in counts},
    )


# The offender manager's (and their manager's) dashboard


@dataclass(frozen=True)
class AtRisk:
    referral: Referral
    forecast: Forecast


@dataclass(frozen=True)
class OfficerDashboard:
    for_team: bool
    tasks: ShortList[tuple[Task, str]]  # each with the page where it is done
    absences: ShortList[Absence]
    sick_notes_overdue: int
    enforcement: ShortList[EnforcementItem]
    enforcement_overdue: int
    one_to_ones: ShortList[OneToOne]
    catch_ups: ShortList[CatchUp]
    at_risk: ShortList[AtRisk]


def officer_dashboard(user: User, today: datetime.date) -> OfficerDashboard:
    # The referrals the user may see are read once, and each list below filters by their
    # keys: building the scope (area, caseload, restrictions) into five lists as a subquery
    # cost more than the one query that reads them.
    men = list(Referral.objects.visible_to(user).order_by().values_list("pk", flat=True))
    absences = (
        Absence.objects.pending()
        .filter(referral_id__in=men)
        .select_related("session__group", "referral__participant")
        .order_by(F("evidence_due").asc(nulls_last=True), "session__date", "pk")
    )
    absence_rows = short_list(
        absences,
        notes_overdue=Count(
            "pk", filter=Q(evidence_due__lt=today, evidence_received_on__isnull=True)
        ),
    )
    # Ordered by the day to act by, the overdue come first.
    enforcement = (
        EnforcementItem.objects.open()
        .filter(referral_id__in=men)
        .select_related("referral__participant")
        .order_by("must_act_by", "pk")
    )
    enforcement_rows = short_list(enforcement, overdue=Count("pk", filter=Q(must_act_by__lt=today)))
    one_to_ones = (
        OneToOne.objects.filter(referral_id__in=men, due_on__lte=today + ONE_TO_ONES_AHEAD)
        .exclude(status=OneToOneStatus.HELD)
        .select_related("referral__participant")
        .order_by("due_on", "pk")
    )
    catch_ups = (
        CatchUp.objects.outstanding()
        .filter(referral_id__in=men)
        .select_related("missed_session__group", "referral__participant")
        .order_by("missed_session__date", "pk")
    )
    tasks = Task.objects.open().filter(assigned_to=user).select_related("referral__participant")
    return OfficerDashboard(
        for_team=user.role == Role.MANAGER,
        tasks=_with_pages(short_list(tasks)),
        absences=absence_rows,
        sick_notes_overdue=absence_rows.counts["notes_overdue"],
        enforcement=enforcement_rows,
        enforcement_overdue=enforcement_rows.counts["overdue"],
        one_to_ones=short_list(one_to_ones),
        catch_ups=short_list(catch_ups),
        at_risk=men_at_risk(Referral.objects.filter(pk__in=men), user.area_id),
    )


def _with_pages(tasks: ShortList[Task]) -> ShortList[tuple[Task, str]]:
    return ShortList(tasks.count, [(task, task_url(task)) for task in tasks.rows])


def men_at_risk(men: QuerySet[Referral], area_id: int | None) -> ShortList[AtRisk]:
    """Placed men who would finish after, or within weeks of, the end of their sentence: the
    caseload's forecast (allocation.services.caseload_forecasts), three or four queries
    whatever the number of men, soonest sentence end first."""
    placed = list(
        men.filter(status_id__in=PLACED_STATUSES)
        .select_related("participant", "programme", "responsible_officer")
        .prefetch_related("participant__centres")
    )
    forecasts = caseload_forecasts(placed, area_id)
    at_risk = sorted(
        (
            AtRisk(referral, forecasts[referral.pk])
            for referral in placed
            if referral.pk in forecasts and forecasts[referral.pk].at_risk
        ),
        key=lambda row: (row.referral.sentence_end, row.referral.participant.last_name),
    )
    return ShortList(count=len(at_risk), rows=at_risk[:SHORT_LIST])


# The facilitator's dashboard


@dataclass(frozen=True)
class FacilitatorDashboard:
    today: list[Session]
    this_week: list[Session]
    week_starts: datetime.date
    week_ends: datetime.date
    untaken_registers: ShortList[Session]
    catch_ups: ShortList[CatchUp]
    open_tasks: int


def facilitator_dashboard(user: User, today: datetime.date) -> FacilitatorDashboard:
    groups = Group.objects.visible_to(user)
    monday = today - datetime.timedelta(days=today.weekday())
    sunday = monday + datetime.timedelta(days=6)
    week = list(
        Session.objects.filter(
            group__in=groups, status=SessionStatus.SCHEDULED, date__range=(monday, sunday)
        )
        .select_related("group__centre", "room")
        .order_by("date", "starts", "pk")
    )
    untaken = (
        Session.objects.filter(
            group__in=groups,
            status=SessionStatus.SCHEDULED,
            register_taken_at__isnull=True,
            date__range=(today - UNTAKEN_REGISTERS_BEHIND, today - datetime.timedelta(days=1)),
        )
        .select_related("group")
        .order_by("date", "starts", "pk")
    )
    # Outstanding catch-ups of the men in their groups, those booked with them first.
    catch_ups = (
        CatchUp.objects.outstanding()
        .filter(referral__in=Referral.objects.visible_to(user))
        .select_related("missed_session__group", "referral__participant")
        .annotate(
            booked_with_them=Case(
                When(status=CatchUpStatus.BOOKED, facilitator_id=user.pk, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-booked_with_them", F("booked_for").asc(nulls_last=True), "pk")
    )
    return FacilitatorDashboard(
        today=[session for session in week if session.date == today],
        this_week=week,
        week_starts=monday,
        week_ends=sunday,
        untaken_registers=short_list(untaken),
        catch_ups=short_list(catch_ups),
        open_tasks=Task.objects.open().filter(assigned_to=user).count(),
    )


# The programme manager's dashboard


@dataclass(frozen=True)
class CentrePlaces:
    centre: Office
    groups: int
    members: int
    places_free: int


@dataclass(frozen=True)
class FacilitatorLoad:
    facilitator: User
    sessions: int


@dataclass(frozen=True)
class ProgrammeManagerDashboard:
    awaiting_assessment: int
    waiting: int
    groups_starting: list[Group]
    places: list[CentrePlaces]
    load: list[FacilitatorLoad]
    load_until: datetime.date
    open_tasks: int


def _with_members(groups: GroupQuerySet) -> GroupQuerySet:
    return groups.select_related("version", "centre").with_current_members()


def programme_manager_dashboard(user: User, today: datetime.date) -> ProgrammeManagerDashboard:
    area_id = user.area_pk
    # The area's referrals in the two statuses counted, by the (area, status) index.
    in_area = Referral.objects.filter(
        area_id=area_id, status_id__in=("awaiting_assessment", WAITING)
    )
    waiting = in_area.aggregate(
        awaiting_assessment=Count("pk", filter=Q(status_id="awaiting_assessment")),
        waiting=Count("pk", filter=Q(status_id=WAITING)),
    )
    groups = Group.objects.filter(area_id=area_id)
    starting = list(
        _with_members(
            groups.filter(start_date__range=(today, today + GROUPS_STARTING_AHEAD))
        ).order_by("start_date", "name")
    )
    return ProgrammeManagerDashboard(
        awaiting_assessment=waiting["awaiting_assessment"],
        waiting=waiting["waiting"],
        groups_starting=starting,
        places=places_per_centre(groups, today),
        load=facilitator_load(area_id, today),
        load_until=today + FACILITATOR_LOAD_AHEAD - datetime.timedelta(days=1),
        open_tasks=Task.objects.open().filter(assigned_to=user).count(),
    )


def places_per_centre(groups: GroupQuerySet, today: datetime.date) -> list[CentrePlaces]:
    """For each centre, the groups not finished (not started yet, or with a session still to
    come): the places their definitions allow less the men in them now. Each programme
    version's definition is read once, not once a group: two queries."""
    sessions_to_come = Session.objects.filter(
        group=OuterRef("pk"), status=SessionStatus.SCHEDULED, date__gte=today
    )
    running = list(
        groups.filter(Q(start_date__gte=today) | Exists(sessions_to_come))
        .select_related("centre")
        .only("centre", "version_id")
        .with_current_members()
    )
    versions = ProgrammeVersion.objects.filter(pk__in={group.version_id for group in running})
    largest = {version.pk: version.parsed.group_size_maximum for version in versions}
    by_centre: dict[int, list[Group]] = defaultdict(list)
    for group in running:
        by_centre[group.centre_id].append(group)
    return sorted(
        (
            CentrePlaces(
                centre=its_groups[0].centre,
                groups=len(its_groups),
                members=sum(current_members(group) for group in its_groups),
                places_free=sum(
                    max(largest[group.version_id] - current_members(group), 0)
                    for group in its_groups
                ),
            )
            for its_groups in by_centre.values()
        ),
        key=lambda row: row.centre.name,
    )


def facilitator_load(area_id: int, today: datetime.date) -> list[FacilitatorLoad]:
    """Each facilitator of the area and the sessions they are down for in the next four
    weeks (cover included), busiest first: two queries. The count starts from the area's
    sessions in those weeks, not from each facilitator's every session since they began."""
    window = (today, today + FACILITATOR_LOAD_AHEAD - datetime.timedelta(1))
    seats = dict(
        SessionFacilitator.objects.filter(
            session__group__area_id=area_id,
            session__status=SessionStatus.SCHEDULED,
            session__date__range=window,
        )
        .order_by()
        .values_list("facilitator")
        .annotate(sessions=Count("pk"))
    )
    facilitators = User.objects.filter(area_id=area_id, role=Role.FACILITATOR, is_active=True)
    rows = [FacilitatorLoad(user, seats.get(user.pk, 0)) for user in facilitators]
    return sorted(
        rows,
        key=lambda row: (-row.sessions, row.facilitator.last_name, row.facilitator.first_name),
    )


# The chief officer's dashboard


@dataclass(frozen=True)
class Headlines:
    since: datetime.date
    until: datetime.date
    referrals: int
    starts: int
    completions: int
    sessions_marked: int
    sessions_attended: int
    incidents: int

    @property
    def completion_rate(self) -> int | None:
        """Completions as a share of starts in the same months, as the national figures are
        given (so it can pass 100% while fewer men start than finish)."""
        return _percent(self.completions, self.starts)

    @property
    def attendance_rate(self) -> int | None:
        return _percent(self.sessions_attended, self.sessions_marked)


@dataclass(frozen=True)
class ComplaintDeadlines:
    overdue: int
    due_soon: int
    later: int

    @property
    def total(self) -> int:
        return self.overdue + self.due_soon + self.later


@dataclass(frozen=True)
class ChiefOfficerDashboard:
    counted: Counted[Headlines]  # the headlines, with when they were counted (kept a while)
    complaints: ComplaintDeadlines

    @property
    def headlines(self) -> Headlines:
        return self.counted.value


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def year_before(today: datetime.date) -> datetime.date:
    """The first day of the 12 months that end today (29 February falls back a day)."""
    try:
        last_year = today.replace(year=today.year - 1)
    except ValueError:
        last_year = today.replace(year=today.year - 1, day=28)
    return last_year + datetime.timedelta(days=1)


def chief_officer_dashboard(user: User, today: datetime.date) -> ChiefOfficerDashboard:
    area, since = user.area_pk, year_before(today)
    counted = area_figures("headlines", (area, since, today), lambda: headlines(area, since, today))
    return ChiefOfficerDashboard(counted=counted, complaints=complaint_deadlines(user, today))


def headlines(area_id: int, since: datetime.date, until: datetime.date) -> Headlines:
    """The area's referrals, starts and completions, attendance and incidents from `since` to
    `until`, both included: three queries.

    A referral starts on the day of the first session he attended; before any register marks
    him present, on the day he joined his first group, once that day has come. It completes
    on the day its status became completed."""
    window = (since, until)
    first_attended = (
        Attendance.objects.filter(referral=OuterRef("pk"), outcome__in=PRESENT_OUTCOMES)
        .order_by()
        .values("referral")
        .annotate(first=Min("session__date"))
        .values("first")
    )
    first_joined = (
        Membership.objects.filter(referral=OuterRef("pk"), joined_on__lte=until)
        .order_by()
        .values("referral")
        .annotate(first=Min("joined_on"))
        .values("first")
    )
    completed = StatusChange.objects.filter(
        referral=OuterRef("pk"), to_status_id=COMPLETED_STATUS, changed_at__date__range=window
    )
    referrals = (
        Referral.objects.filter(area_id=area_id)
        .annotate(
            started_on=Coalesce(
                Subquery(first_attended, output_field=DateField()),
                Subquery(first_joined, output_field=DateField()),
            ),
            completed_in_window=Exists(completed),
        )
        .aggregate(
            referrals=Count("pk", filter=Q(created_at__date__range=window)),
            starts=Count("pk", filter=Q(started_on__range=window)),
            completions=Count("pk", filter=Q(completed_in_window=True)),
        )
    )
    marks = (
        Attendance.objects.filter(session__group__area_id=area_id, session__date__range=window)
        .exclude(outcome=Outcome.CANCELLED)  # the service's cancellations never count
        .aggregate(marked=Count("pk"), attended=Count("pk", filter=Q(outcome__in=PRESENT_OUTCOMES)))
    )
    incidents = Incident.objects.filter(
        session__group__area_id=area_id, session__date__range=window
    ).count()
    return Headlines(
        since=since,
        until=until,
        referrals=referrals["referrals"],
        starts=referrals["starts"],
        completions=referrals["completions"],
        sessions_marked=marks["marked"],
        sessions_attended=marks["attended"],
        incidents=incidents,
    )


def complaint_deadlines(user: User, today: datetime.date) -> ComplaintDeadlines:
    """Open complaints of the area by the deadline of their current stage: one query. A
    complaint that names the user is left out, as it is from their list."""
    counts: dict[str, Any] = (
        current_stages()
        .filter(complaint__referral__area_id=user.area_pk, responded_on__isnull=True)
        .exclude(complaint__named_staff=user)
        .aggregate(
            overdue=Count("pk", filter=Q(respond_by__lt=today)),
            due_soon=Count("pk", filter=Q(respond_by__range=(today, today + COMPLAINTS_DUE_SOON))),
            later=Count("pk", filter=Q(respond_by__gt=today + COMPLAINTS_DUE_SOON)),
        )
    )
    return ComplaintDeadlines(
        overdue=counts["overdue"], due_soon=counts["due_soon"], later=counts["later"]
    )
