"""Loading instruments; giving, answering and scoring questionnaires; risk; pathways."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from groupwork.assessment.instrument import parse_instrument, score
from groupwork.assessment.models import (
    Administration,
    AdministrationStatus,
    Answer,
    Instrument,
    InstrumentVersion,
    Mode,
    PathwayDecision,
    RiskScore,
    ScaleScore,
)
from groupwork.assessment.risk import Rm2000InputError, score_rm2000_from_mapping
from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.core.versioning import store_version
from groupwork.organisation.models import Role, User
from groupwork.referrals.models import Referral

PRE_PROGRAMME = "before_start"


def load_instrument(
    *, acting_user: User | None, data: dict[str, Any]
) -> tuple[InstrumentVersion, bool]:
    """Check an instrument and store it as its next version; the same content stores nothing."""
    parsed = parse_instrument(data)
    return store_version(
        acting_user=acting_user,
        owner_model=Instrument,
        version_model=InstrumentVersion,
        owner_field="instrument",
        code=parsed.code,
        name=parsed.name,
        data=data,
        action=Action.INSTRUMENT_LOADED,
    )


def occasion_codes(referral: Referral) -> dict[str, str]:
    """The programme's questionnaire occasions, code to label."""
    occasions = referral.programme.current_version().parsed.raw["questionnaire_occasions"]
    return {occasion["code"]: occasion["label"] for occasion in occasions}


def start_administration(
    *, acting_user: User, referral: Referral, occasion: str, version: InstrumentVersion, mode: str
) -> Administration:
    """A new sitting, or the one already started for this occasion and questionnaire."""
    if occasion not in occasion_codes(referral):
        raise ValidationError({"occasion": "Select an occasion of this programme."})
    with transaction.atomic():
        existing = Administration.objects.filter(
            referral=referral,
            occasion=occasion,
            version__instrument=version.instrument,
            status=AdministrationStatus.IN_PROGRESS,
        ).first()
        if existing is not None:
            return existing
        administration = Administration.objects.create(
            referral=referral, occasion=occasion, version=version, mode=mode, started_by=acting_user
        )
        record_event(
            acting_user=acting_user,
            action=Action.QUESTIONNAIRE_STARTED,
            subject=administration,
            participant=referral.participant,
            new_values={"instrument": str(version), "occasion": occasion, "mode": mode},
        )
    return administration


def save_answers(
    *,
    acting_user: User,
    administration: Administration,
    answers: dict[int, int | None],
    assistance: list[str] | None = None,
    assisted_by: User | None = None,
) -> Administration:
    """Keep answers as they come, so a sitting can stop and carry on later."""
    instrument = administration.version.parsed
    allowed = {value for value, _ in instrument.responses}
    numbers = {item.number for item in instrument.items}
    for item, value in answers.items():
        if item not in numbers or (value is not None and value not in allowed):
            raise ValidationError(f"Question {item} has no answer {value}.")
    with transaction.atomic():
        locked = Administration.objects.select_for_update().get(pk=administration.pk)
        if locked.is_completed:
            raise ValidationError("This questionnaire is finished: its answers cannot change.")
        for item, value in answers.items():
            Answer.objects.update_or_create(
                administration=locked, item=item, defaults={"value": value}
            )
        changed = []
        if assistance is not None:
            locked.assistance, locked.assisted_by = assistance, assisted_by
            changed = ["assistance", "assisted_by"]
            locked.save(update_fields=changed)
        record_event(
            acting_user=acting_user,
            action=Action.QUESTIONNAIRE_ANSWERED,
            subject=locked,
            participant=locked.referral.participant,
            new_values={
                "questions": sorted(answers),
                **({"assistance": assistance} if changed else {}),
            },
        )
    return locked


def open_kiosk(*, acting_user: User, administration: Administration) -> Administration:
    """Mark the sitting as answered on a centre device; the caller locks the session to it."""
    with transaction.atomic():
        locked = Administration.objects.select_for_update().get(pk=administration.pk)
        if locked.is_completed:
            raise ValidationError("This questionnaire is already finished.")
        if locked.mode != Mode.KIOSK:
            locked.mode = Mode.KIOSK
            locked.save(update_fields=["mode"])
        record_event(
            acting_user=acting_user,
            action=Action.KIOSK_OPENED,
            subject=locked,
            participant=administration.referral.participant,
        )
    return locked


