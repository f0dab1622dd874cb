"""Adopting another organisation's innovation from its page: one step, the lineage kept."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from innovations.models import Adoption
from innovations.tests.test_views_support import url
from innovations.vocabulary import Novelty, Status
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

# The shared people and records: org_a, editor_a, admin_a, editor_b, registered_user, published_a, draft_a …
pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def test_adopt_creates_the_linked_record_and_shows_it(client, editor_b, org_b, published_a):
    client.force_login(editor_b)
    page = html(client.get(url("innovations:adopt", "en", pk=published_a.pk)))
    assert f'<option value="{org_b.pk}"' in page
    assert 'type="radio" name="mode" value="adapted"' in page
    response = client.post(
        url("innovations:adopt", "en", pk=published_a.pk),
        {"adopter": org_b.pk, "mode": "adapted", "adopted_on": "2025-03-01", "publish": "on"},
    )
    adoption = Adoption.objects.get(source=published_a)
    result = adoption.result
    assert response.status_code == 302
    assert response["Location"] == url("innovations:detail", "en", pk=result.pk)
    assert result.owner == org_b
    assert result.novelty == Novelty.ADAPTED
    assert result.status == Status.PUBLISHED
    assert adoption.adopted_on == datetime.date(2025, 3, 1)
    assert adoption.created_by == editor_b
    page = html(client.get(response["Location"]))
    assert "record of the innovation was created" in page  # the message
    assert f'href="{url("innovations:detail", "en", pk=published_a.pk)}"' in page  # the lineage links to the source


def test_adopt_without_publishing_keeps_a_draft(client, editor_b, org_b, published_a):
    client.force_login(editor_b)
    client.post(
        url("innovations:adopt", pk=published_a.pk),
        {"adopter": org_b.pk, "mode": "copied", "adopted_on": str(timezone.localdate())},
    )
    result = Adoption.objects.get(source=published_a).result
    assert (result.status, result.novelty) == (Status.DRAFT, Novelty.COPIED)


def test_adopt_errors_are_shown_on_the_form(client, editor_b, org_b, published_a):
    client.force_login(editor_b)
    future = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(
        url("innovations:adopt", "en", pk=published_a.pk), {"adopter": org_b.pk, "mode": "", "adopted_on": str(future)}
    )
    assert response.status_code == 200
    assert 'id="id_mode_error"' in html(response)
    response = client.post(
        url("innovations:adopt", "en", pk=published_a.pk),
        {"adopter": org_b.pk, "mode": "adapted", "adopted_on": str(future)},
    )
    assert response.status_code == 200
    assert 'id="id_adopted_on_error"' in html(response)
    assert "cannot be in the future" in html(response)
    assert not Adoption.objects.exists()


def test_adopting_twice_is_refused_with_a_message(client, editor_b, org_b, published_a):
    client.force_login(editor_b)
    data = {"adopter": org_b.pk, "mode": "adapted", "adopted_on": str(timezone.localdate())}
    client.post(url("innovations:adopt", pk=published_a.pk), data)
    response = client.post(url("innovations:adopt", "en", pk=published_a.pk), data)
    assert response.status_code == 200
    assert "has already adopted this innovation" in html(response)
    assert Adoption.objects.count() == 1


def test_own_innovation_cannot_be_adopted(client, editor_a, published_a):
    client.force_login(editor_a)
    response = client.get(url("innovations:adopt", "en", pk=published_a.pk))
    assert response.status_code == 200
    assert "cannot adopt its own innovation" in html(response)
    assert '<form method="post" class="stacked-form' not in html(response)


def test_someone_editing_two_organisations_chooses_which_adopts(client, editor_b, org_a, published_a):
    third = OrganisationFactory()
    MembershipFactory(user=editor_b, organisation=third, role=Role.ADMIN)
    client.force_login(editor_b)
    page = html(client.get(url("innovations:adopt", pk=published_a.pk)))
    assert '<option value="" selected>' in page  # nothing preselected when there is a choice
    assert f'value="{third.pk}"' in page
    assert f'value="{org_a.pk}"' not in page  # the owner is not offered
    client.post(
        url("innovations:adopt", pk=published_a.pk),
        {"adopter": third.pk, "mode": "copied", "adopted_on": str(timezone.localdate()), "publish": "on"},
    )
    assert Adoption.objects.get(source=published_a).result.owner == third


def test_platform_administrator_may_adopt_for_any_organisation(client, published_a, org_b):
    admin = UserFactory(platform_admin=True)
    client.force_login(admin)
    assert url("innovations:adopt", pk=published_a.pk) in html(client.get(url("innovations:detail", pk=published_a.pk)))
    client.post(
        url("innovations:adopt", pk=published_a.pk),
        {"adopter": org_b.pk, "mode": "adapted", "adopted_on": str(timezone.localdate()), "publish": "on"},
    )
    assert Adoption.objects.get(source=published_a).result.owner == org_b


def test_adopt_page_access(client, registered_user, editor_b, draft_a, published_a):
    path = url("innovations:adopt", pk=published_a.pk)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(url("accounts:login"))
    client.force_login(registered_user)
    assert client.get(path).status_code == 403
    client.force_login(editor_b)
    assert client.get(url("innovations:adopt", pk=draft_a.pk)).status_code == 404  # invisible draft
