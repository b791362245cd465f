"""The men referred to a programme, and who on the staff may see each of them."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef

from groupwork.organisation.models import Area, Role

if TYPE_CHECKING:
    from groupwork.organisation.models import User


# A man's row emptied by retention (participants.retention) because the append-only audit log
# still refers to it: no names, this date of birth, only his area and case reference.
ERASED_DATE_OF_BIRTH = datetime.date(1900, 1, 1)


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def erased(self) -> ParticipantQuerySet:
        """Rows kept only for the audit log's sake once retention deleted his records."""
        return self.filter(first_name="", last_name="")

    def exclude_restricted_from(self, user: User) -> ParticipantQuerySet:
        """Leave out restricted cases that do not name this member of staff."""
        named = Participant.restricted_to.through.objects.filter(participant_id=OuterRef("pk"))
        return self.filter(~Exists(named) | Exists(named.filter(user_id=user.pk)))

    def visible_to(self, user: User) -> ParticipantQuerySet:
        """The men this member of staff may see: never outside their area, then by role."""
        from groupwork.groups.models import Membership  # noqa: PLC0415  (apps import each other)
        from groupwork.referrals.models import Referral  # noqa: PLC0415

        if not user.is_authenticated or user.area_id is None:
            return self.none()
        in_area = (
            self.filter(area_id=user.area_id)
            .exclude(first_name="", last_name="")  # erased by retention: nobody to see
            .exclude_restricted_from(user)
        )
        if user.role in {Role.PROGRAMME_MANAGER, Role.CHIEF_OFFICER}:
            return in_area
        if user.role == Role.OFFENDER_MANAGER:
            own = Referral.objects.filter(participant=OuterRef("pk"), responsible_officer=user)
            return in_area.filter(Exists(own))
        if user.role == Role.MANAGER and user.team_id is not None:
            team = Referral.objects.filter(
                participant=OuterRef("pk"), responsible_officer__team_id=user.team_id
            )
            return in_area.filter(Exists(team))
        if user.role == Role.FACILITATOR:
            in_their_group = Membership.objects.current().filter(
                referral__participant=OuterRef("pk"), group__facilitators=user
            )
            return in_area.filter(Exists(in_their_group))
        return self.none()


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"


class Participant(models.Model):
    """A man referred to a programme. He does not sign in; staff hold his record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="participants")
    case_reference = models.CharField(max_length=20)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.MALE)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    # Reminders go only where he has said yes, and stop for good once he opts out.
    consents_to_texts = models.BooleanField(default=False)
    consents_to_email = models.BooleanField(default=False)
    opted_out_on = models.DateField(null=True, blank=True)
    # Self-declared, optional, for equality monitoring only: blank means not given.
    ethnicity = models.CharField(max_length=60, blank=True)
    religion = models.CharField(max_length=60, blank=True)
    disability = models.CharField(
        max_length=20,
        blank=True,
        choices=[("yes", "Yes"), ("no", "No"), ("prefer_not_to_say", "Prefers not to say")],
    )
    # A restricted case is seen only by the staff named here (and counted in aggregates).
    restricted_to = models.ManyToManyField(
        "organisation.User", blank=True, related_name="restricted_cases"
    )
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    needs_reading_writing_help = models.BooleanField(default=False)
    interpreter_language = models.CharField(max_length=60, blank=True)
    disability_adjustments = models.TextField(blank=True)
    work_pattern = models.CharField(max_length=200, blank=True)
    available_daytime = models.BooleanField(default=True)
    available_evening = models.BooleanField(default=False)
    centres = models.ManyToManyField(
        "organisation.Office",
        blank=True,
        related_name="+",
        help_text="Group centres he can get to. None chosen means any centre in his area.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "case_reference"], name="case_reference_unique_in_area"
            ),
        ]
        indexes = [models.Index(fields=["area", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
