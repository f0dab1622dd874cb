"""What handlers connect an idea to: its source (the barometer's categories), partner organisations, and the
experiment or innovation record made from it. Turning an idea into an experiment or an innovation goes through
those apps' own services, so their permissions, validation and change logs apply too."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import Actor, User
from audit.models import Action
from audit.services import change_record, diff
from core import events
from core.permissions import require
from core.sanitise import clean_html, strip_html
from core.translated import LANGUAGES as LANGS
from experiments import services as experiment_services
from experiments.models import Experiment
from ideas.models import Idea, IdeaSource, IdeaState
from ideas.services import states
from ideas.sources import source_of
from innovations import services as innovation_services
from innovations.models import Innovation
from innovations.vocabulary import Stage
from organisations.models import Organisation

SUMMARY_LENGTH = 500


def default_source(*, sender: Actor, organisation: Organisation) -> str:
    """The source an idea gets when it is sent (see ideas.sources.source_of); handlers may correct it."""
    if not isinstance(sender, User):
        return IdeaSource.USERS
    memberships = sender.memberships.order_by("created_at", "id").values_list("organisation_id", "organisation__kind")
    return source_of(receiver_id=organisation.pk, memberships=memberships)


def _locked(idea: Idea) -> Idea:
    return Idea.objects.select_for_update(of=("self",)).select_related("challenge", "organisation").get(pk=idea.pk)


def idea_set_source(*, actor: Actor, idea: Idea, source: str) -> Idea:
    """A handler corrects where the idea came from."""
    if source not in IdeaSource.values:
        raise ValidationError({"source": _("Choose a source from the list.")})
    with transaction.atomic():
        idea = _locked(idea)
        require(actor, "ideas.handle_idea", idea)
        changes = diff({"source": idea.source}, {"source": source})
        idea.source = source
        idea.save(update_fields=["source", "updated_at"])
        change_record(obj=idea, actor=actor, action=Action.UPDATE, changes=changes)
    return idea


def idea_set_partners(*, actor: Actor, idea: Idea, partners: Iterable[Organisation]) -> Idea:
    """A handler links the idea to the partner organisations it is developed with (replaces the list)."""
    partners = list(dict.fromkeys(partners))
    if any(partner.pk == idea.organisation_id for partner in partners):
        raise ValidationError({"partners": _("The organisation the idea was sent to cannot be its own partner.")})
    with transaction.atomic():
        idea = _locked(idea)
        require(actor, "ideas.handle_idea", idea)
        before = sorted(str(partner) for partner in idea.partners.all())
        idea.partners.set(partners)
        changes = diff({"partners": before}, {"partners": [str(partner) for partner in partners]})
        change_record(obj=idea, actor=actor, action=Action.UPDATE, changes=changes)
    return idea


def _texts(idea: Idea, summary_field: str = "summary") -> dict[str, str]:
    """The new record's title and summary from the idea, in the handler's language (an idea has one language and
    it is not recorded; the handler reads and writes it)."""
    lang = translation.get_language() or "fi"
    lang = lang if lang in LANGS else "fi"
    summary = Truncator(" ".join(strip_html(idea.text).split())).chars(SUMMARY_LENGTH)
    return {f"title_{lang}": idea.title, f"{summary_field}_{lang}": summary}


def _move_to(idea: Idea, kind: str, actor: Actor, field: str, record: Any) -> None:
    _kind, option = states.option_for(organisation_id=idea.organisation_id, state=kind)
    changes = diff(
        {"state": idea.state, "state_option": idea.state_option_id, field: None},
        {"state": kind, "state_option": option.pk if option else None, field: record.pk},
    )
    idea.state = kind
    idea.state_option = option
    setattr(idea, field, record)
    idea.save(update_fields=["state", "state_option", field, "updated_at"])
    change_record(obj=idea, actor=actor, action=Action.UPDATE, changes=changes)


def _check_turnable(actor: Actor, idea: Idea) -> None:
    require(actor, "ideas.handle_idea", idea)
    if not idea.confirmed:
        raise ValidationError({"idea": _("The sender has not confirmed the idea yet.")})


def idea_to_experiment(*, actor: Actor, idea: Idea) -> Experiment:
    """Makes an experiment (a draft of the idea's organisation) from the idea, links them and moves the idea to
    "experimenting". Idempotent under races: the idea's row is locked, and a second request finds the experiment
    the first one made and returns it instead of making another."""
    with transaction.atomic():
        idea = _locked(idea)
        _check_turnable(actor, idea)
        if idea.experiment_id is not None:
            return Experiment.objects.get(pk=idea.experiment_id)
        experiment = experiment_services.experiment_create(
            actor=actor, owner=idea.organisation, data=_texts(idea), partners=list(idea.partners.all())
        )
        _move_to(idea, IdeaState.EXPERIMENTING, actor, "experiment", experiment)
        events.announce_idea_changed(idea=idea, change="experiment", actor=actor, detail=experiment.title)
    return experiment


def idea_to_innovation(*, actor: Actor, idea: Idea) -> Innovation:
    """Makes an innovation record (a draft of the idea's organisation, at the development stage) from the idea,
    links them and moves the idea to "in development". Idempotent under races, like idea_to_experiment."""
    with transaction.atomic():
        idea = _locked(idea)
        _check_turnable(actor, idea)
        if idea.innovation_id is not None:
            return Innovation.objects.get(pk=idea.innovation_id)
        data: dict[str, Any] = {**_texts(idea), "stage": Stage.DEVELOPMENT}
        lang = next(key for key in data if key.startswith("title_")).removeprefix("title_")
        data[f"description_{lang}"] = clean_html(idea.text)
        innovation = innovation_services.innovation_create(actor=actor, owner=idea.organisation, data=data)
        _move_to(idea, IdeaState.IN_DEVELOPMENT, actor, "innovation", innovation)
        events.announce_idea_changed(idea=idea, change="innovation", actor=actor, detail=innovation.title)
    return innovation


def ideas_follow_scale_up(*, actor: Actor, experiment: Experiment, innovation: Innovation) -> int:
    """When an experiment is scaled up into an innovation in use, the ideas it was made from follow it: each links
    to the innovation (unless it already has one) and moves to "in use", and their senders and supporters are told,
    so that the idea, the experiment and the innovation stay one record. Runs in the scale-up's transaction, which
    the experiment's editor was allowed to make; returns how many ideas moved."""
    ideas = Idea.objects.select_for_update(of=("self",)).select_related("challenge", "organisation")
    moved = 0
    for idea in ideas.filter(experiment=experiment, innovation=None).order_by("pk"):
        _move_to(idea, IdeaState.IN_USE, actor, "innovation", innovation)
        events.announce_idea_changed(idea=idea, change="innovation", actor=actor, detail=innovation.title)
        moved += 1
    return moved
