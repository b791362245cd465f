from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet

from groupwork.core.forms import (
    GovukCheckboxSelectMultiple,
    GovukDateField,
    GovukForm,
    GovukRadioSelect,
)
from groupwork.groups.models import Weekday
from groupwork.organisation.models import Office, Role, Room, User
from groupwork.programmes.models import Programme, ProgrammeVersion
from groupwork.referrals.models import Referral


def module_choices() -> list[tuple[str, str]]:
    """Every module of every programme's current version, as "programme/module"."""
    choices = []
    for programme in Programme.objects.prefetch_related("versions"):
        version = max(programme.versions.all(), key=lambda v: v.number, default=None)
        if version is None:
            continue
        for module in version.parsed.modules:
            choices.append((f"{programme.code}/{module.code}", f"{programme.name}: {module.title}"))
    return choices


def pattern_choices() -> list[tuple[str, str]]:
    labels: dict[str, str] = {}
    for programme in Programme.objects.prefetch_related("versions"):
        version = max(programme.versions.all(), key=lambda v: v.number, default=None)
        if version is not None:
            for pattern in version.parsed.patterns.values():
                labels.setdefault(pattern.code, pattern.label)
    return list(labels.items())


class GroupForm(GovukForm):
    name = forms.CharField(
        label="Group name",
        max_length=100,
        help_text="For example, Worcester Induction, January 2027",
        error_messages={"required": "Enter a name for the group"},
    )
    module = forms.ChoiceField(
        label="Programme and module",
        widget=GovukRadioSelect,
        error_messages={"required": "Select the programme and module"},
    )
    pattern = forms.ChoiceField(
        label="When the group meets each week",
        widget=GovukRadioSelect,
        error_messages={"required": "Select when the group meets"},
    )
    centre = forms.ModelChoiceField(
        queryset=Office.objects.none(),
        label="Group centre",
        empty_label=None,
        error_messages={"required": "Select the group centre"},
    )
    room = forms.ModelChoiceField(
        queryset=Room.objects.none(), label="Room", required=False, empty_label="No room yet"
    )
    start = GovukDateField(
        label="Start date",
        help_text=(
            "A block week runs Monday to Friday. "
            "If you choose another day, it starts the Monday after."
        ),
    )
    weekday = forms.TypedChoiceField(
        label="Day of the week for weekly sessions",
        choices=Weekday.choices,
        coerce=int,
        initial=Weekday.MONDAY,
        error_messages={"required": "Select the day of the week"},
    )
    facilitators = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label="Facilitators",
        widget=GovukCheckboxSelectMultiple,
        error_messages={"required": "Select the facilitators"},
    )

    def __init__(self, *args: Any, acting_user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = acting_user.area_pk
        self._field("module").choices = module_choices()
        self._field("pattern").choices = pattern_choices()
        self._model_field("centre").queryset = Office.objects.filter(
            area_id=area, is_group_centre=True
        )
        self._model_field("room").queryset = Room.objects.filter(
            centre__area_id=area
        ).select_related("centre")
        self._model_field("facilitators").queryset = User.objects.filter(
            area_id=area, role=Role.FACILITATOR, is_active=True
        )

    def _field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101  (narrows the type)
        return field

    def _model_field(self, name: str) -> forms.ModelChoiceField[Any]:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  (narrows the type)
        return field

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        choice = cleaned.get("module")
        if choice:
            programme_code, module_code = choice.split("/", 1)
            version = (
                ProgrammeVersion.objects.filter(programme__code=programme_code)
                .select_related("programme")
                .order_by("-number")
                .first()
            )
            if version is None:
                self.add_error("module", "Select the programme and module")
                return cleaned
            cleaned["version"] = version
            cleaned["module_code"] = module_code
            module = version.parsed.module(module_code)
            pattern = cleaned.get("pattern")
            if pattern and pattern not in module.meetings:
                offered = ", ".join(version.parsed.patterns[p].label for p in module.meetings)
                self.add_error("pattern", f"{module.title} runs as: {offered}")
        centre, room = cleaned.get("centre"), cleaned.get("room")
        if centre and room and room.centre_id != centre.pk:
            self.add_error("room", f"{room.name} is not at {centre}")
        return cleaned


class CancelSessionForm(GovukForm):
    reason = forms.CharField(
        label="Why is the session cancelled?",
        max_length=200,
        help_text="For example, facilitator ill or room not available.",
        error_messages={"required": "Enter why the session is cancelled"},
    )


class MoveSessionForm(GovukForm):
    date = GovukDateField(label="New date")
    starts = forms.TimeField(
        label="Starts",
        help_text="For example, 09:30",
        error_messages={
            "required": "Enter the start time",
            "invalid": "Enter the start time as hours and minutes, like 09:30",
        },
    )
    ends = forms.TimeField(
        label="Ends",
        help_text="For example, 12:30",
        error_messages={
            "required": "Enter the end time",
            "invalid": "Enter the end time as hours and minutes, like 12:30",
        },
    )
    room = forms.ModelChoiceField(
        queryset=Room.objects.none(), label="Room", required=False, empty_label="No room"
    )
    reason = forms.CharField(
        label="Why is it moving?",
        max_length=200,
        error_messages={"required": "Enter why it is moving"},
    )

    def __init__(self, *args: Any, centre: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        room = self.fields["room"]
        assert isinstance(room, forms.ModelChoiceField)  # noqa: S101  (narrows the type)
        room.queryset = Room.objects.filter(centre=centre)
        for name in ("starts", "ends"):
            self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--width-5"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if isinstance(starts, datetime.time) and isinstance(ends, datetime.time) and ends <= starts:
            self.add_error("ends", "The session must end after it starts")
        return cleaned


class ReferralChoiceField(forms.ModelChoiceField[Referral]):
    def label_from_instance(self, obj: Referral) -> str:
        man = obj.participant
        return f"{man.full_name} ({man.case_reference}), {obj.status.name.lower()}"


class AddMemberForm(GovukForm):
    referral = ReferralChoiceField(
        queryset=Referral.objects.none(),
        label="Man to add",
        empty_label=None,
        error_messages={"required": "Select a man to add"},
    )

    def __init__(self, *args: Any, referrals: QuerySet[Referral], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["referral"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  (narrows the type)
        field.queryset = referrals


class CoverForm(GovukForm):
    replaced = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Facilitator who cannot come",
        widget=GovukRadioSelect,
        empty_label=None,
        error_messages={"required": "Select who cannot come"},
    )
    cover = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Cover facilitator",
        empty_label=None,
        error_messages={"required": "Select the cover facilitator"},
    )

    def __init__(
        self, *args: Any, on_session: QuerySet[User], others: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("replaced", on_session), ("cover", others)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  (narrows the type)
            field.queryset = choices
