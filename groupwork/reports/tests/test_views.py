"""The reports page and its downloads: who may use them, the filters, the audit, the query
count, and that the CSV and the XLSX hold exactly the tables the page shows."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from typing import Any

import openpyxl  # type: ignore[import-untyped]  # openpyxl ships no types
import pytest
from django.test import Client

from groupwork.attendance.models import Outcome
from groupwork.audit.models import Action, AuditEvent
from groupwork.organisation.models import Role
from groupwork.organisation.tests.factories import UserFactory
from groupwork.reports.tests.fixtures import NOW, Builder, Fixture, build_fixture, day

pytestmark = pytest.mark.django_db

WHOLE_PERIOD = {
    "date_from_day": "1",
    "date_from_month": "1",
    "date_from_year": "2026",
    "date_to_day": "18",
    "date_to_month": "12",
    "date_to_year": "2026",
    "programme": "csogp",
}


@pytest.fixture
def fixture(time_machine: Any) -> Fixture:
    time_machine.move_to(NOW, tick=False)
    return build_fixture()


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


class PageTables(HTMLParser):
    """The page's tables as [caption, headings, rows...] of cell words."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None
        self.in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "caption":
            self.in_caption = True
            self.tables[-1].append([""])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in {"th", "td"}:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self.in_caption = False
        elif tag in {"th", "td"} and self.cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.in_caption:
            self.tables[-1][-1][0] += data.strip()
        elif self.cell is not None:
            self.cell.append(data)


def page_tables(html: str) -> list[list[list[str]]]:
    parser = PageTables()
    parser.feed(html)
    return parser.tables


def figures_of(html: str) -> dict[str, str]:
    """The page's key figures: the first table, below its caption and headings."""
    return {row[0]: row[1] for row in page_tables(html)[0][2:]}


