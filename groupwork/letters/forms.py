"""Forms for writing letters and documents."""

from __future__ import annotations

from django import forms

from groupwork.core.forms import GovukForm


class CompletionDocumentsForm(GovukForm):
    facilitator_summary = forms.CharField(
        label="The facilitators' summary",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="How he took part, what he learned and what he still needs to work on. "
        "It goes in the end-of-programme report for his officer, not in the letter to him.",
        error_messages={"required": "Enter the facilitators' summary"},
    )
