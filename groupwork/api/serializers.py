"""What the API reads and writes. Inputs are checked here; the rules live in the domain apps."""

from __future__ import annotations

import datetime
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import Direction
from rest_framework import serializers

from groupwork.assessment.reliable_change import DIRECTIONS, ReliableChange
from groupwork.assessment.risk import CATEGORIES, Rm2000Result
from groupwork.enforcement.policy import ACTION_LABELS, Advice, load_policy
from groupwork.groups.timetable import PlannedSession, Timetable
from groupwork.organisation.models import Office
from groupwork.programmes.definition import ProgrammeDefinition
from groupwork.programmes.models import Programme

ISO_DATE = "%Y-%m-%d"
HOURS_MINUTES = "%H:%M"
# Far enough either way for any real group or failure; keeps a typing slip (year 9999) from
# searching past the calendar's end.
EARLIEST_START = datetime.date(2000, 1, 1)
LATEST_START = datetime.date(2099, 12, 31)
MAX_WORKING_DAYS = 3650
MAX_WARNINGS = 100


def date_in_range(value: datetime.date) -> None:
    if not EARLIEST_START <= value <= LATEST_START:
        raise serializers.ValidationError(
            f"Enter a date from {EARLIEST_START:%Y} to {LATEST_START:%Y}."
        )


