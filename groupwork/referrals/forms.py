from typing import Any

from django import forms
from django.utils import timezone

from groupwork.core.forms import GovukDateField, GovukForm, GovukModelForm, GovukRadioSelect
from groupwork.organisation.models import Role, User
from groupwork.programmes.models import Programme
from groupwork.referrals.models import (
    Referral,
    ReferralStatus,
    ReportType,
    SentenceType,
    StatusReason,
)

REFERRAL_FIELDS = [
    "programme",
    "offence_category",
    "report_type",
    "report_date",
    "report_author",
    "sentence_type",
    "sentence_start",
    "sentence_end",
    "responsible_officer",
]


def offence_choices() -> list[tuple[str, str]]:
    """Offence categories of every programme's current version."""
    choices: dict[str, str] = {}
    for programme in Programme.objects.prefetch_related("versions"):
        version = max(programme.versions.all(), key=lambda v: v.number, default=None)
        if version is not None:
            choices.update(version.parsed.offence_categories)
    return list(choices.items())


class ReferralForm(GovukModelForm):
    report_date = GovukDateField(label="Date of the report", help_text="For example, 14 9 2026")
    sentence_start = GovukDateField(label="Sentence start date")
    sentence_end = GovukDateField(label="Sentence end date")

    class Meta:
        model = Referral
        fields = REFERRAL_FIELDS
        labels = {
            "programme": "Programme",
            "offence_category": "Offence",
            "report_type": "Report that made the referral",
            "report_author": "Author of the report",
            "sentence_type": "Sentence",
            "responsible_officer": "Responsible offender manager",
        }
        widgets = {"report_type": GovukRadioSelect, "sentence_type": GovukRadioSelect}
        error_messages = {
            "programme": {"required": "Select the programme"},
            "offence_category": {"required": "Select the offence"},
            "report_type": {"required": "Select the report that made the referral"},
            "report_author": {"required": "Enter the author of the report"},
            "sentence_type": {"required": "Select the sentence"},
            "responsible_officer": {"required": "Select the responsible offender manager"},
        }

    def __init__(self, *args: Any, acting_user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officers = User.objects.filter(
            area_id=acting_user.area_pk, role=Role.OFFENDER_MANAGER, is_active=True
        )
        officer_field = self.fields["responsible_officer"]
        assert isinstance(officer_field, forms.ModelChoiceField)  # noqa: S101  (narrows the type)
        officer_field.queryset = officers
        programme_field = self.fields["programme"]
        assert isinstance(programme_field, forms.ModelChoiceField)  # noqa: S101  (narrows the type)
        programme_field.queryset = Programme.objects.all()
        programme_field.empty_label = None
        # Radios need no blank "choose one" entry.
        for name, choices in (
            ("report_type", ReportType.choices),
            ("sentence_type", SentenceType.choices),
        ):
            choice_field = self.fields[name]
            assert isinstance(choice_field, forms.ChoiceField)  # noqa: S101  (narrows the type)
            choice_field.choices = choices
        offence = forms.ChoiceField(
            label="Offence",
            choices=offence_choices(),
            error_messages={"required": "Select the offence"},
        )
        offence.widget.attrs["class"] = "govuk-select"
        self.fields["offence_category"] = offence
        if acting_user.role == Role.OFFENDER_MANAGER:
            # An offender manager refers men to their own caseload.
            officer_field.initial = acting_user.pk
            officer_field.disabled = True
            if not self.instance.pk:
                self.instance.responsible_officer = acting_user

    def clean_report_date(self) -> Any:
        written = self.cleaned_data["report_date"]
        if written and written > timezone.localdate():
            raise forms.ValidationError("Date of the report must be today or in the past")
        return written

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("sentence_start"), cleaned.get("sentence_end")
        if start and end and end <= start:
            self.add_error("sentence_end", "Sentence end date must be after the start date")
        return cleaned


class ReasonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.status.name}: {obj.label}"


class StatusChangeForm(GovukForm):
    to_status = forms.ModelChoiceField(
        queryset=ReferralStatus.objects.none(),
        label="New status",
        widget=GovukRadioSelect,
        empty_label=None,
        error_messages={"required": "Select the new status"},
    )
    reason = ReasonChoiceField(
        queryset=StatusReason.objects.none(),
        label="Reason",
        required=False,
        help_text="Needed when he ends the programme early or the referral is withdrawn.",
    )
    note = forms.CharField(
        label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = ReferralStatus.objects.filter(transitions_in__from_status=referral.status_id)
        status_field = self.fields["to_status"]
        assert isinstance(status_field, forms.ModelChoiceField)  # noqa: S101  (narrows the type)
        status_field.queryset = allowed
        reason_field = self.fields["reason"]
        assert isinstance(reason_field, forms.ModelChoiceField)  # noqa: S101  (narrows the type)
        reason_field.queryset = StatusReason.objects.filter(status__in=allowed).select_related(
            "status"
        )
        reason_field.empty_label = "Not needed"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        status, reason = cleaned.get("to_status"), cleaned.get("reason")
        if status is None:
            return cleaned
        if status.needs_reason and reason is None:
            self.add_error("reason", f"Select why the referral is {status.name.lower()}")
        elif reason is not None and reason.status_id != status.pk:
            self.add_error("reason", f"Select a reason that fits {status.name.lower()}")
        return cleaned
