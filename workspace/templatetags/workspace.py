"""{% has_workspace user as flag %}: whether the navigation offers the person a workspace."""

from typing import Any

from django import template

from workspace.selectors import has_workspace as _has_workspace

register = template.Library()


@register.simple_tag
def has_workspace(user: Any) -> bool:
    return _has_workspace(user)