class TimetablePreviewSerializer(serializers.Serializer[None]):
    """The group a timetable is wanted for."""

    # The context must hold `area_id`, the user's area: centres are looked for only there.

    programme = serializers.SlugField(
        max_length=40, help_text="The programme's code, e.g. `csogp`."
    )
    module = serializers.SlugField(max_length=60, help_text="The module's code, e.g. `induction`.")
    start = serializers.DateField(
        input_formats=[ISO_DATE],
        validators=[date_in_range],
        help_text="The first day wanted, as YYYY-MM-DD.",
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


class Rm2000InputSerializer(serializers.Serializer[None]):
    """A man's Risk Matrix 2000/S items. The scale's rules are checked by `score_rm2000`."""

    age_at_commencement_of_risk = serializers.IntegerField(
        help_text="His age at commencement of risk, as the scoring guide defines it: 18 or over."
    )
    sexual_appearances = serializers.IntegerField(
        help_text="Sentencing occasions for a sexual offence, this one included: 1 or more."
    )
    criminal_appearances = serializers.IntegerField(
        help_text="Sentencing occasions for any offence: 0 or more."
    )
    male_victim = serializers.BooleanField(help_text="Any sexual offence against a male.")
    stranger_victim = serializers.BooleanField(help_text="Any sexual offence against a stranger.")
    single = serializers.BooleanField(help_text="Single: never married.")
    non_contact = serializers.BooleanField(help_text="Any non-contact sexual offence.")

    def create(self, validated_data: Any) -> None:
        raise NotImplementedError

    def update(self, instance: None, validated_data: Any) -> None:
        raise NotImplementedError


class RiskCategoryField(serializers.ChoiceField):
    """A Risk Matrix 2000/S category, lowest first."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=CATEGORIES, **kwargs)


class RiskCategorySchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """Every RiskCategoryField refers to one `RiskCategoryEnum` in the schema, rather than an
    enum per field name (which drf-spectacular warns of: one choice set, two names)."""

    target_class = RiskCategoryField

    def get_name(self) -> str:
        return "RiskCategoryEnum"

    def map_serializer_field(self, auto_schema: AutoSchema, direction: Direction) -> Any:
        return {"type": "string", "enum": list(CATEGORIES)}


class Rm2000ResultSerializer(serializers.Serializer[Rm2000Result]):
    step1_points = serializers.IntegerField(
        help_text="Step 1: points for age, sexual and criminal appearances (0 to 6)."
    )
    step1_category = RiskCategoryField(help_text="Step 1's category, from its points.")
    aggravating_factors = serializers.IntegerField(
        help_text="Step 2: how many of the four aggravating factors are present (0 to 4)."
    )
    category = RiskCategoryField(
        help_text="The risk category: Step 1's, one level higher for 2 or 3 aggravating "
        "factors, two for 4, never above `very high`.",
    )


class ReliableChangeInputSerializer(serializers.Serializer[None]):
    """Two scores on one scale, and the scale's SD and reliability."""

    pre = serializers.FloatField(help_text="The score on the earlier occasion.")
    post = serializers.FloatField(help_text="The score on the later occasion.")
    sd = serializers.FloatField(
        help_text="The scale's standard deviation (of its norm or pre-treatment group): more "
        "than 0."
    )
    reliability = serializers.FloatField(
        help_text="The scale's reliability (e.g. Cronbach's alpha): at least 0, less than 1."
    )
    higher_is_better = serializers.BooleanField(
        help_text="Whether a higher score on this scale is the better one."
    )

    def create(self, validated_data: Any) -> None:
        raise NotImplementedError

    def update(self, instance: None, validated_data: Any) -> None:
        raise NotImplementedError


class ReliableChangeSerializer(serializers.Serializer[ReliableChange]):
    rci = serializers.FloatField(
        help_text="The Reliable Change Index: (post - pre) / S_diff, S_diff = sqrt(2 * SEm^2), "
        "SEm = sd * sqrt(1 - reliability)."
    )
    reliable = serializers.BooleanField(help_text="Whether |rci| is more than 1.96 (p < .05).")
    direction = serializers.ChoiceField(
        choices=DIRECTIONS,
        help_text="`improved` or `deteriorated` when the change is reliable, given which way "
        "is better; otherwise `no reliable change`.",
    )


class WorkingDaysInputSerializer(serializers.Serializer[None]):
    """A day to count from and how many working days to count."""

    # Sent as `from`, a Python keyword: declared as `start` and renamed in get_fields, so the
    # schema and the error messages both say `from`.
    start = serializers.DateField(
        source="start",
        input_formats=[ISO_DATE],
        validators=[date_in_range],
        help_text="The day to count from, as YYYY-MM-DD; it is not counted itself.",
    )
    working_days = serializers.IntegerField(
        min_value=0,
        max_value=MAX_WORKING_DAYS,
        help_text="How many working days to count: 0 gives `from` back. Working days are "
        "Monday to Friday, except England and Wales bank holidays and the area's closure days.",
    )

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        return {"from": fields.pop("start"), **fields}

    def create(self, validated_data: Any) -> None:
        raise NotImplementedError

    def update(self, instance: None, validated_data: Any) -> None:
        raise NotImplementedError


class WorkingDaySerializer(serializers.Serializer[dict[str, datetime.date]]):
    date = serializers.DateField(
        format=ISO_DATE, help_text="The day that many working days after `from`."
    )


class EnforcementAdviceInputSerializer(serializers.Serializer[None]):
    """A failure to comply, the man's sentence and the warnings he has had."""

    sentence_type = serializers.ChoiceField(
        choices=[(code, rule.label) for code, rule in load_policy().items()],
        help_text="What he is serving: `community_order` or `licence`.",
    )
    failure_date = serializers.DateField(
        input_formats=[ISO_DATE],
        validators=[date_in_range],
        help_text="The day he failed to comply, as YYYY-MM-DD.",
    )
    # Required even when empty: a caller who leaves it out must not get a first failure's
    # advice for a man who was warned last month.
    previous_warnings = serializers.ListField(
        child=serializers.DateField(input_formats=[ISO_DATE], validators=[date_in_range]),
        max_length=MAX_WARNINGS,
        help_text="The dates of every warning he has had on this sentence, as YYYY-MM-DD; "
        "`[]` for none.",
    )

    def create(self, validated_data: Any) -> None:
        raise NotImplementedError

    def update(self, instance: None, validated_data: Any) -> None:
        raise NotImplementedError


class AdviceSerializer(serializers.Serializer[Advice]):
    action = serializers.ChoiceField(
        choices=list(ACTION_LABELS.items()), help_text="What the officer must do."
    )
    must_act_by = serializers.DateField(
        format=ISO_DATE,
        help_text="The last day to act: the policy's number of working days (10) after the "
        "failure, not counting weekends, bank holidays or the area's closure days.",
    )
    explanation = serializers.CharField(
        help_text="The advice in plain words for the officer, citing the law."
    )
