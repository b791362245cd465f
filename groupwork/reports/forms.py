"""The report's filters: a period, a centre and a programme, sent by GET so that a filtered
report has an address of its own (to bookmark, or to download)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, cast

from django import forms

from groupwork.core.forms import GovukDateField, GovukForm
from groupwork.organisation.models import Office
from groupwork.programmes.models import Programme
from groupwork.reports.measures import Filters

DEFAULT_PROGRAMME = "csogp"
ALL_CENTRES = "All centres"


def last_twelve_months(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """From the day after this date a year ago, to today."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return year_ago + datetime.timedelta(days=1), today


class ReportFilterForm(GovukForm):
    date_from = GovukDateField(label="From", required=False, help_text="For example, 1 4 2026")
    date_to = GovukDateField(label="To", required=False, help_text="For example, 31 3 2027")
    centre = forms.ChoiceField(label="Centre", required=False)
    programme = forms.ChoiceField(label="Programme", required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        centres: Sequence[Office],
        programmes: Sequence[Programme],
        today: datetime.date,
    ) -> None:
        self.defaults = last_twelve_months(today)
        self.centres = {str(centre.pk): centre for centre in centres}
        self.programmes = {programme.code: programme for programme in programmes}
        default_programme = (
            DEFAULT_PROGRAMME
            if DEFAULT_PROGRAMME in self.programmes
            else next(iter(self.programmes), "")
        )
        super().__init__(
            data,
            initial={
                "date_from": self.defaults[0],
                "date_to": self.defaults[1],
                "programme": default_programme,
            },
        )
        centre_field = cast(forms.ChoiceField, self.fields["centre"])
        centre_field.choices = [
            ("", ALL_CENTRES),
            *((pk, c.name) for pk, c in self.centres.items()),
        ]
        programme_field = cast(forms.ChoiceField, self.fields["programme"])
        programme_field.choices = [(code, p.name) for code, p in self.programmes.items()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start = cleaned.get("date_from") or self.defaults[0]
        end = cleaned.get("date_to") or self.defaults[1]
        if "date_from" not in self.errors and "date_to" not in self.errors and start > end:
            self.add_error("date_to", "The end of the period must be on or after its start")
        return cleaned

    def chosen(self) -> dict[str, Any]:
        """The filters as chosen, with the defaults for what was left blank. Call only on
        a form that is unbound or valid."""
        values: dict[str, Any] = dict(self.initial)
        if self.is_bound:
            values |= {name: value for name, value in self.cleaned_data.items() if value}
        return values

    def filters(self, *, area_id: int) -> Filters | None:
        """The filters for `measures.gather`, or None when there is no programme at all."""
        chosen = self.chosen()
        programme = self.programmes.get(chosen.get("programme", ""))
        if programme is None:
            return None
        centre = self.centres.get(chosen.get("centre", ""))
        return Filters(
            area_id=area_id,
            programme_id=programme.pk,
            centre_id=centre.pk if centre else None,
            start=chosen["date_from"],
            end=chosen["date_to"],
        )

    def described(self) -> list[tuple[str, str]]:
        """The filters in words, for the page and the top of a download."""
        chosen = self.chosen()
        programme = self.programmes.get(chosen.get("programme", ""))
        centre = self.centres.get(chosen.get("centre", ""))
        return [
            ("Period", f"{day_words(chosen['date_from'])} to {day_words(chosen['date_to'])}"),
            ("Centre", centre.name if centre else ALL_CENTRES),
            ("Programme", programme.name if programme else ""),
        ]


def day_words(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"
