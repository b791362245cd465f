"""A synthetic national data set for load and report testing: many areas, centres, men,
groups and registers, all fictional and all repeatable from one seed.

`plan_national` decides who and what exists from a seeded `random.Random` without touching
the database; `write_area` writes one planned area in bulk. Areas are named "Generated area
01" with slugs `gen-01`, so they never clash with the demo's areas.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from groupwork.attendance.models import (
    Absence,
    AbsenceReason,
    AbsenceStatus,
    Attendance,
    Failure,
    HowReported,
    Outcome,
    Register,
)
from groupwork.audit.models import Action, AuditEvent
from groupwork.audit.services import build_event
from groupwork.core.demo import FIRST_NAMES, LAST_NAMES, STREETS, TODAY
from groupwork.core.reference_data import ensure_reference_data
from groupwork.enforcement.models import Advice, EnforcementItem
from groupwork.groups.models import Group, GroupKind, Membership, Session, SessionFacilitator
from groupwork.groups.services import plan_group_sessions
from groupwork.groups.timetable import PlannedSession
from groupwork.organisation.models import Area, Office, Role, Room, Team, User
from groupwork.participants.models import Participant
from groupwork.programmes.models import Programme, ProgrammeVersion
from groupwork.referrals.models import Referral, ReportType, SentenceType, StatusReason

DEFAULT_SEED = 2026
FULL_SCALE = {"areas": 12, "centres": 40, "men": 50_000, "groups": 5_000}
FIRST_SLUG = "gen-01"
TOWNS = [
    "Ashby Marsh", "Bramley Cross", "Castleford Vale", "Dunmere", "Eastwick", "Fallowfield",
    "Greyhaven", "Hollins Bridge", "Ironmoor", "Kingsmead", "Longhope", "Millbrook",
]  # fmt: skip
# How often each status is drawn, roughly as a national caseload looks.
STATUS_WEIGHTS = {
    "received": 5,
    "awaiting_assessment": 10,
    "awaiting_allocation": 15,
    "allocated": 10,
    "on_programme": 25,
    "completed": 25,
    "ended_early": 5,
    "withdrawn": 5,
}
PATTERNS = ("full-days", "half-days", "evenings")
REGISTER_SHARE = 0.85  # of past sessions have their register taken
ABSENT_SHARE = 0.06
FAILED_SHARE = 0.02
BULK = 2000

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ManSpec:
    case_reference: str
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    address: str
    status: str
    report_type: str
    sentence_type: str
    sentence_start: datetime.date
    offence_category: str


@dataclass(frozen=True)
class GroupSpec:
    name: str
    centre: int  # index into the area's centres
    pattern: str
    start: datetime.date
    weekday: int


@dataclass(frozen=True)
class AreaSpec:
    number: int
    name: str
    slug: str
    town: str
    centres: int
    groups: list[GroupSpec] = field(default_factory=list)
    men: list[ManSpec] = field(default_factory=list)


def scaled(full: int, scale: float) -> int:
    return max(1, round(full * scale))


def _share(total: int, parts: int, index: int) -> int:
    return total // parts + (1 if index < total % parts else 0)


def plan_national(rng: random.Random, scale: float = 1.0) -> list[AreaSpec]:
    """Every area with its centres, groups and men; no database access."""
    areas = scaled(FULL_SCALE["areas"], scale)
    centres = max(areas, scaled(FULL_SCALE["centres"], scale))
    men = scaled(FULL_SCALE["men"], scale)
    groups = scaled(FULL_SCALE["groups"], scale)
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    plan = []
    for index in range(areas):
        number = index + 1
        town = TOWNS[index % len(TOWNS)]
        area = AreaSpec(
            number=number,
            name=f"Generated area {number:02d}",
            slug=f"gen-{number:02d}",
            town=town,
            centres=_share(centres, areas, index),
        )
        for g in range(_share(groups, areas, index)):
            start = TODAY + datetime.timedelta(weeks=rng.randint(-40, 12))
            area.groups.append(
                GroupSpec(
                    name=f"{town} induction {g + 1:04d}",
                    centre=g % area.centres,
                    pattern=rng.choice(PATTERNS),
                    start=start,
                    weekday=rng.randint(0, 4),
                )
            )
        for m in range(_share(men, areas, index)):
            area.men.append(_man(rng, f"G{number:02d}{m + 1:06d}", statuses, weights))
        plan.append(area)
    return plan


def _man(rng: random.Random, reference: str, statuses: list[str], weights: list[int]) -> ManSpec:
    return ManSpec(
        case_reference=reference,
        first_name=rng.choice(FIRST_NAMES),
        last_name=rng.choice(LAST_NAMES),
        date_of_birth=TODAY - datetime.timedelta(days=rng.randint(20 * 365, 65 * 365)),
        address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        status=rng.choices(statuses, weights)[0],
        report_type=ReportType.PRE_SENTENCE if rng.random() < 0.8 else ReportType.PAROLE,  # noqa: PLR2004
        sentence_type=SentenceType.COMMUNITY_ORDER
        if rng.random() < 0.75  # noqa: PLR2004
        else SentenceType.LICENCE,
        sentence_start=TODAY - datetime.timedelta(weeks=rng.randint(1, 110)),
        offence_category=rng.choice(["contact", "non_contact", "internet"]),
    )


def seeded(seed: int) -> random.Random:
    """A repeatable generator: the data are fictional, so no secrecy is wanted."""
    return random.Random(seed)  # noqa: S311


def already_generated() -> bool:
    return Area.objects.filter(slug=FIRST_SLUG).exists()


def generate_national(*, seed: int, scale: float, progress: Progress) -> dict[str, int]:
    """Write the whole data set, one transaction per area. Returns counts of what was made."""
    ensure_reference_data()
    plan = plan_national(seeded(seed), scale)
    rng = seeded(seed + 1)  # registers and their outcomes
    totals: dict[str, int] = {}
    for spec in plan:
        with transaction.atomic():
            counts = write_area(spec, rng)
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
        progress(
            f"{spec.number} of {len(plan)} areas: {spec.name}, {counts['groups']} groups, "
            f"{counts['men']} men, {counts['registers']} registers"
        )
    return totals


@dataclass
class _Staff:
    manager: User
    officers: list[User]
    facilitators: list[User]


def write_area(spec: AreaSpec, rng: random.Random) -> dict[str, int]:
    area = Area.objects.create(
        name=spec.name,
        slug=spec.slug,
        complaints_address=f"The Chief Officer\n{spec.name}\n1 High Street\n{spec.town}",
    )
    office = Office.objects.create(
        area=area,
        name=f"{spec.town} Probation Office",
        slug=f"{spec.slug}-office",
        town=spec.town,
        is_staff_office=True,
    )
    centres = Office.objects.bulk_create(
        Office(
            area=area,
            name=f"{spec.town} Group Centre {n + 1}",
            slug=f"{spec.slug}-centre-{n + 1}",
            town=spec.town,
            is_group_centre=True,
        )
        for n in range(spec.centres)
    )
    rooms = Room.objects.bulk_create(Room(centre=centre, name="Group room") for centre in centres)
    team = Team.objects.create(area=area, office=office, name=f"{spec.town} offender management")
    staff = _staff(spec, area, office, team)
    version = Programme.objects.get(code="csogp").current_version()
    groups, plans = _groups(spec, area, centres, rooms, staff, version)
    referrals = _men(spec, area, staff, version.programme, groups, plans, rng)
    registers = _registers(groups, staff, rng)
    return {"groups": len(groups), "men": len(referrals), "registers": registers}


def _staff(spec: AreaSpec, area: Area, office: Office, team: Team) -> _Staff:
    prefix = f"gen{spec.number:02d}"
    people = [
        ("pm", Role.PROGRAMME_MANAGER, None),
        *[(f"om{n}", Role.OFFENDER_MANAGER, team) for n in range(1, 5)],
        *[(f"fac{n}", Role.FACILITATOR, None) for n in range(1, 5)],
    ]
    users = []
    for index, (suffix, role, user_team) in enumerate(people):
        user = User(
            username=f"{prefix}.{suffix}",
            first_name=FIRST_NAMES[(spec.number * 7 + index) % len(FIRST_NAMES)],
            last_name=LAST_NAMES[(spec.number * 11 + index) % len(LAST_NAMES)],
            role=role,
            area=area,
            office=office,
            team=user_team,
            email=f"{prefix}.{suffix}@example.org",
        )
        user.set_unusable_password()
        users.append(user)
    users = User.objects.bulk_create(users)
    return _Staff(manager=users[0], officers=users[1:5], facilitators=users[5:9])


def _groups(  # noqa: PLR0913  (the parts of an area a group needs)
    spec: AreaSpec,
    area: Area,
    centres: list[Office],
    rooms: list[Room],
    staff: _Staff,
    version: ProgrammeVersion,
) -> tuple[list[Group], dict[int, list[PlannedSession]]]:
    plans = []
    cache: dict[tuple[str, datetime.date, int], list[PlannedSession]] = {}
    for group in spec.groups:
        key = (group.pattern, group.start, group.weekday)
        if key not in cache:
            cache[key], _ = plan_group_sessions(
                version=version,
                module_code="induction",
                pattern_code=group.pattern,
                centre=centres[0],
                start=group.start,
                weekday=group.weekday,
            )
        plans.append(cache[key])
    groups = Group.objects.bulk_create(
        Group(
            area=area,
            programme_id=version.programme_id,
            version=version,
            module="induction",
            kind=GroupKind.CLOSED,
            pattern=group.pattern,
            weekday=group.weekday,
            name=group.name,
            centre=centres[group.centre],
            room=rooms[group.centre],
            start_date=planned[0].date,
        )
        for group, planned in zip(spec.groups, plans, strict=True)
    )
    pairs = {
        group.pk: [staff.facilitators[(2 * n) % 4], staff.facilitators[(2 * n + 1) % 4]]
        for n, group in enumerate(groups)
    }
    Group.facilitators.through.objects.bulk_create(
        Group.facilitators.through(group_id=group.pk, user_id=person.pk)
        for group in groups
        for person in pairs[group.pk]
    )
    sessions = Session.objects.bulk_create(
        (
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
            for group, planned in zip(groups, plans, strict=True)
            for item in planned
        ),
        batch_size=BULK,
    )
    SessionFacilitator.objects.bulk_create(
        (
            SessionFacilitator(session=session, facilitator=person)
            for session in sessions
            for person in pairs[session.group_id]
        ),
        batch_size=BULK,
    )
    AuditEvent.objects.bulk_create(
        (
            build_event(
                acting_user=staff.manager,
                action=Action.GROUP_CREATED,
                subject=group,
                new_values={
                    "name": group.name,
                    "module": "induction",
                    "pattern": group.pattern,
                    "start": group.start_date.isoformat(),
                    "sessions": len(planned),
                },
                detail={"generated": True},
            )
            for group, planned in zip(groups, plans, strict=True)
        ),
        batch_size=BULK,
    )
    return groups, {group.pk: planned for group, planned in zip(groups, plans, strict=True)}


def _phase(planned: list[PlannedSession]) -> str:
    if planned[0].date > TODAY:
        return "allocated"
    if planned[-1].date < TODAY:
        return "completed"
    return "on_programme"


def _men(  # noqa: PLR0913  (what a man's record and place need)
    spec: AreaSpec,
    area: Area,
    staff: _Staff,
    programme: Programme,
    groups: list[Group],
    plans: dict[int, list[PlannedSession]],
    rng: random.Random,
) -> list[Referral]:
    maximum = groups[0].version.parsed.group_size_maximum if groups else 0
    by_phase: dict[str, list[Group]] = {"allocated": [], "on_programme": [], "completed": []}
    for group in groups:
        by_phase[_phase(plans[group.pk])].append(group)
    filled: dict[int, int] = {}
    reasons = {
        reason.status_id: reason
        for reason in StatusReason.objects.filter(status__needs_reason=True).order_by("-code")
    }
    participants: list[Participant] = []
    referrals: list[Referral] = []
    memberships: list[Membership] = []
    for number, man in enumerate(spec.men):
        officer = staff.officers[number % len(staff.officers)]
        participant = Participant(
            area=area,
            case_reference=man.case_reference,
            first_name=man.first_name,
            last_name=man.last_name,
            date_of_birth=man.date_of_birth,
            phone=f"07700 900{number % 1000:03d}",  # Ofcom's range reserved for drama
            address=man.address,
            available_daytime=True,
            available_evening=number % 2 == 0,
        )
        status = man.status
        phase = "completed" if status == "ended_early" else status
        place = None
        if phase in by_phase:
            place = _place(by_phase[phase], filled, maximum, number)
            if place is None:
                status = "awaiting_allocation"
        referral = Referral(
            participant=participant,
            programme=programme,
            report_type=man.report_type,
            report_date=man.sentence_start - datetime.timedelta(days=14),
            report_author=f"{man.last_name} Report Writer",
            sentence_type=man.sentence_type,
            offence_category=man.offence_category,
            sentence_start=man.sentence_start,
            sentence_end=man.sentence_start + datetime.timedelta(weeks=156),
            responsible_officer=officer,
            status_id=status,
            status_reason=reasons.get(status),
        )
        participants.append(participant)
        referrals.append(referral)
        if place is not None:
            planned = plans[place.pk]
            left_on = None
            if status == "completed":
                left_on = planned[-1].date
            elif status == "ended_early":
                left_on = planned[rng.randrange(len(planned))].date
            memberships.append(
                Membership(
                    group=place, referral=referral, joined_on=place.start_date, left_on=left_on
                )
            )
    Participant.objects.bulk_create(participants, batch_size=BULK)
    Referral.objects.bulk_create(referrals, batch_size=BULK)
    Membership.objects.bulk_create(memberships, batch_size=BULK)
    AuditEvent.objects.bulk_create(
        (
            build_event(
                acting_user=referral.responsible_officer,
                action=Action.REFERRAL_CREATED,
                subject=referral,
                participant=referral.participant,
                new_values={"status": referral.status_id},
                detail={"generated": True},
            )
            for referral in referrals
        ),
        batch_size=BULK,
    )
    return referrals


def _place(
    candidates: list[Group], filled: dict[int, int], maximum: int, number: int
) -> Group | None:
    """The next group of this phase with room, round-robin from the man's number."""
    for step in range(len(candidates)):
        group = candidates[(number + step) % len(candidates)]
        if filled.get(group.pk, 0) < maximum:
            filled[group.pk] = filled.get(group.pk, 0) + 1
            return group
    return None


