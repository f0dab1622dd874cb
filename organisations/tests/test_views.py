"""The organisation and network pages: rendering in fi/sv/en, what they show, who may edit, conflicts, queries."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import Membership, Role
from audit.models import ChangeRecord
from innovations.vocabulary import Novelty, Status
from organisations import services
from organisations.models import Organisation, OrganisationKind, Region
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnershipFactory,
    ThemeFactory,
    UserFactory,
)
from tests.pages import client_for, url

# The shared role fixtures (org_a, admin_a, …); a no-op once the root conftest loads the plugin itself.
pytestmark = pytest.mark.django_db
LANGUAGES = ("fi", "sv", "en")


@pytest.fixture
def admin_b(org_b: Organisation) -> Any:
    return MembershipFactory(organisation=org_b, role=Role.ADMIN).user


@pytest.fixture
def people(registered_user, editor_a, admin_a, admin_b, platform_admin) -> dict[str, Any]:
    return {
        "anonymous": None,
        "registered": registered_user,
        "editor_a": editor_a,
        "admin_a": admin_a,
        "admin_b": admin_b,
        "platform_admin": platform_admin,
    }


def text(response: Any) -> str:
    """The page's visible text with tags dropped and white space collapsed, for assertions on sentences."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- every page renders in every language -----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_render_in_every_language(client, language, network_a, org_a):
    helsinki = Organisation.objects.get(municipality_code="091")
    pages = [
        url("organisations:list", language),
        url("organisations:list", language) + "?q=hel&kind=municipality&region=01",
        url("organisations:detail", language, slug=org_a.slug),
        url("organisations:detail", language, slug=helsinki.slug),
        url("organisations:networks", language),
        url("organisations:network", language, slug=network_a.slug),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert response.content.decode().count("<h1") == 1, page
        assert f'<html lang="{language}"' in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_editing_pages_render_in_every_language(client, language, admin_a, org_a, network_a):
    client.force_login(admin_a)
    for page in (
        url("organisations:edit", language, slug=org_a.slug),
        url("organisations:members", language, slug=org_a.slug),
        url("organisations:network_edit", language, slug=network_a.slug),
    ):
        response = client.get(page)
        assert response.status_code == 200, page
        assert response.content.decode().count("<h1") == 1, page


# --- the organisation list --------------------------------------------------------------------------------------


def test_list_searches_filters_and_counts_published_innovations(client):
    company = OrganisationFactory(
        kind=OrganisationKind.COMPANY, name_fi="Kuusiluoto Oy", region=Region.objects.get(code="02")
    )
    InnovationFactory(owner=company)
    InnovationFactory(owner=company)
    InnovationFactory(owner=company, status=Status.DRAFT)

    response = client.get(url("organisations:list"), {"q": "kuusiluoto"})
    rows = response.context["page"].object_list
    assert [org.pk for org in rows] == [company.pk]
    assert rows[0].published_innovations == 2

    response = client.get(url("organisations:list"), {"kind": "company", "region": "02"})
    assert company in response.context["page"].object_list
    assert all(org.kind == "company" for org in response.context["page"].object_list)

    response = client.get(url("organisations:list"), {"region": "21"})
    assert response.context["page"].paginator.count == 16  # Åland's municipalities


def test_list_is_paginated(client):
    first = client.get(url("organisations:list"))
    assert first.context["page"].paginator.count >= 309
    assert len(first.context["page"].object_list) == 25
    assert 'rel="next"' in first.content.decode()
    second = client.get(url("organisations:list"), {"page": 2, "kind": "municipality"})
    assert second.context["page"].number == 2
    assert "kind=municipality&amp;page=3" in second.content.decode()


def test_a_bad_filter_value_shows_everything_instead_of_failing(client):
    response = client.get(url("organisations:list"), {"kind": "nonsense", "page": "x"})
    assert response.status_code == 200


# --- the organisation page --------------------------------------------------------------------------------------


def test_organisation_page_shows_facts_and_a_map_for_a_real_municipality(client):
    helsinki = Organisation.objects.get(municipality_code="091")
    response = client.get(url("organisations:detail", "en", slug=helsinki.slug))
    page = response.content.decode()
    assert "Municipality code" in page
    assert "091" in page
    assert "Uusimaa" in page
    assert "656,920" in page  # population, formatted for English
    assert 'role="img"' in page
    assert 'data-code="091"' in page  # the municipality is highlighted
    assert 'data-code="01"' in page  # and its region


def test_organisation_page_shows_what_it_adopted_from_whom_and_who_adopted_from_it(client, org_a, org_b):
    ours = InnovationFactory(owner=org_a, title_en="Library tool loans")
    theirs = InnovationFactory(owner=org_b, title_en="Night-time school bus")
    AdoptionFactory(source=ours, adopter=org_b, mode=Novelty.COPIED)
    AdoptionFactory(source=theirs, adopter=org_a, mode=Novelty.ADAPTED)

    response = client.get(url("organisations:detail", "en", slug=org_a.slug))
    profile = response.context["profile"]
    assert [a.source.owner for a in profile.adopted_from] == [org_b]
    assert [a.result.owner for a in profile.adopted_by] == [org_b]
    page = text(response)
    adopted_from = page[page.index("Adopted from others") : page.index("Adopted by others")]
    assert "Night-time school bus" in adopted_from
    assert org_b.name_en in adopted_from
    adopted_by = page[page.index("Adopted by others") : page.index("Development partners")]
    assert org_b.name_en in adopted_by
    assert "Library tool loans" in adopted_by
    assert "Copied" in adopted_by or "copied" in adopted_by


def test_organisation_page_shows_partners_and_networks(client, org_a, network_a):
    university = OrganisationFactory(kind=OrganisationKind.UNIVERSITY)
    innovation = InnovationFactory(owner=org_a)
    PartnershipFactory(innovation=innovation, organisation=university)
    page = client.get(url("organisations:detail", "en", slug=org_a.slug)).content.decode()
    assert university.get_absolute_url() in page
    assert network_a.get_absolute_url() in page
    uni_page = client.get(url("organisations:detail", "en", slug=university.slug)).content.decode()
    assert reverse("innovations:detail", kwargs={"pk": innovation.pk}) in uni_page  # partner in


def test_drafts_show_only_to_the_organisations_own_people(client, org_a, editor_a):
    secret = "Salainen luonnos"
    draft = InnovationFactory(owner=org_a, status=Status.DRAFT, title_fi=secret, title_sv=secret, title_en=secret)
    assert "Salainen luonnos" not in client.get(draft.owner.get_absolute_url()).content.decode()
    client.force_login(editor_a)
    assert "Salainen luonnos" in client.get(draft.owner.get_absolute_url()).content.decode()


def test_edit_links_show_only_to_those_who_may_edit(client, org_a, admin_a, editor_a):
    page, edit = url("organisations:detail", slug=org_a.slug), url("organisations:edit", slug=org_a.slug)
    assert edit not in client.get(page).content.decode()
    client.force_login(editor_a)
    assert edit not in client.get(page).content.decode()
    client.force_login(admin_a)
    assert edit in client.get(page).content.decode()


def test_unknown_organisation_is_404(client):
    assert client.get(url("organisations:detail", slug="no-such-organisation")).status_code == 404


# --- permissions -------------------------------------------------------------------------------------------------

# Who may open and use each editing page: organisation A's administrators and platform administrators.
ALLOWED = {"admin_a", "platform_admin"}
ROLES = ("anonymous", "registered", "editor_a", "admin_a", "admin_b", "platform_admin")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["organisations:edit", "organisations:members", "organisations:network_edit"])
def test_editing_pages_are_for_organisation_admins_and_platform_admins(client, people, role, page, org_a, network_a):
    slug = network_a.slug if page == "organisations:network_edit" else org_a.slug
    response = client_for(people[role]).get(url(page, slug=slug))
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(url("accounts:login"))
    elif role in ALLOWED:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


