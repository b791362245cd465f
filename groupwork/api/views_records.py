"""The records under /api/v1/, read-only: men, referrals with their status changes, groups,
sessions, registers, absences, enforcement items, one-to-ones and complaints.

Each view has the roles and scoping of the pages that show the same records: men through
`Participant.objects.visible_to`, their records through `Referral.objects.visible_to`, groups
and sessions through `Group.objects.visible_to`, complaints through `complaints_visible_to`
(never one that names the user). A record out of scope is 404, as a record that does not exist.

Reads are audited as on the pages: one record through its fetch helper (PARTICIPANT_VIEWED); a
list as one CASELOAD_VIEWED with its page and filters, plus one PARTICIPANT_VIEWED per record
shown, all written in one query; a register as one REGISTER_VIEWED per man it shows. Groups and
sessions name no man, so reading them is not audited.

Lists come in pages of 50 (`?page=`, `?page_size=` up to 200) in a fixed number of queries.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from groupwork.api.access import DeclaredAccess, signed_in_user
from groupwork.api.filters import (
    MAX_ID,
    AbsenceFilter,
    ComplaintFilter,
    DateRangeFilter,
    EnforcementFilter,
    GroupFilter,
    OneToOneFilter,
    ParticipantFilter,
    ReferralFilter,
    SessionFilter,
    audit_detail,
)
from groupwork.api.pagination import RecordPagination
from groupwork.api.serializers_records import (
    AbsenceSerializer,
    ComplaintSerializer,
    EnforcementItemSerializer,
    GroupSerializer,
    OneToOneSerializer,
    ParticipantSerializer,
    ReferralSerializer,
    RegisterSerializer,
    SessionSerializer,
)
from groupwork.api.views import FIELD_ERRORS, NOT_ALLOWED, NOT_SIGNED_IN
from groupwork.attendance.models import Absence, Attendance, Register
from groupwork.attendance.views import REGISTER_TAKERS
from groupwork.attendance.views_absences import ABSENCE_USERS, get_absence_for
from groupwork.audit.models import Action, AuditEvent
from groupwork.audit.services import build_event
from groupwork.casework.complaints import complaints_visible_to, current_stages, get_complaint_for
from groupwork.casework.models import Complaint, ComplaintStage, OneToOne
from groupwork.casework.views_one_to_ones import ONE_TO_ONE_READERS, get_one_to_one_for
from groupwork.core.access import (
    ALL_STAFF,
    CASE_READERS,
    COMPLAINT_READERS,
    ENFORCEMENT_READERS,
    Access,
    Scope,
)
from groupwork.enforcement.fetch import get_enforcement_item_for, items_visible_to
from groupwork.enforcement.models import EnforcementItem
from groupwork.groups.models import Group, Session, SessionFacilitator
from groupwork.organisation.models import User
from groupwork.participants.fetch import get_participant_for
from groupwork.participants.models import Participant
from groupwork.referrals.fetch import get_referral_for
from groupwork.referrals.models import Referral, StatusChange

NOT_FOUND = OpenApiResponse(
    response={
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
        "example": {"detail": "No Participant matches the given query."},
    },
    description="No such record, or one the user may not see (the same answer for both).",
)
NO_SUCH_PAGE = OpenApiResponse(
    response=NOT_FOUND.response, description="No such page: it is past the last."
)


def list_responses(serializer: type[BaseSerializer[Any]]) -> dict[int, Any]:
    return {
        200: serializer,
        400: FIELD_ERRORS,
        401: NOT_SIGNED_IN,
        403: NOT_ALLOWED,
        404: NO_SUCH_PAGE,
    }


def detail_responses(serializer: type[BaseSerializer[Any]]) -> dict[int, Any]:
    return {200: serializer, 401: NOT_SIGNED_IN, 403: NOT_ALLOWED, 404: NOT_FOUND}


def id_parameter(name: str, record: str) -> OpenApiParameter:
    """An integer id in the path, with the bounds a record's id can have."""
    return OpenApiParameter(
        name,
        {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        OpenApiParameter.PATH,
        description=f"The {record}'s id.",
    )


def audit_list_read(
    user: User,
    *,
    name: str,
    page: int,
    filters: dict[str, Any],
    shown: list[tuple[models.Model, uuid.UUID]],
) -> None:
    """One CASELOAD_VIEWED for the list, one PARTICIPANT_VIEWED per record shown (with the
    man it concerns), written in one query."""
    events = [
        build_event(
            acting_user=user,
            action=Action.CASELOAD_VIEWED,
            detail={"list": f"api/{name}", "page": page, "filters": audit_detail(filters)},
        )
    ]
    for record, participant_id in shown:
        event = build_event(acting_user=user, action=Action.PARTICIPANT_VIEWED, subject=record)
        event.participant_id = participant_id
        events.append(event)
    AuditEvent.objects.bulk_create(events)


class RecordList(DeclaredAccess, generics.ListAPIView):  # type: ignore[type-arg]
    """A page of the records the user may see, narrowed by `filter_class`'s parameters.

    A subclass names its `queryset` (the model, for the schema; never read), `scoped` (the
    user's records with what the serializer needs), `date_lookup` (its main date) and, for a
    list of men's records, `participant_id_of`; groups and sessions set `audited = False`."""

    pagination_class = RecordPagination
    filter_class: ClassVar[type[DateRangeFilter]]
    date_lookup: ClassVar[str]
    name: ClassVar[str]
    audited: ClassVar[bool] = True
    filters: dict[str, Any]

    def scoped(self, user: User) -> QuerySet[Any]:
        raise NotImplementedError

    def narrow(self, records: QuerySet[Any], filters: dict[str, Any]) -> QuerySet[Any]:
        """Apply the filters other than the dates (by default: `status`)."""
        if "status" in filters:
            records = records.filter(status=filters["status"])
        return records

    def participant_id_of(self, record: Any) -> uuid.UUID:
        return uuid.UUID(str(record.referral.participant_id))

    def get_queryset(self) -> QuerySet[Any]:
        given = self.filter_class(data=self.request.query_params)
        given.is_valid(raise_exception=True)
        self.filters = dict(given.validated_data)
        records = self.scoped(signed_in_user(self.request))
        if "from" in self.filters:
            records = records.filter(**{f"{self.date_lookup}__gte": self.filters["from"]})
        if "to" in self.filters:
            records = records.filter(**{f"{self.date_lookup}__lte": self.filters["to"]})
        return self.narrow(records, self.filters)

    def paginate_queryset(self, queryset: QuerySet[Any]) -> list[Any] | None:
        page: list[Any] | None = super().paginate_queryset(queryset)
        if self.audited and page is not None:
            audit_list_read(
                signed_in_user(self.request),
                name=self.name,
                page=self.paginator.page.number,  # type: ignore[union-attr]
                filters=self.filters,
                shown=[(record, self.participant_id_of(record)) for record in page],
            )
        return page


# Men


def with_referral_summaries(men: QuerySet[Participant]) -> QuerySet[Participant]:
    return men.prefetch_related(
        Prefetch("referrals", queryset=Referral.objects.select_related("programme"))
    )


@extend_schema_view(
    get=extend_schema(
        operation_id="participants_list",
        summary="The men the user may see",
        description="An officer's own men, a manager's team's, a facilitator's current group "
        "members, everyone in the area for a programme manager or chief officer; never a "
        "restricted case that does not name the user. Audited: the list, and each man shown.",
        parameters=[ParticipantFilter],
        responses=list_responses(ParticipantSerializer),
        tags=["participants"],
    )
)
class ParticipantList(RecordList):
    access = Access(roles=CASE_READERS, scope=Scope.VISIBLE_PARTICIPANTS)
    queryset = Participant.objects.none()
    serializer_class = ParticipantSerializer
    filter_class = ParticipantFilter
    date_lookup = "created_at__date"
    name = "participants"

    def scoped(self, user: User) -> QuerySet[Participant]:
        men = Participant.objects.visible_to(user).order_by("last_name", "first_name", "pk")
        return with_referral_summaries(men)

    def narrow(self, records: QuerySet[Any], filters: dict[str, Any]) -> QuerySet[Any]:
        if "status" in filters:
            with_status = Referral.objects.filter(
                participant=OuterRef("pk"), status_id=filters["status"]
            )
            records = records.filter(Exists(with_status))
        return records

    def participant_id_of(self, record: Any) -> uuid.UUID:
        return uuid.UUID(str(record.pk))


class ParticipantDetail(DeclaredAccess):
    access = Access(roles=CASE_READERS, scope=Scope.VISIBLE_PARTICIPANTS)

    @extend_schema(
        operation_id="participants_retrieve",
        summary="One man's details",
        description="His details and a summary of each referral. Audited.",
        responses=detail_responses(ParticipantSerializer),
        tags=["participants"],
    )
    def get(self, request: Request, participant_id: uuid.UUID) -> Response:
        man = get_participant_for(signed_in_user(request), participant_id)
        prefetch_related_objects(
            [man], Prefetch("referrals", queryset=Referral.objects.select_related("programme"))
        )
        return Response(ParticipantSerializer(man).data)


# Referrals


STATUS_HISTORY = Prefetch(
    "status_changes",
    queryset=StatusChange.objects.select_related("reason", "changed_by"),
)


@extend_schema_view(
    get=extend_schema(
        operation_id="referrals_list",
        summary="The referrals of the men the user may see",
        description="Each with its history of status changes (who, when, why). Audited.",
        parameters=[ReferralFilter],
        responses=list_responses(ReferralSerializer),
        tags=["referrals"],
    )
)
class ReferralList(RecordList):
    access = Access(roles=CASE_READERS, scope=Scope.VISIBLE_PARTICIPANTS)
    queryset = Referral.objects.none()
    serializer_class = ReferralSerializer
    filter_class = ReferralFilter
    date_lookup = "created_at__date"
    name = "referrals"

    def scoped(self, user: User) -> QuerySet[Referral]:
        return (
            Referral.objects.visible_to(user)
            .select_related("programme", "responsible_officer", "status_reason")
            .prefetch_related(STATUS_HISTORY)
            .order_by("created_at", "pk")
        )

    def narrow(self, records: QuerySet[Any], filters: dict[str, Any]) -> QuerySet[Any]:
        if "status" in filters:
            records = records.filter(status_id=filters["status"])
        return records

    def participant_id_of(self, record: Any) -> uuid.UUID:
        return uuid.UUID(str(record.participant_id))


class ReferralDetail(DeclaredAccess):
    access = Access(roles=CASE_READERS, scope=Scope.VISIBLE_PARTICIPANTS)

    @extend_schema(
        operation_id="referrals_retrieve",
        summary="One referral and its status changes",
        description="Audited.",
        responses=detail_responses(ReferralSerializer),
        tags=["referrals"],
    )
    def get(self, request: Request, referral_id: uuid.UUID) -> Response:
        referral = get_referral_for(signed_in_user(request), referral_id)
        prefetch_related_objects([referral], "status_reason", STATUS_HISTORY)
        return Response(ReferralSerializer(referral).data)


# Groups and sessions: no man is named, so reading them is not audited.


def sessions_visible_to(user: User) -> QuerySet[Session]:
    return Session.objects.filter(group__in=Group.objects.visible_to(user))


def group_rows(user: User) -> QuerySet[Group]:
    """The user's groups, with what GroupSerializer shows."""
    return (
        Group.objects.visible_to(user)
        .select_related("programme", "centre", "room")
        .prefetch_related("version", "facilitators")
    )


def session_rows(user: User) -> QuerySet[Session]:
    """The sessions of the user's groups, with what SessionSerializer shows."""
    staffing = SessionFacilitator.objects.select_related("facilitator").order_by("pk")
    return (
        sessions_visible_to(user)
        .select_related("room")
        .prefetch_related(Prefetch("staffing", queryset=staffing))
    )


@extend_schema_view(
    get=extend_schema(
        operation_id="groups_list",
        summary="The groups the user may see",
        description="The area's groups; a facilitator's own groups.",
        parameters=[GroupFilter],
        responses=list_responses(GroupSerializer),
        tags=["groups"],
    )
)
class GroupList(RecordList):
    access = Access(roles=CASE_READERS, scope=Scope.AREA_GROUPS)
    queryset = Group.objects.none()
    serializer_class = GroupSerializer
    filter_class = GroupFilter
    date_lookup = "start_date"
    name = "groups"
    audited = False

    def scoped(self, user: User) -> QuerySet[Group]:
        return group_rows(user).order_by("start_date", "name", "pk")


class GroupDetail(DeclaredAccess):
    access = Access(roles=CASE_READERS, scope=Scope.AREA_GROUPS)

    @extend_schema(
        operation_id="groups_retrieve",
        summary="One group",
        description="A group of the user's area; for a facilitator, one they facilitate.",
        parameters=[id_parameter("group_id", "group")],
        responses=detail_responses(GroupSerializer),
        tags=["groups"],
    )
    def get(self, request: Request, group_id: int) -> Response:
        group = get_object_or_404(group_rows(signed_in_user(request)), pk=group_id)
        return Response(GroupSerializer(group).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="sessions_list",
        summary="The sessions of the groups the user may see",
        description="Cancelled sessions stay listed, with the reason.",
        parameters=[SessionFilter],
        responses=list_responses(SessionSerializer),
        tags=["sessions"],
    )
)
class SessionList(RecordList):
    access = Access(roles=CASE_READERS, scope=Scope.AREA_GROUPS)
    queryset = Session.objects.none()
    serializer_class = SessionSerializer
    filter_class = SessionFilter
    date_lookup = "date"
    name = "sessions"
    audited = False

    def scoped(self, user: User) -> QuerySet[Session]:
        return session_rows(user).order_by("date", "starts", "number", "pk")

    def narrow(self, records: QuerySet[Any], filters: dict[str, Any]) -> QuerySet[Any]:
        records = super().narrow(records, filters)
        if "group" in filters:
            records = records.filter(group_id=filters["group"])
        return records


