"""Casework around the group: one-to-ones, the group rules he agreed to, assignments,
incidents of disrespectful behaviour, and complaints."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OneToOneStatus(models.TextChoices):
    DUE = "due", "Due: not booked yet"
    BOOKED = "booked", "Booked"
    HELD = "held", "Held"
    MISSED_PENDING = "missed_pending", "Missed: reason pending"
    MISSED_ACCEPTABLE = "missed_acceptable", "Missed: acceptable reason"
    MISSED_UNACCEPTABLE = "missed_unacceptable", "Missed: no acceptable reason"


class OneToOne(models.Model):
    """A meeting on his own with his officer (a facilitator joins a three-way meeting), when
    the programme definition says one falls due."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="one_to_ones"
    )
    code = models.SlugField(max_length=40)  # the definition's one_to_ones code
    label = models.CharField(max_length=100)
    three_way = models.BooleanField(default=False)
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=OneToOneStatus.choices, default=OneToOneStatus.DUE
    )
    booked_for = models.DateTimeField(null=True, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    missed_reason = models.TextField(blank=True)
    evidence_due = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "code"], name="one_meeting_per_point"),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.label} one-to-one for {self.referral.participant}"


class RulesAgreement(models.Model):
    """His agreement to the group rules, recorded at his first session, rules as they stood."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="rules_agreements"
    )
    group = models.ForeignKey("groups.Group", on_delete=models.PROTECT, related_name="+")
    agreed_on = models.DateField()
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rules = models.JSONField(default=list)  # [{"code": ..., "text": ...}] as agreed

    class Meta:
        ordering = ["agreed_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "group"], name="one_agreement_per_group"),
        ]

    def __str__(self) -> str:
        return f"Group rules agreed by {self.referral.participant} on {self.agreed_on}"


class Assignment(models.Model):
    """Work set at a session, due by default at the next one."""

    session = models.ForeignKey(
        "groups.Session", on_delete=models.PROTECT, related_name="assignments"
    )
    title = models.CharField(max_length=150)
    instructions = models.TextField()
    due_on = models.DateField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class AssignmentResult(models.TextChoices):
    ON_TIME = "on_time", "Done on time"
    LATE = "late", "Done late"
    NOT_DONE = "not_done", "Not done"


# Late or not done breaks the group rule about assignments.
ASSIGNMENTS_RULE = "assignments"


class AssignmentMark(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="marks")
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="assignment_marks"
    )
    result = models.CharField(max_length=10, choices=AssignmentResult.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "referral"], name="one_mark_each"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.get_result_display()}"

    @property
    def breaks_rule(self) -> str | None:
        return None if self.result == AssignmentResult.ON_TIME else ASSIGNMENTS_RULE


class IncidentKind(models.TextChoices):
    RACISM = "racism", "Racism"
    SEXISM = "sexism", "Sexism"
    HOMOPHOBIA = "homophobia", "Homophobia"
    OTHER = "other", "Other disrespectful behaviour"


class Incident(models.Model):
    """Disrespectful behaviour in a session, how it was challenged, and what followed."""

    session = models.ForeignKey("groups.Session", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=IncidentKind.choices)
    description = models.TextField()
    how_challenged = models.TextField()
    follow_up = models.TextField(blank=True)
    men = models.ManyToManyField("referrals.Referral", related_name="incidents")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.session}"


class ComplaintOutcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"


class Complaint(models.Model):
    """A man's complaint. Stage 1: his officer or their manager; 2: the manager; 3: written to
    the Chief Officer. Staff it names can neither handle it nor see its handling."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="complaints"
    )
    summary = models.TextField()
    received_on = models.DateField()
    named_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="complaints_naming_them"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"Complaint from {self.referral.participant} received {self.received_on}"


class ComplaintStage(models.Model):
    """One stage of a complaint: who handles it, its deadlines, and its answer."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField()
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField()
    acknowledge_by = models.DateField()
    respond_by = models.DateField()
    acknowledged_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=ComplaintOutcome.choices, blank=True)
    response = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)
    letter = models.ForeignKey(
        "letters.Letter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["complaint", "number"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "number"], name="one_row_per_stage"),
        ]
        indexes = [models.Index(fields=["responded_on", "respond_by"])]

    def __str__(self) -> str:
        return f"Stage {self.number} of {self.complaint}"

    @property
    def is_open(self) -> bool:
        return self.responded_on is None
