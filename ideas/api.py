"""REST API v1 for co-development: challenges and the ideas sent to them (or to an organisation), comments,
supports, the handlers' state changes and the sender's own edits.

The endpoints parse, call one selector or service of `ideas`, and answer; the rules are the pages' rules
(ideas.rules): an idea or challenge a person may not see is a 404 (its existence is not revealed), one they see
but may not act on is a 403. Writes need a token or a signed-in session: sending without an account happens on
the pages, which confirm the sender's e-mail address.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import Throttled

from accounts.api_auth import AUTH_OPTIONAL, AUTH_REQUIRED, OPTIONAL_SECURITY, actor
from core.api_types import MAX_ID, Body, ObjectId, OptionalSlug, OutText, PageQuery, Text, Text200
from ideas.models import Audience, Challenge, Comment, Idea, IdeaState, Participation
from ideas.rules import HIDDEN_NO_COMMENTS, participation_refusal
from ideas.selectors import ideas as selectors
from ideas.services import ideas as services
from ideas.views.limits import COMMENT_RATE, SEND_RATE, SUPPORT_RATE, over_limit
from organisations.api import NetworkRef, OrganisationRef, OrganisationRefIn, organisation_from_ref
from organisations.models import Organisation

# Sends, comments and supports count together with the pages' (the same groups, ideas/views/limits.py), so two
# ways in do not double a limit.
Latitude = Annotated[
    float, Field(ge=-90, le=90, allow_inf_nan=False, description="WGS84; the place must be in Finland.")
]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, description="WGS84.")]

# --- output schemas ---------------------------------------------------------------------------------------------


def _page_link(request: HttpRequest, name: str, pk: int) -> str:
    return request.build_absolute_uri(reverse(name, args=[pk]))


class ChallengeRef(Schema):
    id: int
    title: OutText


# An organisations' network reference under the name the published schema gives it here.
class NetworkLink(NetworkRef):
    pass


class ChallengeListItem(Schema):
    id: int
    owner: OrganisationRef
    co_organisers: list[OrganisationRef]
    network: NetworkLink | None
    title: OutText = Field(..., description="In the language of the request, falling back to another one.")
    title_fi: OutText
    title_sv: OutText
    title_en: OutText
    question: OutText = Field(..., description="“How might we …?”")
    question_fi: OutText
    question_sv: OutText
    question_en: OutText
    audience: Audience = Field(..., description="Who sees the challenge and may take part.")
    participation: Participation = Field(..., description="Who may send ideas.")
    comment_participation: Participation = Field(..., description="Who may comment (always a signed-in person).")
    support_participation: Participation = Field(..., description="Who may support (always a signed-in person).")
    status: Literal["open", "closed", "draft"]
    opens_on: date | None
    closes_on: date | None
    idea_count: int = Field(..., description="Confirmed ideas that are not hidden.")
    created_at: datetime
    updated_at: datetime
    url: str

    @staticmethod
    def resolve_co_organisers(obj: Challenge) -> list[Organisation]:
        return list(obj.co_organisers.all())

    @staticmethod
    def resolve_url(obj: Challenge, context: dict[str, Any]) -> str:
        return _page_link(context["request"], "ideas:detail", obj.pk)


class ChallengeOut(ChallengeListItem):
    description_fi: OutText = Field(..., description="Sanitised HTML.")
    description_sv: OutText
    description_en: OutText
    municipalities: list[OrganisationRef] = Field(..., description="For the audience `residents`.")
    invited_partners: list[OrganisationRef] = Field(..., description="For the audience `partners`.")
    may_send: bool = Field(..., description="Whether you may send an idea to it now.")

    @staticmethod
    def resolve_municipalities(obj: Challenge) -> list[Organisation]:
        return list(obj.municipalities.all())

    @staticmethod
    def resolve_invited_partners(obj: Challenge) -> list[Organisation]:
        return list(obj.invited_partners.all())

    @staticmethod
    def resolve_may_send(obj: Challenge, context: dict[str, Any]) -> bool:
        return bool(actor(context["request"]).has_perm("ideas.send_idea", obj))


class ChallengePage(Schema):
    count: int
    items: list[ChallengeListItem]


class IdeaListItem(Schema):
    id: int
    title: OutText = Field(..., description="Empty when the idea is hidden (see `hidden_reason`).")
    challenge: ChallengeRef | None = Field(..., description="None: sent to the organisation without a challenge.")
    organisation: OrganisationRef = Field(..., description="The organisation that received the idea.")
    state: IdeaState = Field(..., description="The built-in kind of the state, which the filters use.")
    state_name: str = Field(..., description="The state's name as the organisation shows it to you.")
    state_reason: str = Field(..., description="The handlers' reason, shown to everyone.")
    support_count: int
    latitude: float | None
    longitude: float | None
    confirmed: bool = Field(..., description="False until a sender without an account confirms it (handlers only).")
    hidden: bool
    hidden_reason: str
    merged_into: int | None = Field(..., description="The idea this duplicate was merged into.")
    created_at: datetime
    updated_at: datetime
    url: str

    # A list item is an Idea; a single idea is a dict (see _detail) that already holds these two.
    @staticmethod
    def resolve_merged_into(obj: Idea | dict[str, Any]) -> int | None:
        return obj["merged_into"] if isinstance(obj, dict) else obj.merged_into_id

    @staticmethod
    def resolve_url(obj: Idea | dict[str, Any], context: dict[str, Any]) -> str:
        return obj["url"] if isinstance(obj, dict) else _page_link(context["request"], "ideas:idea", obj.pk)


class IdeaPage(Schema):
    count: int
    items: list[IdeaListItem]


class CommentOut(Schema):
    id: int
    author_name: str = Field(..., description="The commenter's name, or empty when they have not given one.")
    text: str = Field(..., description="Sanitised HTML.")
    hidden: bool = Field(..., description="Hidden comments are shown to the handlers only.")
    hidden_reason: str
    created_at: datetime

    @staticmethod
    def resolve_author_name(obj: Comment) -> str:
        return obj.author.get_full_name()


class RecordLink(Schema):
    id: int
    title: OutText
    url: str


class SenderOut(Schema):
    """Personal data: shown to the idea's handlers only."""

    name: str
    email: str


