"""The write pages: create, edit (with the optimistic-lock conflict), publish, delete, partners, links, files."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from innovations.models import Attachment, Innovation, Link, Partnership
from innovations.services import innovation_update, link_add
from innovations.tests.test_views_support import form_data, url
from innovations.vocabulary import Novelty, Status
from organisations.models import OrganisationKind
from tests.factories import AdoptionFactory, InnovationFactory, MembershipFactory, OrganisationFactory, ThemeFactory

# The shared people and records: org_a, editor_a, admin_a, editor_b, registered_user, published_a, draft_a …
pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


# --- create ---------------------------------------------------------------------------------------------------------


def test_create_records_a_draft_with_classifications_and_themes(client, editor_a, org_a):
    theme = ThemeFactory()
    client.force_login(editor_a)
    response = client.post(
        url("innovations:create"),
        form_data(
            title_fi="Kirjaston kokeiluja",
            title_en="Library experiments",
            description_fi="<p>Hyvä <script>alert(1)</script>idea</p>",
            type=["service", "process"],
            idea_source=["users"],
            themes=[theme.slug],
            stage="experiment",
            novelty="adapted",
            introduced_on="2024-05-02",
            is_social="on",
            contact_email="yhteys@example.fi",
        ),
    )
    innovation = Innovation.objects.get(title_fi="Kirjaston kokeiluja")
    assert response.status_code == 302
    assert response["Location"] == url("innovations:edit", pk=innovation.pk)
    assert innovation.owner == org_a
    assert innovation.status == Status.DRAFT
    assert innovation.is_social is True
    assert str(innovation.introduced_on) == "2024-05-02"
    assert "<script>" not in innovation.description_fi
    assert set(innovation.classifications.filter(dimension="type").values_list("code", flat=True)) == {
        "service",
        "process",
    }
    assert list(innovation.themes.all()) == [theme]
    assert innovation.created_by == editor_a


def test_create_for_someone_editing_several_organisations_asks_for_the_owner(client, editor_a, org_b):
    MembershipFactory(user=editor_a, organisation=org_b, role=Role.EDITOR)
    client.force_login(editor_a)
    page = html(client.get(url("innovations:create")))
    assert 'name="owner"' in page
    response = client.post(url("innovations:create"), form_data(title_fi="Ilman omistajaa"))
    assert response.status_code == 200
    assert 'id="id_owner_error"' in html(response)
    response = client.post(url("innovations:create"), form_data(title_fi="Toiselle", owner=org_b.pk))
    assert response.status_code == 302
    assert Innovation.objects.get(title_fi="Toiselle").owner == org_b


def test_create_with_owner_in_the_address(client, editor_a, org_a, org_b):
    MembershipFactory(user=editor_a, organisation=org_b, role=Role.ADMIN)
    client.force_login(editor_a)
    path = url("innovations:create", query=f"owner={org_b.slug}")
    assert 'name="owner"' not in html(client.get(path))
    assert client.post(path, form_data(title_fi="Osoitteesta")).status_code == 302
    assert Innovation.objects.get(title_fi="Osoitteesta").owner == org_b
    other = OrganisationFactory()
    assert client.get(url("innovations:create", query=f"owner={other.slug}")).status_code == 403
    assert client.get(url("innovations:create", query="owner=no-such-organisation")).status_code == 404


def test_validation_error_is_shown_next_to_the_field_and_in_the_summary(client, editor_a):
    client.force_login(editor_a)
    response = client.post(url("innovations:create", "en"), form_data(summary_fi="Vain tiivistelmä"))
    page = html(response)
    assert response.status_code == 200
    assert not Innovation.objects.filter(summary_fi="Vain tiivistelmä").exists()
    # next to the field, linked with aria-describedby, the field marked invalid …
    assert 'id="id_title_fi_error"' in page
    assert re.search(
        r'<input[^>]*name="title_fi"[^>]*aria-invalid="true"[^>]*aria-describedby="id_title_fi_error"', page
    )
    # … in the summary at the top, linking to the field …
    assert 'class="error-summary" role="alert"' in page
    assert 'href="#id_title_fi"' in page
    assert "Give the innovation a title in at least one language." in page
    # … and nothing the person typed is lost
    assert "Vain tiivistelmä" in page


def test_form_errors_on_groups_of_boxes_and_bad_values(client, editor_a):
    client.force_login(editor_a)
    response = client.post(
        url("innovations:create", "en"),
        form_data(title_fi="Virheitä", type=["spaceship"], contact_email="not-an-address", introduced_on="32.13.2024"),
    )
    page = html(response)
    assert response.status_code == 200
    assert re.search(r'<fieldset aria-describedby="id_type_helptext id_type_error">', page)
    assert 'href="#id_type_0"' in page  # the summary links to the first box of the group
    assert 'id="id_contact_email_error"' in page
    assert 'id="id_introduced_on_error"' in page
    assert not Innovation.objects.filter(title_fi="Virheitä").exists()


# --- edit -----------------------------------------------------------------------------------------------------------


def test_edit_saves_and_returns_to_the_innovation(client, editor_a, published_a):
    client.force_login(editor_a)
    page = html(client.get(url("innovations:edit", pk=published_a.pk)))
    assert f'name="version" value="{published_a.version}"' in page
    assert f'value="{published_a.title_fi}"' in page
    response = client.post(
        url("innovations:edit", pk=published_a.pk),
        form_data(published_a, title_fi="Uusi nimi", channel=["events"]),
    )
    assert response.status_code == 302
    assert response["Location"] == published_a.get_absolute_url()
    published_a.refresh_from_db()
    assert published_a.title_fi == "Uusi nimi"
    assert published_a.version == 2
    assert list(published_a.classifications.filter(dimension="channel").values_list("code", flat=True)) == ["events"]


def test_edit_validation_error_from_the_service_is_attached_to_its_field(client, editor_a, published_a):
    client.force_login(editor_a)
    response = client.post(
        url("innovations:edit", "en", pk=published_a.pk),
        form_data(published_a, title_fi="", title_sv="", title_en="", summary_en="Kept"),
    )
    assert response.status_code == 200
    assert 'id="id_title_fi_error"' in html(response)
    assert "Kept" in html(response)


def test_stale_version_shows_the_conflict_and_keeps_the_input(client, editor_a, admin_a, published_a):
    client.force_login(editor_a)
    stale = form_data(published_a, title_fi="Minun versioni", description_fi="<p>Pitkä teksti, jota ei saa hukata</p>")
    # Someone else saves first.
    innovation_update(
        actor=admin_a, innovation=published_a, expected_version=published_a.version, data={"title_fi": "Toisen versio"}
    )
    response = client.post(url("innovations:edit", "en", pk=published_a.pk), stale)
    page = html(response)
    assert response.status_code == 200
    assert "Someone else has changed this record since you opened it." in page
    assert 'value="Minun versioni"' in page
    assert "Pitkä teksti, jota ei saa hukata" in page
    published_a.refresh_from_db()
    assert published_a.title_fi == "Toisen versio"
    # The form now carries the saved version: saving again, after comparing, goes through deliberately.
    assert f'name="version" value="{published_a.version}"' in page
    response = client.post(url("innovations:edit", pk=published_a.pk), {**stale, "version": published_a.version})
    assert response.status_code == 302
    published_a.refresh_from_db()
    assert published_a.title_fi == "Minun versioni"


# --- publish, unpublish, delete -------------------------------------------------------------------------------------


def test_publish_and_unpublish_ask_first_and_then_change_the_status(client, editor_a, draft_a):
    client.force_login(editor_a)
    page = html(client.get(url("innovations:publish", "en", pk=draft_a.pk)))
    assert "Publish" in page
    assert f'name="version" value="{draft_a.version}"' in page
    draft_a.refresh_from_db()
    assert draft_a.status == Status.DRAFT  # a GET changes nothing
    response = client.post(url("innovations:publish", pk=draft_a.pk), {"version": draft_a.version})
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.status == Status.PUBLISHED
    response = client.post(url("innovations:unpublish", pk=draft_a.pk), {"version": draft_a.version})
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.status == Status.DRAFT


def test_publish_with_a_stale_version_explains_and_offers_the_current_one(client, editor_a, draft_a):
    client.force_login(editor_a)
    response = client.post(url("innovations:publish", "en", pk=draft_a.pk), {"version": draft_a.version + 5})
    assert response.status_code == 200
    assert "Someone else has changed this record" in html(response)
    assert f'name="version" value="{draft_a.version}"' in html(response)


def test_delete_asks_first_and_is_for_organisation_administrators(client, admin_a, editor_a, published_a):
    client.force_login(editor_a)
    assert client.get(url("innovations:delete", pk=published_a.pk)).status_code == 403
    assert client.post(url("innovations:delete", pk=published_a.pk)).status_code == 403
    client.force_login(admin_a)
    assert "Delete permanently" in html(client.get(url("innovations:delete", "en", pk=published_a.pk)))
    assert Innovation.objects.filter(pk=published_a.pk).exists()
    response = client.post(url("innovations:delete", pk=published_a.pk))
    assert response.status_code == 302
    assert response["Location"] == url("innovations:list")
    assert not Innovation.objects.filter(pk=published_a.pk).exists()


def test_an_adopted_innovation_cannot_be_deleted_and_the_page_says_why(client, admin_a, published_a, org_b):
    AdoptionFactory(source=published_a, adopter=org_b, mode=Novelty.COPIED)
    client.force_login(admin_a)
    response = client.post(url("innovations:delete", "en", pk=published_a.pk))
    assert response.status_code == 200
    assert "Other organisations have adopted this innovation" in html(response)
    assert Innovation.objects.filter(pk=published_a.pk).exists()


# --- partners, links, attachments -----------------------------------------------------------------------------------


def test_partners_are_added_with_role_and_phases_and_removed(client, editor_a, published_a):
    university = OrganisationFactory(kind=OrganisationKind.UNIVERSITY)
    client.force_login(editor_a)
    response = client.post(
        url("innovations:partner_add", pk=published_a.pk),
        {
            "partner-organisation": university.name,
            "partner-role": "researcher",
            "partner-phases": ["idea", "implementation"],
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#partners")
    partner = Partnership.objects.get(innovation=published_a)
    assert (partner.organisation, partner.role) == (university, "researcher")
    assert (partner.in_idea_phase, partner.in_development_phase, partner.in_implementation_phase) == (True, False, True)
    page = html(client.get(url("innovations:edit", pk=published_a.pk)))
    assert str(university.name_fi) in page
    # the partner is no longer offered in the list
    assert f'<option value="{university.pk}"' not in page
    response = client.post(url("innovations:partner_remove", pk=published_a.pk, partner_pk=partner.pk))
    assert response.status_code == 302
    assert not Partnership.objects.filter(pk=partner.pk).exists()


def test_adding_the_owner_as_partner_shows_the_error_on_the_edit_page(client, editor_a, published_a, org_a):
    client.force_login(editor_a)
    response = client.post(
        url("innovations:partner_add", "en", pk=published_a.pk),
        {"partner-organisation": org_a.name, "partner-role": "funder"},
    )
    assert response.status_code == 200
    assert 'id="id_partner-organisation_error"' in html(response)
    assert 'href="#id_partner-organisation"' in html(response)


def test_links_are_added_validated_and_removed(client, editor_a, published_a):
    client.force_login(editor_a)
    response = client.post(
        url("innovations:link_add", "en", pk=published_a.pk), {"link-title": "Raportti", "link-url": "not a url"}
    )
    assert response.status_code == 200
    assert 'id="id_link-url_error"' in html(response)
    assert 'value="Raportti"' in html(response)
    response = client.post(
        url("innovations:link_add", pk=published_a.pk), {"link-title": "Raportti", "link-url": "https://example.fi/r"}
    )
    assert response.status_code == 302
    link = Link.objects.get(innovation=published_a)
    assert "https://example.fi/r" in html(client.get(url("innovations:detail", pk=published_a.pk)))
    client.post(url("innovations:link_remove", pk=published_a.pk, link_pk=link.pk))
    assert not Link.objects.filter(pk=link.pk).exists()


def test_attachments_are_uploaded_refused_with_a_reason_and_removed(client, editor_a, published_a, settings):
    client.force_login(editor_a)
    response = client.post(
        url("innovations:attachment_add", "en", pk=published_a.pk),
        {"attachment-file": SimpleUploadedFile("virus.exe", b"MZ....", content_type="application/octet-stream")},
    )
    assert response.status_code == 200
    assert "Files of this type cannot be attached" in html(response)
    assert 'id="id_attachment-file_error"' in html(response)
    settings.MAX_UPLOAD_BYTES = 10
    response = client.post(
        url("innovations:attachment_add", "en", pk=published_a.pk),
        {"attachment-file": SimpleUploadedFile("big.txt", b"x" * 100, content_type="text/plain")},
    )
    assert "The file is too large" in html(response)
    settings.MAX_UPLOAD_BYTES = 10_000
    response = client.post(
        url("innovations:attachment_add", pk=published_a.pk),
        {
            "attachment-file": SimpleUploadedFile("muistio.txt", b"hei", content_type="text/plain"),
            "attachment-title": "",
        },
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(innovation=published_a)
    assert attachment.title == "muistio.txt"
    assert "muistio.txt" in html(client.get(url("innovations:detail", pk=published_a.pk)))
    client.post(url("innovations:attachment_remove", pk=published_a.pk, attachment_pk=attachment.pk))
    assert not Attachment.objects.filter(pk=attachment.pk).exists()


def test_manage_items_of_another_innovation_are_404(client, editor_a, published_a, org_a):
    other = InnovationFactory(owner=org_a)
    link = link_add(actor=editor_a, innovation=other, title="x", url="https://example.fi/")
    client.force_login(editor_a)
    assert client.post(url("innovations:link_remove", pk=published_a.pk, link_pk=link.pk)).status_code == 404
    assert Link.objects.filter(pk=link.pk).exists()
