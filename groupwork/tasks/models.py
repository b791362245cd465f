"""Tasks on an officer's to-do list that the daily run raises when something falls due."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TaskKind(models.TextChoices):
    SICK_NOTE_OVERDUE = "sick_note_overdue", "Sick note overdue: decide the absence"
    ENFORCEMENT_DUE = "enforcement_due", "Enforcement deadline near"
    CATCH_UP_NOT_BOOKED = "catch_up_not_booked", "Catch-up not booked before the next session"
    RESTART_PROPOSED = "restart_proposed", "Restart of a block proposed"
    ONE_TO_ONE_DUE = "one_to_one_due", "One-to-one due"
    INCIDENT_REVIEW = "incident_review", "Incident to review"
    COMPLAINT_DUE = "complaint_due", "Complaint answer due"


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> TaskQuerySet:
        return self.filter(closed_at__isnull=True)


class Task(models.Model):
    """Something one member of staff must do about one man by a date.

    `key` names the record the task is about (an absence, an enforcement item, a catch-up);
    a task is raised once per kind and key, so running the daily job again adds nothing."""

    kind = models.CharField(max_length=30, choices=TaskKind.choices)
    key = models.CharField(max_length=60)
    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks"
    )
    due_on = models.DateField()
    summary = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="one_task_per_kind_and_record"),
        ]
        indexes = [models.Index(fields=["assigned_to", "closed_at", "due_on"])]

    def __str__(self) -> str:
        return self.summary
