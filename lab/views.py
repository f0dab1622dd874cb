"""The Lab portfolio page and its CSV and XLSX exports. Thin: parse the period, call the selector, render.

Anonymous visitors are sent to log in; signed-in people who are not the organisation's own get 403 (the
organisation itself is public, so its existence is no secret); an unknown organisation is 404."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from lab import exports, selectors
from lab.forms import PeriodForm
from lab.selectors import Portfolio
from organisations.models import Organisation

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _portfolio(request: HttpRequest, organisation_id: int) -> tuple[PeriodForm, Portfolio]:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    form = PeriodForm(request.GET or None)
    # PermissionDenied (403) unless the person is one of the organisation's people.
    result = selectors.portfolio(user=request.user, organisation=organisation, period=form.period())
    return form, result


@require_GET
def portfolio_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form, result = _portfolio(request, organisation_id)
    query = request.GET.urlencode() if form.is_bound and form.is_valid() else ""
    return render(
        request,
        "lab/portfolio.html",
        {
            "organisation": result.organisation,
            "portfolio": result,
            "form": form,
            "error_forms": [form],
            "period_text": exports.period_text(result.period),
            "query": query,
        },
    )


def _export(request: HttpRequest, organisation_id: int, extension: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form, result = _portfolio(request, organisation_id)
    if form.is_bound and not form.is_valid():
        # The page shows what is wrong with the period; a file of other figures than asked for would mislead.
        url = reverse("lab:portfolio", kwargs={"organisation_id": organisation_id})
        return redirect(f"{url}?{request.GET.urlencode()}")
    if extension == "csv":
        response = HttpResponse(exports.portfolio_csv(result), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.portfolio_xlsx(result), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(result, extension)}"'
    return response


@require_GET
def portfolio_csv_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    return _export(request, organisation_id, "csv")


@require_GET
def portfolio_xlsx_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    return _export(request, organisation_id, "xlsx")