def _organisation_post(organisation: Organisation, **changes: Any) -> dict[str, Any]:
    data = {
        "version": organisation.version,
        "business_id": organisation.business_id or "",
        "website": organisation.website,
        "kind": organisation.kind,
        "municipality_code": organisation.municipality_code or "",
        "region": organisation.region_id or "",
        "wellbeing_county": organisation.wellbeing_county_id or "",
        "population": organisation.population or "",
    }
    for lang in LANGUAGES:
        data[f"name_{lang}"] = getattr(organisation, f"name_{lang}") or ""
        data[f"description_{lang}"] = getattr(organisation, f"description_{lang}") or ""
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_can_save_the_organisation(client, people, role, org_a):
    org_a = Organisation.objects.get(pk=org_a.pk)
    response = client_for(people[role]).post(
        url("organisations:edit", slug=org_a.slug), _organisation_post(org_a, description_fi="Uusi kuvaus.")
    )
    org_a.refresh_from_db()
    if role in ALLOWED:
        assert response.status_code == 302
        assert org_a.description_fi == "Uusi kuvaus."
    else:
        assert response.status_code in (302, 403)
        assert org_a.description_fi != "Uusi kuvaus."


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_can_manage_people(client, people, role, org_a, registered_user):
    newcomer = UserFactory()
    response = client_for(people[role]).post(
        url("organisations:members", slug=org_a.slug), {"action": "add", "person": newcomer.email, "role": "editor"}
    )
    added = Membership.objects.filter(organisation=org_a, user=newcomer).exists()
    assert added == (role in ALLOWED)
    assert response.status_code == (302 if role in ALLOWED | {"anonymous"} else 403)