class SessionDetail(DeclaredAccess):
    access = Access(roles=CASE_READERS, scope=Scope.AREA_GROUPS)

    @extend_schema(
        operation_id="sessions_retrieve",
        summary="One session",
        description="A session of a group the user may see.",
        parameters=[id_parameter("session_id", "session")],
        responses=detail_responses(SessionSerializer),
        tags=["sessions"],
    )
    def get(self, request: Request, session_id: int) -> Response:
        session = get_object_or_404(session_rows(signed_in_user(request)), pk=session_id)
        return Response(SessionSerializer(session).data)


class SessionRegister(DeclaredAccess):
    # As the register page: the group's facilitators and the area's programme managers.
    access = Access(roles=REGISTER_TAKERS, scope=Scope.AREA_GROUPS)

    @extend_schema(
        operation_id="sessions_register",
        summary="A session's register",
        description="The marks of the men the user may see; others are left out. Never the "
        "session-level note, which may name several men. Audited: one entry per man shown.",
        parameters=[id_parameter("session_id", "session")],
        responses=detail_responses(RegisterSerializer),
        tags=["sessions"],
    )
    def get(self, request: Request, session_id: int) -> Response:
        user = signed_in_user(request)
        session = get_object_or_404(sessions_visible_to(user), pk=session_id)
        register = Register.objects.filter(session=session).select_related("taken_by").first()
        marks = list(
            Attendance.objects.filter(
                session=session, referral__in=Referral.objects.visible_to(user)
            )
            .select_related("referral", "recorded_by")
            .order_by("referral__participant__last_name", "referral__participant__first_name")
        )
        AuditEvent.objects.bulk_create(
            [register_read(user, session, mark.referral.participant_id) for mark in marks]
        )
        shown = {
            "session": session.pk,
            "taken_by": register.taken_by if register else None,
            "taken_at": register.taken_at if register else None,
            "marks": marks,
        }
        return Response(RegisterSerializer(shown).data)


