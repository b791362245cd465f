"""The answer to a man's complaint, at each of its three stages, in plain words.

`complaint_response_context` is pure: it reads only the values it is given.
`complaint_response_for` gathers them from a stage loaded with `load_stage` (one query).
"""

from __future__ import annotations

import datetime
from typing import Any

from groupwork.casework.models import ComplaintOutcome, ComplaintStage
from groupwork.letters.enforcement import NoOfficeError, sending_office
from groupwork.letters.formatting import address_lines, letter_date
from groupwork.letters.rendering import letter_context, render_letter
from groupwork.organisation.models import Area, Office, Role, User

TEMPLATE = "letters/complaint_response.html"
TITLE = "Our answer to your complaint"
LAST_STAGE = 3
# What a stage's letter reads besides the stage: load them with it.
STAGE_RELATIONS = (
    "complaint__referral__participant__area",
    "complaint__referral__responsible_officer__office",
    "complaint__referral__responsible_officer__team__office",
    "handler__office",
    "handler__team__office",
)
OMBUDSMAN = "Prisons and Probation Ombudsman"
OMBUDSMAN_WEBSITE = "www.ppo.gov.uk"

# What we found, said to him in plain words.
FINDING_WORDS: dict[str, list[str]] = {
    ComplaintOutcome.UPHELD: ["We agree with your complaint.", "You were right to tell us."],
    ComplaintOutcome.PARTLY_UPHELD: [
        "We agree with part of your complaint.",
        "We do not agree with all of it.",
    ],
    ComplaintOutcome.NOT_UPHELD: [
        "We do not agree with your complaint.",
        "We think you were treated fairly.",
    ],
}

# The signer's job, in the words he knows.
SIGNED_AS: dict[str, str] = {
    Role.OFFENDER_MANAGER: "Probation officer",
    Role.MANAGER: "Manager",
    Role.PROGRAMME_MANAGER: "Programme manager",
    Role.CHIEF_OFFICER: "Chief Officer",
}

# Who looked at it, by stage.
WHO_LOOKED: dict[int, str] = {
    1: "We looked at your complaint with care.",
    2: "A manager looked at your complaint again.",
    3: "The Chief Officer looked at your complaint.",
}


def complaint_response_context(  # noqa: PLR0913  (keyword-only: the letter's facts, named)
    *,
    man_name: str,
    man_address: str,
    stage_number: int,
    outcome: str,
    response: str,
    received_on: datetime.date,
    office: Office,
    area: Area,
    signed_by: str,
    signed_as: str,
    today: datetime.date,
) -> dict[str, Any]:
    """The context of `letters/complaint_response.html`. `response`: what we will do, as the
    handler wrote it; `office`: where he calls with a question."""
    if outcome not in FINDING_WORDS:
        raise ValueError(f"Not a complaint outcome: {outcome!r}")
    if stage_number not in WHO_LOOKED:
        raise ValueError(f"A complaint has stages 1 to 3, not {stage_number}.")
    return {
        **letter_context(
            area=area,
            office=office,
            recipient_name=man_name,
            recipient_address=man_address,
            today=today,
            title=TITLE,
            signatory=signed_by,
        ),
        "signed_as": signed_as,
        "stage": stage_number,
        "final": stage_number == LAST_STAGE,
        "received_on": letter_date(received_on),
        "who_looked": WHO_LOOKED[stage_number],
        "finding": FINDING_WORDS[outcome],
        "what_we_will_do": [line.strip() for line in response.splitlines() if line.strip()],
        "complaints_address_lines": address_lines(area.complaints_address),
        "ombudsman": OMBUDSMAN,
        "ombudsman_website": OMBUDSMAN_WEBSITE,
        "contact": {"name": office.name, "phone": office.phone},
    }


def letter_office(officer: User, handler: User) -> Office:
    """His officer's office (or their team's), else the handler's. Both must be loaded with
    their office and their team's office."""
    try:
        return sending_office(officer)
    except NoOfficeError:
        return sending_office(handler)


def complaint_response_for(
    stage: ComplaintStage, *, today: datetime.date, signed_by: User | None = None
) -> dict[str, Any]:
    """Everything the answer to one stage needs, from the stage as given (answered, with its
    complaint's referral, participant, area, officer and handler and their offices loaded).
    Signed by whoever answered (`signed_by`), the stage's handler when not given."""
    referral = stage.complaint.referral
    man = referral.participant
    handler = stage.handler
    signer = signed_by or handler
    return complaint_response_context(
        man_name=man.full_name,
        man_address="\n".join([man.address, man.postcode]),
        stage_number=stage.number,
        outcome=stage.outcome,
        response=stage.response,
        received_on=stage.complaint.received_on,
        office=letter_office(referral.responsible_officer, handler),
        area=man.area,
        signed_by=signer.get_full_name() or signer.username,
        signed_as=SIGNED_AS.get(signer.role, ""),
        today=today,
    )


def load_stage(stage_id: int) -> ComplaintStage:
    """A stage with everything its letter reads, in one query."""
    return ComplaintStage.objects.select_related(*STAGE_RELATIONS).get(pk=stage_id)


def complaint_response_pdf(
    stage: ComplaintStage, *, today: datetime.date, signed_by: User | None = None
) -> bytes:
    return render_letter(
        TEMPLATE, complaint_response_for(stage, today=today, signed_by=signed_by)
    ).pdf
