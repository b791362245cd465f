"""Who a programme is for: checked when a referral is made, with plain reasons."""

from __future__ import annotations

import datetime

from groupwork.programmes.definition import ProgrammeDefinition


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def eligibility_problems(
    definition: ProgrammeDefinition,
    *,
    sex: str,
    born: datetime.date,
    offence_category: str,
    on: datetime.date,
) -> dict[str, str]:
    """Why a man cannot be referred, by form field; empty when he can."""
    problems = {}
    if sex not in definition.sexes:
        allowed = " or ".join(definition.sexes)
        problems["sex"] = f"{definition.name} is for {allowed} participants only"
    if age_on(born, on) < definition.minimum_age:
        problems["date_of_birth"] = (
            f"He must be {definition.minimum_age} or over to be referred to {definition.name}"
        )
    if offence_category not in definition.offence_categories:
        problems["offence_category"] = (
            f"Select an offence that {definition.name} is for: "
            + ", ".join(label.lower() for label in definition.offence_categories.values())
        )
    return problems
