"""Programme groups, their sessions, who facilitates them and which men are in them."""

from __future__ import annotations

import datetime
import secrets
from typing import Any, cast

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce

from groupwork.organisation.models import Area, Office, Role, Room, User
from groupwork.programmes.definition import Module, Pattern, ProgrammeDefinition
from groupwork.programmes.models import Programme, ProgrammeVersion


class GroupKind(models.TextChoices):
    CLOSED = "closed", "Closed (a cohort starts together)"
    ROLLING = "rolling", "Rolling (men join at set points)"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class GroupQuerySet(models.QuerySet["Group"]):
    def visible_to(self, user: User) -> GroupQuerySet:
        """Groups of the user's area; a facilitator sees the groups they facilitate."""
        if not user.is_authenticated or user.area_id is None:
            return self.none()
        in_area = self.filter(area_id=user.area_id)
        if user.role == Role.FACILITATOR:
            return in_area.filter(facilitators=user)
        return in_area

    def finished(self, today: datetime.date) -> GroupQuerySet:
        """Groups that have held their last session: sessions, none of them today or later.
        A group with no sessions yet is still being set up, not finished."""
        sessions = Session.objects.filter(group=models.OuterRef("pk"))
        return self.filter(models.Exists(sessions)).exclude(
            models.Exists(sessions.filter(date__gte=today))
        )

    def with_current_members(self) -> GroupQuerySet:
        """Each group with `members`, the men in it now, counted from its current places by
        their own index: joining every place a group ever had costs more as groups run on."""
        current = (
            Membership.objects.filter(group=models.OuterRef("pk"), left_on__isnull=True)
            .order_by()
            .values("group")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(
            members=Coalesce(models.Subquery(current, output_field=models.IntegerField()), 0)
        )

    def not_finished(self, today: datetime.date) -> GroupQuerySet:
        sessions = Session.objects.filter(group=models.OuterRef("pk"))
        return self.filter(
            ~models.Exists(sessions) | models.Exists(sessions.filter(date__gte=today))
        )


class Group(models.Model):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="groups")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="groups")
    version = models.ForeignKey(ProgrammeVersion, on_delete=models.PROTECT, related_name="groups")
    module = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=GroupKind.choices, default=GroupKind.CLOSED)
    pattern = models.CharField(max_length=40)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.MONDAY)
    name = models.CharField(max_length=100)
    centre = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="groups")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, related_name="groups")
    start_date = models.DateField()
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_groups", blank=True
    )
    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="group_name_unique_in_area"),
        ]
        indexes = [models.Index(fields=["area", "centre", "start_date"])]

    def __str__(self) -> str:
        return self.name

    @property
    def definition(self) -> ProgrammeDefinition:
        return self.version.parsed

    @property
    def module_definition(self) -> Module:
        return self.definition.module(self.module)

    @property
    def pattern_definition(self) -> Pattern:
        return self.definition.patterns[self.pattern]

    @property
    def pattern_label(self) -> str:
        return self.pattern_definition.label


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> MembershipQuerySet:
        return self.filter(left_on__isnull=True)


class Membership(models.Model):
    """A referral's place in a group, from the day he joins until the day he leaves."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="memberships")
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="memberships"
    )
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    # For a rolling group: the group's session numbers he starts and finishes at.
    first_session = models.PositiveIntegerField(null=True, blank=True)
    last_session = models.PositiveIntegerField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=models.Q(left_on__isnull=True),
                name="one_current_group_per_referral",
            ),
        ]
        indexes = [
            models.Index(
                fields=["group"],
                condition=models.Q(left_on__isnull=True),
                name="current_places_by_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral} in {self.group}"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled by the service"


class SessionKind(models.TextChoices):
    BLOCK = "block", "Block week"
    WEEKLY = "weekly", "Weekly"


class Session(models.Model):
    """One meeting of a group. A cancelled meeting stays on record; its number moves on."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=SessionKind.choices)
    date = models.DateField()
    starts = models.TimeField()
    ends = models.TimeField()
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, related_name="sessions")
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    moved_from = models.DateField(null=True, blank=True)
    move_reason = models.CharField(max_length=200, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    register_taken_at = models.DateTimeField(null=True, blank=True)
    facilitators: models.ManyToManyField[User, SessionFacilitator] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="SessionFacilitator", related_name="sessions"
    )

    class Meta:
        ordering = ["date", "starts", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "number"],
                condition=models.Q(status="scheduled"),
                name="one_scheduled_session_per_number",
            ),
        ]
        indexes = [
            models.Index(fields=["date", "starts"]),
            models.Index(fields=["group", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.group} session {self.number} on {self.date}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED


class SessionFacilitator(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="staffing")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_cover = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "facilitator"], name="one_seat_each"),
        ]

    def __str__(self) -> str:
        return f"{self.facilitator} at {self.session}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A secret address for an iCalendar feed of one facilitator's or one group's sessions."""

    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    facilitator = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feed",
    )
    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feed"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(facilitator__isnull=True) ^ models.Q(group__isnull=True),
                name="feed_for_a_facilitator_or_a_group",
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar feed for {self.facilitator or self.group}"


def current_members(group: Group) -> int:
    """The men in the group now, as `GroupQuerySet.with_current_members` counted them."""
    return int(cast(Any, group).members)
