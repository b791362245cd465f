import datetime

import factory

from groupwork.enforcement.models import Advice, EnforcementItem
from groupwork.referrals.tests.factories import ReferralFactory


class EnforcementItemFactory(factory.django.DjangoModelFactory[EnforcementItem]):
    class Meta:
        model = EnforcementItem

    referral = factory.SubFactory(ReferralFactory)
    attendance = None
    failure_date = datetime.date(2026, 12, 7)
    failure = "Did not attend session 6 on 7 December 2026 without an acceptable reason"
    advice = Advice.WARN_OR_REFER
    must_act_by = datetime.date(2026, 12, 21)
    explanation = "No warning in the 12 months before this failure."
