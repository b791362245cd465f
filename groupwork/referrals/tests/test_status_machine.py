"""The referral status machine: only the transitions in the data file are allowed."""

import json

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groupwork.attendance.tests.coverage import cover_pathway
from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World
from groupwork.referrals import services
from groupwork.referrals.models import ReferralStatus, StatusChange, StatusReason
from groupwork.referrals.status_machine import STATUS_MACHINE_FILE, install_status_machine

pytestmark = pytest.mark.django_db

DATA = json.loads(STATUS_MACHINE_FILE.read_text())
STATUS_CODES = [entry["code"] for entry in DATA["statuses"]]
ALLOWED = {(entry["from"], entry["to"]) for entry in DATA["transitions"]}


def test_the_database_holds_the_file(world: World) -> None:
    assert list(ReferralStatus.objects.values_list("code", flat=True)) == STATUS_CODES
    from_db = set(
        ReferralStatus.objects.filter(transitions_out__isnull=False).values_list(
            "code", "transitions_out__to_status"
        )
    )
    assert from_db == ALLOWED


def test_installing_again_adds_nothing(world: World) -> None:
    before = (ReferralStatus.objects.count(), StatusReason.objects.count())
    install_status_machine()
    assert (ReferralStatus.objects.count(), StatusReason.objects.count()) == before


def test_every_status_can_be_reached_from_received() -> None:
    reached, frontier = {"received"}, ["received"]
    while frontier:
        current = frontier.pop()
        for start, end in ALLOWED:
            if start == current and end not in reached:
                reached.add(end)
                frontier.append(end)
    assert reached == set(STATUS_CODES)


def test_closed_statuses_lead_nowhere() -> None:
    closed = {entry["code"] for entry in DATA["statuses"] if entry.get("is_closed")}
    assert closed == {"completed", "ended_early", "withdrawn"}
    assert not [pair for pair in ALLOWED if pair[0] in closed]


@pytest.fixture
def covered_world(world: World) -> World:
    """The world with worcester_man's whole pathway covered, so that he may complete."""
    cover_pathway(world.worcester_referral, recorded_by=world.users["fac.worcester"])
    return world


@settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(start=st.sampled_from(STATUS_CODES), end=st.sampled_from(STATUS_CODES))
def test_a_change_succeeds_exactly_when_the_transition_is_allowed(
    covered_world: World, start: str, end: str
) -> None:
    world = covered_world
    referral = world.worcester_referral
    type(referral).objects.filter(pk=referral.pk).update(status_id=start, status_reason=None)
    target = ReferralStatus.objects.get(pk=end)
    reason = StatusReason.objects.filter(status=target).first()
    changes_before = StatusChange.objects.count()
    try:
        services.change_status(
            acting_user=world.users["om.worcester"],
            referral=referral,
            to_status=target,
            reason=reason,
        )
    except ValidationError:
        assert (start, end) not in ALLOWED
        assert StatusChange.objects.count() == changes_before
    else:
        assert (start, end) in ALLOWED
        referral.refresh_from_db()
        assert referral.status_id == end
        assert StatusChange.objects.count() == changes_before + 1


def test_ending_early_needs_a_reason_of_that_status(world: World) -> None:
    ended_early = ReferralStatus.objects.get(pk="ended_early")
    withdrawn_reason = StatusReason.objects.get(status_id="withdrawn", code="appeal")
    officer = world.users["om.worcester"]
    with pytest.raises(ValidationError, match="Give a reason"):
        services.change_status(
            acting_user=officer,
            referral=world.worcester_referral,
            to_status=ended_early,
            reason=None,
        )
    with pytest.raises(ValidationError, match="not a reason"):
        services.change_status(
            acting_user=officer,
            referral=world.worcester_referral,
            to_status=ended_early,
            reason=withdrawn_reason,
        )


def test_a_change_keeps_history_and_audit(world: World) -> None:
    breach = StatusReason.objects.get(status_id="ended_early", code="breach")
    services.change_status(
        acting_user=world.users["om.worcester"],
        referral=world.worcester_referral,
        to_status=breach.status,
        reason=breach,
        note="Returned to court on 20 November.",
    )
    change = StatusChange.objects.get(referral=world.worcester_referral)
    assert (change.from_status_id, change.to_status_id, change.reason) == (
        "on_programme",
        "ended_early",
        breach,
    )
    event = AuditEvent.objects.get(action=Action.REFERRAL_STATUS_CHANGED)
    assert event.old_values == {"status": "on_programme"}
    assert event.new_values == {"status": "ended_early", "reason": "breach"}
    assert event.participant == world.worcester_man
