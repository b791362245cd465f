"""The demo area: West Mercia as the leaflet shows it, a small second area, staff and men.

Every person here is fictional: names are drawn from short lists of common names by a seeded
random generator, so each run builds the same people. Loading twice adds nothing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from groupwork.allocation.models import KeepApart
from groupwork.assessment import services as assessment_services
from groupwork.assessment.models import InstrumentVersion
from groupwork.core.demo_attendance import follow_up_demo_absences, take_demo_registers
from groupwork.core.demo_casework import casework_demo
from groupwork.core.demo_history import history_groups, record_programme_history
from groupwork.core.reference_data import (
    DEMO_INSTRUMENT,
    ensure_reference_data,
    load_shipped_definitions,
)
from groupwork.groups import services as group_services
from groupwork.groups.models import Group, Membership
from groupwork.letters.services import issue_allocation_letter
from groupwork.organisation.models import Area, ClosureDay, Office, Role, Room, Team, User
from groupwork.participants.models import Participant
from groupwork.programmes.models import Programme
from groupwork.referrals import services as referral_services
from groupwork.referrals.models import (
    Referral,
    ReferralStatus,
    ReportType,
    SentenceType,
    StatusReason,
)
from groupwork.referrals.status_machine import COMPLETED_STATUS

DEMO_PASSWORD = "demo-only-password"  # noqa: S105  (published demo password; DEBUG only)
SEED = 20261126
TODAY = datetime.date(2026, 11, 26)

FIRST_NAMES = [
    "Adam", "Alan", "Barry", "Brian", "Carl", "Colin", "Craig", "Darren", "Dean", "Derek",
    "Gary", "Glen", "Graham", "Ian", "Jason", "Keith", "Kevin", "Lee", "Mark", "Martin",
    "Neil", "Nigel", "Paul", "Peter", "Robert", "Roy", "Shaun", "Simon", "Stuart", "Wayne",
]  # fmt: skip
LAST_NAMES = [
    "Ashworth", "Barlow", "Bennett", "Bradley", "Carter", "Dawson", "Ellis", "Fletcher",
    "Gibbs", "Hale", "Harper", "Hughes", "Jarvis", "Kemp", "Lawson", "Marsh", "Nash", "Owen",
    "Parry", "Pickering", "Rowe", "Sharp", "Slater", "Thorne", "Tucker", "Walsh", "Webb",
    "Whitfield", "Wilde", "Yates",
]  # fmt: skip
STREETS = ["Mill Lane", "Church Street", "Station Road", "Park Avenue", "Victoria Road"]

# How a referral reaches each status, step by step from "received".
PATHS: dict[str, list[str]] = {
    "received": [],
    "awaiting_assessment": ["awaiting_assessment"],
    "awaiting_allocation": ["awaiting_assessment", "awaiting_allocation"],
    "allocated": ["awaiting_assessment", "awaiting_allocation", "allocated"],
    "on_programme": ["awaiting_assessment", "awaiting_allocation", "allocated", "on_programme"],
    "completed": [
        "awaiting_assessment",
        "awaiting_allocation",
        "allocated",
        "on_programme",
        "completed",
    ],  # fmt: skip
    "ended_early": [
        "awaiting_assessment",
        "awaiting_allocation",
        "allocated",
        "on_programme",
        "ended_early",
    ],  # fmt: skip
    "withdrawn": ["awaiting_assessment", "withdrawn"],
}
IN_A_GROUP = {"allocated", "on_programme"}
LEFT_A_GROUP = {"completed", "ended_early"}


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    role: Role
    office: str | None = None
    team: str | None = None


WORCESTER = "Programmes Unit Worcester"
TELFORD = "Programmes Unit Telford"
SHREWSBURY = "Shrewsbury Probation Office"
WORCESTER_TEAM = "Worcester offender management"
TELFORD_TEAM = "Telford offender management"

WEST_MERCIA_STAFF = [
    StaffSpec("pm.westmercia", "Helen", "Marsden", Role.PROGRAMME_MANAGER, WORCESTER),
    StaffSpec("om.worcester", "Rachel", "Owens", Role.OFFENDER_MANAGER, WORCESTER, WORCESTER_TEAM),
    StaffSpec("om.malvern", "Tom", "Ridley", Role.OFFENDER_MANAGER, WORCESTER, WORCESTER_TEAM),
    StaffSpec("om.telford", "Sunita", "Kaur", Role.OFFENDER_MANAGER, TELFORD, TELFORD_TEAM),
    StaffSpec("fac.worcester", "Joanne", "Pryce", Role.FACILITATOR, WORCESTER),
    StaffSpec("fac.shrewsbury", "Owen", "Maddox", Role.FACILITATOR, SHREWSBURY),
    StaffSpec("fac.telford", "Priya", "Lal", Role.FACILITATOR, TELFORD),
    StaffSpec("spo.worcester", "Claire", "Denholm", Role.MANAGER, WORCESTER, WORCESTER_TEAM),
    StaffSpec("chief.westmercia", "Margaret", "Ashby", Role.CHIEF_OFFICER, WORCESTER),
]
OTHER_AREA_STAFF = [
    StaffSpec(
        "om.otherarea",
        "Daniel",
        "Frost",
        Role.OFFENDER_MANAGER,
        "Northmoor Probation Office",
        "Northmoor offender management",
    ),
]
DEMO_LOGINS = [spec.username for spec in WEST_MERCIA_STAFF] + ["admin", "om.otherarea"]


def load_demo() -> list[User]:
    """Build the demo area. Returns the demo accounts, for printing."""
    with transaction.atomic():
        ensure_reference_data()
        load_shipped_definitions()
        west_mercia = _west_mercia()
        northmoor = _northmoor()
        staff = {
            **_staff(west_mercia, WEST_MERCIA_STAFF),
            **_staff(northmoor, OTHER_AREA_STAFF),
        }
        staff["admin"] = _system_admin()
        groups = {**_groups(west_mercia, staff), **history_groups(west_mercia.pk, staff)}
        rng = random.Random(SEED)  # noqa: S311  (repeatable fictional data, not security)
        west_mercia_officers = [staff["om.worcester"], staff["om.malvern"], staff["om.telford"]]
        _men(
            west_mercia,
            prefix="WM",
            count=40,
            officers=west_mercia_officers,
            groups=groups,
            rng=rng,
        )
        _waiting_list_cases(west_mercia, staff)
        _letters(west_mercia)
        if take_demo_registers(groups, TODAY):
            follow_up_demo_absences(TODAY, staff)
        casework_demo(groups, staff, TODAY)
        _men(northmoor, prefix="NM", count=5, officers=[staff["om.otherarea"]], groups={}, rng=rng)
    return [staff[name] for name in DEMO_LOGINS]


def _west_mercia() -> Area:
    area, _ = Area.objects.update_or_create(
        slug="west-mercia",
        defaults={
            "name": "West Mercia",
            "complaints_address": (
                "The Chief Officer\nNational Probation Service\nWest Mercia Area\n"
                "Stourbank House\n90 Mill Street\nKidderminster\nWorcs DY11 6XA"
            ),
        },
    )
    offices = [
        (TELFORD, "Telford", "01952 299366", True, False),
        (SHREWSBURY, "Shrewsbury", "01743 231525", True, False),
        (WORCESTER, "Worcester", "01905 613822", True, False),
        ("Worcester Group Centre", "Worcester", "", False, True),
        ("Shrewsbury Group Centre", "Shrewsbury", "", False, True),
    ]
    for name, town, phone, is_staff_office, is_group_centre in offices:
        Office.objects.update_or_create(
            area=area,
            name=name,
            defaults={
                "slug": slugify(name),
                "town": town,
                "phone": phone,
                "is_staff_office": is_staff_office,
                "is_group_centre": is_group_centre,
            },
        )
    for team, office in [
        (WORCESTER_TEAM, WORCESTER),
        (TELFORD_TEAM, TELFORD),
    ]:
        Team.objects.update_or_create(
            area=area, name=team, defaults={"office": Office.objects.get(area=area, name=office)}
        )
    return area


def _northmoor() -> Area:
    area, _ = Area.objects.update_or_create(
        slug="northmoor",
        defaults={
            "name": "Northmoor (fictional)",
            "complaints_address": (
                "The Chief Officer\nNorthmoor Probation Area\n1 Fell Road\nNorthmoor NM1 1AA"
            ),
        },
    )
    office, _ = Office.objects.update_or_create(
        area=area,
        name="Northmoor Probation Office",
        defaults={
            "slug": "northmoor-probation-office",
            "town": "Northmoor",
            "is_staff_office": True,
            "is_group_centre": True,
        },
    )
    Team.objects.update_or_create(
        area=area, name="Northmoor offender management", defaults={"office": office}
    )
    return area


def _staff(area: Area, specs: list[StaffSpec]) -> dict[str, User]:
    accounts = {}
    for spec in specs:
        user, created = User.objects.update_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "role": spec.role,
                "area": area,
                "office": Office.objects.get(area=area, name=spec.office) if spec.office else None,
                "team": Team.objects.get(area=area, name=spec.team) if spec.team else None,
                "email": f"{spec.username}@example.org",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        accounts[spec.username] = user
    return accounts


def _system_admin() -> User:
    user, created = User.objects.update_or_create(
        username="admin",
        defaults={
            "first_name": "Sam",
            "last_name": "Okafor",
            "role": Role.SYSTEM_ADMIN,
            "is_staff": True,
            "is_superuser": True,
            "email": "admin@example.org",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@dataclass(frozen=True)
class GroupSpec:
    key: str
    name: str
    module: str
    pattern: str
    centre: str
    room: str
    start: datetime.date
    weekday: int
    facilitators: tuple[str, str]


DEMO_GROUPS = [
    GroupSpec("worcester", "Worcester Induction, September 2026", "induction", "full-days",
              "Worcester Group Centre", "Room 1", datetime.date(2026, 9, 7), 0,
              ("fac.worcester", "fac.telford")),
    GroupSpec("shrewsbury", "Shrewsbury Induction, October 2026", "induction", "half-days",
              "Shrewsbury Group Centre", "Group room", datetime.date(2026, 10, 19), 2,
              ("fac.shrewsbury", "fac.telford")),
    GroupSpec("rolling", "Worcester longer-term group, Tuesday evenings", "longer-term",
              "evenings", "Worcester Group Centre", "Room 2", datetime.date(2026, 11, 3), 1,
              ("fac.worcester", "fac.shrewsbury")),
    GroupSpec("january", "Worcester Induction, January 2027", "induction", "half-days",
              "Worcester Group Centre", "Room 1", datetime.date(2027, 1, 18), 0,
              ("fac.worcester", "fac.telford")),
    GroupSpec("april", "Shrewsbury Induction, April 2027 (evenings)", "induction", "evenings",
              "Shrewsbury Group Centre", "Group room", datetime.date(2027, 4, 26), 2,
              ("fac.shrewsbury", "fac.telford")),
]  # fmt: skip
CENTRE_ROOMS = {
    "Worcester Group Centre": ["Room 1", "Room 2"],
    "Shrewsbury Group Centre": ["Group room"],
}
CHRISTMAS_CLOSURE = [datetime.date(2026, 12, day) for day in (24, 29, 30, 31)]


def _groups(area: Area, staff: dict[str, User]) -> dict[str, Group]:
    """Groups part-way through, made by the programme manager with their timetables."""
    for centre_name, rooms in CENTRE_ROOMS.items():
        for room in rooms:
            Room.objects.get_or_create(
                centre=Office.objects.get(area=area, name=centre_name), name=room
            )
    for day in CHRISTMAS_CLOSURE:
        ClosureDay.objects.get_or_create(
            area=area, date=day, defaults={"reason": "Christmas closure"}
        )
    version = Programme.objects.get(code="csogp").current_version()
    groups = {}
    for spec in DEMO_GROUPS:
        group = Group.objects.filter(area=area, name=spec.name).first()
        if group is None:
            centre = Office.objects.get(area=area, name=spec.centre)
            group = group_services.create_group(
                acting_user=staff["pm.westmercia"],
                version=version,
                module_code=spec.module,
                pattern_code=spec.pattern,
                name=spec.name,
                centre=centre,
                room=Room.objects.get(centre=centre, name=spec.room),
                start=spec.start,
                weekday=spec.weekday,
                facilitators=[staff[name] for name in spec.facilitators],
            )
        groups[spec.key] = group
    return groups


def _men(  # noqa: PLR0913  (the demo's one builder of men, called twice)
    area: Area,
    *,
    prefix: str,
    count: int,
    officers: list[User],
    groups: dict[str, Group],
    rng: random.Random,
) -> None:
    statuses = list(PATHS)
    programme = Programme.objects.get(code="csogp")
    for number in range(1, count + 1):
        # Draw every value even for men already loaded, so each man stays the same on reload.
        status = statuses[(number - 1) % len(statuses)]
        officer = officers[(number - 1) % len(officers)]
        details = _man_details(rng, number)
        referral_details = _referral_details(rng, status)
        reference = f"{prefix}{number:05d}"
        if Participant.objects.filter(area=area, case_reference=reference).exists():
            continue
        referral = referral_services.refer_new_participant(
            acting_user=officer,
            participant_details={**details, "case_reference": reference},
            referral_details={
                **referral_details,
                "programme": programme,
                "responsible_officer": officer,
            },
        )
        for step in PATHS[status]:
            if step == COMPLETED_STATUS:
                # He completes only with his pathway's content covered: assessed, then
                # through the groups it needs.
                _assess(referral, status, officer, rng)
                record_programme_history(referral, groups, TODAY)
            target = ReferralStatus.objects.get(pk=step)
            reason = StatusReason.objects.filter(status=target).order_by("code").first()
            referral = referral_services.change_status(
                acting_user=officer,
                referral=referral,
                to_status=target,
                reason=reason if target.needs_reason else None,
            )
        if COMPLETED_STATUS not in PATHS[status]:
            _assess(referral, status, officer, rng)
        if groups and (status in IN_A_GROUP or status in LEFT_A_GROUP):
            group = groups[("worcester", "shrewsbury", "rolling")[number % 3]]
            Membership.objects.create(
                group=group,
                referral=referral,
                joined_on=group.start_date,
                left_on=TODAY - datetime.timedelta(days=rng.randint(1, 60))
                if status in LEFT_A_GROUP
                else None,
            )


def _man_details(rng: random.Random, number: int) -> dict[str, object]:
    age_days = rng.randint(20 * 365, 65 * 365)
    return {
        "first_name": rng.choice(FIRST_NAMES),
        "last_name": rng.choice(LAST_NAMES),
        "date_of_birth": TODAY - datetime.timedelta(days=age_days),
        "phone": f"07700 900{number:03d}",  # Ofcom's range reserved for drama
        "address": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        "postcode": "",
        "needs_reading_writing_help": rng.random() < 0.25,  # noqa: PLR2004
        "interpreter_language": "Polish" if rng.random() < 0.05 else "",  # noqa: PLR2004
        "disability_adjustments": "",
        "work_pattern": "Full time, weekdays" if rng.random() < 0.4 else "",  # noqa: PLR2004
        "available_daytime": True,
        "available_evening": rng.random() < 0.5,  # noqa: PLR2004
    }


def _referral_details(rng: random.Random, status: str) -> dict[str, object]:
    weeks_ago = {"received": 1, "awaiting_assessment": 4, "completed": 110, "ended_early": 60}
    start = TODAY - datetime.timedelta(weeks=weeks_ago.get(status, 20) + rng.randint(0, 3))
    return {
        "report_type": ReportType.PRE_SENTENCE if rng.random() < 0.8 else ReportType.PAROLE,  # noqa: PLR2004
        "report_date": start - datetime.timedelta(days=rng.randint(7, 28)),
        "report_author": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "sentence_type": SentenceType.COMMUNITY_ORDER
        if rng.random() < 0.75  # noqa: PLR2004
        else SentenceType.LICENCE,
        "sentence_start": start,
        "offence_category": rng.choice(["contact", "non_contact", "internet"]),
        "sentence_end": start + datetime.timedelta(weeks=rng.choice([104, 130, 156])),
    }


ASSESSED = {"awaiting_allocation", "allocated", "on_programme", "completed", "ended_early"}
OCCASIONS_BY_STATUS = {
    "on_programme": ["pre-programme", "post-induction"],
    "completed": ["pre-programme", "post-induction", "end-of-programme"],
}


def _assess(referral: Referral, status: str, officer: User, rng: random.Random) -> None:
    """Questionnaires, risk and pathway as far as his referral has gone."""
    version = InstrumentVersion.objects.get(instrument__code=DEMO_INSTRUMENT)
    items = [item.number for item in version.parsed.items]
    if status == "awaiting_assessment":
        started = assessment_services.start_administration(
            acting_user=officer,
            referral=referral,
            occasion="pre-programme",
            version=version,
            mode="staff",
        )
        answers: dict[int, int | None] = {n: rng.randint(0, 3) for n in items[:3]}
        assessment_services.save_answers(
            acting_user=officer, administration=started, answers=dict(answers)
        )
        return
    if status not in ASSESSED:
        return
    for step, occasion in enumerate(OCCASIONS_BY_STATUS.get(status, ["pre-programme"])):
        sitting = assessment_services.start_administration(
            acting_user=officer, referral=referral, occasion=occasion, version=version, mode="staff"
        )
        # Later occasions lean towards coping better, as men who finish often do.
        answers = {n: _answer(rng, n, step) for n in items}
        assessment_services.save_answers(
            acting_user=officer,
            administration=sitting,
            answers=dict(answers),
            assistance=["read_aloud"] if referral.participant.needs_reading_writing_help else [],
            assisted_by=officer if referral.participant.needs_reading_writing_help else None,
        )
        assessment_services.complete_administration(acting_user=officer, administration=sitting)
    assessment_services.record_risk_score(
        acting_user=officer,
        referral=referral,
        inputs={
            "age_at_commencement_of_risk": rng.randint(19, 60),
            "sexual_appearances": rng.choice([1, 1, 1, 2, 3]),
            "criminal_appearances": rng.randint(1, 6),
            "male_victim": rng.random() < 0.2,  # noqa: PLR2004
            "stranger_victim": rng.random() < 0.3,  # noqa: PLR2004
            "single": rng.random() < 0.5,  # noqa: PLR2004
            "non_contact": rng.random() < 0.3,  # noqa: PLR2004
        },
    )
    assessment_services.decide_pathway(acting_user=officer, referral=referral)


def _answer(rng: random.Random, item: int, step: int) -> int:
    coping = min(3, rng.randint(0, 2) + step)
    return 3 - coping if item % 2 == 0 else coping  # even items are reverse keyed


def _letters(area: Area) -> None:
    """The letter each man with a place was sent."""
    for membership in Membership.objects.current().filter(
        group__area=area, referral__status_id="allocated", referral__letters__isnull=True
    ):
        issue_allocation_letter(
            acting_user=membership.referral.responsible_officer, membership=membership
        )


def _waiting_list_cases(area: Area, staff: dict[str, User]) -> None:
    """Two waiting men who must be kept apart, and one whose sentence ends too soon."""
    waiting = list(
        Referral.objects.filter(participant__area=area, status_id="awaiting_allocation")
        .select_related("participant", "responsible_officer")
        .order_by("participant__case_reference")
    )
    if len(waiting) < 3:  # noqa: PLR2004  (the demo has six waiting men)
        return
    first, second, short = waiting[0], waiting[1], waiting[2]
    KeepApart.objects.get_or_create(
        first=first.participant,
        second=second.participant,
        defaults={"reason": "Co-defendants", "recorded_by": staff["pm.westmercia"]},
    )
    ends_soon = datetime.date(2027, 6, 30)
    if short.sentence_end != ends_soon:
        referral_services.update_referral(
            acting_user=short.responsible_officer,
            referral=short,
            changes={"sentence_end": ends_soon},
        )
