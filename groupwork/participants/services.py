"""Changes to a man's details."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from groupwork.audit.models import Action
from groupwork.audit.services import record_event, save_changes
from groupwork.organisation.models import User
from groupwork.participants.models import Participant


def update_participant(
    *, acting_user: User, participant: Participant, changes: dict[str, Any]
) -> Participant:
    """Save the changed details. `opted_out` (the form's "He has asked for no more messages")
    becomes the day he opted out, today, or clears it."""
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        if "opted_out" in changes:
            changes = dict(changes)
            opted_out = changes.pop("opted_out")
            if not opted_out:
                changes["opted_out_on"] = None
            elif locked.opted_out_on is None:
                changes["opted_out_on"] = timezone.localdate()
        return save_changes(
            acting_user=acting_user,
            locked=locked,
            changes=changes,
            action=Action.PARTICIPANT_CHANGED,
            participant=locked,
        )


def set_restriction(
    *, acting_user: User, participant: Participant, staff: Iterable[User]
) -> list[User]:
    """Restrict his case to `staff`, or lift the restriction when `staff` is empty. The acting
    user is always kept on the list, so that nobody can lock themselves out of a case they are
    restricting. Everyone named must work in his area. Returns who is named now."""
    named = {user.pk: user for user in staff}
    if named:
        named[acting_user.pk] = acting_user
    if any(user.area_id != participant.area_id for user in named.values()):
        raise ValidationError("Choose staff who work in his area.")
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        before = _staff_names(locked.restricted_to.all())
        locked.restricted_to.set(list(named.values()))
        after = _staff_names(named.values())
        if before != after:
            record_event(
                acting_user=acting_user,
                action=Action.CASE_RESTRICTED,
                subject=locked,
                participant=locked,
                old_values={"restricted_to": before},
                new_values={"restricted_to": after},
            )
    return sorted(named.values(), key=lambda user: (user.last_name, user.first_name, user.pk))


def _staff_names(staff: Iterable[User]) -> list[str]:
    """Names with usernames, so that two people of one name can be told apart in the log."""
    return sorted(f"{user.get_full_name() or user.username} ({user.username})" for user in staff)
