"""The outbox: every text message and e-mail, written in the same transaction as the event
that causes it, then sent by `send_messages` with retries, each at most once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    TEXT = "text", "Text message"
    EMAIL = "email", "E-mail"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed: gave up after retries"


# Not sent: waiting, being sent, or failed and left for a person. The outbox counts these for its
# area. They are a few in a hundred of the messages (a wrong number's reminders stay failed), so
# they have an index of their own rather than a share of every sent message's.
UNSENT = (MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.FAILED)


class MessageQuerySet(models.QuerySet["Message"]):
    def due(self, now: object) -> MessageQuerySet:
        return self.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now)


class Message(models.Model):
    # One of the two: a man (reminders) or a member of staff (notices).
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
    )
    # The man's area, or the member of staff's (none for staff of no area): an area's outbox
    # is read by its own index, not by testing every message's man or member of staff.
    area = models.ForeignKey(
        "organisation.Area", on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    to = models.CharField(max_length=254)
    kind = models.CharField(max_length=40)  # why it was sent, e.g. session_reminder
    # Queueing the same message twice (kind + record + day) adds nothing.
    key = models.CharField(max_length=120, unique=True)
    subject = models.CharField(max_length=150, blank=True)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # A reminder is no use after its appointment: a sender that was down does not send it late.
    send_before = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    provider_reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["area", "-created_at", "-id"]),
            models.Index(
                fields=["area"],
                condition=models.Q(status__in=UNSENT),
                name="notifications_unsent_by_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.to}: {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            recipient = self.participant or self.staff
            self.area_id = recipient.area_id if recipient is not None else None
        super().save(*args, **kwargs)