def csv_tables(body: bytes) -> tuple[list[list[str]], list[list[list[str]]]]:
    """The lines about the report, then each table as [title, headings, rows...]."""
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    blocks: list[list[list[str]]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        else:
            blocks.append([])
    return blocks[0], blocks[1:]


def xlsx_words(cell: Any) -> str:
    """A spreadsheet cell in the page's words: shares as percentages, weeks to one place."""
    value = cell.value
    if cell.number_format == "0.0%":
        return f"{value * 100:.1f}%"
    if cell.number_format == "0.0":
        return f"{value:.1f}"
    return str(value)


# The page


def test_the_page_shows_every_measure_for_the_last_twelve_months(fixture: Fixture) -> None:
    response = signed_in(fixture.pm).get("/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "19 December 2025 to 18 December 2026" in html
    assert "All centres" in html
    tables = page_tables(html)
    assert [table[0][0] for table in tables][:3] == [
        "Key figures",
        "Referrals, starts and completions",
        "Men who left, by the stage they left at",
    ]
    assert len(tables) == 15
    key_figures = {row[0]: row[1] for row in tables[0][2:]}
    # Every record of the fixture from 2026 falls in the last 12 months too.
    assert key_figures["Starts"] == "10"
    assert key_figures["Completions"] == "3"
    # Charts: an image with a name, beside its table.
    assert html.count('role="img"') == 10
    assert '<title id="chart-flow-title">Referrals, starts and completions</title>' in html


def test_the_filters_choose_the_period_and_the_centre(fixture: Fixture) -> None:
    client = signed_in(fixture.chief)
    query = {**WHOLE_PERIOD, "centre": str(fixture.shrewsbury.pk)}
    html = client.get("/reports/", query).content.decode()
    key_figures = figures_of(html)
    assert key_figures["Starts"] == "1"
    assert key_figures["Referrals received"] == "1"
    assert "Shrewsbury Centre" in html
    spring = {**WHOLE_PERIOD, "date_to_day": "31", "date_to_month": "3"}
    key_figures = figures_of(client.get("/reports/", spring).content.decode())
    assert key_figures["Starts"] == "3"  # Adam, Ben, Carl on 2 March
    assert key_figures["Completions"] == "1"  # George in February


def test_a_period_that_ends_before_it_starts_is_refused(fixture: Fixture) -> None:
    query = {**WHOLE_PERIOD, "date_from_year": "2027"}
    response = signed_in(fixture.pm).get("/reports/", query)
    assert response.status_code == 200
    assert "The end of the period must be on or after its start" in response.content.decode()
    assert page_tables(response.content.decode()) == []
    download = signed_in(fixture.pm).get("/reports/download.csv", query)
    assert download.status_code == 400


def test_an_unknown_centre_is_refused(fixture: Fixture) -> None:
    response = signed_in(fixture.pm).get("/reports/", {**WHOLE_PERIOD, "centre": "999999"})
    assert "Select a valid choice" in response.content.decode()


def test_viewing_is_audited_once_with_the_filters(fixture: Fixture) -> None:
    signed_in(fixture.pm).get("/reports/", WHOLE_PERIOD)
    events = AuditEvent.objects.filter(action=Action.REPORT_VIEWED)
    assert events.count() == 1
    event = events.get()
    assert event.participant is None
    assert event.detail == {
        "period": "1 January 2026 to 18 December 2026",
        "centre": "All centres",
        "programme": "Community Sex Offender Groupwork Programme",
    }


def test_only_programme_managers_and_chief_officers(fixture: Fixture) -> None:
    for role in (Role.OFFENDER_MANAGER, Role.FACILITATOR, Role.MANAGER):
        user = UserFactory.create(role=role, area=fixture.area)
        assert signed_in(user).get("/reports/").status_code == 403
        assert signed_in(user).get("/reports/download.csv").status_code == 403
    assert signed_in(fixture.chief).get("/reports/").status_code == 200


def test_the_page_and_the_downloads_only_read(fixture: Fixture) -> None:
    client = signed_in(fixture.pm)
    assert client.post("/reports/").status_code == 405
    assert client.post("/reports/download.csv").status_code == 405


def test_reports_are_in_the_menu_of_those_who_may_see_them(fixture: Fixture) -> None:
    assert 'href="/reports/"' in signed_in(fixture.pm).get("/reports/").content.decode()
    officer_page = signed_in(fixture.officer).get("/programmes/").content.decode()
    assert 'href="/reports/"' not in officer_page


# Session, user, two-factor device, centres, programmes, ten for the figures
# (measures.gather), the audit row, and the session's save (savepoint, update, release).
REPORT_QUERIES = 19


def test_the_page_takes_the_same_number_of_queries_however_many_referrals(
    fixture: Fixture, django_assert_num_queries: Any
) -> None:
    client = signed_in(fixture.pm)
    with django_assert_num_queries(REPORT_QUERIES):
        client.get("/reports/", WHOLE_PERIOD)
    more_men(fixture, 8)
    with django_assert_num_queries(REPORT_QUERIES):
        response = client.get("/reports/", WHOLE_PERIOD)
    assert figures_of(response.content.decode())["Starts"] == "18"
    with django_assert_num_queries(REPORT_QUERIES):
        client.get("/reports/download.xlsx", WHOLE_PERIOD)


def more_men(fixture: Fixture, count: int) -> None:
    builder = Builder(fixture)
    for n in range(count):
        key = f"extra{n}"
        man = builder.man(key, ethnicity="White", date_of_birth=day(1, 1, 1990))
        builder.referral(
            key, man, recorded=day(5, 1), sentence=(day(5, 1), day(4, 30, 2028)), status="completed"
        )
        builder.place(key, "G2", day(6, 1))
        builder.mark("S2a", key, Outcome.ATTENDED)
        builder.close(key, on=day(11, 1), to="completed", stage="on_programme")
        builder.enforcement(key, failure=day(6, 8), due=day(6, 22))
        builder.complaint_stage(key, number=1, opened=day(7, 1), due=day(7, 15))


# The downloads


def test_the_csv_holds_the_tables_of_the_page(fixture: Fixture) -> None:
    client = signed_in(fixture.pm)
    page = page_tables(client.get("/reports/", WHOLE_PERIOD).content.decode())
    response = client.get("/reports/download.csv", WHOLE_PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="groupwork-report-2026-01-01-to-2026-12-18.csv"'
    )
    about, tables = csv_tables(response.content)
    assert about == [
        ["Report", "Groupwork measures"],
        ["Period", "1 January 2026 to 18 December 2026"],
        ["Centre", "All centres"],
        ["Programme", "Community Sex Offender Groupwork Programme"],
    ]
    assert tables == page
    assert AuditEvent.objects.filter(action=Action.REPORT_DOWNLOADED).get().detail["format"] == (
        "csv"
    )


def test_the_xlsx_holds_the_tables_of_the_page(fixture: Fixture) -> None:
    client = signed_in(fixture.pm)
    page = page_tables(client.get("/reports/", WHOLE_PERIOD).content.decode())
    response = client.get("/reports/download.xlsx", WHOLE_PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == "About"
    sheets = [
        [
            line
            for line in ([xlsx_words(c) for c in row if c.value is not None] for row in sheet)
            if line
        ]
        for sheet in workbook.worksheets[1:]
    ]
    # Each sheet: title, headings, rows, then the table's notes (a single cell each).
    assert len(sheets) == len(page) == 15
    for sheet, table in zip(sheets, page, strict=True):
        assert sheet[: len(table)] == table
        assert all(len(line) == 1 for line in sheet[len(table) :])
    # Figures are numbers in the spreadsheet, not words.
    key_figures = workbook["Key figures"]
    values = {row[0].value: row[1] for row in key_figures.iter_rows(min_row=3)}
    assert values["Starts"].value == 10
    assert values["Completion rate (completed out of completed or ended early)"].value == 0.6
    assert values["Median weeks from sentence to start"].value == 6.0


def test_downloads_are_csv_or_xlsx_only(fixture: Fixture) -> None:
    client = signed_in(fixture.pm)
    assert client.get("/reports/download.pdf").status_code == 404
    assert client.get("/reports/download.").status_code == 404
    assert not AuditEvent.objects.filter(action=Action.REPORT_DOWNLOADED).exists()
