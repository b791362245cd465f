"""The completion letter to a man, the end-of-programme report for his officer, the service
that keeps both, and the page that writes them."""

from __future__ import annotations

import datetime
import html
from typing import Any

import pytest
from django.utils import timezone

from groupwork.assessment.models import (
    Administration,
    AdministrationStatus,
    InstrumentVersion,
    ScaleScore,
)
from groupwork.attendance.models import CatchUpStatus, Outcome
from groupwork.attendance.tests.factories import AttendanceFactory, CatchUpFactory
from groupwork.audit.models import Action, AuditEvent
from groupwork.casework.models import Assignment, AssignmentMark, AssignmentResult
from groupwork.core.tests.world import World, client_for
from groupwork.groups.tests.factories import SessionFactory
from groupwork.letters.completion import (
    LETTER_TEMPLATE,
    NOT_COMPLETED,
    REPORT_TEMPLATE,
    NotCompletedError,
    completion_facts,
    completion_letter_context,
    end_of_programme_context,
    issue_completion_documents,
)
from groupwork.letters.models import Letter, LetterKind
from groupwork.letters.rendering import render_letter_html
from groupwork.letters.tests.textcheck import body_units, page_text, reading_grade, sentences, words
from groupwork.organisation.models import Area, Office, Role
from groupwork.organisation.tests.factories import UserFactory
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 10)
SUMMARY = "He took a full part.\nHe still finds it hard to ask for help."


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to("2026-12-10 10:00 +0000", tick=False)


def complete(referral: Referral) -> Referral:
    Referral.objects.filter(pk=referral.pk).update(status_id="completed")
    referral.refresh_from_db()
    return referral


def page_url(world: World) -> str:
    return f"/referrals/{world.worcester_referral.pk}/completion-documents/"


