"""An idea's image and attachment.

Checked and cleaned before anything is saved (core/uploads.py: size, type by content, images decoded with a
pixel limit and re-encoded without EXIF). The file names go on the idea's row inside the sending's transaction,
but the bytes are written only when that transaction commits: a refused or rolled-back sending leaves no file
behind, without needing a "rollback hook" that Django does not have. Deleting an idea (also through a cascade or
the admin) deletes its files once the deletion has committed.
"""

import contextlib
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import FileField
from django.db.models.signals import post_delete
from django.utils.text import get_valid_filename

from core import uploads
from ideas.models import Idea

logger = logging.getLogger(__name__)

# A 48-megapixel phone photo fits; a decompression bomb (a small file of billions of pixels) does not.
MAX_PIXELS = 50_000_000
# Pages show the image at most about 1000 px wide; twice that keeps it sharp on high-density screens.
MAX_SIDE = 2048
FILE_FIELDS = ("image", "attachment")
RANDOM_FOLDER = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class CheckedFile:
    field: str  # "image" or "attachment"
    filename: str
    content: "File[Any]"
    content_type: str


def _stem(name: str, default: str) -> str:
    stem = os.path.splitext(os.path.basename(name or ""))[0]
    stem = get_valid_filename(re.sub(r"\s+", "_", stem)) if stem.strip(" ._-") else ""
    return stem[:60] or default


def check_image(upload: uploads.Upload, *, field: str = "image") -> CheckedFile:
    """A JPEG, PNG or WebP image, re-encoded without metadata and scaled to MAX_SIDE (see core.uploads)."""
    image = uploads.clean_image(upload, field=field, max_pixels=MAX_PIXELS, max_side=MAX_SIDE)
    return CheckedFile(
        field=field,
        filename=_stem(upload.name or "", "image") + image.extension,
        content=ContentFile(image.content),
        content_type=image.content_type,
    )


def check_attachment(upload: uploads.Upload) -> CheckedFile:
    """A PDF, text, office document or image whose content matches its name. An image attached as a file is
    cleaned like the idea's image: its GPS position must not leak through the download either."""
    content_type = uploads.check_file(upload, field="attachment")
    if content_type in uploads.IMAGE_TYPES:
        return check_image(upload, field="attachment")
    extension = os.path.splitext(upload.name or "")[1].lower()
    upload.seek(0)
    return CheckedFile(
        field="attachment",
        filename=_stem(upload.name or "", "attachment") + extension,
        content=upload,
        content_type=content_type,
    )


def idea_files_check(
    *, image: "uploads.Upload | None" = None, attachment: "uploads.Upload | None" = None
) -> list[CheckedFile]:
    """Checks both files and reports the problems of both at once, each at its own field."""
    errors: dict[str, list[str]] = {}
    checked: list[CheckedFile] = []
    checks: tuple[tuple[uploads.Upload | None, Callable[[uploads.Upload], CheckedFile]], ...] = (
        (image, check_image),
        (attachment, check_attachment),
    )
    for upload, check in checks:
        if upload is None:
            continue
        try:
            checked.append(check(upload))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return checked


def idea_files_attach(*, idea: Idea, checked: list[CheckedFile]) -> None:
    """Called inside the transaction that saves a new idea, before its row is saved, with the files that
    `idea_files_check` passed before the transaction began (decoding an image takes time that no lock should
    wait for): names them on the row, and writes them on commit."""
    if not checked:
        return
    for item in checked:
        field = cast(FileField, idea._meta.get_field(item.field))
        getattr(idea, item.field).name = field.generate_filename(idea, item.filename)
    transaction.on_commit(lambda: _write(idea, checked), robust=True)


def _storage(field: str) -> Storage:
    return cast(FileField, Idea._meta.get_field(field)).storage


def _write(idea: Idea, checked: list[CheckedFile]) -> None:
    """After the commit: writes the files under the names the row already has. If the disk fails, the row
    forgets the file rather than pointing at nothing."""
    for item in checked:
        name = getattr(idea, item.field).name
        storage = _storage(item.field)
        try:
            stored = storage.save(name, item.content)
        except Exception:
            logger.exception("The %s of idea %s could not be stored", item.field, idea.pk)
            Idea.objects.filter(pk=idea.pk).update(**{item.field: ""})
            continue
        if stored != name:  # the storage chose another name (one already existed): the row follows it
            getattr(idea, item.field).name = stored
            Idea.objects.filter(pk=idea.pk).update(**{item.field: stored})


def delete_files(names: list[tuple[str, str]]) -> None:
    """Deletes stored files, and their idea's folder when it is left empty (the folder's name is random)."""
    for field, name in names:
        storage = _storage(field)
        try:
            storage.delete(name)
        except Exception:
            logger.exception("The file %s could not be deleted", name)
            continue
        if not RANDOM_FOLDER.fullmatch(os.path.basename(os.path.dirname(name))):
            continue  # only the idea's own folder (see idea_upload_path) is removed, never a shared one
        # Not on a local disk, or the folder still holds the idea's other file: the folder stays.
        with contextlib.suppress(NotImplementedError, OSError):
            os.rmdir(os.path.dirname(storage.path(name)))


def _delete_on_commit(sender: type[Idea], instance: Idea, using: str, **kwargs: Any) -> None:
    names = [(field, getattr(instance, field).name) for field in FILE_FIELDS if getattr(instance, field).name]
    if names:
        transaction.on_commit(lambda: delete_files(names), using=using, robust=True)


post_delete.connect(_delete_on_commit, sender=Idea, dispatch_uid="ideas.uploads.delete_on_commit")