@pytest.mark.parametrize("role", ROLES)
def test_only_coordinator_admins_and_platform_admins_can_change_a_network(client, people, role, network_a, org_b):
    response = client_for(people[role]).post(
        url("organisations:network_edit", slug=network_a.slug), {"action": "add_member", "organisation": org_b.name}
    )
    assert network_a.members.filter(pk=org_b.pk).exists() == (role in ALLOWED)
    assert response.status_code == (302 if role in ALLOWED | {"anonymous"} else 403)


# --- editing an organisation -------------------------------------------------------------------------------------


def test_admin_saves_the_organisation_and_the_change_is_logged(client, org_a, admin_a):
    org_a = Organisation.objects.get(pk=org_a.pk)
    client.force_login(admin_a)
    response = client.post(
        url("organisations:edit", slug=org_a.slug),
        _organisation_post(org_a, description_sv="Ny beskrivning.", website="www.example.fi"),
    )
    assert response.status_code == 302
    assert response.url == org_a.get_absolute_url()
    updated = Organisation.objects.get(pk=org_a.pk)
    assert updated.description_sv == "Ny beskrivning."
    assert updated.website == "https://www.example.fi"
    assert updated.version == org_a.version + 1
    record = ChangeRecord.objects.filter(object_id=org_a.pk, actor=admin_a).latest("at")
    assert "description_sv" in record.changes


def test_a_stale_version_shows_the_conflict_and_keeps_the_input(client, org_a, admin_a, platform_admin):
    opened = Organisation.objects.get(pk=org_a.pk)
    services.organisation_update(
        actor=platform_admin, organisation=opened, expected_version=opened.version, data={"description_en": "Theirs."}
    )
    client.force_login(admin_a)
    with translation.override("en"):
        response = client.post(
            url("organisations:edit", "en", slug=org_a.slug),
            _organisation_post(opened, description_en="Mine, typed with care."),
        )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this record after you opened it" in page
    assert "Mine, typed with care." in page  # the input is kept
    assert "What the other person saved" in page
    assert "Theirs." in page  # and what the other person saved is shown
    current = Organisation.objects.get(pk=org_a.pk)
    assert current.description_en == "Theirs."
    # The form now carries the saved version: sending it again is a deliberate choice and succeeds.
    assert response.context["form"]["version"].value() == str(current.version)
    again = client.post(
        url("organisations:edit", "en", slug=org_a.slug),
        _organisation_post(current, description_en="Mine, typed with care."),
    )
    assert again.status_code == 302
    assert Organisation.objects.get(pk=org_a.pk).description_en == "Mine, typed with care."