def register_read(user: User, session: Session, participant_id: uuid.UUID) -> AuditEvent:
    event = build_event(acting_user=user, action=Action.REGISTER_VIEWED, subject=session)
    event.participant_id = participant_id
    return event


# Absences, enforcement, one-to-ones: through the referrals of the men the user may see.


def of_visible_men(model: type[Any], user: User) -> QuerySet[Any]:
    rows: QuerySet[Any] = model.objects.filter(referral__in=Referral.objects.visible_to(user))
    return rows


@extend_schema_view(
    get=extend_schema(
        operation_id="absences_list",
        summary="Absences of the men the user may see",
        description="Audited.",
        parameters=[AbsenceFilter],
        responses=list_responses(AbsenceSerializer),
        tags=["absences"],
    )
)
class AbsenceList(RecordList):
    access = Access(roles=ABSENCE_USERS, scope=Scope.VISIBLE_PARTICIPANTS)
    queryset = Absence.objects.none()
    serializer_class = AbsenceSerializer
    filter_class = AbsenceFilter
    date_lookup = "session__date"
    name = "absences"

    def scoped(self, user: User) -> QuerySet[Absence]:
        return (
            of_visible_men(Absence, user)
            .select_related("referral", "session", "reported_by", "decided_by")
            .order_by("session__date", "pk")
        )


