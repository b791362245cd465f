import datetime

from hypothesis import given
from hypothesis import strategies as st

from groupwork.programmes.definition import shipped_definition
from groupwork.programmes.eligibility import age_on, eligibility_problems

CSOGP = shipped_definition("csogp")
TODAY = datetime.date(2026, 11, 26)


def problems(**changes: object) -> dict[str, str]:
    man: dict[str, object] = {
        "sex": "male",
        "born": datetime.date(1980, 1, 1),
        "offence_category": "contact",
        "on": TODAY,
    }
    man.update(changes)
    return eligibility_problems(CSOGP, **man)  # type: ignore[arg-type]


def test_an_adult_man_with_a_sexual_offence_is_eligible() -> None:
    assert problems() == {}


def test_each_reason_names_its_field() -> None:
    assert set(problems(sex="female")) == {"sex"}
    assert set(problems(born=datetime.date(2009, 1, 1))) == {"date_of_birth"}
    assert set(problems(offence_category="theft")) == {"offence_category"}


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2026, 11, 26)))
def test_age_counts_whole_years_to_the_birthday(born: datetime.date) -> None:
    age = age_on(born, TODAY)
    try:
        birthday = born.replace(year=born.year + age)
    except ValueError:  # born on 29 February
        birthday = datetime.date(born.year + age, 3, 1)
    assert birthday <= TODAY
    assert "date_of_birth" in problems(born=born) or age >= 18
