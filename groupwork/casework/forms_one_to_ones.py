"""Forms for booking a one-to-one, recording what happened, and deciding a missed one."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from groupwork.attendance.forms_absences import FacilitatorChoiceField
from groupwork.casework.one_to_ones import MissedDecision
from groupwork.core.forms import GovukDateField, GovukForm, GovukRadioSelect
from groupwork.organisation.models import User

HELD = "held"
MISSED = "missed"
ACCEPTABLE = "acceptable"
UNACCEPTABLE = "unacceptable"


class OneToOneBookingForm(GovukForm):
    booked_on = GovukDateField(label="Date of the one-to-one", help_text="For example, 27 3 2027")
    booked_at = forms.TimeField(
        label="Time",
        help_text="Use the 24-hour clock, for example 14:30",
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
        error_messages={
            "required": "Enter the time of the one-to-one",
            "invalid": "Enter the time like 14:30",
        },
    )
    facilitator = FacilitatorChoiceField(
        queryset=User.objects.none(),
        label="Facilitator who will join",
        help_text="This is a three-way meeting: a facilitator of the group joins it.",
        empty_label="Choose a facilitator",
        error_messages={"required": "Select the facilitator who will join"},
    )

    def __init__(
        self, *args: Any, three_way: bool, facilitators: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, prefix="book", **kwargs)
        if three_way:
            field = self.fields["facilitator"]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  (narrows the type)
            field.queryset = facilitators
        else:
            del self.fields["facilitator"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day: datetime.date | None = cleaned.get("booked_on")
        if day is None and "booked_on" not in self.errors:
            self.add_error("booked_on", "Enter the date of the one-to-one")
        elif day is not None and day < timezone.localdate():
            self.add_error("booked_on", "The date of the one-to-one must be today or later")
        return cleaned

    @property
    def booked_for(self) -> datetime.datetime:
        return timezone.make_aware(
            datetime.datetime.combine(
                self.cleaned_data["booked_on"], self.cleaned_data["booked_at"]
            )
        )


class OneToOneRecordForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Did the one-to-one take place?",
        choices=[(HELD, "Yes, it was held"), (MISSED, "No, he missed it")],
        widget=GovukRadioSelect,
        error_messages={"required": "Select whether the one-to-one took place"},
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you talked about and agreed. Needed when it was held.",
    )
    missed_reason = forms.CharField(
        label="Reason he gave for missing it",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Write 'None given' if he gave no reason.",
    )
    decision = forms.ChoiceField(
        label="If he missed it, is the reason acceptable?",
        required=False,
        choices=[
            (
                MissedDecision.PENDING.value,
                "Wait for his doctor's note (he was ill or at a medical appointment)",
            ),
            (MissedDecision.ACCEPTABLE.value, "Acceptable reason"),
            (MissedDecision.UNACCEPTABLE.value, "No acceptable reason"),
        ],
        widget=GovukRadioSelect,
        help_text="No acceptable reason opens an enforcement item, as a missed session does.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="record", **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        outcome = cleaned.get("outcome")
        if outcome == HELD and not cleaned.get("notes", "").strip():
            self.add_error("notes", "Enter notes of the one-to-one")
        if outcome == MISSED:
            if not cleaned.get("missed_reason", "").strip():
                self.add_error("missed_reason", "Enter the reason he gave for missing it")
            if not cleaned.get("decision"):
                self.add_error("decision", "Select whether the reason is acceptable")
        return cleaned

    @property
    def missed_decision(self) -> MissedDecision:
        return MissedDecision(self.cleaned_data["decision"])


class MissedDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Is the reason he missed it acceptable?",
        choices=[(ACCEPTABLE, "Acceptable"), (UNACCEPTABLE, "Not acceptable")],
        widget=GovukRadioSelect,
        help_text="Not acceptable opens an enforcement item.",
        error_messages={"required": "Select whether the reason is acceptable"},
    )
    reason = forms.CharField(
        label="Why you decided this",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the doctor's note that came, or that none came.",
        error_messages={"required": "Enter why you decided this"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="decide", **kwargs)

    @property
    def acceptable(self) -> bool:
        return bool(self.cleaned_data["decision"] == ACCEPTABLE)
