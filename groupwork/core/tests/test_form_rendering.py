"""Form fields drawn by the Jinja2 form renderer in GOV.UK markup."""

import html
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from groupwork.core.forms import (
    GovukCheckboxSelectMultiple,
    GovukDateField,
    GovukForm,
    GovukFormRenderer,
    GovukRadioSelect,
    html_attrs,
)

ATTRIBUTE_NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12)
ATTRIBUTE_VALUES = st.one_of(st.booleans(), st.none(), st.integers(), st.text(max_size=20))


@given(st.dictionaries(ATTRIBUTE_NAMES, ATTRIBUTE_VALUES, max_size=8))
def test_html_attrs_writes_what_django_writes(attrs: dict[str, Any]) -> None:
    # The two escape an apostrophe differently (&#39; and &#x27;); both read back the same.
    assert html.unescape(html_attrs(attrs)) == html.unescape(flatatt(attrs))


class VisitForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("came", "He came"), ("late", "He's late")],
        widget=GovukRadioSelect,
    )
    rules = forms.MultipleChoiceField(
        label="Rules broken",
        choices=[("phone", "Phone"), ("swearing", "Swearing")],
        required=False,
        widget=GovukCheckboxSelectMultiple,
    )
    seen_on = GovukDateField(label="Seen on", required=False)
    note = forms.CharField(label="Note", help_text="Say what <happened>.")


def test_a_form_in_error_is_drawn_in_govuk_markup() -> None:
    form = VisitForm({"outcome": "late", "rules": ["phone"], "note": ""})
    assert not form.is_valid()
    page = str(form)

    assert '<div class="govuk-radios" data-module="govuk-radios">' in page
    assert 'value="late" class="govuk-radios__input" id="id_outcome_1" checked required>' in page
    assert '<label class="govuk-label govuk-radios__label" for="id_outcome_1">He&#39;s late' in page
    assert (
        'name="rules" value="phone" class="govuk-checkboxes__input" id="id_rules_0" checked>'
        in page
    )
    assert 'id="id_seen_on_day"' in page
    assert (
        '<label class="govuk-label govuk-date-input__label" for="id_seen_on_day">Day</label>'
        in page
    )
    assert '<div id="id_note_helptext" class="govuk-hint">Say what &lt;happened&gt;.</div>' in page
    # The input names its message in aria-describedby: the ids must match.
    assert 'aria-describedby="id_note_helptext id_note_error"' in page
    assert '<p id="id_note_error" class="govuk-error-message">' in page
    assert 'class="govuk-input govuk-input--error"' in page


def test_a_missing_value_prints_nothing_with_debug_on() -> None:
    # Django's Jinja2 default with DEBUG on prints the expression, e.g. {{ option.attrs.id }}.
    with override_settings(DEBUG=True):
        renderer = GovukFormRenderer()
        field = VisitForm(auto_id=False, renderer=renderer)["outcome"]
        page = field.as_field_group()
    assert "{{" not in page
    assert 'for=""' in page


def test_a_widget_only_django_templates_have_is_drawn_with_them() -> None:
    # The admin's widgets have no Jinja2 template.
    renderer = GovukFormRenderer()
    template = renderer.get_template("admin/widgets/related_widget_wrapper.html")
    assert template.origin.name.endswith("admin/widgets/related_widget_wrapper.html")
