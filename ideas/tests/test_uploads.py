"""An idea's image and attachment: what is refused (size, type, content that is not what the name says, a
decompression bomb) and with which message at which field; EXIF removed; nothing stored for a refused or rolled-back
sending; files deleted with the idea; the files served per role for public and private ideas; the send form with
files in Finnish, Swedish and English."""

import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import ExifTags, Image

from core import uploads as core_uploads
from ideas.models import Audience, Challenge, Idea
from ideas.services import ideas as services
from ideas.services import uploads
from tests.factories import ChallengeFactory
from tests.pages import client_for

pytestmark = pytest.mark.django_db
LANGUAGES = ("fi", "sv", "en")
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
GPS_IFD = ExifTags.IFD.GPSInfo


# --- files to upload ---------------------------------------------------------------------------------------------


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (40, 30), exif: Image.Exif | None = None) -> bytes:
    image = Image.new("RGB", size, (200, 80, 40))
    buffer = io.BytesIO()
    options: dict[str, Any] = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    """A phone photo's kind of EXIF: the camera, the time and the GPS position (Helsinki railway station)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Puhelin Oy"
    exif[ExifTags.Base.DateTime] = "2026:11:28 07:30:00"
    gps = exif.get_ifd(GPS_IFD)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (60.0, 10.0, 19.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (24.0, 56.0, 29.0)
    return image_bytes("JPEG", (64, 48), exif=exif)


def png_claiming(width: int, height: int) -> bytes:
    """A decompression bomb's header: a tiny file whose IHDR claims width × height pixels."""
    data = image_bytes("PNG", (8, 8))
    ihdr_at = data.index(b"IHDR")
    header = bytearray(data[ihdr_at : ihdr_at + 4 + 13])
    header[4:12] = struct.pack(">II", width, height)
    crc = struct.pack(">I", zlib.crc32(bytes(header)) & 0xFFFFFFFF)
    return data[:ihdr_at] + bytes(header) + crc + data[ihdr_at + 4 + 13 + 4 :]


def office_document(kind: str = "docx", *, complete: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "docx":
            if complete:
                archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<document/>")
        else:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text" if complete else "x")
            archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def translated(message: Any, **values: Any) -> str:
    """The message as the service gives it: in the active language (the tests start in Finnish)."""
    text = gettext(str(message))
    return text % values if values else text


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT) / "ideas"
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def send(actor: Any, challenge: Challenge, **files: Any) -> Idea:
    return services.idea_send(actor=actor, challenge=challenge, title="Kylätalo", text="<p>Yhteinen tila</p>", **files)


