from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from groupwork.assessment.instrument import Instrument as InstrumentDefinition
from groupwork.assessment.models import Assistance, InstrumentVersion, Mode
from groupwork.core.forms import GovukCheckboxSelectMultiple, GovukForm, GovukRadioSelect
from groupwork.organisation.models import User


class VersionChoiceField(forms.ModelChoiceField[InstrumentVersion]):
    def label_from_instance(self, obj: InstrumentVersion) -> str:
        return obj.instrument.name


class StartQuestionnaireForm(GovukForm):
    occasion = forms.ChoiceField(
        label="Occasion",
        widget=GovukRadioSelect,
        error_messages={"required": "Select the occasion"},
    )
    version = VersionChoiceField(
        queryset=InstrumentVersion.objects.none(),
        label="Questionnaire",
        widget=GovukRadioSelect,
        empty_label=None,
        error_messages={"required": "Select the questionnaire"},
    )
    mode = forms.ChoiceField(
        label="How will he answer?",
        choices=[(Mode.STAFF, Mode.STAFF.label), (Mode.PAPER, Mode.PAPER.label)],
        widget=GovukRadioSelect,
        initial=Mode.STAFF,
        help_text="To let him answer on a centre device, start here, then open the kiosk.",
    )

    def __init__(
        self,
        *args: Any,
        occasions: dict[str, str],
        versions: QuerySet[InstrumentVersion],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        occasion = self.fields["occasion"]
        assert isinstance(occasion, forms.ChoiceField)  # noqa: S101  (narrows the type)
        occasion.choices = list(occasions.items())
        version = self.fields["version"]
        assert isinstance(version, forms.ModelChoiceField)  # noqa: S101  (narrows the type)
        version.queryset = versions


class AnswersForm(GovukForm):
    """Every question on one page, for staff entering answers with him or from paper."""

    assistance = forms.MultipleChoiceField(
        label="Help he had",
        choices=Assistance.choices,
        required=False,
        widget=GovukCheckboxSelectMultiple,
    )
    assisted_by = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Who helped him", required=False, empty_label="Nobody"
    )

    def __init__(
        self, *args: Any, instrument: InstrumentDefinition, helpers: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(value), label) for value, label in instrument.responses]
        for item in instrument.items:
            self.fields[f"item_{item.number}"] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                choices=choices,
                coerce=int,
                required=False,
                # Added after the mixin styled the declared fields, so styled here.
                widget=GovukRadioSelect(attrs={"class": "govuk-radios__input"}),
            )
        helper = self.fields["assisted_by"]
        assert isinstance(helper, forms.ModelChoiceField)  # noqa: S101  (narrows the type)
        helper.queryset = helpers
        # Questions first, then the help he had.
        self.order_fields([f"item_{item.number}" for item in instrument.items])

    def answers(self) -> dict[int, int | None]:
        return {
            int(name.removeprefix("item_")): (value if value != "" else None)
            for name, value in self.cleaned_data.items()
            if name.startswith("item_")
        }


class KioskAnswerForm(forms.Form):
    answer = forms.TypedChoiceField(coerce=int, required=False, widget=forms.RadioSelect)

    def __init__(self, *args: Any, instrument: InstrumentDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        answer = self.fields["answer"]
        assert isinstance(answer, forms.TypedChoiceField)  # noqa: S101  (narrows the type)
        answer.choices = [(str(value), label) for value, label in instrument.responses]


class KioskCloseForm(GovukForm):
    username = forms.CharField(
        label="Staff username", error_messages={"required": "Enter your username"}
    )
    password = forms.CharField(
        label="Password",
        widget=forms.PasswordInput,
        error_messages={"required": "Enter your password"},
    )


class RiskForm(GovukForm):
    age_at_commencement_of_risk = forms.IntegerField(
        label="Age at commencement of risk",
        help_text="His age when he is next at risk in the community, as the scoring guide says.",
        error_messages={"required": "Enter his age at commencement of risk"},
    )
    sexual_appearances = forms.IntegerField(
        label="Sentencing occasions for sexual offences",
        help_text="Count this one.",
        error_messages={"required": "Enter the number of sentencing occasions for sexual offences"},
    )
    criminal_appearances = forms.IntegerField(
        label="Sentencing occasions for any offence",
        error_messages={"required": "Enter the number of sentencing occasions for any offence"},
    )
    male_victim = forms.BooleanField(label="Any sexual offence against a male", required=False)
    stranger_victim = forms.BooleanField(
        label="Any sexual offence against a stranger", required=False
    )
    single = forms.BooleanField(
        label="Never married or lived with a partner for 2 years", required=False
    )
    non_contact = forms.BooleanField(label="Any non-contact sexual offence", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("age_at_commencement_of_risk", "sexual_appearances", "criminal_appearances"):
            self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--width-3"


class PathwayForm(GovukForm):
    pathway = forms.ChoiceField(label="Pathway", widget=GovukRadioSelect)
    reason = forms.CharField(
        label="Reason for a different pathway",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed only when you choose a pathway other than the one proposed.",
    )

    def __init__(self, *args: Any, pathways: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pathway = self.fields["pathway"]
        assert isinstance(pathway, forms.ChoiceField)  # noqa: S101  (narrows the type)
        pathway.choices = pathways
