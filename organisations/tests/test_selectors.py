"""Organisation list look-ups."""

import pytest

from organisations.selectors import organisation_list
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_search_by_whole_business_id_finds_the_organisation():
    company = OrganisationFactory(kind="company")
    found = list(organisation_list(q=f" {company.business_id} "))
    assert found == [company]


def test_search_by_municipality_code_and_name():
    assert [o.municipality_code for o in organisation_list(q="091")] == ["091"]
    assert "091" in {o.municipality_code for o in organisation_list(q="helsin")}
