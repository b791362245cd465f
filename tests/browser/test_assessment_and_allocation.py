"""An offender manager scores a man's risk, gives him a questionnaire and records his pathway;
a programme manager proposes and confirms places for the men waiting; the chief officer reads
the waiting list. Every page is checked with axe, error pages included."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from groupwork.groups import services as group_services
from groupwork.groups.models import Group, Membership, Weekday
from groupwork.letters.models import Letter
from groupwork.organisation.models import Role
from groupwork.organisation.tests.factories import OfficeFactory, UserFactory
from groupwork.programmes.models import Programme
from groupwork.referrals.models import Referral
from groupwork.referrals.tests.factories import ReferralFactory
from tests.browser.conftest import AssertAccessible, SignIn
from tests.browser.helpers import error_summary, fieldset

pytestmark = pytest.mark.django_db(transaction=True)

WAITING = "awaiting_allocation"
MEN_WAITING = 8  # the programme's minimum group size
# How long the optimiser may take (it stops itself at 10 seconds), with room to spare.
SOLVER_WAIT_MS = 30_000

# The demonstration questionnaire: items 1, 3, 5 and 7 score as answered, 2, 4, 6 and 8 reversed,
# so these answers put both scales at 0, below their cut-off of 6.
LOW_ANSWERS = {n: "Not at all" if n % 2 else "A lot" for n in range(1, 9)}
QUESTIONS = {
    1: "When I feel angry, I can calm myself down.",
    2: "I lose my temper over small things.",
    3: "I can tell someone when I feel upset.",
    4: "When things go wrong, I give up.",
    5: "I have people I can talk to.",
    6: "I spend most of my time on my own.",
    7: "I think about how other people feel.",
    8: "I think what I did hurt nobody.",
}


def success_banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner--success")


def assessment_row(page: Page, key: str) -> Locator:
    """A row of the record's Assessment summary list, by its key."""
    return page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=key)
    )


def score_risk(page: Page, assert_accessible: AssertAccessible) -> None:
    """From his record: the risk page, its error page, then a Medium score."""
    assessment_row(page, "Risk Matrix 2000/S").get_by_role("link", name="Score risk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Score risk: Risk Matrix 2000/S")
    assert_accessible(page)

    page.get_by_role("button", name="Score").click()
    summary = error_summary(page)
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Enter his age at commencement of risk",
            "Enter the number of sentencing occasions for sexual offences",
            "Enter the number of sentencing occasions for any offence",
        ]
    )
    assert_accessible(page)
    summary.get_by_role("link", name="Enter his age at commencement of risk").click()
    expect(page.get_by_label("Age at commencement of risk")).to_be_focused()

    # Age 30 is 1 point, one sexual appearance 0, two criminal appearances 0: Medium.
    page.get_by_label("Age at commencement of risk").fill("30")
    page.get_by_label("Sentencing occasions for sexual offences").fill("1")
    page.get_by_label("Sentencing occasions for any offence").fill("2")
    page.get_by_role("button", name="Score").click()
    expect(success_banner(page)).to_contain_text("Risk Matrix 2000/S: medium.")
    expect(assessment_row(page, "Risk Matrix 2000/S")).to_contain_text("Medium")
    assert_accessible(page)


def answer_the_questionnaire(
    page: Page, man_name: str, assert_accessible: AssertAccessible
) -> None:
    """From his record: start the demonstration questionnaire before the programme, answer every
    question so both scales show a need, and finish it."""
    page.get_by_role("link", name="Start a questionnaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a questionnaire")
    assert_accessible(page)
    fieldset(page, "Occasion").get_by_label("Before the programme").check()
    # The choice is labelled by the questionnaire's code and version, not its name.
    fieldset(page, "Questionnaire").get_by_label("Everyday coping (demonstration)").check()
    fieldset(page, "How will he answer?").get_by_role("radio").first.check()
    page.get_by_role("button", name="Start").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Everyday coping (demonstration)")
    expect(page.locator(".govuk-caption-l")).to_contain_text(man_name)
    expect(page.locator(".govuk-warning-text")).to_contain_text("demonstration questionnaire")
    assert_accessible(page)
    for number, answer in LOW_ANSWERS.items():
        question = fieldset(page, f"{number}. {QUESTIONS[number]}")
        # Clicked by its label, as a person would.
        question.get_by_text(answer, exact=True).click()
        expect(question.get_by_label(answer, exact=True)).to_be_checked()
    page.get_by_role("button", name="Finish and score").click()

    expect(success_banner(page)).to_contain_text("The questionnaire is finished and scored.")
    questionnaires = page.get_by_role("table", name="Questionnaires")
    finished = questionnaires.get_by_role("row").filter(has_text="Before the programme")
    # Both scales at 0, past the cut-off.
    for scale in ("Managing feelings", "Support and empathy"):
        expect(finished).to_contain_text(f"{scale}: 0 (need)")
    assert_accessible(page)


