"""What to adopt next, also adopted, likely next: stored by the registry-wide recomputation exactly as a direct call
of diffusion.maths.recommend on the same events gives them; drafts, own and adopted innovations never suggested;
the reasons in words in fi/sv/en; constant queries; 404 for bad ids."""

import datetime
from typing import NamedTuple

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from diffusion import selectors, services
from diffusion.maths.recommend import OrganisationFeatures, Recommender, fit_recommender
from diffusion.models import FamilySuggestions, OrganisationRecommendations
from diffusion.pages import suggestions as pages
from innovations.models import Innovation
from innovations.vocabulary import Status
from organisations.models import NetworkMembership, Organisation
from tests.factories import AdoptionFactory, InnovationFactory, NetworkFactory, OrganisationFactory, RegionFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/diffusion"


class Event(NamedTuple):
    organisation: str
    innovation: str
    year: int


class Registry(NamedTuple):
    target: Organisation
    others: list[Organisation]
    roots: dict[str, Innovation]
    draft: Innovation
    draft_adopted: Innovation
    events: list[Event]


def adopt(root: Innovation, adopter: Organisation, year: int, events: list[Event], *, publish: bool = True) -> None:
    AdoptionFactory.create(source=root, adopter=adopter, adopted_on=datetime.date(year, 5, 1), publish=publish)
    if publish:
        events.append(Event(str(adopter.pk), str(root.pk), year))


@pytest.fixture
def registry() -> Registry:
    """Nine municipalities in two regions; four published originals adopted in overlapping patterns; the target
    organisation owns one, adopted one; a draft original and a published one adopted only in drafts."""
    uusimaa, pirkanmaa = RegionFactory.create(code="01"), RegionFactory.create(code="06")
    orgs = [
        OrganisationFactory.create(region=uusimaa if n < 6 else pirkanmaa, population=5000 if n % 2 else 60_000)
        for n in range(9)
    ]
    target, others = orgs[0], orgs[1:]
    network = NetworkFactory.create(coordinator=others[0])
    for org in (target, others[0], others[2]):
        NetworkMembership.objects.get_or_create(network=network, organisation=org)
    events: list[Event] = []
    roots = {}
    for key, owner, year in (("a", others[0], 2012), ("b", others[1], 2014), ("c", others[6], 2015)):
        roots[key] = InnovationFactory.create(owner=owner, introduced_on=datetime.date(year, 1, 1))
        events.append(Event(str(owner.pk), str(roots[key].pk), year))
    roots["own"] = InnovationFactory.create(owner=target, introduced_on=datetime.date(2016, 1, 1))
    events.append(Event(str(target.pk), str(roots["own"].pk), 2016))
    for n, org in enumerate(others[1:6]):
        adopt(roots["a"], org, 2015 + n, events)
    for n, org in enumerate(others[0:5]):
        if org != others[1]:
            adopt(roots["b"], org, 2017 + n % 3, events)
    for org in others[3:6]:
        adopt(roots["c"], org, 2020, events)
    adopt(roots["own"], others[2], 2021, events)
    adopt(roots["a"], target, 2019, events)
    draft = InnovationFactory.create(owner=others[4], status=Status.DRAFT, introduced_on=datetime.date(2018, 1, 1))
    draft_adopted = InnovationFactory.create(owner=others[5], introduced_on=datetime.date(2013, 1, 1))
    events.append(Event(str(others[5].pk), str(draft_adopted.pk), 2013))
    for org in others[:5]:
        adopt(draft_adopted, org, 2018, events, publish=False)  # drafts of the adopters: never counted
    services.recompute_registry()
    return Registry(target, others, roots, draft, draft_adopted, events)


def direct_model(registry: Registry) -> Recommender:
    """The recommender fitted directly on the events the test made (not on what the services read)."""
    organisations = Organisation.objects.values_list("pk", "region__code", "size_class")
    features = OrganisationFeatures(
        region_of={str(pk): region for pk, region, _size in organisations if region},
        size_class_of={str(pk): size for pk, _region, size in organisations if size},
        networks_of={str(m.organisation_id): [str(m.network_id)] for m in NetworkMembership.objects.all()},
    )
    return fit_recommender(registry.events, features=features, now_year=timezone.localdate().year)


def test_stored_lists_are_a_direct_call_on_the_same_events(registry: Registry) -> None:
    model = direct_model(registry)
    for org in Organisation.objects.all():
        stored = OrganisationRecommendations.objects.get(organisation=org).items
        expected = model.for_organisation(str(org.pk), 10)
        assert [item["innovation"] for item in stored] == [int(r.innovation) for r in expected]
        assert [item["score"] for item in stored] == pytest.approx([r.score for r in expected])
        assert [item["reason"]["adopters_same_region"] for item in stored] == [
            r.reason.adopters_same_region for r in expected
        ]
    for key, root in registry.roots.items():
        row = FamilySuggestions.objects.get(root=root)
        assert [a["innovation"] for a in row.also_adopted] == [
            int(a.innovation) for a in model.also_adopted(str(root.pk), 5)
        ], key
        assert [a["organisation"] for a in row.likely_next] == [
            int(a.organisation) for a in model.likely_next(str(root.pk), 10)
        ], key
    # Non-trivial: the target is offered b and c (and the draft-adopted one), not a (adopted) nor its own.
    offered = {
        item["innovation"] for item in OrganisationRecommendations.objects.get(organisation=registry.target).items
    }
    assert {registry.roots["b"].pk, registry.roots["c"].pk} <= offered


