"""Kiosk mode: while a centre device is handed to a man, it reaches only his questionnaire."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

KIOSK_SESSION_KEY = "kiosk_administration"
KIOSK_PATHS = ("/kiosk/",)
ALWAYS_ALLOWED = ("/static/", "/assets/", "/healthz")


class KioskMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if KIOSK_SESSION_KEY in request.session and not request.path.startswith(
            KIOSK_PATHS + ALWAYS_ALLOWED
        ):
            return render(request, "assessment/kiosk_refused.html", {"kiosk": True}, status=403)
        return self.get_response(request)
