"""Groups by centre, making a group with a timetable preview, a group's page, and moving or
cancelling its sessions. Calendar feeds of sessions."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groupwork.core.access import CASE_READERS, Scope, allow, public
from groupwork.core.addresses import numbered_address
from groupwork.core.keyset import keyset_page
from groupwork.groups import services
from groupwork.groups.calendar import session_calendar
from groupwork.groups.forms import (
    AddMemberForm,
    CancelSessionForm,
    CoverForm,
    GroupForm,
    MoveSessionForm,
)
from groupwork.groups.models import CalendarFeed, Group, Membership, Session, SessionStatus
from groupwork.groups.planning import PlanningError
from groupwork.groups.timetable import NoClearDateError
from groupwork.organisation.models import Role, User
from groupwork.participants.models import Participant
from groupwork.referrals.models import Referral

PLANNERS = frozenset({Role.PROGRAMME_MANAGER})
FACILITATORS = frozenset({Role.FACILITATOR})
GROUP_LIST_PAGE_SIZE = 50
GROUP_LIST_ORDER = ("centre__name", "start_date", "name", "pk")
# A group's page lists the sessions to come and those of the last few weeks; two years of
# weekly sessions are one link away.
RECENT_SESSIONS = datetime.timedelta(weeks=6)


def get_group_for(user: User, group_id: int) -> Group:
    """A group the user may see, or 404."""
    return get_object_or_404(
        Group.objects.visible_to(user).select_related(
            "programme", "version__programme", "centre__area", "room"
        ),
        pk=group_id,
    )


@allow(CASE_READERS, scope=Scope.AREA_GROUPS)
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    """The groups running or still to run, by centre; finished groups, which only grow in
    number, on their own pages."""
    user = cast(User, request.user)
    finished = request.GET.get("show") == "finished"
    today = timezone.localdate()
    groups = Group.objects.visible_to(user)
    groups = groups.finished(today) if finished else groups.not_finished(today)
    page = keyset_page(
        groups.select_related("programme", "centre", "room")
        .prefetch_related("version", "facilitators")
        .with_current_members(),
        key=GROUP_LIST_ORDER,
        params=request.GET,
        size=GROUP_LIST_PAGE_SIZE,
    )
    by_centre: dict[str, list[Group]] = {}
    for group in page.object_list:
        by_centre.setdefault(group.centre.name, []).append(group)
    return render(
        request,
        "groups/list.html",
        {
            "by_centre": by_centre,
            "page": page,
            "finished": finished,
            "can_plan": user.role in PLANNERS,
        },
    )


def _planned_preview(form: GroupForm, user: User) -> dict[str, Any]:
    """The timetable the form's values would give, with any clashes, for the preview."""
    data = form.cleaned_data
    try:
        sessions, start_reason = services.plan_group_sessions(
            version=data["version"],
            module_code=data["module_code"],
            pattern_code=data["pattern"],
            centre=data["centre"],
            start=data["start"],
            weekday=data["weekday"],
        )
    except (PlanningError, NoClearDateError) as error:
        return {"preview_error": str(error)}
    clashes = services.find_clashes(
        slots=[services.Slot(s.date, s.starts, s.ends) for s in sessions],
        facilitators=data["facilitators"],
        room=data.get("room"),
    )
    return {
        "preview": sessions,
        "start_asked": data["start"],
        "start_reason": start_reason,
        "clashes": clashes,
    }


@allow(PLANNERS, scope=Scope.AREA_GROUPS)
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = GroupForm(request.POST if request.method == "POST" else None, acting_user=user)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "create":
            group = _create(form, user)
            if group is not None:
                messages.success(request, f"{group.name} is set up with its timetable.")
                return redirect("group-detail", group_id=group.pk)
        else:
            context.update(_planned_preview(form, user))
    context["errors"] = form.error_summary()
    return render(request, "groups/create.html", context)


def _create(form: GroupForm, user: User) -> Group | None:
    data = form.cleaned_data
    try:
        return services.create_group(
            acting_user=user,
            version=data["version"],
            module_code=data["module_code"],
            pattern_code=data["pattern"],
            name=data["name"],
            centre=data["centre"],
            room=data.get("room"),
            start=data["start"],
            weekday=data["weekday"],
            facilitators=list(data["facilitators"]),
        )
    except ValidationError as error:
        form.add_error(None, error)
    except (PlanningError, NoClearDateError) as error:
        form.add_error(None, str(error))
    return None


