"""The benchmark's yardstick: a bare signed-in Django page that makes one query of its own.

`bench/pages.py` serves it beside the application's own addresses, so that it passes through
the same middleware (session, sign-in, two-factor, CSRF, content security policy) as the pages
it is compared with, but renders no template and does no work of its own beyond one query.

Beside it, the floor of every real page: the same sign-in, one audit row written, and the
service's layout (header, navigation, footer) drawn around a heading, with no data of its own.
Like the pages it is compared with, it writes its audit rows ("Viewed a dashboard") into the
benchmark's database: run it on a copy, never on a live system's.
"""

from typing import cast

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.core.access import ALL_STAFF, Scope, allow
from groupwork.organisation.models import User
from groupwork.urls import urlpatterns as application_urls


@allow(ALL_STAFF, scope=Scope.NONE)
def bare(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok")


LAYOUT = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Layout{% endblock %}'
    '{% block content %}<h1 class="govuk-heading-l">Layout</h1>{% endblock %}'
)


@allow(ALL_STAFF, scope=Scope.NONE)
def layout(request: HttpRequest) -> HttpResponse:
    record_event(acting_user=cast(User, request.user), action=Action.DASHBOARD_VIEWED)
    return HttpResponse(LAYOUT.render({}, request))


urlpatterns = [path("bench/bare", bare), path("bench/layout", layout), *application_urls]
