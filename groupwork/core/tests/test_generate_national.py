from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from groupwork.attendance.models import Attendance, Register
from groupwork.audit.models import AuditEvent
from groupwork.core.national import plan_national, seeded
from groupwork.groups.models import Group, Membership, Session
from groupwork.organisation.models import Area, Office
from groupwork.participants.models import Participant
from groupwork.referrals.models import Referral

pytestmark = pytest.mark.django_db

TINY = "0.0005"


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_national", "--scale", TINY, *args, stdout=out)
    return out.getvalue()


def test_a_tiny_scale_builds_the_expected_counts() -> None:
    output = generate()
    assert "1 of 1 areas" in output
    area = Area.objects.get(slug="gen-01")
    assert area.name == "Generated area 01"
    assert Office.objects.filter(area=area, is_group_centre=True).count() == 1
    assert Participant.objects.filter(area=area).count() == 25  # 50,000 x 0.0005
    assert Referral.objects.filter(participant__area=area).count() == 25
    assert Group.objects.filter(area=area).count() == 2  # 5,000 x 0.0005, rounded  # noqa: PLR2004
    assert Session.objects.filter(group__area=area).exists()
    assert Membership.objects.filter(group__area=area).exists()
    assert Register.objects.exists()
    assert Attendance.objects.exists()
    assert AuditEvent.objects.filter(action="referral_created").count() == 25  # noqa: PLR2004


def test_the_plan_is_the_same_for_the_same_seed() -> None:
    first = plan_national(seeded(2026), 0.001)
    again = plan_national(seeded(2026), 0.001)
    other = plan_national(seeded(7), 0.001)
    people = [(m.case_reference, m.first_name, m.last_name) for a in first for m in a.men]
    assert people == [(m.case_reference, m.first_name, m.last_name) for a in again for m in a.men]
    assert people != [(m.case_reference, m.first_name, m.last_name) for a in other for m in a.men]
    assert [g.name for a in first for g in a.groups] == [g.name for a in again for g in a.groups]


def test_the_database_matches_the_plan() -> None:
    generate("--seed", "11")
    planned = sorted(
        (m.case_reference, m.first_name, m.last_name)
        for a in plan_national(seeded(11), float(TINY))
        for m in a.men
    )
    stored = sorted(Participant.objects.values_list("case_reference", "first_name", "last_name"))
    assert stored == planned


def test_a_second_run_refuses() -> None:
    generate()
    with pytest.raises(CommandError, match="already loaded"):
        generate()
    with pytest.raises(CommandError, match="would need"):
        generate("--replace")
    assert Area.objects.filter(slug__startswith="gen-").count() == 1
