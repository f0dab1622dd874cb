"""Lineage nobody recorded, in the product: suggested sources stored by the registry recomputation exactly as an
independent direct call of the maths (join_unsourced, infer_ties, a conditional logit fitted by scipy) gives them; drafts never
used as sources nor shown; shown only to the record's editors (page and API, per role); confirm makes the normal
lineage proposal through innovations.services; a dismissed suggestion never comes back."""

import datetime
import math
from typing import Any, NamedTuple

import numpy as np
import pytest
from django.urls import reverse
from scipy.optimize import minimize

from accounts.models import Role
from diffusion import selectors, services
from diffusion.maths.inference import default_rate, infer_ties
from diffusion.maths.unrecorded import join_unsourced, network_candidates
from diffusion.models import SourceSuggestion, SuggestionState
from innovations.models import Adoption, Innovation, LineageProposal, Partnership, ProposalState
from innovations.vocabulary import Novelty, Status
from organisations.models import NetworkMembership, Organisation
from tests.factories import AdoptionFactory, InnovationFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.pages import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1/diffusion"
TITLE = ("Kotihoidon etäkäynnit kuvapuhelimella", "Distansbesök i hemvården", "Remote home care visits")


class Scenario(NamedTuple):
    root: Innovation
    adopters: list[Organisation]
    record: Innovation  # org_a's own record: adapted, no recorded source
    draft: Innovation  # a similar earlier draft of another organisation


def titled(suffix: str) -> dict[str, str]:
    return {f"title_{lang}": f"{t} {suffix}".strip() for lang, t in zip(("fi", "sv", "en"), TITLE, strict=True)}


@pytest.fixture
def scenario(org_a: Organisation, editor_a: Any) -> Scenario:
    origin = OrganisationFactory.create()
    root = InnovationFactory.create(owner=origin, introduced_on=datetime.date(2014, 2, 1), **titled(""))
    # Each in a region of its own, but the second in org_a's region.
    adopters = [OrganisationFactory.create(**({"region": org_a.region} if n == 1 else {})) for n in range(4)]
    for n, org in enumerate(adopters):
        AdoptionFactory.create(source=root, adopter=org, adopted_on=datetime.date(2015 + n, 3, 1))
    draft = InnovationFactory.create(
        owner=OrganisationFactory.create(),
        status=Status.DRAFT,
        introduced_on=datetime.date(2019, 12, 1),
        **titled("luonnos"),
    )
    record = InnovationFactory.create(
        owner=org_a, novelty=Novelty.ADAPTED, introduced_on=datetime.date(2020, 1, 15), **titled("– Kunta A")
    )
    # Something unrelated: never joined to the family.
    InnovationFactory.create(owner=org_a, novelty=Novelty.COPIED, introduced_on=datetime.date(2021, 1, 1))
    services.recompute_registry()
    return Scenario(root, adopters, record, draft)


