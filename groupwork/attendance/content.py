"""Which of a module's content sessions each group meeting covers.

Pure: the definition's module and pattern and a meeting's number in the group (block-week days
first, then the weekly meetings) give the content it covers. A cancelled meeting covers
nothing; its number passes to the next meeting.
"""

from __future__ import annotations

from groupwork.programmes.definition import Module, SessionSpec


def meeting_content(module: Module, pattern_code: str, number: int) -> tuple[SessionSpec, ...]:
    block = tuple(spec for spec in module.sessions if spec.block_week)
    if module.block_week is not None and number <= len(block):
        return (block[number - 1],)
    weekly_number = number - (len(block) if module.block_week is not None else 0)
    if weekly_number < 1 or weekly_number > module.meetings[pattern_code]:
        return ()
    return module.sessions_in_meeting(pattern_code, weekly_number)


def content_numbers(module: Module, pattern_code: str, number: int) -> list[int]:
    return [spec.number for spec in meeting_content(module, pattern_code, number)]


def content_titles(module: Module, numbers: list[int]) -> list[str]:
    titles = {spec.number: spec.title for spec in module.sessions}
    return [titles[number] for number in numbers if number in titles]
