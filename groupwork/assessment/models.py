"""Questionnaires given to men, their answers and scores; risk scores; pathway decisions."""

from __future__ import annotations

import uuid
from functools import cached_property

from django.conf import settings
from django.db import models

from groupwork.assessment.instrument import Instrument as InstrumentDefinition
from groupwork.assessment.instrument import parse_instrument
from groupwork.core.versioning import DefinitionOwner, DefinitionVersion


class Instrument(DefinitionOwner):
    class Meta(DefinitionOwner.Meta):
        pass

    def current_version(self) -> InstrumentVersion:
        version: InstrumentVersion = self.latest_version()
        return version


class InstrumentVersion(DefinitionVersion):
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="versions")
    parse = staticmethod(parse_instrument)

    class Meta:
        ordering = ["instrument", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="one_instrument_number"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} version {self.number}"

    @cached_property
    def parsed(self) -> InstrumentDefinition:
        instrument: InstrumentDefinition = self.parsed_content()
        return instrument


class Assistance(models.TextChoices):
    READ_ALOUD = "read_aloud", "Questions read aloud"
    SCRIBED = "scribed", "Answers written down for him"
    INTERPRETER = "interpreter", "Interpreter"


class Mode(models.TextChoices):
    STAFF = "staff", "Answers entered by staff with him"
    PAPER = "paper", "Answers copied from a paper form"
    KIOSK = "kiosk", "Answered on a centre device (kiosk)"


class AdministrationStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "Started"
    COMPLETED = "completed", "Completed"


class Administration(models.Model):
    """One sitting of one questionnaire, for one referral on one occasion."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="administrations"
    )
    occasion = models.CharField(max_length=40)
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.STAFF)
    status = models.CharField(
        max_length=12,
        choices=AdministrationStatus.choices,
        default=AdministrationStatus.IN_PROGRESS,
    )
    assistance = models.JSONField(default=list, blank=True)
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.version} for {self.referral} ({self.occasion})"

    @property
    def is_completed(self) -> bool:
        return self.status == AdministrationStatus.COMPLETED

    def named_scores(self) -> list[tuple[str, float | None, bool]]:
        """(scale name, score, shows a need), in the instrument's order of scales."""
        by_code = {score.scale: score for score in self.scores.all()}
        return [
            (scale.name, by_code[scale.code].score, by_code[scale.code].shows_need)
            for scale in self.version.parsed.scales
            if scale.code in by_code
        ]

    def answers_by_item(self) -> dict[int, int | None]:
        return {answer.item: answer.value for answer in self.answers.all()}


class Answer(models.Model):
    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="answers"
    )
    item = models.PositiveIntegerField()
    value = models.IntegerField(null=True, blank=True)  # None: he chose not to answer
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item"]
        constraints = [
            models.UniqueConstraint(fields=["administration", "item"], name="one_answer_an_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.value}"


class ScaleScore(models.Model):
    """A scale's score, kept with the instrument version that scored it."""

    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="scores"
    )
    scale = models.CharField(max_length=40)
    score = models.FloatField(null=True)
    answered = models.PositiveIntegerField()
    shows_need = models.BooleanField(default=False)

    class Meta:
        ordering = ["scale"]
        constraints = [
            models.UniqueConstraint(fields=["administration", "scale"], name="one_score_a_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.scale}: {self.score}"


class RiskScore(models.Model):
    """A Risk Matrix 2000/S score with the inputs it came from and who scored it."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="risk_scores"
    )
    inputs = models.JSONField()
    step1_points = models.PositiveSmallIntegerField()
    step1_category = models.CharField(max_length=20)
    aggravating_factors = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=20)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scored_at", "-pk"]

    def __str__(self) -> str:
        return f"RM2000/S {self.category}"


class PathwayDecision(models.Model):
    """How much of the programme a man needs, and what the decision was based on."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="pathway_decisions"
    )
    pathway = models.CharField(max_length=40)
    proposed_pathway = models.CharField(max_length=40)
    risk_category = models.CharField(max_length=20)
    need = models.CharField(max_length=10)
    basis = models.JSONField(default=dict)
    overridden = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.pathway} for {self.referral}"
