"""Reads of challenges and ideas with their visibility rules (see ideas.rules for the same rules per object)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from accounts import roles
from core import search
from core.translated import LANGUAGES as LANGS
from ideas.models import Audience, Challenge, ChallengeStatus, Comment, Idea, IdeaState, IdeaStateOption
from ideas.rules import challenge_handler_q, challenge_visibility_q, is_challenge_handler
from organisations.models import Organisation


def challenge_visible(*, user: Any) -> QuerySet[Challenge]:
    """Challenges the person may see: open and closed ones of their audience, drafts only to the owner's editors."""
    qs = Challenge.objects.select_related("owner")
    if getattr(user, "is_superuser", False):
        return qs
    # The rule of ideas.view_challenge as a filter: every audience (residents, partners, networks), drafts to handlers.
    return qs.filter(challenge_visibility_q(user))


def challenge_public_list(
    *,
    user: Any,
    q: str = "",
    organisation: Organisation | None = None,
    audience: str = "",
    status: str = "",
) -> QuerySet[Challenge]:
    """The challenges of the public list: open and closed ones the person's audience may see, open ones first.

    Filters: words in the title or question (any language; every word must match), the organisation (as owner or
    co-organiser), the audience and open / closed."""
    qs = challenge_visible(user=user).exclude(status=ChallengeStatus.DRAFT)
    for word in q.split():
        match = Q()
        for field in ("title", "question"):
            for lang in LANGS:
                match |= Q(**{f"{field}_{lang}__icontains": word})
        qs = qs.filter(match)
    if organisation is not None:
        qs = qs.filter(Q(owner=organisation) | Q(co_organisers=organisation)).distinct()
    if audience in Audience.values:
        qs = qs.filter(audience=audience)
    # Open means taking ideas today: a challenge past its closing date counts as closed, whatever its status says.
    today = timezone.localdate()
    past = Q(closes_on__lt=today)
    if status == ChallengeStatus.OPEN:
        qs = qs.filter(status=ChallengeStatus.OPEN).exclude(past)
    elif status == ChallengeStatus.CLOSED:
        qs = qs.filter(Q(status=ChallengeStatus.CLOSED) | past)
    qs = qs.annotate(past_closing=ExpressionWrapper(past, output_field=BooleanField()))
    return qs.order_by("-status", "-created_at", "-id")  # "open" sorts after "closed": descending puts it first


def challenge_feed(*, limit: int = 30) -> QuerySet[Challenge]:
    """The newest open public challenges, for the feed (read by anonymous feed readers)."""
    return Challenge.objects.filter(status=ChallengeStatus.OPEN, audience=Audience.PUBLIC).order_by(
        "-created_at", "-id"
    )[:limit]


def idea_list(*, user: Any, challenge: Challenge, q: str = "", state: str = "") -> QuerySet[Idea]:
    """The confirmed ideas of a challenge (the person must see the challenge), searched and filtered by state."""
    qs = search.substrings(challenge.ideas.filter(confirmed=True, merged_into__isnull=True), q)  # merged: gone
    # Hidden ideas are left out for everyone but their handlers (ideas.rules.is_challenge_handler).
    if not is_challenge_handler(user, challenge):
        qs = qs.filter(hidden=False)
    if state in IdeaState.values:
        qs = qs.filter(state=state)
    return qs.select_related("state_option").annotate(support_count=Count("supports")).order_by("-created_at", "-id")


def idea_detail(*, idea: Idea, include_hidden: bool = False) -> tuple[list[Comment], int]:
    """The comments (hidden ones only for handlers) and the number of supports of an idea."""
    comments = idea.comments.select_related("author")
    if not include_hidden:
        comments = comments.filter(hidden=False)
    return list(comments), idea.supports.count()


def has_supported(*, user: Any, idea: Idea) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and idea.supports.filter(user=user).exists()


def ideas_sent_by(*, user: Any) -> QuerySet[Idea]:
    """The ideas a signed-in person sent, newest first, with their challenge and support count."""
    if not getattr(user, "is_authenticated", False):
        return Idea.objects.none()
    return (
        Idea.objects.filter(sender=user)
        .select_related("challenge", "organisation", "state_option")
        .annotate(support_count=Count("supports"))
        .order_by("-created_at", "-id")
    )


# --- state names ---------------------------------------------------------------------------------------------------


def state_options(*, organisation_id: int) -> list[IdeaStateOption]:
    """The organisation's own idea states in their order (empty: it uses the six built-in states)."""
    return list(IdeaStateOption.objects.filter(organisation_id=organisation_id).order_by("order", "id"))


