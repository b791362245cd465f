"""A group centre's information sheet: what it tells a man, how plainly, in easy read and in
large print, and who may print it."""

from __future__ import annotations

import pytest

from groupwork.core.tests.world import World, client_for
from groupwork.letters.information_sheet import (
    EASY_READ,
    LARGE_PRINT,
    TEMPLATE,
    information_sheet_context,
    sections,
)
from groupwork.letters.models import Letter
from groupwork.letters.rendering import render_letter_html
from groupwork.letters.tests.textcheck import (
    body_units,
    laid_out_boxes,
    laid_out_text,
    page_text,
    reading_grade,
    sentences,
    words,
)
from groupwork.organisation.models import Area, Office
from groupwork.organisation.tests.factories import OfficeFactory

COMPLAINTS = "The Chief Officer\nExample Probation Area\n1 Sample Street\nSampleton SA1 1AA"
CENTRE_ADDRESS = "Unit 4, Fictional Road\nWorcester WR9 9ZZ"


def _area() -> Area:
    return Area(name="Example Probation Area", slug="example", complaints_address=COMPLAINTS)


def _centre(area: Area) -> Office:
    return Office(
        area=area,
        name="Worcester Group Centre",
        slug="worcester-group-centre",
        town="Worcester",
        address=CENTRE_ADDRESS,
        phone="01632 960123",
        is_group_centre=True,
    )


def html_of(version: str) -> str:
    area = _area()
    return render_letter_html(
        TEMPLATE, information_sheet_context(centre=_centre(area), area=area, version=version)
    )


def sheet_url(centre: Office, version: str = EASY_READ) -> str:
    return f"/centres/{centre.slug}/information-sheet/{version}/"


@pytest.fixture
def centre(world: World) -> Office:
    office: Office = OfficeFactory.create(
        area=world.area,
        name="Worcester Group Centre",
        slug="worcester-group-centre",
        address=CENTRE_ADDRESS,
        phone="01632 960123",
        is_group_centre=True,
    )
    return office


# What it says


@pytest.mark.parametrize("version", [EASY_READ, LARGE_PRINT])
def test_the_sheet_gives_the_centre_the_rules_and_the_complaints_address(version: str) -> None:
    text = page_text(html_of(version))

    assert "Your group at Worcester Group Centre" in text
    for line in ["Unit 4, Fictional Road", "Worcester WR9 9ZZ", "01632 960123"]:
        assert line in text
    for rule in [
        "Come on time.",
        "Do not drink or take drugs before you come.",
        "You must come to every session.",
        "If you miss a session, you must do a catch-up session.",
        "Get a note from your doctor.",
        "Give the note to your probation officer within five working days.",
        "First, talk to your probation officer.",
        "Or talk to their manager.",
        "Write to the Chief Officer",
    ]:
        assert rule in text
    for line in COMPLAINTS.splitlines():
        assert line in text


@pytest.mark.parametrize("version", [EASY_READ, LARGE_PRINT])
def test_both_versions_say_the_same_words(version: str) -> None:
    expected = [
        line for section in sections(centre_name="Worcester Group Centre") for line in section.lines
    ]
    said = " ".join(body_units(html_of(version)))

    for line in expected:
        assert line in said


def test_the_easy_read_version_has_one_idea_a_line() -> None:
    units = body_units(html_of(EASY_READ))
    lines = [
        line for section in sections(centre_name="Worcester Group Centre") for line in section.lines
    ]

    for line in lines:
        assert line in units  # a paragraph of its own
    assert max(len(words(unit)) for unit in units) <= 14


def test_the_large_print_version_runs_each_section_as_a_paragraph() -> None:
    units = body_units(html_of(LARGE_PRINT))

    assert "Come on time. Do not drink or take drugs before you come." in " ".join(units)
    assert "Come on time." not in units


def test_the_words_read_at_about_age_nine() -> None:
    """Flesch-Kincaid grade 4 or below: a US fourth-grader is nine or ten."""
    body = sentences(body_units(html_of(EASY_READ)))
    lengths = [len(words(sentence)) for sentence in body]

    assert reading_grade(body) <= 4
    assert sum(lengths) / len(lengths) <= 10
    assert max(lengths) <= 14


