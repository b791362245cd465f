"""A chief officer reads the reports: chooses a period and a centre by the form's labels,
reads a chart's table, and downloads the spreadsheet. The page is checked with axe-core, with
JavaScript on and off."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from groupwork.reports.tests.fixtures import build_fixture
from tests.browser.conftest import AssertAccessible, SignIn

pytestmark = pytest.mark.django_db(transaction=True)


def choose_period(page: Page) -> None:
    for legend, (day, month, year) in (("From", ("1", "1", "2026")), ("To", ("18", "12", "2026"))):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(day)
        group.get_by_label("Month").fill(month)
        group.get_by_label("Year").fill(year)


def test_a_chief_officer_reads_and_downloads_the_reports(
    page: Page, live_server: Any, sign_in: SignIn, assert_accessible: AssertAccessible
) -> None:
    build_fixture()
    sign_in("chief.fixture")
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    assert_accessible(page)

    choose_period(page)
    page.get_by_label("Centre").select_option(label="Shrewsbury Centre")
    page.get_by_role("button", name="Show the report").click()
    key_figures = page.get_by_role("table", name="Key figures")
    expect(key_figures.get_by_role("row", name="Starts")).to_contain_text("1")
    expect(page.get_by_role("img", name="Incidents by kind")).to_be_visible()
    incidents = page.get_by_role("table", name="Incidents by kind")
    expect(incidents.get_by_role("row", name="Other disrespectful behaviour")).to_contain_text("1")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX (spreadsheet)").click()
    assert download.value.suggested_filename == "groupwork-report-2026-01-01-to-2026-12-18.xlsx"


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_the_reports_work_without_javascript(
    page: Page, live_server: Any, sign_in: SignIn, assert_accessible: AssertAccessible
) -> None:
    build_fixture()
    sign_in("pm.fixture")
    page.goto(f"{live_server.url}/reports/")
    choose_period(page)
    page.get_by_role("button", name="Show the report").click()
    starts = page.get_by_role("table", name="Key figures").get_by_role("row", name="Starts")
    expect(starts).to_contain_text("10")
    expect(page.get_by_role("table", name="Equality: outcomes by age band")).to_contain_text(
        "fewer than 5"
    )
    assert_accessible(page)