def _registers(groups: list[Group], staff: _Staff, rng: random.Random) -> int:
    """Registers for most past sessions: mostly attended, some absences, a few failures."""
    members: dict[int, list[Membership]] = {}
    for membership in Membership.objects.filter(group__in=groups).order_by("pk"):
        members.setdefault(membership.group_id, []).append(membership)
    past = Session.objects.filter(group__in=groups, date__lt=TODAY).order_by("group_id", "number")
    registers: list[Register] = []
    taken: list[Session] = []
    attendances: list[Attendance] = []
    absences: list[Absence] = []
    failures: list[Attendance] = []
    for session in past:
        if rng.random() >= REGISTER_SHARE:
            continue
        facilitator = staff.facilitators[session.group_id % len(staff.facilitators)]
        taken_at = timezone.make_aware(datetime.datetime.combine(session.date, session.ends))
        session.register_taken_at = taken_at
        taken.append(session)
        registers.append(
            Register(session=session, version=1, taken_by=facilitator, taken_at=taken_at)
        )
        for membership in members.get(session.group_id, []):
            if membership.left_on is not None and membership.left_on < session.date:
                continue
            mark = Attendance(
                session=session,
                referral_id=membership.referral_id,
                outcome=Outcome.ATTENDED,
                recorded_by=facilitator,
            )
            draw = rng.random()
            if draw < ABSENT_SHARE:
                mark.outcome, absence = _absence(session, membership, facilitator, rng)
                absences.append(absence)
            elif draw < ABSENT_SHARE + FAILED_SHARE:
                mark.outcome = Outcome.FAILED_TO_COMPLY
                mark.minutes_late = 25
                mark.failures = [Failure.LATE]
                failures.append(mark)
            attendances.append(mark)
    Session.objects.bulk_update(taken, ["register_taken_at"], batch_size=BULK)
    Register.objects.bulk_create(registers, batch_size=BULK)
    Attendance.objects.bulk_create(attendances, batch_size=BULK)
    Absence.objects.bulk_create(absences, batch_size=BULK)
    EnforcementItem.objects.bulk_create(
        (
            EnforcementItem(
                referral_id=mark.referral_id,
                attendance=mark,
                failure_date=mark.session.date,
                failure="Late beyond the allowed time",
                advice=Advice.WARN_OR_REFER,
                must_act_by=mark.session.date + datetime.timedelta(days=10),
                explanation="A first failure to comply: warn him or refer him for breach.",
            )
            for mark in failures
        ),
        batch_size=BULK,
    )
    AuditEvent.objects.bulk_create(
        (
            build_event(
                acting_user=register.taken_by,
                action=Action.REGISTER_TAKEN,
                subject=register,
                detail={"generated": True, "session": register.session_id},
            )
            for register in registers
        ),
        batch_size=BULK,
    )
    return len(registers)