def decide_the_pathway(page: Page, assert_accessible: AssertAccessible) -> None:
    """Medium risk with a need: the higher pathway is proposed, and recorded as proposed."""
    assessment_row(page, "Pathway").get_by_role("link", name="Decide the pathway").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pathway")
    proposal = page.locator(".govuk-inset-text")
    expect(proposal).to_contain_text("Proposed: Higher risk and need")
    expect(proposal).to_contain_text("risk category medium and high need")
    choice = fieldset(page, "Pathway").get_by_label("Higher risk and need")
    expect(choice).to_be_checked()
    assert_accessible(page)

    page.get_by_role("button", name="Record the pathway").click()
    expect(success_banner(page)).to_contain_text("Pathway recorded: Higher risk and need.")
    expect(assessment_row(page, "Pathway")).to_contain_text("Higher risk and need")
    assert_accessible(page)


def keep_him_apart(page: Page, other_name: str, assert_accessible: AssertAccessible) -> None:
    """From his record: the keep-apart page, its error page without a reason, then saved."""
    page.get_by_role("link", name="Keep him apart from another man").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Keep him apart from another man")
    assert_accessible(page)

    page.get_by_label("Keep him apart from").select_option(label=other_name)
    page.get_by_role("button", name="Save").click()
    summary = error_summary(page)
    expect(summary.get_by_role("link")).to_have_text(["Enter why they must be kept apart"])
    assert_accessible(page)
    summary.get_by_role("link", name="Enter why they must be kept apart").click()
    expect(page.get_by_label("Why", exact=True)).to_be_focused()

    page.get_by_label("Why", exact=True).fill("Co-defendants")
    page.get_by_role("button", name="Save").click()
    expect(success_banner(page)).to_contain_text("They will not be put in the same group.")
    assert_accessible(page)


