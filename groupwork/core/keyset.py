"""Keyset pagination for lists that only grow (the caseload, messages, incidents).

A page is found by the sort key of the row before it, not by an offset: the database reads
one index range, however deep the page, and a row added meanwhile does not shift the pages.
The position travels in the address as a signed token, so it cannot be edited into a filter;
the queryset given is already limited to what the user may see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Q, QuerySet
from django.http import QueryDict

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    object_list: list[M]
    previous_query: str  # the address's query string for the page before; "" on the first
    next_query: str  # and for the page after; "" on the last

    @property
    def has_other_pages(self) -> bool:
        return bool(self.previous_query or self.next_query)


def keyset_page(
    queryset: QuerySet[M], *, key: tuple[str, ...], params: QueryDict, size: int
) -> KeysetPage[M]:
    """One page of `queryset` in the order of `key` (fields, "-" for descending, ending in a
    unique field). `params` is the request's query string: its `after` or `before` token
    says where the page starts; every other parameter (a search) is kept in the links."""
    before = _position(params.get("before", ""), key)
    after = _position(params.get("after", ""), key) if before is None else None
    if before is not None:
        rows = list(
            queryset.filter(_beyond(_reversed(key), before)).order_by(*_reversed(key))[: size + 1]
        )
        more_before, rows = len(rows) > size, rows[:size][::-1]
        more_after = True
    else:
        ordered = queryset.order_by(*key)
        if after is not None:
            ordered = ordered.filter(_beyond(key, after))
        rows = list(ordered[: size + 1])
        more_after, rows = len(rows) > size, rows[:size]
        more_before = after is not None
    return KeysetPage(
        object_list=rows,
        previous_query=_query(params, "before", rows[0], key) if more_before and rows else "",
        next_query=_query(params, "after", rows[-1], key) if more_after and rows else "",
    )


def _reversed(key: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(field[1:] if field.startswith("-") else f"-{field}" for field in key)


def _beyond(key: tuple[str, ...], values: list[Any]) -> Q:
    """Rows strictly after `values` in the order of `key`: (a, b, c) > (x, y, z) spelt out."""
    condition = Q()
    for index, field in enumerate(key):
        name = field.removeprefix("-")
        step = Q(**{f"{name}__{'lt' if field.startswith('-') else 'gt'}": values[index]})
        for earlier, value in zip(key[:index], values[:index], strict=True):
            step &= Q(**{earlier.removeprefix("-"): value})
        condition |= step
    return condition


def _value(row: Model, field: str) -> Any:
    value: Any = row
    for part in field.removeprefix("-").split("__"):
        value = getattr(value, part)
    return value


def _query(params: QueryDict, direction: str, row: Model, key: tuple[str, ...]) -> str:
    values = json.loads(json.dumps([_value(row, field) for field in key], cls=DjangoJSONEncoder))
    query = params.copy()
    query.pop("after", None)
    query.pop("before", None)
    query[direction] = signing.dumps(values, salt=_salt(key), compress=True)
    return query.urlencode()


def _salt(key: tuple[str, ...]) -> str:
    """Signs a token for one order, so a token from another list is refused, not misread."""
    return f"groupwork.keyset:{','.join(key)}"


def _position(token: str, key: tuple[str, ...]) -> list[Any] | None:
    """The key values a token holds; None for no token, or one that was edited."""
    if not token:
        return None
    try:
        values = signing.loads(token, salt=_salt(key))
    except signing.BadSignature:
        return None
    return values if isinstance(values, list) and len(values) == len(key) else None
