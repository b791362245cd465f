"""A report as a download: CSV (one file, the tables one after another) or XLSX (a sheet per
table). Both hold the same tables as the page, in the same order and words; the spreadsheet
keeps figures as numbers (shares as percentages) so they can be worked with.

A spreadsheet program runs a cell that starts with "=", "+", "-" or "@" as a formula, so
such text (a man's own words for his religion, say) is written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]  # openpyxl ships no types
from openpyxl.styles import Font  # type: ignore[import-untyped]

from groupwork.reports.tables import Rate, Table, Value, Weeks, display

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}
ABOUT_SHEET = "About"


def inert(text: str) -> str:
    """Text a spreadsheet will show, never run."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: Value) -> str:
    return inert(value) if isinstance(value, str) else display(value)


def report_csv(about: Sequence[tuple[str, str]], tables: Sequence[Table]) -> bytes:
    """The report as CSV, UTF-8 with a byte order mark so that spreadsheet programs read
    its dashes and percent signs right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for label, text in about:
        writer.writerow([label, inert(text)])
    for table in tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.columns)
        writer.writerows([csv_cell(value) for value in row] for row in table.rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_cell(value: Value) -> tuple[object, str | None]:
    """The cell's value for the spreadsheet and its number format."""
    if isinstance(value, Rate):
        share = value.value
        return (display(value), None) if share is None else (share, "0.0%")
    if isinstance(value, Weeks):
        return value.weeks, "0.0"
    if isinstance(value, str):
        return inert(value), None
    if value is None:
        return display(value), None
    return value, None


def report_xlsx(about: Sequence[tuple[str, str]], tables: Sequence[Table]) -> bytes:
    workbook = Workbook()
    first = workbook.active
    first.title = ABOUT_SHEET
    for label, text in about:
        first.append([label, inert(text)])
    first.column_dimensions["A"].width = 20
    first.column_dimensions["B"].width = 60
    for table in tables:
        write_sheet(workbook.create_sheet(table.sheet_name), table)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_sheet(sheet: Any, table: Table) -> None:
    """Title in the first row, headings in the second, then a row per table row; the
    table's notes after a blank row."""
    sheet.append([table.title])
    sheet.append(list(table.columns))
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row_number, row in enumerate(table.rows, start=3):
        for column_number, value in enumerate(row, start=1):
            written, number_format = xlsx_cell(value)
            cell = sheet.cell(row=row_number, column=column_number, value=written)
            if number_format:
                cell.number_format = number_format
    sheet.column_dimensions["A"].width = 45
    for letter in "BCDEF":
        sheet.column_dimensions[letter].width = 18
    for offset, note in enumerate(table.notes):
        sheet.cell(row=len(table.rows) + 4 + offset, column=1, value=note)