def _absence(
    session: Session, membership: Membership, facilitator: User, rng: random.Random
) -> tuple[Outcome, Absence]:
    reason = rng.choice([AbsenceReason.ILLNESS, AbsenceReason.WORK, AbsenceReason.NONE_GIVEN])
    decided = session.date < TODAY - datetime.timedelta(days=14)
    acceptable = reason != AbsenceReason.NONE_GIVEN
    if not decided:
        status, outcome = AbsenceStatus.PENDING, Outcome.ABSENT_PENDING
    elif acceptable:
        status, outcome = AbsenceStatus.ACCEPTABLE, Outcome.ABSENT_ACCEPTABLE
    else:
        status, outcome = AbsenceStatus.UNACCEPTABLE, Outcome.ABSENT_UNACCEPTABLE
    absence = Absence(
        session=session,
        referral_id=membership.referral_id,
        reason=reason,
        how_reported=HowReported.REGISTER,
        reported_by=facilitator,
        evidence_due=session.date + datetime.timedelta(days=7)
        if reason == AbsenceReason.ILLNESS
        else None,
        status=status,
        decided_by=facilitator if decided else None,
        decided_at=timezone.make_aware(
            datetime.datetime.combine(session.date + datetime.timedelta(days=7), session.ends)
        )
        if decided
        else None,
        decision_reason=("He explained it." if acceptable else "No reason given.")
        if decided
        else "",
    )
    return outcome, absence
