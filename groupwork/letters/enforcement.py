"""Enforcement letters: a warning to the man, and a breach report (or, on a licence, a draft
recall report) for the court or the recall review.

The `*_context` functions are pure: they read only the values they are given. The
`*_for_item` functions gather those values for one enforcement item in one or two queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from groupwork.attendance.models import Attendance, Failure, Outcome
from groupwork.enforcement.models import ActionTaken, EnforcementItem
from groupwork.letters.formatting import letter_date, long_date
from groupwork.letters.rendering import letter_context, render_letter
from groupwork.organisation.models import Area, Office, User
from groupwork.referrals.models import Referral, SentenceType

WARNING_TEMPLATE = "letters/warning.html"
BREACH_TEMPLATE = "letters/breach_report.html"
RECALL_TEMPLATE = "letters/recall_report.html"
WARNING_TITLE = "A warning"

# What he did, said to him in plain words: "You came to your group, but you ...".
FAILURE_WORDS: dict[str, str] = {
    Failure.LATE: "came too late",
    Failure.UNDER_THE_INFLUENCE: "had been drinking or taking drugs",
    Failure.DISRUPTIVE: "did not behave well in the group",
    Failure.SENT_HOME: "were sent home",
    Failure.DID_NOT_TAKE_PART: "did not take part",
}
ABSENT = frozenset({Outcome.ABSENT_UNACCEPTABLE, Outcome.ABSENT_PENDING})


class NoOfficeError(ValueError):
    """Neither the officer nor their team has an office to send the letter from."""


def what_he_did(item: EnforcementItem) -> list[str]:
    """The failure as short sentences to the man. `item.attendance` must be loaded."""
    day = long_date(item.failure_date)
    attendance = item.attendance
    if attendance is None or attendance.outcome in ABSENT:
        return [f"You did not come to your group on {day}.", "You did not have a good reason."]
    if attendance.outcome == Outcome.FAILED_TO_COMPLY and attendance.failures:
        done = [FAILURE_WORDS.get(code, "broke the rules") for code in attendance.failures]
        what = done[0] if len(done) == 1 else f"{', '.join(done[:-1])} and {done[-1]}"
        return [f"You came to your group on {day}.", f"But you {what}."]
    return [f"On {day} you did not keep to the rules."]


def sending_office(officer: User) -> Office:
    """The office of the man's probation officer, or of their team. The officer (and their
    team's office) must be loaded."""
    if officer.office is not None:
        return officer.office
    if officer.team is not None:
        return officer.team.office
    raise NoOfficeError(f"{officer} has no office to send a letter from.")


def warning_letter_context(  # noqa: PLR0913  (keyword-only: the letter's facts, named)
    *,
    man_name: str,
    man_address: str,
    what: Sequence[str],
    on_licence: bool,
    office: Office,
    area: Area,
    signed_by: str,
    today: datetime.date,
) -> dict[str, Any]:
    """The context of `letters/warning.html`. `what`: the failure in short sentences to him
    (`what_he_did`). `office`: his officer's office, whose phone he calls."""
    return {
        **letter_context(
            area=area,
            office=office,
            recipient_name=man_name,
            recipient_address=man_address,
            today=today,
            title=WARNING_TITLE,
            signatory=signed_by,
        ),
        "what": list(what),
        "on_licence": on_licence,
        "contact": {"name": office.name, "phone": office.phone},
    }


def warning_letter_for_item(
    item_id: int, *, signed_by: User, today: datetime.date
) -> dict[str, Any]:
    """Everything the warning letter needs for one item, in one query."""
    item = EnforcementItem.objects.select_related(
        "attendance",
        "referral__participant__area",
        "referral__responsible_officer__office",
        "referral__responsible_officer__team__office",
    ).get(pk=item_id)
    referral = item.referral
    man = referral.participant
    return warning_letter_context(
        man_name=man.full_name,
        man_address="\n".join([man.address, man.postcode]),
        what=what_he_did(item),
        on_licence=referral.sentence_type == SentenceType.LICENCE,
        office=sending_office(referral.responsible_officer),
        area=man.area,
        signed_by=signed_by.get_full_name() or signed_by.username,
        today=today,
    )


@dataclass(frozen=True)
class CourtReportFacts:
    """What a breach or recall report says, loaded by `court_report_facts`."""

    item: EnforcementItem  # the item the report is for
    earlier: Sequence[EnforcementItem]  # the man's other enforcement items, any order
    attendances: Sequence[Attendance]  # every attendance of the referral, sessions loaded


