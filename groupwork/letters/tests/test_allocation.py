"""The allocation letter: what it tells a man, how plainly, and that it prints on A4."""

from __future__ import annotations

import datetime
import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from groupwork.groups.models import Group, Session, SessionKind, SessionStatus, Weekday
from groupwork.groups.tests.factories import GroupFactory, MembershipFactory, SessionFactory
from groupwork.letters.allocation import (
    TEMPLATE,
    allocation_letter_context,
    allocation_letter_for_membership,
    allocation_letter_pdf,
)
from groupwork.letters.rendering import render_letter, render_letter_html
from groupwork.letters.tests.textcheck import (
    body_units,
    laid_out_boxes,
    laid_out_text,
    page_text,
    pdf_structure,
    reading_grade,
    sentences,
    words,
)
from groupwork.organisation.models import Area, Office
from groupwork.organisation.tests.factories import AreaFactory, OfficeFactory, UserFactory
from groupwork.participants.tests.factories import ParticipantFactory
from groupwork.referrals.tests.factories import ReferralFactory

TODAY = datetime.date(2026, 8, 3)
BLOCK_MONDAY = datetime.date(2026, 9, 7)
COMPLAINTS = "The Chief Officer\nExample Probation Area\n1 Sample Street\nSampleton SA1 1AA"
CENTRE_ADDRESS = "Unit 4, Fictional Road\nWorcester WR9 9ZZ"
BLOCK_HOURS = (datetime.time(9, 30), datetime.time(16, 0))


def _group(area: Area, *, module: str = "induction", pattern: str = "half-days") -> Group:
    centre = OfficeFactory.create(
        area=area, name="Worcester Group Centre", town="Worcester", address=CENTRE_ADDRESS
    )
    return GroupFactory.create(
        area=area,
        centre=centre,
        module=module,
        pattern=pattern,
        weekday=Weekday.MONDAY,
        start_date=BLOCK_MONDAY,
    )


def _sessions(
    group: Group,
    *,
    block_days: int = 5,
    weekly: int = 2,
    times: tuple[datetime.time, datetime.time] | None = None,
) -> list[Session]:
    sessions = [
        SessionFactory.create(
            group=group,
            number=day + 1,
            kind=SessionKind.BLOCK,
            date=BLOCK_MONDAY + datetime.timedelta(days=day),
            starts=BLOCK_HOURS[0],
            ends=BLOCK_HOURS[1],
        )
        for day in range(block_days)
    ]
    starts, ends = times or (datetime.time(9, 30), datetime.time(12, 30))
    first_weekly = BLOCK_MONDAY + datetime.timedelta(weeks=1 if block_days else 0)
    sessions += [
        SessionFactory.create(
            group=group,
            number=block_days + week + 1,
            kind=SessionKind.WEEKLY,
            date=first_weekly + datetime.timedelta(weeks=week),
            starts=starts,
            ends=ends,
        )
        for week in range(weekly)
    ]
    return sessions


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
        town="Worcester",
        address="2 Sample Lane\nWorcester WR8 8ZZ",
        phone="01000 000111",
        is_group_centre=False,
    )


def _context(area: Area, office: Office, group: Group, sessions: list[Session]) -> dict[str, Any]:
    return allocation_letter_context(
        man_name="Test Man",
        man_address="10 Nowhere Close\nTesttown TT1 1TT",
        group=group,
        first_sessions=sessions[:6],
        definition=group.definition,
        office=office,
        area=area,
        today=TODAY,
    )


@pytest.fixture
def allocation(area: Area, office: Office) -> dict[str, Any]:
    group = _group(area)
    return _context(area, office, group, _sessions(group))


