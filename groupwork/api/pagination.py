"""Pages of records: `?page=` (from 1) and `?page_size=` (50 unless asked, at most 200)."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.views import APIView

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class RecordPagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        # The schema states the bounds, so that callers (and schemathesis) know them. Outside
        # them: a page past the last answers 404, a larger page size is cut to the maximum and
        # one below 1 gives the default.
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": MAX_PAGE_SIZE},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters
