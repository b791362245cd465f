"""Which of a module's content sessions each group meeting covers.

Pure: the definition's module and pattern and a meeting's number in the group (block-week days
first, then the weekly meetings) give the content it covers. A cancelled meeting covers
nothing; its number passes to the next meeting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from groupwork.programmes.definition import Module, SessionSpec

if TYPE_CHECKING:
    from groupwork.groups.models import Group


def meeting_content(module: Module, pattern_code: str, number: int) -> tuple[SessionSpec, ...]:
    block = module.block_week_sessions
    if module.block_week is not None and number <= len(block):
        return (block[number - 1],)
    weekly_number = number - (len(block) if module.block_week is not None else 0)
    if weekly_number < 1 or weekly_number > module.meetings[pattern_code]:
        return ()
    return module.sessions_in_meeting(pattern_code, weekly_number)


def content_numbers(group: Group, number: int) -> list[int]:
    return [spec.number for spec in group_meeting_content(group, number)]


def content_titles(module: Module, numbers: list[int]) -> list[str]:
    titles = {spec.number: spec.title for spec in module.sessions}
    return [titles[number] for number in numbers if number in titles]


def group_meeting_content(group: Group, number: int) -> tuple[SessionSpec, ...]:
    """The content a meeting of the group covers. A rolling group's meetings go round its
    module's content again and again, so its numbers wrap."""
    module = group.module_definition
    if module.mode == "rolling":
        meetings = module.meetings[group.pattern]
        number = (number - 1) % meetings + 1
    return meeting_content(module, group.pattern, number)
