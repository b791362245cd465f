"""Forms for recording a complaint and for acknowledging, answering and escalating a stage."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from groupwork.casework.models import ComplaintOutcome
from groupwork.core.forms import (
    GovukCheckboxSelectMultiple,
    GovukDateField,
    GovukForm,
    GovukRadioSelect,
)
from groupwork.organisation.models import User


def staff_label(user: User) -> str:
    return f"{user.get_full_name() or user.username}, {user.role_label.lower()}"


class StaffChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return staff_label(obj)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return staff_label(obj)


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[User]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  (narrows the type)
    field.queryset = queryset


def _not_after_today(day: datetime.date | None, message: str) -> datetime.date | None:
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(message)
    return day


class ComplaintForm(GovukForm):
    summary = forms.CharField(
        label="What he complains about",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In his words where you can: what happened, when, and who was there.",
        error_messages={"required": "Enter what he complains about"},
    )
    received_on = GovukDateField(
        label="Date we got the complaint",
        help_text="The deadlines are counted in working days from this date. For example, "
        "2 11 2026.",
    )
    named_staff = StaffMultipleChoiceField(
        queryset=User.objects.none(),
        label="Staff he names in the complaint",
        required=False,
        widget=GovukCheckboxSelectMultiple,
        help_text="Staff he names cannot handle the complaint or see how it is handled.",
    )
    handler = StaffChoiceField(
        queryset=User.objects.none(),
        label="Who handles stage 1",
        required=False,
        empty_label=None,
        widget=GovukRadioSelect,
        help_text="His probation officer or their manager, and not someone he names.",
    )

    def __init__(
        self, *args: Any, staff: QuerySet[User], handlers: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "named_staff", staff)
        _set_queryset(self, "handler", handlers)
        first = handlers.first()
        if first is not None:
            self.fields["handler"].initial = first.pk

    def clean_received_on(self) -> datetime.date | None:
        return _not_after_today(
            self.cleaned_data.get("received_on"),
            "The date we got the complaint must be today or before",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        handler: User | None = cleaned.get("handler")
        named = cleaned.get("named_staff") or []
        if handler is not None and handler in named:
            self.add_error(
                "handler",
                f"{handler.get_full_name() or handler.username} is named in the complaint. "
                "Choose someone else",
            )
        return cleaned


class AcknowledgeForm(GovukForm):
    acknowledged_on = GovukDateField(
        label="Date we acknowledged it", help_text="The day we told him we have his complaint."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="acknowledge", **kwargs)
        self.fields["acknowledged_on"].initial = timezone.localdate()

    def clean_acknowledged_on(self) -> datetime.date | None:
        return _not_after_today(
            self.cleaned_data.get("acknowledged_on"),
            "The date we acknowledged it must be today or before",
        )


class AnswerForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What we found",
        choices=ComplaintOutcome.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Select whether the complaint is upheld"},
    )
    response = forms.CharField(
        label="What we will do",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="This goes into the letter to him, as you write it. Use short sentences and "
        "common words. Each line becomes a paragraph.",
        error_messages={"required": "Enter what we will do"},
    )
    responded_on = GovukDateField(label="Date of the answer")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="answer", **kwargs)
        self.fields["responded_on"].initial = timezone.localdate()

    def clean_responded_on(self) -> datetime.date | None:
        return _not_after_today(
            self.cleaned_data.get("responded_on"), "The date of the answer must be today or before"
        )


class EscalateForm(GovukForm):
    handler = StaffChoiceField(
        queryset=User.objects.none(),
        label="Who handles the next stage",
        empty_label=None,
        widget=GovukRadioSelect,
        error_messages={"required": "Select who handles the next stage"},
    )
    opened_on = GovukDateField(
        label="Date he asked to take it further",
        help_text="The new deadlines are counted in working days from this date.",
    )

    def __init__(self, *args: Any, handlers: QuerySet[User], number: int, **kwargs: Any) -> None:
        super().__init__(*args, prefix="escalate", **kwargs)
        _set_queryset(self, "handler", handlers)
        self.fields["handler"].label = f"Who handles stage {number}"
        self.fields["handler"].error_messages["required"] = f"Select who handles stage {number}"
        first = handlers.first()
        self.has_handlers = first is not None
        if first is not None:
            self.fields["handler"].initial = first.pk
        self.fields["opened_on"].initial = timezone.localdate()

    def clean_opened_on(self) -> datetime.date | None:
        return _not_after_today(
            self.cleaned_data.get("opened_on"),
            "The date he asked to take it further must be today or before",
        )
