"""A man's progress through his pathway: the content he has covered, the hours, his absences
and warnings, and when he would finish against the end of his sentence.

Two parts. `pathway_progress` is pure: the definition, his pathway and what he covered (each
meeting or catch-up in which he covered content) give, for each module of the pathway, what it
needs and what is still to cover. `progress_for` gathers those facts from his record in a fixed
number of queries, however many sessions he has been to.

Content is covered by a meeting he attended (complied or not) unless he missed part of it (late
beyond the allowed time, sent home), or by a catch-up that is done. A closed module, or any
module the pathway needs "all" of, needs every content session; a rolling module the pathway
needs N meetings of needs N meetings' worth of content, whichever he joined at.
"""

from __future__ import annotations

import datetime
import math
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from groupwork.allocation.forecast import longest_pathway
from groupwork.attendance.content import group_meeting_content
from groupwork.attendance.models import (
    PRESENT_OUTCOMES,
    Attendance,
    CatchUp,
    CatchUpStatus,
    Outcome,
)
from groupwork.enforcement.models import EnforcementItem
from groupwork.groups.models import Group, Membership, Session, SessionStatus
from groupwork.programmes.definition import Module, ProgrammeDefinition

if TYPE_CHECKING:
    from groupwork.referrals.models import Referral

# How many uncovered items a refusal names before it says how many more there are.
NAMED_IN_A_REFUSAL = 5


@dataclass(frozen=True)
class Covered:
    """Content a man covered at one meeting or one catch-up, and the hours it holds."""

    module: str
    content: tuple[int, ...]
    hours: float
    catch_up: bool = False


@dataclass(frozen=True)
class ModuleProgress:
    code: str
    title: str
    # True when the pathway needs a number of a rolling module's meetings rather than all its
    # content: then only a count can be uncovered, not named sessions.
    by_count: bool
    required: int
    covered: int
    uncovered_titles: tuple[str, ...]
    hours_done: float
    hours_required: float
    catch_ups_done: int
    started: bool

    @property
    def uncovered(self) -> int:
        return self.required - self.covered

    @property
    def is_covered(self) -> bool:
        return self.uncovered == 0

    def uncovered_descriptions(self) -> list[str]:
        if not self.uncovered:
            return []
        if self.by_count:
            return [f"{self.title}: {self.uncovered} of the {self.required} sessions he needs"]
        return [f"{self.title}: {title}" for title in self.uncovered_titles]


@dataclass(frozen=True)
class PathwayProgress:
    pathway_code: str
    pathway_label: str
    # False when his referral has no pathway yet: the longest pathway is shown meanwhile.
    pathway_decided: bool
    modules: tuple[ModuleProgress, ...]

    @property
    def sessions_required(self) -> int:
        return sum(module.required for module in self.modules)

    @property
    def sessions_covered(self) -> int:
        return sum(module.covered for module in self.modules)

    @property
    def hours_done(self) -> float:
        return sum(module.hours_done for module in self.modules)

    @property
    def hours_required(self) -> float:
        return sum(module.hours_required for module in self.modules)

    @property
    def is_covered(self) -> bool:
        return all(module.is_covered for module in self.modules)

    def uncovered_descriptions(self) -> list[str]:
        return [text for module in self.modules for text in module.uncovered_descriptions()]