def test_service_errors_are_shown_on_their_fields_with_a_summary(client, org_a, admin_a):
    org_a = Organisation.objects.get(pk=org_a.pk)
    client.force_login(admin_a)
    response = client.post(
        url("organisations:edit", "en", slug=org_a.slug), _organisation_post(org_a, business_id="1234567-2")
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "business_id" in form.errors
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert 'href="#id_business_id"' in page
    assert 'aria-invalid="true"' in page
    assert Organisation.objects.get(pk=org_a.pk).business_id == org_a.business_id


def test_a_municipality_admin_cannot_change_reference_data_fields(client, admin_a):
    helsinki = Organisation.objects.get(municipality_code="091")
    MembershipFactory(organisation=helsinki, user=admin_a, role=Role.ADMIN)
    client.force_login(admin_a)
    form = client.get(url("organisations:edit", slug=helsinki.slug)).context["form"]
    assert "name_fi" not in form.fields
    assert "population" not in form.fields
    assert "kind" not in form.fields
    assert "description_fi" in form.fields
    response = client.post(
        url("organisations:edit", slug=helsinki.slug),
        {"version": helsinki.version, "name_fi": "Stadi", "population": "1", "description_fi": "Pääkaupunki."},
    )
    assert response.status_code == 302
    helsinki.refresh_from_db()
    assert (helsinki.name_fi, helsinki.population, helsinki.description_fi) == ("Helsinki", 656920, "Pääkaupunki.")


# --- people and roles --------------------------------------------------------------------------------------------


def test_admin_adds_a_person_by_email_changes_the_role_and_removes_them(client, org_a, admin_a):
    person = UserFactory(email="Maija.Meikalainen@example.fi")
    members = url("organisations:members", slug=org_a.slug)
    client.force_login(admin_a)

    response = client.post(members, {"action": "add", "person": "maija.meikalainen@example.fi", "role": "editor"})
    assert response.status_code == 302
    assert Membership.objects.get(organisation=org_a, user=person).role == Role.EDITOR

    client.post(members, {"action": "role", "user": person.pk, "role": "admin"})
    assert Membership.objects.get(organisation=org_a, user=person).role == Role.ADMIN

    client.post(members, {"action": "remove", "user": person.pk})
    assert not Membership.objects.filter(organisation=org_a, user=person).exists()
    logged = ChangeRecord.objects.filter(object_id=org_a.pk, actor=admin_a, changes__has_key="members").count()
    assert logged == 3


def test_adding_by_something_else_than_an_address_says_so_on_the_field(client, org_a, admin_a):
    client.force_login(admin_a)
    with translation.override("en"):
        response = client.post(
            url("organisations:members", "en", slug=org_a.slug), {"action": "add", "person": "nobody", "role": "editor"}
        )
    assert response.status_code == 400
    assert "person" in response.context["add_form"].errors
    assert "Enter a valid email address" in response.content.decode()


def test_the_last_administrator_cannot_leave(client, org_a, admin_a):
    client.force_login(admin_a)
    response = client.post(
        url("organisations:members", "en", slug=org_a.slug), {"action": "remove", "user": admin_a.pk}
    )
    assert response.status_code == 400
    assert "at least one administrator" in response.content.decode()
    assert Membership.objects.filter(organisation=org_a, user=admin_a, role=Role.ADMIN).exists()


def test_members_page_lists_people_with_their_roles(client, org_a, admin_a, editor_a):
    client.force_login(admin_a)
    response = client.get(url("organisations:members", slug=org_a.slug))
    page = response.content.decode()
    assert editor_a.username in page
    assert admin_a.username in page
    assert response.context["memberships"][0].user == admin_a  # administrators first


# --- networks ----------------------------------------------------------------------------------------------------


def _real(code: str) -> Organisation:
    return Organisation.objects.get(municipality_code=code)


def test_network_page_lists_members_and_draws_them_on_the_map(client):
    university = OrganisationFactory(kind=OrganisationKind.UNIVERSITY, region=Region.objects.get(code="06"))
    abroad = OrganisationFactory(kind=OrganisationKind.INTERNATIONAL, region=None)
    network = NetworkFactory(coordinator=_real("837"), members=[_real("837"), _real("091"), university, abroad])
    InnovationFactory(owner=_real("091"))

    response = client.get(url("organisations:network", "en", slug=network.slug))
    page = response.content.decode()
    assert [m.pk for m in response.context["members"]] == sorted(
        [m.pk for m in response.context["members"]], key=lambda pk: Organisation.objects.get(pk=pk).name
    )
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg
    assert "<title" in svg
    highlighted = svg[svg.index("map-highlighted-municipalities") :]
    assert 'data-code="091"' in highlighted
    assert 'data-code="837"' in highlighted
    assert 'data-code="06"' in svg[svg.index("map-highlighted-regions") :]
    assert svg.count("<path") >= 309 + 19  # every municipality in grey, every region's border
    assert abroad.name_en in page[page.index("Not on the map") :]
    assert response.context["published_total"] == 1


def test_network_list_shows_coordinator_and_member_count(client, network_a, org_a):
    response = client.get(url("organisations:networks"))
    listed = {n.pk: n for n in response.context["networks"]}
    assert listed[network_a.pk].member_count == 1
    assert org_a.get_absolute_url() in response.content.decode()


def _network_post(network: Any, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "action": "save",
        "version": network.version,
        "agreement_start": network.agreement_start.isoformat() if network.agreement_start else "",
        "agreement_end": network.agreement_end.isoformat() if network.agreement_end else "",
        "website": network.website,
        "coordinator": network.coordinator_id or "",
        "themes": [t.pk for t in network.themes.all()],
    }
    for lang in LANGUAGES:
        data[f"name_{lang}"] = getattr(network, f"name_{lang}") or ""
        data[f"description_{lang}"] = getattr(network, f"description_{lang}") or ""
    data.update(changes)
    return data


def test_coordinator_admin_edits_the_network_themes_and_members(client, network_a, admin_a, org_b):
    theme = ThemeFactory()
    client.force_login(admin_a)
    edit = url("organisations:network_edit", slug=network_a.slug)
    form = client.get(edit).context["form"]
    # The coordinator may hand the network over to a member (or another organisation they administer), no one else.
    assert set(form.fields["coordinator"].queryset) == set(network_a.members.all())

    response = client.post(edit, _network_post(network_a, description_en="Shared experiments.", themes=[theme.pk]))
    assert response.status_code == 302
    network_a.refresh_from_db()
    assert network_a.description_en == "Shared experiments."
    assert list(network_a.themes.all()) == [theme]

    client.post(edit, {"action": "add_member", "organisation": org_b.name})
    assert network_a.members.filter(pk=org_b.pk).exists()
    client.post(edit, {"action": "remove_member", "organisation": org_b.pk})
    assert not network_a.members.filter(pk=org_b.pk).exists()


def test_network_validation_and_conflict(client, network_a, admin_a, platform_admin):
    client.force_login(admin_a)
    edit = url("organisations:network_edit", "en", slug=network_a.slug)
    response = client.post(edit, _network_post(network_a, agreement_start="2025-01-01", agreement_end="2024-01-01"))
    assert response.status_code == 400
    assert "agreement_end" in response.context["form"].errors

    services.network_update(
        actor=platform_admin,
        network=network_a,
        expected_version=network_a.version,
        data={"website": "https://a.example.fi"},
    )
    response = client.post(edit, _network_post(network_a, description_en="Mine."))
    assert response.status_code == 409
    assert "Mine." in response.content.decode()
    assert "https://a.example.fi" in response.content.decode()


def test_platform_admin_can_hand_the_network_to_another_coordinator(client, network_a, platform_admin, org_b):
    client.force_login(platform_admin)
    response = client.post(
        url("organisations:network_edit", slug=network_a.slug), _network_post(network_a, coordinator=org_b.name_fi)
    )
    assert response.status_code == 302
    network_a.refresh_from_db()
    assert network_a.coordinator == org_b


# --- queries do not grow with the data ----------------------------------------------------------------------------


def _count_queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _grow_profile(organisation: Organisation, n: int) -> None:
    for _ in range(n):
        other = OrganisationFactory()
        mine = InnovationFactory(owner=organisation)
        AdoptionFactory(source=mine, adopter=other)
        AdoptionFactory(source=InnovationFactory(owner=other), adopter=organisation)
        PartnershipFactory(innovation=mine, organisation=OrganisationFactory(kind=OrganisationKind.COMPANY))
        PartnershipFactory(innovation=InnovationFactory(owner=other), organisation=organisation)
        NetworkFactory(members=[organisation])


@pytest.mark.parametrize("who", ["anonymous", "editor_a"])
def test_organisation_page_queries_do_not_grow_with_data(client, org_a, editor_a, who, django_assert_max_num_queries):
    if who == "editor_a":
        client.force_login(editor_a)
    path = org_a.get_absolute_url()
    _grow_profile(org_a, 1)
    small = _count_queries(client, path)
    _grow_profile(org_a, 5)
    assert _count_queries(client, path) == small
    with django_assert_max_num_queries(12):
        client.get(path)


def test_network_page_queries_do_not_grow_with_data(client, django_assert_max_num_queries):
    network = NetworkFactory(members=[_real("091")])
    path = network.get_absolute_url()
    small = _count_queries(client, path)
    for code in ("837", "853", "564", "179", "398"):
        services.network_member_add(actor=UserFactory(platform_admin=True), network=network, organisation=_real(code))
        InnovationFactory(owner=_real(code))
    services.network_member_add(
        actor=UserFactory(platform_admin=True), network=network, organisation=OrganisationFactory(kind="company")
    )
    assert _count_queries(client, path) == small
    with django_assert_max_num_queries(8):
        client.get(path)


def test_organisation_page_lists_its_first_rows_and_everything_on_request(client, org_a, monkeypatch):
    from innovations import reactions as views

    monkeypatch.setattr(views, "PROFILE_ROWS", 2)
    _grow_profile(org_a, 3)
    path = url("organisations:detail", "en", slug=org_a.slug)
    response = client.get(path)
    profile = response.context["profile"]
    assert len(profile.innovations) == 2
    assert len(profile.adopted_from) == 2
    assert len(profile.adopted_by) == 2
    assert response.context["more"]["adopted_by"]
    assert all(response.context["more"].values())
    page = text(response)
    assert page.count("Only the first 2 are listed.") == 5
    assert 'href="?all=1#adopted-by-title"' in response.content.decode()
    everything = client.get(path + "?all=1")
    assert len(everything.context["profile"].adopted_by) == 3
    assert len(everything.context["profile"].innovations) == 6  # its three originals and its three adoptions
    assert len(everything.context["profile"].partners) == 3
    assert "Only the first" not in text(everything)
    monkeypatch.setattr(views, "PROFILE_ROWS", 50)
    assert "Only the first" not in text(client.get(path))  # nothing cut, nothing said


def test_organisation_lists_are_kept_until_the_catalogue_changes(client, org_a, org_b):
    """The lists come from the catalogue cache on a repeated visit (no adoption or partnership query), and a write
    (a new adoption, a partner) shows at once: it changes the catalogue's version, part of the key."""
    _grow_profile(org_a, 1)
    path = url("organisations:detail", "en", slug=org_a.slug)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    assert not [q for q in queries if "innovations_adoption" in q["sql"] or "innovations_partnership" in q["sql"]]
    AdoptionFactory(source=InnovationFactory(owner=org_a), adopter=org_b)
    PartnershipFactory(innovation=InnovationFactory(owner=org_a), organisation=org_b)
    profile = client.get(path).context["profile"]
    assert org_b in [a.result.owner for a in profile.adopted_by]
    assert org_b in profile.partners


def test_kept_lists_never_show_a_draft_to_outsiders(client, org_a, editor_a):
    """A member's visit keeps lists with the drafts; an anonymous visit after it gets its own, without them."""
    secret = "Salainen luonnos"
    InnovationFactory(owner=org_a, status=Status.DRAFT, title_fi=secret, title_sv=secret, title_en=secret)
    client.force_login(editor_a)
    assert secret in client.get(org_a.get_absolute_url()).content.decode()
    client.logout()
    assert secret not in client.get(org_a.get_absolute_url()).content.decode()
