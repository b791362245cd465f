"""The audit log page: newest first, filtered, paged by id so it stays fast as it grows."""

from typing import cast

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from groupwork.audit.models import Action, AuditEvent
from groupwork.audit.services import record_event
from groupwork.core.access import AUDIT_READERS, Scope, allow
from groupwork.core.forms import GovukDateField, GovukForm
from groupwork.organisation.models import Role, User

AUDIT_PAGE_SIZE = 50


class AuditFilterForm(GovukForm):
    actor = forms.CharField(label="Username", required=False, max_length=150)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *Action.choices]
    )
    case_reference = forms.CharField(label="Case reference", required=False, max_length=20)
    since = GovukDateField(label="From", required=False)
    until = GovukDateField(label="To", required=False)


@allow(AUDIT_READERS, scope=Scope.AREA_AUDIT)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = AuditFilterForm(request.GET or None)
    # What the page shows of the actor and the man, not their whole rows: a page holds 50.
    events = AuditEvent.objects.select_related("actor", "participant").only(
        "at",
        "action",
        "old_values",
        "new_values",
        "detail",
        "actor__username",
        "participant__case_reference",
    )
    if user.role != Role.SYSTEM_ADMIN:
        events = events.filter(area_id=user.area_pk)
    if form.is_bound and form.is_valid():
        events = filter_events(events, form.cleaned_data)
    before = request.GET.get("before", "")
    if before.isdigit():
        events = events.filter(id__lt=int(before))
    page = list(events.order_by("-id")[: AUDIT_PAGE_SIZE + 1])
    has_more = len(page) > AUDIT_PAGE_SIZE
    page = page[:AUDIT_PAGE_SIZE]
    record_event(
        acting_user=user,
        action=Action.AUDIT_LOG_VIEWED,
        detail={key: value for key, value in request.GET.items() if value},
    )
    query = request.GET.copy()
    if has_more:
        query["before"] = str(page[-1].id)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "errors": form.error_summary() if form.is_bound else [],
            "events": page,
            "next_query": query.urlencode() if has_more else "",
        },
    )


def filter_events(events: QuerySet[AuditEvent], filters: dict[str, object]) -> QuerySet[AuditEvent]:
    if filters.get("actor"):
        events = events.filter(actor__username=filters["actor"])
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("case_reference"):
        events = events.filter(participant__case_reference__iexact=filters["case_reference"])
    if filters.get("since"):
        events = events.filter(at__date__gte=filters["since"])
    if filters.get("until"):
        events = events.filter(at__date__lte=filters["until"])
    return events
