"""What an adopter needs (as in Innokylä's practice descriptions): target group, resources and costs, evidence of
effect in fi/sv/en, and images with text alternatives — on the form, the page, the API, the admin, the change
history, the search and under optimistic locking."""

import io
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from audit.models import ChangeRecord
from core.errors import ConflictError
from innovations import services
from innovations.models import Innovation, InnovationImage
from innovations.selectors import CatalogueFilters, innovation_list
from innovations.tests.test_views_support import form_data

pytestmark = pytest.mark.django_db
API = "/api/v1"

TEXTS = {
    "target_group_fi": "Yli 75-vuotiaat kotihoidon asiakkaat",
    "target_group_sv": "Hemvårdens klienter över 75 år",
    "target_group_en": "Home care clients over 75",
    "resources_fi": "Kaksi hoitajaa, tabletit; 20 000 € vuodessa",
    "resources_sv": "Två vårdare, surfplattor; 20 000 € per år",
    "resources_en": "Two nurses, tablets; EUR 20,000 a year",
    "evidence_fi": "Käyntejä 30 % vähemmän seurannassa 2023",
    "evidence_sv": "30 % färre besök under uppföljningen 2023",
    "evidence_en": "30% fewer visits in the 2023 follow-up",
}


def png(width: int = 40, height: int = 30) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("kuva.png", buffer.getvalue(), content_type="image/png")


def test_the_service_saves_logs_and_searches_the_new_fields(published_a: Innovation, editor_a: Any) -> None:
    version = published_a.version
    updated = services.innovation_update(
        actor=editor_a, innovation=published_a, expected_version=version, data=dict(TEXTS)
    )
    for field, value in TEXTS.items():
        assert getattr(updated, field) == value
    # The change history names them…
    changes = ChangeRecord.objects.filter(object_id=published_a.pk).order_by("-at", "-id")[0].changes
    assert changes["target_group_fi"][1] == TEXTS["target_group_fi"]
    assert changes["evidence_en"][1] == TEXTS["evidence_en"]
    # …the search finds them…
    found = innovation_list(user=AnonymousUser(), filters=CatalogueFilters(q="seurannassa"))
    assert published_a.pk in [i.pk for i in found]
    # …and a save that started from the older version is refused.
    with pytest.raises(ConflictError):
        services.innovation_update(
            actor=editor_a, innovation=published_a, expected_version=version, data={"evidence_fi": "Vanha"}
        )


def test_overlong_text_is_refused_with_the_field_named(published_a: Innovation, editor_a: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.innovation_update(
            actor=editor_a,
            innovation=published_a,
            expected_version=published_a.version,
            data={"resources_sv": "x" * 4001},
        )
    assert "resources_sv" in error.value.message_dict
    published_a.refresh_from_db()
    assert published_a.resources_sv in ("", None)


def test_form_and_page_show_the_new_fields(published_a: Innovation, editor_a: Any, client: Client) -> None:
    client.force_login(editor_a)
    edit = reverse("innovations:edit", kwargs={"pk": published_a.pk})
    page = client.get(edit).content.decode()
    for field in TEXTS:
        assert f'name="{field}"' in page
    response = client.post(edit, form_data(published_a, **{**TEXTS, "evidence_en": "<script>alert(1)</script>Works"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    with translation.override("en"):
        page = client.get(published_a.get_absolute_url()).content.decode()
    assert "Home care clients over 75" in page
    assert "&lt;script&gt;" in page  # plain text, escaped
    assert "<script>alert(1)" not in page
    client.logout()
    assert "Yli 75-vuotiaat kotihoidon asiakkaat" in client.get(published_a.get_absolute_url()).content.decode()


def test_api_reads_and_writes_the_new_fields(published_a: Innovation, editor_a: Any, client: Client) -> None:
    client.force_login(editor_a)
    response = client.patch(
        f"{API}/innovations/{published_a.pk}",
        {"version": published_a.version, **TEXTS},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    for field, value in TEXTS.items():
        assert body[field] == value
    assert body["images"] == []
    too_long = client.patch(
        f"{API}/innovations/{published_a.pk}",
        {"version": body["version"], "target_group_fi": "x" * 2001},
        content_type="application/json",
    )
    assert too_long.status_code == 422


def test_images_with_text_alternatives(published_a: Innovation, editor_a: Any, client: Client) -> None:
    image = services.image_add(
        actor=editor_a,
        innovation=published_a,
        upload=png(),
        alt_text={"fi": "Hoitaja ja asiakas videopuhelussa", "sv": "", "en": "A nurse and a client on a video call"},
    )
    assert (image.width, image.height) == (40, 30)
    assert ChangeRecord.objects.filter(object_id=published_a.pk, changes__has_key="images").exists()
    with translation.override("en"):
        page = client.get(published_a.get_absolute_url()).content.decode()
        src = reverse("innovations:image", kwargs={"pk": published_a.pk, "image_pk": image.pk})
    assert f'src="{src}"' in page
    assert 'alt="A nurse and a client on a video call"' in page
    served = client.get(src)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    detail = client.get(f"{API}/innovations/{published_a.pk}").json()
    assert detail["images"][0]["alt_text_fi"] == "Hoitaja ja asiakas videopuhelussa"
    assert detail["images"][0]["url"].endswith(f"/innovations/{published_a.pk}/images/{image.pk}/")


def test_an_image_needs_words_and_a_real_picture(published_a: Innovation, editor_a: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.image_add(actor=editor_a, innovation=published_a, upload=png(), alt_text={"fi": " ", "sv": ""})
    assert "alt_text_fi" in error.value.message_dict
    fake = SimpleUploadedFile("kuva.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    with pytest.raises(ValidationError):
        services.image_add(actor=editor_a, innovation=published_a, upload=fake, alt_text={"fi": "Kuva"})
    assert not InnovationImage.objects.exists()


def test_image_permissions(
    published_a: Innovation, draft_a: Innovation, editor_a: Any, editor_b: Any, client: Client
) -> None:
    with pytest.raises(PermissionDenied):
        services.image_add(actor=editor_b, innovation=published_a, upload=png(), alt_text={"fi": "Kuva"})
    with pytest.raises(PermissionDenied):
        services.image_add(actor=AnonymousUser(), innovation=published_a, upload=png(), alt_text={"fi": "Kuva"})
    # A draft's image is as private as the draft.
    image = services.image_add(actor=editor_a, innovation=draft_a, upload=png(), alt_text={"fi": "Luonnoksen kuva"})
    src = reverse("innovations:image", kwargs={"pk": draft_a.pk, "image_pk": image.pk})
    assert client.get(src).status_code == 404
    client.force_login(editor_b)
    assert client.get(src).status_code == 404
    add = reverse("innovations:image_add", kwargs={"pk": published_a.pk})
    assert client.post(add, {"image-image": png(), "image-alt_text_fi": "Kuva"}).status_code == 403
    remove = reverse("innovations:image_remove", kwargs={"pk": draft_a.pk, "image_pk": image.pk})
    assert client.post(remove).status_code == 404
    client.force_login(editor_a)
    assert client.get(src).status_code == 200
    assert client.post(add, {"image-image": png(), "image-alt_text_fi": "Kuva"}).status_code == 302
    assert published_a.images.count() == 1
    assert client.post(remove).status_code == 302
    assert not draft_a.images.exists()