@allow(PLANNERS, scope=Scope.AREA_GROUPS)
@require_GET
def group_preview(request: HttpRequest) -> HttpResponse:
    """The timetable preview alone, for the create page's script to refresh as fields change."""
    user = cast(User, request.user)
    form = GroupForm(request.GET, acting_user=user)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        context.update(_planned_preview(form, user))
    return render(request, "groups/_preview.html", context)


def _visible_members(group: Group, user: User) -> QuerySet[Membership]:
    """Members the user may see by name; the count of the rest is shown, not who they are."""
    return (
        group.memberships.current()
        .filter(referral__participant__in=Participant.objects.visible_to(user))
        .select_related("referral__participant", "referral__status")
    )


# The links of each row of a group's timetable, by the name the template gives them.
SESSION_LINKS = {
    "move": "session-move",
    "cover": "session-cover",
    "cancel": "session-cancel",
    "register": "session-register",
    "assignment": "assignment-create",
    "incident": "incident-create",
    "rules": "session-rules",
}


def session_links(group_id: int) -> Callable[[int], dict[str, str]]:
    """Each session's links, with every address reversed once and the numbers filled in:
    reversing seven links for each of two years of sessions took most of the group page's
    time."""
    addresses = {key: numbered_address(name, 2) for key, name in SESSION_LINKS.items()}

    def links(session_id: int) -> dict[str, str]:
        return {key: address(group_id, session_id) for key, address in addresses.items()}

    return links


@allow(CASE_READERS, scope=Scope.AREA_GROUPS)
@require_GET
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    user = cast(User, request.user)
    group = get_group_for(user, group_id)
    all_sessions = request.GET.get("sessions") == "all"
    since = timezone.localdate() - RECENT_SESSIONS
    shown = group.sessions.all() if all_sessions else group.sessions.filter(date__gte=since)
    sessions = list(shown.select_related("room").prefetch_related("staffing__facilitator"))
    earlier = 0 if all_sessions else group.sessions.filter(date__lt=since).count()
    links = session_links(group.pk)
    for session in sessions:
        setattr(session, "links", links(session.pk))  # noqa: B010  (read by the template)
    members = list(_visible_members(group, user))
    member_count = group.memberships.current().count()
    context = {
        "group": group,
        "definition": group.definition,
        "module": group.module_definition,
        "sessions": sessions,
        "all_sessions": all_sessions,
        "sessions_since": since,
        "earlier_sessions": earlier,
        "members": members,
        "hidden_members": member_count - len(members),
        "member_count": member_count,
        "facilitators": group.facilitators.all(),
        "can_plan": user.role in PLANNERS,
        "takes_registers": user.role in {Role.FACILITATOR, Role.PROGRAMME_MANAGER},
        "feed_url": None,
    }
    if user.role in PLANNERS:
        feed = services.feed_for(group=group)
        context["feed_url"] = request.build_absolute_uri(
            reverse("calendar-feed", kwargs={"token": feed.token})
        )
    return render(request, "groups/detail.html", context)


@allow(PLANNERS, scope=Scope.AREA_GROUPS)
@require_http_methods(["GET", "POST"])
def group_add_member(request: HttpRequest, group_id: int) -> HttpResponse:
    user = cast(User, request.user)
    group = get_group_for(user, group_id)
    waiting = (
        Referral.objects.visible_to(user)
        .filter(status__in=services.JOINABLE_STATUSES, programme=group.programme)
        .exclude(Exists(Membership.objects.current().filter(referral=OuterRef("pk"))))
        .select_related("participant", "status")
        .order_by("participant__last_name")
    )
    form = AddMemberForm(request.POST if request.method == "POST" else None, referrals=waiting)
    if request.method == "POST" and form.is_valid():
        referral = form.cleaned_data["referral"]
        try:
            services.add_member(acting_user=user, group=group, referral=referral)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{referral.participant.full_name} has a place in {group.name}."
            )
            return redirect("group-detail", group_id=group.pk)
    return render(
        request,
        "groups/add_member.html",
        {"group": group, "form": form, "errors": form.error_summary()},
    )


def _session_of(user: User, group_id: int, session_id: int) -> Session:
    group = get_group_for(user, group_id)
    return get_object_or_404(group.sessions.select_related("group__centre", "room"), pk=session_id)


