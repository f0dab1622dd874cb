"""What an idea's page shows of its files: `{% idea_file idea.attachment as attachment %}` gives the file's name
and size (and an image's width and height), or None when there is no file or it cannot be read, so that the
page never links to a file that is not there."""

from typing import Any

from django import template
from django.db.models.fields.files import FieldFile, ImageFieldFile

register = template.Library()


@register.simple_tag
def idea_file(stored: FieldFile | None) -> dict[str, Any] | None:
    if not stored or not stored.name:
        return None
    try:
        info: dict[str, Any] = {"name": stored.name.rsplit("/", 1)[-1], "size": stored.size}
        if isinstance(stored, ImageFieldFile):
            info.update(width=stored.width, height=stored.height)
    except (OSError, ValueError, TypeError):
        return None
    return info
