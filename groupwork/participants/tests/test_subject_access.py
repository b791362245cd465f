"""Subject access: one man's export holds his whole record and no other man's name."""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import pytest
from django.template.loader import render_to_string

from groupwork.assessment.models import PathwayDecision
from groupwork.attendance.models import Attendance, Outcome, Register
from groupwork.attendance.tests.factories import AttendanceFactory
from groupwork.audit.models import Action, AuditEvent
from groupwork.casework.models import Incident, IncidentKind
from groupwork.core.tests.world import World, client_for
from groupwork.groups.tests.factories import MembershipFactory
from groupwork.letters.models import Letter, LetterKind
from groupwork.notifications.models import Channel, Message
from groupwork.participants.models import Participant
from groupwork.participants.subject_access import (
    REMOVED,
    SUMMARY_TEMPLATE,
    NameScrubber,
    build_export,
    gather,
    letter_files,
    scrubber_for,
    summary_context,
)
from groupwork.referrals.models import Referral, StatusChange
from groupwork.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

HIS_NOTE = "Arrived with Darren Hollis and sat apart from kyle ASHDOWN; Parr-Whitley was calm."
REGISTER_NOTE = "The session note about the whole group: Lee talked over Craig."


# --- the scrubber -----------------------------------------------------------------------------


def test_the_scrubber_replaces_whole_names_and_their_parts_ignoring_case() -> None:
    scrubber = NameScrubber(["Darren", "Hollis", "Darren Hollis", "Lee Parr-Whitley"])
    assert scrubber.text("Darren Hollis said so.") == f"{REMOVED} said so."
    assert scrubber.text("HOLLIS and darren") == f"{REMOVED} and {REMOVED}"
    assert scrubber.text("Parr-Whitley, then Whitley, then Parr") == ", then ".join([REMOVED] * 3)
    assert scrubber.text("Leeds and Hollisdale are places") == "Leeds and Hollisdale are places"


def test_the_scrubber_keeps_his_own_names() -> None:
    scrubber = NameScrubber(["Craig", "Dunmore", "Craig Dunmore"], keep=["Craig", "Bennett"])
    assert scrubber.text("Craig Bennett sat by Craig Dunmore") == (
        f"Craig Bennett sat by {REMOVED}"
    )


def test_the_scrubber_walks_nested_data_and_leaves_staff_names_alone() -> None:
    scrubber = NameScrubber(["Hollis"])
    data = {"note": "Hollis", "by": "Ann Hollis", "items": [{"text": "hollis"}], "n": 3}
    assert scrubber.data(data) == {
        "note": REMOVED,
        "by": "Ann Hollis",
        "items": [{"text": REMOVED}],
        "n": 3,
    }


def test_a_scrubber_with_no_names_changes_nothing() -> None:
    assert NameScrubber([]).text("Anything at all") == "Anything at all"


# --- a group of several men -------------------------------------------------------------------


@dataclass
class Group:
    him: Participant
    others: list[Participant]
    referral: Referral


@pytest.fixture
def group(world: World) -> Group:
    """worcester_man, renamed Craig Bennett, in a group with four other men whose names the
    staff wrote into his record: one shares his first name."""
    him = world.worcester_man
    him.first_name, him.last_name = "Craig", "Bennett"
    him.save(update_fields=["first_name", "last_name"])
    others = []
    for first, last in [
        ("Darren", "Hollis"),
        ("Kyle", "Ashdown"),
        ("Lee", "Parr-Whitley"),
        ("Craig", "Dunmore"),
    ]:
        referral = ReferralFactory.create(
            participant__area=world.area,
            participant__first_name=first,
            participant__last_name=last,
            responsible_officer=world.users["om.worcester"],
            status_id="on_programme",
        )
        MembershipFactory.create(group=world.worcester_group, referral=referral)
        AttendanceFactory.create(
            session=world.worcester_session,
            referral=referral,
            note=f"{first} {last} was on time.",
            recorded_by=world.users["fac.worcester"],
        )
        others.append(referral.participant)
    fill_his_record(world, names=" and ".join(f"{p.first_name} {p.last_name}" for p in others))
    return Group(him=him, others=others, referral=world.worcester_referral)


