from typing import Any

import pytest

from groupwork.attendance.tests.coverage import cover_pathway
from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World, client_for
from groupwork.participants.models import Participant
from groupwork.referrals.models import Referral, StatusChange

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    """Dates in the form are checked against today."""
    time_machine.move_to("2026-11-26 10:00 +0000", tick=False)


def referral_data(**changes: str) -> dict[str, str]:
    data = {
        "man-first_name": "Kevin",
        "man-last_name": "Hartley",
        "man-date_of_birth_day": "14",
        "man-date_of_birth_month": "3",
        "man-date_of_birth_year": "1979",
        "man-case_reference": "wm12345",
        "man-available_daytime": "on",
        "referral-programme": "",
        "referral-offence_category": "contact",
        "man-sex": "male",
        "referral-report_type": "pre_sentence",
        "referral-report_date_day": "2",
        "referral-report_date_month": "11",
        "referral-report_date_year": "2026",
        "referral-report_author": "J. Smith",
        "referral-sentence_type": "community_order",
        "referral-sentence_start_day": "16",
        "referral-sentence_start_month": "11",
        "referral-sentence_start_year": "2026",
        "referral-sentence_end_day": "15",
        "referral-sentence_end_month": "11",
        "referral-sentence_end_year": "2028",
    }
    data.update(changes)
    return data


def programme_id() -> str:
    from groupwork.programmes.models import Programme  # noqa: PLC0415

    return str(Programme.objects.get(code="csogp").pk)


def test_an_officer_refers_a_new_man_to_their_own_caseload(world: World) -> None:
    client = client_for(world, "om.worcester")
    response = client.post(
        "/referrals/new/", referral_data(**{"referral-programme": programme_id()})
    )
    assert response.status_code == 302
    referral = Referral.objects.get(participant__case_reference="WM12345")
    assert referral.responsible_officer == world.users["om.worcester"]
    assert referral.status_id == "received"
    assert referral.participant.area == world.area
    assert referral.area == world.area  # the area's lists find it by its own column
    assert response["Location"] == f"/participants/{referral.participant_id}/"
    assert StatusChange.objects.get(referral=referral).to_status_id == "received"
    event = AuditEvent.objects.get(action=Action.REFERRAL_CREATED)
    assert event.participant == referral.participant
    assert event.new_values["case_reference"] == "WM12345"
    caseload = client.get("/participants/")
    assert referral.participant in caseload.context["page"].object_list


def test_an_officer_cannot_refer_to_another_officers_caseload(world: World) -> None:
    client = client_for(world, "om.worcester")
    data = referral_data(
        **{
            "referral-programme": programme_id(),
            "referral-responsible_officer": str(world.users["om.telford"].pk),
        }
    )
    assert client.post("/referrals/new/", data).status_code == 302
    referral = Referral.objects.get(participant__case_reference="WM12345")
    assert referral.responsible_officer == world.users["om.worcester"]