def direct(adoptions: list[selectors.RegistryAdoption]) -> dict[int, list[int]]:
    """The maths called directly on the same records, independently of the services and of `source_choice`: the
    relations read here (region, shared network, partners), the candidate features written out, the conditional
    logit fitted by scipy's BFGS on the recorded lineage, and the ranking P(family) x P(source | family)."""
    records = selectors.inference_records(adoptions)
    joined = join_unsourced(records)
    region = dict(Organisation.objects.values_list("pk", "region_id"))
    networks: dict[int, set[int]] = {}
    for org, network in NetworkMembership.objects.values_list("organisation_id", "network_id"):
        networks.setdefault(org, set()).add(network)
    partners = {frozenset(p) for p in Partnership.objects.values_list("innovation__owner_id", "organisation_id")}

    def related(u: str, v: str) -> bool:
        a, b = int(u), int(v)
        same = region[a] is not None and region[a] == region[b]
        return same or bool(networks.get(a, set()) & networks.get(b, set())) or frozenset((a, b)) in partners

    slots = sum(len(t) - 1 for t in joined.cascades.values() if len(t) > 1)
    ties = infer_ties(
        joined.cascades,
        k=min(services.SOURCE_TIES, 2 * slots),
        candidates=network_candidates(joined.cascades, related),
    )
    tied = {(t.source, t.target) for t in ties}
    rate = default_rate(joined.cascades)
    family: dict[int, dict[int, float]] = {}  # recorded families only: family -> {organisation: earliest time}
    for r in records:
        times = family.setdefault(r.family, {})
        times[r.organisation] = min(times.get(r.organisation, r.time), r.time)

    def options(fam: int, org: int, time: float) -> list[tuple[int, float, list[float]]]:
        times = family[fam]
        out = []
        for u, t in sorted(times.items(), key=lambda item: (item[1], item[0])):
            if t < time and u != org:
                a, b = region[org], region[u]
                out.append(
                    (
                        u,
                        time - t,
                        [
                            math.log(rate) - rate * (time - t),
                            float(t == min(times.values())),
                            float(a is not None and a == b),
                            float(bool(networks.get(org, set()) & networks.get(u, set()))),
                            float(frozenset((org, u)) in partners),
                            float((str(u), str(org)) in tied),
                        ],
                    )
                )
        return out

    by_id = {r.id: r for r in records}
    training = []
    for a in adoptions:
        if a.source_organisation is None:
            continue
        r = by_id[a.innovation]
        found = options(r.family, r.organisation, r.time)
        names = [u for u, _d, _x in found]
        if len(found) > 1 and a.source_organisation in names:
            training.append((np.asarray([x for _u, _d, x in found]), names.index(a.source_organisation)))

    def minus_loglik(w: np.ndarray) -> float:
        total = 0.5 * 1e-2 * float(w @ w)
        for x, chosen in training:
            u = x @ w
            total -= u[chosen] - (u.max() + np.log(np.exp(u - u.max()).sum()))
        return total

    weights = minimize(minus_loglik, np.zeros(6), method="BFGS", options={"gtol": 1e-8}).x
    result: dict[int, list[int]] = {}
    for record_id, families in joined.joined.items():
        r = by_id[record_id]
        shares = [max(joined.similarity[(record_id, f)], 1e-9) ** 25 for f in families]
        scored: dict[int, tuple[float, float]] = {}
        for f, share in zip(families, shares, strict=True):
            found = options(int(f), r.organisation, r.time)
            if not found:
                continue
            u = np.asarray([x for _u, _d, x in found]) @ weights
            p = np.exp(u - u.max()) / np.exp(u - u.max()).sum() * share / sum(shares)
            for (org, delay, _x), prob in zip(found, p, strict=True):
                source = min(
                    (s for s in records if s.family == int(f) and s.organisation == org), key=lambda s: (s.time, s.id)
                )
                scored.setdefault(source.id, (float(prob), delay))
        ranked = sorted(scored, key=lambda s: (-scored[s][0], scored[s][1], s))[: services.SOURCES_KEPT]
        if ranked:
            result[record_id] = ranked
    return result


def test_stored_suggestions_equal_the_maths_and_skip_drafts(scenario: Scenario) -> None:
    stored: dict[int, list[int]] = {}
    for row in SourceSuggestion.objects.order_by("-score", "pk"):
        stored.setdefault(row.record_id, []).append(row.source_id)
    assert stored == direct(selectors.registry_adoptions())
    assert scenario.record.pk in stored
    sources = stored[scenario.record.pk]
    family = {scenario.root.pk, *Adoption.objects.filter(source=scenario.root).values_list("result_id", flat=True)}
    assert set(sources) <= family
    # Every recorded adopter learned from the original, so the choice model puts it first; of the others, the one
    # in org_a's region (2016) comes next, before the adopters with no relation to org_a.
    neighbour = Adoption.objects.get(source=scenario.root, result__owner=scenario.adopters[1]).result_id
    assert sources[:2] == [scenario.root.pk, neighbour]
    assert len(sources) == services.SOURCES_KEPT
    first = SourceSuggestion.objects.get(record=scenario.record, source=scenario.root)
    assert first.reason["first"] is True
    assert first.reason["same_region"] is False
    row = SourceSuggestion.objects.get(record=scenario.record, source_id=neighbour)
    assert row.reason["same_region"] is True
    assert row.reason["first"] is False
    assert row.reason["source_date"] == "2016-03-01"
    assert 0 < row.score < first.score < 1
    assert scenario.draft.pk not in {s for rows in stored.values() for s in rows}
    assert not SourceSuggestion.objects.filter(record__status=Status.DRAFT).exists()


def test_the_cascade_joins_the_unsourced_record_to_the_similar_family(scenario: Scenario) -> None:
    records = selectors.inference_records(selectors.registry_adoptions())
    joined = join_unsourced(records)
    assert joined.joined[scenario.record.pk] == [str(scenario.root.pk)]
    cascade = joined.cascades[str(scenario.root.pk)]
    assert cascade[str(scenario.record.owner_id)] == selectors.years(datetime.date(2020, 1, 15))
    assert str(scenario.draft.owner_id) not in {o for t in joined.cascades.values() for o in t}