def test_adopted_own_and_drafts_never_suggested(registry: Registry, client: Client) -> None:
    for org in Organisation.objects.all():
        items = OrganisationRecommendations.objects.get(organisation=org).items
        mine = {
            e.innovation for e in registry.events if e.organisation == str(org.pk)
        }  # adopted or own published records
        assert not {str(item["innovation"]) for item in items} & mine
        assert registry.draft.pk not in {item["innovation"] for item in items}
        assert registry.draft.pk not in {item["reason"]["because_of"] for item in items}
    # The drafts adopting draft_adopted count for nothing: one adopter, its owner.
    row = FamilySuggestions.objects.get(root=registry.draft_adopted)
    assert {o["organisation"] for o in row.likely_next} >= {o.pk for o in registry.others[:5]}
    assert not FamilySuggestions.objects.filter(root=registry.draft).exists()
    for row in FamilySuggestions.objects.all():
        assert registry.draft.pk not in {a["innovation"] for a in row.also_adopted}
    # Unpublished after the computation: gone from the page and the API before the next one.
    Innovation.objects.filter(pk=registry.roots["b"].pk).update(status=Status.DRAFT)
    body = client.get(f"{API}/organisations/{registry.target.pk}/recommendations").json()
    assert registry.roots["b"].pk not in {item["innovation"]["id"] for item in body["items"]}
    assert body["items"]
    page = client.get(registry.target.get_absolute_url()).content.decode()
    assert registry.roots["b"].get_absolute_url() not in page
    assert registry.roots["c"].get_absolute_url() in page


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fi", "on ottanut sen käyttöön"),
        ("sv", "Infört av"),
        ("en", "Adopted by"),
    ],
)
def test_reasons_in_words_in_every_language(registry: Registry, client: Client, language: str, words: str) -> None:
    suggested = selectors.organisation_recommendations(registry.target.pk)
    assert suggested
    with translation.override(language):
        texts = [pages.reason_text(s) for s in suggested]
        assert all(words in text for text in texts)
        example = next(s for s in suggested if s.example_adopter is not None)
        # The example adopter's name in this language, with its year.
        assert getattr(example.example_adopter, f"name_{language}") in pages.reason_text(example)
        assert str(example.item["reason"]["example_year"]) in pages.reason_text(example)
        organisation_page = registry.target.get_absolute_url()
        family_page = reverse("diffusion:family", kwargs={"pk": registry.roots["b"].pk})
        first = suggested[0].innovation
        assert first is not None
        title, link = getattr(first, f"title_{language}"), first.get_absolute_url()
    body = client.get(organisation_page).content.decode()
    assert words in body
    assert f'<a href="{link}">{title}</a>' in body  # linked, its title in this language
    assert words in client.get(family_page).content.decode()


def test_counts_use_ngettext(registry: Registry) -> None:
    suggested = selectors.organisation_recommendations(registry.target.pk)
    assert suggested
    one = selectors.Suggested(suggested[0].innovation, None, {"reason": {"adopters": 1}, "innovation": 0}, None, None)
    with translation.override("en"):
        assert pages.reason_text(one) == "Adopted by 1 organisation."
    with translation.override("fi"):
        assert pages.reason_text(one) == "1 organisaatio on ottanut sen käyttöön."
    with translation.override("sv"):
        assert pages.reason_text(one) == "Infört av 1 organisation."


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_the_lists(registry: Registry, client: Client) -> None:
    org_url = f"{API}/organisations/{registry.target.pk}/recommendations"
    family_url = f"{API}/families/{registry.roots['a'].pk}/likely-adopters"
    page = registry.target.get_absolute_url()
    diffusion_page = reverse("diffusion:family", kwargs={"pk": registry.roots["a"].pk})
    before = [queries(client, u) for u in (org_url, family_url, page, diffusion_page)]
    lengths = len(client.get(org_url).json()["items"]), len(client.get(family_url).json()["items"])
    for n in range(4):
        root = InnovationFactory.create(owner=registry.others[n + 2], introduced_on=datetime.date(2010 + n, 1, 1))
        for org in registry.others[n : n + 3]:
            if org != root.owner:
                adopt(root, org, 2022, registry.events)
    for _n in range(3):
        OrganisationFactory.create()
    services.recompute_registry()
    after = [queries(client, u) for u in (org_url, family_url, page, diffusion_page)]
    assert (len(client.get(org_url).json()["items"]), len(client.get(family_url).json()["items"])) > lengths
    assert after == before


def test_api_lists_and_bad_ids(registry: Registry, client: Client) -> None:
    body = client.get(f"{API}/organisations/{registry.target.pk}/recommendations").json()
    assert body["status"] == "current"
    stored = OrganisationRecommendations.objects.get(organisation=registry.target).items
    assert [item["innovation"]["id"] for item in body["items"]] == [item["innovation"] for item in stored]
    assert all(item["text"] for item in body["items"])
    also = client.get(f"{API}/families/{registry.roots['a'].pk}/also-adopted").json()
    assert [a["innovation"]["id"] for a in also["items"]] == [
        a["innovation"] for a in FamilySuggestions.objects.get(root=registry.roots["a"]).also_adopted
    ]
    assert also["items"]
    # Any member of the family gives the family's lists.
    member = Innovation.objects.filter(adopted_from__source=registry.roots["a"]).first()
    assert member is not None
    assert client.get(f"{API}/families/{member.pk}/also-adopted").json()["root"] == registry.roots["a"].pk
    missing = Innovation.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    for url in (
        f"{API}/organisations/{missing}/recommendations",
        f"{API}/families/{missing}/also-adopted",
        f"{API}/families/{missing}/likely-adopters",
        f"{API}/families/{registry.draft.pk}/also-adopted",  # a draft: not visible, in no family
        f"{API}/families/{registry.draft.pk}/likely-adopters",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"{API}/organisations/abc/recommendations").status_code in (404, 422)
