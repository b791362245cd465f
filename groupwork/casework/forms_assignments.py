"""Setting an assignment, and marking it for each man: one small form per man."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from groupwork.casework.assignments import MarkRow
from groupwork.casework.models import AssignmentResult
from groupwork.core.forms import GovukDateField, GovukForm, GovukRadioSelect


class AssignmentForm(GovukForm):
    title = forms.CharField(
        label="Title",
        max_length=150,
        error_messages={"required": "Enter a title"},
    )
    instructions = forms.CharField(
        label="Instructions",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What he must do, in plain words. He takes these away with him.",
        error_messages={"required": "Enter the instructions"},
    )
    due_on = GovukDateField(
        label="Due date",
        help_text="Usually the group's next session.",
    )

    def __init__(self, *args: Any, session_date: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session_date = session_date

    def clean_due_on(self) -> datetime.date | None:
        due_on: datetime.date | None = self.cleaned_data["due_on"]
        if due_on is not None and due_on <= self.session_date:
            raise forms.ValidationError("The due date must be after the session")
        return due_on


class AssignmentMarkForm(GovukForm):
    result = forms.ChoiceField(
        label="Result",
        choices=AssignmentResult.choices,
        widget=GovukRadioSelect,
        required=False,
    )

    def __init__(self, *args: Any, row: MarkRow, **kwargs: Any) -> None:
        self.row = row
        super().__init__(*args, prefix=f"m-{row.referral.pk.hex}", **kwargs)
        self.fields["result"].label = f"Result for {row.referral.participant.full_name}"


def initial_for(row: MarkRow) -> dict[str, Any]:
    return {"result": row.mark.result} if row.mark else {}
