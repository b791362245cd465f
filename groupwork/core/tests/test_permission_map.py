"""Every URL, requested by every persona and by an anonymous visitor, answers as the map says.

The map is each view's `Access` declaration (roles allowed, public or not). Which records each
persona may see is written out here by hand, independently of `visible_to`, so a scoping bug
shows up as an unexpected allow or deny.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from groupwork.core.access import Access
from groupwork.core.tests.world import PERSONAS, World

SEES_WORCESTER_MAN = {
    "om.worcester",
    "fac.worcester",
    "spo.worcester",
    "pm.westmercia",
    "chief.westmercia",
}

# Groups of the area, but a facilitator only the groups they facilitate.
SEES_WORCESTER_GROUP = {
    "om.worcester",
    "om.telford",
    "fac.worcester",
    "spo.worcester",
    "pm.westmercia",
    "chief.westmercia",
}


def allocation_run(world: World) -> int:
    from groupwork.allocation.models import AllocationRun  # noqa: PLC0415

    run, _ = AllocationRun.objects.get_or_create(
        area=world.area,
        programme=world.worcester_referral.programme,
        defaults={
            "proposal": {"status": "optimal", "placements": [], "unplaced": []},
            "created_by": world.users["pm.westmercia"],
        },
    )
    return run.pk


def letter_for_worcester_man(world: World) -> int:
    from groupwork.letters.models import Letter  # noqa: PLC0415

    letter, _ = Letter.objects.get_or_create(
        referral=world.worcester_referral,
        kind="allocation",
        defaults={"pdf": b"%PDF-1.7", "created_by": world.users["pm.westmercia"]},
    )
    return letter.pk


def group_centre(world: World) -> str:
    from groupwork.organisation.models import Office  # noqa: PLC0415

    centre, _ = Office.objects.get_or_create(
        slug="worcester-centre",
        defaults={
            "area": world.area,
            "name": "Worcester Group Centre",
            "town": "Worcester",
            "is_group_centre": True,
        },
    )
    return str(centre.slug)


def feed_token(world: World) -> str:
    from groupwork.groups.services import feed_for  # noqa: PLC0415

    return feed_for(facilitator=world.users["fac.worcester"]).token


@dataclass(frozen=True)
class Case:
    url: Callable[[World], str]
    success: int = 200
    method: str = "get"
    # Personas who may see the record the URL names; None when it names no record.
    record_visible_to: frozenset[str] | None = None


CASES: dict[str, Case] = {
    "home": Case(lambda w: "/", success=302),
    # Every role but the system administrator (no area, no cases: 403).
    "dashboard": Case(lambda w: "/dashboard/"),
    "healthz": Case(lambda w: "/healthz"),
    "sign-in": Case(lambda w: "/sign-in/"),
    "sign-out": Case(lambda w: "/sign-out/", success=302, method="post"),
    "two-factor-setup": Case(lambda w: "/two-factor/setup/"),
    "two-factor-verify": Case(lambda w: "/two-factor/verify/", success=302),
    "caseload": Case(lambda w: "/participants/"),
    "participant-detail": Case(
        lambda w: f"/participants/{w.worcester_man.pk}/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "participant-edit": Case(
        lambda w: f"/participants/{w.worcester_man.pk}/edit/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "subject-access": Case(
        lambda w: f"/participants/{w.worcester_man.pk}/subject-access/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "case-restriction": Case(
        lambda w: f"/participants/{w.worcester_man.pk}/restriction/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "referral-create": Case(lambda w: "/referrals/new/"),
    "referral-edit": Case(
        lambda w: f"/referrals/{w.worcester_referral.pk}/edit/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "referral-status": Case(
        lambda w: f"/referrals/{w.worcester_referral.pk}/status/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "audit-log": Case(lambda w: "/audit/"),
    "programme-list": Case(lambda w: "/programmes/"),
    "programme-detail": Case(lambda w: "/programmes/csogp/"),
    "group-list": Case(lambda w: "/groups/"),
    "group-create": Case(lambda w: "/groups/new/"),
    "group-preview": Case(lambda w: "/groups/new/preview/"),
    "group-detail": Case(
        lambda w: f"/groups/{w.worcester_group.pk}/",
        record_visible_to=frozenset(SEES_WORCESTER_GROUP),
    ),
    "group-add-member": Case(
        lambda w: f"/groups/{w.worcester_group.pk}/members/add/",
        record_visible_to=frozenset(SEES_WORCESTER_GROUP),
    ),
    "group-feed-reset": Case(
        lambda w: f"/groups/{w.worcester_group.pk}/calendar/reset/",
        success=302,
        method="post",
        record_visible_to=frozenset(SEES_WORCESTER_GROUP),
    ),
    "session-cancel": Case(
        lambda w: f"/groups/{w.worcester_group.pk}/sessions/{w.worcester_session.pk}/cancel/",
        record_visible_to=frozenset(SEES_WORCESTER_GROUP),
    ),
    "session-move": Case(
        lambda w: f"/groups/{w.worcester_group.pk}/sessions/{w.worcester_session.pk}/move/",
        record_visible_to=frozenset(SEES_WORCESTER_GROUP),
    ),
    "session-cover": Case(
        lambda w: f"/groups/{w.worcester_group.pk}/sessions/{w.worcester_session.pk}/cover/",
        record_visible_to=frozenset(SEES_WORCESTER_GROUP),
    ),
    "session-register": Case(
        lambda w: f"/groups/{w.worcester_group.pk}/sessions/{w.worcester_session.pk}/register/",
        record_visible_to=frozenset(SEES_WORCESTER_GROUP),
    ),
    # The paper register: the same staff as the register page.
    "register-pdf": Case(
        lambda w: f"/groups/{w.worcester_group.pk}/sessions/{w.worcester_session.pk}/register.pdf",
        record_visible_to=frozenset(SEES_WORCESTER_GROUP),
    ),
    "my-calendar": Case(lambda w: "/calendar/"),
    "questionnaire-start": Case(
        lambda w: f"/referrals/{w.worcester_referral.pk}/questionnaires/new/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "risk-score": Case(
        lambda w: f"/referrals/{w.worcester_referral.pk}/risk/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "pathway-decision": Case(
        lambda w: f"/referrals/{w.worcester_referral.pk}/pathway/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "questionnaire": Case(
        lambda w: f"/questionnaires/{w.worcester_administration.pk}/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "kiosk-open": Case(
        lambda w: f"/questionnaires/{w.worcester_administration.pk}/kiosk/",
        success=302,
        method="post",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    # Without a kiosk opened in the session the kiosk sends staff to their start page.
    "kiosk": Case(lambda w: "/kiosk/", success=302),
    "kiosk-close": Case(lambda w: "/kiosk/close/"),
    "waiting-list": Case(lambda w: "/waiting-list/"),
    # Running the optimiser stores a proposal and shows it.
    "allocation-run": Case(lambda w: "/allocation/", success=302, method="post"),
    "allocation-review": Case(lambda w: f"/allocation/{allocation_run(w)}/"),
    "keep-apart": Case(
        lambda w: f"/participants/{w.worcester_man.pk}/keep-apart/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "letter": Case(
        lambda w: f"/letters/{letter_for_worcester_man(w)}/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    # A group centre of West Mercia: its staff may print the sheet, other areas may not.
    "information-sheet": Case(
        lambda w: f"/centres/{group_centre(w)}/information-sheet/easy-read/",
        record_visible_to=frozenset(PERSONAS) - {"om.otherarea", "admin"},
    ),
    # The form: his officer or the programme manager writes the documents.
    "completion-documents": Case(
        lambda w: f"/referrals/{w.worcester_referral.pk}/completion-documents/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "enforcement-list": Case(lambda w: "/enforcement/"),
    "enforcement-item": Case(
        lambda w: f"/enforcement/{w.worcester_enforcement.pk}/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    # The form only: the officer or their manager may decide; others may not change it.
    "enforcement-action": Case(
        lambda w: f"/enforcement/{w.worcester_enforcement.pk}/action/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "calendar-feed": Case(lambda w: f"/calendar/{feed_token(w)}.ics"),
    "absence-report": Case(
        lambda w: f"/participants/{w.worcester_man.pk}/absences/new/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "absence-detail": Case(
        lambda w: f"/absences/{w.worcester_absence.pk}/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    # The form only: his officer or their manager decides; a facilitator may not.
    "absence-decide": Case(
        lambda w: f"/absences/{w.worcester_absence.pk}/decide/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "catch-up": Case(
        lambda w: f"/catch-ups/{w.worcester_catch_up.pk}/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "todo": Case(lambda w: "/tasks/"),
    "complaint-create": Case(
        lambda w: f"/participants/{w.worcester_man.pk}/complaints/new/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "complaint-list": Case(lambda w: "/complaints/"),
    # The complaint names spo.worcester: she may not see it (404), though she sees the man.
    "complaint": Case(
        lambda w: f"/complaints/{w.worcester_complaint.pk}/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN) - {"spo.worcester"},
    ),
    # A task names the stage; the page sends its handler on to the complaint.
    "complaint-stage": Case(
        lambda w: f"/complaints/stages/{w.worcester_complaint.stages.get().pk}/",
        success=302,
        record_visible_to=frozenset(SEES_WORCESTER_MAN) - {"spo.worcester"},
    ),
    "one-to-one": Case(
        lambda w: f"/one-to-ones/{w.worcester_one_to_one.pk}/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "one-to-one-list": Case(
        lambda w: f"/participants/{w.worcester_man.pk}/one-to-ones/",
        record_visible_to=frozenset(SEES_WORCESTER_MAN),
    ),
    "session-rules": Case(
        lambda w: f"/groups/{w.worcester_group.pk}/sessions/{w.worcester_session.pk}/rules/",
        record_visible_to=frozenset(SEES_WORCESTER_GROUP),
    ),
    "assignment-create": Case(
        lambda w: (
            f"/groups/{w.worcester_group.pk}/sessions/{w.worcester_session.pk}/assignments/new/"
        ),
        record_visible_to=frozenset(SEES_WORCESTER_GROUP),
    ),
    "assignment": Case(
        lambda w: f"/assignments/{w.worcester_assignment.pk}/",
        record_visible_to=frozenset(SEES_WORCESTER_GROUP),
    ),
    "incident-create": Case(
        lambda w: (
            f"/groups/{w.worcester_group.pk}/sessions/{w.worcester_session.pk}/incidents/new/"
        ),
        record_visible_to=frozenset(SEES_WORCESTER_GROUP),
    ),
    "incident-list": Case(lambda w: "/incidents/"),
    # An incident at the Worcester group involving worcester_man: the group's facilitator,
    # his officer's manager, and the area's programme manager and chief officer.
    "incident": Case(
        lambda w: f"/incidents/{w.worcester_incident.pk}/",
        record_visible_to=frozenset(
            {"fac.worcester", "spo.worcester", "pm.westmercia", "chief.westmercia"}
        ),
    ),
    "message-list": Case(lambda w: "/messages/"),
    # The area's measures: programme managers and chief officers (counts, no man named).
    "reports": Case(lambda w: "/reports/"),
    "report-download": Case(lambda w: "/reports/download.csv"),
    "capacity-forecast": Case(lambda w: "/reports/capacity/"),
}


def project_url_patterns() -> dict[str, Any]:
    """Named URL patterns of the project, leaving out the Django admin's own."""
    found: dict[str, Any] = {}
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "api":
                continue  # token-authenticated: groupwork/api/tests/test_access_map.py
            assert entry.app_name == "admin", f"unexpected include: {entry}"
        elif isinstance(entry, URLPattern) and entry.name:
            found[entry.name] = entry.callback
    return found


