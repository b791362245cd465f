"""The enforcement policy: worked cases for each rule, the deadline over bank holidays, the
policy file's checks, and properties checked against the law's own words (a warning in the
12 months before the failure means a referral) and the `holidays` package's England list.
"""

from __future__ import annotations

import copy
import datetime
from pathlib import Path
from typing import Any

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groupwork.enforcement.policy import (
    ACTION_LABELS,
    ACTION_WORDS,
    ACTIONS,
    POLICY_FILE,
    AfterAWarning,
    PolicyError,
    SentenceRule,
    UnknownSentenceTypeError,
    advise,
    load_policy,
    months_before,
    parse_policy,
)

ENGLAND = holidays.country_holidays("GB", subdiv="ENG")
FRIDAY = 4
SHIPPED: dict[str, Any] = {
    "community_order": {
        "label": "Community order",
        "law": "Sentencing Act 2020, Schedule 10",
        "action": "warn_or_refer",
        "after_a_warning": {"within_months": 12, "action": "refer_for_breach"},
        "act_within_working_days": 10,
    },
    "licence": {
        "label": "Licence",
        "law": "Criminal Justice Act 2003, section 254",
        "action": "recall_review",
        "act_within_working_days": 10,
    },
}


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def community_order(failure: str, *warnings: str) -> Any:
    return advise(
        sentence_type="community_order",
        failure_date=day(failure),
        previous_warnings=[day(warning) for warning in warnings],
    )


# --- community orders ---------------------------------------------------------------------


def test_a_first_failure_may_be_warned_or_referred() -> None:
    advice = community_order("2026-11-10")

    assert advice.action == "warn_or_refer"
    assert advice.relevant_warning is None
    assert advice.must_act_by == day("2026-11-24")
    assert advice.explanation == (
        "No warning in the 12 months before this failure. You may give him a warning or refer "
        "him back to court for breach (Sentencing Act 2020, Schedule 10). "
        "Act by 24 November 2026."
    )


def test_a_warning_earlier_in_the_year_means_a_referral() -> None:
    advice = community_order("2026-11-10", "2026-03-03")

    assert advice.action == "refer_for_breach"
    assert advice.relevant_warning == day("2026-03-03")
    assert advice.explanation == (
        "He was warned on 3 March 2026, within the 12 months before this failure on "
        "10 November 2026. The Sentencing Act 2020, Schedule 10 says you must refer him back "
        "to court for breach. Act by 24 November 2026."
    )


@pytest.mark.parametrize(
    ("warning", "failure", "action"),
    [
        ("2026-01-10", "2026-12-10", "refer_for_breach"),  # 11 months before
        ("2025-11-10", "2026-12-10", "warn_or_refer"),  # 13 months before
        ("2025-12-10", "2026-12-10", "refer_for_breach"),  # exactly 12 months: still inside
        ("2025-12-09", "2026-12-10", "warn_or_refer"),  # a day more than 12 months
        ("2026-12-10", "2026-12-10", "refer_for_breach"),  # warned earlier the same day
        # 12 months before 29 February 2028 is 28 February 2027, there being no 29th.
        ("2027-02-28", "2028-02-29", "refer_for_breach"),
        ("2027-02-27", "2028-02-29", "warn_or_refer"),
        ("2028-02-29", "2029-02-28", "refer_for_breach"),
    ],
)
def test_the_twelve_month_window(warning: str, failure: str, action: str) -> None:
    assert community_order(failure, warning).action == action


def test_of_two_warnings_the_recent_one_counts() -> None:
    advice = community_order("2026-11-10", "2024-06-01", "2026-05-20")

    assert advice.action == "refer_for_breach"
    assert advice.relevant_warning == day("2026-05-20")
    assert "warned on 20 May 2026" in advice.explanation


def test_the_latest_of_two_recent_warnings_is_cited() -> None:
    advice = community_order("2026-11-10", "2026-08-14", "2026-02-02")

    assert advice.relevant_warning == day("2026-08-14")


def test_two_old_warnings_leave_the_choice() -> None:
    advice = community_order("2026-11-10", "2024-06-01", "2025-10-01")

    assert advice.action == "warn_or_refer"
    assert advice.relevant_warning is None


