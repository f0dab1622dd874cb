"""The challenge pages: the public list with its feeds, a challenge with its ideas, opening and editing a challenge,
and changing its status. A challenge a person may not see is a 404, so that private ones do not reveal themselves.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import roles
from core.errors import ConflictError
from core.forms import attach_errors
from ideas.forms.ideas import ChallengeFilterForm, ChallengeForm, IdeaFilterForm
from ideas.models import Challenge, ChallengeStatus
from ideas.rules import participation_refusal
from ideas.selectors import ideas as selectors
from ideas.services import challenges as services
from organisations.models import Organisation

PER_PAGE = 20


def _challenge_or_404(request: HttpRequest, pk: int) -> Challenge:
    challenge = selectors.challenge_visible(user=request.user).filter(pk=pk).first()
    if challenge is None:
        raise Http404(_("No such challenge."))
    return challenge


def challenge_list_view(request: HttpRequest) -> HttpResponse:
    filters = ChallengeFilterForm(request.GET or None)
    chosen: dict[str, Any] = {}
    if filters.is_valid():
        chosen = {key: value for key, value in filters.cleaned_data.items() if value}
    challenges = selectors.challenge_public_list(user=request.user, **chosen)
    page = Paginator(challenges, PER_PAGE).get_page(request.GET.get("page"))
    user = request.user
    can_create = bool(user.is_superuser or roles.editable_organisation_ids(user))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ideas/challenge_list.html",
        {
            "page": page,
            "filters": filters,
            "filtered": bool(chosen),
            "query": query.urlencode(),
            "can_create": can_create,
            "editable_organisations": Organisation.objects.filter(
                pk__in=roles.editable_organisation_ids(user)
            ).order_by("name"),
            "signed_in": user.is_authenticated,
            "section": "ideas",
        },
    )


@login_required
def challenge_create_view(request: HttpRequest) -> HttpResponse:
    """An editor of an organisation opens a challenge (or saves it as a draft)."""
    if not request.user.is_superuser and not roles.editable_organisation_ids(request.user):
        raise PermissionDenied(_("Only editors of an organisation can open challenges."))
    form = ChallengeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            challenge = services.challenge_create(
                actor=request.user, owner=form.cleaned_data["owner"], data=form.service_data()
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The challenge was saved."))
            return redirect("ideas:detail", pk=challenge.pk)
    return render(request, "ideas/challenge_form.html", {"form": form, "error_forms": [form], "section": "ideas"})


@login_required
def challenge_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner's editors change the challenge's texts and settings; a stale save is refused, keeping the typing."""
    challenge = _challenge_or_404(request, pk)
    if not request.user.has_perm("ideas.change_challenge", challenge):
        raise PermissionDenied(_("Only the organisation's editors can change the challenge."))
    if request.method != "POST":
        form = ChallengeForm(initial=ChallengeForm.initial_for(challenge), user=request.user, challenge=challenge)
    else:
        form = ChallengeForm(request.POST, user=request.user, challenge=challenge)
        if form.is_valid():
            try:
                services.challenge_update(
                    actor=request.user,
                    challenge=challenge,
                    data=form.service_data(),
                    expected_version=form.cleaned_data["version"],
                )
            except ConflictError:
                form.add_error(None, ConflictError.message)
                # Saving again, after comparing, deliberately replaces the other change.
                data = request.POST.copy()
                data["version"] = services.challenge_version(Challenge.objects.get(pk=challenge.pk))
                form.data = data
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("Your changes were saved."))
                return redirect("ideas:detail", pk=challenge.pk)
    return render(
        request,
        "ideas/challenge_form.html",
        {"form": form, "error_forms": [form], "challenge": challenge, "section": "ideas"},
    )


def challenge_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge_or_404(request, pk)
    filters = IdeaFilterForm(request.GET)
    q = state = ""
    if filters.is_valid():
        q, state = filters.cleaned_data["q"], filters.cleaned_data["state"]
    ideas = selectors.idea_list(user=request.user, challenge=challenge, q=q, state=state)
    page = Paginator(ideas, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_state_names(ideas=page.object_list, user=request.user)
    return render(
        request,
        "ideas/challenge_detail.html",
        {
            "challenge": challenge,
            "filters": filters,
            "page": page,
            "filtered": bool(q or state),
            "can_send": request.user.has_perm("ideas.send_idea", challenge),
            "send_refusal": participation_refusal(request.user, challenge, "send"),  # why not, in words
            "can_change": request.user.has_perm("ideas.change_challenge", challenge),
            "statuses": ChallengeStatus.choices,
            "section": "ideas",
        },
    )


@require_POST
def challenge_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge_or_404(request, pk)
    if not request.user.has_perm("ideas.change_challenge", challenge):
        raise PermissionDenied(_("Only the organisation's editors can change the challenge."))
    try:
        services.challenge_set_status(actor=request.user, challenge=challenge, status=request.POST.get("status", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The status of the challenge was changed."))
    return redirect("ideas:detail", pk=challenge.pk)


class OpenChallengesFeed(Feed):  # type: ignore[type-arg]  # generic in the stubs only
    """An RSS feed of new open public challenges."""

    title = gettext_lazy("Innoverkko: new open challenges")
    description = gettext_lazy("Challenges that organisations have opened for ideas.")

    def link(self) -> str:
        return reverse("ideas:list")

    def items(self) -> Any:
        return selectors.challenge_feed()

    def item_title(self, item: Challenge) -> str:
        # RSS readers show titles and descriptions as HTML: plain texts go in escaped ("a < b" stays text).
        return escape(item.title)

    def item_description(self, item: Challenge) -> str:
        return escape(item.question or "")

    def item_link(self, item: Challenge) -> str:
        return reverse("ideas:detail", args=[item.pk])

    def item_pubdate(self, item: Challenge) -> Any:
        return item.created_at


class OpenChallengesAtomFeed(OpenChallengesFeed):
    """The same feed in Atom."""

    feed_type = Atom1Feed
    subtitle = OpenChallengesFeed.description

    def item_title(self, item: Challenge) -> str:
        return item.title  # an Atom title is text (type="text"), never read as HTML


urls = [
    path("", challenge_list_view, name="list"),
    path("new/", challenge_create_view, name="create"),
    path("feed/", OpenChallengesFeed(), name="feed"),
    path("feed/atom/", OpenChallengesAtomFeed(), name="feed_atom"),
    path("<int:pk>/", challenge_detail_view, name="detail"),
    path("<int:pk>/status/", challenge_status_view, name="status"),
    path("<int:pk>/edit/", challenge_edit_view, name="challenge_edit"),
]
