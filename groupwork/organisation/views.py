"""Sign in, sign out and two-factor sign-in."""

import base64
from typing import cast

import segno
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login

from groupwork.core.access import ALL_STAFF, Scope, allow, public
from groupwork.organisation import services
from groupwork.organisation.forms import SignInForm, TokenForm
from groupwork.organisation.models import User


@public
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.sign_in(request=request, acting_user=form.get_user())
        return redirect(next_url or "home")
    return render(request, "registration/sign_in.html", {"form": form, "next": next_url})


@allow(ALL_STAFF, scope=Scope.OWN_ACCOUNT)
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.sign_out(request=request, acting_user=cast(User, request.user))
    return redirect("sign-in")


@allow(ALL_STAFF, scope=Scope.OWN_ACCOUNT)
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    device = services.pending_device(acting_user=user)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            services.confirm_device(request=request, acting_user=user, device=device)
            return redirect("home")
        form.add_error("token", "The code is not right. Enter the code your app shows now.")
    qr_code = segno.make(device.config_url).svg_data_uri(scale=4)
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor_setup.html",
        {"form": form, "qr_code": qr_code, "secret": secret, "config_url": device.config_url},
    )


@allow(ALL_STAFF, scope=Scope.OWN_ACCOUNT)
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if not any(devices_for_user(user)):
        return redirect("two-factor-setup")
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect("home")
        form.add_error("token", "The code is not right. Enter the code your app shows now.")
    return render(request, "registration/two_factor_verify.html", {"form": form})
