"""What an organisation's own people have on their plate, in one place: the reads behind the workspace page.

Each block is a query built from the owning app's own visibility selector (drafts only inside the organisation,
ideas only for their handlers, rounds only for the barometer team), so that the workspace never shows more than
the full lists it links to. Who sees which block is decided here, not in the view or the template:

- every member (administrator, editor, staff member): the organisation's drafts, experiments due for a decision,
  open barometer invitations to the organisation, adoptions of its innovations by others, the Lab portfolio;
- editors and administrators also: ideas waiting for handling, the barometer rounds the organisation runs (they
  are the handlers and the barometer team) and other organisations' records that name one of ours as their source,
  waiting for them to confirm it.

A block on the page is its first few items and its count: two queries a block, whatever the amounts.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.models import Role
from barometer.models import Invitation, Response
from barometer.rounds.selectors import round_list
from barometer.vocabulary import ResponseStatus, RoundStatus
from experiments.selectors import experiment_visible
from ideas.models import Challenge, IdeaState
from ideas.selectors.ideas import idea_search
from innovations.models import Adoption
from innovations.selectors import innovation_visible, lineage_proposals_to_answer
from innovations.vocabulary import Status
from organisations.models import Organisation

PREVIEW = 5

# The blocks in the order of the page: (key, heading, what an empty block says). Editors-only blocks are marked.
INNOVATION_DRAFTS = "innovation-drafts"
EXPERIMENT_DRAFTS = "experiment-drafts"
IDEAS = "ideas"
EXPERIMENTS_DUE = "experiments-due"
INVITATIONS = "invitations"
ROUNDS = "rounds"
ADOPTIONS = "adoptions"
SOURCE_PROPOSALS = "source-proposals"

BLOCKS: dict[str, tuple[Any, Any]] = {
    INNOVATION_DRAFTS: (_("Innovation drafts"), _("No innovation drafts.")),
    EXPERIMENT_DRAFTS: (_("Experiment drafts"), _("No experiment drafts.")),
    IDEAS: (_("Ideas waiting for handling"), _("No ideas are waiting for handling.")),
    EXPERIMENTS_DUE: (_("Experiments due for a decision"), _("No finished experiment is waiting for a decision.")),
    INVITATIONS: (_("Open barometer invitations"), _("No open barometer invitations to the organisation.")),
    ROUNDS: (_("Barometer rounds we organise"), _("The organisation runs no barometer rounds at the moment.")),
    SOURCE_PROPOSALS: (
        _("Others name our innovations as their source"),
        _("No one is waiting for you to confirm a source."),
    ),
    ADOPTIONS: (
        _("Our innovations adopted by others"),
        _("No one else has adopted the organisation's innovations yet."),
    ),
}
EDITOR_BLOCKS = frozenset({IDEAS, ROUNDS, SOURCE_PROPOSALS})


def workspace_organisations(*, user: Any) -> list[Organisation]:
    """The organisations the person is a member of (any role), by name: the workspace's sections."""
    member_ids = list(roles.organisation_roles(user))
    if not member_ids:
        return []
    return list(Organisation.objects.filter(pk__in=member_ids).order_by("name"))


def has_workspace(user: Any) -> bool:
    """Whether the person has a workspace at all (the navigation's link, where to go after signing in)."""
    return bool(roles.organisation_roles(user))


def _require_member(user: Any, organisation: Organisation) -> None:
    if not roles.is_member(user, organisation.pk):
        raise PermissionDenied(_("The workspace is for the organisation's own people."))


def visible_blocks(*, user: Any, organisation: Organisation) -> list[str]:
    """The blocks this person sees for this organisation, in page order."""
    _require_member(user, organisation)
    editor = roles.is_editor(user, organisation.pk)
    return [key for key in BLOCKS if editor or key not in EDITOR_BLOCKS]


