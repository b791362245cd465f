"""A small world with one persona per role, as the demo logins name them, and men placed so
that each persona may see some records and not others.

- worcester_man: om.worcester's case (Worcester team), in fac.worcester's group.
- telford_man: om.telford's case (Telford team), in fac.shrewsbury's group.
- former_member: om.worcester's case; he left fac.worcester's group, so she no longer sees him.
- other_area_man: om.otherarea's case in the second area.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.test import Client

from groupwork.assessment.models import Administration, InstrumentVersion
from groupwork.attendance.models import Absence, AbsenceReason, CatchUp, HowReported
from groupwork.casework.models import (
    Assignment,
    Complaint,
    ComplaintStage,
    Incident,
    IncidentKind,
    OneToOne,
)
from groupwork.core.reference_data import ensure_reference_data
from groupwork.enforcement.models import Advice, EnforcementItem
from groupwork.groups.models import Group, Session, SessionFacilitator
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
from groupwork.organisation.models import Area, Role, User
from groupwork.organisation.tests.factories import (
    AreaFactory,
    OfficeFactory,
    TeamFactory,
    UserFactory,
)
from groupwork.participants.models import Participant
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory

PERSONAS = [
    "om.worcester",
    "om.telford",
    "fac.worcester",
    "fac.shrewsbury",
    "spo.worcester",
    "pm.westmercia",
    "chief.westmercia",
    "admin",
    "om.otherarea",
]


@dataclass
class World:
    area: Area
    other_area: Area
    users: dict[str, User]
    worcester_referral: Referral
    telford_referral: Referral
    former_referral: Referral
    other_area_referral: Referral
    worcester_group: Group
    shrewsbury_group: Group
    worcester_session: Session
    worcester_administration: Administration
    # worcester_man missed worcester_session: the absence is pending, a catch-up is owed and
    # an enforcement item waits for om.worcester.
    worcester_absence: Absence
    worcester_catch_up: CatchUp
    worcester_enforcement: EnforcementItem
    # Casework for worcester_man: a one-to-one due, an assignment set at worcester_session, an
    # incident there, and a complaint at stage 1 that names spo.worcester.
    worcester_one_to_one: OneToOne = field(init=False)
    worcester_assignment: Assignment = field(init=False)
    worcester_incident: Incident = field(init=False)
    worcester_complaint: Complaint = field(init=False)

    @property
    def worcester_man(self) -> Participant:
        return self.worcester_referral.participant

    @property
    def telford_man(self) -> Participant:
        return self.telford_referral.participant

    @property
    def former_member(self) -> Participant:
        return self.former_referral.participant

    @property
    def other_area_man(self) -> Participant:
        return self.other_area_referral.participant


def build_world() -> World:
    ensure_reference_data()
    area = AreaFactory.create(name="West Mercia", slug="west-mercia")
    other_area = AreaFactory.create(name="Northmoor", slug="northmoor")
    office = OfficeFactory.create(area=area, name="Programmes Unit Worcester")
    worcester_team = TeamFactory.create(area=area, office=office, name="Worcester")
    telford_team = TeamFactory.create(area=area, office=office, name="Telford")
    other_team = TeamFactory.create(area=other_area, name="Northmoor")

    def staff(username: str, role: Role, **extra: object) -> User:
        user: User = UserFactory.create(username=username, role=role, area=area, **extra)
        return user

    users: dict[str, User] = {
        "om.worcester": staff("om.worcester", Role.OFFENDER_MANAGER, team=worcester_team),
        "om.telford": staff("om.telford", Role.OFFENDER_MANAGER, team=telford_team),
        "fac.worcester": staff("fac.worcester", Role.FACILITATOR),
        "fac.shrewsbury": staff("fac.shrewsbury", Role.FACILITATOR),
        "spo.worcester": staff("spo.worcester", Role.MANAGER, team=worcester_team),
        "pm.westmercia": staff("pm.westmercia", Role.PROGRAMME_MANAGER),
        "chief.westmercia": staff("chief.westmercia", Role.CHIEF_OFFICER),
        "admin": UserFactory.create(
            username="admin", role=Role.SYSTEM_ADMIN, area=None, is_staff=True, is_superuser=True
        ),
        "om.otherarea": UserFactory.create(
            username="om.otherarea", role=Role.OFFENDER_MANAGER, area=other_area, team=other_team
        ),
    }

    def referral(officer: str, status: str = "on_programme") -> Referral:
        made: Referral = ReferralFactory.create(
            participant__area=users[officer].area,
            responsible_officer=users[officer],
            status_id=status,
        )
        return made

    worcester_group = GroupFactory.create(
        area=area, name="Worcester group", facilitators=[users["fac.worcester"]]
    )
    shrewsbury_group = GroupFactory.create(
        area=area, name="Shrewsbury group", facilitators=[users["fac.shrewsbury"]]
    )
    worcester_session = SessionFactory.create(group=worcester_group, number=6)
    SessionFacilitator.objects.create(session=worcester_session, facilitator=users["fac.worcester"])
    worcester_referral = referral("om.worcester")
    missed_by_worcester_man = {"session": worcester_session, "referral": worcester_referral}
    world = World(
        area=area,
        other_area=other_area,
        users=users,
        worcester_referral=worcester_referral,
        telford_referral=referral("om.telford"),
        former_referral=referral("om.worcester", "ended_early"),
        other_area_referral=referral("om.otherarea"),
        worcester_group=worcester_group,
        shrewsbury_group=shrewsbury_group,
        worcester_session=worcester_session,
        worcester_administration=Administration.objects.create(
            referral=worcester_referral,
            occasion="pre-programme",
            version=InstrumentVersion.objects.get(instrument__code="demo-coping"),
            started_by=users["om.worcester"],
        ),
        worcester_absence=Absence.objects.create(
            **missed_by_worcester_man,
            reason=AbsenceReason.ILLNESS,
            how_reported=HowReported.PHONE,
            reported_by=users["fac.worcester"],
            evidence_due=datetime.date(2026, 12, 14),
        ),
        worcester_catch_up=CatchUp.objects.create(
            referral=worcester_referral,
            missed_session=worcester_session,
            module="induction",
            content=[6],
        ),
        worcester_enforcement=EnforcementItem.objects.create(
            referral=worcester_referral,
            failure_date=worcester_session.date,
            failure="Did not attend session 6 without an acceptable reason",
            advice=Advice.WARN_OR_REFER,
            must_act_by=datetime.date(2026, 12, 21),
            explanation="No warning in the 12 months before this failure.",
        ),
    )
    MembershipFactory.create(group=worcester_group, referral=world.worcester_referral)
    add_casework(world)
    MembershipFactory.create(group=shrewsbury_group, referral=world.telford_referral)
    MembershipFactory.create(
        group=worcester_group,
        referral=world.former_referral,
        left_on=datetime.date(2026, 10, 1),
    )
    return world


def add_casework(world: World) -> None:
    users, referral, session = world.users, world.worcester_referral, world.worcester_session
    world.worcester_one_to_one = OneToOne.objects.create(
        referral=referral, code="before", label="Before the programme", due_on=session.date
    )
    world.worcester_assignment = Assignment.objects.create(
        session=session,
        title="My week",
        instructions="Write down one time you felt under pressure.",
        due_on=session.date + datetime.timedelta(weeks=1),
        set_by=users["fac.worcester"],
    )
    world.worcester_incident = Incident.objects.create(
        session=session,
        kind=IncidentKind.SEXISM,
        description="A sexist remark about a member of staff.",
        how_challenged="Named at once as against the group rules.",
        recorded_by=users["fac.worcester"],
    )
    world.worcester_incident.men.add(referral)
    complaint = Complaint.objects.create(
        referral=referral,
        summary="He says his manager was rude to him.",
        received_on=datetime.date(2026, 11, 2),
        recorded_by=users["om.worcester"],
    )
    complaint.named_staff.add(users["spo.worcester"])
    ComplaintStage.objects.create(
        complaint=complaint,
        number=1,
        handler=users["om.worcester"],
        opened_on=datetime.date(2026, 11, 2),
        acknowledge_by=datetime.date(2026, 11, 5),
        respond_by=datetime.date(2026, 11, 16),
    )
    world.worcester_complaint = complaint


def client_for(world: World, persona: str) -> Client:
    """A test client signed in as one of the world's personas."""
    client = Client()
    client.force_login(world.users[persona])
    return client