class AbsenceDetail(DeclaredAccess):
    access = Access(roles=ABSENCE_USERS, scope=Scope.VISIBLE_PARTICIPANTS)

    @extend_schema(
        operation_id="absences_retrieve",
        summary="One absence",
        description="Audited.",
        parameters=[id_parameter("absence_id", "absence")],
        responses=detail_responses(AbsenceSerializer),
        tags=["absences"],
    )
    def get(self, request: Request, absence_id: int) -> Response:
        absence = get_absence_for(signed_in_user(request), absence_id)
        return Response(AbsenceSerializer(absence).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="enforcement_items_list",
        summary="Enforcement items of the men the user may see",
        description="Each failure to comply, the law's advice and the officer's action. Audited.",
        parameters=[EnforcementFilter],
        responses=list_responses(EnforcementItemSerializer),
        tags=["enforcement"],
    )
)
class EnforcementItemList(RecordList):
    access = Access(roles=ENFORCEMENT_READERS, scope=Scope.VISIBLE_PARTICIPANTS)
    queryset = EnforcementItem.objects.none()
    serializer_class = EnforcementItemSerializer
    filter_class = EnforcementFilter
    date_lookup = "failure_date"
    name = "enforcement-items"

    def scoped(self, user: User) -> QuerySet[EnforcementItem]:
        return (
            items_visible_to(user)
            .select_related("referral", "decided_by")
            .order_by("failure_date", "pk")
        )

    def narrow(self, records: QuerySet[Any], filters: dict[str, Any]) -> QuerySet[Any]:
        if filters.get("status") == "open":
            records = records.filter(action_taken="")
        elif filters.get("status") == "decided":
            records = records.exclude(action_taken="")
        return records


