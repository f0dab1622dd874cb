"""Small template helpers shared by the pages: percentages, error-summary anchors, dictionary look-ups."""

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import format_html

from core import formatting

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """0.48 → "48 %" in Finnish and Swedish, "48%" in English (the translators decide the spacing)."""
    return formatting.share_text(share)


@register.filter
def percent_value(value: float | None, places: int = 0) -> str:
    """A value on the 0–100 scale as a percentage with `places` decimals, rounded as everywhere else."""
    return formatting.percent_text(value, int(places))


@register.filter
def percent_number(share: float | None, places: int = 0) -> str:
    """A share on the 0–1 scale as the number of per cent only (for messages that place the % themselves)."""
    return formatting.percent_number(None if share is None else 100 * share, int(places))


@register.filter
def field_anchor(field: BoundField) -> str:
    """The id an error summary links to: the input itself, or the first box of a group of boxes."""
    if field.use_fieldset:
        return f"{field.auto_id}_0"
    return str(field.auto_id)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def with_errors(forms: Any) -> list[Any]:
    """The forms of a list that have errors (for the error summary)."""
    return [form for form in forms or () if form is not None and form.errors]


@register.filter
def innovation_link(innovation: Any, current: Any = None) -> str:
    """The innovation's title as a link to its page; the page's own innovation is emphasised instead."""
    if current is not None and innovation.pk == current.pk:
        return format_html("<strong>{}</strong>", innovation.title)
    return format_html('<a href="{}">{}</a>', innovation.get_absolute_url(), innovation.title)