def complete_administration(*, acting_user: User, administration: Administration) -> Administration:
    """Score every scale with the instrument version it was given in, and close the sitting."""
    with transaction.atomic():
        locked = (
            Administration.objects.select_for_update()
            .select_related("version")
            .get(pk=administration.pk)
        )
        if locked.is_completed:
            return locked
        results = score(locked.version.parsed, locked.answers_by_item())
        ScaleScore.objects.bulk_create(
            ScaleScore(
                administration=locked,
                scale=result.scale.code,
                score=result.score,
                answered=result.answered,
                shows_need=result.score is not None and result.scale.shows_need(result.score),
            )
            for result in results
        )
        locked.status = AdministrationStatus.COMPLETED
        locked.completed_at = timezone.now()
        locked.save(update_fields=["status", "completed_at"])
        record_event(
            acting_user=acting_user,
            action=Action.QUESTIONNAIRE_COMPLETED,
            subject=locked,
            participant=locked.referral.participant,
            new_values={result.scale.code: result.score for result in results},
        )
    return locked


def record_risk_score(
    *, acting_user: User, referral: Referral, inputs: dict[str, Any]
) -> RiskScore:
    try:
        result = score_rm2000_from_mapping(inputs)
    except Rm2000InputError as error:
        raise ValidationError({error.field: str(error)}) from error
    with transaction.atomic():
        risk = RiskScore.objects.create(
            referral=referral,
            inputs=inputs,
            step1_points=result.step1_points,
            step1_category=result.step1_category,
            aggravating_factors=result.aggravating_factors,
            category=result.category,
            scored_by=acting_user,
        )
        record_event(
            acting_user=acting_user,
            action=Action.RISK_SCORED,
            subject=risk,
            participant=referral.participant,
            new_values={"inputs": inputs, "category": result.category},
        )
    return risk


def propose_pathway(referral: Referral) -> dict[str, Any]:
    """The pathway the programme's rules give from his latest risk score and his
    pre-programme questionnaire scores, with what it was based on."""
    risk = RiskScore.objects.filter(referral=referral).order_by("-scored_at", "-pk").first()
    if risk is None:
        raise ValidationError("Score his risk first.")
    pre_codes = [
        occasion["code"]
        for occasion in referral.programme.current_version().parsed.raw["questionnaire_occasions"]
        if occasion["when"] == PRE_PROGRAMME
    ]
    scores = list(
        ScaleScore.objects.filter(
            administration__referral=referral,
            administration__occasion__in=pre_codes,
            administration__status=AdministrationStatus.COMPLETED,
        ).values("scale", "score", "shows_need")
    )
    if not scores:
        raise ValidationError("He needs a finished questionnaire from before the programme first.")
    need = "high" if any(entry["shows_need"] for entry in scores) else "low"
    definition = referral.programme.current_version().parsed
    pathway = definition.pathway_for(risk.category, need)
    if pathway is None:
        raise ValidationError(f"{definition.name} has no pathway for this risk and need.")
    return {
        "pathway": pathway,
        "risk_category": risk.category,
        "need": need,
        "basis": {"risk_score": risk.pk, "scales": scores},
    }


def decide_pathway(
    *, acting_user: User, referral: Referral, pathway: str | None = None, reason: str = ""
) -> PathwayDecision:
    """Record the proposed pathway, or a programme manager's different one with a reason."""
    proposal = propose_pathway(referral)
    chosen = pathway or proposal["pathway"]
    overridden = chosen != proposal["pathway"]
    if overridden and acting_user.role != Role.PROGRAMME_MANAGER:
        raise ValidationError("Only a programme manager can choose a different pathway.")
    if overridden and not reason.strip():
        raise ValidationError({"reason": "Give the reason for choosing a different pathway."})
    referral.programme.current_version().parsed.pathway(chosen)  # KeyError for an unknown one
    with transaction.atomic():
        decision = PathwayDecision.objects.create(
            referral=referral,
            pathway=chosen,
            proposed_pathway=proposal["pathway"],
            risk_category=proposal["risk_category"],
            need=proposal["need"],
            basis=proposal["basis"],
            overridden=overridden,
            reason=reason,
            decided_by=acting_user,
        )
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        old = locked.pathway
        locked.pathway = chosen
        locked.save(update_fields=["pathway", "updated_at"])
        record_event(
            acting_user=acting_user,
            action=Action.PATHWAY_DECIDED,
            subject=decision,
            participant=referral.participant,
            old_values={"pathway": old},
            new_values={
                "pathway": chosen,
                "proposed": proposal["pathway"],
                "overridden": overridden,
            },
            detail={"reason": reason} if reason else {},
        )
    return decision
