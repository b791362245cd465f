"""Areas, their offices and centres, teams and the staff who sign in."""

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import PermissionDenied
from django.db import models


class Area(models.Model):
    """A probation area: the outer boundary of every record. Nobody sees another area's men."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    complaints_address = models.TextField(
        help_text="The Chief Officer's postal address for written complaints."
    )
    # Complaint deadlines in working days: acknowledge at every stage, then respond by stage.
    complaint_acknowledge_days = models.PositiveSmallIntegerField(default=3)
    complaint_stage_1_days = models.PositiveSmallIntegerField(default=10)
    complaint_stage_2_days = models.PositiveSmallIntegerField(default=15)
    complaint_stage_3_days = models.PositiveSmallIntegerField(default=20)
    # Retention: a closed case's personal data is deleted this many years after it closed.
    retention_years_after_closure = models.PositiveSmallIntegerField(default=7)
    # The audit log is kept longer, for accountability.
    audit_retention_years = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    """A building: a staff office, a group centre where sessions run, or both."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="offices")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60, unique=True, null=True, blank=True)
    town = models.CharField(max_length=60)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    is_staff_office = models.BooleanField(default=False)
    is_group_centre = models.BooleanField(default=False)

    class Meta:
        ordering = ["area", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="office_name_unique_in_area"),
        ]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    """A room at a group centre. A room holds one session at a time."""

    centre = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["centre", "name"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="room_name_unique_in_centre"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.centre}"


class ClosureDay(models.Model):
    """A day the area runs no sessions (e.g. between Christmas and New Year)."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField()
    reason = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["area", "date"], name="one_closure_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.reason}"


class Team(models.Model):
    """Offender managers who share a manager (senior probation officer)."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="teams")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["area", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="team_name_unique_in_area"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OFFENDER_MANAGER = "offender_manager", "Offender manager"
    FACILITATOR = "facilitator", "Facilitator"
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    MANAGER = "manager", "Manager (senior probation officer)"
    CHIEF_OFFICER = "chief_officer", "Chief officer"
    SYSTEM_ADMIN = "system_admin", "System administrator"


class StaffManager(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> "User":
        """`manage.py createsuperuser` makes the first system administrator, who needs no area."""
        extra.setdefault("role", Role.SYSTEM_ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """A member of staff. Men on the programme never sign in as users."""

    objects: ClassVar[StaffManager] = StaffManager()

    role = models.CharField(max_length=32, choices=Role.choices)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="staff", null=True, blank=True
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="members", null=True, blank=True
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="staff", null=True, blank=True
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="system_admin") | models.Q(area__isnull=False),
                name="staff_outside_system_admin_belong_to_an_area",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def area_pk(self) -> int:
        """The user's area. Only system administrators have none, and they never reach
        code bound to an area; if one does, refuse rather than guess."""
        if self.area_id is None:
            raise PermissionDenied
        return self.area_id

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""
