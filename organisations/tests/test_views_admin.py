"""The Django admin for platform administrators: every model opens, and saving goes through the services."""

from typing import Any

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from accounts.models import ApiToken, Membership, Role
from accounts.services import api_token_create
from audit.models import ChangeRecord
from innovations.models import Innovation
from innovations.vocabulary import Status
from organisations.models import Network, Organisation, Region
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_admin(client: Any) -> Any:
    user = UserFactory(platform_admin=True)
    client.force_login(user)
    return user


def admin_url(name: str, *args: Any) -> str:
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args or None)


@pytest.fixture
def data() -> dict[str, Any]:
    organisation = OrganisationFactory()
    innovation = InnovationFactory(owner=organisation)
    adoption = AdoptionFactory(source=innovation)
    membership = MembershipFactory(organisation=organisation, role=Role.ADMIN)
    token, _key = api_token_create(user=membership.user, name="Raportit")
    return {
        "organisation": organisation,
        "innovation": innovation,
        "adoption": adoption,
        "membership": membership,
        "token": token,
        "network": NetworkFactory(members=[organisation]),
        "theme": ThemeFactory(),
    }


def with_inline_management_forms(client: Any, url: str, data: dict[str, Any]) -> dict[str, Any]:
    """What the browser sends besides the visible fields: each inline's management form, as the page has it."""
    page = client.get(url)
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name, field in management.fields.items():
            data.setdefault(management.add_prefix(name), management.initial.get(name, field.initial))
    return data


def test_every_registered_model_has_a_list_and_a_page(client, platform_admin, data):
    objects = {
        Organisation: data["organisation"],
        Innovation: data["innovation"],
        Network: data["network"],
        Membership: data["membership"],
        ApiToken: data["token"],
        Region: Region.objects.get(code="01"),
    }
    for model in admin.site._registry:
        meta = model._meta
        changelist = client.get(admin_url(f"{meta.app_label}_{meta.model_name}_changelist"))
        assert changelist.status_code == 200, meta.label
        obj = objects.get(model) or model._default_manager.first()
        if obj is not None:
            page = client.get(admin_url(f"{meta.app_label}_{meta.model_name}_change", obj.pk))
            assert page.status_code == 200, meta.label


