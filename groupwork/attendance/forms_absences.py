"""Forms for reporting and deciding absences, and for booking and finishing catch-ups."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from groupwork.attendance.models import AbsenceReason, CatchUpMode, HowReported
from groupwork.core.forms import GovukDateField, GovukForm, GovukRadioSelect
from groupwork.groups.models import Session
from groupwork.organisation.models import User

HOW_REPORTED_CHOICES = [
    (value, label) for value, label in HowReported.choices if value != HowReported.REGISTER
]
ACCEPTABLE = "acceptable"
UNACCEPTABLE = "unacceptable"


def session_label(session: Session) -> str:
    return (
        f"{session.group.name}, session {session.number}: "
        f"{session.date:%A} {session.date:%-d %B %Y}, {session.starts:%H:%M}"
    )


class SessionChoiceField(forms.ModelChoiceField[Session]):
    def label_from_instance(self, obj: Session) -> str:
        return session_label(obj)


class FacilitatorChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class AbsenceReportForm(GovukForm):
    session = SessionChoiceField(
        queryset=Session.objects.none(),
        label="Which session",
        widget=GovukRadioSelect,
        empty_label=None,
        error_messages={"required": "Select the session he will miss or missed"},
    )
    reason = forms.ChoiceField(
        label="Reason he gave",
        choices=AbsenceReason.choices,
        widget=GovukRadioSelect,
        help_text="Illness or a medical appointment needs a doctor's note within five working "
        "days of the session.",
        error_messages={"required": "Select the reason he gave"},
    )
    how_reported = forms.ChoiceField(
        label="How he told us",
        choices=HOW_REPORTED_CHOICES,
        widget=GovukRadioSelect,
        error_messages={"required": "Select how he told us"},
    )
    details = forms.CharField(
        label="Details",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What he said, and who took the call.",
    )

    def __init__(self, *args: Any, sessions: QuerySet[Session], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  (narrows the type)
        field.queryset = sessions


class AbsenceDecisionForm(GovukForm):
    evidence_received_on = GovukDateField(
        label="Date the evidence came",
        required=False,
        help_text="For example, the date of the doctor's note. Leave blank if none came.",
    )
    evidence = forms.CharField(
        label="Evidence",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What it is and what it says, for example: fit note from Dr Shah, 2 days.",
    )
    decision = forms.ChoiceField(
        label="Is the absence acceptable?",
        choices=[(ACCEPTABLE, "Acceptable"), (UNACCEPTABLE, "Not acceptable")],
        widget=GovukRadioSelect,
        error_messages={"required": "Select whether the absence is acceptable"},
    )
    reason = forms.CharField(
        label="Why you decided this",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why you decided this"},
    )

    def __init__(self, *args: Any, medical: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.medical = medical

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        received: datetime.date | None = cleaned.get("evidence_received_on")
        evidence = cleaned.get("evidence", "").strip()
        if received and received > timezone.localdate():
            self.add_error(
                "evidence_received_on", "The date the evidence came must be today or before"
            )
        if evidence and not received and "evidence_received_on" not in self.errors:
            self.add_error("evidence_received_on", "Enter the date the evidence came")
        if received and not evidence:
            self.add_error("evidence", "Describe the evidence")
        if cleaned.get("decision") == ACCEPTABLE and self.medical and not received:
            self.add_error(
                "decision",
                "A medical absence is acceptable only with a doctor's note: enter the date it "
                "came and what it says",
            )
        return cleaned

    @property
    def acceptable(self) -> bool:
        return bool(self.cleaned_data["decision"] == ACCEPTABLE)


class CatchUpBookingForm(GovukForm):
    mode = forms.ChoiceField(
        label="How he will catch up",
        choices=CatchUpMode.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Select how he will catch up"},
    )
    booked_for = GovukDateField(
        label="Date of the one-to-one",
        required=False,
        help_text="For a one-to-one. In another group, he goes on that session's date.",
    )
    facilitator = FacilitatorChoiceField(
        queryset=User.objects.none(),
        label="Facilitator",
        required=False,
        empty_label="Choose a facilitator",
    )
    other_session = SessionChoiceField(
        queryset=Session.objects.none(),
        label="Another group's matching session",
        required=False,
        empty_label="Choose a session",
    )

    def __init__(
        self,
        *args: Any,
        facilitators: QuerySet[User],
        other_sessions: QuerySet[Session],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, prefix="book", **kwargs)
        facilitator = self.fields["facilitator"]
        assert isinstance(facilitator, forms.ModelChoiceField)  # noqa: S101  (narrows the type)
        facilitator.queryset = facilitators
        other = self.fields["other_session"]
        assert isinstance(other, forms.ModelChoiceField)  # noqa: S101  (narrows the type)
        other.queryset = other_sessions

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        mode = cleaned.get("mode")
        if mode == CatchUpMode.ONE_TO_ONE:
            booked_for: datetime.date | None = cleaned.get("booked_for")
            if booked_for is None and "booked_for" not in self.errors:
                self.add_error("booked_for", "Enter the date of the one-to-one")
            elif booked_for is not None and booked_for < timezone.localdate():
                self.add_error("booked_for", "The date of the one-to-one must be today or later")
            if cleaned.get("facilitator") is None and "facilitator" not in self.errors:
                self.add_error("facilitator", "Select the facilitator who will see him")
        elif mode == CatchUpMode.OTHER_GROUP and cleaned.get("other_session") is None:
            if "other_session" not in self.errors:
                self.add_error("other_session", "Select the other group's session")
        return cleaned


class CatchUpDoneForm(GovukForm):
    done_on = GovukDateField(label="Date he caught up")
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything the group's facilitators should know.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="done", **kwargs)

    def clean_done_on(self) -> datetime.date:
        done_on: datetime.date = self.cleaned_data["done_on"]
        if done_on > timezone.localdate():
            raise forms.ValidationError("The date he caught up must be today or before")
        return done_on
