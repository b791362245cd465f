from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from groupwork.core.forms import GovukForm
from groupwork.participants.models import Participant


class ConfirmForm(forms.Form):
    """One choice per man in the proposal: the proposed group, another, or none."""

    def __init__(
        self,
        *args: Any,
        proposal: dict[str, Any],
        groups: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        options = [("", "Leave him waiting"), *groups]
        for placement in proposal["placements"]:
            field = forms.ChoiceField(
                label=placement["name"], choices=options, required=False, initial=placement["group"]
            )
            field.widget.attrs["class"] = "govuk-select"
            self.fields[f"man_{placement['referral']}"] = field

    def choices(self) -> dict[str, str | None]:
        return {
            name.removeprefix("man_"): (value or None) for name, value in self.cleaned_data.items()
        }


class KeepApartForm(GovukForm):
    other = forms.ModelChoiceField(
        queryset=Participant.objects.none(),
        label="Keep him apart from",
        error_messages={"required": "Select the man to keep him apart from"},
    )
    reason = forms.CharField(
        label="Why",
        max_length=200,
        help_text="For example, co-defendants, they know each other, a family or victim link.",
        error_messages={"required": "Enter why they must be kept apart"},
    )

    def __init__(self, *args: Any, others: QuerySet[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["other"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  (narrows the type)
        field.queryset = others
