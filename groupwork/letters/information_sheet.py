"""The information sheet for men coming to a group centre, in two versions: easy read (one
idea a line, larger type, simple headings) and large print (at least 16 point).

The words are the project's own, for a reading age of about nine, and are the same in both
versions: `information_sheet_context` lays them out as lines or as paragraphs. It is pure:
it reads only the centre and the area it is given. The sheet is printed on demand and not
kept: it is about no one man.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from groupwork.letters.formatting import address_lines
from groupwork.letters.rendering import render_letter
from groupwork.organisation.models import Area, Office

TEMPLATE = "letters/information_sheet.html"
EASY_READ = "easy-read"
LARGE_PRINT = "large-print"
VERSIONS = {EASY_READ: "Easy read", LARGE_PRINT: "Large print"}


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...]
    # The area's address for written complaints follows the lines.
    complaints_address: bool = False


def sections(*, centre_name: str) -> tuple[Section, ...]:
    """What the sheet says, one idea a line."""
    return (
        Section(
            "What is the group?",
            (
                "You will meet with a small group of other men.",
                "Two members of staff run the group.",
                "You will talk and learn together.",
                "You will learn new ways to deal with problems.",
                "You will learn to make good choices.",
            ),
        ),
        Section(
            "Sessions",
            (
                "The group meets in sessions.",
                f"The sessions are at {centre_name}.",
                "Your letter tells you the days and the times.",
                "You will also meet your probation officer on your own.",
            ),
        ),
        Section(
            "When you come",
            (
                "Come on time.",
                "Do not drink or take drugs before you come.",
                "Treat everyone with respect.",
                "Do not tell others what the men in the group say.",
                "Join in with the work.",
                "Do your work for the group on time.",
            ),
        ),
        Section(
            "Every session counts",
            (
                "You must come to every session.",
                "If you miss a session, you must do a catch-up session.",
                "Then you can go on with the group.",
                "If you miss a session for no good reason, your officer will take action.",
                "You could be sent back to court.",
            ),
        ),
        Section(
            "If you are ill",
            (
                "Tell your probation officer as soon as you can.",
                "Get a note from your doctor.",
                "Give the note to your probation officer within five working days.",
                "Weekends and bank holidays are not working days.",
            ),
        ),
        Section(
            "If you are not happy",
            (
                "You can complain if you think we did not treat you fairly.",
                "First, talk to your probation officer.",
                "Or talk to their manager.",
                "Still not happy? Write to the Chief Officer at this address:",
            ),
            complaints_address=True,
        ),
    )


def information_sheet_context(*, centre: Office, area: Area, version: str) -> dict[str, Any]:
    """The context of `letters/information_sheet.html`. `version`: EASY_READ or LARGE_PRINT
    (KeyError otherwise)."""
    label = VERSIONS[version]
    return {
        "title": f"Your group at {centre.name}",
        "version": version,
        "version_label": label,
        "large_print": version == LARGE_PRINT,
        "area_name": area.name,
        "sections": sections(centre_name=centre.name),
        "complaints_address_lines": address_lines(area.complaints_address),
        "centre": {
            "name": centre.name,
            "address_lines": address_lines(centre.address) or [centre.town],
            "phone": centre.phone,
        },
    }


def information_sheet_pdf(*, centre: Office, area: Area, version: str) -> bytes:
    context = information_sheet_context(centre=centre, area=area, version=version)
    return render_letter(TEMPLATE, context).pdf
