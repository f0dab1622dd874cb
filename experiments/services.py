"""Every write to experiments goes through these functions: they check permission, validate, save in one
transaction, keep the search document current and record the change."""

import html
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from accounts.models import Actor, person_of
from audit.models import Action
from audit.services import change_record, diff
from core import events, text_search
from core.permissions import require
from core.sanitise import strip_html
from core.text_limits import checks_text_sizes
from core.translated import LANGUAGES as LANGS
from core.translated import first_translation, translations
from experiments.models import Decision, Experiment, ExperimentPartner
from innovations import services as innovation_services
from innovations.models import Innovation
from innovations.vocabulary import PartnerRole, Stage, Status
from organisations.models import Organisation
from records import services as records

TRANSLATED = ("title", "summary", "hypothesis", "measures", "places", "participants", "results", "decision_reasons")
# The texts of the experiment itself; the decision's reasons are set with the decision (experiment_decide).
CONTENT_TRANSLATED = TRANSLATED[:-1]
EDITABLE_FIELDS = (
    *(f"{field}_{lang}" for field in CONTENT_TRANSLATED for lang in LANGS),
    "starts_on",
    "ends_on",
    "budget",
)
NULLABLE = {"starts_on", "ends_on", "budget"}


def _plain_text(value: str) -> str:
    """The text without any HTML: tags and scripts removed (core.sanitise), entities back to characters, because
    the texts are stored and shown as plain text (templates escape them)."""
    return html.unescape(strip_html(value or "")).strip()


def _snapshot(experiment: Experiment) -> dict[str, Any]:
    values = records.snapshot(experiment, EDITABLE_FIELDS)
    values["budget"] = None if experiment.budget is None else str(experiment.budget)
    values["status"] = experiment.status
    values["decision"] = experiment.decision
    for lang in LANGS:
        values[f"decision_reasons_{lang}"] = getattr(experiment, f"decision_reasons_{lang}")
    if experiment.pk:
        values["partners"] = sorted(str(p) for p in experiment.partnerships.select_related("organisation"))
    return values


def _clean_value(field: str, value: Any) -> Any:
    if isinstance(value, str):
        value = _plain_text(value) if field not in NULLABLE else value.strip()
    if field in NULLABLE and value == "":
        value = None
    if value is None and field not in NULLABLE:
        value = ""
    if field == "budget" and value is not None:
        try:
            value = Decimal(str(value))
        except ArithmeticError:
            raise ValidationError(_("Give the budget in euros, e.g. 12500.50.")) from None
    return value


def _apply(experiment: Experiment, data: Mapping[str, Any]) -> None:
    records.apply_fields(experiment, data, EDITABLE_FIELDS, _clean_value)
    if not first_translation(experiment, "title"):
        raise ValidationError({"title_fi": _("Give the experiment a title in at least one language.")})
    experiment.full_clean(
        exclude=["owner", "created_by", "source_innovation", "resulting_innovation", "search_document"]
    )


def experiment_search_document(experiment: Experiment) -> str:
    """The stemmed search document: the experiment's texts in every language and its owner's name."""
    pairs = [pair for field in TRANSLATED for pair in translations(experiment, field)]
    pairs += translations(experiment.owner, "name")
    return text_search.document(pairs)


def _refresh_search_document(experiment: Experiment) -> None:
    experiment.search_document = experiment_search_document(experiment)
    Experiment.objects.filter(pk=experiment.pk).update(search_document=experiment.search_document)


PartnerIn = Organisation | tuple[Organisation, str]


def _set_partners(experiment: Experiment, partners: Iterable[PartnerIn]) -> None:
    """Replaces the partners: (organisation, role) pairs, or organisations alone, which keep the role they have
    (a new one is a co-developer)."""
    existing = {p.organisation_id: p for p in experiment.partnerships.all()}
    chosen: dict[int, tuple[Organisation, str]] = {}
    for partner in partners:
        if isinstance(partner, tuple):
            organisation, role = partner
        else:
            organisation = partner
            role = existing[partner.pk].role if partner.pk in existing else PartnerRole.CO_DEVELOPER
        if role not in PartnerRole.values:
            raise ValidationError({"partners": _("Unknown role “%(value)s”.") % {"value": role}})
        chosen[organisation.pk] = (organisation, str(role))
    if experiment.owner_id in chosen:
        raise ValidationError({"partners": _("The owner cannot be its own partner.")})
    experiment.partnerships.exclude(organisation_id__in=chosen).delete()
    for pk, (organisation, role) in chosen.items():
        if pk not in existing:
            ExperimentPartner.objects.create(experiment=experiment, organisation=organisation, role=role)
        elif existing[pk].role != role:
            existing[pk].role = role
            existing[pk].save(update_fields=["role"])


@checks_text_sizes(Experiment)
@transaction.atomic
def experiment_create(
    *,
    actor: Actor,
    owner: Organisation,
    data: Mapping[str, Any],
    partners: Iterable[PartnerIn] = (),
    source_innovation: Innovation | None = None,
    status: str = Status.DRAFT,
) -> Experiment:
    require(actor, "experiments.add_experiment_for", owner)
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status “%(value)s”.") % {"value": status}})
    if source_innovation is not None:
        require(actor, "innovations.view_innovation", source_innovation)
    experiment = Experiment(
        owner=owner,
        created_by=person_of(actor),
        status=status,
        source_innovation=source_innovation,
    )
    _apply(experiment, data)
    experiment.save()
    _set_partners(experiment, partners)
    _refresh_search_document(experiment)
    change_record(obj=experiment, actor=actor, action=Action.CREATE, changes=diff({}, _snapshot(experiment)))
    return experiment


