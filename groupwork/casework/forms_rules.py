"""The form for recording the men who agreed to the group rules at a session."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from groupwork.core.forms import GovukCheckboxSelectMultiple, GovukForm
from groupwork.referrals.models import Referral


class RulesAgreementForm(GovukForm):
    men = forms.MultipleChoiceField(
        label="Men who agreed to the rules today",
        widget=GovukCheckboxSelectMultiple,
        help_text="Select each man who heard the rules and agreed to keep them.",
        error_messages={"required": "Select the men who agreed to the rules"},
    )

    def __init__(self, *args: Any, men: Sequence[Referral], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["men"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101  (narrows the type)
        field.choices = [(str(man.pk), man.participant.full_name) for man in men]
        self.by_id = {str(man.pk): man for man in men}

    @property
    def chosen(self) -> list[Referral]:
        return [self.by_id[value] for value in self.cleaned_data["men"]]
