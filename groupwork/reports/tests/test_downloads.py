"""The download writers on their own: words and figures, and text a spreadsheet must not run."""

from __future__ import annotations

import io

import openpyxl  # type: ignore[import-untyped]  # openpyxl ships no types

from groupwork.reports.downloads import inert, report_csv, report_xlsx
from groupwork.reports.tables import Rate, Table, Weeks

TABLE = Table(
    key="t",
    title="Religion",
    columns=("Group", "Starts", "Weeks", "Rate"),
    rows=(
        ('=HYPERLINK("http://example.invalid")', 7, Weeks(-0.5), Rate(1, 4)),
        ("Christian", "fewer than 5", None, Rate(0, 0)),
    ),
    sheet_name="Religion",
    notes=("A note.",),
)
ABOUT = [("Report", "Groupwork measures"), ("Centre", "+Centre")]


def test_text_that_a_spreadsheet_would_run_is_made_inert() -> None:
    assert inert("=1+1") == "'=1+1"
    assert inert("@SUM(A1)") == "'@SUM(A1)"
    assert inert("-2") == "'-2"
    assert inert("White") == "White"


def test_the_csv_writes_words_and_leaves_figures_alone() -> None:
    text = report_csv(ABOUT, [TABLE]).decode("utf-8-sig")
    assert text.splitlines() == [
        "Report,Groupwork measures",
        "Centre,'+Centre",
        "",
        "Religion",
        "Group,Starts,Weeks,Rate",
        '"\'=HYPERLINK(""http://example.invalid"")",7,-0.5,25.0%',
        "Christian,fewer than 5,—,—",
    ]


def test_the_xlsx_keeps_figures_as_numbers_and_formulas_as_text() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(report_xlsx(ABOUT, [TABLE])))
    assert workbook.sheetnames == ["About", "Religion"]
    assert workbook["About"]["B2"].value == "'+Centre"
    sheet = workbook["Religion"]
    assert [cell.value for cell in sheet[2]] == ["Group", "Starts", "Weeks", "Rate"]
    label, starts, weeks, rate = sheet[3]
    assert label.data_type == "s"
    assert label.value == '\'=HYPERLINK("http://example.invalid")'
    assert starts.value == 7
    assert (weeks.value, weeks.number_format) == (-0.5, "0.0")
    assert (rate.value, rate.number_format) == (0.25, "0.0%")
    assert [cell.value for cell in sheet[4]] == ["Christian", "fewer than 5", "—", "—"]
    assert sheet["A6"].value == "A note."