def test_search_and_filters_work(client, platform_admin, data):
    response = client.get(
        admin_url("organisations_organisation_changelist"), {"q": "Helsinki", "kind__exact": "municipality"}
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1
    response = client.get(admin_url("innovations_innovation_changelist"), {"status__exact": "published"})
    assert response.status_code == 200


def test_people_without_staff_rights_do_not_get_in(client, data):
    client.force_login(data["membership"].user)  # an organisation administrator, not a platform administrator
    response = client.get(admin_url("index"))
    assert response.status_code == 302


def _organisation_form(organisation: Organisation, **changes: Any) -> dict[str, Any]:
    data = {
        "kind": organisation.kind,
        "municipality_code": organisation.municipality_code or "",
        "business_id": organisation.business_id or "",
        "region": organisation.region_id or "",
        "wellbeing_county": organisation.wellbeing_county_id or "",
        "population": organisation.population or "",
        "website": organisation.website,
        "expected_version": organisation.version,
    }
    for lang in ("fi", "sv", "en"):
        data[f"name_{lang}"] = getattr(organisation, f"name_{lang}") or ""
        data[f"description_{lang}"] = getattr(organisation, f"description_{lang}") or ""
    data.update(changes)
    return data


def test_saving_an_organisation_goes_through_the_service(client, platform_admin, data):
    organisation = Organisation.objects.get(pk=data["organisation"].pk)
    response = client.post(
        admin_url("organisations_organisation_change", organisation.pk),
        _organisation_form(organisation, name_en="Renamed in the admin"),
    )
    assert response.status_code == 302
    saved = Organisation.objects.get(pk=organisation.pk)
    assert saved.name_en == "Renamed in the admin"
    assert saved.version == organisation.version + 1
    assert ChangeRecord.objects.filter(
        object_id=organisation.pk, actor=platform_admin, changes__has_key="name_en"
    ).exists()
    # The owner's name is in its innovations' search documents: the service refreshed them.
    assert "renam" in Innovation.objects.get(pk=data["innovation"].pk).search_document


def test_an_organisation_saved_over_someone_elses_change_is_refused(client, platform_admin, data):
    organisation = Organisation.objects.get(pk=data["organisation"].pk)
    response = client.post(
        admin_url("organisations_organisation_change", organisation.pk),
        _organisation_form(organisation, name_en="Mine", expected_version=organisation.version - 1),
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Someone else has changed this record" in response.content.decode()
    assert Organisation.objects.get(pk=organisation.pk).name_en != "Mine"


def test_adding_an_organisation_in_the_admin(client, platform_admin):
    response = client.post(
        admin_url("organisations_organisation_add"),
        {"kind": "company", "name_fi": "Uusi Yritys Oy", "name_sv": "", "name_en": "", "website": "", "population": ""},
    )
    assert response.status_code == 302
    created = Organisation.objects.get(name_fi="Uusi Yritys Oy")
    assert created.slug == "uusi-yritys-oy"
    assert ChangeRecord.objects.filter(object_id=created.pk, action="create").exists()


def test_network_members_added_in_the_admin_are_logged(client, platform_admin, data):
    network = Network.objects.get(pk=data["network"].pk)
    newcomer = OrganisationFactory()
    form = {
        "name_fi": network.name_fi,
        "name_sv": network.name_sv,
        "name_en": network.name_en,
        "description_fi": network.description_fi,
        "description_sv": network.description_sv,
        "description_en": network.description_en,
        "coordinator": network.coordinator_id,
        "agreement_start": network.agreement_start.isoformat(),
        "agreement_end": network.agreement_end.isoformat(),
        "website": "",
        "themes": [data["theme"].pk],
        "expected_version": network.version,
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": network.memberships.get().pk,
        "memberships-0-network": network.pk,
        "memberships-0-organisation": data["organisation"].pk,
        "memberships-0-joined_on": "",
        "memberships-1-network": network.pk,
        "memberships-1-organisation": newcomer.pk,
        "memberships-1-joined_on": "2024-05-01",
    }
    response = client.post(admin_url("organisations_network_change", network.pk), form)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    network.refresh_from_db()
    assert set(network.members.all()) == {data["organisation"], newcomer}
    assert list(network.themes.all()) == [data["theme"]]
    assert ChangeRecord.objects.filter(object_id=network.pk, changes__has_key="members").exists()


def test_the_innovation_admin_changes_only_the_status_through_the_service(client, platform_admin, data):
    innovation = Innovation.objects.get(pk=data["innovation"].pk)
    url = admin_url("innovations_innovation_change", innovation.pk)
    form = {"status": Status.DRAFT, "expected_version": innovation.version, "title_en": "Hacked"}
    response = client.post(url, with_inline_management_forms(client, url, form))
    assert response.status_code == 302
    saved = Innovation.objects.get(pk=innovation.pk)
    assert saved.status == Status.DRAFT
    assert saved.title_en == innovation.title_en  # texts are read-only here
    assert saved.search_document == innovation.search_document
    assert ChangeRecord.objects.filter(object_id=innovation.pk, action="unpublish", actor=platform_admin).exists()


def test_membership_changes_in_the_admin_are_logged(client, platform_admin, data):
    organisation = data["organisation"]
    person = UserFactory()
    response = client.post(
        admin_url("accounts_membership_add"), {"user": person.pk, "organisation": organisation.pk, "role": "editor"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=person, organisation=organisation)
    response = client.post(admin_url("accounts_membership_delete", membership.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert (
        ChangeRecord.objects.filter(object_id=organisation.pk, actor=platform_admin, changes__has_key="members").count()
        == 2
    )


def test_deleting_a_token_in_the_admin_revokes_it(client, platform_admin, data):
    token = data["token"]
    response = client.post(admin_url("accounts_apitoken_delete", token.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_the_change_log_is_read_only(client, platform_admin, data):
    record = ChangeRecord.objects.first()
    response = client.post(admin_url("audit_changerecord_change", record.pk), {"action": "delete"})
    assert response.status_code == 403


def test_renaming_a_theme_refreshes_the_search_documents(client, platform_admin):
    theme = ThemeFactory(name_en="Libraries")
    innovation = InnovationFactory(themes=[theme])
    response = client.post(
        admin_url("core_theme_change", theme.pk),
        {"slug": theme.slug, "name_fi": theme.name_fi, "name_sv": theme.name_sv, "name_en": "Zeppelins"},
    )
    assert response.status_code == 302
    assert "zeppelin" in Innovation.objects.get(pk=innovation.pk).search_document