def fill_his_record(world: World, *, names: str) -> None:
    """Free text in every kind of his record, each naming the other men."""
    referral, session, users = world.worcester_referral, world.worcester_session, world.users
    Register.objects.create(session=session, note=REGISTER_NOTE, taken_by=users["fac.worcester"])
    AttendanceFactory.create(
        session=session,
        referral=referral,
        outcome=Outcome.ATTENDED,
        note=HIS_NOTE,
        recorded_by=users["fac.worcester"],
    )
    StatusChange.objects.create(
        referral=referral,
        to_status_id="on_programme",
        note=f"Started with {names}.",
        changed_by=users["pm.westmercia"],
    )
    PathwayDecision.objects.create(
        referral=referral,
        pathway="standard",
        proposed_pathway="standard",
        risk_category="medium",
        need="low",
        basis={"note": f"Compared with {names}"},
        reason=f"Same as {names}.",
        decided_by=users["om.worcester"],
    )
    world.worcester_absence.details = f"He said he was with {names}."
    world.worcester_absence.save(update_fields=["details"])
    world.worcester_catch_up.note = f"Catch up alongside {names}."
    world.worcester_catch_up.save(update_fields=["note"])
    world.worcester_enforcement.reason = f"Not like {names}."
    world.worcester_enforcement.save(update_fields=["reason"])
    world.worcester_one_to_one.notes = f"Talked about {names}."
    world.worcester_one_to_one.save(update_fields=["notes"])
    world.worcester_incident.description = f"Craig Bennett and {names} laughed at a remark."
    world.worcester_incident.how_challenged = f"Challenged him and {names} at once."
    world.worcester_incident.save(update_fields=["description", "how_challenged"])
    world.worcester_complaint.summary = f"He says staff favour {names}."
    world.worcester_complaint.save(update_fields=["summary"])
    stage = world.worcester_complaint.stages.get()
    stage.response = f"We looked at how {names} were treated."
    stage.letter = letter(world, LetterKind.COMPLAINT_RESPONSE)
    stage.save(update_fields=["response", "letter"])
    letter(world, LetterKind.ALLOCATION)
    letter(world, LetterKind.END_OF_PROGRAMME_REPORT)
    Message.objects.create(
        participant=world.worcester_man,
        channel=Channel.TEXT,
        to="07700900123",
        kind="session_reminder",
        key="reminder-1",
        body=f"Reminder: tomorrow 9:30. {names} too.",
        next_attempt_at=datetime.datetime(2026, 12, 6, 9, tzinfo=datetime.UTC),
    )


def letter(world: World, kind: LetterKind) -> Letter:
    return Letter.objects.create(
        referral=world.worcester_referral,
        kind=kind,
        pdf=f"%PDF-1.7 {kind}".encode(),
        created_by=world.users["pm.westmercia"],
    )


def other_names(group: Group) -> set[str]:
    """Every name of every other man of the area, in whole and in parts."""
    names = set()
    for man in Participant.objects.filter(area=group.him.area).exclude(pk=group.him.pk):
        names |= {man.first_name, man.last_name, *man.last_name.split("-")}
    return names - {"Craig"}  # his own first name too: it stays


def assert_no_other_man_named(text: str, group: Group) -> None:
    # As a whole word: a random token on the page may hold "lee" inside it.
    for name in other_names(group):
        assert not re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE), name


def export_files(group: Group, world: World) -> dict[str, bytes]:
    export = build_export(
        participant=group.him,
        made_by=world.users["pm.westmercia"],
        now=datetime.datetime(2026, 12, 8, 10, tzinfo=datetime.UTC),
    )
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_export_names_no_other_man_of_his_group(group: Group, world: World) -> None:
    files = export_files(group, world)
    for name in ["README.txt", "data.json"]:
        assert_no_other_man_named(files[name].decode(), group)
    # The PDF is laid out from this HTML, made from the same data.
    summary = render_to_string(
        SUMMARY_TEMPLATE, summary_context(json.loads(files["data.json"]), [])
    )
    assert_no_other_man_named(summary, group)
    assert files["summary.pdf"].startswith(b"%PDF")


def test_the_export_holds_his_record(group: Group, world: World) -> None:
    files = export_files(group, world)
    data = json.loads(files["data.json"])
    assert data["details"]["first_name"] == "Craig"
    assert data["details"]["last_name"] == "Bennett"
    [referral] = data["referrals"]
    [mark] = referral["attendance"]
    assert mark["note"] == (
        f"Arrived with {REMOVED} and sat apart from {REMOVED}; {REMOVED} was calm."
    )
    assert mark["outcome"] == "Attended and complied"
    assert [place["group"] for place in referral["group_places"]] == ["Worcester group"]
    assert referral["status_changes"][0]["by"] == world.users["pm.westmercia"].get_full_name()
    for section in [
        "absences",
        "catch_ups",
        "enforcement",
        "one_to_ones",
        "incidents",
        "complaints",
        "pathway_decisions",
        "questionnaires",
    ]:
        assert len(referral[section]) == 1, section
    [complaint] = referral["complaints"]
    four_removed = " and ".join([REMOVED] * 4)  # "Craig Dunmore" goes whole, "Craig" and all
    assert complaint["stages"][0]["response"] == f"We looked at how {four_removed} were treated."
    [incident] = referral["incidents"]
    assert incident["description"].startswith("Left out")
    assert incident["kind"] == IncidentKind.SEXISM.label
    assert data["messages_sent_to_him"][0]["kind"] == "session_reminder"
    assert data["audit_log"] == []


def test_the_export_leaves_out_the_register_note_and_other_mens_marks(
    group: Group, world: World
) -> None:
    text = export_files(group, world)["data.json"].decode()
    assert "session note about the whole group" not in text
    assert "was on time" not in text  # the other men's own attendance notes


