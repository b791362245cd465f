"""The documents written when a man completes the programme: a letter to him saying so, and
an end-of-programme report for his officer.

The `*_context` functions are pure: they read only the values they are given.
`completion_facts` gathers those values for one referral in a fixed number of queries.
`issue_completion_documents` writes both, keeps them as Letter rows and audits them.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from groupwork.assessment.progress import ScaleChange, referral_assessment
from groupwork.attendance.models import CatchUp, CatchUpStatus, Outcome
from groupwork.attendance.progress import Progress, progress_for
from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.casework.models import AssignmentMark, AssignmentResult
from groupwork.letters.enforcement import sending_office
from groupwork.letters.formatting import letter_date
from groupwork.letters.models import Letter, LetterKind
from groupwork.letters.rendering import letter_context, render_letter
from groupwork.organisation.models import Area, Office, Role, User
from groupwork.referrals.models import Referral, SentenceType
from groupwork.referrals.status_machine import COMPLETED_STATUS

LETTER_TEMPLATE = "letters/completion.html"
REPORT_TEMPLATE = "letters/end_of_programme_report.html"
LETTER_TITLE = "You have finished your group"
REPORT_TITLE = "End-of-programme report"
# His officer writes them; the programme manager may too.
COMPLETION_WRITERS = frozenset({Role.OFFENDER_MANAGER, Role.PROGRAMME_MANAGER})
NOT_COMPLETED = (
    "The completion letter and report can be written only when the referral's status is Completed."
)


class NotCompletedError(ValidationError):
    """The referral has not reached the status Completed."""


def completion_letter_context(  # noqa: PLR0913  (keyword-only: the letter's facts, named)
    *,
    man_name: str,
    man_address: str,
    on_licence: bool,
    sentence_end: datetime.date,
    office: Office,
    area: Area,
    signed_by: str,
    today: datetime.date,
) -> dict[str, Any]:
    """The context of `letters/completion.html`. `office`: his officer's office, whose phone
    he calls. The day his order or licence ends is given only while it is still to come."""
    return {
        **letter_context(
            area=area,
            office=office,
            recipient_name=man_name,
            recipient_address=man_address,
            today=today,
            title=LETTER_TITLE,
            signatory=signed_by,
        ),
        "on_licence": on_licence,
        "sentence_ends": letter_date(sentence_end) if sentence_end > today else "",
        "contact": {"name": office.name, "phone": office.phone},
    }


@dataclass(frozen=True)
class CompletionFacts:
    """What the end-of-programme report says, loaded by `completion_facts`."""

    referral: Referral  # participant, area, programme and officer (with office) loaded
    outcomes: Mapping[str, int]  # attendances by outcome code
    progress: Progress
    catch_ups: Mapping[str, int]  # catch-ups by status code
    marks: Mapping[str, int]  # assignment marks by result code
    completed_questionnaires: int
    changes: Sequence[ScaleChange]


def _questionnaire_rows(changes: Sequence[ScaleChange]) -> list[dict[str, str]]:
    rows = []
    for change in changes:
        first, latest = change.points[0], change.points[-1]
        if change.rci is None:
            result = "Not available: only one occasion"
        else:
            result = f"Reliable Change Index {change.rci}: {change.direction}"
            if change.crossed_cut_off:
                result += ", and past the cut-off"
        rows.append(
            {
                "scale": f"{change.instrument}: {change.scale.name}",
                "first": f"{first.score:g} ({first.occasion})",
                "latest": f"{latest.score:g} ({latest.occasion})" if change.rci is not None else "",
                "result": result,
            }
        )
    return rows


def end_of_programme_context(
    facts: CompletionFacts, *, facilitator_summary: str, signed_by: str, today: datetime.date
) -> dict[str, Any]:
    """The context of `letters/end_of_programme_report.html`, for his officer."""
    referral = facts.referral
    man = referral.participant
    officer = referral.responsible_officer
    office = sending_office(officer)
    pathway = facts.progress.pathway
    return {
        **letter_context(
            area=man.area,
            office=office,
            recipient_name=officer.get_full_name() or officer.username,
            recipient_address="",
            today=today,
            title=f"{REPORT_TITLE}: {man.full_name}",
            signatory=signed_by,
        ),
        "report_title": REPORT_TITLE,
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
        },
        "attendance": [
            {"outcome": label, "count": facts.outcomes.get(code, 0)}
            for code, label in Outcome.choices
        ],
        "sessions_total": sum(facts.outcomes.values()),
        "pathway": {
            "label": pathway.pathway_label,
            "decided": pathway.pathway_decided,
            "sessions_covered": pathway.sessions_covered,
            "sessions_required": pathway.sessions_required,
            "hours_done": f"{pathway.hours_done:g}",
            "hours_required": f"{pathway.hours_required:g}",
            "modules": [
                {
                    "title": module.title,
                    "sessions": f"{module.covered} of {module.required}",
                    "hours": f"{module.hours_done:g} of {module.hours_required:g}",
                    "catch_ups": module.catch_ups_done,
                }
                for module in pathway.modules
            ],
        },
        "catch_ups": {
            "done": facts.catch_ups.get(CatchUpStatus.DONE, 0),
            "outstanding": sum(
                count for status, count in facts.catch_ups.items() if status != CatchUpStatus.DONE
            ),
        },
        "assignments": [
            {"result": label, "count": facts.marks.get(code, 0)}
            for code, label in AssignmentResult.choices
        ],
        "assignments_total": sum(facts.marks.values()),
        "warnings": [letter_date(day) for day in facts.progress.warnings],
        "questionnaires": {
            "completed": facts.completed_questionnaires,
            "available": facts.completed_questionnaires >= 2,  # noqa: PLR2004  (a change needs two)
            "rows": _questionnaire_rows(facts.changes),
        },
        "facilitator_summary": facilitator_summary.strip(),
    }


def completion_facts(referral_id: Any) -> CompletionFacts:
    """The referral and the counts the report gives, in a fixed number of queries."""
    referral = Referral.objects.select_related(
        "participant__area",
        "programme",
        "responsible_officer__office",
        "responsible_officer__team__office",
    ).get(pk=referral_id)
    assessment = referral_assessment(referral)
    return CompletionFacts(
        referral=referral,
        outcomes=Counter(referral.attendances.values_list("outcome", flat=True)),
        progress=progress_for(referral),
        catch_ups=Counter(
            CatchUp.objects.filter(referral=referral).values_list("status", flat=True)
        ),
        marks=Counter(
            AssignmentMark.objects.filter(referral=referral).values_list("result", flat=True)
        ),
        completed_questionnaires=sum(1 for a in assessment.administrations if a.is_completed),
        changes=assessment.changes,
    )


def completion_letter_pdf(referral: Referral, *, signed_by: User, today: datetime.date) -> bytes:
    """`referral` with its participant (and his area) and officer (with office) loaded."""
    man = referral.participant
    context = completion_letter_context(
        man_name=man.full_name,
        man_address="\n".join([man.address, man.postcode]),
        on_licence=referral.sentence_type == SentenceType.LICENCE,
        sentence_end=referral.sentence_end,
        office=sending_office(referral.responsible_officer),
        area=man.area,
        signed_by=signed_by.get_full_name() or signed_by.username,
        today=today,
    )
    return render_letter(LETTER_TEMPLATE, context).pdf


def end_of_programme_report_pdf(
    facts: CompletionFacts, *, facilitator_summary: str, signed_by: User, today: datetime.date
) -> bytes:
    context = end_of_programme_context(
        facts,
        facilitator_summary=facilitator_summary,
        signed_by=signed_by.get_full_name() or signed_by.username,
        today=today,
    )
    return render_letter(REPORT_TEMPLATE, context).pdf


def issue_completion_documents(
    *, acting_user: User, referral: Referral, facilitator_summary: str
) -> tuple[Letter, Letter]:
    """The completion letter to the man and the end-of-programme report for his officer,
    kept as written. Only for a referral whose status is Completed (NotCompletedError
    otherwise); NoOfficeError when his officer has no office to write from."""
    if referral.status_id != COMPLETED_STATUS:
        raise NotCompletedError(NOT_COMPLETED)
    today = timezone.localdate()
    facts = completion_facts(referral.pk)
    letter_pdf = completion_letter_pdf(facts.referral, signed_by=acting_user, today=today)
    report_pdf = end_of_programme_report_pdf(
        facts, facilitator_summary=facilitator_summary, signed_by=acting_user, today=today
    )
    with transaction.atomic():
        # Lock the referral so that its status cannot move while the documents are kept.
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status_id != COMPLETED_STATUS:
            raise NotCompletedError(NOT_COMPLETED)
        written = []
        for kind, pdf in (
            (LetterKind.COMPLETION, letter_pdf),
            (LetterKind.END_OF_PROGRAMME_REPORT, report_pdf),
        ):
            letter = Letter.objects.create(
                referral=locked, kind=kind, pdf=pdf, created_by=acting_user
            )
            record_event(
                acting_user=acting_user,
                action=Action.LETTER_WRITTEN,
                subject=letter,
                participant=facts.referral.participant,
                new_values={"kind": kind},
            )
            written.append(letter)
    return written[0], written[1]