class StateChoice(Schema):
    value: str = Field(..., examples=["under_review"])
    name: str = Field(..., examples=["Under review"])


class YouOut(Schema):
    """What you may do with the idea."""

    supported: bool
    may_comment: bool
    may_support: bool
    may_edit: bool
    may_delete: bool
    may_handle: bool
    state_choices: list[StateChoice] = Field(..., description="The states you may set (handlers only).")


class IdeaOut(IdeaListItem):
    text: str = Field(..., description="Sanitised HTML; empty when the idea is hidden.")
    source: str = Field(..., description="Where the idea came from, in the barometer's categories.")
    partners: list[OrganisationRef]
    comments: list[CommentOut]
    experiment: RecordLink | None = Field(..., description="The experiment made from the idea (if you may see it).")
    innovation: RecordLink | None = Field(..., description="The innovation made from the idea (if you may see it).")
    sender: SenderOut | None = Field(..., description="Handlers only.")
    image_url: str | None = Field(..., description="The idea's image, served to those who may see the idea.")
    attachment_url: str | None = Field(..., description="The idea's attachment (a download).")
    you: YouOut


class SupportOut(Schema):
    created: bool = Field(..., description="False when you already supported the idea: nothing changed.")
    support_count: int


# --- input schemas ----------------------------------------------------------------------------------------------


class IdeaIn(Body):
    title: Text200 = Field(..., description="Plain text; any HTML is removed.", examples=["Kylätalo kaikille"])
    text: Text = Field(
        ...,
        description="The idea, at most 10,000 characters; HTML is sanitised.",
        examples=["<p>Yhteinen kylätalo, jossa eri ikäiset tapaavat.</p>"],
    )
    latitude: Latitude | None = Field(None, examples=[60.2055])
    longitude: Longitude | None = Field(None, examples=[24.6559])


class IdeaToOrganisationIn(IdeaIn):
    organisation: OrganisationRefIn = Field(
        ..., description="The receiving organisation's id or slug.", examples=["espoo"]
    )


class IdeaUpdateIn(Body):
    title: Text200 | None = Field(None, examples=["Kylätalo kaikenikäisille"])
    text: Text | None = Field(None, description="Sanitised HTML.")


class CommentIn(Body):
    text: Text = Field(..., description="At most 4,000 characters; HTML is sanitised.", examples=["Hyvä ajatus!"])


STATE_PATTERN = rf"^(o[1-9][0-9]{{0,17}}|{'|'.join(IdeaState.values)})$"