@pytest.mark.django_db
def test_the_letter_is_a_pdf_of_at_most_two_a4_pages(allocation: dict[str, Any]) -> None:
    letter = render_letter(TEMPLATE, allocation)

    assert letter.pdf.startswith(b"%PDF-")
    assert letter.pdf.rstrip().endswith(b"%%EOF")
    assert 1 <= letter.pages <= 2
    structure = pdf_structure(letter.pdf)
    page_counts = re.findall(rb"/Type\s*/Pages\b.*?/Count\s+(\d+)", structure, re.DOTALL)
    assert [int(count) for count in page_counts] == [letter.pages]
    media_boxes = re.findall(rb"/MediaBox\s*\[([^\]]*)\]", structure)
    assert len(media_boxes) == letter.pages
    for box in media_boxes:  # A4 is 595.28 x 841.89 points
        x0, y0, width, height = (float(number) for number in box.split())
        assert (x0, y0, round(width), round(height)) == (0, 0, 595, 842)


@pytest.mark.django_db
def test_the_letter_says_where_when_the_rules_and_how_to_complain(
    allocation: dict[str, Any],
) -> None:
    text = page_text(render_letter_html(TEMPLATE, allocation))

    assert "Go to Worcester Group Centre." in text
    assert "Unit 4, Fictional Road Worcester WR9 9ZZ" in text
    for day in (7, 8, 9, 10, 11):
        weekday = datetime.date(2026, 9, day).strftime("%A")
        assert f"{weekday} {day} September 2026, from 9:30am to 4pm" in text
    assert "You come on Mondays, from 9:30am to 12:30pm. This goes on for 10 weeks." in text
    assert "Your first weekly session is on Monday 14 September 2026." in text
    for rule in allocation["rules"]:
        assert rule in text
    assert "Come on time." in text
    assert "Tell your probation officer or the group staff as soon as you can." in text
    assert "within five working days" in text
    assert "Call Programmes Unit Worcester on 01000 000111." in text
    assert "talk to their manager" in text
    assert "write to the Chief Officer" in text
    assert " ".join(COMPLAINTS.split()) in text
    # Letterhead, address block, date.
    assert "Example Area" in text
    assert "10 Nowhere Close Testtown TT1 1TT" in text
    assert "3 August 2026" in text


@pytest.mark.django_db
def test_what_the_pdf_draws_holds_the_centre_dates_rules_and_complaints_address(
    allocation: dict[str, Any],
) -> None:
    text = laid_out_text(render_letter_html(TEMPLATE, allocation))

    assert "Worcester Group Centre" in text
    assert "Monday 7 September 2026" in text
    for rule in allocation["rules"]:
        assert rule in text
    assert "1 Sample Street" in text
    assert "Sampleton SA1 1AA" in text


@pytest.mark.django_db
def test_every_letter_of_text_is_at_least_12_point(allocation: dict[str, Any]) -> None:
    boxes = laid_out_boxes(render_letter_html(TEMPLATE, allocation))

    points = {box.style["font_size"] * 72 / 96 for box in boxes}  # CSS px to pt
    assert boxes
    assert min(points) >= 12


@pytest.mark.django_db
def test_the_body_is_written_in_short_sentences(allocation: dict[str, Any]) -> None:
    body = sentences(body_units(render_letter_html(TEMPLATE, allocation)))
    lengths = [len(words(sentence)) for sentence in body]

    assert len(body) > 20
    assert sum(lengths) / len(lengths) <= 12
    longest = max(zip(lengths, body, strict=True))
    assert longest[0] <= 15, longest[1]


@pytest.mark.django_db
def test_the_body_reads_at_about_age_nine(allocation: dict[str, Any]) -> None:
    """Flesch-Kincaid grade 4 or below: a US fourth-grader is nine or ten."""
    body = sentences(body_units(render_letter_html(TEMPLATE, allocation)))

    assert reading_grade(body) <= 4


