from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "groupwork.attendance"
    label = "attendance"
    verbose_name = "Attendance, absences and catch-ups"
