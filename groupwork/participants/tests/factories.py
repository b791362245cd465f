import datetime

import factory

from groupwork.organisation.tests.factories import AreaFactory
from groupwork.participants.models import Participant


class ParticipantFactory(factory.django.DjangoModelFactory[Participant]):
    class Meta:
        model = Participant

    area = factory.SubFactory(AreaFactory)
    case_reference = factory.Sequence(lambda n: f"T{n:06d}")
    first_name = factory.Sequence(lambda n: f"Man{n}")
    last_name = factory.Sequence(lambda n: f"Surname{n}")
    date_of_birth = datetime.date(1980, 5, 17)