def test_the_words_are_the_projects_own_not_the_leaflets() -> None:
    text = page_text(html_of(EASY_READ))

    for leaflet_phrase in [
        "Attend alcohol, drug and solvent free",
        "You must inform your probation officer or the group staff as soon as possible",
        "you will need to do a 'catch up' session before you can carry on with the group",
        "If you are not satisfied with the response you get",
    ]:
        assert leaflet_phrase not in text


@pytest.mark.django_db
def test_easy_read_is_in_larger_type_than_a_letter() -> None:
    points = {
        round(box.style["font_size"] * 72 / 96, 1) for box in laid_out_boxes(html_of(EASY_READ))
    }

    assert min(points) >= 14


@pytest.mark.django_db
def test_large_print_is_at_least_16_point_everywhere() -> None:
    boxes = laid_out_boxes(html_of(LARGE_PRINT))
    points = {round(box.style["font_size"] * 72 / 96, 1) for box in boxes}

    assert min(points) >= 16
    body = [box for box in boxes if "Come on time." in box.text]
    assert body and all(box.style["font_size"] * 72 / 96 >= 18 for box in body)


@pytest.mark.django_db
def test_every_word_of_the_sheet_is_laid_out() -> None:
    text = laid_out_text(html_of(LARGE_PRINT))

    assert "Weekends and bank holidays are not working days." in text
    assert "Sampleton SA1 1AA" in text


def test_an_unknown_version_is_refused() -> None:
    area = _area()
    with pytest.raises(KeyError):
        information_sheet_context(centre=_centre(area), area=area, version="tiny-print")


# The page


@pytest.mark.django_db
@pytest.mark.parametrize("version", [EASY_READ, LARGE_PRINT])
def test_staff_of_the_area_print_the_sheet_as_a_pdf(
    world: World, centre: Office, version: str
) -> None:
    response = client_for(world, "fac.worcester").get(sheet_url(centre, version))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response.content.startswith(b"%PDF")
    assert Letter.objects.count() == 0  # not kept: it is about no one man


@pytest.mark.django_db
def test_an_unknown_version_is_not_found(world: World, centre: Office) -> None:
    response = client_for(world, "om.worcester").get(sheet_url(centre, "tiny-print"))
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_centre_of_another_area_is_not_found(world: World, centre: Office) -> None:
    assert client_for(world, "om.otherarea").get(sheet_url(centre)).status_code == 404


@pytest.mark.django_db
def test_an_unknown_centre_is_not_found(world: World) -> None:
    response = client_for(world, "om.worcester").get(
        "/centres/nowhere/information-sheet/easy-read/"
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_an_office_that_runs_no_groups_has_no_sheet(world: World) -> None:
    office = OfficeFactory.create(area=world.area, slug="back-office", is_group_centre=False)
    assert client_for(world, "om.worcester").get(sheet_url(office)).status_code == 404


@pytest.mark.django_db
def test_a_system_administrator_may_not_print_it(world: World, centre: Office) -> None:
    assert client_for(world, "admin").get(sheet_url(centre)).status_code == 403


@pytest.mark.django_db
def test_the_sheet_is_read_only(world: World, centre: Office) -> None:
    assert client_for(world, "om.worcester").post(sheet_url(centre)).status_code == 405


@pytest.mark.django_db
def test_the_group_page_links_to_both_versions_for_its_centre(world: World) -> None:
    group = world.worcester_group
    group.centre.slug = "worcester-centre"
    group.centre.save()

    page = client_for(world, "pm.westmercia").get(f"/groups/{group.pk}/").content.decode()
    assert 'href="/centres/worcester-centre/information-sheet/easy-read/"' in page
    assert 'href="/centres/worcester-centre/information-sheet/large-print/"' in page


def test_a_sheet_for_a_centre_with_no_phone_sends_questions_to_his_officer() -> None:
    area = _area()
    quiet = Office(area=area, name="Quiet Centre", town="Quietown", is_group_centre=True)
    text = page_text(
        render_letter_html(
            TEMPLATE, information_sheet_context(centre=quiet, area=area, version=EASY_READ)
        )
    )
    assert "Quietown" in text
    assert "Phone:" not in text
    assert "Ask your probation officer." in text
