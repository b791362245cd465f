"""The capacity forecast page: Induction groups needed per centre and quarter, next 12 months."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.core.access import REPORT_READERS, Scope, allow
from groupwork.organisation.models import User
from groupwork.programmes.models import Programme
from groupwork.reports.capacity import QuarterForecast, assumptions, forecast
from groupwork.reports.capacity_chart import capacity_chart
from groupwork.reports.capacity_data import gather_inputs

DEFAULT_PROGRAMME = "csogp"


@dataclass(frozen=True)
class TableRow:
    quarter: str
    figures: QuarterForecast


@dataclass(frozen=True)
class TableBlock:
    """One centre's rows (or the area's), headed by its name."""

    name: str
    rows: tuple[TableRow, ...]


@allow(REPORT_READERS, scope=Scope.AREA_AGGREGATES)
@require_GET
def capacity_forecast(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    programmes = list(Programme.objects.order_by("name"))
    programme = _chosen(programmes, request.GET.get("programme") or DEFAULT_PROGRAMME)
    data = gather_inputs(area_id=user.area_pk, programme=programme, today=timezone.localdate())
    result = forecast(data.inputs)
    labels = [quarter.label for quarter in data.quarters]
    blocks = [
        TableBlock(name=centre.centre, rows=_rows(labels, centre.quarters))
        for centre in result.centres
    ]
    record_event(
        acting_user=user,
        action=Action.REPORT_VIEWED,
        detail={"report": "capacity forecast", "programme": programme.code},
    )
    return render(
        request,
        "reports/capacity.html",
        {
            "programme": programme,
            "programmes": programmes,
            "data": data,
            "forecast": result,
            "blocks": blocks,
            "area_block": TableBlock(name="All centres", rows=_rows(labels, result.area)),
            "chart": capacity_chart(result.centres, labels) if result.centres else None,
            "assumptions": [*data.notes, *assumptions(data.inputs)],
        },
    )


def _chosen(programmes: list[Programme], code: str) -> Programme:
    for programme in programmes:
        if programme.code == code:
            return programme
    raise Http404("No such programme")


def _rows(labels: list[str], quarters: tuple[QuarterForecast, ...]) -> tuple[TableRow, ...]:
    return tuple(
        TableRow(quarter=label, figures=figures)
        for label, figures in zip(labels, quarters, strict=True)
    )
