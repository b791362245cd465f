"""API views. Each declares its `access` (see `api/access.py`); none touches a man's record
yet, so none writes an audit entry: record-reading views will go through the fetch helpers
(`get_participant_for`, `get_referral_for`), which scope and audit each read."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from groupwork.api.access import DeclaredAccess, area_of, signed_in_user
from groupwork.api.serializers import TimetablePreviewSerializer, TimetableSerializer
from groupwork.core.access import ALL_STAFF, CASE_READERS, Access, Scope
from groupwork.groups.planning import PlanningError, preview_timetable
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