def test_a_warning_after_the_failure_is_ignored() -> None:
    # The warning for a later failure says nothing about this one.
    advice = community_order("2026-11-10", "2024-06-01", "2026-11-11")

    assert advice.action == "warn_or_refer"
    assert advice.relevant_warning is None


# --- licences ------------------------------------------------------------------------------


def test_a_failure_on_licence_goes_to_a_recall_review_whatever_the_warnings() -> None:
    for warnings in ([], [day("2026-10-01")]):
        advice = advise(
            sentence_type="licence",
            failure_date=day("2026-11-10"),
            previous_warnings=warnings,
        )

        assert advice.action == "recall_review"
        assert advice.relevant_warning is None
        assert advice.must_act_by == day("2026-11-24")
        assert "recall" in advice.explanation
        assert "(Criminal Justice Act 2003, section 254)" in advice.explanation
        assert advice.explanation.endswith("Act by 24 November 2026.")


def test_an_unknown_sentence_type_is_refused() -> None:
    with pytest.raises(UnknownSentenceTypeError, match="suspended_sentence"):
        advise(
            sentence_type="suspended_sentence",
            failure_date=day("2026-11-10"),
            previous_warnings=[],
        )
    assert issubclass(UnknownSentenceTypeError, ValueError)


# --- the deadline --------------------------------------------------------------------------


def test_the_deadline_counts_past_christmas_and_new_year() -> None:
    # From Friday 18 December 2026: 21-24 Dec (4); Christmas Day Fri 25th, Boxing Day
    # (Saturday 26th) observed Monday 28th; 29-31 Dec (7); New Year's Day Fri 1 Jan 2027;
    # 4, 5, 6 Jan (10).
    assert [ENGLAND.get(day(d)) for d in ("2026-12-25", "2026-12-28", "2027-01-01")] == [
        "Christmas Day",
        "Boxing Day (observed)",
        "New Year's Day",
    ]
    advice = community_order("2026-12-18")

    assert advice.must_act_by == day("2027-01-06")
    assert advice.explanation.endswith("Act by 6 January 2027.")


def test_the_deadline_counts_past_easter() -> None:
    # From Thursday 25 March 2027: Good Friday 26th and Easter Monday 29th are bank holidays;
    # 30, 31 Mar, 1, 2 Apr (4); 5-9 Apr (9); 12 Apr (10).
    assert [ENGLAND.get(day(d)) for d in ("2027-03-26", "2027-03-29")] == [
        "Good Friday",
        "Easter Monday",
    ]

    assert community_order("2027-03-25").must_act_by == day("2027-04-12")


def test_the_deadline_counts_past_the_areas_closure_days() -> None:
    advice = advise(
        sentence_type="community_order",
        failure_date=day("2026-11-10"),
        previous_warnings=[],
        closures=frozenset({day("2026-11-16"), day("2026-11-17")}),
    )

    assert advice.must_act_by == day("2026-11-26")


# --- the policy is data --------------------------------------------------------------------


def test_the_shipped_file_holds_the_rules() -> None:
    assert load_policy() == parse_policy(SHIPPED)
    assert load_policy(POLICY_FILE)["community_order"] == SentenceRule(
        label="Community order",
        law="Sentencing Act 2020, Schedule 10",
        action="warn_or_refer",
        after_a_warning=AfterAWarning(within_months=12, action="refer_for_breach"),
        act_within_working_days=10,
    )


def test_the_rules_come_from_the_policy_given() -> None:
    changed = copy.deepcopy(SHIPPED)
    changed["community_order"]["after_a_warning"]["within_months"] = 6
    changed["community_order"]["act_within_working_days"] = 5
    policy = parse_policy(changed)

    advice = advise(
        sentence_type="community_order",
        failure_date=day("2026-11-10"),
        previous_warnings=[day("2026-03-03")],
        policy=policy,
    )

    assert advice.action == "warn_or_refer"
    assert advice.must_act_by == day("2026-11-17")
    assert advice.explanation.startswith("No warning in the 6 months before this failure.")


def without(key: str, inside: str = "community_order") -> dict[str, Any]:
    changed = copy.deepcopy(SHIPPED)
    del changed[inside][key]
    return changed


