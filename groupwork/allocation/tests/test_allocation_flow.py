"""The waiting list, its forecasts, and an optimiser run that changes nothing until confirmed."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from groupwork.allocation import services, views
from groupwork.allocation.models import KeepApart, RunStatus
from groupwork.core.tests.world import World, client_for
from groupwork.groups import services as group_services
from groupwork.groups.models import Group, GroupKind, Membership
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
from groupwork.letters.models import Letter
from groupwork.organisation.tests.factories import OfficeFactory, UserFactory
from groupwork.programmes.models import Programme
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to("2026-11-26 10:00 +0000", tick=False)


def csogp() -> Programme:
    return Programme.objects.get(code="csogp")


def upcoming_group(world: World, start: datetime.date = datetime.date(2027, 1, 4)) -> Group:
    centre = OfficeFactory.create(area=world.area, name=f"Centre {start}", slug=f"centre-{start}")
    facilitators = [
        UserFactory.create(role="facilitator", area=world.area),
        UserFactory.create(role="facilitator", area=world.area),
    ]
    return group_services.create_group(
        acting_user=world.users["pm.westmercia"],
        version=csogp().current_version(),
        module_code="induction",
        pattern_code="half-days",
        name=f"Induction {start}",
        centre=centre,
        room=None,
        start=start,
        weekday=0,
        facilitators=facilitators,
    )


def waiting_men(world: World, count: int, **extra: Any) -> list[Referral]:
    details: dict[str, Any] = {"sentence_end": datetime.date(2029, 6, 1), **extra}
    return [
        ReferralFactory.create(
            participant__area=world.area,
            responsible_officer=world.users["om.worcester"],
            status_id="awaiting_allocation",
            **details,
        )
        for _ in range(count)
    ]


def test_a_run_proposes_places_and_changes_nothing(world: World) -> None:
    group = upcoming_group(world)
    men = waiting_men(world, 9)
    run = services.propose_allocation(acting_user=world.users["pm.westmercia"], programme=csogp())
    assert run.status == RunStatus.PROPOSED
    assert len(run.proposal["placements"]) == 9
    assert all(p["group"] == str(group.pk) and p["reason"] for p in run.proposal["placements"])
    assert not Membership.objects.filter(referral__in=men).exists()
    assert set(
        Referral.objects.filter(pk__in=[m.pk for m in men]).values_list("status", flat=True)
    ) == {"awaiting_allocation"}


def test_confirming_places_the_men_sets_their_status_and_writes_letters(world: World) -> None:
    upcoming_group(world)
    men = waiting_men(world, 8)
    run = services.propose_allocation(acting_user=world.users["pm.westmercia"], programme=csogp())
    choices = {p["referral"]: p["group"] for p in run.proposal["placements"]}
    left_waiting = str(men[0].pk)
    choices[left_waiting] = None
    services.confirm_allocation(acting_user=world.users["pm.westmercia"], run=run, choices=choices)
    statuses = dict(Referral.objects.filter(pk__in=[m.pk for m in men]).values_list("pk", "status"))
    assert statuses.pop(men[0].pk) == "awaiting_allocation"
    assert set(statuses.values()) == {"allocated"}
    assert Letter.objects.filter(referral__in=men).count() == 7
    assert bytes(Letter.objects.filter(referral__in=men).first().pdf).startswith(b"%PDF")  # type: ignore[union-attr]
    run.refresh_from_db()
    with pytest.raises(ValidationError, match="already been confirmed"):
        services.confirm_allocation(
            acting_user=world.users["pm.westmercia"], run=run, choices=choices
        )


def test_a_group_short_of_its_minimum_does_not_open(world: World) -> None:
    upcoming_group(world)
    waiting_men(world, 3)
    run = services.propose_allocation(acting_user=world.users["pm.westmercia"], programme=csogp())
    assert run.proposal["placements"] == []
    assert len(run.proposal["unplaced"]) == 3
    assert all(u["reason"] for u in run.proposal["unplaced"])


def test_men_kept_apart_are_never_placed_together(world: World) -> None:
    upcoming_group(world)
    upcoming_group(world, datetime.date(2027, 2, 1))
    men = waiting_men(world, 16)
    KeepApart.objects.create(
        first=men[0].participant,
        second=men[1].participant,
        reason="co-defendants",
        recorded_by=world.users["om.worcester"],
    )
    run = services.propose_allocation(acting_user=world.users["pm.westmercia"], programme=csogp())
    where = {p["referral"]: p["group"] for p in run.proposal["placements"]}
    first, second = where.get(str(men[0].pk)), where.get(str(men[1].pk))
    assert first is None or second is None or first != second


def test_adding_a_man_beside_one_he_must_be_kept_from_is_refused(world: World) -> None:
    group = world.worcester_group
    newcomer = waiting_men(world, 1)[0]
    KeepApart.objects.create(
        first=newcomer.participant,
        second=world.worcester_man,
        reason="they know each other",
        recorded_by=world.users["om.worcester"],
    )
    with pytest.raises(ValidationError, match="kept apart"):
        group_services.add_member(
            acting_user=world.users["pm.westmercia"], group=group, referral=newcomer
        )


WAITING_LIST_QUERIES = 12
# When any man is ready for a rolling group, his referral and the programme's definition are
# read: two queries more, however many men are ready.
WITH_MEN_READY = WAITING_LIST_QUERIES + 2


def test_the_waiting_list_query_count_does_not_grow(
    world: World, django_assert_num_queries: Any
) -> None:
    upcoming_group(world)
    waiting_men(world, 2)
    client = client_for(world, "pm.westmercia")
    client.get("/waiting-list/")
    with django_assert_num_queries(WAITING_LIST_QUERIES):
        client.get("/waiting-list/")
    waiting_men(world, 10)
    ended = finished_induction(world, last_session=datetime.date(2026, 11, 2))

    def ready_men(count: int) -> None:  # listed with their names only
        for _ in range(count):
            MembershipFactory.create(
                group=ended,
                referral__participant__area=world.area,
                referral__status_id="on_programme",
            )

    ready_men(3)
    with django_assert_num_queries(WITH_MEN_READY):
        response = client.get("/waiting-list/")
    assert len(response.context["rows"]) == 12
    assert len(response.context["ready"]) == 3
    ready_men(5)
    with django_assert_num_queries(WITH_MEN_READY):
        response = client.get("/waiting-list/")
    assert len(response.context["ready"]) == 8


def test_the_waiting_list_comes_in_pages_longest_waiting_first(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "WAITING_LIST_PAGE_SIZE", 3)
    upcoming_group(world)
    men = waiting_men(world, 5)
    for days, man in enumerate(men):  # the first has waited longest
        Referral.objects.filter(pk=man.pk).update(
            created_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC)
            + datetime.timedelta(days=days)
        )
    client = client_for(world, "pm.westmercia")
    first = client.get("/waiting-list/")
    assert [referral for referral, _ in first.context["rows"]] == men[:3]
    assert first.context["page"].next_query
    assert not first.context["page"].previous_query
    second = client.get(f"/waiting-list/?{first.context['page'].next_query}")
    assert [referral for referral, _ in second.context["rows"]] == men[3:]
    assert second.context["page"].previous_query
    assert 'rel="prev"' in second.content.decode()


def finished_induction(world: World, *, last_session: datetime.date) -> Group:
    group = GroupFactory.create(area=world.area, kind=GroupKind.CLOSED)
    SessionFactory.create(group=group, date=last_session)
    return group


def test_men_whose_closed_group_has_ended_are_ready_for_a_rolling_group(world: World) -> None:
    ended = finished_induction(world, last_session=datetime.date(2026, 11, 2))
    running = finished_induction(world, last_session=datetime.date(2026, 12, 7))
    elsewhere = finished_induction(world, last_session=datetime.date(2026, 11, 2))
    elsewhere.area = world.other_area
    elsewhere.save()
    ready, still_in_induction, left_early = (
        MembershipFactory.create(
            group=group,
            referral__participant__area=world.area,
            referral__status_id="on_programme",
            left_on=left_on,
        ).referral
        for group, left_on in (
            (ended, None),
            (running, None),
            (ended, datetime.date(2026, 10, 5)),
        )
    )
    MembershipFactory.create(
        group=elsewhere,
        referral__participant__area=world.other_area,
        referral__status_id="on_programme",
    )
    shown = services.post_induction_referrals(world.users["pm.westmercia"], csogp())
    assert shown == [ready]
    assert {still_in_induction, left_early}.isdisjoint(shown)


def test_a_man_who_would_finish_too_late_is_flagged_on_his_officers_caseload(world: World) -> None:
    upcoming_group(world)
    late = waiting_men(world, 1, sentence_end=datetime.date(2027, 6, 1))[0]
    in_time = waiting_men(world, 1)[0]
    response = client_for(world, "om.worcester").get("/participants/")
    assert late.pk in response.context["at_risk"]
    assert in_time.pk not in response.context["at_risk"]
    assert "He would finish after his sentence ends." in response.content.decode()


def test_the_review_page_confirms_what_the_manager_chose(world: World) -> None:
    upcoming_group(world)
    men = waiting_men(world, 8)
    client = client_for(world, "pm.westmercia")
    response = client.post("/allocation/", {"programme": "csogp"})
    run_url = response["Location"]
    page = client.get(run_url)
    assert "Proposed places" in page.content.decode()
    form = page.context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    assert client.post(run_url, data).status_code == 302
    assert Membership.objects.filter(referral__in=men).count() == 8


def test_an_officer_records_two_men_to_keep_apart(world: World) -> None:
    from groupwork.audit.models import Action, AuditEvent  # noqa: PLC0415

    other = waiting_men(world, 1)[0].participant
    client = client_for(world, "om.worcester")
    url = f"/participants/{world.worcester_man.pk}/keep-apart/"
    assert (
        "Enter why they must be kept apart"
        in client.post(url, {"other": str(other.pk)}).content.decode()
    )
    response = client.post(url, {"other": str(other.pk), "reason": "Brothers"})
    assert response.status_code == 302
    assert KeepApart.objects.filter(
        first=world.worcester_man, second=other, reason="Brothers"
    ).exists()
    assert AuditEvent.objects.filter(action=Action.KEEP_APART_RECORDED).exists()


def test_a_man_who_finished_his_induction_is_offered_a_rolling_place(world: World) -> None:
    from groupwork.audit.models import Action, AuditEvent  # noqa: PLC0415
    from groupwork.groups.models import GroupKind  # noqa: PLC0415

    finished = upcoming_group(world, datetime.date(2026, 6, 1))  # ended in August
    rolling_centre = OfficeFactory.create(area=world.area, name="Rolling centre", slug="rolling")
    rolling = group_services.create_group(
        acting_user=world.users["pm.westmercia"],
        version=csogp().current_version(),
        module_code="longer-term",
        pattern_code="evenings",
        name="Longer-term, Tuesdays",
        centre=rolling_centre,
        room=None,
        start=datetime.date(2026, 12, 1),
        weekday=1,
        facilitators=list(finished.facilitators.all()),
    )
    man = ReferralFactory.create(
        participant__area=world.area,
        participant__available_evening=True,
        responsible_officer=world.users["om.worcester"],
        status_id="on_programme",
        pathway="medium",
        sentence_end=datetime.date(2029, 6, 1),
    )
    Membership.objects.create(group=finished, referral=man, joined_on=finished.start_date)
    run = services.propose_allocation(acting_user=world.users["pm.westmercia"], programme=csogp())
    placed = {p["referral"]: p["group"] for p in run.proposal["placements"]}
    assert placed[str(man.pk)] == str(rolling.pk)
    assert Membership.objects.current().get(referral=man).group == finished  # nothing yet

    services.confirm_allocation(
        acting_user=world.users["pm.westmercia"], run=run, choices={str(man.pk): str(rolling.pk)}
    )
    left = Membership.objects.get(referral=man, group=finished)
    assert AuditEvent.objects.filter(
        action=Action.GROUP_MEMBER_LEFT, subject_id=str(left.pk)
    ).exists()
    assert left.left_on == finished.sessions.order_by("-date").values_list("date", flat=True)[0]
    place = Membership.objects.current().get(referral=man)
    assert place.group.kind == GroupKind.ROLLING
    # A medium pathway needs 40 longer-term meetings from his join point.
    assert place.last_session is not None and place.first_session is not None
    assert place.last_session - place.first_session + 1 == 40
    man.refresh_from_db()
    assert man.status_id == "on_programme"
    assert Letter.objects.filter(referral=man).exists()
