"""Addresses reversed once and filled in are those Django reverses each time."""

import pytest
from django.urls import NoReverseMatch, reverse
from hypothesis import given
from hypothesis import strategies as st

from groupwork.core.addresses import numbered_address

ids = st.integers(min_value=1, max_value=2**31 - 1)


@given(group=ids, session=ids)
def test_a_filled_address_is_the_reversed_one(group: int, session: int) -> None:
    register = numbered_address("session-register", 2)
    assert register(group, session) == reverse("session-register", args=[group, session])


@given(letter=ids)
def test_one_number(letter: int) -> None:
    assert numbered_address("letter", 1)(letter) == reverse("letter", args=[letter])


def test_a_page_that_does_not_exist_is_not_reversed() -> None:
    with pytest.raises(NoReverseMatch):
        numbered_address("no-such-page", 1)


def test_a_negative_number_is_refused_as_reverse_refuses_it() -> None:
    with pytest.raises(NoReverseMatch):
        reverse("letter", args=[-1])
    with pytest.raises(NoReverseMatch):
        numbered_address("letter", 1)(-1)


def test_the_count_of_numbers_must_be_the_addresses() -> None:
    with pytest.raises(ValueError, match="zip"):
        numbered_address("letter", 1)(1, 2)