def block_items(*, user: Any, organisation: Organisation, block: str) -> QuerySet[Any]:
    """Every item of one block (the full list), newest or most urgent first. PermissionDenied when the person may
    not see the block for the organisation, LookupError for an unknown block."""
    if block not in BLOCKS:
        raise LookupError(block)
    if block not in visible_blocks(user=user, organisation=organisation):
        raise PermissionDenied(_("This list is for the organisation's editors and administrators."))
    today = timezone.localdate()
    if block == INNOVATION_DRAFTS:
        return (
            innovation_visible(user=user)
            .filter(owner=organisation, status=Status.DRAFT)
            .only("pk", "title", "updated_at", "owner_id", "status")
            .order_by("-updated_at", "-id")
        )
    if block == EXPERIMENT_DRAFTS:
        return (
            experiment_visible(user=user)
            .filter(owner=organisation, status=Status.DRAFT)
            .only("pk", "title", "updated_at", "owner_id", "status")
            .order_by("-updated_at", "-id")
        )
    if block == EXPERIMENTS_DUE:
        return (
            experiment_visible(user=user)
            .filter(owner=organisation, decision="", ends_on__lt=today)
            .only("pk", "title", "ends_on", "owner_id", "status")
            .order_by("ends_on", "id")
        )
    if block == IDEAS:
        # Sent to the organisation or to a challenge it co-organises; idea_search keeps them to those the person
        # handles. Hidden and unconfirmed ones wait for moderation or their sender, not for handling.
        co_organised = Challenge.co_organisers.through.objects.filter(organisation_id=organisation.pk)
        return (
            idea_search(user=user, state=IdeaState.RECEIVED)
            .filter(Q(organisation=organisation) | Q(challenge__in=co_organised.values("challenge_id")))
            .filter(confirmed=True, hidden=False)
            .order_by("created_at", "id")
        )
    if block == INVITATIONS:
        submitted = Response.objects.filter(invitation=OuterRef("pk"), status=ResponseStatus.SUBMITTED)
        return (
            Invitation.objects.filter(frame_unit__organisation=organisation, round__status=RoundStatus.OPEN)
            .exclude(Exists(submitted))
            .select_related("round")
            .order_by("round__closes_on", "email")
        )
    if block == ROUNDS:
        return round_list(user=user).filter(organiser=organisation).exclude(status=RoundStatus.PUBLISHED)
    if block == SOURCE_PROPOSALS:
        # The editors confirm or decline these (innovations.services): until then no lineage edge exists.
        return (
            lineage_proposals_to_answer(user=user)
            .filter(source__owner=organisation)
            .select_related("source", "result__owner")
            .order_by("proposed_at", "id")
        )
    # ADOPTIONS: by other organisations, as far as the person may see the adopter's record.
    return (
        Adoption.objects.filter(source__owner=organisation, result__in=innovation_visible(user=user))
        .exclude(result__owner=organisation)
        .select_related("source", "result__owner")
        .order_by("-adopted_on", "-id")
    )


@dataclass
class Block:
    key: str
    title: Any
    empty: Any
    items: list[Any]
    count: int

    @property
    def more(self) -> bool:
        return self.count > len(self.items)


@dataclass
class Workspace:
    organisation: Organisation
    role: str
    blocks: list[Block] = field(default_factory=list)
    # The Lab portfolio is the organisation's own people's (lab.rules): every member may open it.
    lab_portfolio: bool = True

    @property
    def role_label(self) -> Any:
        return Role(self.role).label if self.role in Role.values else ""


def workspace(*, user: Any, organisation: Organisation, preview: int = PREVIEW) -> Workspace:
    """The organisation's blocks for this person: each with its first `preview` items and its count."""
    keys = visible_blocks(user=user, organisation=organisation)
    result = Workspace(organisation=organisation, role=roles.organisation_roles(user).get(organisation.pk, ""))
    for key in keys:
        items = block_items(user=user, organisation=organisation, block=key)
        first = list(items[:preview])
        # No COUNT query when the preview holds everything there is.
        count = len(first) if len(first) < preview else items.count()
        title, empty = BLOCKS[key]
        result.blocks.append(Block(key=key, title=title, empty=empty, items=first, count=count))
    return result
