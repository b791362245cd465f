"""The REST API, under /api/v1/ (see groupwork/urls.py)."""

from django.urls import path, re_path

from groupwork.api import views, views_records

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
    # Records, read-only (views_records.py).
    path("participants/", views_records.ParticipantList.as_view(), name="participants"),
    path(
        "participants/<uuid:participant_id>/",
        views_records.ParticipantDetail.as_view(),
        name="participant",
    ),
    path("referrals/", views_records.ReferralList.as_view(), name="referrals"),
    path("referrals/<uuid:referral_id>/", views_records.ReferralDetail.as_view(), name="referral"),
    path("groups/", views_records.GroupList.as_view(), name="groups"),
    path("groups/<int:group_id>/", views_records.GroupDetail.as_view(), name="group"),
    path("sessions/", views_records.SessionList.as_view(), name="sessions"),
    path("sessions/<int:session_id>/", views_records.SessionDetail.as_view(), name="session"),
    path(
        "sessions/<int:session_id>/register/",
        views_records.SessionRegister.as_view(),
        name="session-register",
    ),
    path("absences/", views_records.AbsenceList.as_view(), name="absences"),
    path("absences/<int:absence_id>/", views_records.AbsenceDetail.as_view(), name="absence"),
    path(
        "enforcement-items/", views_records.EnforcementItemList.as_view(), name="enforcement-items"
    ),
    path(
        "enforcement-items/<int:item_id>/",
        views_records.EnforcementItemDetail.as_view(),
        name="enforcement-item",
    ),
    path("one-to-ones/", views_records.OneToOneList.as_view(), name="one-to-ones"),
    path(
        "one-to-ones/<int:one_to_one_id>/",
        views_records.OneToOneDetail.as_view(),
        name="one-to-one",
    ),
    path("complaints/", views_records.ComplaintList.as_view(), name="complaints"),
    path(
        "complaints/<int:complaint_id>/", views_records.ComplaintDetail.as_view(), name="complaint"
    ),
    # Last: any other address under /api/v1/ answers 404 in JSON.
    re_path(r"", views_records.NoSuchAddress.as_view(), name="no-such-address"),
]