@pytest.fixture
def sent(challenge_a: Challenge, sender: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """send(**files) as the signed-in sender, with the files written as on a real commit."""

    def do(**files: Any) -> Idea:
        with django_capture_on_commit_callbacks(execute=True):
            idea = send(sender, challenge_a, **files)
        return Idea.objects.get(pk=idea.pk)

    return do


# --- what is refused -------------------------------------------------------------------------------------------


def test_an_oversized_image_or_attachment_is_refused_naming_the_limit(challenge_a, sender, settings):
    settings.MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    big = image_bytes("PNG") + b"\x00" * (2 * 1024 * 1024)
    with pytest.raises(ValidationError) as excinfo:
        send(sender, challenge_a, image=upload("iso.png", big), attachment=upload("iso.pdf", PDF + b"0" * 3_000_000))
    expected = translated("The file is too large: the limit is %(limit)d MB.", limit=2)
    assert errors_of(excinfo) == {"image": [expected], "attachment": [expected]}
    assert not Idea.objects.exists()


def test_an_image_at_the_limit_is_accepted(sent, settings):
    content = image_bytes("PNG")
    settings.MAX_UPLOAD_BYTES = len(content)
    assert sent(image=upload("raja.png", content)).image.name


@pytest.mark.parametrize(
    ("field", "name", "content", "message"),
    [
        ("image", "kuva.gif", b"GIF89a" + b"\x00" * 20, core_uploads.IMAGE_TYPE_ERROR),
        ("image", "kuva.svg", b"<svg onload='alert(1)'/>", core_uploads.IMAGE_TYPE_ERROR),
        ("image", "raportti.pdf", PDF, core_uploads.IMAGE_TYPE_ERROR),
        (
            "attachment",
            "ohjelma.exe",
            b"MZ\x90\x00",
            "Files of this type cannot be attached. Allowed: PDF, images, text, office documents.",
        ),
        (
            "attachment",
            "sivu.html",
            b"<script>alert(1)</script>",
            "Files of this type cannot be attached. Allowed: PDF, images, text, office documents.",
        ),
        (
            "attachment",
            "makro.docm",
            office_document(),
            "Files of this type cannot be attached. Allowed: PDF, images, text, office documents.",
        ),
    ],
)
def test_a_file_of_a_wrong_type_is_refused(challenge_a, sender, field, name, content, message):
    before = stored_files()
    with pytest.raises(ValidationError) as excinfo:
        send(sender, challenge_a, **{field: upload(name, content)})
    assert errors_of(excinfo) == {field: [translated(message)]}
    assert not Idea.objects.exists()
    assert stored_files() == before


@pytest.mark.parametrize(
    ("field", "name", "content"),
    [
        ("image", "kuva.png", PDF),  # a .png that is really a PDF
        ("attachment", "kuva.png", PDF),
        ("image", "kuva.jpg", image_bytes("PNG")),
        ("image", "kuva.webp", b"RIFF\x00\x00\x00\x00WAVEfmt "),  # a RIFF file, but sound
        ("attachment", "raportti.pdf", b"<html><script>alert(1)</script></html>"),
        ("attachment", "muistio.txt", PDF + b"\x00\x01"),
        ("attachment", "luvut.csv", b"PK\x03\x04 not text"),
        ("attachment", "asiakirja.docx", PDF),
        ("attachment", "asiakirja.docx", office_document("docx", complete=False)),  # a ZIP, not a document
        ("attachment", "asiakirja.odt", office_document("odt", complete=False)),
        ("attachment", "tyhja.pdf", b""),
    ],
)
def test_content_that_does_not_match_the_name_is_refused(challenge_a, sender, field, name, content):
    with pytest.raises(ValidationError) as excinfo:
        send(sender, challenge_a, **{field: upload(name, content)})
    assert errors_of(excinfo) == {field: [translated("The file's content does not match its name.")]}
    assert not Idea.objects.exists()


def test_a_decompression_bomb_is_refused_before_decoding(challenge_a, sender):
    bomb = png_claiming(30_000, 30_000)  # 900 million pixels in a file of a hundred bytes
    assert len(bomb) < 200
    with pytest.raises(ValidationError) as excinfo:
        send(sender, challenge_a, image=upload("pommi.png", bomb))
    limit = f"{uploads.MAX_PIXELS / 1_000_000:g}"
    assert errors_of(excinfo) == {
        "image": [translated("The image is too large: at most %(limit)s million pixels.", limit=limit)]
    }
    assert not Idea.objects.exists()


def test_the_pixel_limit_is_ours_not_pillows(challenge_a, sender, monkeypatch):
    # Just over our limit, far below the size at which Pillow itself would refuse.
    monkeypatch.setattr(uploads, "MAX_PIXELS", 10_000)
    with pytest.raises(ValidationError) as excinfo:
        send(sender, challenge_a, image=upload("iso.png", png_claiming(101, 100)))
    assert list(errors_of(excinfo)) == ["image"]


def test_an_image_that_cannot_be_decoded_is_refused(challenge_a, sender):
    broken = image_bytes("PNG")[:40]  # the signature and header, then nothing
    with pytest.raises(ValidationError) as excinfo:
        send(sender, challenge_a, image=upload("rikki.png", broken))
    assert errors_of(excinfo) == {"image": [translated("The file is not a JPEG, PNG or WebP image that can be read.")]}


def test_a_refused_file_refuses_the_whole_idea_and_stores_no_file(challenge_a, sender):
    before = stored_files()
    with pytest.raises(ValidationError):
        send(sender, challenge_a, image=upload("kuva.png", image_bytes()), attachment=upload("x.exe", b"MZ"))
    assert not Idea.objects.exists()
    assert stored_files() == before


# --- what is stored --------------------------------------------------------------------------------------------


def test_exif_and_its_gps_position_are_removed_from_the_image(sent):
    photo = jpeg_with_gps()
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(GPS_IFD)  # the test photo does carry a position
    idea = sent(image=upload("IMG_1234.JPG", photo))
    with default_storage.open(idea.image.name) as stored:
        content = stored.read()
    cleaned = Image.open(io.BytesIO(content))
    assert cleaned.format == "JPEG"
    assert cleaned.size == (64, 48)
    assert not cleaned.getexif()
    assert b"Exif" not in content
    assert b"Puhelin Oy" not in content
    assert idea.image.name.endswith("/IMG_1234.jpg")


def test_an_image_attachment_loses_its_exif_too(sent):
    idea = sent(attachment=upload("kartta.jpg", jpeg_with_gps()))
    with default_storage.open(idea.attachment.name) as stored:
        content = stored.read()
    assert b"Exif" not in content
    assert not Image.open(io.BytesIO(content)).getexif()


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "JPEG"])
def test_a_large_image_is_scaled_down_in_its_own_format(sent, fmt):
    extension = {"PNG": "png", "WEBP": "webp", "JPEG": "jpeg"}[fmt]
    idea = sent(image=upload(f"iso.{extension}", image_bytes(fmt, (4000, 1000))))
    with default_storage.open(idea.image.name) as stored:
        cleaned = Image.open(io.BytesIO(stored.read()))
    assert cleaned.format == fmt
    assert cleaned.size == (uploads.MAX_SIDE, uploads.MAX_SIDE // 4)


def test_a_transparent_png_keeps_its_transparency(sent):
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    idea = sent(image=upload("logo.png", buffer.getvalue()))
    with default_storage.open(idea.image.name) as stored:
        cleaned = Image.open(io.BytesIO(stored.read()))
    assert cleaned.mode == "RGBA"
    assert cleaned.getpixel((0, 0))[3] == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("raportti.pdf", PDF),
        ("muistio.txt", "Hei maailma – åäö".encode()),
        ("luvut.csv", "nimi;määrä\nÄänekoski;3\n".encode("cp1252")),  # Excel's Finnish CSV
        ("suunnitelma.docx", office_document("docx")),
        ("suunnitelma.odt", office_document("odt")),
    ],
)
def test_an_allowed_attachment_is_stored_as_sent(sent, name, content):
    idea = sent(attachment=upload(name, content))
    assert idea.attachment.name.endswith("/" + name)
    with default_storage.open(idea.attachment.name) as stored:
        assert stored.read() == content


