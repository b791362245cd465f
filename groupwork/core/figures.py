"""Area-wide figures kept for a few minutes: the reports and the chief officer's headlines.

They count a whole area's year of registers, which takes a second or more at national size,
and nobody needs them to the minute. Each is kept under its area and filters, so one area's
figures are never shown in another; they name no man, so every reader of an area's figures
sees the same ones (Scope.AREA_AGGREGATES). The page says when they were counted.
GROUPWORK_FIGURES_CACHE_SECONDS sets how long they are kept; 0 counts them afresh each time.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

T = TypeVar("T")


@dataclass(frozen=True)
class Counted(Generic[T]):
    value: T
    counted_at: datetime.datetime
    kept_for: int  # seconds; 0 when counted afresh for every page

    @property
    def kept_minutes(self) -> int:
        return max(1, round(self.kept_for / 60))


def area_figures(name: str, key: Hashable, count: Callable[[], T]) -> Counted[T]:
    """`count()`, or its result from the last few minutes for the same `name` and `key`.
    The key must hold the area, and every filter the figures depend on."""
    seconds: int = settings.GROUPWORK_FIGURES_CACHE_SECONDS
    if seconds <= 0:
        return Counted(count(), timezone.now(), 0)
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    cache_key = f"groupwork:figures:{name}:{digest}"
    kept: Counted[T] | None = cache.get(cache_key)
    if kept is None:
        kept = Counted(count(), timezone.now(), seconds)
        cache.set(cache_key, kept, seconds)
    return kept
