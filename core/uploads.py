"""Checks of uploaded files, shared by innovations' attachments and ideas' images and attachments.

A file is accepted when it is small enough, its name says a type we serve, and its content is of that type: the
name alone proves nothing (a "kuva.png" may be a PDF or a page with a script). Images that are shown on pages are
decoded and re-encoded by `clean_image`: the pixel count is checked before decoding (decompression bombs), and
what is stored holds the pixels only, without the EXIF/XMP metadata a phone writes (its GPS position is personal
data).
"""

import io
import mimetypes
import warnings
import zipfile
from dataclasses import dataclass
from typing import TypeAlias

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from core import archives

# An uploaded file, read as bytes. Quoted: Django's UploadedFile takes no type argument at run time.
Upload: TypeAlias = "UploadedFile[bytes]"

ODF_TEXT = "application/vnd.oasis.opendocument.text"
ODF_SPREADSHEET = "application/vnd.oasis.opendocument.spreadsheet"
OOXML_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
IMAGE_TYPES = {"image/png", "image/jpeg", "image/webp"}
TEXT_TYPES = {"text/plain", "text/csv"}
ALLOWED_ATTACHMENT_TYPES = {"application/pdf", *IMAGE_TYPES, *TEXT_TYPES, *OOXML_TYPES, ODF_TEXT, ODF_SPREADSHEET}

# How each type's content begins.
SIGNATURES = {
    "application/pdf": (b"%PDF",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/webp": (b"RIFF",),
}
# Starts of binary formats that a file named .txt or .csv must not have.
BINARY_STARTS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"RIFF", b"PK\x03\x04", b"MZ", b"\x7fELF", b"GIF8")
HEAD_BYTES = 8192

# Pillow's names of the image formats a page may show, and what they are stored as.
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
IMAGE_TYPE_ERROR = gettext_lazy("Images must be JPEG, PNG or WebP files.")


# Served with every uploaded file: even if a browser rendered one as a page, it could run nothing and reach
# nothing in our origin.
SANDBOX_POLICY = "default-src 'none'; sandbox"


def sandboxed(response: HttpResponseBase) -> HttpResponseBase:
    """An uploaded file's response, with the headers that keep a browser from treating it as our page."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    return response


def megabytes(limit: int) -> int:
    return int(limit // (1024 * 1024))


def content_type_of(name: str) -> str | None:
    """The type a file name says (by its extension), whatever the case of the letters."""
    guessed, _encoding = mimetypes.guess_type((name or "").lower())
    return guessed


def _head(upload: Upload, size: int = HEAD_BYTES) -> bytes:
    upload.seek(0)
    head: bytes = upload.read(size)
    upload.seek(0)
    return head


def _zip_holds(upload: Upload, content_type: str) -> bool:
    """Office documents are ZIP archives: OOXML ones list their parts in [Content_Types].xml, OpenDocument ones
    name their type in a "mimetype" member. The archive is checked against zip bombs first (core.archives), and
    only the start of the "mimetype" member is read. Raises UnsafeArchiveError for a bomb."""
    upload.seek(0)
    try:
        with archives.open_checked(upload) as archive:
            names = set(archive.namelist())
            if content_type in OOXML_TYPES:
                return "[Content_Types].xml" in names
            expected = content_type.encode()
            return "mimetype" in names and archives.read_prefix(archive, "mimetype", len(expected) + 2).strip() == (
                expected
            )
    except archives.UnsafeArchiveError as refused:
        if refused.code == "damaged":
            return False
        raise
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return False
    finally:
        upload.seek(0)


def content_matches(upload: Upload, content_type: str) -> bool:
    """Does the content look like the type its name says?"""
    head = _head(upload)
    if content_type in SIGNATURES:
        if not head.startswith(SIGNATURES[content_type]):
            return False
        return content_type != "image/webp" or head[8:12] == b"WEBP"
    if content_type in OOXML_TYPES or content_type in (ODF_TEXT, ODF_SPREADSHEET):
        return head.startswith(b"PK\x03\x04") and _zip_holds(upload, content_type)
    if content_type in TEXT_TYPES:
        # Text in any 8-bit encoding (Excel still writes Windows-1252 CSV), but no binary format in disguise.
        return b"\x00" not in head and not head.startswith(BINARY_STARTS)
    return False


def check_file(
    upload: Upload,
    *,
    field: str = "file",
    allowed: set[str] | frozenset[str] = frozenset(ALLOWED_ATTACHMENT_TYPES),
    max_bytes: int | None = None,
    type_error: str = "",
) -> str:
    """Refuses a file that is too large, of a type not in `allowed`, or whose content is not what its name says;
    returns its content type. The errors name `field`, so that a form shows them at the file's field."""
    limit = settings.MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {field: _("The file is too large: the limit is %(limit)d MB.") % {"limit": megabytes(limit)}}
        )
    guessed = content_type_of(upload.name or "")
    if guessed is None or guessed not in allowed:
        raise ValidationError(
            {
                field: type_error
                or _("Files of this type cannot be attached. Allowed: PDF, images, text, office documents.")
            }
        )
    try:
        matches = bool(upload.size) and content_matches(upload, guessed)
    except archives.UnsafeArchiveError as refused:
        raise ValidationError({field: archive_error(refused)}) from None
    if not matches:
        raise ValidationError({field: _("The file's content does not match its name.")})
    return guessed