def test_an_odd_file_name_is_made_safe(sent):
    idea = sent(attachment=upload("../../etc/pass wd <x>.pdf", PDF))
    name = idea.attachment.name
    assert name.startswith("ideas/")
    assert ".." not in name
    assert name.endswith("/pass_wd_x.pdf")


def _send_then_fail(sender: Any, challenge: Challenge, **files: Any) -> None:
    """Sends inside a transaction that then fails: as when something after the sending raises."""
    with transaction.atomic():
        send(sender, challenge, **files)
        raise RuntimeError("something after the sending failed")


def test_files_of_a_rolled_back_sending_are_never_written(challenge_a, sender, django_capture_on_commit_callbacks):
    before = stored_files()
    files = {"image": upload("kuva.png", image_bytes()), "attachment": upload("a.pdf", PDF)}
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        _send_then_fail(sender, challenge_a, **files)
    assert callbacks == []
    assert not Idea.objects.exists()
    assert stored_files() == before


@pytest.mark.django_db(transaction=True)
def test_files_are_written_on_commit_and_not_on_rollback(org_a, editor_a, sender):
    """With real transactions: the row names the files at once, the disk has them only after the commit."""
    challenge = ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True)
    before = stored_files()
    with pytest.raises(RuntimeError):
        _send_then_fail(sender, challenge, image=upload("kuva.png", image_bytes()))
    assert stored_files() == before
    with transaction.atomic():
        idea = send(sender, challenge, image=upload("kuva.png", image_bytes()))
        assert idea.image.name
        assert not default_storage.exists(idea.image.name)
    assert default_storage.exists(idea.image.name)


def test_deleting_an_idea_deletes_its_files_and_folder_on_commit(sent, sender, django_capture_on_commit_callbacks):
    idea = sent(image=upload("kuva.png", image_bytes()), attachment=upload("liite.pdf", PDF))
    names = [idea.image.name, idea.attachment.name]
    folder = Path(default_storage.path(names[0])).parent
    assert all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.idea_delete(actor=sender, idea=idea)
    assert all(default_storage.exists(name) for name in names)  # not before the deletion has committed
    for callback in callbacks:
        callback()
    assert not any(default_storage.exists(name) for name in names)
    assert not folder.exists()


def test_a_challenge_deleted_with_its_ideas_takes_their_files(sent, challenge_a, django_capture_on_commit_callbacks):
    idea = sent(attachment=upload("liite.pdf", PDF))
    with django_capture_on_commit_callbacks(execute=True):
        challenge_a.delete()  # the cascade deletes the idea without the idea service
    assert not default_storage.exists(idea.attachment.name)


