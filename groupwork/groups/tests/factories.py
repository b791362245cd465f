import datetime

import factory

from groupwork.groups.models import Group, Membership, Session
from groupwork.organisation.tests.factories import AreaFactory, OfficeFactory
from groupwork.programmes.models import Programme
from groupwork.referrals.tests.factories import ReferralFactory


class GroupFactory(factory.django.DjangoModelFactory[Group]):
    class Meta:
        model = Group
        skip_postgeneration_save = True

    area = factory.SubFactory(AreaFactory)
    programme = factory.LazyFunction(lambda: Programme.objects.get(code="csogp"))
    version = factory.LazyAttribute(lambda group: group.programme.current_version())
    module = "induction"
    pattern = "half-days"
    name = factory.Sequence(lambda n: f"Group {n}")
    centre = factory.SubFactory(OfficeFactory, area=factory.SelfAttribute("..area"))
    start_date = datetime.date(2026, 9, 7)

    @factory.post_generation
    def facilitators(self, create, extracted, **kwargs):
        if create and extracted:
            self.facilitators.add(*extracted)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    referral = factory.SubFactory(ReferralFactory)
    joined_on = datetime.date(2026, 9, 7)


class SessionFactory(factory.django.DjangoModelFactory[Session]):
    class Meta:
        model = Session

    group = factory.SubFactory(GroupFactory)
    number = factory.Sequence(lambda n: n + 1)
    kind = "weekly"
    date = datetime.date(2026, 12, 7)
    starts = datetime.time(9, 30)
    ends = datetime.time(12, 30)