def test_risk_questionnaire_pathway_and_keep_apart(
    page: Page,
    live_server: Any,
    world: Any,
    sign_in: SignIn,
    assert_accessible: AssertAccessible,
) -> None:
    man = world.worcester_man
    sign_in("om.worcester")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload").click()
    page.get_by_role("link", name=f"{man.last_name}, {man.first_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(man.full_name)
    expect(assessment_row(page, "Risk Matrix 2000/S")).to_contain_text("Not scored yet")
    expect(assessment_row(page, "Pathway")).to_contain_text("Not decided yet")
    assert_accessible(page)

    score_risk(page, assert_accessible)
    expect(page).to_have_url(f"{live_server.url}/participants/{man.pk}/")
    answer_the_questionnaire(page, man.full_name, assert_accessible)
    expect(page).to_have_url(f"{live_server.url}/participants/{man.pk}/")
    decide_the_pathway(page, assert_accessible)
    keep_him_apart(page, world.telford_man.full_name, assert_accessible)
    expect(page).to_have_url(f"{live_server.url}/participants/{man.pk}/")

    world.worcester_referral.refresh_from_db()
    assert world.worcester_referral.pathway == "higher"


def upcoming_group(world: Any) -> Group:
    """An Induction group starting on a Monday five to six weeks from today, run by two
    facilitators of its own, at a group centre of its own."""
    today = datetime.date.today()  # noqa: DTZ011  (the live server's today, in the test)
    start = today + datetime.timedelta(days=7 - today.weekday(), weeks=5)
    centre = OfficeFactory.create(area=world.area, name="Kidderminster Group Centre")
    facilitators = [
        UserFactory.create(role=Role.FACILITATOR, area=world.area),
        UserFactory.create(role=Role.FACILITATOR, area=world.area),
    ]
    return group_services.create_group(
        acting_user=world.users["pm.westmercia"],
        version=Programme.objects.get(code="csogp").current_version(),
        module_code="induction",
        pattern_code="half-days",
        name="Kidderminster Induction",
        centre=centre,
        room=None,
        start=start,
        weekday=Weekday.MONDAY,
        facilitators=facilitators,
    )


def waiting_men(world: Any, count: int) -> list[Referral]:
    return [
        ReferralFactory.create(
            participant__area=world.area,
            responsible_officer=world.users["om.worcester"],
            status_id=WAITING,
            sentence_end=datetime.date.today() + datetime.timedelta(days=3 * 365),  # noqa: DTZ011
        )
        for _ in range(count)
    ]


def waiting_list_table(page: Page) -> Locator:
    return page.get_by_role("table", name="Men waiting for a place, longest waiting first")


def test_propose_and_confirm_places_for_the_men_waiting(
    page: Page,
    live_server: Any,
    world: Any,
    sign_in: SignIn,
    assert_accessible: AssertAccessible,
) -> None:
    group = upcoming_group(world)
    men = waiting_men(world, MEN_WAITING)
    sign_in("pm.westmercia")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Waiting list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Waiting list")
    rows = waiting_list_table(page).locator("tbody tr")
    expect(rows).to_have_count(MEN_WAITING)
    for man in men:
        row = rows.filter(has=page.get_by_role("link", name=man.participant.full_name, exact=True))
        expect(row).to_have_count(1)
        expect(row).to_contain_text(group.name)  # his forecast: the next suitable group
    assert_accessible(page)

    page.get_by_role("button", name="Propose places for the men waiting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Proposed places", timeout=SOLVER_WAIT_MS
    )
    proposed = page.get_by_role("table", name="Men with a proposed place")
    proposed_rows = proposed.locator("tbody tr")
    expect(proposed_rows).to_have_count(MEN_WAITING)
    for man in men:
        name = man.participant.full_name
        row = proposed_rows.filter(has_text=name)
        expect(row).to_have_count(1)
        # Each man with his reason under his name, and the place chosen for him.
        who, *why = row.get_by_role("cell").first.inner_text().strip().splitlines()
        assert who == name
        assert "".join(why).strip(), f"no reason given for {name}"
        place = row.get_by_label(f"Place for {name}")
        expect(place).to_have_value(str(group.pk))
    # Nothing changes until the manager confirms.
    assert not Membership.objects.filter(referral__in=men).exists()
    assert_accessible(page)

    page.get_by_role("button", name="Confirm these places").click()
    expect(page).to_have_url(f"{live_server.url}/waiting-list/")
    expect(success_banner(page)).to_contain_text(
        f"{MEN_WAITING} men have places. Their letters are ready."
    )
    expect(waiting_list_table(page)).to_contain_text("Nobody is waiting.")
    assert_accessible(page)
    assert Membership.objects.filter(referral__in=men, group=group).count() == MEN_WAITING
    assert set(
        Referral.objects.filter(pk__in=[m.pk for m in men]).values_list("status", flat=True)
    ) == {"allocated"}

    # One placed man's record has his letter, a PDF.
    placed = men[0].participant
    page.goto(f"{live_server.url}/participants/{placed.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(placed.full_name)
    expect(page.get_by_role("heading", name="Letters")).to_be_visible()
    letter_link = page.get_by_role("link", name=re.compile(r"\(PDF\)$"))
    expect(letter_link).to_have_count(1)
    assert_accessible(page)
    href = letter_link.get_attribute("href")
    assert href is not None
    letter = Letter.objects.get(referral__participant=placed)
    assert href == f"/letters/{letter.pk}/"
    response = page.request.get(f"{live_server.url}{href}")
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_the_chief_officer_reads_the_waiting_list_but_cannot_propose(
    page: Page,
    live_server: Any,
    world: Any,
    sign_in: SignIn,
    assert_accessible: AssertAccessible,
) -> None:
    group = upcoming_group(world)
    men = waiting_men(world, 2)
    sign_in("chief.westmercia")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Waiting list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Waiting list")
    expect(page).to_have_url(f"{live_server.url}/waiting-list/")
    rows = waiting_list_table(page).locator("tbody tr")
    expect(rows).to_have_count(len(men))
    expect(rows.first).to_contain_text(group.name)
    expect(page.get_by_role("button", name="Propose places for the men waiting")).to_have_count(0)
    assert_accessible(page)

    # Proposing is refused to him, and the refusal page is checked too.
    response = page.goto(f"{live_server.url}/allocation/1/")
    assert response is not None
    assert response.status == 403  # noqa: PLR2004
    assert_accessible(page)
