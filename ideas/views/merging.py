"""Duplicates: the handlers' merge page of an idea, and the send page's "similar ideas" as JSON for the script
that suggests them while a person writes (the page shows the same list without the script after a failed send).
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core import limits
from core.formatting import percent_number
from ideas.models import Challenge, Idea
from ideas.selectors.duplicates import duplicates_of, likely_duplicates
from ideas.services.merging import idea_merge
from ideas.views.challenges import _challenge_or_404
from ideas.views.ideas import _idea_or_404
from organisations.models import Organisation

# The script asks after a pause in typing; a person makes a few requests a minute, a scraper many more.
SIMILAR_RATE = "60/m"
MAX_QUERY = 2_000


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(
        label=gettext_lazy("Likely duplicates"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    into_number = forms.IntegerField(
        label=gettext_lazy("Or the number of another idea"),
        help_text=gettext_lazy("The number is at the end of the idea's address, e.g. 123 in …/ideas/123/."),
        required=False,
        min_value=1,
    )

    def __init__(self, *args: Any, suggestions: list[tuple[Idea, float]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        into: Any = self.fields["into"]
        into.choices = [
            (
                idea.pk,
                _("%(title)s (no. %(number)s, similarity %(score)s %%)")
                % {"title": idea.title, "number": idea.pk, "score": percent_number(100 * score)},
            )
            for idea, score in suggestions
        ]
        if not suggestions:
            del self.fields["into"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("into") and not data.get("into_number"):
            field = "into" if "into" in self.fields else "into_number"
            self.add_error(field, _("Choose the idea to merge into, or give its number."))
        elif data.get("into") and data.get("into_number") and data["into"] != data["into_number"]:
            self.add_error("into_number", _("Choose one idea only: a suggestion or a number."))
        return data


def idea_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the likely duplicates and a form; POST merges this idea into the chosen one."""
    duplicate = _idea_or_404(request, pk)
    if not request.user.has_perm("ideas.handle_idea", duplicate):
        raise PermissionDenied(_("Only the idea's handlers can merge it."))
    if duplicate.merged_into_id is not None:
        messages.info(request, _("This idea has already been merged into another idea."))
        return redirect("ideas:idea", pk=duplicate.merged_into_id)
    suggestions = duplicates_of(idea=duplicate, user=request.user)
    form = MergeForm(request.POST if request.method == "POST" else None, suggestions=suggestions)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data.get("into") or form.cleaned_data["into_number"]
        into = Idea.objects.select_related("challenge", "organisation").filter(pk=number).first()
        if into is None or not request.user.has_perm("ideas.view_idea", into):
            form.add_error("into_number", _("There is no idea with this number that you can see."))
        else:
            try:
                target = idea_merge(actor=request.user, duplicate=duplicate, into=into)
            except ValidationError as error:
                # The refusals are about the chosen target: shown at the field the person used to choose it.
                form.add_error("into" if form.cleaned_data.get("into") else "into_number", error.messages)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The idea was merged. Its supports and comments are now here."))
                return redirect("ideas:idea", pk=target.pk)
    return render(
        request,
        "ideas/merging/merge.html",
        {"idea": duplicate, "form": form, "error_forms": [form], "section": "ideas"},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
def similar_ideas_view(request: HttpRequest) -> HttpResponse:
    """Public ideas similar to the typed text, as JSON: ?text=…&challenge=<id> or &organisation=<id>."""
    if limits.over_limit(request, group="ideas.similar", rate=SIMILAR_RATE, by=limits.by_address):
        return JsonResponse({"error": _("Too many requests. Wait a moment and try again.")}, status=429)
    text = request.GET.get("text", "")[:MAX_QUERY]
    challenge: Challenge | None = None
    try:
        if request.GET.get("challenge"):
            challenge = _challenge_or_404(request, int(request.GET["challenge"]))
            organisation = challenge.owner
        else:
            organisation = get_object_or_404(Organisation, pk=int(request.GET.get("organisation", "")))
    except ValueError:
        return JsonResponse({"error": _("Give the challenge or the organisation as a number.")}, status=400)
    found = likely_duplicates(
        text=text, organisation=organisation, challenge=challenge, user=request.user, public_only=True
    )
    return JsonResponse(
        {
            "ideas": [
                {
                    "id": idea.pk,
                    "title": idea.title,
                    "url": reverse("ideas:idea", args=[idea.pk]),
                    "score": round(score, 3),
                }
                for idea, score in found
            ]
        }
    )


urls: list[URLPattern] = [
    path("ideas/<int:pk>/merge/", idea_merge_view, name="merge"),
    path("similar/", similar_ideas_view, name="similar"),
]
