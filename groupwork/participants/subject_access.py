"""Subject access: everything held about one man, as a ZIP of JSON, a readable PDF and his
letters, with nothing about any other man.

`gather` reads his record, one query per kind of record however long it is, into plain
values. `NameScrubber` then replaces every other man's first or last name (every man of his
area) wherever it appears in free text, and `build_zip` writes the scrubbed data as
`data.json` (sorted keys) and `summary.pdf`, with a README and his letters.

What the export leaves out on purpose (the README says so too):
- other men: names in free text are replaced, and nothing is read from another man's
  record; a group place names the group, never its members;
- the register's note about a session as a whole: it may name several men;
- an incident's description: it may name or describe the other men involved (its kind, date,
  how it was challenged and what followed are given, names removed);
- records that keep him apart from another man: each names that man (they are counted);
- letters whose words cannot be checked here: the end-of-programme report (the facilitators'
  summary lives only inside its PDF), and any letter whose stored text names another man.
  They are listed as withheld, for the member of staff to read and release by hand.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from groupwork.assessment.models import Administration, PathwayDecision, RiskScore
from groupwork.attendance.models import Absence, Attendance, CatchUp, Failure
from groupwork.audit.models import Action, AuditEvent
from groupwork.audit.services import record_event
from groupwork.casework.models import (
    AssignmentMark,
    Complaint,
    ComplaintStage,
    Incident,
    OneToOne,
    RulesAgreement,
)
from groupwork.enforcement.models import EnforcementItem
from groupwork.groups.models import Membership
from groupwork.letters.models import Letter, LetterKind
from groupwork.letters.rendering import html_to_pdf
from groupwork.notifications.models import Message
from groupwork.organisation.models import User
from groupwork.participants.models import Participant
from groupwork.referrals.models import Referral, StatusChange
from groupwork.tasks.models import Task

REMOVED = "[name removed]"
# A single letter (an initial) is not looked for: it would cut every "A" and "I" out of notes.
SHORTEST_NAME = 2
SUMMARY_TEMPLATE = "participants/subject_access_summary.html"
# Letters whose free text is kept only inside the PDF, so no check for names can reach it.
UNCHECKABLE_LETTERS = frozenset({LetterKind.END_OF_PROGRAMME_REPORT})
# Keys whose values are not free text: staff names (who did what is his to know) and his own
# identifying details. Every other string is scrubbed.
NOT_SCRUBBED = frozenset(
    {
        "by",
        "reported_by",
        "helped_by",
        "officer",
        "handler",
        "facilitator",
        "named_staff",
        "made_by",
        "case_reference",
        "first_name",
        "last_name",
        "email",
        "phone",
        "address",
        "postcode",
    }
)
LEFT_OUT = [
    "Other men's names: wherever one appeared in what staff wrote, it reads "
    f"{REMOVED}. Group places name the group, never the other men in it.",
    "The register's note about each session as a whole: it may name other men.",
    "What each incident's description said: it may name or describe other men. Its kind, "
    "date, how it was challenged and what followed are given.",
    "Records that keep him apart from another man: each names that man. Only their number "
    "is given.",
    "Letters listed as withheld: a member of staff must read them and remove other men's "
    "names by hand before they are sent to him.",
]


class NameScrubber:
    """Replaces other people's names in free text. Matching ignores case and takes whole
    words only ("Ann" is not found in "Annual"). A word that is also one of his own names is
    kept: it cannot be told apart from his name, and removing it would hide his own."""

    def __init__(self, names: Iterable[str], *, keep: Iterable[str] = ()) -> None:
        kept = {word.casefold() for name in keep for word in _name_words(name)}
        words = {
            word for name in names for word in _name_words(name) if word.casefold() not in kept
        }
        # Longest first, so that a whole name is replaced before its parts.
        alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
        self.pattern = (
            re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if words else None
        )

    def text(self, value: str) -> str:
        return self.pattern.sub(REMOVED, value) if self.pattern else value

    def names_in(self, value: str) -> bool:
        return bool(self.pattern and self.pattern.search(value))

    def data(self, value: Any, key: str = "") -> Any:
        """A copy of JSON-like data with every free-text string scrubbed (`NOT_SCRUBBED`
        keys are left as they are)."""
        if isinstance(value, str):
            return value if key in NOT_SCRUBBED else self.text(value)
        if isinstance(value, Mapping):
            return {name: self.data(item, str(name)) for name, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(item, key) for item in value]
        return value


def _name_words(name: str) -> set[str]:
    """A name as a whole, each of its words and each part of a double-barrelled one."""
    words = name.split()
    parts = {" ".join(words), *words, *(part for word in words for part in word.split("-"))}
    return {part for part in parts if len(part) >= SHORTEST_NAME}


def scrubber_for(participant: Participant) -> NameScrubber:
    """Every other man of his area, restricted cases included."""
    others = (
        Participant.objects.filter(area_id=participant.area_id)
        .exclude(pk=participant.pk)
        .values_list("first_name", "last_name")
    )
    names = [name for first, last in others for name in (first, last, f"{first} {last}")]
    return NameScrubber(names, keep=[participant.first_name, participant.last_name])


def staff_name(user: User | None) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.username


ModelT = TypeVar("ModelT", bound=models.Model)


def by_referral(
    rows: Iterable[ModelT], describe: Callable[[ModelT], dict[str, Any]]
) -> dict[Any, list[dict[str, Any]]]:
    grouped: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row.referral_id].append(describe(row))  # type: ignore[attr-defined]
    return grouped


# --- his record, one function per kind of record --------------------------------------------


def his_details(participant: Participant) -> dict[str, Any]:
    return {
        "case_reference": participant.case_reference,
        "first_name": participant.first_name,
        "last_name": participant.last_name,
        "date_of_birth": participant.date_of_birth,
        "sex": participant.get_sex_display(),
        "phone": participant.phone,
        "email": participant.email,
        "address": participant.address,
        "postcode": participant.postcode,
        "agrees_to_text_reminders": participant.consents_to_texts,
        "agrees_to_email_reminders": participant.consents_to_email,
        "asked_for_no_more_messages_on": participant.opted_out_on,
        "ethnicity": participant.ethnicity,
        "religion": participant.religion,
        "disability": participant.get_disability_display() if participant.disability else "",
        "needs_help_reading_and_writing": participant.needs_reading_writing_help,
        "interpreter_language": participant.interpreter_language,
        "disability_adjustments": participant.disability_adjustments,
        "work_pattern": participant.work_pattern,
        "can_attend_daytime": participant.available_daytime,
        "can_attend_evening": participant.available_evening,
        "centres_he_can_reach": [centre.name for centre in participant.centres.all()],
        "record_created_at": participant.created_at,
        "record_updated_at": participant.updated_at,
    }


def status_changes(referral_ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    rows = StatusChange.objects.filter(referral_id__in=referral_ids).select_related(
        "from_status", "to_status", "reason", "changed_by"
    )
    return by_referral(
        rows,
        lambda change: {
            "at": change.changed_at,
            "from": change.from_status.name if change.from_status else None,
            "to": change.to_status.name,
            "reason": change.reason.label if change.reason else None,
            "note": change.note,
            "by": staff_name(change.changed_by),
        },
    )


def questionnaires(referral_ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    rows = (
        Administration.objects.filter(referral_id__in=referral_ids)
        .select_related("version__instrument", "started_by", "assisted_by")
        .prefetch_related("answers", "scores")
    )
    return by_referral(
        rows,
        lambda sitting: {
            "questionnaire": sitting.version.instrument.name,
            "version": sitting.version.number,
            "occasion": sitting.occasion,
            "how": sitting.get_mode_display(),
            "status": sitting.get_status_display(),
            "help_given": sitting.assistance,
            "helped_by": staff_name(sitting.assisted_by),
            "by": staff_name(sitting.started_by),
            "started_at": sitting.started_at,
            "completed_at": sitting.completed_at,
            "answers": [{"item": a.item, "value": a.value} for a in sitting.answers.all()],
            "scores": [
                {
                    "scale": s.scale,
                    "score": s.score,
                    "items_answered": s.answered,
                    "shows_need": s.shows_need,
                }
                for s in sitting.scores.all()
            ],
        },
    )


def risk_scores(referral_ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    rows = RiskScore.objects.filter(referral_id__in=referral_ids).select_related("scored_by")
    return by_referral(
        rows,
        lambda score: {
            "scale": "Risk Matrix 2000/S",
            "inputs": score.inputs,
            "step_1_points": score.step1_points,
            "step_1_category": score.step1_category,
            "aggravating_factors": score.aggravating_factors,
            "category": score.category,
            "by": staff_name(score.scored_by),
            "at": score.scored_at,
        },
    )


def pathway_decisions(referral_ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    rows = PathwayDecision.objects.filter(referral_id__in=referral_ids).select_related("decided_by")
    return by_referral(
        rows,
        lambda decision: {
            "pathway": decision.pathway,
            "proposed_pathway": decision.proposed_pathway,
            "risk_category": decision.risk_category,
            "need": decision.need,
            "based_on": decision.basis,
            "proposal_overridden": decision.overridden,
            "reason": decision.reason,
            "by": staff_name(decision.decided_by),
            "at": decision.decided_at,
        },
    )


def group_places(referral_ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    rows = Membership.objects.filter(referral_id__in=referral_ids).select_related(
        "group__centre", "group__programme"
    )
    return by_referral(
        rows,
        lambda place: {
            "group": place.group.name,
            "centre": place.group.centre.name,
            "joined_on": place.joined_on,
            "left_on": place.left_on,
            "first_session": place.first_session,
            "last_session": place.last_session,
        },
    )


def attendances(referral_ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    """His own mark at each session; never the register's note about the session."""
    rows = (
        Attendance.objects.filter(referral_id__in=referral_ids)
        .select_related("session__group", "recorded_by")
        .prefetch_related("session__group__version")
    )
    failures = dict(Failure.choices)

    def describe(mark: Attendance) -> dict[str, Any]:
        rules = {rule["code"]: rule["text"] for rule in mark.session.group.definition.group_rules}
        return {
            "date": mark.session.date,
            "group": mark.session.group.name,
            "session": mark.session.number,
            "outcome": mark.get_outcome_display(),
            "minutes_late": mark.minutes_late,
            "failures": [failures.get(code, code) for code in mark.failures],
            "group_rules_broken": [rules.get(code, code) for code in mark.rule_breaches],
            "note": mark.note,
            "why_let_in_with_a_catch_up_owed": mark.catch_up_override,
            "by": staff_name(mark.recorded_by),
            "at": mark.recorded_at,
        }

    return by_referral(rows, describe)


