from django.contrib import admin
from django.urls import path

from groupwork.audit import views as audit_views
from groupwork.core import views as core_views
from groupwork.core.admin_site import protect_admin_site
from groupwork.organisation import views as organisation_views
from groupwork.participants import views as participant_views
from groupwork.referrals import views as referral_views

protect_admin_site(admin.site)

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
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
    path("referrals/new/", referral_views.referral_create, name="referral-create"),
    path("referrals/<uuid:referral_id>/edit/", referral_views.referral_edit, name="referral-edit"),
    path(
        "referrals/<uuid:referral_id>/status/",
        referral_views.referral_status,
        name="referral-status",
    ),
    path("audit/", audit_views.audit_log, name="audit-log"),
    path("admin/", admin.site.urls),
]