def test_letters_that_may_name_another_man_are_withheld(group: Group, world: World) -> None:
    files = export_files(group, world)
    letters = sorted(name for name in files if name.startswith("letters/"))
    assert len(letters) == 1
    assert "-allocation-" in letters[0]
    assert files[letters[0]] == b"%PDF-1.7 allocation"
    readme = files["README.txt"].decode()
    assert "end_of_programme" in readme and "complaint_response" in readme
    listed = json.loads(files["data.json"])["referrals"][0]["letters"]
    assert sorted(bool(entry["withheld"]) for entry in listed) == [False, True, True]


def test_a_complaint_answer_naming_nobody_else_is_included(group: Group, world: World) -> None:
    stage = world.worcester_complaint.stages.get()
    stage.response = "We will talk to the staff."
    stage.save(update_fields=["response"])
    ids = [world.worcester_referral.pk]
    kinds = {
        f.letter.kind for f in letter_files(ids, scrubber_for(group.him)) if not f.withheld_because
    }
    assert kinds == {LetterKind.ALLOCATION, LetterKind.COMPLAINT_RESPONSE}


def test_gathering_takes_a_fixed_number_of_queries(
    group: Group, world: World, django_assert_max_num_queries: Any
) -> None:
    letters = letter_files([world.worcester_referral.pk], scrubber_for(group.him))
    with django_assert_max_num_queries(26):
        gather(group.him, letters)
    AttendanceFactory.create_batch(
        5, referral=world.worcester_referral, recorded_by=world.users["fac.worcester"]
    )
    with django_assert_max_num_queries(26):
        gather(group.him, letters)


# --- the page ---------------------------------------------------------------------------------


def url(participant: Participant) -> str:
    return f"/participants/{participant.pk}/subject-access/"


def test_the_page_explains_the_export_and_lists_letters_to_read(group: Group, world: World) -> None:
    response = client_for(world, "pm.westmercia").get(url(group.him))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Download his data (ZIP)" in page
    assert "Letters to read before you send it" in page
    assert_no_other_man_named(page, group)


def test_downloading_sends_the_zip_and_is_audited(group: Group, world: World) -> None:
    response = client_for(world, "chief.westmercia").post(url(group.him))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="subject-access-{group.him.case_reference}-'
    )
    assert response["Cache-Control"] == "no-store"
    assert zipfile.ZipFile(io.BytesIO(response.content)).testzip() is None
    event = AuditEvent.objects.get(action=Action.SUBJECT_ACCESS_EXPORTED)
    assert event.participant == group.him
    assert event.actor == world.users["chief.westmercia"]
    assert event.detail["letters_included"] == 1
    assert len(event.detail["letters_withheld"]) == 2


def test_his_own_officer_may_not_export(world: World) -> None:
    assert client_for(world, "om.worcester").post(url(world.worcester_man)).status_code == 403
    assert not AuditEvent.objects.filter(action=Action.SUBJECT_ACCESS_EXPORTED).exists()


def test_a_restricted_case_not_naming_the_manager_is_not_found(world: World) -> None:
    world.worcester_man.restricted_to.add(world.users["chief.westmercia"])
    client = client_for(world, "pm.westmercia")
    assert client.get(url(world.worcester_man)).status_code == 404
    assert client.post(url(world.worcester_man)).status_code == 404
    assert client_for(world, "chief.westmercia").get(url(world.worcester_man)).status_code == 200


def test_another_areas_man_and_an_unknown_id_are_not_found(world: World) -> None:
    client = client_for(world, "pm.westmercia")
    assert client.get(url(world.other_area_man)).status_code == 404
    unknown = "/participants/00000000-0000-0000-0000-000000000000/subject-access/"
    assert client.get(unknown).status_code == 404


def test_the_wrong_method_is_refused(world: World) -> None:
    response = client_for(world, "pm.westmercia").put(url(world.worcester_man))
    assert response.status_code == 405


def test_staff_named_in_one_of_his_complaints_may_not_export(world: World) -> None:
    world.worcester_complaint.named_staff.add(world.users["pm.westmercia"])
    client = client_for(world, "pm.westmercia")
    page = client.get(url(world.worcester_man)).content.decode()
    assert "One of his complaints names you" in page
    assert "Download his data" not in page
    assert client.post(url(world.worcester_man)).status_code == 403


def test_the_record_page_links_to_the_export_for_managers_only(world: World) -> None:
    record = f"/participants/{world.worcester_man.pk}/"
    for persona, shown in [
        ("pm.westmercia", True),
        ("chief.westmercia", True),
        ("om.worcester", False),
    ]:
        page = client_for(world, persona).get(record).content.decode()
        assert (url(world.worcester_man) in page) is shown, persona


def test_attendance_of_another_man_is_never_gathered(group: Group, world: World) -> None:
    data = gather(group.him, [])
    marks = data["referrals"][0]["attendance"]
    assert len(marks) == 1
    assert Attendance.objects.filter(session=world.worcester_session).count() == 5


def test_incidents_name_him_only(group: Group, world: World) -> None:
    """An incident involving him and another man is given once, about him."""
    other = Referral.objects.get(participant=group.others[0])
    incident: Incident = world.worcester_incident
    incident.men.add(other)
    data = gather(group.him, [])
    assert len(data["referrals"][0]["incidents"]) == 1
