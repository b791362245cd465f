"""Raising and closing tasks. Each kind of task is raised at most once per record."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from groupwork.audit.models import Action, AuditEvent
from groupwork.audit.services import build_event, record_event
from groupwork.tasks.models import Task, TaskKind

if TYPE_CHECKING:
    from groupwork.organisation.models import User
    from groupwork.referrals.models import Referral


def raise_task(  # noqa: PLR0913  (keyword-only: what the task is, for whom, by when)
    *,
    acting_user: User | None,
    kind: TaskKind,
    key: str,
    referral: Referral,
    assigned_to: User,
    due_on: datetime.date,
    summary: str,
) -> Task | None:
    """The new task, or None when this kind of task was already raised for this record."""
    with transaction.atomic():
        task, created = Task.objects.get_or_create(
            kind=kind,
            key=key,
            defaults={
                "referral": referral,
                "assigned_to": assigned_to,
                "due_on": due_on,
                "summary": summary[:300],
            },
        )
        if not created:
            return None
        record_event(
            acting_user=acting_user,
            action=Action.TASK_RAISED,
            subject=task,
            participant=referral.participant,
            new_values={"kind": kind, "due_on": due_on.isoformat(), "assigned_to": assigned_to.pk},
        )
    return task


def close_tasks(*, acting_user: User | None, kind: TaskKind, key: str) -> int:
    """Close the open task of this kind about this record, once the thing is done."""
    with transaction.atomic():
        open_tasks = list(
            Task.objects.open()
            .select_for_update()
            .filter(kind=kind, key=key)
            .select_related("referral__participant")
        )
        now = timezone.now()
        for task in open_tasks:
            task.closed_at = now
            task.save(update_fields=["closed_at"])
            record_event(
                acting_user=acting_user,
                action=Action.TASK_CLOSED,
                subject=task,
                participant=task.referral.participant,
            )
    return len(open_tasks)


def close_task_keys(*, acting_user: User | None, kind: TaskKind, keys: list[str]) -> int:
    """Close the open tasks of this kind about these records, in a fixed number of queries.
    Call inside the caller's transaction."""
    open_tasks = list(
        Task.objects.open().filter(kind=kind, key__in=keys).select_related("referral__participant")
    )
    if not open_tasks:
        return 0
    Task.objects.filter(pk__in=[task.pk for task in open_tasks]).update(closed_at=timezone.now())
    AuditEvent.objects.bulk_create(
        [
            build_event(
                acting_user=acting_user,
                action=Action.TASK_CLOSED,
                subject=task,
                participant=task.referral.participant,
            )
            for task in open_tasks
        ]
    )
    return len(open_tasks)