# --- serving, per role -----------------------------------------------------------------------------------------

PUBLIC = {
    "anonymous": 200,
    "registered_user": 200,
    "sender": 200,
    "editor_a": 200,
    "editor_b": 200,
    "handler": 200,
    "platform_admin": 200,
}
# An idea in a challenge for org_a's own staff, sent by one of them.
STAFF_ONLY = {**PUBLIC, "anonymous": 404, "registered_user": 404, "editor_b": 404}
# Not confirmed by its (account-less) sender: only the handlers.
UNCONFIRMED = {**STAFF_ONLY, "sender": None}
HIDDEN = {**PUBLIC, "anonymous": 404, "registered_user": 404, "sender": 404, "editor_b": 404}


@pytest.fixture
def people(anonymous, registered_user, sender, editor_a, editor_b, platform_admin) -> dict[str, Any]:
    from tests.factories import UserFactory

    return {
        "anonymous": anonymous,
        "registered_user": registered_user,
        "sender": sender,
        "editor_a": editor_a,
        "editor_b": editor_b,
        "handler": UserFactory(),  # named as the challenge's handler below
        "platform_admin": platform_admin,
    }


def _idea_with_files(kind: str, people: dict[str, Any], org_a: Any, editor_a: Any, capture: Any) -> Idea:
    from accounts.models import Role
    from tests.factories import MembershipFactory

    audience = Audience.STAFF if kind == "staff_only" else Audience.PUBLIC
    challenge = ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True, audience=audience)
    challenge.handlers.add(people["handler"])
    if kind == "staff_only":
        MembershipFactory(organisation=org_a, user=people["sender"], role=Role.EDITOR)
    files: dict[str, Any] = {"image": upload("kuva.png", image_bytes()), "attachment": upload("liite.pdf", PDF)}
    with capture(execute=True):
        if kind == "unconfirmed":
            idea = services.idea_send(
                actor=people["anonymous"],
                challenge=challenge,
                title="Salainen",
                text="Teksti",
                sender_email="nimeton@example.fi",
                **files,
            )
        else:
            idea = send(people["sender"], challenge, **files)
    if kind == "hidden":
        Idea.objects.filter(pk=idea.pk).update(hidden=True, hidden_reason="Loukkaava kuva")
    return Idea.objects.get(pk=idea.pk)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("public", PUBLIC), ("staff_only", STAFF_ONLY), ("unconfirmed", UNCONFIRMED), ("hidden", HIDDEN)],
)
def test_files_are_served_only_to_who_may_see_the_idea(
    kind, expected, people, org_a, editor_a, django_capture_on_commit_callbacks
):
    idea = _idea_with_files(kind, people, org_a, editor_a, django_capture_on_commit_callbacks)
    for role, status in expected.items():
        if status is None:
            continue
        for field in ("image", "attachment"):
            response = client_for(people[role]).get(reverse(f"ideas:idea_{field}", args=[idea.pk]))
            assert response.status_code == status, (kind, role, field)
            if status == 200:
                assert b"".join(response.streaming_content)


def test_an_image_is_shown_inline_and_an_attachment_is_downloaded_with_safe_headers(sent):
    idea = sent(image=upload("kuva.png", image_bytes()), attachment=upload("liite.pdf", PDF))
    image = Client().get(reverse("ideas:idea_image", args=[idea.pk]))
    assert image["Content-Type"] == "image/png"
    assert image["Content-Disposition"].startswith("inline")
    attachment = Client().get(reverse("ideas:idea_attachment", args=[idea.pk]))
    assert attachment["Content-Type"] == "application/pdf"
    assert attachment["Content-Disposition"] == 'attachment; filename="liite.pdf"'
    assert b"".join(attachment.streaming_content) == PDF
    for response in (image, attachment):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert response["Cache-Control"].startswith("private")


def test_an_idea_without_files_or_with_a_lost_file_answers_404(sent):
    idea = sent(image=upload("kuva.png", image_bytes()))
    assert Client().get(reverse("ideas:idea_attachment", args=[idea.pk])).status_code == 404
    default_storage.delete(idea.image.name)
    assert Client().get(reverse("ideas:idea_image", args=[idea.pk])).status_code == 404
    page = Client().get(reverse("ideas:idea", args=[idea.pk]))
    assert page.status_code == 200
    assert reverse("ideas:idea_image", args=[idea.pk]) not in page.content.decode()


