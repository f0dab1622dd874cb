"""Organisation pickers: the search endpoint behind the combobox, and the text field that resolves a name or a
business ID on the server (the picker without JavaScript)."""

from typing import Any

import pytest
from django.test import Client

from innovations.models import Partnership
from organisations.models import Organisation, OrganisationKind
from organisations.pickers import OrganisationField
from organisations.views import search as search_views
from tests.factories import OrganisationFactory
from tests.pages import url

pytestmark = pytest.mark.django_db


def search(client: Client, **params: str) -> Any:
    response = client.get(url("organisations:search"), params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_prefix_finds_tampere_first_and_at_most_twenty() -> None:
    client = Client()
    found = search(client, q="Tamp")["results"]
    assert found[0]["name"] == "Tampere"
    assert found[0]["kind"] == "municipality"
    assert found[0]["kind_label"] == "Kunta"  # the current language's label
    assert all("tamp" in r["name"].lower() for r in found)
    broad = search(client, q="a")
    assert len(broad["results"]) == 20
    assert broad["more"] is True
    assert search(client, q="")["results"] == []


def test_search_by_business_id_kind_and_language() -> None:
    tampere = Organisation.objects.get(name_fi="Tampere")
    client = Client()
    if tampere.business_id:
        assert [r["id"] for r in search(client, q=tampere.business_id)["results"]] == [tampere.pk]
    company = OrganisationFactory.create(kind=OrganisationKind.COMPANY, name_fi="Tampereen Ohjelmisto Oy")
    assert [r["id"] for r in search(client, q="Tamp", kind="company")["results"]] == [company.pk]
    assert [r["id"] for r in search(client, q=company.business_id or "")["results"]] == [company.pk]
    # the Swedish name is found, and shown on the Swedish page
    helsinki = Organisation.objects.get(name_fi="Helsinki")
    swedish = client.get(url("organisations:search", language="sv"), {"q": "Helsingf"}).json()["results"]
    assert swedish[0] == {**swedish[0], "id": helsinki.pk, "name": "Helsingfors"}
    assert client.get(url("organisations:search"), {"q": "Tamp", "kind": "nonsense"}).status_code == 400


def test_search_is_limited_per_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_views, "SEARCH_RATE", "3/m")
    client = Client()
    statuses = [client.get(url("organisations:search"), {"q": "Tamp"}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def clean(field: OrganisationField, text: str, pick: str = "") -> Organisation | None:
    return field.clean({"text": text, "pick": pick})


def test_the_field_resolves_a_name_in_any_language_or_a_business_id() -> None:
    field = OrganisationField()
    helsinki = Organisation.objects.get(name_fi="Helsinki")
    assert clean(field, " helsingfors ") == helsinki
    assert clean(field, "Helsinki") == helsinki
    company = OrganisationFactory.create(kind=OrganisationKind.COMPANY)
    assert clean(field, company.business_id or "") == company


def test_unknown_and_ambiguous_names_are_errors_that_say_what_to_do() -> None:
    from django import forms

    field = OrganisationField()
    with pytest.raises(forms.ValidationError) as unknown:
        clean(field, "Tampre")
    assert "Tampre" in str(unknown.value)
    with pytest.raises(forms.ValidationError) as suggestions:
        clean(field, "Tamp")
    assert "Tampere" in str(suggestions.value)  # "did you mean …"
    OrganisationFactory(kind=OrganisationKind.COMPANY, name_fi="Kaksoset Oy", name_sv="Kaksoset Ab", name_en="K1")
    OrganisationFactory(kind=OrganisationKind.COMPANY, name_fi="Kaksoset Oy", name_sv="Kaksoset Ab", name_en="K2")
    with pytest.raises(forms.ValidationError) as several:
        clean(field, "kaksoset oy")
    assert several.value.code == "several"
    with pytest.raises(forms.ValidationError) as empty:
        clean(field, "  ")
    assert empty.value.code == "required"


def test_a_picked_id_counts_only_while_the_text_is_its_name() -> None:
    field = OrganisationField()
    tampere = Organisation.objects.get(name_fi="Tampere")
    helsinki = Organisation.objects.get(name_fi="Helsinki")
    assert clean(field, "Tampere", str(tampere.pk)) == tampere
    # the person chose Tampere, then typed another name over it: the text wins, not a stale id
    assert clean(field, "Helsinki", str(tampere.pk)) == helsinki
    # an id outside the field's organisations is not a way around them
    municipalities = OrganisationField(kind=OrganisationKind.MUNICIPALITY)
    company = OrganisationFactory.create(kind=OrganisationKind.COMPANY)
    from django import forms

    with pytest.raises(forms.ValidationError):
        clean(municipalities, company.name, str(company.pk))


def test_the_partner_form_lists_no_organisations_and_saves_a_typed_name(
    client: Client, editor_a: Any, published_a: Any
) -> None:
    client.force_login(editor_a)
    page = client.get(url("innovations:edit", pk=published_a.pk)).content.decode()
    # The old form was a <select> of every organisation: about 400 <option>s on every edit page.
    assert "Pirkanmaan hyvinvointialue" not in page
    assert "data-org-picker" in page
    assert "organisations/picker.js" in page
    assert 'data-search-url="/fi/organisations/search.json"' in page  # the combobox knows where to search
    assert 'name="partner-organisation__pick"' in page
    response = client.post(
        url("innovations:partner_add", pk=published_a.pk),
        {"partner-organisation": "Tampere", "partner-role": "co_developer"},
    )
    assert response.status_code == 302
    assert Partnership.objects.get(innovation=published_a).organisation.name_fi == "Tampere"
    # the same organisation again: the error names it, and nothing more is saved
    response = client.post(
        url("innovations:partner_add", "en", pk=published_a.pk),
        {"partner-organisation": "Tampere", "partner-role": "funder"},
    )
    assert response.status_code == 200
    assert "Tampere owns the innovation or is already a partner." in response.content.decode()
    assert Partnership.objects.filter(innovation=published_a).count() == 1


def test_a_network_member_is_added_by_business_id(client: Client, admin_a: Any, network_a: Any) -> None:
    company = OrganisationFactory.create(kind=OrganisationKind.COMPANY)
    client.force_login(admin_a)
    edit = url("organisations:network_edit", slug=network_a.slug)
    page = client.get(edit).content.decode()
    assert "Pirkanmaan hyvinvointialue" not in page
    client.post(edit, {"action": "add_member", "organisation": company.business_id})
    assert network_a.members.filter(pk=company.pk).exists()


def test_a_list_names_each_line_that_matches_nothing() -> None:
    from django import forms

    from organisations.pickers import OrganisationListField

    field = OrganisationListField(required=False)
    tampere = Organisation.objects.get(name_fi="Tampere")
    helsinki = Organisation.objects.get(name_fi="Helsinki")
    assert field.clean("Tampere\n\n helsingfors \nTampere") == [tampere, helsinki]
    with pytest.raises(forms.ValidationError) as error:
        field.clean("Tampere\nEi ole olemassa Oy")
    assert error.value.messages[0].startswith("Rivi 2:")  # Finnish, the default language
    municipalities = OrganisationListField(kind=OrganisationKind.MUNICIPALITY)
    with pytest.raises(forms.ValidationError):
        municipalities.clean("Pirkanmaan hyvinvointialue")
