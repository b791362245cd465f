"""The record the benchmarks time, chosen the same way by the page benchmark (bench/pages.py)
and the load test (bench/load/load_helper.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from groupwork.organisation.models import User
    from groupwork.participants.models import Participant


def longest_record(user: User) -> Participant | None:
    """The man with the most register marks among those `user` may read: the record page's
    reads grow with his record. Ties go to the first by case reference."""
    # Imported when called: the models need Django set up, which each caller does its own way.
    from django.db.models import Count  # noqa: PLC0415

    from groupwork.participants.models import Participant  # noqa: PLC0415

    return (
        Participant.objects.visible_to(user)
        .annotate(marks=Count("referrals__attendances"))
        .order_by("-marks", "case_reference")
        .first()
    )
