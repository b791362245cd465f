"""The capacity forecast: the simulation (pure), its inputs from the database, and the page."""

from __future__ import annotations

import dataclasses
import datetime
import re
import time
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World, client_for
from groupwork.groups.models import GroupKind
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory
from groupwork.organisation.tests.factories import AreaFactory, OfficeFactory, UserFactory
from groupwork.participants.models import Participant
from groupwork.programmes.models import Programme
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory
from groupwork.reports.capacity import (
    Band,
    CentreHistory,
    Forecast,
    ForecastInputs,
    QuarterForecast,
    assumptions,
    forecast,
    share_reaching_induction,
)
from groupwork.reports.capacity_chart import capacity_chart
from groupwork.reports.capacity_data import add_months, forecast_quarters, gather_inputs

PATHWAYS = frozenset({"lower", "medium", "higher"})


def centre(name: str, per_month: float, planned: tuple[int, ...] = (0, 0, 0, 0)) -> CentreHistory:
    return CentreHistory(name=name, monthly_referrals=(per_month,) * 12, planned_places=planned)


def inputs(*centres: CentreHistory, **changes: Any) -> ForecastInputs:
    values: dict[str, Any] = {
        "centres": centres,
        "pathway_mix": {"lower": 3, "medium": 5, "higher": 2},
        "pathways_needing_induction": PATHWAYS,
        "attrition_before_start": 0.2,
        "group_size_minimum": 8,
        "group_size_maximum": 11,
        "runs": 400,
        "seed": 7,
    }
    values.update(changes)
    return ForecastInputs(**values)


def every_cell(result: Forecast) -> list[QuarterForecast]:
    return [q for c in result.centres for q in c.quarters] + list(result.area)


def medians(result: Forecast, index: int = 0) -> list[int]:
    return [q.groups_needed.median for q in result.centres[index].quarters]


# The simulation


def test_the_same_seed_gives_the_same_forecast() -> None:
    given_inputs = inputs(centre("Worcester", 6.5), centre("Shrewsbury", 3.25, (11, 0, 4, 0)))
    assert forecast(given_inputs) == forecast(given_inputs)
    assert forecast(given_inputs) != forecast(dataclasses.replace(given_inputs, seed=8))


def test_no_referrals_need_no_groups() -> None:
    result = forecast(inputs(centre("Worcester", 0), centre("Shrewsbury", 0)))
    for cell in every_cell(result):
        assert cell.men_needing_place == Band(0, 0, 0)
        assert cell.groups_needed == Band(0, 0, 0)


def test_the_median_grows_with_a_constant_high_rate() -> None:
    by_rate = [medians(forecast(inputs(centre("Worcester", rate)))) for rate in (10, 20, 40, 80)]
    for quarter in range(4):
        column = [row[quarter] for row in by_rate]
        assert column == sorted(column)
        assert column[0] < column[-1]
    # 80 a month, 80% reaching the Induction: about 192 men a quarter, 18 groups of 11.
    assert 16 <= by_rate[-1][0] <= 19


def test_the_band_contains_the_median() -> None:
    result = forecast(inputs(centre("Worcester", 9), centre("Shrewsbury", 2.5, (6, 0, 0, 0))))
    for cell in every_cell(result):
        for band in (cell.groups_needed, cell.men_needing_place, cell.men_without_place):
            assert band.low <= band.median <= band.high
    assert any(c.groups_needed.low < c.groups_needed.high for c in every_cell(result))


def test_planned_places_reduce_the_groups_needed() -> None:
    nothing_planned = forecast(inputs(centre("Worcester", 12)))
    two_groups_planned = forecast(inputs(centre("Worcester", 12, (22, 0, 11, 0))))
    before, after = medians(nothing_planned), medians(two_groups_planned)
    assert after[0] == before[0] - 2
    assert after[1] == before[1]
    assert after[2] == before[2] - 1
    assert two_groups_planned.centres[0].quarters[0].planned_places == 22


def test_men_who_leave_before_starting_need_no_place() -> None:
    result = forecast(inputs(centre("Worcester", 20), attrition_before_start=1.0))
    assert all(cell.groups_needed == Band(0, 0, 0) for cell in every_cell(result))


