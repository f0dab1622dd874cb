"""What a lower app announces so that a higher one can react, without importing it (docs/architecture.md, "Events").

The apps stand in layers (pyproject.toml's import-linter contract): an app imports only the apps below it. When a
write in a lower app concerns a higher one — an organisation renamed is in its innovations' search documents, an
idea's state is news for its followers — the lower app calls one of the functions below and the higher app has
connected a receiver to its signal in its AppConfig.ready().

Each event is a Django signal sent with `send`, not `send_robust`: receivers run at once, in the sender's
transaction (their writes commit or roll back with the change), and their errors reach the sender as a call's
would. Send through these functions, not the signals: their arguments are typed and documented here. Receivers
take `sender` and the keyword arguments listed, and return nothing that is used.
"""

from collections.abc import Iterable
from typing import Any, cast

from django.db.models import Model
from django.dispatch import Signal

from core.permissions import Person

# --- organisations -----------------------------------------------------------------------------------------------

ORGANISATION_FIELDS = frozenset({"name", "kind", "region", "size_class", "networks"})

organisations_changed = Signal()
"""organisation_ids: list[int]; fields: frozenset[str] of ORGANISATION_FIELDS; schedule: bool."""


def announce_organisations_changed(
    *, organisation_ids: Iterable[int], fields: Iterable[str], schedule: bool = True
) -> None:
    """Organisations' `fields` changed ("networks": joined or left a network). Send in the writing transaction,
    after the write. `schedule=False` (a bulk load of reference data): whatever is recomputed later is left to
    cron."""
    changed = frozenset(fields)
    if unknown := changed - ORGANISATION_FIELDS:
        raise ValueError(f"unknown organisation fields {sorted(unknown)}")
    organisations_changed.send(
        sender=announce_organisations_changed,
        organisation_ids=list(organisation_ids),
        fields=changed,
        schedule=schedule,
    )


# --- innovations and experiments ---------------------------------------------------------------------------------

innovation_adopted = Signal()
"""adoption: innovations.Adoption; actor: the person who recorded it (or AnonymousUser)."""


def announce_innovation_adopted(*, adoption: Model, actor: Person) -> None:
    """An organisation adopted another's innovation (the adoption row is saved). Send in the writing transaction."""
    innovation_adopted.send(sender=announce_innovation_adopted, adoption=adoption, actor=actor)


experiment_scaled_up = Signal()
"""experiment: experiments.Experiment; innovation: innovations.Innovation, the record made of it; actor."""


def announce_experiment_scaled_up(*, experiment: Model, innovation: Model, actor: Person) -> None:
    """An experiment decided "scale up" became `innovation`. Send in the scale-up's transaction, after the write."""
    experiment_scaled_up.send(
        sender=announce_experiment_scaled_up, experiment=experiment, innovation=innovation, actor=actor
    )


lineage_changed = Signal()
"""innovation_ids: list[int]."""


def announce_lineage_changed(*, innovation_ids: Iterable[int]) -> None:
    """What these innovations' families are made of changed: an adoption or a confirmed source recorded, a record
    published, unpublished or about to be deleted, a published original's year of taking into use. Send in the
    writing transaction, after the write (before it, for a record about to be deleted)."""
    lineage_changed.send(sender=announce_lineage_changed, innovation_ids=list(innovation_ids))


partners_changed = Signal()
"""No arguments."""


def announce_partners_changed() -> None:
    """A published innovation gained or lost a partner organisation. Send in the writing transaction."""
    partners_changed.send(sender=announce_partners_changed)


# --- ideas -------------------------------------------------------------------------------------------------------

idea_changed = Signal()
"""idea: ideas.Idea; change: str (notifications.models.Change's follower changes); actor; detail: str."""


def announce_idea_changed(*, idea: Model, change: str, actor: Person | None = None, detail: str = "") -> None:
    """Something its sender and supporters follow happened to `idea` (a new state, a comment, hidden, merged,
    made into an experiment or innovation). `detail`: plain text shown with the change. Send in the writing
    transaction."""
    idea_changed.send(sender=announce_idea_changed, idea=idea, change=change, actor=actor, detail=detail)


idea_received = Signal()
"""idea: ideas.Idea (just confirmed); actor."""


def announce_idea_received(*, idea: Model, actor: Person | None = None) -> None:
    """`idea` became confirmed: it waits for its handlers. Send in the writing transaction."""
    idea_received.send(sender=announce_idea_received, idea=idea, actor=actor)


idea_reported = Signal()
"""idea: ideas.Idea; actor: who reported it or one of its comments; reason: str."""


def announce_idea_reported(*, idea: Model, actor: Person | None = None, reason: str = "") -> None:
    """Somebody reported `idea` or one of its comments. Send in the writing transaction."""
    idea_reported.send(sender=announce_idea_reported, idea=idea, actor=actor, reason=reason)


# --- a record's or an organisation's page -----------------------------------------------------------------------

record_page = Signal()
"""Sent with the record's model as `sender` while an innovation's or an experiment's page is drawn: record, user.
Each receiver returns a dict for the page's template context: how a higher app shows what it knows of the record
(the experiments with an innovation, the ideas behind either) without the record's app importing it; the page's
template includes the higher app's part (e.g. ideas/includes/ideas_behind.html)."""


def record_page_context(*, record: Model, user: Person) -> dict[str, Any]:
    """What the higher apps add to `record`'s page for `user` (the receivers' dicts, merged)."""
    return _merged(record_page.send(sender=type(record), record=record, user=user))


organisation_page = Signal()
"""Sent while an organisation's page is drawn: organisation, user, everything: bool (the person asked for every row
of its lists, not only the first). Each receiver returns a dict for the page's template context, as for
`record_page`: the innovations app its lists (innovations, adoptions, partnerships), diffusion its figures; the
page's template shows them (e.g. diffusion/includes/organisation.html)."""


def organisation_page_context(*, organisation: Model, user: Person, everything: bool) -> dict[str, Any]:
    """What the higher apps add to `organisation`'s page for `user` (the receivers' dicts, merged)."""
    return _merged(
        organisation_page.send(
            sender=organisation_page_context, organisation=organisation, user=user, everything=everything
        )
    )


def _merged(answers: list[tuple[Any, Any]]) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for _receiver, part in answers:
        context.update(cast("dict[str, Any]", part))  # django-stubs type a receiver's answer as str | None
    return context