class StateIn(Body):
    state: Annotated[str, Field(max_length=30, pattern=STATE_PATTERN)] = Field(
        ...,
        description="One of the idea's `you.state_choices`: the organisation's own state (`o<id>`) or a built-in "
        "one (`received`, `under_review`, `in_development`, `experimenting`, `in_use`, `not_taken_forward`).",
        examples=["under_review"],
    )
    reason: Text | None = Field(
        None, description="Shown to everyone; required for `not_taken_forward`.", examples=["Päällekkäinen idea."]
    )


class ChallengeQuery(PageQuery):
    q: Text200 = Field("", description="Words of the title or question, in any language.")
    organisation: OptionalSlug = Field("", description="Slug of an organisation that opened it or co-organises it.")
    audience: Audience | None = None
    status: Literal["open", "closed"] | None = None


class IdeaQuery(PageQuery):
    q: Text200 = Field("", description="Search words; Finnish, Swedish and English inflections match.")
    state: IdeaState | None = Field(None, description="The built-in kind of the state.")
    has_location: bool | None = Field(None, description="true: only ideas with a place on the map; false: without.")


class AllIdeasQuery(IdeaQuery):
    organisation: OptionalSlug = Field("", description="Slug of the organisation that received the idea.")
    challenge: int | None = Field(None, ge=1, le=MAX_ID, description="Id of the challenge.")


# --- helpers ----------------------------------------------------------------------------------------------------


def _challenge(request: HttpRequest, pk: int) -> Challenge:
    challenge = selectors.challenge_visible(user=actor(request)).filter(pk=pk).first()
    if challenge is None:
        raise Challenge.DoesNotExist
    return challenge


def _idea(request: HttpRequest, pk: int) -> Idea:
    """The idea if the person may see it (ideas.view_idea), else 404 as on the pages."""
    idea = Idea.objects.select_related("challenge__owner", "organisation", "sender", "state_option").filter(pk=pk)
    found = idea.first()
    if found is None or not actor(request).has_perm("ideas.view_idea", found):
        raise Idea.DoesNotExist
    return found


def _organisation(slug: str) -> Organisation | None:
    """The organisation of a filter; an unknown slug is an error of the field, not a list of everything."""
    return organisation_from_ref(slug, field="organisation") if slug else None


def _idea_page(request: HttpRequest, ideas: Any, page: PageQuery) -> dict[str, Any]:
    user = actor(request)
    items = selectors.with_state_names(ideas=ideas[page.offset : page.offset + page.limit], user=user)
    return {"count": ideas.count(), "items": selectors.masked_for(ideas=items, user=user)}


def _link(request: HttpRequest, record: Any) -> dict[str, Any] | None:
    if record is None:
        return None
    return {"id": record.pk, "title": record.title, "url": request.build_absolute_uri(record.get_absolute_url())}


_COLUMNS = {field.name for field in Idea._meta.get_fields()}


def _detail(request: HttpRequest, idea: Idea) -> dict[str, Any]:
    user = actor(request)
    shown = selectors.idea_for_person(idea=idea, user=user)
    sender = None
    if shown.shows_sender:
        person = idea.sender
        sender = {
            "name": person.get_full_name() if person else "",
            "email": person.email if person else idea.sender_email,
        }
    return {
        **{
            field: getattr(idea, field) for field in (*IdeaListItem.model_fields, "text", "source") if field in _COLUMNS
        },
        "title": shown.title,
        "text": shown.text,
        "state_name": shown.state_name,
        "support_count": shown.support_count,
        "merged_into": idea.merged_into_id,
        "url": _page_link(request, "ideas:idea", idea.pk),
        "partners": list(idea.partners.all()),
        "comments": shown.comments,
        "experiment": _link(request, shown.experiment),
        "innovation": _link(request, shown.innovation),
        "sender": sender,
        **{
            f"{field}_url": _page_link(request, f"ideas:idea_{field}", idea.pk)
            if getattr(idea, field) and shown.shows_files
            else None
            for field in ("image", "attachment")
        },
        "you": {
            "supported": shown.supported,
            "may_comment": shown.may_comment,
            "may_support": shown.may_support,
            "may_edit": shown.may_edit,
            "may_delete": shown.may_delete,
            "may_handle": shown.is_handler,
            "state_choices": [
                {"value": value, "name": name}
                for value, name in (
                    selectors.state_choices(organisation_id=idea.organisation_id) if shown.is_handler else []
                )
            ],
        },
    }


