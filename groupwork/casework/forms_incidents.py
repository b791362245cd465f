"""Recording an incident of disrespectful behaviour in a session."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from groupwork.casework.models import IncidentKind
from groupwork.core.forms import GovukCheckboxSelectMultiple, GovukForm, GovukRadioSelect
from groupwork.referrals.models import Referral


class MenField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Referral) -> str:
        return obj.participant.full_name


class IncidentForm(GovukForm):
    kind = forms.ChoiceField(
        label="What kind of behaviour was it?",
        choices=IncidentKind.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Select the kind of behaviour"},
    )
    men = MenField(
        queryset=Referral.objects.none(),
        label="Men involved",
        widget=GovukCheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select the men involved"},
    )
    description = forms.CharField(
        label="What happened",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What was said or done, and to whom. Write down the words used.",
        error_messages={"required": "Describe what happened"},
    )
    how_challenged = forms.CharField(
        label="How it was challenged",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Who challenged it, when, and how the man responded.",
        error_messages={"required": "Say how it was challenged"},
    )
    follow_up = forms.CharField(
        label="Follow-up",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, a one-to-one with his officer, or a word at the next session.",
    )

    def __init__(self, *args: Any, men: QuerySet[Referral], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["men"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101  (narrows the type)
        field.queryset = men
