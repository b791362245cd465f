"""What the API shows of the records: men, referrals, groups, sessions, registers, absences,
enforcement items, one-to-ones and complaints. Read-only: changes go through the pages (and
their services). Each serializer expects the rows the view's queryset selects and prefetches,
so that a page of results is read in a fixed number of queries.

A register's session-level note is never shown: it may name several men.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import Direction, extend_schema_field
from rest_framework import serializers

from groupwork.api.serializers import HOURS_MINUTES
from groupwork.attendance.models import (
    AbsenceReason,
    AbsenceStatus,
    Attendance,
    HowReported,
    Outcome,
)
from groupwork.casework.models import (
    Complaint,
    ComplaintOutcome,
    ComplaintStage,
    OneToOne,
    OneToOneStatus,
)
from groupwork.enforcement.models import ActionTaken, Advice, EnforcementItem
from groupwork.groups.models import Group, GroupKind, Session, SessionKind, SessionStatus, Weekday
from groupwork.organisation.models import User
from groupwork.participants.models import Participant, Sex
from groupwork.referrals.models import Referral, ReportType, SentenceType, StatusChange
from groupwork.referrals.status_machine import STATUS_MACHINE_FILE

REASON_HELP = (
    "Why, for a status that needs a reason: the reason's code in the status machine "
    "(e.g. `moved_away` for ended early); null otherwise."
)
DISABILITY_CHOICES = Participant._meta.get_field("disability").choices
# Open: an action is still to be taken; decided: the officer has acted.
ENFORCEMENT_STATES = [("open", "Waiting for the officer's action"), ("decided", "Acted on")]
# Open: its latest stage is not answered yet; answered: every stage so far is.
COMPLAINT_STATES = [("open", "Its latest stage is not answered"), ("answered", "Answered")]


def referral_status_choices() -> list[tuple[str, str]]:
    """The statuses of the status machine, read from its data file (not the database, so
    the schema can be built without one)."""
    data = json.loads(STATUS_MACHINE_FILE.read_text())
    return [(status["code"], status["name"]) for status in data["statuses"]]


class EnumField(serializers.ChoiceField):
    """A choice field that appears in the schema as the enum `enum_name`.

    Several records have a `status` (or `kind`, `outcome`) with different choices; naming
    each enum avoids drf-spectacular's made-up names and its collision warnings. With
    `blank_as_null`, a blank value (not decided yet) is shown as null; with `compute`, the
    value is worked out from the whole record.
    """

    def __init__(
        self,
        *,
        enum_name: str,
        blank_as_null: bool = False,
        compute: Callable[[Any], str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.enum_name = enum_name
        self.compute = compute
        if blank_as_null:
            kwargs["allow_null"] = True
        if compute is not None:
            kwargs["source"] = "*"
        kwargs.setdefault("read_only", True)  # records are shown, not written; filters say so
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        if self.compute is not None:
            return self.compute(value)
        if value in ("", None) and self.allow_null:
            return None
        return super().to_representation(value)


class EnumFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = EnumField

    def get_name(self) -> str:
        return str(self.target.enum_name)

    def map_serializer_field(self, auto_schema: AutoSchema, direction: Direction) -> Any:
        values = list(self.target.choices)
        kind = "integer" if all(isinstance(value, int) for value in values) else "string"
        labels = "; ".join(f"`{value}`: {label}" for value, label in self.target.choices.items())
        return {"type": kind, "enum": values, "description": labels}


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "09:30"})
class HoursMinutesField(serializers.TimeField):
    """A time as HH:MM, local time. (OpenAPI's `time` format wants seconds and a zone.)"""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=HOURS_MINUTES, read_only=True, **kwargs)


class StaffSerializer(serializers.Serializer[User]):
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True)


class ReferralSummarySerializer(serializers.Serializer[Referral]):
    id = serializers.UUIDField(read_only=True)
    programme = serializers.CharField(source="programme.code", read_only=True)
    status = EnumField(
        enum_name="ReferralStatusEnum", choices=referral_status_choices(), source="status_id"
    )


class ParticipantSerializer(serializers.ModelSerializer[Participant]):
    sex = EnumField(enum_name="SexEnum", choices=Sex.choices)
    email = serializers.EmailField(read_only=True, allow_blank=True, help_text="Blank if none.")
    disability = EnumField(
        enum_name="DisabilityEnum",
        choices=DISABILITY_CHOICES,
        blank_as_null=True,
        help_text="Self-declared, for equality monitoring; null when not given.",
    )
    referrals = ReferralSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Participant
        fields = [
            "id",
            "case_reference",
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "phone",
            "email",
            "address",
            "postcode",
            "consents_to_texts",
            "consents_to_email",
            "opted_out_on",
            "needs_reading_writing_help",
            "interpreter_language",
            "disability_adjustments",
            "work_pattern",
            "available_daytime",
            "available_evening",
            "ethnicity",
            "religion",
            "disability",
            "created_at",
            "updated_at",
            "referrals",
        ]
        read_only_fields = fields