def state_options_in_use(*, organisation_id: int) -> list[IdeaStateOption]:
    """The organisation's states in order, each with `idea_count`: how many ideas are in it now."""
    counts = dict(
        Idea.objects.filter(state_option__organisation_id=organisation_id)
        .values("state_option")
        .annotate(n=Count("id"))
        .values_list("state_option", "n")
    )
    options = state_options(organisation_id=organisation_id)
    for option in options:
        option.idea_count = counts.get(option.pk, 0)  # type: ignore[attr-defined]
    return options


def kind_default(options: list[IdeaStateOption], kind: str) -> IdeaStateOption | None:
    """The state an idea of this kind shows when its own state is not public or is removed: the organisation's first
    public state of the kind, or None for the built-in name."""
    return next((option for option in options if option.kind == kind and option.public), None)


def _state_name(idea: Idea, options: list[IdeaStateOption], sees_private: bool) -> str:
    option = idea.state_option
    if option is not None and option.kind == idea.state and (option.public or sees_private):
        return option.name
    default = kind_default(options, idea.state)
    return default.name if default is not None else str(IdeaState(idea.state).label)


def idea_state_name(*, idea: Idea, user: Any) -> str:
    """The idea's state as this person sees it: the organisation's own name, or for a state that is not public,
    the kind's default name unless the person handles the idea."""
    sees_private = bool(user.has_perm("ideas.handle_idea", idea))
    return _state_name(idea, state_options(organisation_id=idea.organisation_id), sees_private)


def with_state_names(*, ideas: Iterable[Idea], user: Any) -> list[Idea]:
    """The ideas with `state_name` set for this person (a list page): one query of options per organisation."""
    ideas = list(ideas)
    options: dict[int, list[IdeaStateOption]] = {}
    # Who handles an idea depends on its organisation and challenge only: asked once per pair, not per idea.
    handles: dict[tuple[int, int | None], bool] = {}
    for idea in ideas:
        if idea.organisation_id not in options:
            options[idea.organisation_id] = state_options(organisation_id=idea.organisation_id)
        sees_private = False
        if idea.state_option_id and not idea.state_option.public:  # type: ignore[union-attr]
            key = (idea.organisation_id, idea.challenge_id)
            if key not in handles:
                handles[key] = bool(user.has_perm("ideas.handle_idea", idea))
            sees_private = handles[key]
        idea.state_name = _state_name(idea, options[idea.organisation_id], sees_private)  # type: ignore[attr-defined]
    return ideas


def state_choices(*, organisation_id: int) -> list[tuple[str, str]]:
    """What a handler may choose: the organisation's own states ("o<id>") or, when it has none, the six built-in
    ones. Kinds the organisation has no state for stay available under their built-in name, so that an idea can
    always be, e.g., not taken forward."""
    options = state_options(organisation_id=organisation_id)
    if not options:
        return [(value, str(label)) for value, label in IdeaState.choices]
    choices = [(f"o{option.pk}", option.name) for option in options]
    covered = {option.kind for option in options}
    choices += [(value, str(label)) for value, label in IdeaState.choices if value not in covered]
    return choices


# --- lists across challenges (the API's /challenges and /ideas) ------------------------------------------------


def _handled_by(user: Any) -> Q:
    """The ideas the person handles (the rule is_handler as a query): sent to an organisation they edit, or to a
    challenge that names them."""
    return Q(organisation_id__in=roles.editable_organisation_ids(user)) | Q(
        challenge__in=Challenge.objects.filter(challenge_handler_q(user)).values("pk")  # incl. co-organisers, network
    )


def idea_visible(*, user: Any) -> QuerySet[Idea]:
    """The ideas the person may open (the rule ideas.view_idea as a query): confirmed ideas sent to an organisation
    or to a challenge they see, and the ideas they handle or sent themselves."""
    qs = Idea.objects.select_related("challenge__owner", "organisation")
    if getattr(user, "is_superuser", False):
        return qs
    public = Q(confirmed=True) & (
        Q(challenge__isnull=True) | Q(challenge__in=challenge_visible(user=user).values("pk"))
    )
    if not getattr(user, "is_authenticated", False):
        return qs.filter(public)
    return qs.filter(public | _handled_by(user) | Q(sender=user))


def idea_search(
    *,
    user: Any,
    q: str = "",
    organisation: Organisation | None = None,
    challenge: Challenge | None = None,
    state: str = "",
    has_location: bool | None = None,
) -> QuerySet[Idea]:
    """A list of ideas the person may see, newest first with their support counts: hidden ones and unconfirmed
    ones only for their handlers (a sender finds their own among their ideas)."""
    qs = idea_visible(user=user).filter(merged_into__isnull=True)  # a merged idea lives on in its target
    if not getattr(user, "is_superuser", False):
        shown = Q(hidden=False, confirmed=True)
        if getattr(user, "is_authenticated", False):
            shown |= _handled_by(user)
        qs = qs.filter(shown)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if challenge is not None:
        qs = qs.filter(challenge=challenge)
    if state in IdeaState.values:
        qs = qs.filter(state=state)
    if has_location is not None:
        qs = qs.filter(latitude__isnull=not has_location)
    qs = search.matching(qs, q)
    return qs.select_related("state_option").annotate(support_count=Count("supports")).order_by("-created_at", "-id")