RECORD = records.RecordType(
    model=Experiment, change_perm="experiments.change_experiment", delete_perm="experiments.delete_experiment"
)


@checks_text_sizes(Experiment)
@transaction.atomic
def experiment_update(
    *,
    actor: Actor,
    experiment: Experiment,
    expected_version: int,
    data: Mapping[str, Any],
    partners: Iterable[PartnerIn] | None = None,
) -> Experiment:
    require(actor, "experiments.change_experiment", experiment)
    current = RECORD.locked(experiment, expected_version)
    before = _snapshot(current)
    _apply(current, data)
    records.save_new_version(current)
    if partners is not None:
        _set_partners(current, partners)
    _refresh_search_document(current)
    change_record(obj=current, actor=actor, action=Action.UPDATE, changes=diff(before, _snapshot(current)))
    return current


def experiment_set_status(*, actor: Actor, experiment: Experiment, status: str, expected_version: int) -> Experiment:
    return records.set_status(RECORD, actor=actor, record=experiment, status=status, expected_version=expected_version)


@checks_text_sizes(Experiment, "reasons", field="decision_reasons_{}")
@checks_text_sizes(Experiment, "results", field="results_{}")
@transaction.atomic
def experiment_decide(
    *,
    actor: Actor,
    experiment: Experiment,
    expected_version: int,
    decision: str,
    reasons: Mapping[str, str],
    results: Mapping[str, str] | None = None,
) -> Experiment:
    """Records the decision taken on the experiment (scale up, continue, change, stop) with its reasons in
    {language: text}, and optionally the results it rests on ({language: text})."""
    require(actor, "experiments.change_experiment", experiment)
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose what was decided.")})
    unknown = (set(reasons) | set(results or {})) - set(LANGS)
    if unknown:
        raise ValidationError(_("Unknown language “%(value)s”.") % {"value": sorted(unknown)[0]})
    current = RECORD.locked(experiment, expected_version)
    if current.resulting_innovation_id is not None:
        raise ValidationError(_("This experiment has already been scaled up into an innovation."))
    before = _snapshot(current)
    current.decision = decision
    for lang in LANGS:
        if lang in reasons:
            setattr(current, f"decision_reasons_{lang}", _plain_text(reasons[lang]))
        if results is not None and lang in results:
            setattr(current, f"results_{lang}", _plain_text(results[lang]))
    if not first_translation(current, "decision_reasons"):
        raise ValidationError({"reasons_fi": _("Give the reasons for the decision in at least one language.")})
    records.save_new_version(current)
    _refresh_search_document(current)
    change_record(obj=current, actor=actor, action=Action.UPDATE, changes=diff(before, _snapshot(current)))
    return current


def scale_up_refusal(experiment: Experiment) -> str | None:
    """Why the experiment cannot be scaled up into an innovation now, or None when it can."""
    if experiment.resulting_innovation_id is not None:
        return _("This experiment has already been scaled up into an innovation.")
    if not experiment.is_finished:
        return _("Only a finished experiment can be scaled up: its end date must have passed.")
    if experiment.decision != Decision.SCALE_UP:
        return _("Only an experiment whose decision is to scale up can become an innovation.")
    return None


@transaction.atomic
def experiment_scale_up(*, actor: Actor, experiment: Experiment, expected_version: int) -> Innovation:
    """The finished experiment decided "scale up" becomes the owner's innovation in use, linked both ways, in one
    transaction: the innovation's texts start from the experiment's title, summary and results. The ideas the
    experiment was made from follow it into use (ideas.services.linking.ideas_follow_scale_up)."""
    require(actor, "experiments.change_experiment", experiment)
    current = RECORD.locked(experiment, expected_version)
    refusal = scale_up_refusal(current)
    if refusal:
        raise ValidationError(refusal)
    data: dict[str, Any] = {"stage": Stage.IN_USE, "introduced_on": timezone.localdate()}
    for lang in LANGS:
        data[f"title_{lang}"] = getattr(current, f"title_{lang}") or ""
        data[f"summary_{lang}"] = getattr(current, f"summary_{lang}") or ""
        results = getattr(current, f"results_{lang}") or ""
        data[f"description_{lang}"] = linebreaks(results, autoescape=True) if results else ""
    innovation = innovation_services.innovation_create(
        actor=actor, owner=current.owner, data=data, status=current.status
    )
    current.resulting_innovation = innovation
    records.save_new_version(current, "resulting_innovation")
    change_record(
        obj=current, actor=actor, action=Action.UPDATE, changes={"resulting_innovation": [None, str(innovation)]}
    )
    # The ideas it was made from follow it into use (the ideas app reacts, in this transaction).
    events.announce_experiment_scaled_up(experiment=current, innovation=innovation, actor=actor)
    return innovation


def experiment_delete(*, actor: Actor, experiment: Experiment) -> None:
    records.delete(RECORD, actor=actor, record=experiment)
