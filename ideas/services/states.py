"""An organisation's own idea states: names in three languages, each of one of the six built-in kinds, in an
order, public or not. The organisation's editors add, rename, reorder and remove them; the platform's rules,
filters and the Lab portfolio keep working on the kinds (Idea.state), the names are what people read."""

import html
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import Actor
from audit.models import Action
from audit.services import change_record
from core.permissions import require
from core.sanitise import strip_html
from core.translated import LANGUAGES as LANGS
from core.translated import first_translation
from ideas.models import Idea, IdeaState, IdeaStateOption
from ideas.selectors.ideas import kind_default, state_options
from organisations.models import Organisation

MAX_NAME = 100


def _names(option: IdeaStateOption, names: Mapping[str, Any]) -> dict[str, str]:
    """Sets the names (plain text); returns them for the change log. At least one language is needed."""
    unknown = set(names) - set(LANGS)
    if unknown:
        raise ValidationError({f"name_{lang}": _("This field cannot be set.") for lang in sorted(unknown)})
    errors = {}
    for lang in LANGS:
        if lang not in names:
            continue
        value = html.unescape(strip_html(str(names[lang] or ""))).strip()
        if len(value) > MAX_NAME:
            errors[f"name_{lang}"] = _("The name is too long (at most %(count)d characters).") % {"count": MAX_NAME}
        setattr(option, f"name_{lang}", value)
    if errors:
        raise ValidationError(errors)
    if not first_translation(option, "name"):
        raise ValidationError({"name_fi": _("Give the state a name in at least one language.")})
    # The untranslated column holds the first name too, for anything that reads it without a language.
    option.name = first_translation(option, "name")
    return {f"name_{lang}": getattr(option, f"name_{lang}") or "" for lang in LANGS}


def idea_state_create(
    *, actor: Actor, organisation: Organisation, kind: str, names: Mapping[str, Any], public: bool = True
) -> IdeaStateOption:
    """Adds a state at the end of the organisation's list."""
    require(actor, "ideas.manage_idea_states", organisation)
    if kind not in IdeaState.values:
        raise ValidationError({"kind": _("Choose a kind from the list.")})
    option = IdeaStateOption(organisation=organisation, kind=kind, public=bool(public))
    values = _names(option, names)
    with transaction.atomic():
        # Locked so that two editors adding at once do not get the same place in the order.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        last = IdeaStateOption.objects.filter(organisation=organisation).aggregate(last=Max("order"))["last"]
        option.order = 0 if last is None else last + 1
        option.save()
        change_record(
            obj=option, actor=actor, action=Action.CREATE, changes={**values, "kind": [None, kind], "public": public}
        )
    return option


def idea_state_update(
    *, actor: Actor, option: IdeaStateOption, names: Mapping[str, Any], public: bool
) -> IdeaStateOption:
    """Renames a state or marks it public or not. Its kind stays: the ideas in it keep their meaning."""
    with transaction.atomic():
        option = IdeaStateOption.objects.select_for_update().select_related("organisation").get(pk=option.pk)
        require(actor, "ideas.manage_idea_states", option.organisation)
        before = {f"name_{lang}": getattr(option, f"name_{lang}") or "" for lang in LANGS} | {"public": option.public}
        after = _names(option, names) | {"public": bool(public)}
        option.public = bool(public)
        option.save()
        changes = {key: [before[key], value] for key, value in after.items() if before[key] != value}
        change_record(obj=option, actor=actor, action=Action.UPDATE, changes=changes)
    return option


def idea_state_move(*, actor: Actor, option: IdeaStateOption, offset: int) -> IdeaStateOption:
    """Moves a state up (offset -1) or down (+1) in the list; the orders are renumbered 0, 1, 2 …"""
    if offset not in (-1, 1):
        raise ValidationError({"offset": _("A state moves one place up or down.")})
    with transaction.atomic():
        option = IdeaStateOption.objects.select_related("organisation").get(pk=option.pk)
        require(actor, "ideas.manage_idea_states", option.organisation)
        options = list(
            IdeaStateOption.objects.select_for_update()
            .filter(organisation=option.organisation_id)
            .order_by("order", "id")
        )
        index = next(i for i, item in enumerate(options) if item.pk == option.pk)
        target = index + offset
        if 0 <= target < len(options):
            options[index], options[target] = options[target], options[index]
        for order, item in enumerate(options):
            if item.order != order:
                item.order = order
                item.save(update_fields=["order"])
        new_place = target if 0 <= target < len(options) else index
        change_record(obj=option, actor=actor, action=Action.UPDATE, changes={"order": [index, new_place]})
    return IdeaStateOption.objects.get(pk=option.pk)


def idea_state_delete(*, actor: Actor, option: IdeaStateOption) -> int:
    """Removes a state. Its ideas keep their kind and move to the kind's default (the organisation's first other
    public state of the kind, or the built-in name). Returns how many ideas moved."""
    with transaction.atomic():
        option = IdeaStateOption.objects.select_for_update().select_related("organisation").get(pk=option.pk)
        require(actor, "ideas.manage_idea_states", option.organisation)
        remaining = list(
            IdeaStateOption.objects.filter(organisation=option.organisation_id)
            .exclude(pk=option.pk)
            .order_by("order", "id")
        )
        default = kind_default(remaining, option.kind)
        moved = Idea.objects.filter(state_option=option).update(state_option=default)
        change_record(
            obj=option,
            actor=actor,
            action=Action.DELETE,
            changes={
                "name": [option.name, None],
                "ideas_moved": moved,
                "moved_to": str(default) if default else option.kind,
            },
        )
        option.delete()
        for order, item in enumerate(remaining):
            if item.order != order:
                IdeaStateOption.objects.filter(pk=item.pk).update(order=order)
    return moved


def option_for(*, organisation_id: int, state: str | IdeaStateOption) -> tuple[str, IdeaStateOption | None]:
    """(kind, the organisation's state or None) for what a handler chose: one of the organisation's states, or a
    built-in kind, which takes the organisation's default state of that kind if it has one."""
    if isinstance(state, IdeaStateOption):
        if state.organisation_id != organisation_id:
            raise ValidationError({"state": _("Choose a state from the list.")})
        return state.kind, state
    if state not in IdeaState.values:
        raise ValidationError({"state": _("Choose a state from the list.")})
    options = state_options(organisation_id=organisation_id)
    default = kind_default(options, state) or next((option for option in options if option.kind == state), None)
    return state, default
