"""Enforcement: the list of failures waiting for a decision, one failure, and the decision."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from groupwork.audit.models import Action
from groupwork.audit.services import record_event
from groupwork.core.access import ENFORCEMENT_DECIDERS, ENFORCEMENT_READERS, Scope, allow
from groupwork.enforcement import services
from groupwork.enforcement.fetch import get_enforcement_item_for, items_visible_to
from groupwork.enforcement.forms import EnforcementActionForm
from groupwork.enforcement.models import ActionTaken, EnforcementItem
from groupwork.organisation.models import Role, User

OPEN_PAGE_SIZE = 50
RECENT_DECISIONS = 20


@allow(ENFORCEMENT_READERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_GET
def enforcement_list(request: HttpRequest) -> HttpResponse:
    """Open items, overdue first, then by the date to act by; then recent decisions."""
    user = cast(User, request.user)
    today = timezone.localdate()
    visible = items_visible_to(user).select_related(
        "referral__participant", "referral__responsible_officer"
    )
    open_items = (
        visible.open()
        .annotate(
            overdue=Case(
                When(must_act_by__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-overdue", "must_act_by", "pk")
    )
    page = Paginator(open_items, OPEN_PAGE_SIZE).get_page(request.GET.get("page"))
    decided = visible.exclude(action_taken="").select_related("decided_by")
    record_event(
        acting_user=user,
        action=Action.CASELOAD_VIEWED,
        detail={"list": "enforcement", "page": page.number},
    )
    return render(
        request,
        "enforcement/list.html",
        {
            "page": page,
            "decided": decided.order_by("-decided_at", "-pk")[:RECENT_DECISIONS],
            "heading": "Your enforcement" if user.role == Role.OFFENDER_MANAGER else "Enforcement",
        },
    )


@allow(ENFORCEMENT_READERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_GET
def enforcement_item(request: HttpRequest, item_id: int) -> HttpResponse:
    user = cast(User, request.user)
    item = get_enforcement_item_for(user, item_id)
    warnings = (
        EnforcementItem.objects.warnings()
        .filter(referral_id=item.referral_id)
        .exclude(pk=item.pk)
        .order_by("action_on", "pk")
    )
    return render(
        request,
        "enforcement/item.html",
        {
            "item": item,
            "warnings": warnings,
            "overdue": item.is_open and item.must_act_by < timezone.localdate(),
            "can_decide": item.is_open and services.may_decide(user, item),
        },
    )


@allow(ENFORCEMENT_DECIDERS, scope=Scope.VISIBLE_PARTICIPANTS)
@require_http_methods(["GET", "POST"])
def enforcement_action(request: HttpRequest, item_id: int) -> HttpResponse:
    user = cast(User, request.user)
    item = get_enforcement_item_for(user, item_id)
    if not services.may_decide(user, item):
        raise PermissionDenied  # he is another officer's man: the decision is theirs
    form = EnforcementActionForm(request.POST if request.method == "POST" else None, item=item)
    if request.method == "POST" and item.is_open and form.is_valid():
        try:
            decided = services.record_enforcement_action(
                acting_user=user,
                item=item,
                action=ActionTaken(form.cleaned_data["action"]),
                reason=form.cleaned_data["reason"],
                action_on=form.cleaned_data["action_on"],
            )
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            written = " The letter is ready." if decided.letter_id else ""
            messages.success(request, f"{decided.get_action_taken_display()} is recorded.{written}")
            return redirect("enforcement-item", item_id=item.pk)
    return render(
        request,
        "enforcement/action.html",
        {"item": item, "form": form, "errors": form.error_summary()},
    )