@allow(PLANNERS, scope=Scope.AREA_GROUPS)
@require_http_methods(["GET", "POST"])
def session_cancel(request: HttpRequest, group_id: int, session_id: int) -> HttpResponse:
    user = cast(User, request.user)
    session = _session_of(user, group_id, session_id)
    form = CancelSessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.cancel_session(
                acting_user=user, session=session, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Session {new.number} is cancelled and now runs on {new.date:%A %-d %B %Y}. "
                "Later sessions have moved to follow it.",
            )
            return redirect("group-detail", group_id=group_id)
    return render(
        request,
        "groups/session_cancel.html",
        {"session": session, "form": form, "errors": form.error_summary()},
    )


@allow(PLANNERS, scope=Scope.AREA_GROUPS)
@require_http_methods(["GET", "POST"])
def session_move(request: HttpRequest, group_id: int, session_id: int) -> HttpResponse:
    user = cast(User, request.user)
    session = _session_of(user, group_id, session_id)
    initial = {
        "date": session.date,
        "starts": session.starts,
        "ends": session.ends,
        "room": session.room,
    }
    form = MoveSessionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        centre=session.group.centre,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reschedule_session(
                acting_user=user,
                session=session,
                date=data["date"],
                starts=data["starts"],
                ends=data["ends"],
                room=data["room"],
                reason=data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Session {session.number} has moved.")
            return redirect("group-detail", group_id=group_id)
    return render(
        request,
        "groups/session_move.html",
        {"session": session, "form": form, "errors": form.error_summary()},
    )


@allow(PLANNERS, scope=Scope.AREA_GROUPS)
@require_http_methods(["GET", "POST"])
def session_cover(request: HttpRequest, group_id: int, session_id: int) -> HttpResponse:
    user = cast(User, request.user)
    session = _session_of(user, group_id, session_id)
    on_session = User.objects.filter(sessions=session)
    others = User.objects.filter(
        area_id=user.area_pk, role=Role.FACILITATOR, is_active=True
    ).exclude(sessions=session)
    form = CoverForm(
        request.POST if request.method == "POST" else None, on_session=on_session, others=others
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.cover_facilitator(
                acting_user=user,
                session=session,
                replaced=form.cleaned_data["replaced"],
                cover=form.cleaned_data["cover"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{form.cleaned_data['cover']} covers session {session.number}."
            )
            return redirect("group-detail", group_id=group_id)
    return render(
        request,
        "groups/session_cover.html",
        {"session": session, "form": form, "errors": form.error_summary()},
    )


@allow(FACILITATORS, scope=Scope.OWN_ACCOUNT)
@require_http_methods(["GET", "POST"])
def my_calendar(request: HttpRequest) -> HttpResponse:
    """A facilitator's own feed address, which they can change if it leaks."""
    user = cast(User, request.user)
    feed = services.feed_for(facilitator=user)
    if request.method == "POST":
        feed = services.reset_feed(acting_user=user, feed=feed)
        messages.success(request, "Your calendar has a new address. The old one no longer works.")
        return redirect("my-calendar")
    url = request.build_absolute_uri(reverse("calendar-feed", kwargs={"token": feed.token}))
    upcoming = (
        Session.objects.filter(staffing__facilitator=user, status=SessionStatus.SCHEDULED)
        .select_related("group", "room")
        .order_by("date", "starts")[:20]
    )
    return render(request, "groups/my_calendar.html", {"feed_url": url, "upcoming": upcoming})


@allow(PLANNERS, scope=Scope.AREA_GROUPS)
@require_POST
def group_feed_reset(request: HttpRequest, group_id: int) -> HttpResponse:
    user = cast(User, request.user)
    group = get_group_for(user, group_id)
    services.reset_feed(acting_user=user, feed=services.feed_for(group=group))
    messages.success(request, "The group's calendar has a new address.")
    return redirect("group-detail", group_id=group.pk)


@public
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself. The secret address is the key: calendar apps cannot sign in."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("facilitator", "group"), token=token
    )
    sessions = Session.objects.select_related("group__centre", "room").order_by("date", "starts")
    if feed.facilitator is not None:
        sessions = sessions.filter(staffing__facilitator=feed.facilitator)
        name = f"Groupwork sessions: {feed.facilitator}"
    else:
        sessions = sessions.filter(group=feed.group)
        name = f"Groupwork: {feed.group}"
    response = HttpResponse(session_calendar(name, sessions), content_type="text/calendar")
    response["Cache-Control"] = "private, no-store"
    return response
