"""GOV.UK Design System forms: field markup, date inputs and the error summary."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import jinja2
from django import forms
from django.forms import renderers as django_renderers
from django.forms.renderers import Jinja2
from django.template import TemplateDoesNotExist, loader
from django.utils.functional import cached_property
from markupsafe import Markup, escape

WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",  # a RadioSelect too: match first
    forms.RadioSelect: "govuk-radios__input",
    forms.widgets.Input: "govuk-input",  # text, password, email, number (checkbox is matched first)
}
ERROR_CLASSES = {"govuk-textarea", "govuk-select", "govuk-input"}
# Django's own widget templates include attrs.html once per widget and option.html once per
# option; these do the same markup in one template each (groupwork/core/jinja2/govuk/widgets).
_DJANGO_WIDGETS = "django/forms/widgets/"
FAST_WIDGET_TEMPLATES = {
    **{
        f"{_DJANGO_WIDGETS}{kind}.html": "govuk/widgets/input.html"
        for kind in ("input", "text", "number", "email", "password", "hidden", "checkbox", "tel")
    },
    f"{_DJANGO_WIDGETS}select.html": "govuk/widgets/select.html",
    f"{_DJANGO_WIDGETS}textarea.html": "govuk/widgets/textarea.html",
}


def mark_in_error(widget: forms.Widget) -> None:
    """Add GOV.UK's red border class, e.g. govuk-input--error, to a widget in error."""
    classes = widget.attrs.get("class", "").split()
    base = next((css for css in classes if css in ERROR_CLASSES), None)
    if base and f"{base}--error" not in classes:
        widget.attrs["class"] = " ".join([*classes, f"{base}--error"])


def html_attrs(attrs: dict[str, Any]) -> Markup:
    """A widget's attributes as Django's `flatatt` writes them (sorted, True a bare name after
    the rest, False and None left out), escaped by MarkupSafe: `flatatt` escapes through lazy
    wrappers, which cost a long form (a register of 11 men has ~280 attribute lists) more than
    the rest of its markup."""
    pairs = sorted((name, value) for name, value in attrs.items() if not isinstance(value, bool))
    written = [f' {escape(name)}="{escape(value)}"' for name, value in pairs if value is not None]
    written += sorted(f" {escape(name)}" for name, value in attrs.items() if value is True)
    return Markup("".join(written))  # noqa: S704 (every name and value escaped above)


def form_environment(**options: Any) -> jinja2.Environment:
    """The Jinja2 environment of form templates, with the `html_attrs` filter."""
    environment = jinja2.Environment(**options)  # noqa: S701 (the renderer turns autoescape on)
    environment.filters["html_attrs"] = html_attrs
    return environment


class GovukFormRenderer(Jinja2):
    """Renders fields and widgets with Jinja2, whose compiled templates draw a long form (a
    register of 11 men has about 280 inputs) several times faster than Django's templates.
    The pages themselves stay Django templates; `{{ form.field.as_field_group }}` in one comes
    here. Field templates are in the apps' jinja2 folders (groupwork/core/jinja2/govuk)."""

    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"

    def get_template(self, template_name: str) -> Any:
        try:
            return self.engine.get_template(template_name)
        except TemplateDoesNotExist:  # the admin's widgets exist only as Django templates
            return loader.get_template(template_name)

    @cached_property
    def engine(self) -> Any:
        return self.backend(
            {
                "APP_DIRS": True,
                # Django's own Jinja2 widget templates, for the widgets not drawn here.
                "DIRS": [Path(django_renderers.__file__).parent / "jinja2"],
                "NAME": "govukforms",
                "OPTIONS": {
                    "environment": "groupwork.core.forms.form_environment",
                    # As in Django templates, a missing value or attribute prints nothing, with
                    # DEBUG on as well (Django's default then prints the expression itself).
                    "undefined": jinja2.ChainableUndefined,
                },
            }
        )


class GovukRadioSelect(forms.RadioSelect):
    template_name = "govuk/widgets/radios.html"
    option_template_name = "govuk/widgets/radio_option.html"


class GovukCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    template_name = "govuk/widgets/checkboxes.html"


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes, as the GOV.UK date input pattern asks."""

    template_name = "govuk/widgets/date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        def part(width: int) -> forms.TextInput:
            css = f"govuk-input govuk-date-input__input govuk-input--width-{width}"
            return forms.TextInput(attrs={"class": css, "inputmode": "numeric"})

        super().__init__({"day": part(2), "month": part(2), "year": part(4)}, attrs)

    def decompress(self, value: datetime.date | None) -> list[int | None]:
        if value is None:
            return [None, None, None]
        return [value.day, value.month, value.year]


class GovukDateField(forms.MultiValueField):
    widget = GovukDateWidget

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        parts = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        kwargs.setdefault("error_messages", {"required": f"Enter the {label.lower()}"})
        super().__init__(fields=parts, label=label, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> datetime.date | None:
        if not data_list or not any(data_list):
            return None
        label = str(self.label)
        missing = [
            name
            for name, value in zip(("day", "month", "year"), data_list, strict=True)
            if not value
        ]
        if missing:
            raise forms.ValidationError(f"{label} must include a {' and '.join(missing)}")
        try:
            day, month, year = (int(value.strip()) for value in data_list)
            if year < 1000:  # noqa: PLR2004  (a two-digit year is a typing slip, not a date)
                raise ValueError
            return datetime.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(f"{label} must be a real date") from None


class GovukFormMixin:
    """Adds the GOV.UK classes to widgets and lists errors for the error summary."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = next(
                (css for kind, css in WIDGET_CLASSES.items() if isinstance(field.widget, kind)),
                None,
            )
            if css and "class" not in field.widget.attrs:
                field.widget.attrs["class"] = css
            fast = FAST_WIDGET_TEMPLATES.get(field.widget.template_name)
            if fast:
                field.widget.template_name = fast

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            parts = widget.widgets if isinstance(widget, GovukDateWidget) else [widget]
            for part in parts:
                mark_in_error(part)

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) pairs; each anchor is the first input of the field in error."""
        summary: list[tuple[str, str]] = []
        first_field = next(iter(self.fields), None)
        for name, errors in self.errors.items():  # type: ignore[attr-defined]
            # An error about the whole form links to its first box.
            field_name = name if name in self.fields else first_field
            anchor = self[field_name].auto_id if field_name else ""  # type: ignore[index]
            widget = self.fields[field_name].widget if field_name else None
            if isinstance(widget, GovukDateWidget):
                anchor = f"{anchor}_day"
            elif isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                anchor = f"{anchor}_0"
            summary.extend((anchor, str(message)) for message in errors)
        return summary


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    pass
