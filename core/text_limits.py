"""How long a free text may be, checked before anything else is done with it.

Before, a 10 MB description was accepted in 12.6 s inside the write transaction: cleaning its HTML and stemming
it for search took that long while every other writer waited. Every service that saves a record's texts from a
`data` mapping (pages, the API and imports all call the services) is decorated with `checks_text_sizes`, which
measures every text against its field's limit before the service (and its transaction) starts, and refuses with a
message that names the field and the limit.

Limits: a field's own `max_length` for short texts; the long ones below, by field name (the language versions
`description_fi`, `description_sv`, `description_en` have the limit of `description`).
"""

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import ngettext

# Rich text (HTML from the editor): about ten printed pages, markup included.
RICH_TEXT = 20_000
# Plain long texts (a hypothesis, what is measured, a decision's reasons).
LONG_TEXT = 10_000
LIMITS = {
    "description": RICH_TEXT,
    "introduction": RICH_TEXT,
    "question": LONG_TEXT,
    "hypothesis": LONG_TEXT,
    "measures": LONG_TEXT,
    "places": LONG_TEXT,
    "participants": LONG_TEXT,
    "results": LONG_TEXT,
    "decision_reasons": LONG_TEXT,
}
# Any other text field without a max_length of its own.
DEFAULT_LIMIT = LONG_TEXT
LANGUAGE_SUFFIXES = ("_fi", "_sv", "_en")

F = TypeVar("F", bound=Callable[..., Any])


def _base_name(name: str) -> str:
    return name[:-3] if name.endswith(LANGUAGE_SUFFIXES) else name


def limit_of(model: type[models.Model], name: str, long_text: int | None = None) -> int | None:
    """The most characters `name` of `model` may hold; None for what is not a text field of it. `long_text`, when
    given, is the limit of every long text of the model (one that has no max_length of its own)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return long_text or LIMITS.get(_base_name(name))
    if isinstance(field, models.TextField):
        return field.max_length or long_text or LIMITS.get(_base_name(name), DEFAULT_LIMIT)
    if isinstance(field, models.CharField):
        return field.max_length
    return None


def _label(model: type[models.Model], name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(capfirst(getattr(field, "verbose_name", name)))


def check_text_sizes(model: type[models.Model], data: Mapping[str, Any], long_text: int | None = None) -> None:
    """Refuses every text in `data` longer than its field's limit, each at its own field."""
    errors: dict[str, str] = {}
    for name, value in data.items():
        if not isinstance(value, str):
            continue
        limit = limit_of(model, name, long_text)
        if limit is not None and len(value) > limit:
            errors[name] = ngettext(
                "%(field)s is too long: at most %(limit)s character, now %(length)s.",
                "%(field)s is too long: at most %(limit)s characters, now %(length)s.",
                limit,
            ) % {
                "field": _label(model, name),
                "limit": number_format(limit, force_grouping=True),
                "length": number_format(len(value), force_grouping=True),
            }
    if errors:
        raise ValidationError(errors)


def checks_text_sizes(
    model: type[models.Model], argument: str = "data", *, field: str = "{}", long_text: int | None = None
) -> Callable[[F], F]:
    """Decorates a service (above its @transaction.atomic): the texts of its `argument` mapping are measured
    before it starts. `field` names the model field of a key, e.g. "decision_reasons_{}" for a mapping by
    language. An `argument` that is a list of mappings (rows, e.g. a question's answer options) is measured row by
    row, its errors at `argument`. `long_text` overrides the limits of the model's long texts (e.g. the
    barometer's questionnaire files' limit, so that the editor accepts whatever a file may hold)."""

    def decorate(service: F) -> F:
        @functools.wraps(service)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            data = kwargs.get(argument)
            if isinstance(data, Mapping):
                check_text_sizes(model, {field.format(key): value for key, value in data.items()}, long_text)
            elif isinstance(data, Sequence) and not isinstance(data, str):
                for row in data:
                    if isinstance(row, Mapping):
                        try:
                            check_text_sizes(model, row, long_text)
                        except ValidationError as error:
                            raise ValidationError({argument: error.messages}) from None
            return service(*args, **kwargs)

        return cast(F, wrapped)

    return decorate