class EnforcementItemDetail(DeclaredAccess):
    access = Access(roles=ENFORCEMENT_READERS, scope=Scope.VISIBLE_PARTICIPANTS)

    @extend_schema(
        operation_id="enforcement_items_retrieve",
        summary="One enforcement item",
        description="Audited.",
        parameters=[id_parameter("item_id", "enforcement item")],
        responses=detail_responses(EnforcementItemSerializer),
        tags=["enforcement"],
    )
    def get(self, request: Request, item_id: int) -> Response:
        item = get_enforcement_item_for(signed_in_user(request), item_id)
        return Response(EnforcementItemSerializer(item).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="one_to_ones_list",
        summary="One-to-ones of the men the user may see",
        description="Audited.",
        parameters=[OneToOneFilter],
        responses=list_responses(OneToOneSerializer),
        tags=["one-to-ones"],
    )
)
class OneToOneList(RecordList):
    access = Access(roles=ONE_TO_ONE_READERS, scope=Scope.VISIBLE_PARTICIPANTS)
    queryset = OneToOne.objects.none()
    serializer_class = OneToOneSerializer
    filter_class = OneToOneFilter
    date_lookup = "due_on"
    name = "one-to-ones"

    def scoped(self, user: User) -> QuerySet[OneToOne]:
        return (
            of_visible_men(OneToOne, user)
            .select_related("referral", "facilitator", "recorded_by")
            .order_by("due_on", "pk")
        )


