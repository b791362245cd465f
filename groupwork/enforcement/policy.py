"""Enforcement policy: what the officer must do when a man fails to comply, by sentence type.

The rules are data (`enforcement_policy.json`): for each sentence type, the action, the action
instead when he was warned recently (where a warning changes it), the law, and how many working
days the officer has. `advise` is a pure function: the API, the pages and the daily job pass
the facts in and get the same advice back.
"""

from __future__ import annotations

import calendar
import datetime
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, get_args

from jsonschema import Draft202012Validator

from groupwork.core.working_days import add_working_days

Action = Literal["warn_or_refer", "refer_for_breach", "recall_review"]
ACTIONS: tuple[Action, ...] = get_args(Action)
POLICY_FILE = Path(__file__).with_name("enforcement_policy.json")

ACTION_LABELS: dict[Action, str] = {
    "warn_or_refer": "Warn him or refer him to court for breach",
    "refer_for_breach": "Refer him to court for breach",
    "recall_review": "Review whether to ask for his recall to prison",
}
# What each action asks of the officer, as the explanation says it; {law} is the rule's law.
ACTION_WORDS: dict[Action, str] = {
    "warn_or_refer": "You may give him a warning or refer him back to court for breach ({law}).",
    "refer_for_breach": "The {law} says you must refer him back to court for breach.",
    "recall_review": "A failure on licence goes to a recall review: decide with your manager "
    "whether to ask for his recall to prison ({law}).",
}

_TEXT = {"type": "string", "minLength": 1}
_ACTION = {"enum": list(ACTIONS)}
POLICY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "minProperties": 1,
    "propertyNames": {"pattern": "^[a-z][a-z0-9_]*$"},
    "additionalProperties": {
        "type": "object",
        "required": ["label", "law", "action", "act_within_working_days"],
        "additionalProperties": False,
        "properties": {
            "label": _TEXT,
            "law": _TEXT,
            "action": _ACTION,
            "after_a_warning": {
                "type": "object",
                "required": ["within_months", "action"],
                "additionalProperties": False,
                "properties": {
                    "within_months": {"type": "integer", "minimum": 1, "maximum": 120},
                    "action": _ACTION,
                },
            },
            "act_within_working_days": {"type": "integer", "minimum": 0, "maximum": 3650},
        },
    },
}


class PolicyError(ValueError):
    """A policy file that cannot be used; `problems` names each field that is wrong."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Enforcement policy: " + "; ".join(problems))
        self.problems = problems


class UnknownSentenceTypeError(ValueError):
    """The policy has no rule for this sentence type."""


@dataclass(frozen=True)
class AfterAWarning:
    """A warning within `within_months` before the failure makes the action `action`."""

    within_months: int
    action: Action


@dataclass(frozen=True)
class SentenceRule:
    label: str
    law: str
    action: Action
    after_a_warning: AfterAWarning | None
    act_within_working_days: int


Policy = Mapping[str, SentenceRule]


@dataclass(frozen=True)
class Advice:
    action: Action
    must_act_by: datetime.date
    explanation: str
    relevant_warning: datetime.date | None  # the warning that made the action stricter


def parse_policy(data: Any) -> Policy:
    """Check a policy's shape and return its typed form, or raise PolicyError naming fields."""
    problems = [
        f"{'.'.join(str(part) for part in error.absolute_path) or '(the whole file)'}: "
        f"{error.message}"
        for error in sorted(
            Draft202012Validator(POLICY_SCHEMA).iter_errors(data),
            key=lambda error: [str(part) for part in error.absolute_path],
        )
    ]
    if problems:
        raise PolicyError(problems)
    return MappingProxyType({code: _rule(raw) for code, raw in data.items()})


def _rule(raw: dict[str, Any]) -> SentenceRule:
    warning = raw.get("after_a_warning")
    return SentenceRule(
        label=raw["label"],
        law=raw["law"],
        action=raw["action"],
        after_a_warning=AfterAWarning(**warning) if warning else None,
        act_within_working_days=raw["act_within_working_days"],
    )


@cache
def load_policy(path: Path = POLICY_FILE) -> Policy:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PolicyError([f"{path}: cannot be read ({error.strerror})"]) from error
    except ValueError as error:  # not UTF-8, or not JSON
        raise PolicyError([f"{path}: not valid JSON ({error})"]) from error
    return parse_policy(data)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` earlier; the month's last day when it is shorter
    (12 months before 29 February is 28 February)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = month_index + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def spoken(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def advise(
    *,
    sentence_type: str,
    failure_date: datetime.date,
    previous_warnings: Iterable[datetime.date],
    closures: Collection[datetime.date] = frozenset(),
    policy: Policy | None = None,
) -> Advice:
    """What the officer must do about a failure to comply on `failure_date`, and by when.

    Warnings dated after the failure are for later failures, so they do not count."""
    rules = load_policy() if policy is None else policy
    try:
        rule = rules[sentence_type]
    except KeyError:
        raise UnknownSentenceTypeError(f"No enforcement policy for {sentence_type!r}.") from None
    must_act_by = add_working_days(failure_date, rule.act_within_working_days, closures)

    def explain(action: Action, why: str = "") -> str:
        return f"{why}{ACTION_WORDS[action].format(law=rule.law)} Act by {spoken(must_act_by)}."

    escalation = rule.after_a_warning
    if escalation is None:
        return Advice(rule.action, must_act_by, explain(rule.action), None)
    opens = months_before(failure_date, escalation.within_months)
    window = f"{escalation.within_months} month{'s' if escalation.within_months > 1 else ''}"
    recent = [warning for warning in previous_warnings if opens <= warning <= failure_date]
    if not recent:
        why = f"No warning in the {window} before this failure. "
        return Advice(rule.action, must_act_by, explain(rule.action, why), None)
    warning = max(recent)
    why = (
        f"He was warned on {spoken(warning)}, within the {window} before this failure on "
        f"{spoken(failure_date)}. "
    )
    return Advice(escalation.action, must_act_by, explain(escalation.action, why), warning)
