from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from groupwork.organisation.models import Area, ClosureDay, Office, Room, Team, User


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin[Area]):
    # The retention policy (participants.retention, docs/security.md) is edited here.
    list_display = ["name", "slug", "retention_years_after_closure", "audit_retention_years"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin[Office]):
    list_display = ["name", "slug", "area", "town", "phone", "is_staff_office", "is_group_centre"]
    list_filter = ["area"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin[Room]):
    list_display = ["name", "centre"]
    list_filter = ["centre__area"]


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin[ClosureDay]):
    list_display = ["date", "reason", "area"]
    list_filter = ["area"]
    date_hierarchy = "date"


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name", "area", "office"]


@admin.register(User)
class StaffAdmin(UserAdmin[User]):
    list_display = ["username", "first_name", "last_name", "role", "area", "team", "is_active"]
    list_filter = ["role", "area", "is_active"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Groupwork", {"fields": ("role", "area", "team", "office")}),
    )
