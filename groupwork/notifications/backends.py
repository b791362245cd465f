"""Where messages go: GOV.UK Notify when an API key is set, otherwise nowhere but the outbox.

A backend's `send` returns the provider's reference for the message, or raises:
`PermanentFailure` when trying again cannot help (Notify refused the number or address),
`DeliveryUnknown` when the request may have reached the provider (it must not be sent again),
and any other exception when it is worth trying again later.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.conf import settings
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient
from requests.exceptions import (  # the HTTP library the Notify client uses
    ConnectionError as RequestsConnectionError,
)
from requests.exceptions import ConnectTimeout, ReadTimeout

from groupwork.notifications.models import Channel, Message

# Notify answers 400 to a number or address it will never accept, and to a bad template.
NOTIFY_BAD_REQUEST = 400


class PermanentFailure(Exception):  # noqa: N818  (an outcome the sender records, not a bug)
    """The provider refused the message for good: do not try again."""


class DeliveryUnknown(Exception):  # noqa: N818  (an outcome the sender records, not a bug)
    """The provider may have the message: trying again could send it twice."""


class Backend(Protocol):
    def send(self, message: Message) -> str:
        """Hand the message over; return the provider's reference for it."""


class LocalBackend:
    """The demo's and development's backend: the outbox row is the record of the message, and
    the Messages page shows it. Nothing leaves the machine."""

    def send(self, message: Message) -> str:
        return f"local-{message.pk}"


class NotifyBackend:
    """GOV.UK Notify, through one text message template and one e-mail template whose content
    is the placeholders `((body))` (and, for e-mail, the subject `((subject))`)."""

    def __init__(self, *, api_key: str, sms_template_id: str, email_template_id: str) -> None:
        self.client = NotificationsAPIClient(api_key)  # type: ignore[no-untyped-call]
        self.sms_template_id = sms_template_id
        self.email_template_id = email_template_id

    def send(self, message: Message) -> str:
        try:
            response = self._post(message)
        except HTTPError as error:
            if _timed_out_waiting_for_answer(error):
                raise DeliveryUnknown(str(error)) from error
            if error.status_code == NOTIFY_BAD_REQUEST:
                raise PermanentFailure(str(error)) from error
            raise
        return str(response["id"])

    def _post(self, message: Message) -> dict[str, Any]:
        if message.channel == Channel.TEXT:
            response: dict[str, Any] = self.client.send_sms_notification(  # type: ignore[no-untyped-call]
                phone_number=message.to,
                template_id=self.sms_template_id,
                personalisation={"body": message.body},
                reference=message.key,
            )
        else:
            response = self.client.send_email_notification(  # type: ignore[no-untyped-call]
                email_address=message.to,
                template_id=self.email_template_id,
                personalisation={"subject": message.subject, "body": message.body},
                reference=message.key,
            )
        return response


def _timed_out_waiting_for_answer(error: HTTPError) -> bool:
    """The request may have gone out but no answer came back: Notify may have taken the
    message. Only a connection that could not be made at all is safe to retry."""
    cause = error.__cause__
    if isinstance(cause, ConnectTimeout):
        return False
    if isinstance(cause, RequestsConnectionError):
        return "NewConnectionError" not in repr(cause) and "NameResolutionError" not in repr(cause)
    return isinstance(cause, ReadTimeout)


def get_backend() -> Backend:
    """Notify when NOTIFY_API_KEY is set, otherwise the local outbox."""
    if settings.NOTIFY_API_KEY:
        return NotifyBackend(
            api_key=settings.NOTIFY_API_KEY,
            sms_template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
            email_template_id=settings.NOTIFY_EMAIL_TEMPLATE_ID,
        )
    return LocalBackend()
