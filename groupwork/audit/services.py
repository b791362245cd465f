"""Writing the audit log. Call these inside the transaction that makes the change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.forms.models import model_to_dict

from groupwork.audit.models import Action, AuditEvent

if TYPE_CHECKING:
    from groupwork.organisation.models import User
    from groupwork.participants.models import Participant

ModelT = TypeVar("ModelT", bound=models.Model)


def record_event(
    *,
    acting_user: User | None,
    action: Action,
    subject: models.Model | None = None,
    participant: Participant | None = None,
    old_values: dict[str, Any] | None = None,
    new_values: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    event = build_event(
        acting_user=acting_user,
        action=action,
        subject=subject,
        participant=participant,
        old_values=old_values,
        new_values=new_values,
        detail=detail,
    )
    event.save()
    return event


def build_event(
    *,
    acting_user: User | None,
    action: Action,
    subject: models.Model | None = None,
    participant: Participant | None = None,
    old_values: dict[str, Any] | None = None,
    new_values: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """An unsaved event, for writing many at once with `AuditEvent.objects.bulk_create`."""
    return AuditEvent(
        actor=acting_user,  # None for the system itself, e.g. a management command
        area_id=acting_user.area_id if acting_user else None,
        action=action,
        subject_type=subject._meta.label if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        participant=participant,
        old_values=old_values or {},
        new_values=new_values or {},
        detail=detail or {},
    )


def save_changes(
    *,
    acting_user: User,
    locked: ModelT,
    changes: dict[str, Any],
    action: Action,
    participant: Participant,
) -> ModelT:
    """Apply `changes` to a row already locked for update, save only the fields that differ,
    and record their old and new values. Call inside the caller's transaction."""
    before = snapshot(locked, list(changes))
    for name, value in changes.items():
        setattr(locked, name, value)
    old, new = changed_values(before, snapshot(locked, list(changes)))
    if new:
        locked.save(update_fields=[*new, "updated_at"])
        record_event(
            acting_user=acting_user,
            action=action,
            subject=locked,
            participant=participant,
            old_values=old,
            new_values=new,
        )
    return locked


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of a record as JSON-safe values, for old and new values in the log."""
    values = model_to_dict(instance, fields=fields)
    return {name: _json_safe(value) for name, value in values.items()}


def changed_values(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, as (old, new)."""
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
