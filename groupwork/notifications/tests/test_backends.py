"""The backends: GOV.UK Notify called with the right arguments (no network), its errors sorted
into retry, refusal and unknown, and the local outbox when no API key is set."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.test import override_settings
from notifications_python_client.errors import HTTPError
from requests import Response
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import ConnectTimeout, ReadTimeout

from groupwork.notifications.backends import (
    DeliveryUnknown,
    LocalBackend,
    NotifyBackend,
    PermanentFailure,
    get_backend,
)
from groupwork.notifications.models import Channel, Message
from groupwork.organisation.tests.test_sign_in import production_environment

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
KEY = "team-3d2b2b4c-0c53-4b8e-9b1c-8a6a3e0c1f11-5e6a3a8b-6f0d-4b9c-9a1e-3b2c1d0e9f8a"


def message(channel: str, **extra: Any) -> Message:
    return Message.objects.create(
        channel=channel,
        to="07700 900123" if channel == Channel.TEXT else "man@example.org",
        kind="session_reminder",
        key=f"session-1-2-20261214:{channel}",
        body="Reminder: you have an appointment.",
        next_attempt_at="2026-12-13T18:00:00Z",
        **extra,
    )


@pytest.fixture
def client() -> Any:
    with mock.patch("groupwork.notifications.backends.NotificationsAPIClient") as client_class:
        yield client_class


def backend() -> NotifyBackend:
    return NotifyBackend(api_key=KEY, sms_template_id="sms-template", email_template_id="email-t")


def test_a_text_message_goes_to_notify_with_its_body_and_key(client: Any) -> None:
    client.return_value.send_sms_notification.return_value = {"id": "notify-123"}
    text = message(Channel.TEXT)

    assert backend().send(text) == "notify-123"

    client.assert_called_once_with(KEY)
    client.return_value.send_sms_notification.assert_called_once_with(
        phone_number="07700 900123",
        template_id="sms-template",
        personalisation={"body": "Reminder: you have an appointment."},
        reference="session-1-2-20261214:text",
    )
    client.return_value.send_email_notification.assert_not_called()


def test_an_email_goes_to_notify_with_its_subject_body_and_key(client: Any) -> None:
    client.return_value.send_email_notification.return_value = {"id": "notify-456"}
    email = message(Channel.EMAIL, subject="Appointment reminder")

    assert backend().send(email) == "notify-456"

    client.return_value.send_email_notification.assert_called_once_with(
        email_address="man@example.org",
        template_id="email-t",
        personalisation={
            "subject": "Appointment reminder",
            "body": "Reminder: you have an appointment.",
        },
        reference="session-1-2-20261214:email",
    )


def http_error(status: int | None = None, cause: Exception | None = None) -> HTTPError:
    response = None
    if status:
        response = Response()
        response.status_code = status
    error = HTTPError(response)
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (http_error(400), PermanentFailure),  # a number Notify will never accept
        (http_error(cause=ReadTimeout()), DeliveryUnknown),  # it may have the message
        (http_error(429), HTTPError),  # too many requests: try later
        (http_error(500), HTTPError),
        (http_error(cause=ConnectTimeout()), HTTPError),  # never reached Notify: try later
        # The connection dropped after the request went out: Notify may have it.
        (http_error(cause=RequestsConnectionError("Connection aborted.")), DeliveryUnknown),
        # No connection could be made at all: safe to try again.
        (
            http_error(cause=RequestsConnectionError("NewConnectionError: refused")),
            HTTPError,
        ),
    ],
)
def test_notify_errors_are_sorted_for_the_sender(
    client: Any, error: HTTPError, expected: type[Exception]
) -> None:
    client.return_value.send_sms_notification.side_effect = error
    with pytest.raises(expected):
        backend().send(message(Channel.TEXT))


def test_without_an_api_key_messages_stay_in_the_local_outbox() -> None:
    assert isinstance(get_backend(), LocalBackend)
    text = message(Channel.TEXT)
    assert LocalBackend().send(text) == f"local-{text.pk}"


@override_settings(
    NOTIFY_API_KEY=KEY, NOTIFY_SMS_TEMPLATE_ID="sms-t", NOTIFY_EMAIL_TEMPLATE_ID="email-t"
)
def test_with_an_api_key_messages_go_through_notify(client: Any) -> None:
    chosen = get_backend()
    assert isinstance(chosen, NotifyBackend)
    assert (chosen.sms_template_id, chosen.email_template_id) == ("sms-t", "email-t")
    client.assert_called_once_with(KEY)


def test_an_api_key_without_templates_stops_start_up() -> None:
    environment = {**production_environment(), "NOTIFY_API_KEY": KEY}
    result = subprocess.run(  # noqa: S603  (fixed arguments)
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "set NOTIFY_SMS_TEMPLATE_ID and NOTIFY_EMAIL_TEMPLATE_ID too" in result.stderr