def expected_status(access: Access, case: Case, persona: str | None, world: World) -> int:
    if access.public:
        return case.success
    if persona is None:
        return 302
    if world.users[persona].role not in access.roles:
        return 403
    if case.record_visible_to is not None and persona not in case.record_visible_to:
        return 404
    return case.success


def test_every_url_has_an_access_declaration_and_a_case() -> None:
    patterns = project_url_patterns()
    assert set(patterns) == set(CASES)
    undeclared = [name for name, view in patterns.items() if not hasattr(view, "access")]
    assert undeclared == []


@pytest.mark.django_db
def test_every_persona_gets_what_the_map_says(world: World) -> None:
    patterns = project_url_patterns()
    mismatches = []
    answers = 0
    for name, case in CASES.items():
        access: Access = patterns[name].access
        for persona in [None, *PERSONAS]:
            client = Client()
            if persona is not None:
                client.force_login(world.users[persona])
            response = getattr(client, case.method)(case.url(world))
            answers += 1
            expected = expected_status(access, case, persona, world)
            if response.status_code != expected:
                kind = "allow" if response.status_code < expected else "deny"
                mismatches.append(
                    f"unexpected {kind}: {persona or 'anonymous'} {case.method.upper()} "
                    f"{name} gave {response.status_code}, map says {expected}"
                )
    assert answers == len(CASES) * (len(PERSONAS) + 1)
    assert mismatches == []


@pytest.mark.django_db
def test_the_admin_site_is_for_system_administrators_only(world: World) -> None:
    for persona in PERSONAS:
        client = Client()
        client.force_login(world.users[persona])
        response = client.get("/admin/", follow=True)
        expected = 200 if persona == "admin" else 403
        assert response.status_code == expected, persona
    anonymous = Client().get("/admin/", follow=True)
    assert anonymous.redirect_chain[-1][0].startswith("/sign-in/")


@pytest.mark.django_db
def test_a_system_administrator_can_set_closure_days_and_rooms(world: World) -> None:
    client = Client()
    client.force_login(world.users["admin"])
    for page in ["/admin/organisation/closureday/add/", "/admin/organisation/room/add/"]:
        assert client.get(page).status_code == 200
