"""A challenge's export for its handlers: a page that explains it, a CSV file per table and one XLSX workbook."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas import exports
from ideas.models import Challenge
from ideas.views.challenges import _challenge_or_404

TABLES = ("ideas", "comments", "supports", "states")


def _exportable(request: HttpRequest, pk: int) -> Challenge:
    challenge = _challenge_or_404(request, pk)
    if not request.user.has_perm("ideas.export_challenge", challenge):
        raise PermissionDenied(_("Only the challenge's handlers can export it."))
    return challenge


def _attachment(content: str | bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _file_name(challenge: Challenge, suffix: str) -> str:
    return f"challenge-{challenge.pk}-{timezone.localdate():%Y-%m-%d}{suffix}"


def challenge_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _exportable(request, pk)
    return render(
        request, "ideas/exports/challenge.html", {"challenge": challenge, "tables": TABLES, "section": "ideas"}
    )


def challenge_export_csv_view(request: HttpRequest, pk: int, table: str) -> HttpResponse:
    challenge = _exportable(request, pk)
    if table not in TABLES:
        raise Http404(_("No such table."))
    found = next(t for t in exports.challenge_tables(challenge) if t.name == table)
    content = exports.write_csv(found.header, found.rows)
    return _attachment(content, exports.CSV_CONTENT_TYPE, _file_name(challenge, f"-{table}.csv"))


def challenge_export_xlsx_view(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _exportable(request, pk)
    content = exports.write_xlsx(exports.challenge_tables(challenge))
    return _attachment(content, exports.XLSX_CONTENT_TYPE, _file_name(challenge, ".xlsx"))


urls: list[URLPattern] = [
    path("<int:pk>/export/", challenge_export_view, name="export"),
    path("<int:pk>/export/<str:table>.csv", challenge_export_csv_view, name="export_csv"),
    path("<int:pk>/export.xlsx", challenge_export_xlsx_view, name="export_xlsx"),
]
