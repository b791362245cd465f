"""Giving questionnaires: part-way saves, scoring, the kiosk lock, risk and pathway."""

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from groupwork.assessment import services
from groupwork.assessment.instrument import parse_instrument, score, shipped_instrument_file
from groupwork.assessment.models import Administration, InstrumentVersion, ScaleScore
from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World, client_for

pytestmark = pytest.mark.django_db
ALL_A_LOT: dict[int, int | None] = {n: 3 for n in range(1, 9)}
# Every answer at the struggling end, reverse-keyed items included: each scale scores 0.
STRUGGLING: dict[int, int | None] = {1: 0, 2: 3, 3: 0, 4: 3, 5: 0, 6: 3, 7: 0, 8: 3}
RISK_INPUTS = {
    "age_at_commencement_of_risk": 30,
    "sexual_appearances": 1,
    "criminal_appearances": 2,
    "male_victim": False,
    "stranger_victim": False,
    "single": False,
    "non_contact": False,
}


def demo() -> InstrumentVersion:
    return InstrumentVersion.objects.get(instrument__code="demo-coping")


def finish(
    world: World, answers: dict[int, int | None], occasion: str = "pre-programme"
) -> Administration:
    officer = world.users["om.worcester"]
    administration = services.start_administration(
        acting_user=officer,
        referral=world.worcester_referral,
        occasion=occasion,
        version=demo(),
        mode="staff",
    )
    services.save_answers(acting_user=officer, administration=administration, answers=answers)
    return services.complete_administration(acting_user=officer, administration=administration)


def test_reverse_keyed_items_count_from_the_other_end() -> None:
    instrument = parse_instrument(json.loads(shipped_instrument_file("demo-coping").read_text()))
    results = {r.scale.code: r.score for r in score(instrument, ALL_A_LOT)}
    # Items 2, 4, 6 and 8 are reverse keyed: 3 counts as 0. Each scale: 3 + 0 + 3 + 0 = 6.
    assert results == {"managing-feelings": 6.0, "support-and-empathy": 6.0}


def test_a_missing_answer_is_prorated_and_two_leave_the_scale_unscored() -> None:
    instrument = parse_instrument(json.loads(shipped_instrument_file("demo-coping").read_text()))
    answers: dict[int, int | None] = {1: 3, 2: 0, 3: 3, 4: None, 5: 3, 6: None, 7: None, 8: 0}
    results = {r.scale.code: r.score for r in score(instrument, answers)}
    assert results == {"managing-feelings": 12.0, "support-and-empathy": None}


def test_a_sitting_is_saved_part_way_and_resumed(world: World) -> None:
    officer = world.users["om.worcester"]
    administration = services.start_administration(
        acting_user=officer,
        referral=world.worcester_referral,
        occasion="post-induction",
        version=demo(),
        mode="paper",
    )
    services.save_answers(acting_user=officer, administration=administration, answers={1: 2})
    again = services.start_administration(
        acting_user=officer,
        referral=world.worcester_referral,
        occasion="post-induction",
        version=demo(),
        mode="paper",
    )
    assert again == administration
    assert again.answers_by_item() == {1: 2}


def test_finishing_stores_scores_with_the_version_and_locks_the_answers(world: World) -> None:
    administration = finish(world, ALL_A_LOT)
    scores = {s.scale: (s.score, s.shows_need) for s in administration.scores.all()}
    # 6 is the cut-off; a need shows below it, so 6 is not a need.
    assert scores == {"managing-feelings": (6.0, False), "support-and-empathy": (6.0, False)}
    assert administration.version == demo()
    with pytest.raises(ValidationError, match="finished"):
        services.save_answers(
            acting_user=world.users["om.worcester"], administration=administration, answers={1: 0}
        )
    assert AuditEvent.objects.filter(action=Action.QUESTIONNAIRE_COMPLETED).exists()


def test_an_answer_off_the_scale_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="Question 1 has no answer 7"):
        services.save_answers(
            acting_user=world.users["om.worcester"],
            administration=world.worcester_administration,
            answers={1: 7},
        )


def test_assistance_is_recorded_from_the_page(world: World) -> None:
    client = client_for(world, "om.worcester")
    url = f"/questionnaires/{world.worcester_administration.pk}/"
    data: dict[str, Any] = {f"item_{n}": "2" for n in range(1, 9)}
    data.update(
        {
            "assistance": ["read_aloud", "scribed"],
            "assisted_by": str(world.users["fac.worcester"].pk),
        }
    )
    assert client.post(url, {**data, "action": "finish"}).status_code == 302
    world.worcester_administration.refresh_from_db()
    assert world.worcester_administration.assistance == ["read_aloud", "scribed"]
    assert world.worcester_administration.assisted_by == world.users["fac.worcester"]
    assert world.worcester_administration.is_completed


