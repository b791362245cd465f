"""Registers, absences and catch-ups: what happened to each man at each session."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from groupwork.groups.models import Session


class Outcome(models.TextChoices):
    ATTENDED = "attended", "Attended and complied"
    FAILED_TO_COMPLY = "failed_to_comply", "Attended but failed to comply"
    ABSENT_PENDING = "absent_pending", "Absent, reason pending"
    ABSENT_ACCEPTABLE = "absent_acceptable", "Acceptable absence"
    ABSENT_UNACCEPTABLE = "absent_unacceptable", "Unacceptable absence"
    CANCELLED = "cancelled", "Session cancelled by the service"


ABSENT_OUTCOMES = frozenset(
    {Outcome.ABSENT_PENDING, Outcome.ABSENT_ACCEPTABLE, Outcome.ABSENT_UNACCEPTABLE}
)
PRESENT_OUTCOMES = frozenset({Outcome.ATTENDED, Outcome.FAILED_TO_COMPLY})


class Failure(models.TextChoices):
    """Ways a man who came can fail to comply."""

    LATE = "late", "Late beyond the allowed time"
    UNDER_THE_INFLUENCE = "under_the_influence", "Under the influence of alcohol or drugs"
    DISRUPTIVE = "disruptive", "Disruptive"
    SENT_HOME = "sent_home", "Sent home"
    DID_NOT_TAKE_PART = "did_not_take_part", "Did not take part"


# A man who was sent home or came too late missed part of the session's content.
PART_MISSED = frozenset({Failure.LATE, Failure.SENT_HOME})


class Register(models.Model):
    """The register of one session. `version` rises with every save so that two people
    saving at once cannot overwrite each other."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="register")
    version = models.PositiveIntegerField(default=0)
    # About the session as a whole; it may name several men, so it is never copied into one
    # man's record or export.
    note = models.TextField(blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    taken_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Register of {self.session}"


class Attendance(models.Model):
    """One man at one session, as the register recorded him."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendances")
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="attendances"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    minutes_late = models.PositiveSmallIntegerField(default=0)
    failures = models.JSONField(default=list, blank=True)  # Failure codes
    rule_breaches = models.JSONField(default=list, blank=True)  # group rule codes
    note = models.TextField(blank=True)
    # Why a facilitator let him in although a catch-up was still owed.
    catch_up_override = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session__date", "session__starts"]
        constraints = [
            models.UniqueConstraint(fields=["session", "referral"], name="one_mark_per_session"),
        ]
        indexes = [models.Index(fields=["referral", "outcome"])]

    def __str__(self) -> str:
        return f"{self.referral.participant} at {self.session}: {self.get_outcome_display()}"

    @property
    def missed_content(self) -> bool:
        if self.outcome in ABSENT_OUTCOMES:
            return True
        return self.outcome == Outcome.FAILED_TO_COMPLY and bool(PART_MISSED & set(self.failures))


class AbsenceReason(models.TextChoices):
    ILLNESS = "illness", "Illness"
    MEDICAL_APPOINTMENT = "medical_appointment", "Medical or hospital appointment"
    FAMILY_EMERGENCY = "family_emergency", "Family emergency"
    WORK = "work", "Work"
    COURT_OR_POLICE = "court_or_police", "Court or police"
    OTHER = "other", "Other reason"
    NONE_GIVEN = "none_given", "No reason given"


# Reasons that need a doctor's note within the programme's deadline.
MEDICAL_REASONS = frozenset({AbsenceReason.ILLNESS, AbsenceReason.MEDICAL_APPOINTMENT})


class HowReported(models.TextChoices):
    PHONE = "phone", "By phone"
    IN_PERSON = "in_person", "In person"
    MESSAGE = "message", "By letter, e-mail or text"
    REGISTER = "register", "Marked absent on the register"


class AbsenceStatus(models.TextChoices):
    PENDING = "pending", "Pending: his officer has not decided"
    ACCEPTABLE = "acceptable", "Acceptable"
    UNACCEPTABLE = "unacceptable", "Unacceptable"


class AbsenceQuerySet(models.QuerySet["Absence"]):
    def pending(self) -> AbsenceQuerySet:
        return self.filter(status=AbsenceStatus.PENDING)


class Absence(models.Model):
    """A man's absence from a session: why, who was told, and his officer's decision."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="absences")
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="absences"
    )
    reason = models.CharField(max_length=30, choices=AbsenceReason.choices)
    how_reported = models.CharField(max_length=20, choices=HowReported.choices)
    details = models.TextField(blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now_add=True)
    # A medical absence waits for a doctor's note until this day.
    evidence_due = models.DateField(null=True, blank=True)
    evidence_received_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=AbsenceStatus.choices, default=AbsenceStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    objects = AbsenceQuerySet.as_manager()

    class Meta:
        ordering = ["session__date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "referral"], name="one_absence_per_session"),
        ]
        indexes = [models.Index(fields=["status", "evidence_due"])]

    def __str__(self) -> str:
        return f"{self.referral.participant} absent from {self.session}"

    @property
    def is_medical(self) -> bool:
        return self.reason in MEDICAL_REASONS


class CatchUpStatus(models.TextChoices):
    NEEDED = "needed", "Needed: not booked yet"
    BOOKED = "booked", "Booked"
    DONE = "done", "Done"


class CatchUpMode(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one with a facilitator"
    OTHER_GROUP = "other_group", "In another group's matching session"


class CatchUpQuerySet(models.QuerySet["CatchUp"]):
    def outstanding(self) -> CatchUpQuerySet:
        return self.exclude(status=CatchUpStatus.DONE)


class CatchUp(models.Model):
    """The content of a missed session, to be covered before the man carries on."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="catch_ups"
    )
    missed_session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="+")
    module = models.CharField(max_length=40)
    content = models.JSONField(default=list)  # the module's content session numbers
    status = models.CharField(
        max_length=10, choices=CatchUpStatus.choices, default=CatchUpStatus.NEEDED
    )
    mode = models.CharField(max_length=20, choices=CatchUpMode.choices, blank=True)
    booked_for = models.DateField(null=True, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    other_session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CatchUpQuerySet.as_manager()

    class Meta:
        ordering = ["missed_session__date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "missed_session"], name="one_catch_up_per_missed_session"
            ),
        ]
        indexes = [models.Index(fields=["referral", "status"])]

    def __str__(self) -> str:
        return f"Catch-up of {self.missed_session} for {self.referral.participant}"
