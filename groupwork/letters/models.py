"""Letters as sent: the PDF is kept, so what a man was told can always be shown."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LetterKind(models.TextChoices):
    ALLOCATION = "allocation", "Place in a group"
    WARNING = "warning", "Warning"
    BREACH_REPORT = "breach_report", "Breach report for the court"
    RECALL_REPORT = "recall_report", "Recall report (draft)"
    COMPLAINT_RESPONSE = "complaint_response", "Answer to a complaint"
    COMPLETION = "completion", "Completion of the programme"
    END_OF_PROGRAMME_REPORT = "end_of_programme", "End-of-programme report"


class Letter(models.Model):
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="letters"
    )
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    pdf = models.BinaryField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} letter for {self.referral}"
