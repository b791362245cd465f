import factory

from groupwork.organisation.models import Area, Office, Role, Team, User


class AreaFactory(factory.django.DjangoModelFactory[Area]):
    class Meta:
        model = Area
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")
    complaints_address = "The Chief Officer\n1 Test Street\nTesttown TT1 1TT"


class OfficeFactory(factory.django.DjangoModelFactory[Office]):
    class Meta:
        model = Office

    area = factory.SubFactory(AreaFactory)
    name = factory.Sequence(lambda n: f"Office {n}")
    town = "Testtown"
    is_staff_office = True
    is_group_centre = True


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    area = factory.SubFactory(AreaFactory)
    office = factory.SubFactory(OfficeFactory, area=factory.SelfAttribute("..area"))
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    role = Role.OFFENDER_MANAGER
    area = factory.SubFactory(AreaFactory)
    password = factory.django.Password("test-password-123")
