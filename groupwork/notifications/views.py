"""The Messages page: the outbox, newest first, so a programme manager can see what was sent
to whom and spot a message that failed or is stuck."""

from __future__ import annotations

from typing import cast

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.core.access import MESSAGE_READERS, Scope, allow
from groupwork.core.keyset import keyset_page
from groupwork.notifications.models import UNSENT, Message, MessageStatus
from groupwork.notifications.sending import STUCK_AFTER
from groupwork.organisation.models import Role, User
from groupwork.participants.models import Participant

MESSAGES_PAGE_SIZE = 50


def messages_visible_to(user: User) -> QuerySet[Message]:
    """A system administrator sees every message; a programme manager those to the men and
    the staff of their area."""
    if user.role == Role.SYSTEM_ADMIN:
        return Message.objects.all()
    if user.role == Role.PROGRAMME_MANAGER:
        area = user.area_pk
        # The area's messages by their own index, less those to the area's men the manager may
        # not see (visible_to: a restricted case that does not name them).
        hidden = Participant.objects.filter(area_id=area).exclude(
            pk__in=Participant.objects.visible_to(user).values("pk")
        )
        return Message.objects.filter(area_id=area).exclude(participant__in=hidden)
    return Message.objects.none()


@allow(MESSAGE_READERS, scope=Scope.AREA_MESSAGES)
@require_GET
def message_list(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    visible = messages_visible_to(user)
    stuck_since = timezone.now() - STUCK_AFTER
    is_stuck = Q(status=MessageStatus.SENDING, next_attempt_at__lt=stuck_since)
    rows = (
        visible.select_related("participant", "staff")
        .annotate(
            stuck=Case(
                When(is_stuck, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by("-created_at", "-pk")
    )
    page = keyset_page(
        rows, key=("-created_at", "-pk"), params=request.GET, size=MESSAGES_PAGE_SIZE
    )
    # Read by the index of the area's unsent messages, not through every message sent.
    unsent = visible.filter(status__in=UNSENT)
    counts = unsent.aggregate(
        waiting=Count("pk", filter=Q(status=MessageStatus.QUEUED)),
        failed=Count("pk", filter=Q(status=MessageStatus.FAILED)),
        stuck=Count("pk", filter=is_stuck),
    )
    record_event(
        acting_user=user,
        action=Action.MESSAGES_VIEWED,
        detail={"first_page": not page.previous_query},
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "counts": counts, "show_names": user.role != Role.SYSTEM_ADMIN},
    )
