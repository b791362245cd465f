"""Men who must never share a group, and optimiser runs awaiting a programme manager's word."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from groupwork.organisation.models import Area
from groupwork.programmes.models import Programme


class KeepApart(models.Model):
    """Two men who must not be in one group: co-defendants, men who know each other, family
    or victim links."""

    first = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="+"
    )
    second = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_keep_apart_a_pair"),
            models.CheckConstraint(
                condition=~models.Q(first=models.F("second")), name="keep_apart_two_men"
            ),
        ]

    def __str__(self) -> str:
        return f"Keep {self.first} and {self.second} apart"


class RunStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    CONFIRMED = "confirmed", "Confirmed"


class AllocationRun(models.Model):
    """One run of the optimiser. It changes nothing until a programme manager confirms it."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PROPOSED)
    proposal = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Allocation run {self.pk} ({self.status})"
