"""Networks managed by their coordinators in the UI: who may start one, edit it, add and remove members and hand
the coordination over, for every role."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from organisations import services
from organisations.models import Network, NetworkMembership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory
from tests.pages import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_b(org_b: Organisation) -> Any:
    return MembershipFactory(organisation=org_b, role=Role.ADMIN).user


def _new(coordinator: Organisation | None) -> dict[str, Any]:
    return {"name_fi": "Uusi verkosto", "coordinator": coordinator.pk if coordinator else ""}


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("registered_user", 403), ("editor_a", 403), ("admin_a", 200), ("platform_admin", 200)],
)
def test_who_may_open_the_page_that_starts_a_network(who: str, status: int, request, org_a: Organisation) -> None:
    user = None if who == "anonymous" else request.getfixturevalue(who)
    response = client_for(user).get(reverse("organisations:network_create"))
    assert response.status_code == status
    listing = client_for(user).get(reverse("organisations:networks")).content.decode()
    assert (reverse("organisations:network_create") in listing) == (status == 200)


def test_an_organisation_administrator_starts_a_network_their_organisation_coordinates(
    admin_a: Any, org_a: Organisation
) -> None:
    response = client_for(admin_a).post(reverse("organisations:network_create"), _new(org_a))
    network = Network.objects.get(name_fi="Uusi verkosto")
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:network_edit", args=[network.slug])
    assert network.coordinator == org_a
    assert list(network.members.all()) == [org_a]  # the coordinator is its first member


@pytest.mark.parametrize("who", ["registered_user", "editor_a"])
def test_people_who_administer_nothing_cannot_start_a_network_even_by_posting(who: str, request, org_a) -> None:
    response = client_for(request.getfixturevalue(who)).post(reverse("organisations:network_create"), _new(org_a))
    assert response.status_code == 403
    assert not Network.objects.filter(name_fi="Uusi verkosto").exists()


def test_an_administrator_cannot_name_another_organisation_as_coordinator(admin_a: Any, org_b: Organisation) -> None:
    response = client_for(admin_a).post(reverse("organisations:network_create"), _new(org_b))
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Network.objects.filter(name_fi="Uusi verkosto").exists()
    with pytest.raises(ValidationError):  # nor through the service
        services.network_create(actor=admin_a, data={"name_fi": "Uusi verkosto", "coordinator": org_b})
    with pytest.raises(ValidationError):  # and a network needs a coordinator
        services.network_create(actor=admin_a, data={"name_fi": "Uusi verkosto", "coordinator": None})


def test_a_platform_administrator_may_name_any_coordinator(platform_admin: Any, org_b: Organisation) -> None:
    data = {**_new(None), "coordinator": org_b.name_fi}
    assert client_for(platform_admin).post(reverse("organisations:network_create"), data).status_code == 302
    assert Network.objects.get(name_fi="Uusi verkosto").coordinator == org_b


# --- the coordinator picker of platform administrators (any of about 400 organisations) ----------------------------


def test_platform_administrators_get_the_organisation_picker_not_a_select_of_every_organisation(
    platform_admin: Any, network_a: Network
) -> None:
    client = client_for(platform_admin)
    for path in (reverse("organisations:network_create"), reverse("organisations:network_edit", args=[network_a.slug])):
        page = client.get(path).content.decode()
        assert 'name="coordinator"' in page
        assert "data-org-picker" in page
        assert 'name="coordinator__pick"' in page
        assert "organisations/picker.js" in page
        assert '<select name="coordinator"' not in page
    # The current coordinator's name is in the text field, its id in the hidden one.
    assert f'value="{network_a.coordinator.name}"' in page  # type: ignore[union-attr]


def test_an_organisation_administrator_still_chooses_among_their_own_organisations(
    admin_a: Any, org_a: Organisation
) -> None:
    page = client_for(admin_a).get(reverse("organisations:network_create")).content.decode()
    assert '<select name="coordinator"' in page  # a handful of organisations: a select is the clearer control


def test_the_picked_id_chooses_between_two_organisations_of_the_same_name(
    platform_admin: Any, network_a: Network
) -> None:
    twin_a = OrganisationFactory.create(name_fi="Kaksoset", business_id="")
    twin_b = OrganisationFactory.create(name_fi="Kaksoset", business_id="")
    client = client_for(platform_admin)
    network_a.refresh_from_db()
    url = reverse("organisations:network_edit", args=[network_a.slug])
    post = {"action": "save", "version": network_a.version, "name_fi": network_a.name_fi}
    # Without JavaScript only the name comes: it names two organisations, and the error says so.
    refused = client.post(url, {**post, "coordinator": "Kaksoset"})
    assert refused.status_code == 400
    assert "Usean organisaation nimi on ”Kaksoset”" in refused.content.decode()
    network_a.refresh_from_db()
    assert network_a.coordinator_id not in (twin_a.pk, twin_b.pk)
    # With the combobox's pick, the one chosen.
    saved = client.post(url, {**post, "coordinator": "Kaksoset", "coordinator__pick": twin_b.pk})
    assert saved.status_code == 302
    network_a.refresh_from_db()
    assert network_a.coordinator == twin_b


def test_the_coordinator_is_found_by_name_or_business_id_without_javascript(
    platform_admin: Any, org_b: Organisation
) -> None:
    client = client_for(platform_admin)
    org_b.business_id = "0245437-2"
    org_b.save(update_fields=["business_id"])
    response = client.post(reverse("organisations:network_create"), {**_new(None), "coordinator": "0245437-2"})
    assert response.status_code == 302
    assert Network.objects.get(name_fi="Uusi verkosto").coordinator == org_b
    unknown = client.post(
        reverse("organisations:network_create"), {**_new(None), "name_fi": "Toinen", "coordinator": "Ei ole"}
    )
    assert unknown.status_code == 400
    assert "Yhdenkään organisaation nimi ei ole" in " ".join(unknown.context["form"].errors["coordinator"])
    assert not Network.objects.filter(name_fi="Toinen").exists()


def test_a_network_called_new_does_not_hide_the_creation_page(admin_a: Any, org_a: Organisation) -> None:
    network = services.network_create(actor=admin_a, data={"name_fi": "New", "coordinator": org_a})
    assert network.slug != "new"


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("registered_user", 403), ("editor_a", 403), ("admin_b", 403), ("admin_a", 200)],
)
def test_who_may_manage_a_network(who: str, status: int, request, network_a: Network, org_b: Organisation) -> None:
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = client_for(user)
    url = reverse("organisations:network_edit", args=[network_a.slug])
    assert client.get(url).status_code == status
    response = client.post(url, {"action": "add_member", "organisation": org_b.name})
    assert response.status_code == (302 if status == 200 else status)
    assert NetworkMembership.objects.filter(network=network_a, organisation=org_b).exists() == (status == 200)


def test_the_coordinator_adds_and_removes_members_but_cannot_leave_itself(
    admin_a: Any, network_a: Network, org_a: Organisation, org_b: Organisation
) -> None:
    client = client_for(admin_a)
    url = reverse("organisations:network_edit", args=[network_a.slug])
    client.post(url, {"action": "add_member", "organisation": org_b.name})
    client.post(url, {"action": "remove_member", "organisation": org_b.pk})
    assert list(network_a.members.all()) == [org_a]
    response = client.post(url, {"action": "remove_member", "organisation": org_a.pk}, follow=True)
    assert list(network_a.members.all()) == [org_a]
    assert "message-error" in response.content.decode()


def _save(client: Client, network: Network, coordinator: Organisation) -> Any:
    network.refresh_from_db()
    return client.post(
        reverse("organisations:network_edit", args=[network.slug]),
        {"action": "save", "version": network.version, "name_fi": network.name_fi, "coordinator": coordinator.pk},
    )


def test_the_coordinator_hands_the_network_to_a_member_and_then_no_longer_manages_it(
    admin_a: Any, admin_b: Any, network_a: Network, org_b: Organisation
) -> None:
    outsider = OrganisationFactory.create()
    client = client_for(admin_a)
    assert _save(client, network_a, outsider).status_code == 400  # not a member: refused
    network_a.refresh_from_db()
    assert network_a.coordinator_id != outsider.pk
    services.network_member_add(actor=admin_a, network=network_a, organisation=org_b)
    assert _save(client, network_a, org_b).status_code == 302
    network_a.refresh_from_db()
    assert network_a.coordinator == org_b
    assert client.get(reverse("organisations:network_edit", args=[network_a.slug])).status_code == 403
    assert client_for(admin_b).get(reverse("organisations:network_edit", args=[network_a.slug])).status_code == 200
