"""Programme groups, who facilitates them and which men are in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from groupwork.organisation.models import Area, Office
from groupwork.programmes.models import Programme


class Group(models.Model):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="groups")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(max_length=100)
    centre = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="groups")
    start_date = models.DateField()
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_groups", blank=True
    )

    class Meta:
        ordering = ["start_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="group_name_unique_in_area"),
        ]

    def __str__(self) -> str:
        return self.name


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

    def __str__(self) -> str:
        return f"{self.referral} in {self.group}"
