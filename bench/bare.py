"""The benchmark's yardstick: a bare signed-in Django page that makes one query of its own.

`bench/pages.py` serves it beside the application's own addresses, so that it passes through
the same middleware (session, sign-in, two-factor, CSRF, content security policy) as the pages
it is compared with, but renders no template and does no work of its own beyond one query.
"""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from groupwork.core.access import ALL_STAFF, Scope, allow
from groupwork.urls import urlpatterns as application_urls


@allow(ALL_STAFF, scope=Scope.NONE)
def bare(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok")


urlpatterns = [path("bench/bare", bare), *application_urls]