def _state(idea: Idea, value: str) -> Any:
    """A built-in kind as it is, or the organisation's own state named `o<id>`."""
    if not value.startswith("o"):
        return value
    option = next(
        (o for o in selectors.state_options(organisation_id=idea.organisation_id) if f"o{o.pk}" == value), None
    )
    if option is None:
        raise ValidationError({"state": _("Choose a state from the list.")})
    return option


def _check_rate(request: HttpRequest, group: str, rate: str) -> None:
    if over_limit(request, group=group, rate=rate):
        raise Throttled(wait=None)


def _refuse(request: HttpRequest, challenge: Challenge | None, action: str, fallback: str) -> None:
    """403 with the reason in words (sign in, strong identification, closed …) where the rules know one."""
    raise PermissionDenied(participation_refusal(actor(request), challenge, action) or fallback)


def _send(request: HttpRequest, payload: IdeaIn, **target: Any) -> Any:
    _check_rate(request, "ideas.send", SEND_RATE)
    idea = services.idea_send(
        actor=actor(request),
        title=payload.title,
        text=payload.text,
        latitude=payload.latitude,
        longitude=payload.longitude,
        **target,
    )
    return Status(201, _detail(request, _idea(request, idea.pk)))


# --- endpoints --------------------------------------------------------------------------------------------------

challenges_router = Router(tags=["challenges"])
router = Router(tags=["ideas"])


@challenges_router.get(
    "",
    response=ChallengePage,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="List and search challenges",
)
def challenge_list(request: HttpRequest, filters: Query[ChallengeQuery]) -> Any:
    """Open and closed challenges whose audience you belong to, open ones first. Drafts are not listed."""
    challenges = selectors.challenge_public_list(
        user=actor(request),
        q=filters.q,
        organisation=_organisation(filters.organisation),
        audience=str(filters.audience or ""),
        status=filters.status or "",
    )
    page = (
        challenges.select_related("owner", "network")
        .prefetch_related("co_organisers")
        .annotate(idea_count=Count("ideas", distinct=True, filter=Q(ideas__confirmed=True, ideas__hidden=False)))
    )
    return {"count": challenges.count(), "items": list(page[filters.offset : filters.offset + filters.limit])}


@challenges_router.get(
    "/{id}", response=ChallengeOut, auth=AUTH_OPTIONAL, openapi_extra=OPTIONAL_SECURITY, summary="Read a challenge"
)
def challenge_read(request: HttpRequest, id: ObjectId) -> Any:
    """A challenge you may see (drafts: the owner's editors); others are 404."""
    challenge = _challenge(request, id)
    challenge.idea_count = challenge.ideas.filter(confirmed=True, hidden=False).count()  # type: ignore[attr-defined]
    return challenge


@challenges_router.get(
    "/{id}/ideas",
    response=IdeaPage,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="List and search a challenge's ideas",
)
def challenge_idea_list(request: HttpRequest, id: ObjectId, filters: Query[IdeaQuery]) -> Any:
    """The challenge's confirmed ideas, newest first; hidden and unconfirmed ones only for its handlers."""
    challenge = _challenge(request, id)
    ideas = selectors.idea_search(
        user=actor(request),
        challenge=challenge,
        q=filters.q,
        state=str(filters.state or ""),
        has_location=filters.has_location,
    )
    return _idea_page(request, ideas, filters)


@challenges_router.post(
    "/{id}/ideas", response={201: IdeaOut}, auth=AUTH_REQUIRED, summary="Send an idea to a challenge"
)
def challenge_idea_send(request: HttpRequest, id: ObjectId, payload: IdeaIn) -> Any:
    """To an open challenge whose audience and participation rule let you send ideas (403 otherwise).
    At most 10 ideas an hour per person."""
    challenge = _challenge(request, id)
    if not actor(request).has_perm("ideas.send_idea", challenge):
        _refuse(request, challenge, "send", _("This challenge does not take ideas from you now."))
    return _send(request, payload, challenge=challenge)


@router.get(
    "",
    response=IdeaPage,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="List and search ideas",
)
def idea_list(request: HttpRequest, filters: Query[AllIdeasQuery]) -> Any:
    """Confirmed ideas of every challenge you may see and those sent to organisations, newest first. Handlers
    also find the hidden and unconfirmed ideas they handle."""
    challenge = None
    if filters.challenge is not None:
        challenge = _challenge(request, filters.challenge)
    ideas = selectors.idea_search(
        user=actor(request),
        q=filters.q,
        organisation=_organisation(filters.organisation),
        challenge=challenge,
        state=str(filters.state or ""),
        has_location=filters.has_location,
    )
    return _idea_page(request, ideas, filters)