# --- the send form with files ----------------------------------------------------------------------------------


def _url(name: str, language: str, **kwargs: Any) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("language", LANGUAGES)
def test_send_form_takes_an_image_and_an_attachment(challenge_a, registered_user, language):
    client = client_for(registered_user)
    form = client.get(_url("ideas:send", language, pk=challenge_a.pk)).content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert 'type="file" name="image"' in form
    assert 'accept="image/jpeg,image/png,image/webp"' in form
    data = {
        "title": "Kylätalo",
        "text": "Yhteinen tila",
        "image": upload("kuva.png", image_bytes()),
        "attachment": upload("suunnitelma.pdf", PDF),
    }
    response = client.post(_url("ideas:send", language, pk=challenge_a.pk), data)
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert idea.image.name.endswith("/kuva.png")
    assert idea.attachment.name.endswith("/suunnitelma.pdf")


@pytest.mark.parametrize("language", LANGUAGES)
def test_idea_page_shows_the_image_with_alt_text_and_the_attachment(sent, language):
    idea = sent(image=upload("kuva.png", image_bytes()), attachment=upload("suunnitelma.pdf", PDF))
    with translation.override(language):
        page = Client().get(reverse("ideas:idea", args=[idea.pk])).content.decode()
        link_text = gettext("Download the attachment %(name)s (%(size)s)") % {
            "name": "suunnitelma.pdf",
            "size": filesizeformat(len(PDF)),
        }
        image_url = reverse("ideas:idea_image", args=[idea.pk])
        attachment_url = reverse("ideas:idea_attachment", args=[idea.pk])
    assert f'src="{image_url}" alt="Kylätalo" width="40" height="30"' in page
    assert f'href="{attachment_url}" download' in page
    assert link_text in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_send_form_shows_file_errors_at_their_fields_in_the_language(challenge_a, registered_user, language):
    response = client_for(registered_user).post(
        _url("ideas:send", language, pk=challenge_a.pk),
        {"title": "", "text": "Teksti", "image": upload("kuva.png", PDF), "attachment": upload("x.exe", b"MZ")},
    )
    assert response.status_code == 200
    form = response.context["form"]
    with translation.override(language):
        assert form.errors["image"] == [gettext("The file's content does not match its name.")]
        assert form.errors["attachment"] == [
            gettext("Files of this type cannot be attached. Allowed: PDF, images, text, office documents.")
        ]
        choose_again = gettext(
            "The files you chose were not saved because the form has errors. Choose them again before sending."
        )
    assert "title" in form.errors  # every problem at once
    page = response.content.decode()
    assert 'id="id_image_error"' in page
    assert 'aria-invalid="true"' in page
    assert choose_again in page
    assert not Idea.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bomb_through_the_form_is_a_field_error_in_the_language(challenge_a, registered_user, language):
    response = client_for(registered_user).post(
        _url("ideas:send", language, pk=challenge_a.pk),
        {"title": "Pommi", "text": "Teksti", "image": upload("pommi.png", png_claiming(30_000, 30_000))},
    )
    assert response.status_code == 200
    limit = f"{uploads.MAX_PIXELS / 1_000_000:g}"
    with translation.override(language):
        expected = gettext("The image is too large: at most %(limit)s million pixels.") % {"limit": limit}
    assert response.context["form"].errors["image"] == [expected]
    assert not Idea.objects.exists()


@pytest.mark.parametrize(
    ("name", "mode", "fmt", "options", "stored_mode"),
    [
        ("painotuote.jpg", "CMYK", "JPEG", {}, "RGB"),  # a print shop's JPEG
        ("kartta.png", "P", "PNG", {"transparency": 0}, "RGBA"),  # a palette with a transparent colour
        ("mittaus.png", "I;16", "PNG", {}, "RGB"),  # 16-bit greyscale
        ("viiva.png", "1", "PNG", {}, "L"),
    ],
)
def test_images_in_other_colour_modes_are_stored_in_a_mode_browsers_show(sent, name, mode, fmt, options, stored_mode):
    buffer = io.BytesIO()
    Image.new(mode, (30, 20)).save(buffer, format=fmt, **options)
    idea = sent(image=upload(name, buffer.getvalue()))
    with default_storage.open(idea.image.name) as stored:
        cleaned = Image.open(io.BytesIO(stored.read()))
    assert (cleaned.format, cleaned.mode, cleaned.size) == (fmt, stored_mode, (30, 20))
