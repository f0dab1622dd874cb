"""Pages: a signed-in person's notification preferences, and the same page opened from a mail's signed link
(which works without an account and without signing in)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.forms import attach_errors
from notifications import selectors, services
from notifications.forms import PreferenceForm
from notifications.models import Frequency


def _page(request: HttpRequest, person: selectors.Person, token: str | None, redirect_to: Any) -> HttpResponse:
    preference = selectors.preference_for(person)
    # Nothing saved yet: offer the language the person is reading the page in.
    language = preference.language if preference.pk else translation.get_language()
    initial = {"frequency": preference.frequency, "language": language}
    form = PreferenceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        stop = request.POST.get("stop") == "1"
        if stop or form.is_valid():
            frequency = Frequency.NONE if stop else form.cleaned_data["frequency"]
            language = preference.language if stop else form.cleaned_data["language"]
            try:
                services.preference_set(actor=request.user, frequency=frequency, language=language, token=token)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                if stop:
                    messages.success(request, _("You will get no more e-mail about ideas."))
                else:
                    messages.success(request, _("Your notification settings were saved."))
                return redirect(redirect_to)
    context = {
        "form": form,
        "error_forms": [form],
        "address": person.user.email if person.user is not None else person.email,
        "waiting": selectors.unsent_of(person).exclude(frequency=Frequency.NONE).count(),
        "by_link": token is not None,
    }
    return render(request, "notifications/preferences.html", context)


@login_required
def preferences_view(request: HttpRequest) -> HttpResponse:
    person = selectors.Person(user=request.user)
    return _page(request, person, None, "notifications:preferences")


# The signed token, not a session, is what allows the change, so a mail program's one-click unsubscribe
# (RFC 8058: a POST without cookies or a CSRF token) works; nothing here acts with the session's authority.
@csrf_exempt
def preferences_by_link_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        person = services.person_from_token(token)
    except ValidationError as error:
        return render(request, "notifications/bad_link.html", {"message": error.messages[0]}, status=400)
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        services.preference_set(
            actor=None, frequency=Frequency.NONE, language=selectors.preference_for(person).language, token=token
        )
        return HttpResponse(status=204)
    return _page(request, person, token, request.path)
