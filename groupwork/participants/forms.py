from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from groupwork.core.forms import (
    GovukCheckboxSelectMultiple,
    GovukDateField,
    GovukForm,
    GovukModelForm,
    GovukRadioSelect,
)
from groupwork.organisation.models import User
from groupwork.participants.equality import ETHNIC_GROUPS, RELIGIONS
from groupwork.participants.models import Participant, Sex
from groupwork.participants.timeline import ALL_KINDS, EventKind

PARTICIPANT_FIELDS = [
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "case_reference",
    "phone",
    "email",
    "consents_to_texts",
    "consents_to_email",
    "address",
    "postcode",
    "needs_reading_writing_help",
    "interpreter_language",
    "disability_adjustments",
    "work_pattern",
    "available_daytime",
    "available_evening",
    "ethnicity",
    "religion",
    "disability",
]

EQUALITY_HINT = "For equality monitoring only. He does not have to answer."
NOT_GIVEN = ("", "Not asked or not given")


def equality_choices(options: tuple[str, ...], current: str) -> list[tuple[str, str]]:
    """The options, keeping an answer recorded in other words so that saving keeps it."""
    extra = [(current, current)] if current and current not in options else []
    return [NOT_GIVEN, *((option, option) for option in options), *extra]


class ParticipantForm(GovukModelForm):
    date_of_birth = GovukDateField(label="Date of birth", help_text="For example, 27 3 1980")
    ethnicity = forms.ChoiceField(
        label="Ethnic group (optional)", required=False, help_text=EQUALITY_HINT
    )
    religion = forms.ChoiceField(
        label="Religion or belief (optional)", required=False, help_text=EQUALITY_HINT
    )
    disability = forms.ChoiceField(
        label="Does he consider himself disabled? (optional)",
        required=False,
        help_text=EQUALITY_HINT,
        widget=GovukRadioSelect,
    )

    class Meta:
        model = Participant
        fields = PARTICIPANT_FIELDS
        labels = {
            "case_reference": "Case reference",
            "sex": "Sex",
            "phone": "Mobile phone number",
            "email": "E-mail address (leave blank if none)",
            "consents_to_texts": "He agrees to text message reminders",
            "consents_to_email": "He agrees to e-mail reminders",
            "needs_reading_writing_help": "Needs help with reading and writing",
            "interpreter_language": "Language for an interpreter (leave blank if none)",
            "disability_adjustments": "Adjustments for a disability (leave blank if none)",
            "work_pattern": "Work pattern (leave blank if not working)",
            "available_daytime": "Can attend daytime sessions",
            "available_evening": "Can attend evening sessions",
        }
        error_messages = {
            "first_name": {"required": "Enter his first name"},
            "last_name": {"required": "Enter his last name"},
            "case_reference": {"required": "Enter the case reference"},
        }
        widgets = {
            "sex": GovukRadioSelect,
            "address": forms.Textarea(attrs={"rows": 3}),
            "disability_adjustments": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, area_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.area_id = area_id
        for name in ("first_name", "last_name", "case_reference", "postcode"):
            self.fields[name].widget.attrs["spellcheck"] = "false"
        self.fields["case_reference"].widget.attrs["class"] = "govuk-input govuk-input--width-10"
        self.fields["postcode"].widget.attrs["class"] = "govuk-input govuk-input--width-10"
        phone = self.fields["phone"].widget
        assert isinstance(phone, forms.TextInput)  # noqa: S101  (narrows the type)
        phone.input_type = "tel"  # a number keypad on phones

        sex = self.fields["sex"]
        assert isinstance(sex, forms.ChoiceField)  # noqa: S101  (narrows the type)
        sex.choices = Sex.choices  # radios need no blank entry
        self._equality_choices()
        if not self.instance._state.adding:  # his pk is a UUID, set before he is saved
            # Opting out stops every message until it is cleared (participants.services).
            self.fields["opted_out"] = forms.BooleanField(
                label="He has asked for no more messages",
                required=False,
                initial=self.instance.opted_out_on is not None,
            )

    def _equality_choices(self) -> None:
        for name, options in (("ethnicity", ETHNIC_GROUPS), ("religion", RELIGIONS)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101  (narrows the type)
            field.choices = equality_choices(options, getattr(self.instance, name))
        disability = self.fields["disability"]
        assert isinstance(disability, forms.ChoiceField)  # noqa: S101  (narrows the type)
        disability.choices = Participant._meta.get_field("disability").choices or []

    def clean_date_of_birth(self) -> Any:
        born = self.cleaned_data["date_of_birth"]
        if born and born >= timezone.localdate():
            raise forms.ValidationError("Date of birth must be in the past")
        return born

    def clean_case_reference(self) -> str:
        reference = str(self.cleaned_data["case_reference"]).strip().upper()
        taken = Participant.objects.filter(area_id=self.area_id, case_reference=reference)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("A man with this case reference is already on Groupwork")
        return reference

    def validate_unique(self) -> None:
        """Uniqueness of the case reference is checked in clean_case_reference, with the area."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for consent, field, problem in [
            ("consents_to_texts", "phone", "his mobile phone number for text message reminders"),
            ("consents_to_email", "email", "his e-mail address for e-mail reminders"),
        ]:
            if cleaned.get(consent) and not cleaned.get(field) and field not in self.errors:
                self.add_error(field, f"Enter {problem}")
        return cleaned


class TimelineFilterForm(GovukForm):
    """Which kind of event his timeline shows; all of them when none is chosen."""

    kind = forms.ChoiceField(
        label="Show",
        choices=[("", "Everything"), *EventKind.choices],
        required=False,
    )

    def kinds(self) -> frozenset[EventKind]:
        if self.is_valid() and self.cleaned_data["kind"]:
            return frozenset({EventKind(self.cleaned_data["kind"])})
        return ALL_KINDS

    def chosen_label(self) -> str:
        if self.is_valid() and self.cleaned_data["kind"]:
            return str(EventKind(self.cleaned_data["kind"]).label)
        return ""


class StaffChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Staff as checkboxes, each labelled by `describe` (set by the form for its man)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.describe: Callable[[User], str] = str

    def label_from_instance(self, obj: Any) -> str:
        return self.describe(obj)


class RestrictionForm(GovukForm):
    """Who may see a restricted case: staff of his area, each labelled with their role and
    what they do for him."""

    staff = StaffChoiceField(
        queryset=User.objects.none(),
        widget=GovukCheckboxSelectMultiple,
        label="Staff who may see his case",
        help_text="Everyone else will get 'Page not found' on his record and will not see him "
        "in any list or search. You stay on the list, so that you can still open his case.",
        error_messages={"required": "Select the staff who may see his case"},
    )

    def __init__(
        self, *args: Any, staff: QuerySet[User], describe: Callable[[User], str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["staff"]
        assert isinstance(field, StaffChoiceField)  # noqa: S101  (narrows the type)
        field.queryset = staff
        field.describe = describe
