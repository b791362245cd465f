import datetime

import factory

from groupwork.organisation.models import Role
from groupwork.organisation.tests.factories import UserFactory
from groupwork.participants.tests.factories import ParticipantFactory
from groupwork.programmes.models import Programme
from groupwork.referrals.models import Referral, ReportType, SentenceType


class ReferralFactory(factory.django.DjangoModelFactory[Referral]):
    class Meta:
        model = Referral

    participant = factory.SubFactory(ParticipantFactory)
    programme = factory.LazyFunction(lambda: Programme.objects.get(code="csogp"))
    report_type = ReportType.PRE_SENTENCE
    report_date = datetime.date(2026, 6, 1)
    report_author = "A. Writer"
    sentence_type = SentenceType.COMMUNITY_ORDER
    offence_category = "contact"
    sentence_start = datetime.date(2026, 6, 15)
    sentence_end = datetime.date(2028, 6, 14)
    responsible_officer = factory.SubFactory(
        UserFactory,
        role=Role.OFFENDER_MANAGER,
        area=factory.SelfAttribute("..participant.area"),
    )
    status_id = "received"
