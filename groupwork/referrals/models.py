"""Referrals to a programme and the status machine they move through."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from groupwork.organisation.models import Area
from groupwork.participants.models import Participant
from groupwork.programmes.models import Programme

if TYPE_CHECKING:
    from groupwork.organisation.models import User


class ReferralStatus(models.Model):
    """One state a referral can be in. The set and its transitions are data, not code."""

    code = models.SlugField(max_length=40, primary_key=True)
    name = models.CharField(max_length=60)
    description = models.TextField()
    position = models.PositiveSmallIntegerField()
    is_closed = models.BooleanField(default=False)
    needs_reason = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "referral statuses"

    def __str__(self) -> str:
        return self.name


class StatusTransition(models.Model):
    from_status = models.ForeignKey(
        ReferralStatus, on_delete=models.CASCADE, related_name="transitions_out"
    )
    to_status = models.ForeignKey(
        ReferralStatus, on_delete=models.CASCADE, related_name="transitions_in"
    )
    description = models.CharField(max_length=200)

    class Meta:
        ordering = ["from_status__position", "to_status__position"]
        constraints = [
            models.UniqueConstraint(fields=["from_status", "to_status"], name="one_transition"),
        ]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class StatusReason(models.Model):
    """Why a referral reached a status that needs a reason (ended early, withdrawn)."""

    status = models.ForeignKey(ReferralStatus, on_delete=models.CASCADE, related_name="reasons")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=100)

    class Meta:
        ordering = ["status", "label"]
        constraints = [
            models.UniqueConstraint(fields=["status", "code"], name="reason_code_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class ReportType(models.TextChoices):
    PRE_SENTENCE = "pre_sentence", "Pre-sentence report"
    PAROLE = "parole", "Parole report"


class SentenceType(models.TextChoices):
    COMMUNITY_ORDER = "community_order", "Community order with an accredited programme requirement"
    LICENCE = "licence", "Licence with a programme condition"


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: User) -> ReferralQuerySet:
        if not user.is_authenticated or user.area_id is None:
            return self.none()
        # The area's own referrals by index first; the men the user may see among them.
        return self.filter(
            area_id=user.area_id, participant__in=Participant.objects.visible_to(user)
        )


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="referrals")
    # His area, copied from his record when the referral is made (a man's area does not
    # change): an area's lists of referrals then start from its own rows, not the nation's.
    # On PostgreSQL a trigger fills it for a writer that leaves it out: the previous release,
    # still running while a new one rolls out (migration 0006).
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", db_index=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="referrals")
    report_type = models.CharField(max_length=20, choices=ReportType.choices)
    report_date = models.DateField()
    report_author = models.CharField(max_length=120)
    sentence_type = models.CharField(max_length=20, choices=SentenceType.choices)
    offence_category = models.CharField(max_length=40, blank=True)
    # How much of the programme he needs: a pathway code of the programme's definition,
    # decided at assessment; blank until then.
    pathway = models.CharField(max_length=40, blank=True)
    sentence_start = models.DateField()
    sentence_end = models.DateField()
    responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="caseload"
    )
    status = models.ForeignKey(ReferralStatus, on_delete=models.PROTECT, related_name="+")
    status_reason = models.ForeignKey(
        StatusReason, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-report_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sentence_end__gt=models.F("sentence_start")),
                name="sentence_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(fields=["responsible_officer", "status"]),
            models.Index(fields=["area", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} referral for {self.participant}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding or self.area_id is None:
            self.area_id = self.participant.area_id
        super().save(*args, **kwargs)


class StatusChange(models.Model):
    """The history of a referral's status: who moved it, when, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.ForeignKey(
        ReferralStatus, on_delete=models.PROTECT, null=True, related_name="+"
    )
    to_status = models.ForeignKey(ReferralStatus, on_delete=models.PROTECT, related_name="+")
    reason = models.ForeignKey(StatusReason, on_delete=models.PROTECT, null=True, related_name="+")
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
