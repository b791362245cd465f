"""Addresses of pages that differ only in their numbers, reversed once and then filled in.

Reversing an address walks Django's URL patterns each time; a group's timetable or a man's
timeline links to a page for each of a hundred or more sessions, all of the same name.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import NoReverseMatch, reverse

# Stands for each number in the address reversed once: a number no key of ours reaches (the
# largest of PostgreSQL's integer), written out as Django's int converter writes any number.
NUMBER_MARKER = "2147483647"


def numbered_address(name: str, count: int) -> Callable[..., str]:
    """The address of page `name` for any `count` whole numbers, reversed once; raises
    NoReverseMatch as `reverse` does."""
    parts = reverse(name, args=[int(NUMBER_MARKER)] * count).split(NUMBER_MARKER)

    def address(*numbers: int) -> str:
        filled = [parts[0]]
        for number, part in zip(numbers, parts[1:], strict=True):
            if number < 0:  # the int converter takes digits only, as reverse would check
                raise NoReverseMatch(f"{name} takes no negative number")
            filled += [str(int(number)), part]
        return "".join(filled)

    return address
