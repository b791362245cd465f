"""When a man would finish the programme, and whether that is before his sentence ends."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from groupwork.programmes.definition import Pathway, ProgrammeDefinition

AT_RISK_MARGIN = datetime.timedelta(weeks=8)


def longest_pathway(definition: ProgrammeDefinition) -> Pathway:
    def meetings(pathway: Pathway) -> int:
        total = 0
        for part in pathway.modules:
            module = definition.module(part.module)
            total += max(module.meetings.values()) if part.sessions == "all" else part.sessions
        return total

    return max(definition.pathways, key=meetings)


def programme_weeks(
    definition: ProgrammeDefinition,
    pathway_code: str | None,
    pattern_code: str,
    *,
    skip_closed: bool = False,
) -> int:
    """Weeks from the first session to the last for a pathway (the longest until he has one),
    meeting in `pattern_code` wherever a module runs that way; with `skip_closed`, only the
    rolling modules still ahead of a man who has finished his closed group."""
    pathway = definition.pathway(pathway_code) if pathway_code else longest_pathway(definition)
    weeks = 0
    for part in pathway.modules:
        module = definition.module(part.module)
        if skip_closed and module.mode == "closed":
            continue
        pattern = pattern_code if pattern_code in module.meetings else next(iter(module.meetings))
        meetings = module.meetings[pattern] if part.sessions == "all" else part.sessions
        per_week = len(definition.patterns[pattern].weekday_offsets)
        weeks += math.ceil(meetings / per_week) + (1 if module.block_week else 0)
    return weeks


@dataclass(frozen=True)
class Forecast:
    group_name: str | None
    starts: datetime.date | None
    finishes: datetime.date | None
    sentence_end: datetime.date

    @property
    def at_risk(self) -> bool:
        """No group yet, or finishing after (or within 8 weeks of) the end of his sentence."""
        return self.finishes is None or self.finishes > self.sentence_end - AT_RISK_MARGIN

    @property
    def explanation(self) -> str:
        if self.finishes is None:
            return "No suitable group has a place yet."
        if self.finishes > self.sentence_end:
            return "He would finish after his sentence ends."
        if self.at_risk:
            return "He would finish less than 8 weeks before his sentence ends."
        return "He would finish before his sentence ends."
