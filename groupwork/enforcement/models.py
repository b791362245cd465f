"""Enforcement items: a failure to comply, the advice the law gives, and what the officer did."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Advice(models.TextChoices):
    WARN_OR_REFER = "warn_or_refer", "Warn him or refer him for breach"
    REFER_FOR_BREACH = "refer_for_breach", "Refer him for breach"
    RECALL_REVIEW = "recall_review", "Review for recall"


class ActionTaken(models.TextChoices):
    WARNING = "warning", "Gave a warning"
    BREACH = "breach", "Referred to court for breach"
    RECALL = "recall", "Asked for recall"
    NO_ACTION = "no_action", "No action: a reasonable excuse was accepted"


# Which actions each piece of advice allows; the law leaves no choice after a warning.
ALLOWED_ACTIONS: dict[str, tuple[ActionTaken, ...]] = {
    Advice.WARN_OR_REFER: (ActionTaken.WARNING, ActionTaken.BREACH, ActionTaken.NO_ACTION),
    Advice.REFER_FOR_BREACH: (ActionTaken.BREACH, ActionTaken.NO_ACTION),
    Advice.RECALL_REVIEW: (ActionTaken.RECALL, ActionTaken.WARNING, ActionTaken.NO_ACTION),
}


class EnforcementItemQuerySet(models.QuerySet["EnforcementItem"]):
    def open(self) -> EnforcementItemQuerySet:
        return self.filter(action_taken="")

    def warnings(self) -> EnforcementItemQuerySet:
        return self.filter(action_taken=ActionTaken.WARNING)


class EnforcementItem(models.Model):
    """One failure without an accepted excuse, waiting for (or holding) the officer's action."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="enforcement_items"
    )
    attendance = models.OneToOneField(
        "attendance.Attendance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enforcement_item",
    )
    failure_date = models.DateField()
    failure = models.CharField(max_length=300)
    advice = models.CharField(max_length=20, choices=Advice.choices)
    must_act_by = models.DateField()
    explanation = models.TextField()
    opened_at = models.DateTimeField(auto_now_add=True)
    action_taken = models.CharField(max_length=20, choices=ActionTaken.choices, blank=True)
    action_on = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    letter = models.ForeignKey(
        "letters.Letter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = EnforcementItemQuerySet.as_manager()

    class Meta:
        ordering = ["must_act_by", "pk"]
        indexes = [
            models.Index(fields=["action_taken", "must_act_by"]),
            models.Index(fields=["referral", "action_taken"]),
        ]

    def __str__(self) -> str:
        return f"Enforcement for {self.referral.participant}: {self.failure}"

    @property
    def is_open(self) -> bool:
        return not self.action_taken

    @property
    def allowed_actions(self) -> tuple[ActionTaken, ...]:
        return ALLOWED_ACTIONS[self.advice]