def test_a_programme_manager_chooses_the_officer_from_their_area(world: World) -> None:
    client = client_for(world, "pm.westmercia")
    other_area_officer = referral_data(
        **{
            "referral-programme": programme_id(),
            "referral-responsible_officer": str(world.users["om.otherarea"].pk),
        }
    )
    response = client.post("/referrals/new/", other_area_officer)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    own_area_officer = {
        **other_area_officer,
        "referral-responsible_officer": str(world.users["om.telford"].pk),
    }
    assert client.post("/referrals/new/", own_area_officer).status_code == 302
    referral = Referral.objects.get(participant__case_reference="WM12345")
    assert referral.responsible_officer == world.users["om.telford"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"man-date_of_birth_day": "31", "man-date_of_birth_month": "2"},
            "Date of birth must be a real date",
        ),
        ({"man-date_of_birth_year": ""}, "Date of birth must include a year"),
        ({"man-date_of_birth_year": "2027"}, "Date of birth must be in the past"),
        ({"man-first_name": ""}, "Enter his first name"),
        ({"referral-report_date_year": "2027"}, "Date of the report must be today or in the past"),
        ({"referral-sentence_end_year": "2025"}, "Sentence end date must be after the start date"),
        ({"referral-report_type": ""}, "Select the report that made the referral"),
    ],
)
def test_bad_input_shows_a_clear_error_and_saves_nothing(
    world: World, changes: dict[str, str], message: str
) -> None:
    client = client_for(world, "om.worcester")
    data = referral_data(**{"referral-programme": programme_id(), **changes})
    response = client.post("/referrals/new/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert response.context["has_errors"]
    assert not Participant.objects.filter(case_reference="WM12345").exists()
    assert not AuditEvent.objects.filter(action=Action.REFERRAL_CREATED).exists()


def test_a_case_reference_already_in_the_area_is_refused(world: World) -> None:
    client = client_for(world, "om.worcester")
    data = referral_data(
        **{
            "referral-programme": programme_id(),
            "man-case_reference": world.telford_man.case_reference,
        }
    )
    response = client.post("/referrals/new/", data)
    assert "already on Groupwork" in response.content.decode()
    assert Participant.objects.filter(case_reference=world.telford_man.case_reference).count() == 1


def test_editing_a_referral_audits_the_change(world: World) -> None:
    client = client_for(world, "om.worcester")
    referral = world.worcester_referral
    data = {
        "programme": programme_id(),
        "offence_category": "contact",
        "report_type": referral.report_type,
        "report_date_day": "1",
        "report_date_month": "6",
        "report_date_year": "2026",
        "report_author": "B. Author",
        "sentence_type": referral.sentence_type,
        "sentence_start_day": "15",
        "sentence_start_month": "6",
        "sentence_start_year": "2026",
        "sentence_end_day": "14",
        "sentence_end_month": "6",
        "sentence_end_year": "2028",
    }
    response = client.post(f"/referrals/{referral.pk}/edit/", data)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.report_author == "B. Author"
    event = AuditEvent.objects.get(action=Action.REFERRAL_CHANGED)
    assert event.old_values == {"report_author": "A. Writer"}
    assert event.new_values == {"report_author": "B. Author"}


def test_status_change_page_offers_only_allowed_statuses(world: World) -> None:
    client = client_for(world, "om.worcester")
    response = client.get(f"/referrals/{world.worcester_referral.pk}/status/")
    offered = {status.pk for status in response.context["form"].fields["to_status"].queryset}
    assert offered == {"completed", "ended_early"}


def test_status_change_needs_a_reason_when_ending_early(world: World) -> None:
    client = client_for(world, "om.worcester")
    url = f"/referrals/{world.worcester_referral.pk}/status/"
    response = client.post(url, {"to_status": "ended_early"})
    assert "Select why the referral is ended early" in response.content.decode()
    world.worcester_referral.refresh_from_db()
    assert world.worcester_referral.status_id == "on_programme"


def test_status_change_moves_the_referral(world: World) -> None:
    cover_pathway(world.worcester_referral, recorded_by=world.users["fac.worcester"])
    client = client_for(world, "om.worcester")
    url = f"/referrals/{world.worcester_referral.pk}/status/"
    response = client.post(url, {"to_status": "completed", "note": "All sessions done."})
    assert response.status_code == 302
    world.worcester_referral.refresh_from_db()
    assert world.worcester_referral.status_id == "completed"
    record = client.get(f"/participants/{world.worcester_man.pk}/").content.decode()
    assert "All sessions done." in record


def test_a_status_not_allowed_from_here_is_refused(world: World) -> None:
    client = client_for(world, "om.worcester")
    url = f"/referrals/{world.worcester_referral.pk}/status/"
    response = client.post(url, {"to_status": "received"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_read_only_roles_cannot_change_a_referral(world: World) -> None:
    for persona in ["fac.worcester", "spo.worcester", "chief.westmercia", "admin"]:
        client = client_for(world, persona)
        url = f"/referrals/{world.worcester_referral.pk}/status/"
        assert client.post(url, {"to_status": "completed"}).status_code == 403
    world.worcester_referral.refresh_from_db()
    assert world.worcester_referral.status_id == "on_programme"


def test_another_officers_referral_is_not_found(world: World) -> None:
    client = client_for(world, "om.telford")
    url = f"/referrals/{world.worcester_referral.pk}/status/"
    assert client.post(url, {"to_status": "completed"}).status_code == 404
    assert client.get(f"/referrals/{world.worcester_referral.pk}/edit/").status_code == 404


def test_unknown_referral_is_not_found(world: World) -> None:
    client = client_for(world, "pm.westmercia")
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"/referrals/{missing}/status/").status_code == 404


def test_wrong_method_is_refused(world: World) -> None:
    client = client_for(world, "om.worcester")
    assert client.delete(f"/referrals/{world.worcester_referral.pk}/status/").status_code == 405
    assert client.put("/referrals/new/").status_code == 405


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"man-sex": "female"}, "Community Sex Offender Groupwork Programme is for male"),
        ({"man-date_of_birth_year": "2010"}, "He must be 18 or over to be referred"),
        ({"referral-offence_category": "burglary"}, "Select a valid choice"),
    ],
)
def test_a_man_the_programme_is_not_for_is_refused_with_the_reason(
    world: World, changes: dict[str, str], message: str
) -> None:
    client = client_for(world, "om.worcester")
    data = referral_data(**{"referral-programme": programme_id(), **changes})
    response = client.post("/referrals/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Participant.objects.filter(case_reference="WM12345").exists()


def test_a_man_turning_eighteen_today_may_be_referred(world: World) -> None:
    client = client_for(world, "om.worcester")
    data = referral_data(
        **{
            "referral-programme": programme_id(),
            "man-date_of_birth_day": "26",
            "man-date_of_birth_month": "11",
            "man-date_of_birth_year": "2008",
        }
    )
    assert client.post("/referrals/new/", data).status_code == 302
