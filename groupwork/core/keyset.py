"""Keyset pagination for lists that only grow (the caseload, messages, incidents).

A page is found by the sort key of the row before it, not by an offset: the database reads
one index range, however deep the page, and a row added meanwhile does not shift the pages.
The position travels in the address as a signed token holding only the id of the row before
(or after) the page, never its sort values: a man's name must not appear in an address, where
access logs would keep it. The row's sort values are read back through the queryset given,
which is already limited to what the user may see, so a token for a row the user may not see
gives the first page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core import signing
from django.core.exceptions import ValidationError
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
    before = _position(queryset, params.get("before", ""), key)
    after = _position(queryset, params.get("after", ""), key) if before is None else None
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


def _query(params: QueryDict, direction: str, row: Model, key: tuple[str, ...]) -> str:
    query = params.copy()
    query.pop("after", None)
    query.pop("before", None)
    query[direction] = signing.dumps(str(row.pk), salt=_salt(key))
    return query.urlencode()


def _salt(key: tuple[str, ...]) -> str:
    """Signs a token for one list's order, so a token from another list is refused."""
    return f"groupwork.keyset:{','.join(key)}"


def _position(queryset: QuerySet[M], token: str, key: tuple[str, ...]) -> list[Any] | None:
    """The sort values of the row a token names, read through `queryset`; None for no token,
    one that was edited, or a row gone or not visible (the first page is shown)."""
    if not token:
        return None
    try:
        pk = signing.loads(token, salt=_salt(key))
    except signing.BadSignature:
        return None
    fields = [field.removeprefix("-") for field in key]
    try:
        row = queryset.order_by().filter(pk=pk).values(*fields).first()
    except (ValueError, ValidationError):  # not a key of this table
        return None
    return [row[field] for field in fields] if row else None