def court_report_context(
    facts: CourtReportFacts, *, recall: bool, signed_by: str, today: datetime.date
) -> dict[str, Any]:
    """The context of `letters/breach_report.html` and `letters/recall_report.html`.

    Failures: this item and the earlier ones nobody acted on or that went to court.
    Warnings: the earlier items that ended in a warning."""
    item = facts.item
    referral: Referral = item.referral
    man = referral.participant
    officer = referral.responsible_officer
    office = sending_office(officer)
    before = sorted(
        (other for other in facts.earlier if other.pk != item.pk),
        key=lambda other: (other.failure_date, other.pk),
    )
    failures = [
        other
        for other in before
        if other.failure_date <= item.failure_date
        and other.action_taken in {"", ActionTaken.BREACH}
    ]
    warnings = [other for other in before if other.action_taken == ActionTaken.WARNING]
    title = "Recall report (draft)" if recall else "Breach report"
    return {
        **letter_context(
            area=man.area,
            office=office,
            recipient_name="Recall review" if recall else "The court",
            recipient_address="",
            today=today,
            title=f"{title}: {man.full_name}",
            signatory=signed_by,
        ),
        "report_title": title,
        "man": {
            "name": man.full_name,
            "date_of_birth": letter_date(man.date_of_birth),
            "case_reference": man.case_reference,
        },
        "order": {
            "sentence_type": referral.get_sentence_type_display(),
            "starts": letter_date(referral.sentence_start),
            "ends": letter_date(referral.sentence_end),
            "programme": referral.programme.name,
            "officer": officer.get_full_name() or officer.username,
            "office": office.name,
        },
        "failures": [_failure(other) for other in [*failures, item]],
        "warnings": [
            {
                "on": letter_date(warning.action_on) if warning.action_on else "",
                "failure": warning.failure,
                "failure_date": letter_date(warning.failure_date),
            }
            for warning in warnings
        ],
        "attendances": [_attendance(attendance) for attendance in facts.attendances],
        "decision": {
            "action": item.get_action_taken_display(),
            "on": letter_date(item.action_on) if item.action_on else "",
            "reason": item.reason,
            "advice": item.get_advice_display(),
            "explanation": item.explanation,
        },
    }


def _failure(item: EnforcementItem) -> dict[str, str]:
    return {
        "date": letter_date(item.failure_date),
        "failure": item.failure,
        "status": item.get_action_taken_display() or "Not yet acted on",
    }


def _attendance(attendance: Attendance) -> dict[str, str]:
    labels = dict(Failure.choices)
    how = ", ".join(labels.get(code, code) for code in attendance.failures)
    return {
        "date": letter_date(attendance.session.date),
        "session": str(attendance.session.number),
        "outcome": attendance.get_outcome_display(),
        "detail": how if attendance.outcome == Outcome.FAILED_TO_COMPLY else "",
    }


def court_report_facts(item_id: int) -> CourtReportFacts:
    """The item, the man's other items and his attendance record, in two queries."""
    items = list(
        EnforcementItem.objects.filter(referral__enforcement_items__pk=item_id).select_related(
            "referral__participant__area",
            "referral__programme",
            "referral__responsible_officer__office",
            "referral__responsible_officer__team__office",
        )
    )
    item = next((found for found in items if found.pk == item_id), None)
    if item is None:
        raise EnforcementItem.DoesNotExist(f"No enforcement item {item_id}.")
    for other in items:  # one referral: share it rather than keep copies
        other.referral = item.referral
    attendances = list(
        Attendance.objects.filter(referral_id=item.referral_id)
        .select_related("session")
        .order_by("session__date", "session__starts", "session__number")
    )
    return CourtReportFacts(item=item, earlier=items, attendances=attendances)


def warning_letter_pdf(item_id: int, *, signed_by: User, today: datetime.date) -> bytes:
    context = warning_letter_for_item(item_id, signed_by=signed_by, today=today)
    return render_letter(WARNING_TEMPLATE, context).pdf


def court_report_pdf(item_id: int, *, recall: bool, signed_by: User, today: datetime.date) -> bytes:
    context = court_report_context(
        court_report_facts(item_id),
        recall=recall,
        signed_by=signed_by.get_full_name() or signed_by.username,
        today=today,
    )
    return render_letter(RECALL_TEMPLATE if recall else BREACH_TEMPLATE, context).pdf
