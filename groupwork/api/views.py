"""API views of the calculators and the schema. Each declares its `access` (see
`api/access.py`); none touches a man's record, so none writes an audit entry. The records
(men, referrals...) are read in `views_records.py`, through the fetch helpers that scope and
audit each read."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from groupwork.api.access import DeclaredAccess, area_of, signed_in_user
from groupwork.api.serializers import (
    AdviceSerializer,
    EnforcementAdviceInputSerializer,
    ReliableChangeInputSerializer,
    ReliableChangeSerializer,
    Rm2000InputSerializer,
    Rm2000ResultSerializer,
    TimetablePreviewSerializer,
    TimetableSerializer,
    WorkingDaySerializer,
    WorkingDaysInputSerializer,
)
from groupwork.assessment.reliable_change import ReliableChangeInputError, reliable_change
from groupwork.assessment.risk import Rm2000InputError, Rm2000Inputs, score_rm2000
from groupwork.core.access import ALL_STAFF, CASE_READERS, Access, Scope
from groupwork.core.working_days import add_working_days
from groupwork.enforcement.policy import advise
from groupwork.groups.planning import PlanningError, area_closures, preview_timetable
from groupwork.groups.timetable import NoClearDateError

FIELD_ERRORS = OpenApiResponse(
    response={
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "example": {"centre": ["No such centre."]},
    },
    description="The input is wrong: each field at fault, with its messages.",
)
NOT_SIGNED_IN = OpenApiResponse(description="No token, or one that is not valid.")
NOT_ALLOWED = OpenApiResponse(description="The user's role may not use this.")


class TimetablePreview(DeclaredAccess):
    # Staff of an area only: the preview uses the area's centres and closure days.
    access = Access(roles=CASE_READERS, scope=Scope.NONE)

    @extend_schema(
        operation_id="timetables_preview",
        summary="Preview a module's timetable",
        description="The dates and times a group would meet on, from the programme's current "
        "definition, England and Wales bank holidays and the area's closure days. Saves nothing.",
        request=TimetablePreviewSerializer,
        responses={
            200: TimetableSerializer,
            400: FIELD_ERRORS,
            401: NOT_SIGNED_IN,
            403: NOT_ALLOWED,
        },
        tags=["timetables"],
    )
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        area = area_of(user)
        given = TimetablePreviewSerializer(data=request.data, context={"area_id": area.pk})
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            timetable = preview_timetable(
                definition=data["programme"],
                module_code=data["module"],
                pattern_code=data["pattern"],
                start=data["start"],
                area=area,
            )
        except PlanningError as error:
            raise ValidationError({error.field: [str(error)]}) from error
        except NoClearDateError as error:
            raise ValidationError({"start": [str(error)]}) from error
        return Response(TimetableSerializer(timetable).data)


@extend_schema(
    summary="This API's OpenAPI 3 schema",
    responses={200: OpenApiResponse(OpenApiTypes.OBJECT), 401: NOT_SIGNED_IN},
)
class Schema(DeclaredAccess, SpectacularAPIView):
    """The OpenAPI 3 schema: YAML, or JSON with `?format=json`."""

    access = Access(roles=ALL_STAFF, scope=Scope.NONE)


def field_errors(example: dict[str, list[str]]) -> OpenApiResponse:
    """A 400 like FIELD_ERRORS, with an example from the view's own fields."""
    return OpenApiResponse(
        response={**FIELD_ERRORS.response, "example": example},
        description=FIELD_ERRORS.description,
    )


class RiskMatrix2000(DeclaredAccess):
    # As the timetable preview: staff of an area. It scores the values sent and reads and
    # saves no record, so there is nothing to scope or audit.
    access = Access(roles=CASE_READERS, scope=Scope.NONE)

    @extend_schema(
        operation_id="risk_rm2000",
        summary="Score Risk Matrix 2000/S",
        description="Step 1 points and category from age at commencement of risk, sexual and "
        "criminal appearances; Step 2 raises the category for aggravating factors (Thornton "
        "2007). For men aged 18 or over with a sexual conviction. Saves nothing.",
        request=Rm2000InputSerializer,
        responses={
            200: Rm2000ResultSerializer,
            400: field_errors({"sexual_appearances": ["Sexual appearances must be 1 or more."]}),
            401: NOT_SIGNED_IN,
            403: NOT_ALLOWED,
        },
        tags=["risk"],
    )
    def post(self, request: Request) -> Response:
        area_of(signed_in_user(request))
        given = Rm2000InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            result = score_rm2000(Rm2000Inputs(**given.validated_data))
        except Rm2000InputError as error:
            raise ValidationError({error.field: [str(error)]}) from error
        return Response(Rm2000ResultSerializer(result).data)


