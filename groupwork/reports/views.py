"""The reports page (every measure for the chosen period, centre and programme, with charts
and their tables) and its downloads as CSV and XLSX.

The figures count every case of the user's area, restricted cases included, and name no man;
each view is audited once (REPORT_VIEWED, REPORT_DOWNLOADED) with the filters used.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import cast

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.core.access import REPORT_READERS, Scope, allow
from groupwork.core.figures import Counted, area_figures
from groupwork.organisation.models import Office, User
from groupwork.programmes.models import Programme
from groupwork.reports.downloads import FORMATS, report_csv, report_xlsx
from groupwork.reports.equality import equality_tables
from groupwork.reports.forms import ReportFilterForm
from groupwork.reports.measures import Filters, gather, measure_tables
from groupwork.reports.svg import bar_chart
from groupwork.reports.tables import Table, chart_bars, numeric_columns

# The page's sections: a heading and the keys of the tables under it, in order.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Summary", ("key-figures", "flow")),
    ("Who leaves, where and why", ("attrition-stage", "attrition-module", "attrition-reason")),
    ("Waiting and attendance", ("waiting", "attendance")),
    ("Enforcement", ("enforcement", "enforcement-actions")),
    ("Complaints and incidents", ("complaints", "incidents")),
    (
        "Equality of outcomes",
        ("equality-ethnicity", "equality-age", "equality-disability", "equality-religion"),
    ),
)


@dataclass(frozen=True)
class ShownTable:
    """A table as the page lays it out: its cells in words, its figures aligned right, and
    its chart, if it has one, beside it."""

    table: Table
    rows: list[list[tuple[str, bool]]]  # (words, is a figure) per cell
    numeric_headers: list[tuple[str, bool]]
    chart: SafeString | None


@dataclass(frozen=True)
class Report:
    form: ReportFilterForm
    counted: Counted[list[Table]] | None  # the tables and when; None when the filters are not valid
    key: tuple[Filters, datetime.date] | None = None  # what the tables were counted for

    @property
    def tables(self) -> list[Table]:
        return self.counted.value if self.counted else []

    @property
    def about(self) -> list[tuple[str, str]]:
        return [("Report", "Groupwork measures"), *self.form.described()]


def build_report(request: HttpRequest, user: User) -> Report:
    """The filter form from the request and, when it is valid, every table of the report."""
    today = timezone.localdate()
    form = ReportFilterForm(
        request.GET or None,
        centres=list(Office.objects.filter(area_id=user.area_pk, is_group_centre=True)),
        programmes=list(Programme.objects.order_by("name")),
        today=today,
    )
    if form.is_bound and not form.is_valid():
        return Report(form=form, counted=None)
    filters = form.filters(area_id=user.area_pk)
    if filters is None:
        return Report(form=form, counted=None)
    # The finished tables are kept, not the rows they were counted from: a few kilobytes to
    # read back, where an area's rows are megabytes.
    counted = area_figures("report", (filters, today), lambda: report_tables(filters, today))
    return Report(form=form, counted=counted, key=(filters, today))


def report_tables(filters: Filters, today: datetime.date) -> list[Table]:
    data = gather(filters)
    return measure_tables(data, today) + equality_tables(data)


def audit_detail(report: Report) -> dict[str, str]:
    return {label.lower(): text for label, text in report.form.described()}


def shown(table: Table) -> ShownTable:
    figures = numeric_columns(table)
    chart = None
    if table.chart is not None:
        chart = bar_chart(chart_id=f"chart-{table.key}", title=table.title, bars=chart_bars(table))
    return ShownTable(
        table=table,
        rows=[
            [(words, index in figures) for index, words in enumerate(row)]
            for row in table.displayed_rows()
        ],
        numeric_headers=[(name, index in figures) for index, name in enumerate(table.columns)],
        chart=chart,
    )


def sections_html(tables: list[Table]) -> SafeString:
    by_key = {table.key: shown(table) for table in tables}
    sections = [
        (heading, [by_key[key] for key in keys if key in by_key]) for heading, keys in SECTIONS
    ]
    html = render_to_string(
        "reports/_sections.html",
        {"sections": [(heading, items) for heading, items in sections if items]},
    )
    return mark_safe(html)  # noqa: S308 (rendered by the template, which escapes)


def report_sections(report: Report) -> SafeString:
    """The tables and their charts as the page shows them, kept as long as the figures they
    show: drawing 15 tables and their charts took longer than the rest of the page. They hold
    the area's figures alone, so they are kept under the same key."""
    counted = report.counted
    if counted is None:
        return SafeString("")
    return area_figures(
        "report-sections", (report.key, counted.counted_at), lambda: sections_html(counted.value)
    ).value


@allow(REPORT_READERS, scope=Scope.AREA_AGGREGATES)
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    report = build_report(request, user)
    record_event(acting_user=user, action=Action.REPORT_VIEWED, detail=audit_detail(report))
    form = report.form
    return render(
        request,
        "reports/report.html",
        {
            "form": form,
            "errors": form.error_summary() if form.is_bound else [],
            "about": report.about,
            "sections": report_sections(report),
            "tables": report.tables,
            "query": request.GET.urlencode(),
            "counted": report.counted,
        },
    )


@allow(REPORT_READERS, scope=Scope.AREA_AGGREGATES)
@require_GET
def report_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The page's tables as CSV or XLSX, for the same filters."""
    if fmt not in FORMATS:
        raise Http404("Reports download as CSV or XLSX.")
    user = cast(User, request.user)
    report = build_report(request, user)
    if not report.tables:
        return HttpResponseBadRequest(
            "The filters are not valid. Go back to the report and correct them.",
            content_type="text/plain; charset=utf-8",
        )
    record_event(
        acting_user=user,
        action=Action.REPORT_DOWNLOADED,
        detail={**audit_detail(report), "format": fmt},
    )
    write = report_csv if fmt == "csv" else report_xlsx
    response = HttpResponse(write(report.about, report.tables), content_type=FORMATS[fmt])
    chosen = report.form.chosen()
    response["Content-Disposition"] = (
        f'attachment; filename="groupwork-report-{chosen["date_from"]:%Y-%m-%d}-to-'
        f'{chosen["date_to"]:%Y-%m-%d}.{fmt}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