class OneToOneDetail(DeclaredAccess):
    access = Access(roles=ONE_TO_ONE_READERS, scope=Scope.VISIBLE_PARTICIPANTS)

    @extend_schema(
        operation_id="one_to_ones_retrieve",
        summary="One one-to-one",
        description="Audited.",
        parameters=[id_parameter("one_to_one_id", "one-to-one")],
        responses=detail_responses(OneToOneSerializer),
        tags=["one-to-ones"],
    )
    def get(self, request: Request, one_to_one_id: int) -> Response:
        meeting = get_one_to_one_for(signed_in_user(request), one_to_one_id)
        return Response(OneToOneSerializer(meeting).data)


# Complaints: never one that names the user.


COMPLAINT_STAGES = Prefetch(
    "stages", queryset=ComplaintStage.objects.select_related("handler").order_by("number")
)


@extend_schema_view(
    get=extend_schema(
        operation_id="complaints_list",
        summary="Complaints the user may see",
        description="Of the men the user may see, and those they handle a stage of; never one "
        "that names the user. Each with its stages. Audited.",
        parameters=[ComplaintFilter],
        responses=list_responses(ComplaintSerializer),
        tags=["complaints"],
    )
)
class ComplaintList(RecordList):
    access = Access(roles=COMPLAINT_READERS, scope=Scope.VISIBLE_PARTICIPANTS)
    queryset = Complaint.objects.none()
    serializer_class = ComplaintSerializer
    filter_class = ComplaintFilter
    date_lookup = "received_on"
    name = "complaints"

    def scoped(self, user: User) -> QuerySet[Complaint]:
        return (
            complaints_visible_to(user)
            .select_related("referral", "recorded_by")
            .prefetch_related("named_staff", COMPLAINT_STAGES)
            .order_by("received_on", "pk")
        )

    def narrow(self, records: QuerySet[Any], filters: dict[str, Any]) -> QuerySet[Any]:
        if "status" in filters:
            unanswered = current_stages().filter(
                complaint=OuterRef("pk"), responded_on__isnull=True
            )
            if filters["status"] == "open":
                records = records.filter(Exists(unanswered))
            else:
                records = records.exclude(Exists(unanswered))
        return records


class ComplaintDetail(DeclaredAccess):
    access = Access(roles=COMPLAINT_READERS, scope=Scope.VISIBLE_PARTICIPANTS)

    @extend_schema(
        operation_id="complaints_retrieve",
        summary="One complaint and its stages",
        description="404 for staff the complaint names. Audited.",
        parameters=[id_parameter("complaint_id", "complaint")],
        responses=detail_responses(ComplaintSerializer),
        tags=["complaints"],
    )
    def get(self, request: Request, complaint_id: int) -> Response:
        complaint = get_complaint_for(signed_in_user(request), complaint_id)
        prefetch_related_objects([complaint], "named_staff", COMPLAINT_STAGES)
        return Response(ComplaintSerializer(complaint).data)


@extend_schema(exclude=True)
class NoSuchAddress(DeclaredAccess):
    """Any other address under /api/v1/ (a mistyped path, an id that is not a number):
    404 in JSON, as every answer of the API, rather than the site's HTML page."""

    access = Access(roles=ALL_STAFF, scope=Scope.NONE)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # no token is still 401
        raise NotFound
