"""What the API reads and writes. Inputs are checked here; the rules live in the domain apps."""

from __future__ import annotations

import datetime
from typing import Any

from rest_framework import serializers

from groupwork.groups.timetable import PlannedSession, Timetable
from groupwork.organisation.models import Office
from groupwork.programmes.definition import ProgrammeDefinition
from groupwork.programmes.models import Programme

ISO_DATE = "%Y-%m-%d"
HOURS_MINUTES = "%H:%M"
# Far enough either way for any real group; keeps a typing slip (year 9999) from searching
# past the calendar's end.
EARLIEST_START = datetime.date(2000, 1, 1)
LATEST_START = datetime.date(2099, 12, 31)


class TimetablePreviewSerializer(serializers.Serializer[None]):
    """The group a timetable is wanted for."""

    # The context must hold `area_id`, the user's area: centres are looked for only there.

    programme = serializers.SlugField(
        max_length=40, help_text="The programme's code, e.g. `csogp`."
    )
    module = serializers.SlugField(max_length=60, help_text="The module's code, e.g. `induction`.")
    start = serializers.DateField(
        input_formats=[ISO_DATE], help_text="The first day wanted, as YYYY-MM-DD."
    )
    pattern = serializers.SlugField(
        max_length=40,
        help_text="How the group meets: `full-days`, `half-days` or `evenings` (as the module "
        "allows).",
    )
    centre = serializers.SlugField(
        max_length=60, help_text="The slug of a group centre in the user's own area."
    )

    def validate_programme(self, value: str) -> ProgrammeDefinition:
        try:
            return Programme.objects.get(code=value).current_version().parsed
        except (Programme.DoesNotExist, IndexError):  # IndexError: no definition loaded yet
            raise serializers.ValidationError("No such programme.") from None

    def validate_start(self, value: datetime.date) -> datetime.date:
        if not EARLIEST_START <= value <= LATEST_START:
            raise serializers.ValidationError(
                f"Enter a date from {EARLIEST_START:%Y} to {LATEST_START:%Y}."
            )
        return value

    def validate_centre(self, value: str) -> Office:
        # Only the user's own area: another area's centre gets the same answer as none at all.
        centre = Office.objects.filter(
            area_id=self.context["area_id"], is_group_centre=True, slug=value
        ).first()
        if centre is None:
            raise serializers.ValidationError("No such centre.")
        return centre

    def create(self, validated_data: Any) -> None:
        raise NotImplementedError

    def update(self, instance: None, validated_data: Any) -> None:
        raise NotImplementedError


class PlannedSessionSerializer(serializers.Serializer[PlannedSession]):
    number = serializers.IntegerField(help_text="1 for the group's first session.")
    date = serializers.DateField(format=ISO_DATE)
    starts = serializers.TimeField(format=HOURS_MINUTES, help_text="HH:MM, local time.")
    ends = serializers.TimeField(format=HOURS_MINUTES, help_text="HH:MM, local time.")
    kind = serializers.ChoiceField(
        choices=[("block", "Block week"), ("weekly", "Weekly meeting")],
        help_text="`block`: a day of the block week; `weekly`: a weekly meeting.",
    )
    moved_from = serializers.DateField(
        format=ISO_DATE,
        allow_null=True,
        help_text="The date the session would have had, when that day was not clear.",
    )
    reason = serializers.CharField(
        allow_null=True, help_text="Why the session moved (e.g. a bank holiday)."
    )


class TimetableSerializer(serializers.Serializer[Timetable]):
    start = serializers.DateField(format=ISO_DATE, help_text="The group's first day.")
    start_moved_from = serializers.DateField(
        format=ISO_DATE,
        allow_null=True,
        help_text="The start asked for, when the group cannot start on it.",
    )
    start_reason = serializers.CharField(
        allow_null=True, help_text="Why the start moved from the date asked for."
    )
    sessions = PlannedSessionSerializer(many=True)
