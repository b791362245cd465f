"""A small area whose every measure has been counted by hand (docs/reports.md defines them).

Period: 1 January to 18 December 2026; today is 18 December 2026. Centres: Worcester (W) and
Shrewsbury (S). Programme: C-SOGP. Dates below are 2026 unless said.

Men (ethnic group, religion, disability, age on 18 December):
- Adam: White, Christian, no, 36. Referred 2 Feb; sentence from 12 Jan, to 11 Jan 2027. In
  induction group G1 (W) from 2 Mar: starts 2 Mar (7 weeks), unacceptable absence 16 Mar
  (warned 20 Mar, in time), completed 14 Sep (before his sentence ended). Complaint stage 1
  (opened 1 Apr, answered 14 Apr, due 15 Apr: on time) and stage 2 (opened 20 Apr, answered
  on its day, 11 May: on time). Incident (racism) at G1's first session.
- Ben, the man who starts twice: White, no religion, yes, 23.
  - First referral: recorded 5 Jan, sentence from 5 Jan. G1 from 2 Mar: starts 2 Mar
    (8 weeks); acceptable absence 9 Mar; a failure on 6 Apr referred for breach on 10 Apr (in
    time); ended early 20 Apr, reason breach.
  - Second referral: recorded 4 May, sentence from 1 May. G2 (induction, W) from 1 Jun:
    unacceptable absence 1 Jun (referred for breach 22 Jun, due 15 Jun: late), starts 8 Jun
    (38 days, 5.4 weeks). Still on the programme.
- Carl, a restricted case that only his officer may see: Asian or Asian British, Muslim,
  disability not stated, 51. Referred 10 Mar, sentence 2 Feb to 31 Aug. G1 from 2 Mar: starts
  2 Mar attending late, failing to comply (4 weeks; no action taken 17 Mar, due 16 Mar: late);
  his third session cancelled by the service. Completed 14 Sep, after his sentence ended.
  Complaint stage 1 opened 1 May, answered 20 May, due 15 May: late.
- Dan: White, religion blank, prefers not to say. Referred 1 Apr; withdrawn 15 Apr while
  awaiting assessment (found unsuitable). Never in a group.
- Ed: nothing declared. Referred 1 May; placed in G2 from 1 Jun but left that day; withdrawn
  3 Jun while allocated (moved away).
- Frank: White, Christian, no, 66. Referred 10 Jun, sentence from 1 Jun. Longer-term group
  G3 (S) from 6 Jul: starts 6 Jul (5 weeks). Failure 28 Sep, recall asked for (recorded
  1 Oct, no action date given; due 12 Oct: in time); ended early 5 Oct, recalled. Complaint
  stage 1 opened 10 Dec, due 24 Dec, open: not yet due. Incident (other) at G3.
- Harry 1 to 5: White, no religion, no, 31. Referred 15 Apr, sentence from 20 Apr. G2 from
  1 Jun: all start 1 Jun (6 weeks); on 8 Jun Harry 1's absence is pending, the rest attend.
  Harry 2: failure 2 Nov, due 16 Nov, still open (late); incident (sexism) on 8 Jun.
  Harry 3: failure 14 Dec, due 29 Dec, open (not yet due). Harry 4: complaint stage 1
  opened 2 Nov, due 16 Nov, unanswered (late).
- George, before the period: White, Christian, no, 41. Referred 1 Oct 2025, started 3 Nov
  2025 in G0 (W); warned 3 Dec 2025 for a failure on 1 Dec 2025; complaint 1 Dec 2025;
  incident 3 Nov 2025. Completed 16 Feb 2026, before his sentence ended (1 Sep 2027).
- Oscar, of another area: referred, started, warned, complained and completed in the period.
  Nothing of his counts.

Hand counts (all centres):
- Referrals received 12 (Adam, Ben twice, Carl, Dan, Ed, Frank, five Harrys).
- Starts 10 (Adam, Ben twice, Carl, Frank, five Harrys). Weeks, sorted: 4, 5, 5.4, 6, 6, 6,
  6, 6, 7, 8: median 6.0; "4 to 8 weeks" 9, "8 to 13 weeks" 1.
- Completions 3 (Adam, Carl, George), 2 before the sentence ended (66.7%). Ended early 2
  (Ben's first, Frank), withdrawn 2 (Dan, Ed). Completion rate 3 of 5: 60.0%.
- Marks: attended 16, failed to comply 1, acceptable 1, unacceptable 2, pending 1,
  cancelled 1: attendance rate 17 of 21, 81.0%.
- Enforcement, failures in the period: in time 3 (Adam, Ben's first, Frank), late 3 (Ben's
  second, Carl, Harry 2), not yet due 1 (Harry 3): 50.0%. Warning 1, breach 2, recall 1,
  no action 1, no action yet 2.
- Complaint stages: stage 1 opened 4, on time 1, late 2, not yet due 1 (33.3%); stage 2
  opened 1, on time 1 (100.0%); overall 2 of 4, 50.0%.
- Incidents 3: racism 1, sexism 1, other 1.

Shrewsbury alone: referrals 1, starts 1, completions 0, ended early 1, marks 1 attended,
enforcement 1 in time, complaint stage 1 not yet due, incidents 1 (other).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from groupwork.attendance.models import Attendance, Outcome
from groupwork.attendance.tests.factories import AttendanceFactory
from groupwork.casework.models import Complaint, ComplaintStage, Incident, IncidentKind
from groupwork.enforcement.models import ActionTaken, EnforcementItem
from groupwork.enforcement.tests.factories import EnforcementItemFactory
from groupwork.groups.models import Group, Session
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
from groupwork.organisation.models import Area, Office, Role, User
from groupwork.organisation.tests.factories import AreaFactory, OfficeFactory, UserFactory
from groupwork.participants.models import Participant
from groupwork.participants.tests.factories import ParticipantFactory
from groupwork.programmes.models import Programme
from groupwork.referrals.models import Referral, StatusChange, StatusReason
from groupwork.referrals.tests.factories import ReferralFactory
from groupwork.reports.measures import Filters

TODAY = datetime.date(2026, 12, 18)
NOW = "2026-12-18 12:00 +0000"
PERIOD = (datetime.date(2026, 1, 1), TODAY)


def day(month: int, date: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, date)


def noon(on: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(on, datetime.time(12), tzinfo=datetime.UTC)


@dataclass
class Fixture:
    area: Area
    worcester: Office
    shrewsbury: Office
    programme: Programme
    pm: User
    chief: User
    officer: User
    men: dict[str, Participant] = field(default_factory=dict)
    referrals: dict[str, Referral] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)

    def filters(self, centre: Office | None = None) -> Filters:
        return Filters(
            area_id=self.area.pk,
            programme_id=self.programme.pk,
            centre_id=centre.pk if centre else None,
            start=PERIOD[0],
            end=PERIOD[1],
        )


class Builder:
    def __init__(self, fixture: Fixture) -> None:
        self.f = fixture

    def man(self, key: str, **details: Any) -> Participant:
        man: Participant = ParticipantFactory.create(
            area=details.pop("area", self.f.area), first_name=key.capitalize(), **details
        )
        self.f.men[key] = man
        return man

    def referral(  # noqa: PLR0913  (each is a fact of the fixture)
        self,
        key: str,
        man: Participant,
        *,
        recorded: datetime.date,
        sentence: tuple[datetime.date, datetime.date],
        status: str,
        officer: User | None = None,
    ) -> Referral:
        referral: Referral = ReferralFactory.create(
            participant=man,
            responsible_officer=officer or self.f.officer,
            sentence_start=sentence[0],
            sentence_end=sentence[1],
            status_id=status,
        )
        Referral.objects.filter(pk=referral.pk).update(created_at=noon(recorded))
        self.f.referrals[key] = referral
        return referral

    def close(self, key: str, *, on: datetime.date, to: str, stage: str, reason: str = "") -> None:
        change = StatusChange.objects.create(
            referral=self.f.referrals[key],
            from_status_id=stage,
            to_status_id=to,
            reason=StatusReason.objects.get(status_id=to, code=reason) if reason else None,
            changed_by=self.f.pm,
        )
        StatusChange.objects.filter(pk=change.pk).update(changed_at=noon(on))

    def group(self, key: str, *, centre: Office, module: str, start: datetime.date) -> Group:
        group: Group = GroupFactory.create(
            area=centre.area, centre=centre, module=module, start_date=start, name=f"Group {key}"
        )
        self.f.groups[key] = group
        return group

    def session(self, key: str, group: str, number: int, on: datetime.date) -> Session:
        session: Session = SessionFactory.create(group=self.f.groups[group], number=number, date=on)
        self.f.sessions[key] = session
        return session

    def place(self, referral: str, group: str, joined: datetime.date, **extra: Any) -> None:
        MembershipFactory.create(
            group=self.f.groups[group],
            referral=self.f.referrals[referral],
            joined_on=joined,
            **extra,
        )

    def mark(self, session: str, referral: str, outcome: str, **extra: Any) -> Attendance:
        mark: Attendance = AttendanceFactory.create(
            session=self.f.sessions[session],
            referral=self.f.referrals[referral],
            outcome=outcome,
            recorded_by=self.f.pm,
            **extra,
        )
        return mark

    def enforcement(  # noqa: PLR0913
        self,
        referral: str,
        *,
        failure: datetime.date,
        due: datetime.date,
        action: str = "",
        action_on: datetime.date | None = None,
        decided: datetime.date | None = None,
        attendance: Attendance | None = None,
    ) -> EnforcementItem:
        recorded = decided or action_on  # the decision is recorded on the day unless said
        item: EnforcementItem = EnforcementItemFactory.create(
            referral=self.f.referrals[referral],
            failure_date=failure,
            must_act_by=due,
            action_taken=action,
            action_on=action_on,
            decided_at=noon(recorded) if recorded else None,
            decided_by=self.f.officer if action else None,
            attendance=attendance,
        )
        return item

    def complaint_stage(  # noqa: PLR0913
        self,
        referral: str,
        *,
        number: int,
        opened: datetime.date,
        due: datetime.date,
        answered: datetime.date | None = None,
        complaint: Complaint | None = None,
    ) -> Complaint:
        if complaint is None:
            complaint = Complaint.objects.create(
                referral=self.f.referrals[referral],
                summary="He says a session was moved without telling him.",
                received_on=opened,
                recorded_by=self.f.officer,
            )
        ComplaintStage.objects.create(
            complaint=complaint,
            number=number,
            handler=self.f.pm,
            opened_on=opened,
            acknowledge_by=opened + datetime.timedelta(days=3),
            respond_by=due,
            responded_on=answered,
        )
        return complaint

    def incident(self, session: str, kind: str, *referrals: str) -> None:
        incident = Incident.objects.create(
            session=self.f.sessions[session],
            kind=kind,
            description="A remark against the group rules.",
            how_challenged="Challenged at once.",
            recorded_by=self.f.pm,
        )
        incident.men.add(*(self.f.referrals[key] for key in referrals))


WHITE, ASIAN = "White", "Asian or Asian British"


def build_fixture() -> Fixture:
    area = AreaFactory.create(name="Fixture Area", slug="fixture-area")
    staff = {"area": area}
    fixture = Fixture(
        area=area,
        worcester=OfficeFactory.create(area=area, name="Worcester Centre"),
        shrewsbury=OfficeFactory.create(area=area, name="Shrewsbury Centre"),
        programme=Programme.objects.get(code="csogp"),
        pm=UserFactory.create(username="pm.fixture", role=Role.PROGRAMME_MANAGER, **staff),
        chief=UserFactory.create(username="chief.fixture", role=Role.CHIEF_OFFICER, **staff),
        officer=UserFactory.create(username="om.fixture", role=Role.OFFENDER_MANAGER, **staff),
    )
    b = Builder(fixture)
    _men(b)
    _groups(b)
    _referrals(b)
    _attendance_and_enforcement(b)
    _complaints_and_incidents(b)
    _before_the_period(b)
    _another_area(b)
    return fixture


def _men(b: Builder) -> None:
    b.man(
        "adam",
        ethnicity=WHITE,
        religion="Christian",
        disability="no",
        date_of_birth=day(5, 1, 1990),
    )
    b.man(
        "ben",
        ethnicity=WHITE,
        religion="No religion",
        disability="yes",
        date_of_birth=day(1, 10, 2003),
    )
    carl = b.man("carl", ethnicity=ASIAN, religion="Muslim", date_of_birth=day(7, 1, 1975))
    carl.restricted_to.add(b.f.officer)
    b.man("dan", ethnicity=WHITE, disability="prefer_not_to_say", date_of_birth=day(1, 1, 1980))
    b.man("ed", date_of_birth=day(1, 1, 1988))
    b.man(
        "frank",
        ethnicity=WHITE,
        religion="Christian",
        disability="no",
        date_of_birth=day(3, 3, 1960),
    )
    for n in range(1, 6):
        b.man(
            f"harry{n}",
            ethnicity=WHITE,
            religion="No religion",
            disability="no",
            date_of_birth=day(6, 15, 1995),
        )
    b.man(
        "george",
        ethnicity=WHITE,
        religion="Christian",
        disability="no",
        date_of_birth=day(1, 1, 1985),
    )


def _groups(b: Builder) -> None:
    w, s = b.f.worcester, b.f.shrewsbury
    b.group("G0", centre=w, module="induction", start=day(11, 3, 2025))
    b.group("G1", centre=w, module="induction", start=day(3, 2))
    b.group("G2", centre=w, module="induction", start=day(6, 1))
    b.group("G3", centre=s, module="longer-term", start=day(7, 6))
    b.session("S0a", "G0", 1, day(11, 3, 2025))
    b.session("S1a", "G1", 1, day(3, 2))
    b.session("S1b", "G1", 2, day(3, 9))
    b.session("S1c", "G1", 3, day(3, 16))
    b.session("S2a", "G2", 1, day(6, 1))
    b.session("S2b", "G2", 2, day(6, 8))
    b.session("S3a", "G3", 1, day(7, 6))


def _referrals(b: Builder) -> None:
    men = b.f.men
    b.referral(
        "adam",
        men["adam"],
        recorded=day(2, 2),
        sentence=(day(1, 12), day(1, 11, 2027)),
        status="completed",
    )
    b.close("adam", on=day(9, 14), to="completed", stage="on_programme")
    b.referral(
        "ben1",
        men["ben"],
        recorded=day(1, 5),
        sentence=(day(1, 5), day(1, 4, 2028)),
        status="ended_early",
    )
    b.close("ben1", on=day(4, 20), to="ended_early", stage="on_programme", reason="breach")
    b.referral(
        "ben2",
        men["ben"],
        recorded=day(5, 4),
        sentence=(day(5, 1), day(4, 30, 2028)),
        status="on_programme",
    )
    b.referral(
        "carl",
        men["carl"],
        recorded=day(3, 10),
        sentence=(day(2, 2), day(8, 31)),
        status="completed",
    )
    b.close("carl", on=day(9, 14), to="completed", stage="on_programme")
    b.referral(
        "dan",
        men["dan"],
        recorded=day(4, 1),
        sentence=(day(4, 1), day(3, 31, 2028)),
        status="withdrawn",
    )
    b.close("dan", on=day(4, 15), to="withdrawn", stage="awaiting_assessment", reason="unsuitable")
    b.referral(
        "ed",
        men["ed"],
        recorded=day(5, 1),
        sentence=(day(5, 1), day(4, 30, 2028)),
        status="withdrawn",
    )
    b.close("ed", on=day(6, 3), to="withdrawn", stage="allocated", reason="moved_away")
    b.referral(
        "frank",
        men["frank"],
        recorded=day(6, 10),
        sentence=(day(6, 1), day(5, 31, 2028)),
        status="ended_early",
    )
    b.close("frank", on=day(10, 5), to="ended_early", stage="on_programme", reason="recalled")
    for n in range(1, 6):
        b.referral(
            f"harry{n}",
            men[f"harry{n}"],
            recorded=day(4, 15),
            sentence=(day(4, 20), day(4, 19, 2028)),
            status="on_programme",
        )
    b.place("adam", "G1", day(3, 2))
    b.place("ben1", "G1", day(3, 2), left_on=day(4, 20))
    b.place("carl", "G1", day(3, 2))
    b.place("ben2", "G2", day(6, 1))
    b.place("ed", "G2", day(6, 1), left_on=day(6, 1))
    b.place("frank", "G3", day(7, 6))
    for n in range(1, 6):
        b.place(f"harry{n}", "G2", day(6, 1))


def _attendance_and_enforcement(b: Builder) -> None:
    attended, failed = Outcome.ATTENDED, Outcome.FAILED_TO_COMPLY
    b.mark("S1a", "adam", attended)
    b.mark("S1a", "ben1", attended)
    carl_late = b.mark("S1a", "carl", failed, minutes_late=20, failures=["late"])
    b.mark("S1b", "adam", attended)
    b.mark("S1b", "ben1", Outcome.ABSENT_ACCEPTABLE)
    b.mark("S1b", "carl", attended)
    adam_absent = b.mark("S1c", "adam", Outcome.ABSENT_UNACCEPTABLE)
    b.mark("S1c", "ben1", attended)
    b.mark("S1c", "carl", Outcome.CANCELLED)
    ben_absent = b.mark("S2a", "ben2", Outcome.ABSENT_UNACCEPTABLE)
    b.mark("S2b", "ben2", attended)
    for n in range(1, 6):
        b.mark("S2a", f"harry{n}", attended)
        b.mark("S2b", f"harry{n}", Outcome.ABSENT_PENDING if n == 1 else attended)
    b.mark("S3a", "frank", attended)

    warning, breach = ActionTaken.WARNING, ActionTaken.BREACH
    b.enforcement(
        "adam",
        failure=day(3, 16),
        due=day(3, 30),
        action=warning,
        action_on=day(3, 20),
        attendance=adam_absent,
    )
    b.enforcement("ben1", failure=day(4, 6), due=day(4, 20), action=breach, action_on=day(4, 10))
    b.enforcement(
        "ben2",
        failure=day(6, 1),
        due=day(6, 15),
        action=breach,
        action_on=day(6, 22),
        attendance=ben_absent,
    )
    b.enforcement(
        "carl",
        failure=day(3, 2),
        due=day(3, 16),
        action=ActionTaken.NO_ACTION,
        action_on=day(3, 17),
        attendance=carl_late,
    )
    b.enforcement(
        "frank", failure=day(9, 28), due=day(10, 12), action=ActionTaken.RECALL, decided=day(10, 1)
    )
    b.enforcement("harry2", failure=day(11, 2), due=day(11, 16))
    b.enforcement("harry3", failure=day(12, 14), due=day(12, 29))


def _complaints_and_incidents(b: Builder) -> None:
    adams = b.complaint_stage(
        "adam", number=1, opened=day(4, 1), due=day(4, 15), answered=day(4, 14)
    )
    b.complaint_stage(
        "adam", number=2, opened=day(4, 20), due=day(5, 11), answered=day(5, 11), complaint=adams
    )
    b.complaint_stage("carl", number=1, opened=day(5, 1), due=day(5, 15), answered=day(5, 20))
    b.complaint_stage("frank", number=1, opened=day(12, 10), due=day(12, 24))
    b.complaint_stage("harry4", number=1, opened=day(11, 2), due=day(11, 16))
    b.incident("S1a", IncidentKind.RACISM, "adam")
    b.incident("S2b", IncidentKind.SEXISM, "harry2")
    b.incident("S3a", IncidentKind.OTHER, "frank")


def _before_the_period(b: Builder) -> None:
    b.referral(
        "george",
        b.f.men["george"],
        recorded=day(10, 1, 2025),
        sentence=(day(9, 1, 2025), day(9, 1, 2027)),
        status="completed",
    )
    b.close("george", on=day(2, 16), to="completed", stage="on_programme")
    b.place("george", "G0", day(11, 3, 2025))
    b.mark("S0a", "george", Outcome.ATTENDED)
    b.enforcement(
        "george",
        failure=day(12, 1, 2025),
        due=day(12, 15, 2025),
        action=ActionTaken.WARNING,
        action_on=day(12, 3, 2025),
    )
    b.complaint_stage(
        "george",
        number=1,
        opened=day(12, 1, 2025),
        due=day(12, 15, 2025),
        answered=day(12, 2, 2025),
    )
    b.incident("S0a", IncidentKind.HOMOPHOBIA, "george")


def _another_area(b: Builder) -> None:
    other = AreaFactory.create(name="Elsewhere", slug="elsewhere")
    officer = UserFactory.create(username="om.elsewhere", role=Role.OFFENDER_MANAGER, area=other)
    oscar = b.man("oscar", area=other, ethnicity=WHITE, date_of_birth=day(1, 1, 1970))
    b.referral(
        "oscar",
        oscar,
        recorded=day(2, 2),
        sentence=(day(2, 2), day(2, 1, 2028)),
        status="completed",
        officer=officer,
    )
    b.close("oscar", on=day(9, 1), to="completed", stage="on_programme")
    centre = OfficeFactory.create(area=other, name="Elsewhere Centre")
    b.group("OG", centre=centre, module="induction", start=day(3, 2))
    b.session("OSa", "OG", 1, day(3, 2))
    b.place("oscar", "OG", day(3, 2))
    b.mark("OSa", "oscar", Outcome.ATTENDED)
    b.enforcement(
        "oscar", failure=day(3, 2), due=day(3, 16), action=ActionTaken.BREACH, action_on=day(3, 3)
    )
    b.complaint_stage("oscar", number=1, opened=day(3, 3), due=day(3, 17), answered=day(3, 4))
    b.incident("OSa", IncidentKind.RACISM, "oscar")
