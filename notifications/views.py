"""Pages: a signed-in person's notification preferences, and the same page opened from a mail's signed link."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def preferences_view(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/preferences.html", {})


def preferences_by_link_view(request: HttpRequest, token: str) -> HttpResponse:
    return render(request, "notifications/preferences.html", {})