def absences(referral_ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    rows = Absence.objects.filter(referral_id__in=referral_ids).select_related(
        "session__group", "reported_by", "decided_by"
    )
    return by_referral(
        rows,
        lambda absence: {
            "date": absence.session.date,
            "group": absence.session.group.name,
            "session": absence.session.number,
            "reason": absence.get_reason_display(),
            "how_reported": absence.get_how_reported_display(),
            "details": absence.details,
            "reported_by": staff_name(absence.reported_by),
            "evidence_due": absence.evidence_due,
            "evidence_received_on": absence.evidence_received_on,
            "evidence": absence.evidence,
            "decision": absence.get_status_display(),
            "by": staff_name(absence.decided_by),
            "decided_at": absence.decided_at,
            "decision_reason": absence.decision_reason,
        },
    )


def catch_ups(referral_ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    rows = CatchUp.objects.filter(referral_id__in=referral_ids).select_related(
        "missed_session__group", "other_session__group", "facilitator"
    )
    return by_referral(
        rows,
        lambda catch_up: {
            "missed_session": {
                "date": catch_up.missed_session.date,
                "group": catch_up.missed_session.group.name,
                "session": catch_up.missed_session.number,
            },
            "module": catch_up.module,
            "content_sessions": catch_up.content,
            "status": catch_up.get_status_display(),
            "how": catch_up.get_mode_display() if catch_up.mode else "",
            "booked_for": catch_up.booked_for,
            "in_group": catch_up.other_session.group.name if catch_up.other_session else None,
            "facilitator": staff_name(catch_up.facilitator),
            "done_on": catch_up.done_on,
            "note": catch_up.note,
        },
    )


def enforcement_items(referral_ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    rows = EnforcementItem.objects.filter(referral_id__in=referral_ids).select_related("decided_by")
    return by_referral(
        rows,
        lambda item: {
            "failure_date": item.failure_date,
            "failure": item.failure,
            "advice": item.get_advice_display(),
            "explanation": item.explanation,
            "act_by": item.must_act_by,
            "action_taken": item.get_action_taken_display() if item.action_taken else "",
            "action_on": item.action_on,
            "reason": item.reason,
            "by": staff_name(item.decided_by),
        },
    )


def one_to_ones(referral_ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    rows = OneToOne.objects.filter(referral_id__in=referral_ids).select_related(
        "facilitator", "recorded_by"
    )
    return by_referral(
        rows,
        lambda meeting: {
            "meeting": meeting.label,
            "three_way": meeting.three_way,
            "due_on": meeting.due_on,
            "status": meeting.get_status_display(),
            "booked_for": meeting.booked_for,
            "facilitator": staff_name(meeting.facilitator),
            "notes": meeting.notes,
            "missed_reason": meeting.missed_reason,
            "by": staff_name(meeting.recorded_by),
        },
    )


def rules_agreements(referral_ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    rows = RulesAgreement.objects.filter(referral_id__in=referral_ids).select_related(
        "group", "witnessed_by"
    )
    return by_referral(
        rows,
        lambda agreement: {
            "group": agreement.group.name,
            "agreed_on": agreement.agreed_on,
            "rules": [rule.get("text", "") for rule in agreement.rules],
            "by": staff_name(agreement.witnessed_by),
        },
    )


def assignment_marks(referral_ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    rows = AssignmentMark.objects.filter(referral_id__in=referral_ids).select_related(
        "assignment__session__group", "marked_by"
    )
    return by_referral(
        rows,
        lambda mark: {
            "assignment": mark.assignment.title,
            "set_at_session": mark.assignment.session.number,
            "group": mark.assignment.session.group.name,
            "due_on": mark.assignment.due_on,
            "result": mark.get_result_display(),
            "by": staff_name(mark.marked_by),
        },
    )


def incidents(referral_ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    """Incidents he was involved in, without the description (it may name other men)."""
    involvement = Incident.men.through.objects.filter(referral_id__in=referral_ids).select_related(
        "incident__session__group", "incident__recorded_by"
    )
    grouped: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for link in involvement:
        incident = link.incident
        grouped[link.referral_id].append(
            {
                "date": incident.session.date,
                "group": incident.session.group.name,
                "session": incident.session.number,
                "kind": incident.get_kind_display(),
                "how_challenged": incident.how_challenged,
                "follow_up": incident.follow_up,
                "description": "Left out: it may name or describe other men.",
                "by": staff_name(incident.recorded_by),
            }
        )
    return grouped


def complaints(referral_ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    rows = (
        Complaint.objects.filter(referral_id__in=referral_ids)
        .select_related("recorded_by")
        .prefetch_related("named_staff", "stages__handler")
    )
    return by_referral(
        rows,
        lambda complaint: {
            "received_on": complaint.received_on,
            "summary": complaint.summary,
            "named_staff": [staff_name(user) for user in complaint.named_staff.all()],
            "by": staff_name(complaint.recorded_by),
            "stages": [_stage(stage) for stage in complaint.stages.all()],
        },
    )


def _stage(stage: ComplaintStage) -> dict[str, Any]:
    return {
        "stage": stage.number,
        "handler": staff_name(stage.handler),
        "opened_on": stage.opened_on,
        "acknowledge_by": stage.acknowledge_by,
        "acknowledged_on": stage.acknowledged_on,
        "respond_by": stage.respond_by,
        "outcome": stage.get_outcome_display() if stage.outcome else "",
        "response": stage.response,
        "responded_on": stage.responded_on,
    }


def tasks(referral_ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    rows = Task.objects.filter(referral_id__in=referral_ids).select_related("assigned_to")
    return by_referral(
        rows,
        lambda task: {
            "task": task.get_kind_display(),
            "summary": task.summary,
            "officer": staff_name(task.assigned_to),
            "due_on": task.due_on,
            "closed_at": task.closed_at,
        },
    )


def messages_to_him(participant: Participant) -> list[dict[str, Any]]:
    return [
        {
            "kind": message.kind,
            "channel": message.get_channel_display(),
            "to": message.to,
            "subject": message.subject,
            "text": message.body,
            "status": message.get_status_display(),
            "queued_at": message.created_at,
            "sent_at": message.sent_at,
        }
        for message in Message.objects.filter(participant=participant).order_by("created_at", "pk")
    ]


def audit_events(participant: Participant) -> list[dict[str, Any]]:
    """Who did what with his record, and when; not the values logged (they may name others)."""
    rows = (
        AuditEvent.objects.filter(participant=participant)
        .select_related("actor")
        .order_by("at", "id")
    )
    return [
        {"at": event.at, "by": staff_name(event.actor), "action": event.action_label}
        for event in rows
    ]


# --- letters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterFile:
    letter: Letter
    filename: str
    withheld_because: str = ""


def letter_files(referral_ids: list[Any], scrubber: NameScrubber) -> list[LetterFile]:
    """His letters as kept, with those that may name another man marked as withheld."""
    letters = list(Letter.objects.filter(referral_id__in=referral_ids).order_by("created_at", "pk"))
    written = _letter_texts([letter.pk for letter in letters])
    files = []
    for letter in letters:
        filename = f"letters/{letter.created_at:%Y-%m-%d}-{letter.kind}-{letter.pk}.pdf"
        reason = ""
        if letter.kind in UNCHECKABLE_LETTERS:
            reason = "It holds the facilitators' own words, which cannot be checked here."
        elif any(scrubber.names_in(text) for text in written.get(letter.pk, [])):
            reason = "What staff wrote in it names another man."
        files.append(LetterFile(letter=letter, filename=filename, withheld_because=reason))
    return files


def _letter_texts(letter_ids: list[int]) -> dict[int, list[str]]:
    """The free text that went into each letter, where it is also stored outside the PDF:
    complaint answers and enforcement decisions."""
    texts: dict[int, list[str]] = defaultdict(list)
    for letter_id, response in ComplaintStage.objects.filter(letter_id__in=letter_ids).values_list(
        "letter_id", "response"
    ):
        texts[letter_id].append(response)
    for letter_id, *words in EnforcementItem.objects.filter(letter_id__in=letter_ids).values_list(
        "letter_id", "failure", "explanation", "reason"
    ):
        texts[letter_id].extend(words)
    return texts


# --- the export -------------------------------------------------------------------------------


def gather(participant: Participant, letters: list[LetterFile]) -> dict[str, Any]:
    """Everything held about him, unscrubbed, as plain values."""
    referrals = list(
        Referral.objects.filter(participant=participant)
        .select_related("programme", "status", "status_reason", "responsible_officer")
        .order_by("created_at", "pk")
    )
    ids = [referral.pk for referral in referrals]
    sections = {
        "status_changes": status_changes(ids),
        "questionnaires": questionnaires(ids),
        "risk_scores": risk_scores(ids),
        "pathway_decisions": pathway_decisions(ids),
        "group_places": group_places(ids),
        "attendance": attendances(ids),
        "absences": absences(ids),
        "catch_ups": catch_ups(ids),
        "enforcement": enforcement_items(ids),
        "one_to_ones": one_to_ones(ids),
        "group_rules_agreed": rules_agreements(ids),
        "assignments": assignment_marks(ids),
        "incidents": incidents(ids),
        "complaints": complaints(ids),
        "tasks_for_staff": tasks(ids),
    }
    letters_by_referral: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for file in letters:
        letters_by_referral[file.letter.referral_id].append(
            {
                "kind": file.letter.get_kind_display(),
                "written_at": file.letter.created_at,
                "file": "" if file.withheld_because else file.filename,
                "withheld": file.withheld_because,
            }
        )
    return {
        "details": his_details(participant),
        "referrals": [
            {
                "programme": referral.programme.name,
                "referred_by": referral.get_report_type_display(),
                "report_date": referral.report_date,
                "report_author": referral.report_author,
                "sentence": referral.get_sentence_type_display(),
                "sentence_start": referral.sentence_start,
                "sentence_end": referral.sentence_end,
                "offence_category": referral.offence_category,
                "pathway": referral.pathway,
                "officer": staff_name(referral.responsible_officer),
                "status": referral.status.name,
                "status_reason": referral.status_reason.label if referral.status_reason else None,
                "made_at": referral.created_at,
                **{name: found.get(referral.pk, []) for name, found in sections.items()},
                "letters": letters_by_referral.get(referral.pk, []),
            }
            for referral in referrals
        ],
        "messages_sent_to_him": messages_to_him(participant),
        "records_keeping_him_apart_from_another_man": _keep_apart_count(participant),
        "audit_log": audit_events(participant),
    }


def _keep_apart_count(participant: Participant) -> int:
    from groupwork.allocation.models import KeepApart  # noqa: PLC0415  (allocation imports us)

    return KeepApart.objects.filter(
        models.Q(first=participant) | models.Q(second=participant)
    ).count()


@dataclass(frozen=True)
class SubjectAccessExport:
    filename: str
    content: bytes
    letters_included: int
    letters_withheld: list[LetterFile]


def build_export(
    *, participant: Participant, made_by: User, now: datetime.datetime
) -> SubjectAccessExport:
    scrubber = scrubber_for(participant)
    letters = letter_files(list(participant.referrals.values_list("pk", flat=True)), scrubber)
    data = scrubber.data(gather(participant, letters))
    data["about_this_export"] = {
        "made_at": timezone.localtime(now),
        "made_by": staff_name(made_by),
        "area": participant.area.name,
        "left_out": LEFT_OUT,
    }
    included = [file for file in letters if not file.withheld_because]
    withheld = [file for file in letters if file.withheld_because]
    summary = render_to_string(SUMMARY_TEMPLATE, summary_context(data, withheld))
    buffer = io.BytesIO()
    stamp = timezone.localtime(now).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, content: bytes | str) -> None:
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), content)

        add("README.txt", readme(data, withheld))
        add("data.json", json.dumps(data, default=str, sort_keys=True, indent=2))
        add("summary.pdf", html_to_pdf(summary).pdf)
        for file in included:
            add(file.filename, bytes(file.letter.pdf))
    day = timezone.localtime(now).date()
    return SubjectAccessExport(
        filename=f"subject-access-{participant.case_reference}-{day:%Y-%m-%d}.zip",
        content=buffer.getvalue(),
        letters_included=len(included),
        letters_withheld=withheld,
    )


def readme(data: dict[str, Any], withheld: list[LetterFile]) -> str:
    about = data["about_this_export"]
    lines = [
        f"Everything {about['area']} probation holds about case "
        f"{data['details']['case_reference']}, made {about['made_at']:%-d %B %Y %H:%M} by "
        f"{about['made_by']}.",
        "",
        "summary.pdf  the record, to read",
        "data.json    the same record, as data",
        "letters/     his letters as they were sent",
        "",
        "Left out:",
        *(f"- {line}" for line in about["left_out"]),
    ]
    if withheld:
        lines += ["", "Letters withheld for review by hand:"]
        lines += [f"- {file.filename}: {file.withheld_because}" for file in withheld]
    return "\n".join(lines) + "\n"


def export_subject_access(*, acting_user: User, participant: Participant) -> SubjectAccessExport:
    """Build the export and audit it. The audit entry names what went out, never its content."""
    export = build_export(participant=participant, made_by=acting_user, now=timezone.now())
    with transaction.atomic():
        record_event(
            acting_user=acting_user,
            action=Action.SUBJECT_ACCESS_EXPORTED,
            subject=participant,
            participant=participant,
            detail={
                "file": export.filename,
                "letters_included": export.letters_included,
                "letters_withheld": [file.letter.pk for file in export.letters_withheld],
            },
        )
    return export


def withheld_letters(participant: Participant) -> list[LetterFile]:
    """The letters an export would withhold, for the page to list before it is made."""
    ids = list(participant.referrals.values_list("pk", flat=True))
    return [file for file in letter_files(ids, scrubber_for(participant)) if file.withheld_because]


# --- the readable summary ---------------------------------------------------------------------

REFERRAL_SECTIONS = [
    ("status_changes", "Status history"),
    ("questionnaires", "Questionnaires"),
    ("risk_scores", "Risk scores"),
    ("pathway_decisions", "Pathway decisions"),
    ("group_places", "Places in groups"),
    ("group_rules_agreed", "Group rules he agreed to"),
    ("attendance", "Attendance"),
    ("absences", "Absences"),
    ("catch_ups", "Catch-ups"),
    ("enforcement", "Warnings and enforcement"),
    ("one_to_ones", "One-to-ones"),
    ("assignments", "Assignments"),
    ("incidents", "Incidents"),
    ("complaints", "Complaints"),
    ("letters", "Letters"),
    ("tasks_for_staff", "Tasks for staff about him"),
]


@dataclass(frozen=True)
class Section:
    heading: str
    records: list[list[tuple[str, str]]]


def summary_context(data: dict[str, Any], withheld: list[LetterFile]) -> dict[str, Any]:
    """The scrubbed data as headed sections of (label, text) rows, for the PDF."""
    referrals = []
    for referral in data["referrals"]:
        nested = {name for name, _ in REFERRAL_SECTIONS}
        facts = [(label(k), readable(v)) for k, v in referral.items() if k not in nested]
        sections = [
            Section(heading, [rows(record) for record in referral[name]])
            for name, heading in REFERRAL_SECTIONS
            if referral[name]
        ]
        referral_heading = f"{referral['programme']}: referral made {readable(referral['made_at'])}"
        referrals.append((referral_heading, facts, sections))
    return {
        "about": rows(data["about_this_export"]),
        "left_out": data["about_this_export"]["left_out"],
        "details": rows(data["details"]),
        "referrals": referrals,
        "messages": Section(
            "Messages sent to him", [rows(m) for m in data["messages_sent_to_him"]]
        ),
        "keep_apart": data["records_keeping_him_apart_from_another_man"],
        "audit": data["audit_log"],
        "withheld": withheld,
        "case_reference": data["details"]["case_reference"],
        "full_name": f"{data['details']['first_name']} {data['details']['last_name']}",
    }


def rows(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(label(key), readable(value)) for key, value in record.items() if key != "left_out"]


def label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def readable(value: Any) -> str:
    """A value as a person would write it: dates in words, yes and no, lists joined."""
    if value is None or value in ("", []):
        return "-"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return date_text(value)
    if isinstance(value, Mapping):
        return "; ".join(f"{label(str(k))}: {readable(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "\n".join(readable(item) for item in value)
    return str(value)


def date_text(value: datetime.date) -> str:
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%-d %B %Y %H:%M}"
    return f"{value:%-d %B %Y}"
