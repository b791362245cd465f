"""Changes to staff accounts: signing in and out, setting up two-factor sign-in."""

from django.contrib.auth import login, logout
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.organisation.models import User


def sign_in(*, request: HttpRequest, acting_user: User) -> None:
    with transaction.atomic():
        login(request, acting_user)
        record_event(acting_user=acting_user, action=Action.SIGNED_IN)


def sign_out(*, request: HttpRequest, acting_user: User) -> None:
    with transaction.atomic():
        record_event(acting_user=acting_user, action=Action.SIGNED_OUT)
        logout(request)


def pending_device(*, acting_user: User) -> TOTPDevice:
    """The unconfirmed authenticator a user is setting up, made on first request."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=acting_user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    return device


def confirm_device(*, request: HttpRequest, acting_user: User, device: TOTPDevice) -> None:
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=acting_user)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        record_event(acting_user=acting_user, action=Action.TWO_FACTOR_ADDED, subject=device)