class ReliableChangeIndex(DeclaredAccess):
    # As the timetable preview: staff of an area. Works on the numbers sent; saves nothing.
    access = Access(roles=CASE_READERS, scope=Scope.NONE)

    @extend_schema(
        operation_id="assessment_reliable_change",
        summary="Reliable change between two scores",
        description="Jacobson & Truax (1991): SEm = sd * sqrt(1 - reliability); "
        "S_diff = sqrt(2 * SEm^2); RCI = (post - pre) / S_diff; |RCI| > 1.96 is reliable "
        "change. Saves nothing.",
        request=ReliableChangeInputSerializer,
        responses={
            200: ReliableChangeSerializer,
            400: field_errors({"sd": ["The standard deviation must be more than 0."]}),
            401: NOT_SIGNED_IN,
            403: NOT_ALLOWED,
        },
        tags=["assessment"],
    )
    def post(self, request: Request) -> Response:
        area_of(signed_in_user(request))
        given = ReliableChangeInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            result = reliable_change(**given.validated_data)
        except ReliableChangeInputError as error:
            raise ValidationError({error.field: [str(error)]}) from error
        return Response(ReliableChangeSerializer(result).data)


class WorkingDays(DeclaredAccess):
    # Any staff member: it reads only the user's area's closure days, and a user without an
    # area (a system administrator) counts bank holidays alone.
    access = Access(roles=ALL_STAFF, scope=Scope.NONE)

    @extend_schema(
        operation_id="calendar_working_days",
        summary="Count working days",
        description="The day that many working days after `from` (`from` itself not counted). "
        "Working days are Monday to Friday, except England and Wales bank holidays and the "
        "closure days of the user's area. Saves nothing.",
        request=WorkingDaysInputSerializer,
        responses={
            200: WorkingDaySerializer,
            400: field_errors(
                {"working_days": ["Ensure this value is greater than or equal to 0."]}
            ),
            401: NOT_SIGNED_IN,
            403: NOT_ALLOWED,
        },
        tags=["calendar"],
    )
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        given = WorkingDaysInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        closures = area_closures(user.area) if user.area else frozenset()
        day = add_working_days(
            given.validated_data["start"], given.validated_data["working_days"], closures
        )
        return Response(WorkingDaySerializer({"date": day}).data)


class EnforcementAdvice(DeclaredAccess):
    # As the calculators: staff of an area. It advises on the dates sent and reads no man's
    # record, so there is nothing to scope or audit.
    access = Access(roles=CASE_READERS, scope=Scope.NONE)

    @extend_schema(
        operation_id="enforcement_advice",
        summary="Advise on a failure to comply",
        description="What the officer must do, by when, and why, from the enforcement policy: "
        "on a community order, a warning in the 12 months before the failure means referral "
        "to court for breach, otherwise a warning or a referral (Sentencing Act 2020, "
        "Schedule 10); on licence, a recall review. The deadline is 10 working days after "
        "the failure, not counting the area's closure days. Saves nothing.",
        request=EnforcementAdviceInputSerializer,
        responses={
            200: AdviceSerializer,
            400: field_errors({"failure_date": ["Enter a date from 2000 to 2099."]}),
            401: NOT_SIGNED_IN,
            403: NOT_ALLOWED,
        },
        tags=["enforcement"],
    )
    def post(self, request: Request) -> Response:
        area = area_of(signed_in_user(request))
        given = EnforcementAdviceInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        advice = advise(**given.validated_data, closures=area_closures(area))
        return Response(AdviceSerializer(advice).data)