class StatusChangeSerializer(serializers.Serializer[StatusChange]):
    from_status = EnumField(
        enum_name="ReferralStatusEnum",
        choices=referral_status_choices(),
        source="from_status_id",
        allow_null=True,
        help_text="Null for the status the referral was made with.",
    )
    to_status = EnumField(
        enum_name="ReferralStatusEnum", choices=referral_status_choices(), source="to_status_id"
    )
    reason = serializers.CharField(
        source="reason.code", allow_null=True, read_only=True, help_text=REASON_HELP
    )
    note = serializers.CharField(read_only=True)
    changed_by = StaffSerializer(read_only=True)
    changed_at = serializers.DateTimeField(read_only=True)


class ReferralSerializer(serializers.ModelSerializer[Referral]):
    participant = serializers.UUIDField(source="participant_id", read_only=True)
    programme = serializers.CharField(source="programme.code", read_only=True)
    report_type = EnumField(enum_name="ReportTypeEnum", choices=ReportType.choices)
    sentence_type = EnumField(enum_name="ReferralSentenceTypeEnum", choices=SentenceType.choices)
    responsible_officer = StaffSerializer(read_only=True)
    status = EnumField(
        enum_name="ReferralStatusEnum", choices=referral_status_choices(), source="status_id"
    )
    status_reason = serializers.CharField(
        source="status_reason.code", allow_null=True, read_only=True, help_text=REASON_HELP
    )
    status_changes = StatusChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "participant",
            "programme",
            "report_type",
            "report_date",
            "report_author",
            "sentence_type",
            "offence_category",
            "pathway",
            "sentence_start",
            "sentence_end",
            "responsible_officer",
            "status",
            "status_reason",
            "created_at",
            "updated_at",
            "status_changes",
        ]
        read_only_fields = fields


class GroupSerializer(serializers.ModelSerializer[Group]):
    programme = serializers.CharField(source="programme.code", read_only=True)
    version = serializers.IntegerField(
        source="version.number", read_only=True, help_text="The definition's version it runs."
    )
    kind = EnumField(enum_name="GroupKindEnum", choices=GroupKind.choices)
    weekday = EnumField(enum_name="WeekdayEnum", choices=Weekday.choices)
    centre = serializers.CharField(source="centre.name", read_only=True)
    room = serializers.CharField(source="room.name", allow_null=True, read_only=True)
    facilitators = StaffSerializer(many=True, read_only=True)

    class Meta:
        model = Group
        fields = [
            "id",
            "name",
            "programme",
            "version",
            "module",
            "kind",
            "pattern",
            "weekday",
            "centre",
            "room",
            "start_date",
            "facilitators",
        ]
        read_only_fields = fields


class SessionStaffSerializer(serializers.Serializer[Any]):
    facilitator = StaffSerializer(read_only=True)
    is_cover = serializers.BooleanField(read_only=True)


class SessionSerializer(serializers.ModelSerializer[Session]):
    group = serializers.IntegerField(source="group_id", read_only=True)
    kind = EnumField(enum_name="SessionKindEnum", choices=SessionKind.choices)
    status = EnumField(enum_name="SessionStatusEnum", choices=SessionStatus.choices)
    starts = HoursMinutesField(help_text="HH:MM, local time.")
    ends = HoursMinutesField(help_text="HH:MM, local time.")
    room = serializers.CharField(source="room.name", allow_null=True, read_only=True)
    facilitators = SessionStaffSerializer(source="staffing", many=True, read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "group",
            "number",
            "kind",
            "date",
            "starts",
            "ends",
            "room",
            "status",
            "moved_from",
            "move_reason",
            "cancel_reason",
            "register_taken_at",
            "facilitators",
        ]
        read_only_fields = fields


