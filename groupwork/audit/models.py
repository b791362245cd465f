"""The append-only audit log: every read of a man's record, every search, every change."""

from typing import Any

from django.conf import settings
from django.db import models

from groupwork.organisation.models import Area


class Action(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGNED_OUT = "signed_out", "Signed out"
    TWO_FACTOR_ADDED = "two_factor_added", "Set up two-factor sign-in"
    CASELOAD_VIEWED = "caseload_viewed", "Viewed a caseload"
    PARTICIPANTS_SEARCHED = "participants_searched", "Searched for men"
    PARTICIPANT_VIEWED = "participant_viewed", "Viewed a man's record"
    PARTICIPANT_CHANGED = "participant_changed", "Changed a man's details"
    REFERRAL_CREATED = "referral_created", "Made a referral"
    REFERRAL_CHANGED = "referral_changed", "Changed a referral"
    REFERRAL_STATUS_CHANGED = "referral_status_changed", "Changed a referral's status"
    AUDIT_LOG_VIEWED = "audit_log_viewed", "Read the audit log"
    PROGRAMME_LOADED = "programme_loaded", "Loaded a programme definition"
    GROUP_CREATED = "group_created", "Created a group"
    GROUP_MEMBER_ADDED = "group_member_added", "Added a man to a group"
    GROUP_MEMBER_LEFT = "group_member_left", "Ended a man's place in a group"
    SESSION_CANCELLED = "session_cancelled", "Cancelled a session"
    SESSION_RESCHEDULED = "session_rescheduled", "Moved a session"
    SESSION_STAFF_CHANGED = "session_staff_changed", "Changed a session's facilitators"
    CALENDAR_FEED_RESET = "calendar_feed_reset", "Changed a calendar feed address"
    INSTRUMENT_LOADED = "instrument_loaded", "Loaded a questionnaire"
    QUESTIONNAIRE_STARTED = "questionnaire_started", "Started a questionnaire"
    QUESTIONNAIRE_ANSWERED = "questionnaire_answered", "Saved questionnaire answers"
    QUESTIONNAIRE_COMPLETED = "questionnaire_completed", "Finished a questionnaire"
    KIOSK_OPENED = "kiosk_opened", "Opened a questionnaire kiosk"
    KIOSK_CLOSED = "kiosk_closed", "Closed a questionnaire kiosk"
    RISK_SCORED = "risk_scored", "Scored risk"
    PATHWAY_DECIDED = "pathway_decided", "Decided a pathway"
    ALLOCATION_PROPOSED = "allocation_proposed", "Ran the allocation optimiser"
    ALLOCATION_CONFIRMED = "allocation_confirmed", "Confirmed allocations"
    LETTER_WRITTEN = "letter_written", "Wrote a letter"
    KEEP_APART_RECORDED = "keep_apart_recorded", "Recorded men to keep apart"
    REGISTER_TAKEN = "register_taken", "Took a register"
    REGISTER_VIEWED = "register_viewed", "Viewed a register"
    ABSENCE_REPORTED = "absence_reported", "Recorded an absence"
    ABSENCE_EVIDENCE = "absence_evidence", "Recorded evidence for an absence"
    ABSENCE_DECIDED = "absence_decided", "Decided whether an absence is acceptable"
    CATCH_UP_CREATED = "catch_up_created", "Recorded a catch-up needed"
    CATCH_UP_BOOKED = "catch_up_booked", "Booked a catch-up"
    CATCH_UP_DONE = "catch_up_done", "Marked a catch-up done"
    ENFORCEMENT_OPENED = "enforcement_opened", "Opened an enforcement item"
    ENFORCEMENT_DECIDED = "enforcement_decided", "Recorded enforcement action"
    TASK_RAISED = "task_raised", "Raised a task"
    TASK_CLOSED = "task_closed", "Closed a task"
    ONE_TO_ONE_PLANNED = "one_to_one_planned", "Planned one-to-ones"
    ONE_TO_ONE_BOOKED = "one_to_one_booked", "Booked a one-to-one"
    ONE_TO_ONE_RECORDED = "one_to_one_recorded", "Recorded a one-to-one"
    RULES_AGREED = "rules_agreed", "Recorded agreement to the group rules"
    ASSIGNMENT_SET = "assignment_set", "Set an assignment"
    ASSIGNMENT_MARKED = "assignment_marked", "Marked an assignment"
    INCIDENT_RECORDED = "incident_recorded", "Recorded an incident"
    COMPLAINT_RECEIVED = "complaint_received", "Recorded a complaint"
    COMPLAINT_ACKNOWLEDGED = "complaint_acknowledged", "Acknowledged a complaint"
    COMPLAINT_ANSWERED = "complaint_answered", "Answered a complaint"
    COMPLAINT_ESCALATED = "complaint_escalated", "Escalated a complaint"
    MESSAGE_QUEUED = "message_queued", "Queued a message"
    MESSAGE_SENT = "message_sent", "Sent a message"
    MESSAGES_VIEWED = "messages_viewed", "Read the local message outbox"
    DASHBOARD_VIEWED = "dashboard_viewed", "Viewed a dashboard"
    REPORT_VIEWED = "report_viewed", "Viewed a report"
    REPORT_DOWNLOADED = "report_downloaded", "Downloaded a report"
    SUBJECT_ACCESS_EXPORTED = "subject_access_exported", "Exported a man's data (subject access)"
    CASE_RESTRICTED = "case_restricted", "Changed who may see a restricted case"
    RETENTION_APPLIED = "retention_applied", "Deleted records past their retention"


class AuditEvent(models.Model):
    """One thing someone did. Rows are never updated or deleted (a trigger refuses it)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The foreign keys' own indexes would repeat the first column of the indexes below, which
    # serve every lookup by actor, area or man; each one more is written on every page view.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    action = models.CharField(max_length=40, choices=Action.choices)
    subject_type = models.CharField(max_length=40, blank=True)
    subject_id = models.CharField(max_length=40, blank=True)
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    old_values = models.JSONField(default=dict, blank=True)
    new_values = models.JSONField(default=dict, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["area", "-id"]),
            models.Index(fields=["participant", "-id"]),
            models.Index(fields=["actor", "-id"]),
            models.Index(fields=["action", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action_label}"

    @property
    def action_label(self) -> str:
        """The action in words. Django's `get_action_display` builds a dict of every action on
        each call, 50 times on a page of the log."""
        try:
            return str(Action(self.action).label)
        except ValueError:  # an action no longer named in the code
            return self.action

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, old value, new value) for each field the event changed."""
        return [(name, self.old_values.get(name), new) for name, new in self.new_values.items()]