def ideas_behind(*, user: Any, experiment: Any = None, innovation: Any = None) -> list[Idea]:
    """The ideas an experiment or an innovation record was made from, as far as this person may see them (a hidden
    idea only to its handlers): for the "from an idea" link on those records' pages."""
    qs = Idea.objects.select_related("challenge", "organisation").order_by("created_at", "id")
    if experiment is not None:
        qs = qs.filter(experiment=experiment)
    elif innovation is not None:
        qs = qs.filter(innovation=innovation)
    else:
        return []
    return [
        idea
        for idea in qs
        if user.has_perm("ideas.view_idea", idea) and (not idea.hidden or user.has_perm("ideas.handle_idea", idea))
    ]


# --- what one idea shows to one person (its page and the API) ------------------------------------------------------


@dataclass(frozen=True)
class IdeaForPerson:
    """An idea as one person sees it: what they may do with it, what of it they are shown, its comments and
    supports. The idea's page and the API read the same answer, so that the two cannot drift apart."""

    idea: Idea
    is_handler: bool
    is_sender: bool
    shows_sender: bool  # personal data: the sender's name and address
    supported: bool
    may_take_part: bool
    may_comment: bool
    may_support: bool
    may_edit: bool
    may_delete: bool
    state_name: str
    comments: list[Comment]  # hidden ones only for handlers
    support_count: int
    experiment: Any  # the experiment made from the idea, if the person may see it
    innovation: Any  # likewise the innovation record

    @property
    def shows_files(self) -> bool:
        """A hidden idea's image and attachment, like the text on its page, are for its handlers only."""
        return not self.idea.hidden or self.is_handler

    @property
    def title(self) -> str:
        """The title as the API gives it: empty for a hidden idea, except to its handlers and its sender."""
        return self.idea.title if shows_hidden_text(self.idea, self.is_handler, self.is_sender) else ""

    @property
    def text(self) -> str:
        return self.idea.text if shows_hidden_text(self.idea, self.is_handler, self.is_sender) else ""


def shows_hidden_text(idea: Idea, is_handler: bool, is_sender: bool) -> bool:
    """A hidden idea shows others that it was hidden and why, not what it said (handlers and the sender see it)."""
    return not idea.hidden or is_handler or is_sender


def idea_for_person(*, idea: Idea, user: Any) -> IdeaForPerson:
    """What this idea (and its comments) shows to this person; the person must be allowed to see the idea."""
    is_handler = bool(user.has_perm("ideas.handle_idea", idea))
    comments, support_count = idea_detail(idea=idea, include_hidden=is_handler)
    experiment = idea.experiment if idea.experiment_id else None
    innovation = idea.innovation if idea.innovation_id else None
    return IdeaForPerson(
        idea=idea,
        is_handler=is_handler,
        is_sender=idea.sender_id is not None and idea.sender_id == getattr(user, "pk", None),
        shows_sender=bool(user.has_perm("ideas.view_sender", idea)),
        supported=has_supported(user=user, idea=idea),
        may_take_part=bool(user.has_perm("ideas.take_part", idea)),
        may_comment=bool(user.has_perm("ideas.comment_idea", idea)),
        may_support=bool(user.has_perm("ideas.support_idea", idea)),
        may_edit=bool(user.has_perm("ideas.change_idea", idea)),
        may_delete=bool(user.has_perm("ideas.delete_idea", idea)),
        state_name=idea_state_name(idea=idea, user=user),
        comments=comments,
        support_count=support_count,
        experiment=experiment if experiment and user.has_perm("experiments.view_experiment", experiment) else None,
        innovation=innovation if innovation and user.has_perm("innovations.view_innovation", innovation) else None,
    )


def masked_for(*, ideas: list[Idea], user: Any) -> list[Idea]:
    """A list's ideas with a hidden idea's title and text blanked for those who are neither its handler nor its
    sender (handlers' lists include hidden ideas; a sender's include their own)."""
    for idea in ideas:
        if not idea.hidden:
            continue
        is_sender = idea.sender_id is not None and idea.sender_id == getattr(user, "pk", None)
        if not shows_hidden_text(idea, bool(user.has_perm("ideas.handle_idea", idea)), is_sender):
            idea.title = ""
            idea.text = ""
    return ideas
