"""Enforcement letters: the warning in plain words, and the breach and recall reports with the
order, the failures, the warnings and the attendance record."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from groupwork.attendance.models import Failure, Outcome
from groupwork.attendance.tests.factories import AttendanceFactory
from groupwork.enforcement.models import ActionTaken, Advice, EnforcementItem
from groupwork.enforcement.tests.factories import EnforcementItemFactory
from groupwork.groups.tests.factories import GroupFactory, SessionFactory
from groupwork.letters.enforcement import (
    BREACH_TEMPLATE,
    RECALL_TEMPLATE,
    WARNING_TEMPLATE,
    court_report_context,
    court_report_facts,
    court_report_pdf,
    warning_letter_for_item,
    warning_letter_pdf,
    what_he_did,
)
from groupwork.letters.rendering import render_letter_html
from groupwork.letters.tests.textcheck import (
    body_units,
    laid_out_text,
    page_text,
    reading_grade,
    sentences,
    words,
)
from groupwork.organisation.models import Office, Role, User
from groupwork.organisation.tests.factories import AreaFactory, OfficeFactory, UserFactory
from groupwork.referrals.models import Referral, SentenceType
from groupwork.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 14)
FIRST = datetime.date(2026, 11, 2)  # the first weekly session: 2, 9, 16, 23, 30 November


@pytest.fixture
def office() -> Office:
    area = AreaFactory.create(name="Example Area", slug="example-area")
    return OfficeFactory.create(
        area=area,
        name="Programmes Unit Worcester",
        address="2 Sample Lane\nWorcester WR8 8ZZ",
        phone="01000 000111",
    )


@pytest.fixture
def officer(office: Office) -> User:
    officer: User = UserFactory.create(
        role=Role.OFFENDER_MANAGER,
        area=office.area,
        office=office,
        first_name="Pat",
        last_name="Officer",
    )
    return officer


def referral_for(officer: User, **extra: Any) -> Referral:
    values: dict[str, Any] = {
        "participant__area": officer.area,
        "participant__first_name": "Test",
        "participant__last_name": "Man",
        "participant__case_reference": "WM10001",
        "participant__address": "10 Nowhere Close\nTesttown",
        "participant__postcode": "TT1 1TT",
        "responsible_officer": officer,
        "status_id": "on_programme",
    }
    referral: Referral = ReferralFactory.create(**{**values, **extra})
    return referral


@pytest.fixture
def referral(officer: User) -> Referral:
    return referral_for(officer)


def absent_item(referral: Referral) -> EnforcementItem:
    group = GroupFactory.create(area=referral.participant.area)
    session = SessionFactory.create(group=group, number=6, date=datetime.date(2026, 12, 7))
    attendance = AttendanceFactory.create(
        session=session, referral=referral, outcome=Outcome.ABSENT_UNACCEPTABLE
    )
    item: EnforcementItem = EnforcementItemFactory.create(
        referral=referral, attendance=attendance, failure_date=session.date
    )
    return item


def warning_html(item: EnforcementItem, signed_by: User) -> str:
    return render_letter_html(
        WARNING_TEMPLATE, warning_letter_for_item(item.pk, signed_by=signed_by, today=TODAY)
    )


def test_the_failure_is_told_to_him_in_plain_words(referral: Referral) -> None:
    absent = absent_item(referral)
    session = SessionFactory.create(number=7, date=datetime.date(2026, 12, 14))
    came = AttendanceFactory.create(
        session=session,
        referral=referral,
        outcome=Outcome.FAILED_TO_COMPLY,
        failures=[Failure.LATE, Failure.UNDER_THE_INFLUENCE],
        minutes_late=25,
    )
    failed = EnforcementItemFactory.create(
        referral=referral, attendance=came, failure_date=session.date
    )
    no_register = EnforcementItemFactory.create(referral=referral, attendance=None)

    assert what_he_did(absent) == [
        "You did not come to your group on Monday 7 December 2026.",
        "You did not have a good reason.",
    ]
    assert what_he_did(failed) == [
        "You came to your group on Monday 14 December 2026.",
        "But you came too late and had been drinking or taking drugs.",
    ]
    assert (
        what_he_did(no_register)[0] == "You did not come to your group on Monday 7 December 2026."
    )


def test_the_warning_says_what_he_did_that_it_is_not_acceptable_and_what_comes_next(
    referral: Referral, officer: User
) -> None:
    text = page_text(warning_html(absent_item(referral), officer))

    assert "This letter is a warning." in text
    assert "You did not come to your group on Monday 7 December 2026." in text
    assert "This is not acceptable." in text
    assert "If you fail again in the next 12 months, you may have to go back to court." in text
    assert "Call Programmes Unit Worcester on 01000 000111." in text
    assert "Pat Officer" in text
    assert "10 Nowhere Close Testtown TT1 1TT" in text
    assert "14 December 2026" in text


def test_the_warning_does_not_say_what_the_programme_is_for(
    referral: Referral, officer: User
) -> None:
    text = page_text(warning_html(absent_item(referral), officer)).lower()

    assert referral.programme.name.lower() not in text
    for word in ("sex", "offence", "offending", "offender", "abuse", "programme"):
        assert word not in words(text), word


def test_a_warning_on_licence_says_prison_not_court(officer: User) -> None:
    licence = referral_for(officer, sentence_type=SentenceType.LICENCE)
    item = EnforcementItemFactory.create(referral=licence, advice=Advice.RECALL_REVIEW)

    text = page_text(warning_html(item, officer))

    assert "you may be sent back to prison." in text
    assert "court" not in text
    assert "keep to the rules of your licence" in text


def test_without_a_phone_number_he_asks_his_officer(referral: Referral, officer: User) -> None:
    assert officer.office is not None
    Office.objects.filter(pk=officer.office.pk).update(phone="")

    text = page_text(warning_html(absent_item(referral), officer))

    assert "Ask your probation officer." in text


def test_the_warning_reads_at_about_age_nine(referral: Referral, officer: User) -> None:
    body = sentences(body_units(warning_html(absent_item(referral), officer)))
    lengths = [len(words(sentence)) for sentence in body]

    assert sum(lengths) / len(lengths) <= 10
    assert max(lengths) <= 20
    assert reading_grade(body) <= 4


def test_the_warning_pdf_draws_the_plain_words(referral: Referral, officer: User) -> None:
    item = absent_item(referral)

    pdf = warning_letter_pdf(item.pk, signed_by=officer, today=TODAY)
    drawn = laid_out_text(warning_html(item, officer))

    assert pdf.startswith(b"%PDF")
    assert "You did not come to your group on Monday 7 December 2026." in drawn
    assert "you may have to go back to court" in drawn


def test_the_warning_is_gathered_in_one_query(
    referral: Referral, officer: User, django_assert_num_queries: Any
) -> None:
    item = absent_item(referral)

    with django_assert_num_queries(1):
        warning_letter_for_item(item.pk, signed_by=officer, today=TODAY)


@pytest.fixture
def history(referral: Referral, officer: User) -> dict[str, EnforcementItem]:
    """Five weekly sessions: attended, a failure he was warned for, attended, an absence
    excused, an absence nobody acted on; then the absence being referred now."""
    group = GroupFactory.create(area=referral.participant.area)
    outcomes = [
        (Outcome.ATTENDED, []),
        (Outcome.FAILED_TO_COMPLY, [Failure.DISRUPTIVE]),
        (Outcome.ATTENDED, []),
        (Outcome.ABSENT_UNACCEPTABLE, []),
        (Outcome.ABSENT_UNACCEPTABLE, []),
        (Outcome.ABSENT_UNACCEPTABLE, []),
    ]
    attendances = [
        AttendanceFactory.create(
            session=SessionFactory.create(
                group=group, number=week + 1, date=FIRST + datetime.timedelta(weeks=week)
            ),
            referral=referral,
            outcome=outcome,
            failures=failures,
        )
        for week, (outcome, failures) in enumerate(outcomes)
    ]

    def item(index: int, **extra: Any) -> EnforcementItem:
        day = attendances[index].session.date
        made: EnforcementItem = EnforcementItemFactory.create(
            referral=referral,
            attendance=attendances[index],
            failure_date=day,
            failure=f"Failure at session {index + 1} on {day:%-d %B %Y}",
            **extra,
        )
        return made

    return {
        "warned": item(1, action_taken=ActionTaken.WARNING, action_on=datetime.date(2026, 11, 12)),
        "excused": item(3, action_taken=ActionTaken.NO_ACTION, action_on=FIRST.replace(day=25)),
        "unacted": item(4),
        "now": item(
            5,
            advice=Advice.REFER_FOR_BREACH,
            action_taken=ActionTaken.BREACH,
            action_on=TODAY,
            reason="Warned in November; missed again.",
        ),
    }


def breach_html(item: EnforcementItem, *, recall: bool = False) -> str:
    context = court_report_context(
        court_report_facts(item.pk), recall=recall, signed_by="Pat Officer", today=TODAY
    )
    return render_letter_html(RECALL_TEMPLATE if recall else BREACH_TEMPLATE, context)


def test_the_breach_report_gives_the_orders_details(
    referral: Referral, history: dict[str, EnforcementItem]
) -> None:
    text = page_text(breach_html(history["now"]))

    assert "Breach report" in text
    assert "Test Man" in text
    assert "WM10001" in text
    assert "17 May 1980" in text
    assert "Community order with an accredited programme requirement" in text
    assert "Start date 15 June 2026" in text
    assert "End date 14 June 2028" in text
    assert referral.programme.name in text
    assert "Responsible officer Pat Officer, Programmes Unit Worcester" in text


def test_the_breach_report_lists_every_attendance(history: dict[str, EnforcementItem]) -> None:
    text = page_text(breach_html(history["now"]))

    assert "2 November 2026 1 Attended and complied" in text
    assert "9 November 2026 2 Attended but failed to comply: Disruptive" in text
    assert "16 November 2026 3 Attended and complied" in text
    assert "23 November 2026 4 Unacceptable absence" in text
    assert "30 November 2026 5 Unacceptable absence" in text
    assert "7 December 2026 6 Unacceptable absence" in text


def test_the_breach_report_lists_the_warnings_and_the_failures(
    history: dict[str, EnforcementItem],
) -> None:
    context = court_report_context(
        court_report_facts(history["now"].pk), recall=False, signed_by="Pat Officer", today=TODAY
    )
    text = page_text(render_letter_html(BREACH_TEMPLATE, context))

    assert context["warnings"] == [
        {
            "on": "12 November 2026",
            "failure": "Failure at session 2 on 9 November 2026",
            "failure_date": "9 November 2026",
        }
    ]
    assert "12 November 2026 9 November 2026 Failure at session 2 on 9 November 2026" in text
    # The failure nobody acted on and this one; not the excused one nor the one warned for.
    assert [failure["failure"] for failure in context["failures"]] == [
        "Failure at session 5 on 30 November 2026",
        "Failure at session 6 on 7 December 2026",
    ]
    assert "30 November 2026 Failure at session 5 on 30 November 2026 Not yet acted on" in text
    assert "Referred to court for breach, on 14 December 2026." in text
    assert "Reason: Warned in November; missed again." in text


def test_the_breach_report_is_gathered_in_two_queries(
    history: dict[str, EnforcementItem], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        facts = court_report_facts(history["now"].pk)
    with django_assert_num_queries(0):
        court_report_context(facts, recall=False, signed_by="Pat Officer", today=TODAY)


def test_an_unknown_item_has_no_report() -> None:
    with pytest.raises(EnforcementItem.DoesNotExist):
        court_report_facts(999_999)


def test_the_recall_report_is_headed_as_a_draft_for_recall_review(officer: User) -> None:
    licence = referral_for(officer, sentence_type=SentenceType.LICENCE)
    item = EnforcementItemFactory.create(
        referral=licence,
        advice=Advice.RECALL_REVIEW,
        action_taken=ActionTaken.RECALL,
        action_on=TODAY,
    )

    text = page_text(breach_html(item, recall=True))

    assert "Recall report (draft)" in text
    assert "DRAFT for recall review." in text
    assert "Licence with a programme condition" in text
    assert "The licence" in text


def test_the_reports_are_pdfs(history: dict[str, EnforcementItem], officer: User) -> None:
    for recall in (False, True):
        pdf = court_report_pdf(history["now"].pk, recall=recall, signed_by=officer, today=TODAY)
        assert pdf.startswith(b"%PDF")
    drawn = laid_out_text(breach_html(history["now"]))
    assert "Attended but failed to comply: Disruptive" in drawn
