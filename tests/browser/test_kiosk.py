"""A man answers a demonstration questionnaire himself on a centre device in kiosk mode.

While the kiosk is open the device reaches nothing but his questionnaire; only a member of
staff signing in ends it, and then his scores are on his record.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Error, Page, expect

from groupwork.assessment.models import Administration
from tests.browser.conftest import AssertAccessible, SignIn
from tests.browser.helpers import PASSWORD, error_summary

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONNAIRE = "Everyday coping (demonstration)"
REFUSED = "This device is being used for a questionnaire"
INTRODUCTION = "There are no right or wrong answers."

# What he answers to questions 1 to 8 of demo-coping. Questions 2, 4, 6 and 8 are
# reverse-keyed (0 to 3 scores 3 to 0), so managing feelings (1-4) is 3 + 3 + 2 + 2 = 10
# and support and empathy (5-8) is 3 + 3 + 2 + 3 = 11.
ANSWERS = {
    1: "A lot",
    2: "Not at all",
    3: "Quite a lot",
    4: "A little",
    5: "A lot",
    6: "Not at all",
    7: "Quite a lot",
    8: "Not at all",
}
SCORES = {"Managing feelings": 10, "Support and empathy": 11}


def font_size_px(page: Page, selector: str) -> float:
    size = page.locator(selector).first.evaluate("(node) => getComputedStyle(node).fontSize")
    return float(str(size).removesuffix("px"))


def expect_question(page: Page, number: int) -> None:
    expect(page).to_have_title(f"Question {number} of 8 – Groupwork")
    expect(page.locator("#progress")).to_have_text(f"Question {number} of 8")


def answer(page: Page, label: str) -> None:
    page.get_by_role("group").get_by_label(label, exact=True).check()


def open_kiosk_for_the_worcester_man(
    page: Page, world: Any, assert_accessible: AssertAccessible
) -> None:
    """From the caseload to his record, his questionnaire, and the kiosk's first question."""
    man = world.worcester_man
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload").click()
    page.get_by_role("link", name=f"{man.last_name}, {man.first_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(man.full_name)
    questionnaires = page.get_by_role("table", name="Questionnaires")
    row = questionnaires.get_by_role("row").filter(has_text=QUESTIONNAIRE)
    expect(row).to_contain_text("Started")
    row.get_by_role("link", name=QUESTIONNAIRE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTIONNAIRE)
    assert_accessible(page)
    page.get_by_role("button", name="Open the kiosk on this device").click()
    expect(page).to_have_url(re.compile(r"/kiosk/$"))
    expect_question(page, 1)


def answer_every_question(page: Page, assert_accessible: AssertAccessible) -> None:
    """From question 1 to "Thank you": one question a screen, large, read aloud on request."""
    # The kiosk: no menu, no footer, large text, the introduction before question 1.
    expect(page.locator("body")).to_have_class(re.compile(r"\bgw-kiosk\b"))
    expect(page.get_by_role("navigation")).to_have_count(0)
    expect(page.locator("footer")).to_have_count(0)
    expect(page.get_by_text(INTRODUCTION, exact=False)).to_be_visible()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("When I feel angry, I can calm myself down.")
    assert font_size_px(page, "h1") >= 36
    assert font_size_px(page, ".govuk-radios__label") >= 24
    expect(page.get_by_role("button", name="Back")).to_have_count(0)
    assert_accessible(page)

    # Read aloud: speech synthesis exists in Chromium, so the button shows and works.
    read_aloud = page.get_by_role("button", name="Read it to me")
    expect(read_aloud).to_be_visible()
    read_aloud.click()

    answer(page, ANSWERS[1])
    page.get_by_role("button", name="Next").click()
    expect_question(page, 2)
    expect(page.get_by_text(INTRODUCTION, exact=False)).to_have_count(0)

    # Back from question 2 keeps both answers.
    answer(page, ANSWERS[2])
    page.get_by_role("button", name="Back").click()
    expect_question(page, 1)
    expect(page.get_by_label(ANSWERS[1], exact=True)).to_be_checked()
    page.get_by_role("button", name="Next").click()
    expect_question(page, 2)
    expect(page.get_by_label(ANSWERS[2], exact=True)).to_be_checked()
    page.get_by_role("button", name="Next").click()

    for number in range(3, 9):
        expect_question(page, number)
        expect(page.locator("progress")).to_have_attribute("value", str(number))
        if number == 5:
            assert_accessible(page)
        answer(page, ANSWERS[number])
        page.get_by_role("button", name="Next").click()

    expect(heading).to_have_text("You have answered every question")
    assert_accessible(page)
    page.get_by_role("button", name="Finish").click()
    expect(heading).to_have_text("Thank you")
    expect(page.get_by_text("Please tell a member of staff that you have")).to_be_visible()
    assert_accessible(page)


def expect_every_other_page_refused(
    page: Page, live_server: Any, world: Any, assert_accessible: AssertAccessible
) -> None:
    """Every other page is refused while the kiosk is open, signing out by GET included."""
    man = world.worcester_man
    for path in [
        "/",
        "/participants/",
        f"/participants/{man.pk}/",
        "/groups/",
        "/audit/",
        "/admin/",
        "/sign-out/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 403, path
        expect(page.get_by_role("heading", level=1)).to_have_text(REFUSED)
        expect(page.get_by_text(man.last_name)).to_have_count(0)
        if path == "/":
            assert_accessible(page)


def end_the_kiosk(page: Page, live_server: Any, assert_accessible: AssertAccessible) -> None:
    """A wrong password leaves it locked; fac.worcester's own ends it."""
    page.get_by_role("link", name="Staff: end the questionnaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff: end the questionnaire")
    page.get_by_label("Staff username").fill("fac.worcester")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in and end").click()
    expect(error_summary(page)).to_contain_text("Enter a correct staff username and password.")
    expect(page).to_have_title(re.compile(r"^Error: Staff: end the questionnaire"))
    assert_accessible(page)
    response = page.goto(f"{live_server.url}/participants/")
    assert response is not None and response.status == 403  # still locked
    page.go_back()

    page.get_by_label("Staff username").fill("fac.worcester")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in and end").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTIONNAIRE)
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bgw-kiosk\b"))


def test_a_man_answers_in_the_kiosk_and_his_scores_reach_his_record(
    page: Page,
    live_server: Any,
    world: Any,
    sign_in: SignIn,
    assert_accessible: AssertAccessible,
) -> None:
    page_errors: list[Error] = []

    def keep(error: Error) -> None:
        page_errors.append(error)

    page.on("pageerror", keep)
    man = world.worcester_man
    sign_in("fac.worcester")
    open_kiosk_for_the_worcester_man(page, world, assert_accessible)
    answer_every_question(page, assert_accessible)
    expect_every_other_page_refused(page, live_server, world, assert_accessible)
    page.get_by_role("link", name="Go back to the questions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    end_the_kiosk(page, live_server, assert_accessible)

    scores = page.get_by_role("table", name="Scores")
    for scale, score in SCORES.items():
        expect(scores.get_by_role("row").filter(has_text=scale)).to_contain_text(str(score))
    assert_accessible(page)

    page.get_by_role("link", name="Back to his record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(man.full_name)
    row = (
        page.get_by_role("table", name="Questionnaires")
        .get_by_role("row")
        .filter(has_text=QUESTIONNAIRE)
    )
    expect(row).to_contain_text("Completed")
    for scale, score in SCORES.items():
        expect(row).to_contain_text(re.compile(rf"{scale}: {score}(?!\d)"))
    assert_accessible(page)

    administration = Administration.objects.get(pk=world.worcester_administration.pk)
    assert administration.is_completed
    assert administration.mode == "kiosk"
    assert administration.answers_by_item() == {1: 3, 2: 0, 3: 2, 4: 1, 5: 3, 6: 0, 7: 2, 8: 0}
    assert page_errors == []


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_the_kiosk_works_without_javascript(
    page: Page,
    live_server: Any,
    world: Any,
    sign_in: SignIn,
    assert_accessible: AssertAccessible,
) -> None:
    sign_in("fac.worcester")
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))
    open_kiosk_for_the_worcester_man(page, world, assert_accessible)

    # No speech without scripts: the button stays hidden.
    expect(page.get_by_role("button", name="Read it to me")).to_be_hidden()
    assert_accessible(page)
    answer(page, "Quite a lot")
    page.get_by_role("button", name="Next").click()
    expect_question(page, 2)
    assert world.worcester_administration.answers_by_item() == {1: 2}
