"""The demo registry as the recommender's benchmark reads it (`bench.diffusion_recommend.demo_events`): one event
per organisation and family, taken from the plan independently here."""

import pytest

from bench.diffusion_recommend import demo_events
from demo.registry import demo_plan
from organisations.size_classes import size_class

pytestmark = pytest.mark.django_db


def test_demo_events_are_the_plans_families() -> None:
    plan, specs, refs = demo_plan(seed=7, innovations=300)
    registry = demo_events(plan, specs, refs)
    assert registry.families == len(plan.families) > 0
    pairs = [(e.organisation, e.innovation) for e in registry.events]
    assert len(pairs) == len(set(pairs))  # one adoption per organisation and family
    by_family: dict[str, dict[str, int]] = {}
    for event in registry.events:
        by_family.setdefault(event.innovation, {})[event.organisation] = event.year
    for spec in plan.families:
        records = [*plan.adoptions, *plan.unrecorded]  # the few added to cover regions adopt an original directly
        adopters = {r.owner for r in records if (r.family or r.source) == spec.key}
        assert set(by_family[spec.key]) == adopters | {spec.originator}
        assert by_family[spec.key][spec.originator] == spec.start_year
        for record in records:
            if (record.family or record.source) == spec.key and record.adopted_on is not None:
                assert by_family[spec.key][record.owner] <= record.adopted_on.year
    assert all(2008 <= e.year <= 2026 for e in registry.events)
    features = registry.features
    populations = {ref.key: ref.population for ref in refs}
    for organisation, code in features.size_class_of.items():
        assert code == size_class(populations[organisation])
    assert features.networks_of, "the Innokaupungit network has members"
    adopters = {e.organisation for e in registry.events}
    assert sum(o in features.region_of for o in adopters) >= 0.9 * len(adopters)
