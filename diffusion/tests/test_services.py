"""Recomputing the stored figures: what is stored is what a recount and the maths give, drafts change nothing, a
write during a recomputation is not lost, and the figures are computed after the response, not on the page."""

import datetime
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from diffusion import selectors, services
from diffusion.maths.bass import fit_bass
from diffusion.models import FamilyFigures, RegistryFigures
from innovations.models import Innovation
from innovations.vocabulary import Novelty, Status
from organisations.models import Organisation, OrganisationKind
from tests.factories import AdoptionFactory, InnovationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def grow(root: Innovation, years: list[int], *, publish: bool = True) -> list[Innovation]:
    """One adopting municipality a year in `years`, each adopting from the previous record (a chain)."""
    made, parent = [], root
    for year in years:
        parent = AdoptionFactory.create(source=parent, adopted_on=datetime.date(year, 6, 1), publish=publish).result
        made.append(parent)
    return made


@pytest.fixture
def family_root() -> Innovation:
    root = InnovationFactory.create(introduced_on=datetime.date(2012, 2, 1))
    grow(root, [2013, 2014, 2014, 2015, 2015, 2015, 2016, 2016, 2016, 2016, 2017, 2017, 2018])
    return root


def test_stored_curve_is_a_recount_and_the_fit_is_the_maths(family_root: Innovation) -> None:
    assert services.recompute_stale() >= 1
    figures = FamilyFigures.objects.get(root_id=family_root.pk)
    assert not figures.stale
    assert figures.computed
    # The independent recount: years of the family's records, straight from the tables.
    assert family_root.introduced_on is not None
    years = [family_root.introduced_on.year] + [
        r.adopted_from.adopted_on.year
        for r in Innovation.objects.filter(status=Status.PUBLISHED, adopted_from__isnull=False)
    ]
    counted = Counter(years)
    curve = figures.data["curve"]
    assert curve["years"] == list(range(2012, 2019))
    assert curve["adopters"] == [counted[y] for y in range(2012, 2019)]
    assert curve["cumulative"][-1] == len(years) == figures.adopters == figures.members == 14
    population = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).count()
    assert figures.data["population"] == population
    fit = fit_bass(years, population=population)
    assert figures.data["fit"]["p"] == pytest.approx(fit.p)
    assert figures.data["fit"]["q"] == pytest.approx(fit.q)
    assert figures.data["flags"] == list(fit.flags)
    counts = figures.data["category_counts"]
    assert sum(counts[c] for c in counts if c != "non_adopter") == 14
    assert counts["non_adopter"] == population - 14
    assert counts["innovator"] >= 1  # the original's owner, two years before anyone else


def test_non_roots_rows_are_removed_and_every_root_has_figures(family_root: Innovation) -> None:
    services.recompute_stale()
    assert list(FamilyFigures.objects.values_list("root_id", flat=True)) == [family_root.pk]


def test_a_draft_adoption_changes_no_figure(family_root: Innovation) -> None:
    attackers = OrganisationFactory.create_batch(3)  # before the figures: the population is what it is
    services.recompute_stale()
    before = FamilyFigures.objects.get(root_id=family_root.pk).data
    last = Innovation.objects.filter(status=Status.PUBLISHED).order_by("-pk").first()
    assert last is not None
    for attacker, year in zip(attackers, (2019, 2019, 2020), strict=True):  # drafts, late in the curve
        AdoptionFactory.create(source=last, adopter=attacker, adopted_on=datetime.date(year, 1, 1), publish=False)
    services.recompute_stale()
    after = FamilyFigures.objects.get(root_id=family_root.pk)
    assert after.data == before
    assert after.members == 14
    registry = selectors.registry_adoptions()
    assert all(r.innovation in {i.pk for i in Innovation.objects.filter(status=Status.PUBLISHED)} for r in registry)


def test_a_write_during_a_recomputation_is_not_lost(family_root: Innovation, monkeypatch: Any) -> None:
    original = services.family_data

    def with_a_write_in_between(family: selectors.Family) -> dict[str, Any]:
        data = original(family)
        AdoptionFactory.create(source=family_root, adopted_on=datetime.date(2019, 1, 1))
        return data

    monkeypatch.setattr(services, "family_data", with_a_write_in_between)
    assert services.recompute_family(family_root.pk) is False
    assert FamilyFigures.objects.get(root_id=family_root.pk).stale
    monkeypatch.setattr(services, "family_data", original)
    assert services.recompute_family(family_root.pk) is True
    assert FamilyFigures.objects.get(root_id=family_root.pk).members == 15