def with_value(path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(SHIPPED)
    *parents, last = path.split(".")
    target = changed
    for part in parents:
        target = target[part]
    target[last] = value
    return changed


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ([], "(the whole file): [] is not of type 'object'"),
        ({}, "(the whole file): {} should be non-empty"),
        (without("law"), "community_order: 'law' is a required property"),
        (
            with_value("licence.action", "recall"),
            "licence.action: 'recall' is not one of ['warn_or_refer', 'refer_for_breach', "
            "'recall_review']",
        ),
        (
            with_value("community_order.after_a_warning.within_months", 0),
            "community_order.after_a_warning.within_months: 0 is less than the minimum of 1",
        ),
        (
            with_value("licence.act_within_working_days", "10"),
            "licence.act_within_working_days: '10' is not of type 'integer'",
        ),
        (
            with_value("licence.warning_window_months", 12),
            "licence: Additional properties are not allowed ('warning_window_months' was "
            "unexpected)",
        ),
        (with_value("licence.label", ""), "licence.label: '' should be non-empty"),
    ],
)
def test_a_bad_policy_is_refused_naming_the_field(data: Any, problem: str) -> None:
    with pytest.raises(PolicyError) as refused:
        parse_policy(data)

    assert refused.value.problems == [problem]
    assert str(refused.value) == f"Enforcement policy: {problem}"


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(PolicyError, match="not valid JSON"):
        load_policy(path)
    with pytest.raises(PolicyError, match="cannot be read"):
        load_policy(tmp_path / "missing.json")


def test_every_action_has_a_label_and_words() -> None:
    assert set(ACTION_LABELS) == set(ACTION_WORDS) == set(ACTIONS)


@pytest.mark.parametrize(
    ("given_day", "months", "expected"),
    [
        ("2026-11-10", 12, "2025-11-10"),
        ("2028-02-29", 12, "2027-02-28"),
        ("2027-03-31", 1, "2027-02-28"),
        ("2028-03-31", 1, "2028-02-29"),
        ("2026-01-15", 1, "2025-12-15"),
        ("2026-01-15", 25, "2023-12-15"),
    ],
)
def test_months_before(given_day: str, months: int, expected: str) -> None:
    assert months_before(day(given_day), months) == day(expected)


# --- properties ----------------------------------------------------------------------------

FAILURES = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2040, 12, 31))
WARNING_OFFSETS = st.lists(st.integers(min_value=-800, max_value=60), max_size=5)
CLOSURE_OFFSETS = st.frozensets(st.integers(min_value=1, max_value=40), max_size=10)


def twelve_months_before(failure: datetime.date) -> datetime.date:
    """The law's window opens on the same day a year earlier (28 February for the 29th)."""
    try:
        return failure.replace(year=failure.year - 1)
    except ValueError:
        return datetime.date(failure.year - 1, 2, 28)


def working(date: datetime.date, closures: frozenset[datetime.date]) -> bool:
    return date.weekday() <= FRIDAY and date not in ENGLAND and date not in closures


@settings(max_examples=300, deadline=None)
@given(
    failure=FAILURES,
    warning_offsets=WARNING_OFFSETS,
    closure_offsets=CLOSURE_OFFSETS,
    sentence_type=st.sampled_from(["community_order", "licence"]),
)
def test_the_advice_keeps_the_rules(
    failure: datetime.date,
    warning_offsets: list[int],
    closure_offsets: frozenset[int],
    sentence_type: str,
) -> None:
    warnings = [failure + datetime.timedelta(days=offset) for offset in warning_offsets]
    closures = frozenset(failure + datetime.timedelta(days=offset) for offset in closure_offsets)

    advice = advise(
        sentence_type=sentence_type,
        failure_date=failure,
        previous_warnings=warnings,
        closures=closures,
    )

    assert advice.must_act_by > failure
    assert working(advice.must_act_by, closures)
    days_after = range(1, (advice.must_act_by - failure).days + 1)
    assert sum(working(failure + datetime.timedelta(days=n), closures) for n in days_after) == 10
    act_by = advice.must_act_by
    assert advice.explanation.endswith(f"Act by {act_by.day} {act_by:%B %Y}.")
    if sentence_type == "licence":
        assert (advice.action, advice.relevant_warning) == ("recall_review", None)
        return
    recent = [w for w in warnings if twelve_months_before(failure) <= w <= failure]
    assert (advice.action == "refer_for_breach") == bool(recent)
    assert advice.relevant_warning == (max(recent) if recent else None)