def test_a_draft_record_gets_no_suggestion_and_an_unpublished_source_is_not_shown(
    scenario: Scenario, editor_a: Any
) -> None:
    suggestion = SourceSuggestion.objects.filter(record=scenario.record).first()
    assert suggestion is not None
    Innovation.objects.filter(pk=suggestion.source_id).update(status=Status.DRAFT)
    assert suggestion not in selectors.source_suggestions_visible(user=editor_a)
    Innovation.objects.filter(pk=suggestion.source_id).update(status=Status.PUBLISHED)
    assert suggestion in selectors.source_suggestions_visible(user=editor_a)
    Innovation.objects.filter(pk=scenario.record.pk).update(novelty=Novelty.NEW)  # "entirely new" after all
    assert suggestion not in selectors.source_suggestions_visible(user=editor_a)
    Innovation.objects.filter(pk=scenario.record.pk).update(novelty=Novelty.ADAPTED, status=Status.DRAFT)
    services.recompute_registry()
    assert not SourceSuggestion.objects.filter(record=scenario.record).exists()


def _users(org_a: Organisation, editor_a: Any, admin_a: Any, editor_b: Any, platform_admin: Any) -> dict[str, Any]:
    return {
        "anonymous": None,
        "registered": UserFactory(),
        "staff_a": MembershipFactory(organisation=org_a, role=Role.STAFF).user,
        "editor_b": editor_b,
        "editor_a": editor_a,
        "admin_a": admin_a,
        "platform_admin": platform_admin,
    }


MAY = {"editor_a", "admin_a", "platform_admin"}


def test_only_the_records_editors_see_the_suggestions(
    scenario: Scenario, org_a: Any, editor_a: Any, admin_a: Any, editor_b: Any, platform_admin: Any
) -> None:
    suggestion = SourceSuggestion.objects.filter(record=scenario.record).first()
    assert suggestion is not None
    source_title = suggestion.source.title
    for name, user in _users(org_a, editor_a, admin_a, editor_b, platform_admin).items():
        client = client_for(user)
        html = client.get(reverse("innovations:detail", kwargs={"pk": scenario.record.pk})).content.decode()
        assert ("source-suggestions-title" in html) == (name in MAY), name
        assert (reverse("diffusion:source_suggestion_dismiss", kwargs={"pk": suggestion.pk}) in html) == (
            name in MAY
        ), name
        api = client.get(f"{API}/innovations/{scenario.record.pk}/source-suggestions")
        if name in MAY:
            assert api.status_code == 200, name
            assert next(item["source"]["id"] for item in api.json()["items"]) == suggestion.source_id
            assert api.json()["items"][0]["text"]
            assert api.json()["items"][0]["score"] == pytest.approx(suggestion.score)
        else:
            assert api.status_code in (401, 403, 404), name
            assert source_title not in api.content.decode()


@pytest.mark.parametrize("action", ["confirm", "dismiss"])
def test_others_cannot_confirm_or_dismiss(
    scenario: Scenario, org_a: Any, editor_a: Any, admin_a: Any, editor_b: Any, platform_admin: Any, action: str
) -> None:
    suggestion = SourceSuggestion.objects.filter(record=scenario.record).first()
    assert suggestion is not None
    for name, user in _users(org_a, editor_a, admin_a, editor_b, platform_admin).items():
        if name in MAY:
            continue
        client = client_for(user)
        page = client.post(reverse(f"diffusion:source_suggestion_{action}", kwargs={"pk": suggestion.pk}))
        assert page.status_code in (302, 404), name
        if page.status_code == 302:
            assert "/login" in page["Location"] or "kirjaudu" in page["Location"], name
        api = client.post(f"{API}/source-suggestions/{suggestion.pk}/{action}")
        assert api.status_code in (401, 403, 404), name
        suggestion.refresh_from_db()
        assert suggestion.state == SuggestionState.OPEN
    assert not LineageProposal.objects.exists()


@pytest.mark.parametrize("who", sorted(MAY))
def test_confirm_makes_the_lineage_proposal_through_the_service(
    scenario: Scenario, who: str, org_a: Any, editor_a: Any, admin_a: Any, editor_b: Any, platform_admin: Any
) -> None:
    user = _users(org_a, editor_a, admin_a, editor_b, platform_admin)[who]
    suggestion = SourceSuggestion.objects.filter(record=scenario.record).first()
    assert suggestion is not None
    response = client_for(user).post(reverse("diffusion:source_suggestion_confirm", kwargs={"pk": suggestion.pk}))
    assert response.status_code == 302
    proposal = LineageProposal.objects.get()
    assert (proposal.result_id, proposal.source_id, proposal.state) == (
        scenario.record.pk,
        suggestion.source_id,
        ProposalState.PENDING,
    )
    assert proposal.mode == Novelty.ADAPTED
    assert proposal.proposed_by == user
    assert not Adoption.objects.filter(result=scenario.record).exists()  # lineage only once the owner confirms
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.CONFIRMED
    assert suggestion.decided_by == user
    # While the proposal waits, no suggestions are shown on the page.
    html = client_for(user).get(reverse("innovations:detail", kwargs={"pk": scenario.record.pk})).content.decode()
    assert "source-suggestions-title" not in html


