"""The register: one small form per man, and one for the session as a whole."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from groupwork.attendance.models import AbsenceReason, Failure
from groupwork.attendance.services import Mark, RegisterRow
from groupwork.core.forms import GovukCheckboxSelectMultiple, GovukForm, GovukRadioSelect

CHOICES = [
    ("attended", "Attended and complied"),
    ("failed_to_comply", "Attended but failed to comply"),
    ("absent", "Absent"),
    ("cancelled", "Did not take place for him: cancelled by the service"),
]


class RegisterRowForm(GovukForm):
    choice = forms.ChoiceField(
        label="What happened",
        choices=CHOICES,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose what happened"},
    )
    minutes_late = forms.IntegerField(
        label="Minutes late",
        required=False,
        min_value=0,
        max_value=600,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
    )
    failures = forms.MultipleChoiceField(
        label="How he failed to comply",
        choices=Failure.choices,
        required=False,
        widget=GovukCheckboxSelectMultiple,
    )
    rule_breaches = forms.MultipleChoiceField(
        label="Group rules he broke", required=False, widget=GovukCheckboxSelectMultiple
    )
    absence_reason = forms.ChoiceField(
        label="If absent: the reason he gave",
        choices=AbsenceReason.choices,
        initial=AbsenceReason.NONE_GIVEN,
        required=False,
    )
    note = forms.CharField(
        label="Note about him", required=False, widget=forms.Textarea({"rows": 2})
    )
    catch_up_override = forms.CharField(
        label="Catch-up needed first: why he may take part today",
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )

    def __init__(self, *args: Any, row: RegisterRow, rules: list[dict[str, str]], **kwargs: Any):
        self.row = row
        super().__init__(*args, prefix=f"m-{row.referral.pk.hex}", **kwargs)
        rule_field = cast(forms.MultipleChoiceField, self.fields["rule_breaches"])
        rule_field.choices = [(rule["code"], rule["text"]) for rule in rules]
        self.fields["choice"].label = f"What happened for {row.referral.participant.full_name}"
        if not row.needs_catch_up_first:
            del self.fields["catch_up_override"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("choice") == "failed_to_comply" and not cleaned.get("failures"):
            self.add_error("failures", "Say how he failed to comply")
        present = cleaned.get("choice") in {"attended", "failed_to_comply"}
        if present and self.row.needs_catch_up_first and not cleaned.get("catch_up_override"):
            self.add_error(
                "catch_up_override",
                "He needs a catch-up first. Give a reason for letting him take part",
            )
        return cleaned

    def mark(self) -> Mark:
        data = self.cleaned_data
        return Mark(
            referral_id=self.row.referral.pk,
            choice=data["choice"],
            minutes_late=data.get("minutes_late") or 0,
            failures=tuple(data.get("failures", ())),
            rule_breaches=tuple(data.get("rule_breaches", ())),
            note=data.get("note", ""),
            absence_reason=data.get("absence_reason") or AbsenceReason.NONE_GIVEN,
            catch_up_override=data.get("catch_up_override", ""),
        )


def initial_for(row: RegisterRow) -> dict[str, Any]:
    """What the form shows before anyone changes it: the saved mark, or a reported absence."""
    attendance = row.attendance
    if attendance is None:
        if row.absence is not None:
            return {"choice": "absent", "absence_reason": row.absence.reason}
        return {}
    choice = attendance.outcome
    if choice.startswith("absent"):
        choice = "absent"
    return {
        "choice": choice,
        "minutes_late": attendance.minutes_late or None,
        "failures": attendance.failures,
        "rule_breaches": attendance.rule_breaches,
        "note": attendance.note,
        "absence_reason": row.absence.reason if row.absence else AbsenceReason.NONE_GIVEN,
        "catch_up_override": attendance.catch_up_override,
    }


class RegisterForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    note = forms.CharField(
        label="Note about the session",
        help_text="About the group as a whole. It stays with this session and is never copied "
        "into one man's record.",
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )
