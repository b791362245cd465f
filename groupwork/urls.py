from django.contrib import admin
from django.urls import include, path

from groupwork.allocation import views as allocation_views
from groupwork.assessment import views as assessment_views
from groupwork.attendance import views as attendance_views
from groupwork.attendance import views_absences as absence_views
from groupwork.audit import views as audit_views
from groupwork.casework import views_assignments as assignment_views
from groupwork.casework import views_complaints as complaint_views
from groupwork.casework import views_incidents as incident_views
from groupwork.casework import views_one_to_ones as one_to_one_views
from groupwork.casework import views_rules as rules_views
from groupwork.core import views as core_views
from groupwork.core.admin_site import protect_admin_site
from groupwork.dashboards import views as dashboard_views
from groupwork.enforcement import views as enforcement_views
from groupwork.groups import views as group_views
from groupwork.letters import views as letter_views
from groupwork.letters import views_documents as document_views
from groupwork.letters import views_register as register_sheet_views
from groupwork.notifications import views as notification_views
from groupwork.organisation import views as organisation_views
from groupwork.participants import views as participant_views
from groupwork.participants import views_data as participant_data_views
from groupwork.programmes import views as programme_views
from groupwork.referrals import views as referral_views
from groupwork.reports import views as report_views
from groupwork.reports import views_capacity as capacity_views

protect_admin_site(admin.site)

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("sign-in/", organisation_views.sign_in, name="sign-in"),
    path("sign-out/", organisation_views.sign_out, name="sign-out"),
    path("two-factor/setup/", organisation_views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", organisation_views.two_factor_verify, name="two-factor-verify"),
    path("participants/", participant_views.caseload, name="caseload"),
    path(
        "participants/<uuid:participant_id>/",
        participant_views.participant_detail,
        name="participant-detail",
    ),
    path(
        "participants/<uuid:participant_id>/edit/",
        participant_views.participant_edit,
        name="participant-edit",
    ),
    path(
        "participants/<uuid:participant_id>/subject-access/",
        participant_data_views.subject_access,
        name="subject-access",
    ),
    path(
        "participants/<uuid:participant_id>/restriction/",
        participant_data_views.case_restriction,
        name="case-restriction",
    ),
    path("referrals/new/", referral_views.referral_create, name="referral-create"),
    path("referrals/<uuid:referral_id>/edit/", referral_views.referral_edit, name="referral-edit"),
    path(
        "referrals/<uuid:referral_id>/status/",
        referral_views.referral_status,
        name="referral-status",
    ),
    path("audit/", audit_views.audit_log, name="audit-log"),
    path(
        "referrals/<uuid:referral_id>/questionnaires/new/",
        assessment_views.questionnaire_start,
        name="questionnaire-start",
    ),
    path("referrals/<uuid:referral_id>/risk/", assessment_views.risk_score, name="risk-score"),
    path(
        "referrals/<uuid:referral_id>/pathway/",
        assessment_views.pathway_decision,
        name="pathway-decision",
    ),
    path(
        "questionnaires/<uuid:administration_id>/",
        assessment_views.questionnaire,
        name="questionnaire",
    ),
    path(
        "questionnaires/<uuid:administration_id>/kiosk/",
        assessment_views.kiosk_open,
        name="kiosk-open",
    ),
    path("kiosk/", assessment_views.kiosk, name="kiosk"),
    path("waiting-list/", allocation_views.waiting_list, name="waiting-list"),
    path("allocation/", allocation_views.allocation_run, name="allocation-run"),
    path("allocation/<int:run_id>/", allocation_views.allocation_review, name="allocation-review"),
    path(
        "participants/<uuid:participant_id>/keep-apart/",
        allocation_views.keep_apart,
        name="keep-apart",
    ),
    path("letters/<int:letter_id>/", letter_views.letter_pdf, name="letter"),
    path(
        "centres/<slug:office_slug>/information-sheet/<str:version>/",
        document_views.information_sheet,
        name="information-sheet",
    ),
    path(
        "referrals/<uuid:referral_id>/completion-documents/",
        document_views.completion_documents,
        name="completion-documents",
    ),
    path("enforcement/", enforcement_views.enforcement_list, name="enforcement-list"),
    path(
        "enforcement/<int:item_id>/",
        enforcement_views.enforcement_item,
        name="enforcement-item",
    ),
    path(
        "enforcement/<int:item_id>/action/",
        enforcement_views.enforcement_action,
        name="enforcement-action",
    ),
    path("kiosk/close/", assessment_views.kiosk_close, name="kiosk-close"),
    path("programmes/", programme_views.programme_list, name="programme-list"),
    path("programmes/<slug:code>/", programme_views.programme_detail, name="programme-detail"),
    path("groups/", group_views.group_list, name="group-list"),
    path("groups/new/", group_views.group_create, name="group-create"),
    path("groups/new/preview/", group_views.group_preview, name="group-preview"),
    path("groups/<int:group_id>/", group_views.group_detail, name="group-detail"),
    path(
        "groups/<int:group_id>/members/add/",
        group_views.group_add_member,
        name="group-add-member",
    ),
    path(
        "groups/<int:group_id>/calendar/reset/",
        group_views.group_feed_reset,
        name="group-feed-reset",
    ),
    path(
        "groups/<int:group_id>/sessions/<int:session_id>/cancel/",
        group_views.session_cancel,
        name="session-cancel",
    ),
    path(
        "groups/<int:group_id>/sessions/<int:session_id>/move/",
        group_views.session_move,
        name="session-move",
    ),
    path(
        "groups/<int:group_id>/sessions/<int:session_id>/cover/",
        group_views.session_cover,
        name="session-cover",
    ),
    path(
        "groups/<int:group_id>/sessions/<int:session_id>/register/",
        attendance_views.session_register,
        name="session-register",
    ),
    path(
        "groups/<int:group_id>/sessions/<int:session_id>/register.pdf",
        register_sheet_views.register_pdf,
        name="register-pdf",
    ),
    path(
        "participants/<uuid:participant_id>/absences/new/",
        absence_views.absence_report,
        name="absence-report",
    ),
    path("absences/<int:absence_id>/", absence_views.absence_detail, name="absence-detail"),
    path("absences/<int:absence_id>/decide/", absence_views.absence_decide, name="absence-decide"),
    path("catch-ups/<int:catch_up_id>/", absence_views.catch_up_page, name="catch-up"),
    path("tasks/", absence_views.todo, name="todo"),
    path("messages/", notification_views.message_list, name="message-list"),
    path(
        "groups/<int:group_id>/sessions/<int:session_id>/assignments/new/",
        assignment_views.assignment_create,
        name="assignment-create",
    ),
    path(
        "assignments/<int:assignment_id>/",
        assignment_views.assignment_page,
        name="assignment",
    ),
    path(
        "groups/<int:group_id>/sessions/<int:session_id>/incidents/new/",
        incident_views.incident_create,
        name="incident-create",
    ),
    path("incidents/", incident_views.incident_list, name="incident-list"),
    path("incidents/<int:incident_id>/", incident_views.incident_page, name="incident"),
    path(
        "one-to-ones/<int:one_to_one_id>/",
        one_to_one_views.one_to_one_page,
        name="one-to-one",
    ),
    path(
        "participants/<uuid:participant_id>/one-to-ones/",
        one_to_one_views.one_to_one_list,
        name="one-to-one-list",
    ),
    path(
        "groups/<int:group_id>/sessions/<int:session_id>/rules/",
        rules_views.session_rules,
        name="session-rules",
    ),
    path(
        "participants/<uuid:participant_id>/complaints/new/",
        complaint_views.complaint_create,
        name="complaint-create",
    ),
    path("complaints/", complaint_views.complaint_list, name="complaint-list"),
    path("complaints/<int:complaint_id>/", complaint_views.complaint_detail, name="complaint"),
    path(
        "complaints/stages/<int:stage_id>/",
        complaint_views.complaint_stage,
        name="complaint-stage",
    ),
    path("calendar/", group_views.my_calendar, name="my-calendar"),
    path("calendar/<str:token>.ics", group_views.calendar_feed, name="calendar-feed"),
    path("reports/", report_views.reports, name="reports"),
    path("reports/download.<str:fmt>", report_views.report_download, name="report-download"),
    path("reports/capacity/", capacity_views.capacity_forecast, name="capacity-forecast"),
    path("api/v1/", include("groupwork.api.urls")),
    path("admin/", admin.site.urls),
]
