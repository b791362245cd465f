from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from groupwork.audit.models import AuditEvent
from groupwork.groups.models import Membership
from groupwork.organisation.models import Area, Office, User
from groupwork.participants.models import Participant
from groupwork.referrals.models import Referral, ReferralStatus

pytestmark = pytest.mark.django_db

DEMO_LOGINS = [
    "pm.westmercia",
    "om.worcester",
    "om.telford",
    "fac.worcester",
    "fac.shrewsbury",
    "spo.worcester",
    "chief.westmercia",
    "admin",
    "om.otherarea",
]


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@override_settings(DEBUG=False)
def test_the_demo_loader_refuses_to_run_without_debug() -> None:
    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("load_demo")
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_the_demo_builds_west_mercia_as_the_leaflet_shows_it() -> None:
    output = load()
    for username in DEMO_LOGINS:
        assert username in output
    assert "demo-only-password" in output
    west_mercia = Area.objects.get(slug="west-mercia")
    assert "Stourbank House\n90 Mill Street\nKidderminster\nWorcs DY11 6XA" in (
        west_mercia.complaints_address
    )
    phones = dict(
        Office.objects.filter(area=west_mercia, is_staff_office=True).values_list("name", "phone")
    )
    assert phones == {
        "Programmes Unit Telford": "01952 299366",
        "Shrewsbury Probation Office": "01743 231525",
        "Programmes Unit Worcester": "01905 613822",
    }
    centres = Office.objects.filter(area=west_mercia, is_group_centre=True)
    assert {centre.town for centre in centres} == {"Worcester", "Shrewsbury"}
    assert Area.objects.count() == 2


@override_settings(DEBUG=True)
def test_the_demo_spreads_about_forty_men_over_every_status() -> None:
    load()
    men = Participant.objects.filter(area__slug="west-mercia")
    assert men.count() == 40
    statuses = Counter(
        Referral.objects.filter(participant__in=men).values_list("status", flat=True)
    )
    assert set(statuses) == set(ReferralStatus.objects.values_list("code", flat=True))
    assert Membership.objects.current().exists()
    assert AuditEvent.objects.exists()


@override_settings(DEBUG=True)
def test_loading_twice_adds_no_rows() -> None:
    load()
    before = [model.objects.count() for model in (User, Participant, Referral, Membership)]
    load()
    after = [model.objects.count() for model in (User, Participant, Referral, Membership)]
    assert after == before


@override_settings(DEBUG=True)
def test_every_demo_login_signs_in_with_the_demo_password() -> None:
    load()
    for username in DEMO_LOGINS:
        client = Client()
        response = client.post(
            "/sign-in/", {"username": username, "password": "demo-only-password"}
        )
        assert response.status_code == 302, username


@override_settings(DEBUG=True)
def test_demo_officers_see_only_their_own_men() -> None:
    load()
    worcester = User.objects.get(username="om.worcester")
    telford = User.objects.get(username="om.telford")
    theirs = set(Participant.objects.visible_to(worcester))
    assert theirs
    assert theirs.isdisjoint(Participant.objects.visible_to(telford))
    assert not Participant.objects.visible_to(User.objects.get(username="om.otherarea")).filter(
        area__slug="west-mercia"
    )


@override_settings(DEBUG=True)
def test_the_demo_has_groups_with_timetables_at_both_centres() -> None:
    from groupwork.groups.models import Group  # noqa: PLC0415

    load()
    groups = Group.objects.filter(area__slug="west-mercia")
    assert {group.centre.town for group in groups} == {"Worcester", "Shrewsbury"}
    assert {group.kind for group in groups} == {"closed", "rolling"}
    for group in groups:
        assert group.sessions.count() >= 10  # full days: 5 block + 5 weekly
        assert group.facilitators.count() == 2
    shrewsbury = groups.get(name="Shrewsbury Induction, October 2026")
    moved = shrewsbury.sessions.exclude(move_reason="")
    assert moved.filter(move_reason__contains="Christmas").exists()


@override_settings(DEBUG=True)
def test_the_demo_shows_assessment_and_the_waiting_list() -> None:
    from groupwork.allocation.models import KeepApart  # noqa: PLC0415
    from groupwork.assessment.models import Administration, PathwayDecision  # noqa: PLC0415
    from groupwork.letters.models import Letter  # noqa: PLC0415

    load()
    occasions = set(
        Administration.objects.filter(status="completed").values_list("occasion", flat=True)
    )
    assert occasions == {"pre-programme", "post-induction", "end-of-programme"}
    assert Administration.objects.filter(status="in_progress").exists()
    assert PathwayDecision.objects.exists()
    assert KeepApart.objects.exists()
    assert Letter.objects.exists()
    officer = Referral.objects.filter(
        status_id="awaiting_allocation", sentence_end="2027-06-30"
    ).values_list("responsible_officer__username", flat=True)[0]
    client = Client()
    client.force_login(User.objects.get(username=officer))
    assert "At risk" in client.get("/participants/?page=1").content.decode()