def content_per_meeting(module: Module) -> int:
    """How many content sessions one weekly meeting of a rolling module covers."""
    return max(len(module.weekly_sessions) // min(module.meetings.values()), 1)


def pathway_progress(
    definition: ProgrammeDefinition,
    pathway_code: str | None,
    covered: Iterable[Covered],
    *,
    places: Iterable[str] = (),
) -> PathwayProgress:
    """For each module of the pathway (the longest until he has one): the content it needs,
    what he covered of it, what is still uncovered, and the hours done and needed. Hours done
    are the hours of every meeting and catch-up in which he covered content, repeats included.
    A module is started once he covered some of it or had a place in one of its groups
    (`places`: module codes)."""
    pathway = definition.pathway(pathway_code) if pathway_code else longest_pathway(definition)
    facts = list(covered)
    had_places = set(places)
    modules = []
    for part in pathway.modules:
        module = definition.module(part.module)
        mine = [fact for fact in facts if fact.module == module.code]
        numbers = {number for fact in mine for number in fact.content}
        hours_done = sum(fact.hours for fact in mine)
        catch_ups = sum(1 for fact in mine if fact.catch_up)
        if part.sessions == "all":
            needed = list(module.sessions)
            done = [spec for spec in needed if spec.number in numbers]
            modules.append(
                ModuleProgress(
                    code=module.code,
                    title=module.title,
                    by_count=False,
                    required=len(needed),
                    covered=len(done),
                    uncovered_titles=tuple(s.title for s in needed if s.number not in numbers),
                    hours_done=hours_done,
                    hours_required=module.hours,
                    catch_ups_done=catch_ups,
                    started=bool(mine) or module.code in had_places,
                )
            )
            continue
        weekly = module.weekly_sessions
        required = part.sessions * content_per_meeting(module)
        known = {spec.number for spec in module.sessions}
        modules.append(
            ModuleProgress(
                code=module.code,
                title=module.title,
                by_count=True,
                required=required,
                covered=min(len(numbers & known), required),
                uncovered_titles=(),
                hours_done=hours_done,
                hours_required=required * sum(s.hours for s in weekly) / len(weekly),
                catch_ups_done=catch_ups,
                started=bool(mine) or module.code in had_places,
            )
        )
    return PathwayProgress(
        pathway_code=pathway.code,
        pathway_label=pathway.label,
        pathway_decided=bool(pathway_code),
        modules=tuple(modules),
    )


def _hours(module: Module, numbers: Iterable[int]) -> float:
    wanted = set(numbers)
    return sum(spec.hours for spec in module.sessions if spec.number in wanted)


@dataclass(frozen=True)
class AbsenceCounts:
    pending: int
    acceptable: int
    unacceptable: int
    cancelled: int
    failed_to_comply: int


@dataclass(frozen=True)
class Projection:
    """When he would finish, and whether that is before his sentence ends."""

    finishes: datetime.date | None  # None when he has covered everything already
    sentence_end: datetime.date
    last_session_in_group: datetime.date | None
    modules_not_started: tuple[str, ...]
    weeks_not_started: int

    @property
    def at_risk(self) -> bool:
        return self.finishes is not None and self.finishes > self.sentence_end

    @property
    def summary(self) -> str:
        if self.finishes is None:
            return "He has covered all the content his pathway needs."
        if self.at_risk:
            return (
                f"At risk: projected {self.finishes:%-d %B %Y} is after his sentence ends on "
                f"{self.sentence_end:%-d %B %Y}."
            )
        return (
            f"On track: projected {self.finishes:%-d %B %Y}, by the end of his sentence on "
            f"{self.sentence_end:%-d %B %Y}."
        )


@dataclass(frozen=True)
class Progress:
    # False until he has had a place in a group or a mark on a register.
    started: bool
    pathway: PathwayProgress
    absences: AbsenceCounts
    warnings: tuple[datetime.date, ...]
    projection: Projection


@dataclass(frozen=True)
class _Record:
    """What the coverage and the projection need from his record."""

    definition: ProgrammeDefinition
    groups: dict[int, Group]  # of his places, marks and catch-ups
    memberships: list[Membership]
    attendances: list[Attendance]
    coverage: PathwayProgress


@dataclass(frozen=True)
class RecordRows:
    """A man's places, marks and catch-ups read already (his record page reads them for his
    timeline), each with its session; the rows of every referral of his may be here."""

    memberships: Sequence[Membership]
    attendances: Sequence[Attendance]  # with their sessions
    catch_ups: Sequence[CatchUp]  # with their missed sessions

    def of(self, referral: Referral) -> RecordRows:
        return RecordRows(
            memberships=[m for m in self.memberships if m.referral_id == referral.pk],
            attendances=[a for a in self.attendances if a.referral_id == referral.pk],
            catch_ups=[c for c in self.catch_ups if c.referral_id == referral.pk],
        )


def _read_rows(referrals: Sequence[Referral]) -> RecordRows:
    """The places, marks and finished catch-ups of `referrals`: three queries however many."""
    return RecordRows(
        memberships=list(
            Membership.objects.filter(referral__in=referrals).only(
                "group", "referral", "joined_on", "left_on", "first_session", "last_session"
            )
        ),
        attendances=list(
            Attendance.objects.filter(referral__in=referrals)
            .select_related("session")
            .only(
                "outcome",
                "failures",
                "referral",
                "session__group_id",
                "session__number",
                "session__status",
                "session__date",
            )
        ),
        catch_ups=list(
            CatchUp.objects.filter(referral__in=referrals, status=CatchUpStatus.DONE)
            .select_related("missed_session")
            .only(
                "module",
                "content",
                "status",
                "referral",
                "missed_session__group_id",
                "missed_session__number",
            )
        ),
    )


def _groups_of(rows: RecordRows) -> dict[int, Group]:
    """The groups of the places, marks and catch-ups in `rows`, in one query."""
    group_ids = {m.group_id for m in rows.memberships}
    group_ids |= {a.session.group_id for a in rows.attendances}
    group_ids |= {c.missed_session.group_id for c in rows.catch_ups}
    if not group_ids:
        return {}
    return {
        group.pk: group
        for group in Group.objects.filter(pk__in=group_ids)
        .select_related("version")
        .only("module", "kind", "pattern", "version")
    }


def _read_record(referral: Referral, rows: RecordRows, groups: dict[int, Group]) -> _Record:
    """His coverage from his rows (those of his other referrals may be among them) and their
    `groups`; when he has never had a place, the programme's current definition is read."""
    rows = rows.of(referral)
    memberships = list(rows.memberships)
    attendances = list(rows.attendances)
    catch_ups = [c for c in rows.catch_ups if c.status == CatchUpStatus.DONE]
    current = next((m for m in memberships if m.left_on is None), None)
    latest = current or (memberships[-1] if memberships else None)
    definition = (
        groups[latest.group_id].definition
        if latest
        else referral.programme.current_version().parsed
    )
    covered: list[Covered] = []
    for attendance in attendances:
        session = attendance.session
        if (
            attendance.outcome not in PRESENT_OUTCOMES
            or attendance.missed_content
            or session.status != SessionStatus.SCHEDULED
        ):
            continue
        group = groups[session.group_id]
        content = group_meeting_content(group, session.number)
        covered.append(
            Covered(
                module=group.module,
                content=tuple(spec.number for spec in content),
                hours=sum(spec.hours for spec in content),
            )
        )
    for catch_up in catch_ups:
        group = groups[catch_up.missed_session.group_id]
        numbers = tuple(catch_up.content) or tuple(
            spec.number for spec in group_meeting_content(group, catch_up.missed_session.number)
        )
        covered.append(
            Covered(
                module=catch_up.module,
                content=numbers,
                hours=_hours(group.definition.module(catch_up.module), numbers),
                catch_up=True,
            )
        )
    return _Record(
        definition=definition,
        groups=groups,
        memberships=memberships,
        attendances=attendances,
        coverage=pathway_progress(
            definition,
            referral.pathway or None,
            covered,
            places=[groups[m.group_id].module for m in memberships],
        ),
    )


def uncovered_required_content(referral: Referral) -> list[str]:
    """The content his pathway needs that he has not covered yet, described plainly."""
    rows = _read_rows([referral])
    return _read_record(referral, rows, _groups_of(rows)).coverage.uncovered_descriptions()


def refusal_to_complete(uncovered: list[str]) -> str:
    named = uncovered[:NAMED_IN_A_REFUSAL]
    more = len(uncovered) - len(named)
    text = "; ".join(named)
    if more:
        text += f"; and {more} more"
    return f"He cannot complete the programme yet: {text} not covered."


def absence_counts(attendances: Iterable[Attendance]) -> AbsenceCounts:
    outcomes = Counter(attendance.outcome for attendance in attendances)
    return AbsenceCounts(
        pending=outcomes[Outcome.ABSENT_PENDING],
        acceptable=outcomes[Outcome.ABSENT_ACCEPTABLE],
        unacceptable=outcomes[Outcome.ABSENT_UNACCEPTABLE],
        cancelled=outcomes[Outcome.CANCELLED],
        failed_to_comply=outcomes[Outcome.FAILED_TO_COMPLY],
    )


def weeks_for(definition: ProgrammeDefinition, pathway: PathwayProgress, pattern: str) -> int:
    """Weeks the modules he has not started would take: one week for each weekly meeting
    (meeting in `pattern` where the module runs that way), and one for a block week."""
    needs = {
        part.module: part.sessions for part in definition.pathway(pathway.pathway_code).modules
    }
    weeks = 0
    for progress in pathway.modules:
        if progress.started:
            continue
        module = definition.module(progress.code)
        runs_as = pattern if pattern in module.meetings else next(iter(module.meetings))
        sessions = needs[progress.code]
        meetings = module.meetings[runs_as] if sessions == "all" else sessions
        per_week = len(definition.patterns[runs_as].weekday_offsets)
        weeks += math.ceil(meetings / per_week) + (1 if module.block_week else 0)
    return weeks


def _scheduled_from(
    memberships: Iterable[Membership], today: datetime.date
) -> dict[int, list[tuple[int, datetime.date]]]:
    """The numbers and dates of the sessions still to come in the groups of the places not
    yet left, by group: one query for every referral's place."""
    group_ids = {m.group_id for m in memberships if m.left_on is None}
    scheduled: dict[int, list[tuple[int, datetime.date]]] = {pk: [] for pk in group_ids}
    if group_ids:
        for group_id, number, date in Session.objects.filter(
            group_id__in=group_ids, status=SessionStatus.SCHEDULED, date__gte=today
        ).values_list("group_id", "number", "date"):
            scheduled[group_id].append((number, date))
    return scheduled


def _last_session_left(
    place: Membership, scheduled: dict[int, list[tuple[int, datetime.date]]]
) -> datetime.date | None:
    """The date of his last session still to come in `place`, within its first and last."""
    first = place.first_session
    last = place.last_session
    return max(
        (
            date
            for number, date in scheduled[place.group_id]
            if (first is None or number >= first) and (last is None or number <= last)
        ),
        default=None,
    )


def _projection(
    referral: Referral,
    record: _Record,
    today: datetime.date,
    scheduled: dict[int, list[tuple[int, datetime.date]]],
) -> Projection:
    """The last session left in his current place (up to his last session in a rolling group),
    then the modules he has not started, one week for each weekly meeting they need."""
    coverage = record.coverage
    current = next((m for m in record.memberships if m.left_on is None), None)
    last_in_group = None
    pattern = next(iter(record.definition.patterns))
    if current is not None:
        pattern = record.groups[current.group_id].pattern
        last_in_group = _last_session_left(current, scheduled)
    not_started = tuple(m.title for m in coverage.modules if not m.started)
    weeks = weeks_for(record.definition, coverage, pattern)
    if coverage.is_covered:
        finishes = None
    else:
        finishes = (last_in_group or today) + datetime.timedelta(weeks=weeks)
    return Projection(
        finishes=finishes,
        sentence_end=referral.sentence_end,
        last_session_in_group=last_in_group,
        modules_not_started=not_started,
        weeks_not_started=weeks,
    )


def progress_for(
    referral: Referral, *, today: datetime.date | None = None, rows: RecordRows | None = None
) -> Progress:
    """His progress against his pathway for one referral (`progresses_for`)."""
    return progresses_for([referral], today=today, rows=rows)[0]


def progresses_for(
    referrals: Sequence[Referral],
    *,
    today: datetime.date | None = None,
    rows: RecordRows | None = None,
) -> list[Progress]:
    """The progress of each referral against its pathway, in a fixed number of queries
    however many referrals and however long the record: his places, marks and catch-ups (none
    with `rows`, read already), their groups, the warnings, and the sessions still to come in
    his current groups; and for a referral never placed, its programme's current version (once
    a Programme object: the record page gives referrals to one programme the same one)."""
    if rows is None:
        rows = _read_rows(referrals)
    groups = _groups_of(rows)
    today = today or timezone.localdate()
    scheduled = _scheduled_from(rows.memberships, today)
    warnings: dict[uuid.UUID, list[datetime.date]] = {referral.pk: [] for referral in referrals}
    for referral_id, warned_on in (
        EnforcementItem.objects.warnings()
        .filter(referral__in=referrals)
        .values_list("referral_id", "action_on")
    ):
        if warned_on is not None:
            warnings[referral_id].append(warned_on)
    progresses = []
    for referral in referrals:
        record = _read_record(referral, rows, groups)
        progresses.append(
            Progress(
                started=bool(record.memberships or record.attendances),
                pathway=record.coverage,
                absences=absence_counts(record.attendances),
                warnings=tuple(sorted(warnings[referral.pk])),
                projection=_projection(referral, record, today, scheduled),
            )
        )
    return progresses