@router.post("", response={201: IdeaOut}, auth=AUTH_REQUIRED, summary="Send an idea to an organisation")
def idea_send(request: HttpRequest, payload: IdeaToOrganisationIn) -> Any:
    """An idea without a challenge, to the organisation that should hear it. At most 10 ideas an hour per person."""
    organisation = organisation_from_ref(payload.organisation, field="organisation")
    return _send(request, payload, organisation=organisation)


@router.get("/{id}", response=IdeaOut, auth=AUTH_OPTIONAL, openapi_extra=OPTIONAL_SECURITY, summary="Read an idea")
def idea_read(request: HttpRequest, id: ObjectId) -> Any:
    """With its comments, supports and where it went. The sender's name and e-mail address: handlers only."""
    return _detail(request, _idea(request, id))


@router.patch("/{id}", response=IdeaOut, auth=AUTH_REQUIRED, summary="Edit your idea")
def idea_update(request: HttpRequest, id: ObjectId, payload: IdeaUpdateIn) -> Any:
    """The sender edits the title and text until a handler has taken the idea up (403 after that)."""
    idea = _idea(request, id)
    if not actor(request).has_perm("ideas.change_idea", idea):
        raise PermissionDenied(_("You can edit only your own idea, and only until it is handled."))
    services.idea_edit(
        actor=actor(request),
        idea=idea,
        title=idea.title if payload.title is None else payload.title,
        text=idea.text if payload.text is None else payload.text,
    )
    return _detail(request, _idea(request, id))


@router.delete("/{id}", response={204: None}, auth=AUTH_REQUIRED, summary="Delete your idea")
def idea_delete(request: HttpRequest, id: ObjectId) -> Any:
    """The sender deletes their idea with its comments and supports."""
    idea = _idea(request, id)
    if not actor(request).has_perm("ideas.delete_idea", idea):
        raise PermissionDenied(_("You can delete only an idea you sent."))
    services.idea_delete(actor=actor(request), idea=idea)
    return Status(204, None)


@router.post("/{id}/comments", response={201: CommentOut}, auth=AUTH_REQUIRED, summary="Comment on an idea")
def comment_add(request: HttpRequest, id: ObjectId, payload: CommentIn) -> Any:
    """Signed-in people who may take part (while the challenge is open)."""
    idea = _idea(request, id)
    if idea.hidden:
        raise PermissionDenied(HIDDEN_NO_COMMENTS)
    if not actor(request).has_perm("ideas.comment_idea", idea):
        _refuse(request, idea.challenge, "comment", _("You cannot comment on this idea."))
    _check_rate(request, "ideas.comment", COMMENT_RATE)
    return Status(201, services.comment_add(actor=actor(request), idea=idea, text=payload.text))


@router.post(
    "/{id}/support", response={200: SupportOut, 201: SupportOut}, auth=AUTH_REQUIRED, summary="Support an idea"
)
def support_add(request: HttpRequest, id: ObjectId) -> Any:
    """One support per person: 201 when added, 200 with `created: false` when you already support it."""
    idea = _idea(request, id)
    if not actor(request).has_perm("ideas.support_idea", idea):
        _refuse(request, idea.challenge, "support", _("You cannot support this idea."))
    _check_rate(request, "ideas.support", SUPPORT_RATE)
    created = services.support_add(actor=actor(request), idea=idea)
    _comments, count = selectors.idea_detail(idea=idea)
    return Status(201 if created else 200, {"created": created, "support_count": count})


@router.post("/{id}/state", response=IdeaOut, auth=AUTH_REQUIRED, summary="Change an idea's state")
def idea_state_set(request: HttpRequest, id: ObjectId, payload: StateIn) -> Any:
    """The idea's handlers. The reason is public; "not taken forward" needs one."""
    idea = _idea(request, id)
    if not actor(request).has_perm("ideas.handle_idea", idea):
        raise PermissionDenied(_("Only the idea's handlers can change its state."))
    services.idea_set_state(
        actor=actor(request), idea=idea, state=_state(idea, payload.state), reason=payload.reason or ""
    )
    return _detail(request, _idea(request, id))
