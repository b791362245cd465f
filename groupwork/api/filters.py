"""The query parameters that narrow a list of records: `from` and `to` on the record's main
date (both days included) and, where the record has one, its `status`. A bad value answers 400
with the field at fault, never a server error."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from rest_framework import serializers

from groupwork.api.serializers import ISO_DATE, date_in_range
from groupwork.api.serializers_records import (
    COMPLAINT_STATES,
    ENFORCEMENT_STATES,
    EnumField,
    referral_status_choices,
)
from groupwork.attendance.models import AbsenceStatus
from groupwork.casework.models import OneToOneStatus
from groupwork.groups.models import SessionStatus

# The largest id a record can have (PostgreSQL's integer): larger is refused, not looked up.
MAX_ID = 2_147_483_647


class DateRangeFilter(serializers.Serializer[None]):
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD` on `date_label`; either may be left out."""

    date_label: ClassVar[str] = "the record's date"

    # Sent as `from`, a Python keyword: declared as `start` and renamed in get_fields.
    start = serializers.DateField(
        required=False, input_formats=[ISO_DATE], validators=[date_in_range]
    )
    to = serializers.DateField(required=False, input_formats=[ISO_DATE], validators=[date_in_range])

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        start, end = fields.pop("start"), fields.pop("to")
        for field, side in ((start, "on or after"), (end, "on or before")):
            field.help_text = f"Only records with {self.date_label} {side} this day (YYYY-MM-DD)."
        return {"from": start, "to": end, **fields}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start: datetime.date | None = attrs.get("from")
        end: datetime.date | None = attrs.get("to")
        if start and end and end < start:
            raise serializers.ValidationError({"to": ["Enter a day on or after `from`."]})
        return attrs

    def create(self, validated_data: Any) -> None:
        raise NotImplementedError

    def update(self, instance: None, validated_data: Any) -> None:
        raise NotImplementedError


def status_filter(enum_name: str, choices: Any, help_text: str) -> EnumField:
    return EnumField(
        enum_name=enum_name,
        choices=choices,
        read_only=False,
        required=False,
        help_text=help_text,
    )


class ParticipantFilter(DateRangeFilter):
    date_label = "the day his record was made"
    status = status_filter(
        "ReferralStatusEnum", referral_status_choices(), "Only men with a referral in this status."
    )


class ReferralFilter(DateRangeFilter):
    date_label = "the day the referral was made"
    status = status_filter("ReferralStatusEnum", referral_status_choices(), "Its current status.")


class GroupFilter(DateRangeFilter):
    date_label = "the group's first day"


class SessionFilter(DateRangeFilter):
    date_label = "the session's day"
    status = status_filter("SessionStatusEnum", SessionStatus.choices, "Scheduled or cancelled.")
    group = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only this group's sessions."
    )


class AbsenceFilter(DateRangeFilter):
    date_label = "the day of the session he missed"
    status = status_filter("AbsenceStatusEnum", AbsenceStatus.choices, "His officer's decision.")


class EnforcementFilter(DateRangeFilter):
    date_label = "the day he failed to comply"
    status = status_filter(
        "EnforcementStateEnum", ENFORCEMENT_STATES, "Waiting for the officer, or acted on."
    )


class OneToOneFilter(DateRangeFilter):
    date_label = "the day the meeting falls due"
    status = status_filter("OneToOneStatusEnum", OneToOneStatus.choices, "Where it stands.")


class ComplaintFilter(DateRangeFilter):
    date_label = "the day the complaint was received"
    status = status_filter(
        "ComplaintStateEnum", COMPLAINT_STATES, "Whether its latest stage is answered."
    )


def audit_detail(filters: dict[str, Any]) -> dict[str, Any]:
    """The filters used, as the audit log's JSON holds them."""
    return {
        name: value.isoformat() if isinstance(value, datetime.date) else value
        for name, value in filters.items()
    }
