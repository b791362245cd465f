"""The programmes and their shape: modules, sessions, pathways."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from groupwork.core.access import ALL_STAFF, Scope, allow
from groupwork.programmes.models import Programme


@allow(ALL_STAFF, scope=Scope.PROGRAMMES)
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.prefetch_related("versions").order_by("name")
    return render(request, "programmes/list.html", {"programmes": programmes})


@allow(ALL_STAFF, scope=Scope.PROGRAMMES)
@require_GET
def programme_detail(request: HttpRequest, code: str) -> HttpResponse:
    programme = get_object_or_404(Programme, code=code)
    version = programme.current_version()
    definition = version.parsed
    pathway_rows = [
        (
            pathway,
            [
                next((part.sessions for part in pathway.modules if part.module == module.code), 0)
                for module in definition.modules
            ],
        )
        for pathway in definition.pathways
    ]
    return render(
        request,
        "programmes/detail.html",
        {
            "programme": programme,
            "version": version,
            "definition": definition,
            "pathway_rows": pathway_rows,
            "rules": definition.group_rules,
            "raw": definition.raw,
        },
    )
