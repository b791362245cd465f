import datetime

from hypothesis import given
from hypothesis import strategies as st

from groupwork.core.forms import GovukDateField, GovukForm


class DateForm(GovukForm):
    when = GovukDateField(label="Date of birth")


def submit(day: str, month: str, year: str) -> DateForm:
    form = DateForm({"when_day": day, "when_month": month, "when_year": year})
    form.is_valid()
    return form


@given(st.dates(min_value=datetime.date(1000, 1, 1)))
def test_every_real_date_is_accepted(date: datetime.date) -> None:
    form = submit(str(date.day), str(date.month), str(date.year))
    assert form.cleaned_data["when"] == date


@given(
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=1, max_value=15),
    st.integers(min_value=1900, max_value=2100),
)
def test_impossible_dates_are_refused_with_a_plain_message(day: int, month: int, year: int) -> None:
    try:
        datetime.date(year, month, day)
    except ValueError:
        form = submit(str(day), str(month), str(year))
        assert form.errors["when"] == ["Date of birth must be a real date"]
    else:
        assert submit(str(day), str(month), str(year)).is_valid()


def test_missing_parts_are_named() -> None:
    assert submit("3", "", "2001").errors["when"] == ["Date of birth must include a month"]
    assert submit("", "", "").errors["when"] == ["Enter the date of birth"]
    assert submit("x", "2", "2001").errors["when"] == ["Date of birth must be a real date"]
    assert submit("3", "2", "01").errors["when"] == ["Date of birth must be a real date"]


def test_the_error_summary_links_to_the_day_box() -> None:
    assert submit("31", "2", "2001").error_summary() == [
        ("id_when_day", "Date of birth must be a real date")
    ]


def test_boxes_in_error_get_the_error_border() -> None:
    html = str(submit("31", "2", "2001")["when"])
    assert html.count("govuk-input--error") == 3
    assert "govuk-input--error" not in str(submit("28", "2", "2001")["when"])


def test_an_error_about_the_whole_form_links_to_its_first_box() -> None:
    form = submit("1", "2", "2001")
    form.add_error(None, "Something about the whole form")
    assert ("id_when_day", "Something about the whole form") in form.error_summary()