def archive_error(refused: archives.UnsafeArchiveError) -> str:
    """What a person is told about an office document refused as a possible zip bomb."""
    if refused.code == "too_many_members":
        return _("The document consists of more than %(limit)d parts: it cannot be accepted.") % {
            "limit": refused.params["limit"]
        }
    if refused.code == "too_compressed":
        return _(
            "A part of the document is compressed more than %(limit)d times smaller than its content: it cannot "
            "be accepted. Save the document again and attach the new file."
        ) % {"limit": refused.params["limit"]}
    return _("The document unpacks to more than %(limit)d MB: it cannot be accepted.") % {
        "limit": megabytes(refused.params.get("limit", 0))
    }


def check_image_file(upload: Upload, *, field: str = "image", max_bytes: int | None = None) -> str:
    """The quick check of an image (size, name, how the content begins), before `clean_image` decodes it."""
    return check_file(upload, field=field, allowed=IMAGE_TYPES, max_bytes=max_bytes, type_error=str(IMAGE_TYPE_ERROR))


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _not_an_image(field: str) -> ValidationError:
    return ValidationError({field: _("The file is not a JPEG, PNG or WebP image that can be read.")})


def _opened(upload: Upload, field: str, max_pixels: int) -> Image.Image:
    """The image opened (its header read, no pixel decoded yet) and its size checked against `max_pixels`."""
    upload.seek(0)
    too_many = ValidationError(
        {
            field: _("The image is too large: at most %(limit)s million pixels.")
            % {"limit": f"{max_pixels / 1_000_000:g}"}
        }
    )
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit; ours is checked below, before any pixel is decoded.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=list(IMAGE_FORMATS))
    except Image.DecompressionBombError:
        raise too_many from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _not_an_image(field) from None
    width, height = image.size
    if width * height > max_pixels:
        raise too_many
    return image


def clean_image(
    upload: Upload, *, field: str = "image", max_bytes: int | None = None, max_pixels: int, max_side: int
) -> CleanImage:
    """A JPEG, PNG or WebP image (decoded by Pillow, not trusted by its name), at most `max_pixels` pixels,
    turned upright, scaled to fit `max_side` and re-encoded in its own format with the pixels and colour profile
    only: no EXIF, XMP or comments."""
    check_image_file(upload, field=field, max_bytes=max_bytes)
    image = _opened(upload, field, max_pixels)
    content_type = IMAGE_FORMATS[image.format or ""]
    icc_profile = image.info.get("icc_profile")
    try:
        if content_type == "image/jpeg":
            # A JPEG can be decoded straight at a half, quarter or eighth of its size: less memory and time.
            image.draft(None, (max_side, max_side))
        image.load()
        # The phone's orientation tag goes with the EXIF data, so the pixels are turned now.
        image = ImageOps.exif_transpose(image) or image
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        if content_type == "image/jpeg":
            mode = "L" if image.mode in ("L", "1") else "RGB"
        else:
            mode = "RGBA" if transparent else ("L" if image.mode in ("L", "1") else "RGB")
        converted = image.convert(mode)
        # A new image from the pixels alone: nothing of the original's metadata (info, EXIF, XMP) comes along.
        pixels = Image.frombytes(mode, converted.size, converted.tobytes())
        options: dict[str, object] = {"icc_profile": icc_profile} if icc_profile else {}
        if content_type == "image/jpeg":
            options.update(quality=85, optimize=True)
        elif content_type == "image/webp":
            options.update(quality=85)
        else:
            options.update(optimize=True)
        buffer = io.BytesIO()
        pixels.save(buffer, format=_format_of(content_type), **options)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        # Truncated or corrupt data, or a mode Pillow cannot turn into RGB: not an image we can show.
        raise _not_an_image(field) from None
    return CleanImage(
        content=buffer.getvalue(),
        content_type=content_type,
        extension=EXTENSIONS[content_type],
        width=pixels.width,
        height=pixels.height,
    )


def _format_of(content_type: str) -> str:
    return next(name for name, value in IMAGE_FORMATS.items() if value == content_type)