@pytest.mark.django_db
def test_the_body_uses_mostly_short_words(allocation: dict[str, Any]) -> None:
    """Long words (more than three syllables' worth of letters) are few; names of places
    and of the programme are most of them."""
    body = " ".join(body_units(render_letter_html(TEMPLATE, allocation)))
    all_words = words(body)
    long_words = [word for word in all_words if len(word) > 10]

    assert len(long_words) / len(all_words) < 0.03, long_words


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> Any:
        attempts.append(args)
        raise OSError("network use in a letter test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield attempts


@pytest.mark.django_db
def test_rendering_makes_no_network_request(
    allocation: dict[str, Any], no_network: list[object]
) -> None:
    letter = render_letter(TEMPLATE, allocation)

    assert letter.pdf.startswith(b"%PDF")
    assert no_network == []


@pytest.mark.django_db
def test_an_evening_group_is_told_the_block_week_is_in_the_day(area: Area, office: Office) -> None:
    group = _group(area, pattern="evenings")
    sessions = _sessions(group, times=(datetime.time(18, 0), datetime.time(20, 30)))
    text = page_text(render_letter_html(TEMPLATE, _context(area, office, group, sessions)))

    assert "The block week is in the day, not the evening." in text
    assert "You come on Mondays, from 6pm to 8:30pm." in text


@pytest.mark.django_db
def test_a_module_without_a_block_week_starts_with_the_weekly_meetings(
    area: Area, office: Office
) -> None:
    group = _group(area, module="relapse-prevention")
    sessions = _sessions(group, block_days=0)
    text = page_text(render_letter_html(TEMPLATE, _context(area, office, group, sessions)))

    assert "block week" not in text
    assert "You come once a week." in text
    assert "Your first session is on Monday 7 September 2026." in text


@pytest.mark.django_db
def test_a_cancelled_session_is_not_listed(area: Area, office: Office) -> None:
    group = _group(area)
    sessions = _sessions(group)
    sessions[2].status = SessionStatus.CANCELLED

    text = page_text(render_letter_html(TEMPLATE, _context(area, office, group, sessions)))

    assert "Wednesday 9 September 2026" not in text
    assert "Tuesday 8 September 2026" in text


@pytest.mark.django_db
def test_no_phone_number_means_ask_the_probation_officer(area: Area) -> None:
    group = _group(area)
    silent = OfficeFactory.create(area=area, name="Quiet Office", phone="")
    text = page_text(render_letter_html(TEMPLATE, _context(area, silent, group, _sessions(group))))

    assert "Do you have a question? Ask your probation officer." in text


@pytest.mark.django_db
def test_a_membership_letter_is_gathered_in_two_queries(
    area: Area, office: Office, django_assert_num_queries: Any
) -> None:
    group = _group(area)
    _sessions(group, weekly=10)
    participant = ParticipantFactory.create(
        area=area,
        first_name="Sample",
        last_name="Person",
        address="7 Example Street\nTesttown",
        postcode="TT2 2TT",
    )
    officer = UserFactory.create(area=area, office=office)
    membership = MembershipFactory.create(
        group=group,
        referral=ReferralFactory.create(participant=participant, responsible_officer=officer),
    )

    with django_assert_num_queries(2):
        context = allocation_letter_for_membership(membership.pk, today=TODAY)

    assert context["recipient"] == {
        "name": "Sample Person",
        "address_lines": ["7 Example Street", "Testtown", "TT2 2TT"],
    }
    assert len(context["block_sessions"]) == 5
    assert context["first_weekly"]["date"] == "Monday 14 September 2026"
    assert context["contact"]["phone"] == "01000 000111"
    assert allocation_letter_pdf(membership.pk, today=TODAY).startswith(b"%PDF")


@pytest.mark.django_db
def test_an_officer_without_an_office_sends_from_the_centre(area: Area) -> None:
    group = _group(area)
    _sessions(group)
    officer = UserFactory.create(area=area, office=None)
    membership = MembershipFactory.create(
        group=group,
        referral=ReferralFactory.create(
            participant=ParticipantFactory.create(area=area), responsible_officer=officer
        ),
    )

    context = allocation_letter_for_membership(membership.pk, today=TODAY)

    assert context["sender"]["name"] == "Worcester Group Centre"
