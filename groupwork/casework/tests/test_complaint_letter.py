"""The answer to a complaint: what it tells him at each stage, how plainly, and that it is a
PDF on A4."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from groupwork.casework.models import ComplaintOutcome
from groupwork.letters.complaints import (
    TEMPLATE,
    complaint_response_context,
    complaint_response_for,
    load_stage,
)
from groupwork.letters.rendering import render_letter, render_letter_html
from groupwork.letters.tests.textcheck import (
    body_units,
    laid_out_text,
    page_text,
    pdf_structure,
    reading_grade,
    sentences,
    words,
)
from groupwork.organisation.models import Area, Office
from groupwork.organisation.tests.factories import AreaFactory, OfficeFactory

TODAY = datetime.date(2026, 12, 10)
COMPLAINTS = "The Chief Officer\nExample Probation Area\n1 Sample Street\nSampleton SA1 1AA"
RESPONSE = "We are sorry you had to wait.\nWe will call you if your session starts late."


@pytest.fixture
def area() -> Area:
    return AreaFactory.create(
        name="Example Area", slug="example-area", complaints_address=COMPLAINTS
    )


@pytest.fixture
def office(area: Area) -> Office:
    return OfficeFactory.create(
        area=area,
        name="Programmes Unit Worcester",
        address="2 Sample Lane\nWorcester WR8 8ZZ",
        phone="01000 000111",
    )


def context(
    area: Area, office: Office, stage: int, outcome: str = ComplaintOutcome.NOT_UPHELD
) -> dict[str, Any]:
    return complaint_response_context(
        man_name="Sam Example",
        man_address="10 Nowhere Close\nTesttown TT1 1TT",
        stage_number=stage,
        outcome=outcome,
        response=RESPONSE,
        received_on=datetime.date(2026, 11, 2),
        office=office,
        area=area,
        signed_by="Alex Sample",
        signed_as="Chief Officer" if stage == 3 else "Manager",  # noqa: PLR2004
        today=TODAY,
    )


def text_of(area: Area, office: Office, stage: int, **extra: Any) -> str:
    return page_text(render_letter_html(TEMPLATE, context(area, office, stage, **extra)))


@pytest.mark.django_db
@pytest.mark.parametrize("stage", [1, 2, 3])
def test_the_letter_is_a_pdf_on_a4(area: Area, office: Office, stage: int) -> None:
    letter = render_letter(TEMPLATE, context(area, office, stage))

    assert letter.pdf.startswith(b"%PDF")
    assert 1 <= letter.pages <= 2
    structure = pdf_structure(letter.pdf)
    for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", structure):
        x0, y0, width, height = (float(number) for number in box.split())
        assert (x0, y0, round(width), round(height)) == (0, 0, 595, 842)


@pytest.mark.django_db
def test_the_letter_says_we_looked_what_we_found_and_what_we_will_do(
    area: Area, office: Office
) -> None:
    text = text_of(area, office, 1, outcome=ComplaintOutcome.UPHELD)

    assert "Our answer to your complaint" in text
    assert "You made a complaint to us on 2 November 2026." in text
    assert "We looked at your complaint with care." in text
    assert "We agree with your complaint." in text
    assert "We are sorry you had to wait." in text
    assert "We will call you if your session starts late." in text
    assert "Call Programmes Unit Worcester on 01000 000111." in text
    assert "Dear Sam Example," in text
    assert "10 Nowhere Close Testtown TT1 1TT" in text
    assert "10 December 2026" in text
    assert "Alex Sample Manager Programmes Unit Worcester" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("outcome", "words_said"),
    [
        (ComplaintOutcome.UPHELD, "We agree with your complaint. You were right to tell us."),
        (
            ComplaintOutcome.PARTLY_UPHELD,
            "We agree with part of your complaint. We do not agree with all of it.",
        ),
        (
            ComplaintOutcome.NOT_UPHELD,
            "We do not agree with your complaint. We think you were treated fairly.",
        ),
    ],
)
def test_the_finding_is_said_in_plain_words(
    area: Area, office: Office, outcome: str, words_said: str
) -> None:
    text = text_of(area, office, 1, outcome=outcome)
    assert words_said in text
    assert "upheld" not in text.lower()


@pytest.mark.django_db
def test_stage_1_says_he_can_ask_a_manager(area: Area, office: Office) -> None:
    text = text_of(area, office, 1)
    assert "You can ask a manager to look at it again." in text
    assert "Chief Officer" not in text
    assert "Ombudsman" not in text


@pytest.mark.django_db
def test_stage_2_says_he_can_write_to_the_chief_officer(area: Area, office: Office) -> None:
    text = text_of(area, office, 2)
    assert "A manager looked at your complaint again." in text
    assert "You can write to the Chief Officer." in text
    assert " ".join(COMPLAINTS.split()) in text
    assert "Ombudsman" not in text


@pytest.mark.django_db
def test_stage_3_is_the_final_answer_and_names_the_ombudsman(area: Area, office: Office) -> None:
    text = text_of(area, office, 3)
    assert "The Chief Officer looked at your complaint." in text
    assert "This is our last answer. It comes from the Chief Officer." in text
    assert "Prisons and Probation Ombudsman" in text
    assert "www.ppo.gov.uk" in text
    assert "Alex Sample Chief Officer" in text
    assert "ask a manager" not in text


@pytest.mark.django_db
def test_what_the_pdf_draws_holds_the_answer_and_the_address(area: Area, office: Office) -> None:
    text = laid_out_text(render_letter_html(TEMPLATE, context(area, office, 2)))
    assert "We do not agree with your complaint." in text
    assert "We will call you if your session starts late." in text
    assert "1 Sample Street" in text


@pytest.mark.django_db
@pytest.mark.parametrize("stage", [1, 2, 3])
def test_the_body_reads_at_about_age_nine_in_short_sentences(
    area: Area, office: Office, stage: int
) -> None:
    """Flesch-Kincaid grade 4 or below (a US fourth-grader is nine or ten), sentences of 15
    words at most, and few long words."""
    units = body_units(render_letter_html(TEMPLATE, context(area, office, stage)))
    body = sentences(units)
    lengths = [len(words(sentence)) for sentence in body]

    assert reading_grade(body) <= 4
    assert max(lengths) <= 15, body[lengths.index(max(lengths))]
    assert sum(lengths) / len(lengths) <= 10
    all_words = words(" ".join(units))
    long_words = [word for word in all_words if len(word) > 10]
    assert len(long_words) / len(all_words) < 0.03, long_words


@pytest.mark.django_db
def test_a_bad_stage_or_outcome_is_refused(area: Area, office: Office) -> None:
    with pytest.raises(ValueError, match="stages 1 to 3"):
        context(area, office, 4)
    with pytest.raises(ValueError, match="Not a complaint outcome"):
        context(area, office, 1, outcome="maybe")


@pytest.mark.django_db
def test_a_stage_is_gathered_in_one_query(world: Any, django_assert_num_queries: Any) -> None:
    first = world.worcester_complaint.stages.get()
    first.outcome = ComplaintOutcome.UPHELD
    first.response = "We will find you a new time."
    first.save()
    with django_assert_num_queries(1):
        loaded = load_stage(first.pk)
        facts = complaint_response_for(loaded, today=TODAY)
    assert facts["recipient"]["name"] == world.worcester_man.full_name
    assert facts["sender"]["name"] == "Programmes Unit Worcester"
    assert facts["signed_as"] == "Probation officer"
    assert facts["what_we_will_do"] == ["We will find you a new time."]