def test_the_kiosk_refuses_every_other_page_until_staff_sign_in(world: World) -> None:
    client = client_for(world, "fac.worcester")
    opened = client.post(f"/questionnaires/{world.worcester_administration.pk}/kiosk/")
    assert opened["Location"] == "/kiosk/"
    assert AuditEvent.objects.filter(action=Action.KIOSK_OPENED).exists()
    for url in [
        "/",
        "/participants/",
        f"/participants/{world.worcester_man.pk}/",
        "/audit/",
        "/admin/",
        "/groups/",
    ]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "being used for a questionnaire" in response.content.decode()
    assert client.post("/sign-out/").status_code == 403
    assert client.get("/kiosk/").status_code == 200
    wrong = client.post("/kiosk/close/", {"username": "fac.worcester", "password": "wrong"})
    assert "Enter a correct staff username and password" in wrong.content.decode()
    assert client.get("/participants/").status_code == 403
    closed = client.post(
        "/kiosk/close/", {"username": "fac.worcester", "password": "test-password-123"}
    )
    assert closed.status_code == 302
    assert client.get("/participants/").status_code == 200
    assert AuditEvent.objects.filter(action=Action.KIOSK_CLOSED).exists()


def test_the_kiosk_asks_one_question_a_screen_and_saves_each_answer(world: World) -> None:
    client = client_for(world, "fac.worcester")
    client.post(f"/questionnaires/{world.worcester_administration.pk}/kiosk/")
    first = client.get("/kiosk/")
    assert first.context["position"] == 1
    assert first.context["item"].number == 1
    response = client.post("/kiosk/?question=1", {"answer": "3", "action": "next"})
    assert response["Location"] == "/kiosk/?question=2"
    assert world.worcester_administration.answers_by_item() == {1: 3}
    for number in range(2, 9):
        response = client.post(f"/kiosk/?question={number}", {"answer": "1", "action": "next"})
    assert "You have answered every question" in response.content.decode()
    client.post("/kiosk/", {"action": "finish"})
    world.worcester_administration.refresh_from_db()
    assert world.worcester_administration.is_completed
    assert ScaleScore.objects.filter(administration=world.worcester_administration).count() == 2


def test_risk_is_recorded_with_its_inputs_and_scorer(world: World) -> None:
    risk = services.record_risk_score(
        acting_user=world.users["om.worcester"],
        referral=world.worcester_referral,
        inputs=RISK_INPUTS,
    )
    assert (risk.step1_points, risk.category) == (1, "medium")
    assert risk.scored_by == world.users["om.worcester"]
    with pytest.raises(ValidationError) as refused:
        services.record_risk_score(
            acting_user=world.users["om.worcester"],
            referral=world.worcester_referral,
            inputs={**RISK_INPUTS, "age_at_commencement_of_risk": 16},
        )
    assert "age_at_commencement_of_risk" in refused.value.message_dict


def test_the_pathway_follows_risk_and_need_and_a_manager_may_override(world: World) -> None:
    services.record_risk_score(
        acting_user=world.users["om.worcester"],
        referral=world.worcester_referral,
        inputs=RISK_INPUTS,
    )
    with pytest.raises(ValidationError, match="finished questionnaire"):
        services.propose_pathway(world.worcester_referral)
    finish(world, STRUGGLING)  # below the cut-offs: a need
    proposal = services.propose_pathway(world.worcester_referral)
    assert (proposal["risk_category"], proposal["need"], proposal["pathway"]) == (
        "medium",
        "high",
        "higher",
    )
    with pytest.raises(ValidationError, match="Only a programme manager"):
        services.decide_pathway(
            acting_user=world.users["om.worcester"],
            referral=world.worcester_referral,
            pathway="medium",
        )
    with pytest.raises(ValidationError):
        services.decide_pathway(
            acting_user=world.users["pm.westmercia"],
            referral=world.worcester_referral,
            pathway="medium",
        )
    decision = services.decide_pathway(
        acting_user=world.users["pm.westmercia"],
        referral=world.worcester_referral,
        pathway="medium",
        reason="Strong progress in custody programme",
    )
    assert decision.overridden
    world.worcester_referral.refresh_from_db()
    assert world.worcester_referral.pathway == "medium"
    event = AuditEvent.objects.get(action=Action.PATHWAY_DECIDED)
    assert event.new_values == {"pathway": "medium", "proposed": "higher", "overridden": True}


def test_the_record_shows_scores_and_change_across_occasions(world: World) -> None:
    finish(world, STRUGGLING)
    thriving: dict[int, int | None] = {1: 3, 2: 0, 3: 3, 4: 0, 5: 3, 6: 0, 7: 3, 8: 0}
    finish(world, thriving, occasion="end-of-programme")
    response = client_for(world, "om.worcester").get(f"/participants/{world.worcester_man.pk}/")
    body = response.content.decode()
    assert "Change across occasions" in body
    assert "<svg" in body
    # Managing feelings from 0 to 12 with SD 2.4, r .78:
    # RCI = 12 / (2.4 * sqrt(2 * (1 - 0.78))) = 12 / 1.592 = 7.54, past the cut-off of 6.
    assert "Reliable Change Index 7.54: improved, and past the cut-off" in body
    assert "Before the programme" in body and "End of the programme" in body


def test_the_instrument_loader_refuses_a_bad_file_naming_the_field(
    world: World, tmp_path: Any
) -> None:
    from django.core.management import CommandError, call_command  # noqa: PLC0415

    data = json.loads(shipped_instrument_file("demo-coping").read_text())
    data["scales"][0]["items"] = [1, 99]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(CommandError, match=r"scales.0.items: no items numbered \[99\]"):
        call_command("load_instrument", str(bad))
    assert InstrumentVersion.objects.filter(instrument__code="demo-coping").count() == 1
