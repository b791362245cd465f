"""Keyset pages: every row once, in order, forwards and back, whatever the ties."""

from typing import Any

import pytest
from django.core import signing
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from groupwork.core.keyset import KeysetPage, keyset_page
from groupwork.organisation.tests.factories import AreaFactory
from groupwork.participants.models import Participant
from groupwork.participants.tests.factories import ParticipantFactory

KEY = ("last_name", "first_name", "id")


def params(query: str = "") -> QueryDict:
    return QueryDict(query, mutable=False)


def names(page: KeysetPage[Any]) -> list[str]:
    return [f"{man.last_name} {man.first_name}" for man in page.object_list]


def walk_forwards(size: int) -> list[KeysetPage[Any]]:
    pages = [keyset_page(Participant.objects.all(), key=KEY, params=params(), size=size)]
    while pages[-1].next_query:
        query = params(pages[-1].next_query)
        pages.append(keyset_page(Participant.objects.all(), key=KEY, params=query, size=size))
    return pages


@pytest.mark.django_db
def test_pages_run_forwards_and_back_through_ties_on_the_name() -> None:
    area = AreaFactory.create()
    for given_name, surname in [
        ("Al", "Beck"),
        ("Al", "Beck"),
        ("Bo", "Beck"),
        ("Cy", "Ames"),
        ("Di", "Cole"),
    ]:
        ParticipantFactory.create(area=area, first_name=given_name, last_name=surname)
    pages = walk_forwards(size=2)
    assert [names(page) for page in pages] == [
        ["Ames Cy", "Beck Al"],
        ["Beck Al", "Beck Bo"],
        ["Cole Di"],
    ]
    assert not pages[0].previous_query and pages[1].previous_query and not pages[2].next_query
    back = keyset_page(
        Participant.objects.all(), key=KEY, params=params(pages[2].previous_query), size=2
    )
    assert [man.pk for man in back.object_list] == [man.pk for man in pages[1].object_list]
    first = keyset_page(
        Participant.objects.all(), key=KEY, params=params(back.previous_query), size=2
    )
    assert names(first) == ["Ames Cy", "Beck Al"]
    assert not first.previous_query


@pytest.mark.django_db
def test_other_parameters_are_kept_and_an_edited_token_means_the_first_page() -> None:
    area = AreaFactory.create()
    for number in range(3):
        ParticipantFactory.create(area=area, last_name=f"Name{number}")
    page = keyset_page(Participant.objects.all(), key=KEY, params=params("q=Name"), size=2)
    assert params(page.next_query)["q"] == "Name"
    edited = page.next_query.replace("after=", "after=x")
    again = keyset_page(Participant.objects.all(), key=KEY, params=params(edited), size=2)
    assert names(again) == names(page)


@pytest.mark.django_db
def test_a_token_from_a_list_in_another_order_is_refused() -> None:
    area = AreaFactory.create()
    for number in range(3):
        ParticipantFactory.create(area=area, last_name=f"Name{number}")
    by_name = keyset_page(Participant.objects.all(), key=KEY, params=params(), size=1)
    by_reference = keyset_page(
        Participant.objects.all(),
        key=("-case_reference", "-id"),
        params=params(by_name.next_query),
        size=1,
    )
    assert not by_reference.previous_query  # read as the first page, not misread


class TestEveryRowOnce(TestCase):
    @settings(max_examples=25, deadline=None)
    @given(
        surnames=st.lists(st.sampled_from(["Ames", "Beck", "Cole"]), min_size=0, max_size=12),
        size=st.integers(min_value=1, max_value=5),
    )
    def test_walking_every_page_gives_every_row_once_in_order(
        self, surnames: list[str], size: int
    ) -> None:
        area = AreaFactory.create()
        for surname in surnames:
            ParticipantFactory.create(area=area, first_name="Same", last_name=surname)
        seen = [man.pk for page in walk_forwards(size) for man in page.object_list]
        assert seen == list(Participant.objects.order_by(*KEY).values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_token_holds_no_name_and_a_row_out_of_sight_gives_the_first_page() -> None:
    area = AreaFactory.create()
    for surname in ["Ames", "Beck", "Cole"]:
        ParticipantFactory.create(area=area, first_name="Sam", last_name=surname)
    page = keyset_page(Participant.objects.all(), key=KEY, params=params(), size=1)
    token = str(params(page.next_query)["after"])
    assert "Ames" not in signing.loads(token, salt="groupwork.keyset:last_name,first_name,id")
    without_ames = Participant.objects.exclude(last_name="Ames")
    first = keyset_page(without_ames, key=KEY, params=params(page.next_query), size=1)
    assert names(first) == ["Beck Sam"]
    assert not first.previous_query
