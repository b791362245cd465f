"""The REST API, under /api/v1/ (see groupwork/urls.py)."""

from django.urls import path

from groupwork.api import views

app_name = "api"

urlpatterns = [
    path("timetables/preview", views.TimetablePreview.as_view(), name="timetable-preview"),
    path("schema/", views.Schema.as_view(), name="schema"),
]
