"""The REST API, under /api/v1/ (see groupwork/urls.py)."""

from django.urls import path

from groupwork.api import views

app_name = "api"

urlpatterns = [
    path("timetables/preview", views.TimetablePreview.as_view(), name="timetable-preview"),
    path("risk/rm2000", views.RiskMatrix2000.as_view(), name="risk-rm2000"),
    path(
        "assessment/reliable-change",
        views.ReliableChangeIndex.as_view(),
        name="assessment-reliable-change",
    ),
    path("calendar/working-days", views.WorkingDays.as_view(), name="calendar-working-days"),
    path("enforcement/advice", views.EnforcementAdvice.as_view(), name="enforcement-advice"),
    path("schema/", views.Schema.as_view(), name="schema"),
]