def finished_questionnaire(world: World, occasion: str, feelings: float, support: float) -> None:
    administration = Administration.objects.create(
        referral=world.worcester_referral,
        occasion=occasion,
        version=InstrumentVersion.objects.get(instrument__code="demo-coping"),
        started_by=world.users["om.worcester"],
        status=AdministrationStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    for scale, score in [("managing-feelings", feelings), ("support-and-empathy", support)]:
        ScaleScore.objects.create(
            administration=administration, scale=scale, score=score, answered=4
        )


def his_record(world: World) -> None:
    """Three sessions attended, one failed to comply, the world's absence; two catch-ups done
    and the world's still needed; three assignments marked."""
    referral = world.worcester_referral
    facilitator = world.users["fac.worcester"]
    marks = {1: AssignmentResult.ON_TIME, 2: AssignmentResult.ON_TIME, 3: AssignmentResult.NOT_DONE}
    for number, outcome in [
        (1, Outcome.ATTENDED),
        (2, Outcome.ATTENDED),
        (3, Outcome.ATTENDED),
        (4, Outcome.FAILED_TO_COMPLY),
        (5, Outcome.ABSENT_ACCEPTABLE),
    ]:
        session = SessionFactory.create(group=world.worcester_group, number=number)
        AttendanceFactory.create(referral=referral, session=session, outcome=outcome)
        if outcome == Outcome.ABSENT_ACCEPTABLE:
            CatchUpFactory.create(
                referral=referral,
                missed_session=session,
                status=CatchUpStatus.DONE,
                done_on=TODAY,
            )
        if number in marks:
            assignment = Assignment.objects.create(
                session=session,
                title=f"Task {number}",
                instructions="Write.",
                due_on=TODAY,
                set_by=facilitator,
            )
            AssignmentMark.objects.create(
                assignment=assignment,
                referral=referral,
                result=marks[number],
                marked_by=facilitator,
            )


# The letter to him


def letter_context(**changes: Any) -> dict[str, Any]:
    area = Area(name="Example Probation Area", complaints_address="1 Sample Street")
    office = Office(
        area=area, name="Programmes Unit Worcester", town="Worcester", phone="01632 960123"
    )
    values: dict[str, Any] = {
        "man_name": "Adam Archer",
        "man_address": "1 Any Road\nTesttown TT1 1TT",
        "on_licence": False,
        "sentence_end": datetime.date(2027, 5, 3),
        "office": office,
        "area": area,
        "signed_by": "Olive Officer",
        "today": TODAY,
    }
    values.update(changes)
    return completion_letter_context(**values)


def test_the_letter_says_well_done_and_to_keep_meeting_his_officer() -> None:
    text = page_text(render_letter_html(LETTER_TEMPLATE, letter_context()))

    assert "Well done." in text
    assert "You have finished your group." in text
    assert "You must still meet your probation officer." in text
    assert "Your order has not ended yet. It ends on 3 May 2027." in text
    assert "Call Programmes Unit Worcester on 01632 960123." in text


def test_on_a_licence_the_letter_speaks_of_his_licence() -> None:
    text = page_text(render_letter_html(LETTER_TEMPLATE, letter_context(on_licence=True)))

    assert "Your licence has not ended yet." in text
    assert "order" not in text


def test_a_sentence_already_over_gives_no_end_date() -> None:
    context = letter_context(sentence_end=datetime.date(2026, 12, 1))
    assert "It ends on" not in page_text(render_letter_html(LETTER_TEMPLATE, context))


def test_the_letter_is_plain_and_never_names_the_programme() -> None:
    html = render_letter_html(LETTER_TEMPLATE, letter_context())
    body = sentences(body_units(html))

    assert reading_grade(body) <= 4
    assert max(len(words(sentence)) for sentence in body) <= 15
    assert "Sex Offender" not in page_text(html)
    assert "offend" not in page_text(html).lower()


# The report for his officer


def test_the_report_gives_his_attendance_catch_ups_and_assignments(world: World) -> None:
    his_record(world)
    facts = completion_facts(world.worcester_referral.pk)
    context = end_of_programme_context(
        facts, facilitator_summary=SUMMARY, signed_by="Olive Officer", today=TODAY
    )

    attendance = {row["outcome"]: row["count"] for row in context["attendance"]}
    assert attendance["Attended and complied"] == 3
    assert attendance["Attended but failed to comply"] == 1
    assert attendance["Acceptable absence"] == 1
    assert attendance["Unacceptable absence"] == 0
    assert context["sessions_total"] == 5
    assert context["catch_ups"] == {"done": 1, "outstanding": 1}
    assignments = {row["result"]: row["count"] for row in context["assignments"]}
    assert assignments == {"Done on time": 2, "Done late": 0, "Not done": 1}
    assert context["facilitator_summary"] == SUMMARY
    assert context["pathway"]["sessions_required"] > 0
    assert context["pathway"]["modules"][0]["title"]


def test_questionnaire_change_is_not_available_with_fewer_than_two(world: World) -> None:
    finished_questionnaire(world, "pre-programme", 4, 5)
    facts = completion_facts(world.worcester_referral.pk)
    context = end_of_programme_context(
        facts, facilitator_summary=SUMMARY, signed_by="Olive Officer", today=TODAY
    )
    text = page_text(render_letter_html(REPORT_TEMPLATE, context))

    assert context["questionnaires"]["available"] is False
    assert "Not available: he completed 1 questionnaire, and a change needs two." in text


def test_questionnaire_change_is_the_reliable_change_from_first_to_last(world: World) -> None:
    finished_questionnaire(world, "pre-programme", 4, 7)
    finished_questionnaire(world, "post-induction", 6, 7)
    finished_questionnaire(world, "end-of-programme", 10, 8)
    facts = completion_facts(world.worcester_referral.pk)
    context = end_of_programme_context(
        facts, facilitator_summary=SUMMARY, signed_by="Olive Officer", today=TODAY
    )

    rows = {row["scale"]: row for row in context["questionnaires"]["rows"]}
    feelings = rows["Everyday coping (demonstration): Managing feelings"]
    assert feelings["first"] == "4 (Before the programme)"
    assert feelings["latest"] == "10 (End of the programme)"
    # SEm = 2.4 * sqrt(0.22); S_diff = sqrt(2) * SEm = 1.592; RCI = 6 / 1.592 = 3.77.
    assert feelings["result"] == "Reliable Change Index 3.77: improved, and past the cut-off"
    support = rows["Everyday coping (demonstration): Support and empathy"]
    assert support["result"].endswith("no reliable change")
    text = page_text(render_letter_html(REPORT_TEMPLATE, context))
    assert "Reliable Change Index 3.77: improved" in text


def test_the_report_shows_the_summary_as_typed(world: World) -> None:
    facts = completion_facts(world.worcester_referral.pk)
    context = end_of_programme_context(
        facts, facilitator_summary=f"  {SUMMARY}  ", signed_by="Olive Officer", today=TODAY
    )
    text = page_text(render_letter_html(REPORT_TEMPLATE, context))

    assert "He took a full part. He still finds it hard to ask for help." in text
    assert world.worcester_man.full_name in text
    assert world.worcester_man.case_reference in text


# The service


def test_writing_the_documents_keeps_both_and_audits_them(world: World) -> None:
    referral = complete(world.worcester_referral)
    officer = world.users["om.worcester"]

    letter, report = issue_completion_documents(
        acting_user=officer, referral=referral, facilitator_summary=SUMMARY
    )

    assert (letter.kind, report.kind) == (LetterKind.COMPLETION, LetterKind.END_OF_PROGRAMME_REPORT)
    for kept in (letter, report):
        assert bytes(kept.pdf).startswith(b"%PDF")
        assert kept.created_by == officer
        assert kept.referral == referral
    events = AuditEvent.objects.filter(action=Action.LETTER_WRITTEN).order_by("pk")
    assert [event.new_values["kind"] for event in events] == ["completion", "end_of_programme"]
    assert {event.participant_id for event in events} == {world.worcester_man.pk}
    assert {event.subject_id for event in events} == {str(letter.pk), str(report.pk)}


def test_the_documents_wait_for_the_referral_to_be_completed(world: World) -> None:
    with pytest.raises(NotCompletedError):
        issue_completion_documents(
            acting_user=world.users["om.worcester"],
            referral=world.worcester_referral,
            facilitator_summary=SUMMARY,
        )
    assert Letter.objects.count() == 0
    assert not AuditEvent.objects.filter(action=Action.LETTER_WRITTEN).exists()


# The page


def test_the_officer_writes_both_documents_from_the_form(world: World) -> None:
    complete(world.worcester_referral)
    client = client_for(world, "om.worcester")

    form = client.get(page_url(world))
    assert form.status_code == 200
    assert "The facilitators' summary" in html.unescape(form.content.decode())
    response = client.post(page_url(world), {"facilitator_summary": SUMMARY})

    assert response.status_code == 302
    assert response["Location"] == f"/participants/{world.worcester_man.pk}/"
    kinds = set(Letter.objects.values_list("kind", flat=True))
    assert kinds == {LetterKind.COMPLETION, LetterKind.END_OF_PROGRAMME_REPORT}
    record = client.get(response["Location"]).content.decode()
    assert "The completion letter and the end-of-programme report are written." in record
    assert "End-of-programme report" in record


def test_the_programme_manager_may_write_them_too(world: World) -> None:
    complete(world.worcester_referral)
    response = client_for(world, "pm.westmercia").post(
        page_url(world), {"facilitator_summary": SUMMARY}
    )
    assert response.status_code == 302
    assert Letter.objects.count() == 2


def test_the_summary_is_required(world: World) -> None:
    complete(world.worcester_referral)
    response = client_for(world, "om.worcester").post(page_url(world), {"facilitator_summary": ""})

    assert response.status_code == 200
    assert response.context["errors"] == [
        ("id_facilitator_summary", "Enter the facilitators' summary")
    ]
    assert Letter.objects.count() == 0


def test_before_completion_the_page_explains_and_refuses_to_write(world: World) -> None:
    client = client_for(world, "om.worcester")

    page = client.get(page_url(world)).content.decode()
    assert "You can write these only when his referral's status is Completed." in page
    assert "<textarea" not in page
    response = client.post(page_url(world), {"facilitator_summary": SUMMARY})

    assert response.status_code == 200
    assert response.context["errors"] == [("", NOT_COMPLETED)]
    assert "There is a problem" in response.content.decode()
    assert Letter.objects.count() == 0


def test_the_page_is_for_his_officer_and_the_programme_manager(world: World) -> None:
    complete(world.worcester_referral)
    for persona in ["fac.worcester", "spo.worcester", "chief.westmercia"]:
        response = client_for(world, persona).post(page_url(world), {"facilitator_summary": "x"})
        assert response.status_code == 403, persona
    assert Letter.objects.count() == 0


def test_an_officer_who_cannot_see_him_gets_not_found(world: World) -> None:
    complete(world.worcester_referral)
    for persona in ["om.telford", "om.otherarea"]:
        assert client_for(world, persona).get(page_url(world)).status_code == 404, persona


def test_an_unknown_referral_is_not_found(world: World) -> None:
    url = "/referrals/00000000-0000-0000-0000-000000000000/completion-documents/"
    assert client_for(world, "om.worcester").get(url).status_code == 404


def test_the_wrong_method_is_refused(world: World) -> None:
    assert client_for(world, "om.worcester").put(page_url(world)).status_code == 405


def test_opening_the_page_is_audited(world: World) -> None:
    client_for(world, "om.worcester").get(page_url(world))
    event = AuditEvent.objects.get(action=Action.PARTICIPANT_VIEWED)
    assert event.participant_id == world.worcester_man.pk
    assert event.actor == world.users["om.worcester"]


def test_his_record_links_to_the_page_once_he_has_completed(world: World) -> None:
    client = client_for(world, "om.worcester")
    record = f"/participants/{world.worcester_man.pk}/"
    assert page_url(world) not in client.get(record).content.decode()

    complete(world.worcester_referral)
    assert page_url(world) in client.get(record).content.decode()
    assert page_url(world) not in client_for(world, "fac.worcester").get(record).content.decode()


def test_an_officer_with_no_office_is_told_why_nothing_was_written(world: World) -> None:
    officer = UserFactory.create(role=Role.OFFENDER_MANAGER, area=world.area)
    referral = complete(
        ReferralFactory.create(
            participant__area=world.area, responsible_officer=officer, status_id="completed"
        )
    )
    response = client_for(world, "pm.westmercia").post(
        f"/referrals/{referral.pk}/completion-documents/", {"facilitator_summary": SUMMARY}
    )

    assert response.status_code == 200
    assert response.context["errors"] == [
        (
            "id_facilitator_summary",
            "His officer has no office to write from. Ask an administrator to set one.",
        )
    ]
    assert Letter.objects.count() == 0