class AttendanceSerializer(serializers.ModelSerializer[Attendance]):
    referral = serializers.UUIDField(source="referral_id", read_only=True)
    participant = serializers.UUIDField(source="referral.participant_id", read_only=True)
    outcome = EnumField(enum_name="AttendanceOutcomeEnum", choices=Outcome.choices)
    failures = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="How he failed to comply."
    )
    rule_breaches = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Group rules he broke."
    )
    recorded_by = StaffSerializer(read_only=True)

    class Meta:
        model = Attendance
        fields = [
            "referral",
            "participant",
            "outcome",
            "minutes_late",
            "failures",
            "rule_breaches",
            "note",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class RegisterSerializer(serializers.Serializer[Any]):
    """One session's marks; only the men the user may see. Never the session-level note."""

    session = serializers.IntegerField(read_only=True)
    taken_by = StaffSerializer(read_only=True, allow_null=True)
    taken_at = serializers.DateTimeField(read_only=True, allow_null=True)
    marks = AttendanceSerializer(many=True, read_only=True)


class AbsenceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    referral = serializers.UUIDField(source="referral_id", read_only=True)
    participant = serializers.UUIDField(source="referral.participant_id", read_only=True)
    session = serializers.IntegerField(source="session_id", read_only=True)
    session_date = serializers.DateField(source="session.date", read_only=True)
    reason = EnumField(enum_name="AbsenceReasonEnum", choices=AbsenceReason.choices)
    how_reported = EnumField(enum_name="HowReportedEnum", choices=HowReported.choices)
    details = serializers.CharField(read_only=True)
    reported_by = StaffSerializer(read_only=True)
    reported_at = serializers.DateTimeField(read_only=True)
    evidence_due = serializers.DateField(read_only=True, allow_null=True)
    evidence_received_on = serializers.DateField(read_only=True, allow_null=True)
    evidence = serializers.CharField(read_only=True)
    status = EnumField(enum_name="AbsenceStatusEnum", choices=AbsenceStatus.choices)
    decided_by = StaffSerializer(read_only=True, allow_null=True)
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)
    decision_reason = serializers.CharField(read_only=True)


class EnforcementItemSerializer(serializers.Serializer[EnforcementItem]):
    id = serializers.IntegerField(read_only=True)
    referral = serializers.UUIDField(source="referral_id", read_only=True)
    participant = serializers.UUIDField(source="referral.participant_id", read_only=True)
    failure_date = serializers.DateField(read_only=True)
    failure = serializers.CharField(read_only=True)
    advice = EnumField(enum_name="EnforcementAdviceEnum", choices=Advice.choices)
    must_act_by = serializers.DateField(read_only=True)
    explanation = serializers.CharField(read_only=True)
    opened_at = serializers.DateTimeField(read_only=True)
    status = EnumField(
        enum_name="EnforcementStateEnum",
        choices=ENFORCEMENT_STATES,
        compute=lambda item: "open" if item.is_open else "decided",
    )
    action_taken = EnumField(
        enum_name="EnforcementActionEnum",
        choices=ActionTaken.choices,
        blank_as_null=True,
        help_text="Null until the officer acts.",
    )
    action_on = serializers.DateField(read_only=True, allow_null=True)
    reason = serializers.CharField(read_only=True)
    decided_by = StaffSerializer(read_only=True, allow_null=True)
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)


class OneToOneSerializer(serializers.ModelSerializer[OneToOne]):
    referral = serializers.UUIDField(source="referral_id", read_only=True)
    participant = serializers.UUIDField(source="referral.participant_id", read_only=True)
    status = EnumField(enum_name="OneToOneStatusEnum", choices=OneToOneStatus.choices)
    facilitator = StaffSerializer(read_only=True, allow_null=True)
    recorded_by = StaffSerializer(read_only=True, allow_null=True)

    class Meta:
        model = OneToOne
        fields = [
            "id",
            "referral",
            "participant",
            "code",
            "label",
            "three_way",
            "due_on",
            "status",
            "booked_for",
            "facilitator",
            "notes",
            "missed_reason",
            "evidence_due",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class ComplaintStageSerializer(serializers.ModelSerializer[ComplaintStage]):
    handler = StaffSerializer(read_only=True)
    outcome = EnumField(
        enum_name="ComplaintOutcomeEnum",
        choices=ComplaintOutcome.choices,
        blank_as_null=True,
        help_text="Null until the stage is answered.",
    )

    class Meta:
        model = ComplaintStage
        fields = [
            "number",
            "handler",
            "opened_on",
            "acknowledge_by",
            "respond_by",
            "acknowledged_on",
            "outcome",
            "response",
            "responded_on",
        ]
        read_only_fields = fields


def complaint_state(complaint: Complaint) -> str:
    """`stages` must be prefetched, in order."""
    stages = list(complaint.stages.all())
    return "open" if stages and stages[-1].is_open else "answered"


class ComplaintSerializer(serializers.ModelSerializer[Complaint]):
    referral = serializers.UUIDField(source="referral_id", read_only=True)
    participant = serializers.UUIDField(source="referral.participant_id", read_only=True)
    recorded_by = StaffSerializer(read_only=True)
    named_staff = StaffSerializer(
        many=True, read_only=True, help_text="Staff the complaint names: they never see it."
    )
    status = EnumField(
        enum_name="ComplaintStateEnum", choices=COMPLAINT_STATES, compute=complaint_state
    )
    stages = ComplaintStageSerializer(many=True, read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "referral",
            "participant",
            "summary",
            "received_on",
            "recorded_by",
            "named_staff",
            "status",
            "stages",
            "created_at",
        ]
        read_only_fields = fields
