"""Sign-in: lockout, idle expiry, two-factor codes, password rules, and the audit trail."""

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from groupwork.audit.models import Action, AuditEvent
from groupwork.core.tests.world import World

pytestmark = pytest.mark.django_db
PASSWORD = "test-password-123"


def sign_in(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post("/sign-in/", {"username": username, "password": password})


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_signing_in_lands_on_the_dashboard_and_is_audited(world: World) -> None:
    client = Client()
    response = sign_in(client, "om.worcester")
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == "/dashboard/"
    assert AuditEvent.objects.filter(
        action=Action.SIGNED_IN, actor=world.users["om.worcester"]
    ).exists()


def test_a_wrong_password_shows_an_error(world: World) -> None:
    response = sign_in(Client(), "om.worcester", "not-the-password")
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


def test_next_goes_only_to_this_site(world: World) -> None:
    client = Client()
    response = client.post(
        "/sign-in/",
        {"username": "om.worcester", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_five_failures_lock_the_account_even_for_the_right_password(world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "om.worcester", "wrong-password")
    response = sign_in(client, "om.worcester")
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_other_accounts_are_not_locked_by_one_accounts_failures(world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "om.worcester", "wrong-password")
    assert sign_in(client, "om.telford").status_code == 302


def test_sessions_expire_after_thirty_idle_minutes(world: World) -> None:
    client = Client()
    sign_in(client, "om.worcester")
    client.get("/participants/")
    assert client.session.get_expiry_age() == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST  # each request restarts the 30 minutes


def test_an_expired_session_must_sign_in_again(world: World, time_machine: Any) -> None:
    time_machine.move_to("2026-11-26 09:00 +0000", tick=False)
    client = Client()
    sign_in(client, "om.worcester")
    time_machine.move_to("2026-11-26 09:29 +0000", tick=False)
    assert client.get("/participants/").status_code == 200
    time_machine.move_to("2026-11-26 09:58 +0000", tick=False)
    assert client.get("/participants/").status_code == 200
    time_machine.move_to("2026-11-26 10:29 +0000", tick=False)
    response = client.get("/participants/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_signing_out_is_audited_and_ends_the_session(world: World) -> None:
    client = Client()
    sign_in(client, "om.worcester")
    assert client.post("/sign-out/").status_code == 302
    assert client.get("/participants/").status_code == 302
    assert AuditEvent.objects.filter(action=Action.SIGNED_OUT).exists()


def test_password_rules_refuse_weak_passwords(world: World) -> None:
    user = world.users["om.worcester"]
    for weak in ["short1", "password1234", "123456789012", "om.worcester1"]:
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("a long unusual passphrase", user)


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_when_required_a_user_without_an_authenticator_must_set_one_up(
    world: World, time_machine: Any
) -> None:
    time_machine.move_to("2026-11-26 09:00 +0000", tick=False)
    client = Client()
    sign_in(client, "om.worcester")
    response = client.get("/participants/")
    assert response.status_code == 302
    assert response["Location"] == "/two-factor/setup/"
    setup = client.get("/two-factor/setup/")
    assert "Set up two-factor sign-in" in setup.content.decode()
    device = TOTPDevice.objects.get(user=world.users["om.worcester"], confirmed=False)
    wrong = client.post("/two-factor/setup/", {"token": "000000"})
    assert "The code is not right" in wrong.content.decode()
    time_machine.move_to("2026-11-26 09:01 +0000", tick=False)  # past the retry delay
    confirmed = client.post("/two-factor/setup/", {"token": current_code(device)})
    assert confirmed.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/participants/").status_code == 200
    assert AuditEvent.objects.filter(action=Action.TWO_FACTOR_ADDED).exists()


def test_a_user_with_an_authenticator_must_enter_a_code_even_in_the_demo(
    world: World, time_machine: Any
) -> None:
    time_machine.move_to("2026-11-26 09:00 +0000", tick=False)
    user = world.users["om.worcester"]
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    sign_in(client, "om.worcester")
    response = client.get("/participants/")
    assert response["Location"] == "/two-factor/verify/"
    assert client.post("/two-factor/verify/", {"token": "000000"}).status_code == 200
    assert client.get("/participants/").status_code == 302
    time_machine.move_to("2026-11-26 09:01 +0000", tick=False)  # past the retry delay
    assert client.post("/two-factor/verify/", {"token": current_code(device)}).status_code == 302
    assert client.get("/participants/").status_code == 200


def test_production_settings_require_two_factor_sign_in() -> None:
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.TWO_FACTOR_REQUIRED)"
    )
    result = subprocess.run(  # noqa: S603  (fixed arguments)
        [sys.executable, "-c", probe],
        env=production_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().endswith("True")


def production_environment() -> dict[str, str]:
    import os  # noqa: PLC0415

    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GROUPWORK_"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "groupwork.settings.production",
            "DJANGO_SECRET_KEY": "x" * 60 + "production-like-secret-for-the-check-only",
            "DJANGO_ALLOWED_HOSTS": "groupwork.example.org",
        }
    )
    return environment