def test_only_pathways_with_the_induction_need_a_place() -> None:
    given_inputs = inputs(
        centre("Worcester", 20),
        pathway_mix={"lower": 1, "medium": 3},
        pathways_needing_induction=frozenset({"medium"}),
        attrition_before_start=0.0,
    )
    assert share_reaching_induction(given_inputs) == 0.75
    # No pathway decided yet: every man is taken to need the Induction.
    assert share_reaching_induction(dataclasses.replace(given_inputs, pathway_mix={})) == 1.0


def test_fewer_men_than_a_groups_minimum_are_flagged() -> None:
    result = forecast(inputs(centre("Leominster", 1.5)))  # about 3-4 men a quarter
    cells = result.centres[0].quarters
    assert all(cell.groups_needed.median == 1 for cell in cells)
    assert all(cell.short_of_minimum for cell in cells)
    assert not forecast(inputs(centre("Worcester", 0))).centres[0].quarters[0].short_of_minimum


def test_the_area_total_is_simulated_as_a_total() -> None:
    result = forecast(inputs(*(centre(f"Centre {n}", 1.5) for n in range(6))))
    total = result.area[0]
    assert total.men_needing_place.median == pytest.approx(6 * 1.5 * 3 * 0.8, abs=3)
    # Six centres with a few men each need a group each, though the men would fill two.
    assert total.groups_needed.median == 6


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"attrition_before_start": 1.5}, "attrition_before_start"),
        ({"group_size_maximum": 0}, "group_size_maximum"),
        ({"group_size_minimum": 12}, "group_size_minimum"),
        ({"runs": 0}, "runs"),
        ({"pathway_mix": {"lower": -1}}, "pathway_mix"),
    ],
)
def test_impossible_inputs_are_refused(changes: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        inputs(centre("Worcester", 3), **changes)


def test_a_centre_needs_four_planned_counts() -> None:
    with pytest.raises(ValueError, match="Worcester"):
        inputs(centre("Worcester", 3, (1, 2)))


def test_the_assumptions_give_the_figures_used() -> None:
    listed = " ".join(assumptions(inputs(centre("Worcester", 3), runs=1000, seed=2027)))
    assert "20% of referrals close before the man starts" in listed
    assert "80% of referrals in all" in listed
    assert "groups of 11 men at most" in listed
    assert "minimum of 8" in listed
    assert "1,000 simulated years (seed 2027)" in listed
    assert "10th to the 90th percentile" in listed


def test_a_thousand_runs_for_forty_centres_take_under_a_second() -> None:
    many = inputs(*(centre(f"Centre {n}", 2 + n % 9, (11, 0, 5, 0)) for n in range(40)), runs=1000)
    started = time.perf_counter()
    result = forecast(many)
    assert time.perf_counter() - started < 1.0
    assert len(result.centres) == 40


history = st.lists(st.floats(min_value=0, max_value=60), min_size=12, max_size=12)
planned = st.lists(st.integers(min_value=0, max_value=60), min_size=4, max_size=4)


@settings(max_examples=60, deadline=None)
@given(
    centres=st.lists(st.tuples(history, planned), max_size=5),
    attrition=st.floats(min_value=0, max_value=1),
    mix=st.dictionaries(st.sampled_from(sorted(PATHWAYS)), st.floats(0, 10), max_size=3),
    sizes=st.tuples(st.integers(0, 12), st.integers(1, 14)).filter(lambda s: s[0] <= s[1]),
    seed=st.integers(0, 2**32 - 1),
)
def test_groups_needed_are_never_negative_and_the_band_is_ordered(
    centres: list[tuple[list[float], list[int]]],
    attrition: float,
    mix: dict[str, float],
    sizes: tuple[int, int],
    seed: int,
) -> None:
    given_inputs = inputs(
        *(
            CentreHistory(f"Centre {n}", tuple(months), tuple(places))
            for n, (months, places) in enumerate(centres)
        ),
        pathway_mix=mix,
        attrition_before_start=attrition,
        group_size_minimum=sizes[0],
        group_size_maximum=sizes[1],
        runs=50,
        seed=seed,
    )
    result = forecast(given_inputs)
    assert len(result.area) == 4
    for cell in every_cell(result):
        assert 0 <= cell.groups_needed.low <= cell.groups_needed.median <= cell.groups_needed.high
        assert 0 <= cell.men_without_place.low <= cell.men_without_place.median
        assert cell.men_without_place.median <= cell.men_needing_place.median


# The chart


def test_the_chart_is_an_image_with_a_name_and_escapes_centre_names() -> None:
    result = forecast(inputs(centre("<b>Worcester</b>", 9), centre("A" * 40, 2)))
    svg = str(capacity_chart(result.centres, ["Jan to Mar 2027"] * 4))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="capacity-chart-title"' in svg
    assert '<title id="capacity-chart-title">Induction groups needed' in svg
    assert "&lt;b&gt;Worcester&lt;/b&gt;" in svg and "<b>" not in svg
    assert "A" * 25 + "…" in svg and "A" * 27 not in svg
    assert svg.count("<rect") == 4 + 2 * 4  # the legend, then a bar per centre and quarter


# The inputs from the database

TODAY = datetime.date(2026, 12, 10)


@pytest.fixture
def _today(time_machine: Any) -> None:
    time_machine.move_to("2026-12-10 10:00 +0000", tick=False)


def made_on(day: datetime.date, **fields: Any) -> Referral:
    referral: Referral = ReferralFactory.create(**fields)
    Referral.objects.filter(pk=referral.pk).update(
        created_at=datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    )
    return referral


def test_the_quarters_are_the_next_twelve_whole_months() -> None:
    quarters = forecast_quarters(TODAY)
    assert [q.start for q in quarters] == [
        datetime.date(2027, 1, 1),
        datetime.date(2027, 4, 1),
        datetime.date(2027, 7, 1),
        datetime.date(2027, 10, 1),
    ]
    assert quarters[-1].end == datetime.date(2028, 1, 1)
    assert quarters[0].label == "Jan to Mar 2027"
    assert add_months(datetime.date(2027, 1, 31), -2) == datetime.date(2026, 11, 1)


@pytest.mark.django_db
@pytest.mark.usefixtures("_today")
def test_the_inputs_are_counted_from_the_areas_records() -> None:  # noqa: PLR0915
    area = AreaFactory.create()
    alpha = OfficeFactory.create(area=area, name="Alpha Centre")
    beta = OfficeFactory.create(area=area, name="Beta Centre")
    office_only = OfficeFactory.create(area=area, name="Staff office", is_group_centre=False)
    programme = Programme.objects.get(code="csogp")
    in_area = {"participant__area": area}

    # A man who chose Alpha, referred twice in the window (January and November 2026).
    chose_alpha = made_on(
        datetime.date(2026, 1, 15), **in_area, status_id="withdrawn", pathway="lower"
    )
    chose_alpha.participant.centres.add(alpha)
    made_on(
        datetime.date(2026, 11, 30),
        participant=chose_alpha.participant,
        status_id="on_programme",
        pathway="medium",
    )
    # A man who chose no centre: shared between Alpha and Beta (June 2026); restricted.
    spread = made_on(
        datetime.date(2026, 6, 3), **in_area, status_id="ended_early", pathway="medium"
    )
    spread.participant.restricted_to.add(UserFactory.create(area=area))
    # A man who chose only an office where no group meets: shared too (December 2025).
    elsewhere = made_on(datetime.date(2025, 12, 1), **in_area, status_id="completed")
    elsewhere.participant.centres.add(office_only)
    # Ended early after joining a group: he started. Still waiting: outcome not known.
    joined = made_on(datetime.date(2026, 3, 9), **in_area, status_id="ended_early")
    joined.participant.centres.add(beta)
    made_on(datetime.date(2026, 3, 10), **in_area, status_id="awaiting_allocation")
    # Outside the window, or another area: not counted.
    made_on(datetime.date(2026, 12, 1), **in_area)
    made_on(datetime.date(2025, 11, 30), **in_area)
    made_on(datetime.date(2026, 6, 3), status_id="withdrawn")

    # Planned Induction groups: Alpha in February (3 men, one has left), Beta in May (none).
    planned = GroupFactory.create(area=area, centre=alpha, start_date=datetime.date(2027, 2, 1))
    for _ in range(3):
        MembershipFactory.create(group=planned, referral__participant__area=area)
    MembershipFactory.create(
        group=planned, referral__participant__area=area, left_on=datetime.date(2026, 12, 1)
    )
    GroupFactory.create(area=area, centre=beta, start_date=datetime.date(2027, 5, 3))
    # Not counted: this month, after the year, a rolling group, another area's group.
    GroupFactory.create(area=area, centre=alpha, start_date=datetime.date(2026, 12, 14))
    GroupFactory.create(area=area, centre=alpha, start_date=datetime.date(2028, 1, 3))
    GroupFactory.create(
        area=area,
        centre=beta,
        kind=GroupKind.ROLLING,
        module="longer-term",
        start_date=datetime.date(2027, 2, 1),
    )
    GroupFactory.create(start_date=datetime.date(2027, 2, 1))
    # The memberships made referrals of their own (today): outside the window, not counted.
    joined_group = MembershipFactory.create(
        group=GroupFactory.create(area=area, centre=beta, start_date=datetime.date(2026, 3, 16)),
        referral=joined,
    )
    assert joined_group.referral_id == joined.pk

    with CaptureQueriesContext(connection) as queries:
        data = gather_inputs(area_id=area.pk, programme=programme, today=TODAY)
    assert len(queries) <= 5

    assert data.history_start == datetime.date(2025, 12, 1)
    assert data.history_end == datetime.date(2026, 12, 1)
    assert data.referral_count == 6
    by_name = {c.name: c for c in data.inputs.centres}
    assert list(by_name) == ["Alpha Centre", "Beta Centre"]
    alpha_months = by_name["Alpha Centre"].monthly_referrals
    beta_months = by_name["Beta Centre"].monthly_referrals
    #          Dec 25 Jan  Feb  Mar  Apr  May  Jun  Jul  Aug  Sep  Oct  Nov
    assert alpha_months == (0.5, 1.0, 0.0, 0.5, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0, 1.0)
    assert beta_months == (0.5, 0.0, 0.0, 1.5, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0)
    assert by_name["Alpha Centre"].planned_places == (8, 0, 0, 0)
    assert by_name["Beta Centre"].planned_places == (0, 11, 0, 0)
    assert dict(data.inputs.pathway_mix) == {"lower": 1, "medium": 2}
    assert data.inputs.pathways_needing_induction == PATHWAYS
    # Known outcomes: withdrawn, ended early before joining (closed before starting);
    # on programme, completed, ended early after joining (started). 2 of 5.
    assert data.inputs.attrition_before_start == pytest.approx(0.4)
    assert (data.inputs.group_size_minimum, data.inputs.group_size_maximum) == (8, 11)

    notes = " ".join(data.notes)
    assert "6 referrals to the Community Sex Offender Groupwork Programme" in notes
    assert "1 December 2025 to 30 November 2026" in notes
    assert "restricted cases are counted" in notes
    assert "3 of the 6 referrals are of men who chose" in notes
    assert "The other 3, of men who chose none" in notes
    assert "2 of the 5 referrals whose outcome is known (40%)" in notes
    assert "Lower risk and need 33%, Medium risk or need 66%, Higher risk and need 0%" in notes
    assert "2 Induction groups are already planned" in notes
    assert "19 free places" in notes


@pytest.mark.django_db
@pytest.mark.usefixtures("_today")
def test_an_area_without_referrals_or_centres_has_nothing_to_forecast() -> None:
    area = AreaFactory.create()
    data = gather_inputs(
        area_id=area.pk, programme=Programme.objects.get(code="csogp"), today=TODAY
    )
    assert data.inputs.centres == ()
    assert data.inputs.attrition_before_start == 0
    assert "no group centres" in " ".join(data.notes)
    assert "no attrition before the start is assumed" in " ".join(data.notes)
    assert forecast(data.inputs).area[0].groups_needed == Band(0, 0, 0)


# The page


def referrals_in_area(world: World, count: int) -> None:
    for n in range(count):
        made_on(
            datetime.date(2026, 1 + n % 11, 5),
            participant__area=world.area,
            responsible_officer=world.users["om.worcester"],
            pathway=["lower", "medium", "higher"][n % 3],
            status_id=["withdrawn", "on_programme", "awaiting_allocation"][n % 3],
        )


@pytest.mark.django_db
@pytest.mark.usefixtures("_today")
def test_the_page_shows_the_chart_the_table_and_the_assumptions(world: World) -> None:
    referrals_in_area(world, 30)
    GroupFactory.create(
        area=world.area, centre=world.worcester_group.centre, start_date=datetime.date(2027, 1, 4)
    )
    response = client_for(world, "pm.westmercia").get("/reports/capacity/")
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'<svg [^>]*role="img"[^>]*aria-labelledby="capacity-chart-title"', page)
    assert '<table class="govuk-table" id="capacity-table">' in page
    assert "Induction places and groups needed, January 2027 to December 2027</caption>" in page
    assert page.count('scope="rowgroup"') == len(response.context["blocks"]) + 1
    assert "All centres" in page
    assert "Jan to Mar 2027" in page and "Oct to Dec 2027" in page
    assert 'id="capacity-assumptions"' in page
    assert "30 referrals to the Community Sex Offender Groupwork Programme" in page
    assert "1,000 simulated years" in page
    assert response.context["forecast"].runs == 1000


