"""Every API URL, requested by every persona (with a token) and anonymously, answers as its
`Access` declaration says: 401 without a token, 403 for a role not listed, 404 for a record
out of the persona's scope (written out by hand for each record), else success.

The project's permission-map test (core/tests/test_permission_map.py) covers the pages; this
one covers the views under /api/v1/, which answer 401 rather than a redirect to sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern
from rest_framework.test import APIClient

from groupwork.api import urls as api_urls
from groupwork.api.access import DeclaredAccess
from groupwork.api.tests.conftest import token_client
from groupwork.attendance import views as attendance_views
from groupwork.attendance import views_absences as absence_views
from groupwork.casework import views_complaints as complaint_views
from groupwork.casework import views_one_to_ones as one_to_one_views
from groupwork.core.access import ALL_STAFF, CASE_READERS, Access
from groupwork.core.tests.world import PERSONAS, World
from groupwork.enforcement import views as enforcement_views
from groupwork.groups import views as group_views
from groupwork.organisation.models import Role
from groupwork.organisation.tests.factories import OfficeFactory
from groupwork.participants import views as participant_views


@dataclass(frozen=True)
class Case:
    # The address, or how to make it from the world's records.
    url: str | Callable[[World], str]
    method: str = "get"
    body: Callable[[World], dict[str, Any]] = field(default=lambda world: {})
    success: int = 200
    # Personas for whom a success is a 400 instead (e.g. another area's centre named).
    bad_input_for: frozenset[str] = frozenset()
    # Personas whose role may use the view but who may not see the record: 404.
    hidden_from: frozenset[str] = frozenset()

    def address(self, world: World) -> str:
        return self.url(world) if callable(self.url) else self.url


def preview_body(world: World) -> dict[str, Any]:
    OfficeFactory.create(area=world.area, slug="worcester", is_group_centre=True)
    return {
        "programme": "csogp",
        "module": "induction",
        "start": "2027-01-11",
        "pattern": "full-days",
        "centre": "worcester",
    }


def rm2000_body(world: World) -> dict[str, Any]:
    return {
        "age_at_commencement_of_risk": 30,
        "sexual_appearances": 2,
        "criminal_appearances": 3,
        "male_victim": False,
        "stranger_victim": True,
        "single": True,
        "non_contact": False,
    }


def reliable_change_body(world: World) -> dict[str, Any]:
    return {"pre": 30, "post": 19, "sd": 7.5, "reliability": 0.75, "higher_is_better": False}


def working_days_body(world: World) -> dict[str, Any]:
    return {"from": "2026-12-24", "working_days": 10}


def enforcement_advice_body(world: World) -> dict[str, Any]:
    return {
        "sentence_type": "community_order",
        "failure_date": "2026-11-10",
        "previous_warnings": ["2026-03-03"],
    }


CASES: dict[str, Case] = {
    "timetable-preview": Case(
        "/api/v1/timetables/preview",
        method="post",
        body=preview_body,
        bad_input_for=frozenset({"om.otherarea"}),
    ),
    "risk-rm2000": Case("/api/v1/risk/rm2000", method="post", body=rm2000_body),
    "assessment-reliable-change": Case(
        "/api/v1/assessment/reliable-change", method="post", body=reliable_change_body
    ),
    "calendar-working-days": Case(
        "/api/v1/calendar/working-days", method="post", body=working_days_body
    ),
    "enforcement-advice": Case(
        "/api/v1/enforcement/advice", method="post", body=enforcement_advice_body
    ),
    "schema": Case("/api/v1/schema/"),
    # Records. Lists answer every allowed persona (another area's officer gets an empty one);
    # each record is worcester_man's, or of his group (see core/tests/world.py).
    "participants": Case("/api/v1/participants/"),
    "participant": Case(
        lambda world: f"/api/v1/participants/{world.worcester_man.pk}/",
        hidden_from=frozenset({"om.telford", "fac.shrewsbury", "om.otherarea"}),
    ),
    "referrals": Case("/api/v1/referrals/"),
    "referral": Case(
        lambda world: f"/api/v1/referrals/{world.worcester_referral.pk}/",
        hidden_from=frozenset({"om.telford", "fac.shrewsbury", "om.otherarea"}),
    ),
    "groups": Case("/api/v1/groups/"),
    "group": Case(
        lambda world: f"/api/v1/groups/{world.worcester_group.pk}/",
        hidden_from=frozenset({"fac.shrewsbury", "om.otherarea"}),
    ),
    "sessions": Case("/api/v1/sessions/"),
    "session": Case(
        lambda world: f"/api/v1/sessions/{world.worcester_session.pk}/",
        hidden_from=frozenset({"fac.shrewsbury", "om.otherarea"}),
    ),
    "session-register": Case(
        lambda world: f"/api/v1/sessions/{world.worcester_session.pk}/register/",
        hidden_from=frozenset({"fac.shrewsbury"}),
    ),
    "absences": Case("/api/v1/absences/"),
    "absence": Case(
        lambda world: f"/api/v1/absences/{world.worcester_absence.pk}/",
        hidden_from=frozenset({"om.telford", "fac.shrewsbury", "om.otherarea"}),
    ),
    "enforcement-items": Case("/api/v1/enforcement-items/"),
    "enforcement-item": Case(
        lambda world: f"/api/v1/enforcement-items/{world.worcester_enforcement.pk}/",
        hidden_from=frozenset({"om.telford", "om.otherarea"}),
    ),
    "one-to-ones": Case("/api/v1/one-to-ones/"),
    "one-to-one": Case(
        lambda world: f"/api/v1/one-to-ones/{world.worcester_one_to_one.pk}/",
        hidden_from=frozenset({"om.telford", "om.otherarea"}),
    ),
    "complaints": Case("/api/v1/complaints/"),
    # The complaint names spo.worcester: he may see the man, never the complaint.
    "complaint": Case(
        lambda world: f"/api/v1/complaints/{world.worcester_complaint.pk}/",
        hidden_from=frozenset({"om.telford", "spo.worcester", "om.otherarea"}),
    ),
    # Any other address: 404 in JSON (here an id that is not a number).
    "no-such-address": Case("/api/v1/groups/first/", success=404),
}


def api_url_patterns() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for entry in api_urls.urlpatterns:
        assert isinstance(entry, URLPattern), f"unexpected include: {entry}"
        assert entry.name, f"unnamed API URL: {entry}"
        found[entry.name] = entry.callback
    return found


def expected_status(access: Access, case: Case, persona: str | None, world: World) -> int:
    if persona is None:
        return 401
    if world.users[persona].role not in access.roles:
        return 403
    if persona in case.bad_input_for:
        return 400
    if persona in case.hidden_from:
        return 404
    return case.success


def test_every_api_url_has_an_access_declaration_and_a_case() -> None:
    patterns = api_url_patterns()
    assert set(patterns) == set(CASES)
    assert [name for name, view in patterns.items() if not hasattr(view, "access")] == []
    assert [name for name, view in patterns.items() if view.access.public] == []


def test_the_preview_is_for_staff_with_an_area() -> None:
    access: Access = api_url_patterns()["timetable-preview"].access
    assert access.roles == CASE_READERS
    assert Role.SYSTEM_ADMIN not in access.roles


@pytest.mark.parametrize(
    "name", ["risk-rm2000", "assessment-reliable-change", "enforcement-advice"]
)
def test_the_calculators_are_for_staff_with_an_area(name: str) -> None:
    access: Access = api_url_patterns()[name].access
    assert access.roles == CASE_READERS
    assert Role.SYSTEM_ADMIN not in access.roles


# Each record's API views and the page that shows the same record to staff.
RECORD_PAGES = {
    ("participants", "participant"): participant_views.participant_detail,
    ("referrals", "referral"): participant_views.participant_detail,
    ("groups", "group", "sessions", "session"): group_views.group_detail,
    ("session-register",): attendance_views.session_register,
    ("absences", "absence"): absence_views.absence_detail,
    ("enforcement-items", "enforcement-item"): enforcement_views.enforcement_item,
    ("one-to-ones", "one-to-one"): one_to_one_views.one_to_one_page,
    ("complaints", "complaint"): complaint_views.complaint_detail,
}


@pytest.mark.parametrize(("names", "page"), RECORD_PAGES.items())
def test_the_api_shows_a_record_to_the_roles_its_page_does(names: tuple[str, ...], page) -> None:
    patterns = api_url_patterns()
    for name in names:
        assert patterns[name].access == page.access, name


def test_working_days_are_for_all_staff() -> None:
    # Bank holidays are the same for everyone; a user with an area gets its closures too.
    access: Access = api_url_patterns()["calendar-working-days"].access
    assert access.roles == ALL_STAFF


@pytest.mark.django_db
def test_every_persona_gets_what_the_api_map_says(world: World) -> None:
    patterns = api_url_patterns()
    mismatches = []
    for name, case in CASES.items():
        access: Access = patterns[name].access
        body = case.body(world)
        for persona in [None, *PERSONAS]:
            client = token_client(world.users[persona]) if persona else APIClient()
            response = getattr(client, case.method)(
                case.address(world), body or None, format="json"
            )
            expected = expected_status(access, case, persona, world)
            if response.status_code != expected:
                mismatches.append(
                    f"{persona or 'anonymous'} {case.method.upper()} {name} "
                    f"gave {response.status_code}, map says {expected}"
                )
    assert mismatches == []


def test_a_view_without_a_declaration_cannot_be_registered() -> None:
    class Undeclared(DeclaredAccess):
        pass

    with pytest.raises(ImproperlyConfigured):
        Undeclared.as_view()