def test_too_few_adopters_are_flagged_not_fitted() -> None:
    root = InnovationFactory.create(introduced_on=datetime.date(2020, 1, 1))
    grow(root, [2021])
    services.recompute_stale()
    figures = FamilyFigures.objects.get(root_id=root.pk).data
    assert "too_few" in figures["flags"]
    assert figures["curve"]["adopters"] == [1, 1]


def test_after_a_write_in_a_request_the_figures_are_computed_after_the_response(
    client: Any, django_capture_on_commit_callbacks: Any, editor_a: Any, org_a: Organisation
) -> None:
    source = InnovationFactory.create(introduced_on=datetime.date(2018, 1, 1))
    FamilyFigures.objects.update(stale=False)
    client.force_login(editor_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("innovations:adopt", kwargs={"pk": source.pk}),
            {"adopter": org_a.pk, "mode": Novelty.ADAPTED, "adopted_on": "2020-05-01", "publish": "on"},
        )
    assert response.status_code in (200, 302)
    figures = FamilyFigures.objects.get(root_id=source.pk)
    assert not figures.stale
    assert figures.adopters == 2
    assert RegistryFigures.objects.get(pk=1).data["records"] == 2


def test_the_command_computes_what_a_bulk_load_left_without_figures(family_root: Innovation) -> None:
    FamilyFigures.objects.all().delete()
    other = Innovation.objects.create(owner=OrganisationFactory.create(), title="Bulk", status=Status.PUBLISHED)
    call_command("recompute_diffusion", stdout=None)
    assert set(FamilyFigures.objects.filter(stale=False).values_list("root_id", flat=True)) == {
        family_root.pk,
        other.pk,
    }
    registry = RegistryFigures.objects.get(pk=1)
    assert registry.registry_version == selectors.state_version()
    assert sum(registry.data["trends"]["adapted"]) == 13
    assert sum(registry.data["trends"]["new"]) == 2


def test_a_large_registry_is_left_to_cron_after_a_response(family_root: Innovation, monkeypatch: Any) -> None:
    services.recompute_registry()
    version = RegistryFigures.objects.get(pk=1).registry_version
    RegistryFigures.objects.update(computed_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    AdoptionFactory.create(source=family_root, adopted_on=datetime.date(2019, 1, 1))  # stale now
    monkeypatch.setattr(services, "REGISTRY_AFTER_RESPONSE_LIMIT", 5)
    services.recompute_soon()
    assert RegistryFigures.objects.get(pk=1).registry_version == version  # left for cron
    monkeypatch.setattr(services, "REGISTRY_AFTER_RESPONSE_LIMIT", 1000)
    services.recompute_soon()
    assert RegistryFigures.objects.get(pk=1).registry_version == selectors.state_version()


def test_the_event_history_models_are_left_to_cron_after_a_response(family_root: Innovation, monkeypatch: Any) -> None:
    """Refitting every model takes seconds: a web worker recomputes the registry-wide figures without them, the
    models stay stale until the command refits them, and a command with nothing stale does not refit them."""
    fits: list[int] = []
    real = services.event_history_data

    def counted(*args: Any, **kwargs: Any) -> Any:
        fits.append(1)
        return {("theme", "planted"): {"families": 1, "effects": [], "flags": []}} | real(*args, **kwargs)

    monkeypatch.setattr(services, "event_history_data", counted)
    services.recompute_registry()
    assert len(fits) == 1
    assert not services.event_history_is_stale()
    RegistryFigures.objects.update(computed_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    AdoptionFactory.create(source=family_root, adopted_on=datetime.date(2019, 1, 1))
    services.recompute_soon()
    assert RegistryFigures.objects.get(pk=1).registry_version == selectors.state_version()
    assert len(fits) == 1
    assert services.event_history_is_stale()
    call_command("recompute_diffusion", stdout=None)
    assert len(fits) == 2
    assert not services.event_history_is_stale()
    call_command("recompute_diffusion", stdout=None)
    assert len(fits) == 2