@pytest.mark.django_db
@pytest.mark.usefixtures("_today")
def test_the_chief_officer_may_see_it_and_each_visit_is_audited_once(world: World) -> None:
    client = client_for(world, "chief.westmercia")
    assert client.get("/reports/capacity/").status_code == 200
    events = AuditEvent.objects.filter(action=Action.REPORT_VIEWED)
    assert events.count() == 1
    event = events.get()
    assert event.actor == world.users["chief.westmercia"]
    assert event.participant is None
    assert event.detail == {"report": "capacity forecast", "programme": "csogp"}


@pytest.mark.django_db
@pytest.mark.usefixtures("_today")
def test_the_page_is_for_programme_managers_and_chief_officers_and_only_reads(
    world: World,
) -> None:
    assert client_for(world, "om.worcester").get("/reports/capacity/").status_code == 403
    assert client_for(world, "fac.worcester").get("/reports/capacity/").status_code == 403
    manager = client_for(world, "pm.westmercia")
    assert manager.post("/reports/capacity/").status_code == 405
    assert manager.get("/reports/capacity/?programme=nothing").status_code == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("_today")
def test_the_page_counts_only_its_own_areas_referrals(world: World) -> None:
    for _ in range(3):
        made_on(datetime.date(2026, 5, 5), participant__area=world.other_area)
    made_on(datetime.date(2026, 5, 5), participant__area=world.area)
    response = client_for(world, "pm.westmercia").get("/reports/capacity/")
    assert response.context["data"].referral_count == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("_today")
def test_the_query_count_does_not_grow_with_the_referrals(
    world: World, django_assert_num_queries: Any
) -> None:
    client = client_for(world, "pm.westmercia")
    referrals_in_area(world, 3)
    client.get("/reports/capacity/")  # the session and the user, once

    with CaptureQueriesContext(connection) as few:
        client.get("/reports/capacity/")
    # Session, user, two-factor device, programmes, version, centres, referrals, chosen
    # centres, planned groups, audit row, and the session save (inside a savepoint).
    assert len(few) <= 13
    referrals_in_area(world, 40)
    for participant in Participant.objects.filter(area=world.area)[:10]:
        participant.centres.add(world.worcester_group.centre)
    for start in (datetime.date(2027, 2, 1), datetime.date(2027, 6, 7)):
        GroupFactory.create(area=world.area, centre=world.shrewsbury_group.centre, start_date=start)
    with django_assert_num_queries(len(few)):
        response = client.get("/reports/capacity/")
    assert response.context["data"].referral_count == 43
