import factory

from groupwork.attendance.models import (
    Absence,
    AbsenceReason,
    Attendance,
    CatchUp,
    HowReported,
    Outcome,
)
from groupwork.groups.tests.factories import SessionFactory
from groupwork.organisation.tests.factories import UserFactory
from groupwork.referrals.tests.factories import ReferralFactory


class AttendanceFactory(factory.django.DjangoModelFactory[Attendance]):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    referral = factory.SubFactory(ReferralFactory)
    outcome = Outcome.ATTENDED
    recorded_by = factory.SubFactory(UserFactory)


class AbsenceFactory(factory.django.DjangoModelFactory[Absence]):
    class Meta:
        model = Absence

    session = factory.SubFactory(SessionFactory)
    referral = factory.SubFactory(ReferralFactory)
    reason = AbsenceReason.NONE_GIVEN
    how_reported = HowReported.REGISTER
    reported_by = factory.SubFactory(UserFactory)


class CatchUpFactory(factory.django.DjangoModelFactory[CatchUp]):
    class Meta:
        model = CatchUp

    referral = factory.SubFactory(ReferralFactory)
    missed_session = factory.SubFactory(SessionFactory)
    module = "induction"
    content = factory.LazyFunction(lambda: [6])
