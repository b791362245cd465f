import datetime

import factory
from django.utils import timezone

from groupwork.casework.models import OneToOne, OneToOneStatus, RulesAgreement
from groupwork.groups.tests.factories import GroupFactory
from groupwork.organisation.models import Role
from groupwork.organisation.tests.factories import UserFactory
from groupwork.referrals.tests.factories import ReferralFactory


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """An aware time on the service's clock (Europe/London)."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))  # noqa: DTZ001


class OneToOneFactory(factory.django.DjangoModelFactory[OneToOne]):
    class Meta:
        model = OneToOne

    referral = factory.SubFactory(ReferralFactory)
    code = factory.Sequence(lambda n: f"meeting-{n}")
    label = "Halfway through"
    three_way = False
    due_on = datetime.date(2026, 12, 14)
    status = OneToOneStatus.DUE


class BookedOneToOneFactory(OneToOneFactory):
    status = OneToOneStatus.BOOKED
    booked_for = factory.LazyFunction(lambda: local(2026, 12, 7, 14, 30))


class RulesAgreementFactory(factory.django.DjangoModelFactory[RulesAgreement]):
    class Meta:
        model = RulesAgreement

    referral = factory.SubFactory(ReferralFactory)
    group = factory.SubFactory(GroupFactory)
    agreed_on = datetime.date(2026, 9, 7)
    witnessed_by = factory.SubFactory(UserFactory, role=Role.FACILITATOR)
    rules = factory.LazyAttribute(lambda agreement: agreement.group.definition.group_rules)