def test_confirm_by_api(scenario: Scenario, editor_a: Any) -> None:
    suggestion = SourceSuggestion.objects.filter(record=scenario.record).first()
    assert suggestion is not None
    response = client_for(editor_a).post(f"{API}/source-suggestions/{suggestion.pk}/confirm")
    assert response.status_code == 201, response.content
    assert response.json()["source"]["id"] == suggestion.source_id
    assert response.json()["state"] == "pending"
    again = client_for(editor_a).post(f"{API}/source-suggestions/{suggestion.pk}/confirm")
    assert again.status_code == 404


def test_a_recomputation_keeps_the_open_suggestions_ids(scenario: Scenario) -> None:
    before = set(SourceSuggestion.objects.values_list("pk", "record_id", "source_id"))
    assert before
    services.recompute_registry()
    assert set(SourceSuggestion.objects.values_list("pk", "record_id", "source_id")) == before


def test_a_dismissed_suggestion_never_comes_back(scenario: Scenario, editor_a: Any) -> None:
    suggestion = SourceSuggestion.objects.filter(record=scenario.record).first()
    assert suggestion is not None
    response = client_for(editor_a).post(f"{API}/source-suggestions/{suggestion.pk}/dismiss")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "dismissed"
    for _ in range(2):
        services.recompute_registry()
        assert SourceSuggestion.objects.get(pk=suggestion.pk).state == SuggestionState.DISMISSED
        assert not SourceSuggestion.objects.filter(
            record=scenario.record, source_id=suggestion.source_id, state=SuggestionState.OPEN
        ).exists()
    listed = client_for(editor_a).get(f"{API}/innovations/{scenario.record.pk}/source-suggestions").json()
    assert suggestion.source_id not in [item["source"]["id"] for item in listed["items"]]


def test_dismiss_on_the_page(scenario: Scenario, admin_a: Any) -> None:
    suggestion = SourceSuggestion.objects.filter(record=scenario.record).first()
    assert suggestion is not None
    client = client_for(admin_a)
    response = client.post(reverse("diffusion:source_suggestion_dismiss", kwargs={"pk": suggestion.pk}))
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.DISMISSED
    assert client.get(reverse("diffusion:source_suggestion_dismiss", kwargs={"pk": suggestion.pk})).status_code == 405
    assert not LineageProposal.objects.exists()


def test_bad_ids(editor_a: Any, scenario: Scenario) -> None:
    client = client_for(editor_a)
    assert client.post(f"{API}/source-suggestions/999999/dismiss").status_code == 404
    assert client.get(f"{API}/innovations/999999/source-suggestions").status_code == 404
    assert client.post(reverse("diffusion:source_suggestion_confirm", kwargs={"pk": 999999})).status_code == 404


def test_the_reason_says_the_original_and_the_estimated_chance(scenario: Scenario, editor_a: Any) -> None:
    suggestion = SourceSuggestion.objects.get(record=scenario.record, source=scenario.root)
    client = client_for(editor_a)
    items = client.get(f"{API}/innovations/{scenario.record.pk}/source-suggestions", HTTP_ACCEPT_LANGUAGE="en").json()
    text = next(item["text"] for item in items["items"] if item["id"] == suggestion.pk)
    assert "It was the first in the registry to take it into use." in text
    assert text[-1].startswith("Weighing these as the sources recorded in the registry do, the estimated chance")
    assert text[-1].endswith(f"{round(100 * suggestion.score)}%.")


def test_with_no_recorded_choice_to_learn_from_the_original_comes_first(org_a: Organisation) -> None:
    """One recorded adoption with a single earlier adopter says nothing about how adopters choose: no weights are
    fitted and the family's original is suggested first, as the baseline would."""
    root = InnovationFactory.create(
        owner=OrganisationFactory.create(), introduced_on=datetime.date(2014, 2, 1), **titled("")
    )
    later = OrganisationFactory.create(region=org_a.region)
    AdoptionFactory.create(source=root, adopter=later, adopted_on=datetime.date(2018, 3, 1))
    record = InnovationFactory.create(
        owner=org_a, novelty=Novelty.COPIED, introduced_on=datetime.date(2020, 1, 15), **titled("– Kunta A")
    )
    adoptions = selectors.registry_adoptions()
    records = selectors.inference_records(adoptions)
    describe = services.source_describe(services.Relations.read(), [], 1.0)
    recorded = {a.innovation: a.source_organisation for a in adoptions if a.source_organisation is not None}
    assert services.fit_source_choice(records, recorded, describe) is None
    rows = services.source_suggestions_data(adoptions)[record.pk]
    assert rows[0]["source"] == root.pk
    assert rows[0]["reason"]["first"] is True
    assert rows[0]["score"] > rows[1]["score"]
    assert rows[1]["reason"]["same_region"] is True
