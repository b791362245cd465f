"""The officer's enforcement decision: which action the law allows, when, and why."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from groupwork.core.forms import GovukDateField, GovukForm, GovukRadioSelect
from groupwork.enforcement.models import ActionTaken, EnforcementItem


class EnforcementActionForm(GovukForm):
    action = forms.ChoiceField(
        label="What did you do?",
        widget=GovukRadioSelect,
        error_messages={"required": "Select the action you took"},
    )
    action_on = GovukDateField(label="Date of the action", help_text="For example, 14 12 2026")
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when you take no action: say what reasonable excuse you accepted.",
    )

    def __init__(self, *args: Any, item: EnforcementItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)  # noqa: S101  (narrows the type)
        action.choices = [(choice.value, choice.label) for choice in item.allowed_actions]

    def clean_action_on(self) -> datetime.date | None:
        day: datetime.date | None = self.cleaned_data.get("action_on")
        if day is None:
            return day
        if day > timezone.localdate():
            raise forms.ValidationError("Date of the action must be today or in the past")
        if day < self.item.failure_date:
            raise forms.ValidationError("Date of the action must be on or after the failure")
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("action") == ActionTaken.NO_ACTION and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Say what reasonable excuse you accepted")
        return cleaned
