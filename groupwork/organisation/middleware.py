"""Sends a signed-in user who has not passed the second factor to set it up or enter a code."""

from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

EXEMPT_URL_NAMES = ("two-factor-setup", "two-factor-verify", "sign-out", "healthz")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # OTPMiddleware gives the user is_verified(); the type stubs do not know it.
        if user.is_authenticated and not cast(Any, user).is_verified():
            has_device = user_has_device(user)
            if (settings.TWO_FACTOR_REQUIRED or has_device) and not self._exempt(request):
                return redirect("two-factor-verify" if has_device else "two-factor-setup")
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        exempt_paths = [reverse(name) for name in EXEMPT_URL_NAMES]
        return request.path in exempt_paths or request.path.startswith(
            (settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/", "/assets/")
        )
