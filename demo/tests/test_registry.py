"""The demo registry: loaded once for the module (inside a transaction rolled back at the end), then checked."""

from collections import Counter
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from PIL import Image
from pytest_django import DjangoDbBlocker

from accounts.dev_provider import DEV_SLUG
from accounts.models import IdentityProvider, Membership, Role, User
from audit.models import ChangeRecord
from core.models import Theme
from demo.registry import (
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DEMO_USERS,
    ILLUSTRATIONS,
    INNOKAUPUNGIT,
    DemoResult,
    demo_counts,
    demo_data_delete,
    demo_data_load,
    demo_plan,
)
from innovations.models import (
    Adoption,
    Classification,
    Innovation,
    InnovationImage,
    LineageProposal,
    Partnership,
    ProposalState,
)
from innovations.selectors import CatalogueFilters, innovation_facets
from innovations.services import innovation_search_document
from innovations.vocabulary import Dimension, InnovationType, Novelty, Stage, Status
from organisations.identifiers import is_valid_business_id
from organisations.models import Network, Organisation, OrganisationKind, Region
from tests.db import kept_for_the_module
from tests.pages import client_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[DemoResult]:
    with kept_for_the_module(django_db_blocker):
        yield demo_data_load()


def test_load_made_the_registry(demo: DemoResult) -> None:
    assert demo.created
    counts = demo.counts
    assert 1800 <= counts["innovations"] <= 2300
    assert 0.9 * counts["innovations"] <= counts["published"] < counts["innovations"]  # some drafts
    assert 1200 <= counts["adoptions"] <= 1900
    assert counts["networks"] == 1
    assert 10 <= counts["themes"] <= 15
    kinds = Counter(Organisation.objects.filter(is_synthetic=True).values_list("kind", flat=True))
    assert 8 <= kinds[OrganisationKind.UNIVERSITY] + kinds[OrganisationKind.UAS] <= 12
    assert 10 <= kinds[OrganisationKind.COMPANY] <= 14
    assert 5 <= kinds[OrganisationKind.MINISTRY] + kinds[OrganisationKind.STATE_AGENCY] <= 8
    assert 5 <= kinds[OrganisationKind.THIRD_SECTOR] <= 8
    assert kinds[OrganisationKind.REGIONAL_COUNCIL] == Region.objects.count() == 19
    assert kinds[OrganisationKind.WELLBEING_COUNTY] == 21
    assert kinds[OrganisationKind.JOINT_AUTHORITY] >= 3


def test_loading_again_changes_nothing(demo: DemoResult) -> None:
    before = demo_counts()
    again = demo_data_load()
    assert not again.created
    assert demo_counts() == before == demo.counts
    assert User.objects.filter(username__in=[user[0] for user in DEMO_USERS]).count() == 5


def test_command_prints_the_log_ins(demo: DemoResult, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_demo_data")
    out = capsys.readouterr().out
    assert "already loaded" in out
    assert IdentityProvider.objects.get(slug=DEV_SLUG).name in out  # sign-in with identification in the demo
    assert DEMO_PASSWORD in out
    for username in [user[0] for user in DEMO_USERS]:
        assert username in out


def test_demo_users_have_their_roles(demo: DemoResult) -> None:
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(DEMO_PASSWORD)
    espoo = Membership.objects.get(user__username="espoo-admin")
    assert (espoo.organisation.name_fi, espoo.role) == ("Espoo", Role.ADMIN)
    tampere = Membership.objects.get(user__username="tampere-editor")
    assert (tampere.organisation.name_fi, tampere.role) == ("Tampere", Role.EDITOR)
    team = Membership.objects.get(user__username="barometer-team")
    assert (team.organisation.name_fi, team.role) == ("Suomen Kuntaliitto", Role.EDITOR)
    resident = User.objects.get(username="resident")
    assert not resident.is_superuser
    assert not resident.memberships.exists()
    assert resident.check_password(DEMO_PASSWORD)


def test_every_synthetic_record_is_flagged(demo: DemoResult) -> None:
    # The test database holds reference data and the demo only: every innovation, network and
    # non-municipal organisation is the demo's.
    assert not Innovation.objects.filter(is_synthetic=False).exists()
    assert not Network.objects.filter(is_synthetic=False).exists()
    assert not Organisation.objects.exclude(kind=OrganisationKind.MUNICIPALITY).filter(is_synthetic=False).exists()
    # Municipalities are real reference data, not synthetic.
    assert not Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY, is_synthetic=True).exists()


def test_every_record_has_finnish_swedish_and_english_texts(demo: DemoResult) -> None:
    for fields in Innovation.objects.values(
        "title_fi",
        "title_sv",
        "title_en",
        "summary_fi",
        "summary_sv",
        "summary_en",
        "description_fi",
        "description_sv",
        "description_en",
    ):
        assert all(fields.values()), fields
    for names in Organisation.objects.filter(is_synthetic=True).values(
        "name_fi", "name_sv", "name_en", "description_fi", "description_en"
    ):
        assert all(names.values()), names
    for theme_names in Theme.objects.values("name_fi", "name_sv", "name_en"):
        assert all(theme_names.values()), theme_names


def test_companies_have_valid_business_ids(demo: DemoResult) -> None:
    ids = Organisation.objects.filter(kind=OrganisationKind.COMPANY).values_list("business_id", flat=True)
    assert ids
    assert all(value and is_valid_business_id(value) for value in ids)


def test_lineage_is_real_and_shaped_like_the_seed(demo: DemoResult) -> None:
    published = Innovation.objects.filter(status=Status.PUBLISHED)
    shares = Counter(published.values_list("novelty", flat=True))
    total = sum(shares.values())
    assert 0.45 <= shares[Novelty.ADAPTED] / total <= 0.65
    assert 0.2 <= shares[Novelty.COPIED] / total <= 0.4
    for adoption in Adoption.objects.select_related("source", "result"):
        assert adoption.result.novelty == adoption.mode
        assert adoption.result.owner_id != adoption.source.owner_id
        assert adoption.source.status == Status.PUBLISHED
        assert adoption.result.introduced_on == adoption.adopted_on
        assert adoption.adopted_on <= timezone.localdate()
    # Chains: some adopters learnt from an earlier adopter, not the original.
    assert Adoption.objects.filter(source__adopted_from__isnull=False).count() >= 20
    # A few originators are adopted by many.
    per_source = Counter(Adoption.objects.values_list("source__owner__name_fi", flat=True))
    assert per_source.most_common(1)[0][1] >= 20
    # The big cities originate most of what spreads (counted by the original at the root of each adoption's
    # lineage), and many learn from them directly.
    source_of = dict(Adoption.objects.values_list("result_id", "source_id"))
    owner = dict(Innovation.objects.values_list("pk", "owner__name_fi"))

    def root(pk: int) -> int:
        while pk in source_of:
            pk = source_of[pk]
        return pk

    by_root = Counter(owner[root(result)] for result in source_of)
    from_big_cities = sum(n for name, n in by_root.items() if name in INNOKAUPUNGIT)
    assert from_big_cities / sum(by_root.values()) >= 0.5
    directly = sum(n for name, n in per_source.items() if name in INNOKAUPUNGIT)
    assert directly / sum(per_source.values()) >= 0.35


def test_network_is_innokaupungit(demo: DemoResult) -> None:
    network = Network.objects.get(slug="innokaupungit")
    assert network.coordinator is not None
    assert network.coordinator.name_fi == "Pirkanmaan liitto"
    assert sorted(network.members.values_list("name_fi", flat=True)) == sorted(INNOKAUPUNGIT)
    assert network.themes.count() >= 3
    assert (network.agreement_start.year, network.agreement_end.year) == (2021, 2027)  # type: ignore[union-attr]


def test_search_documents_and_stage_history_are_as_the_services_make_them(demo: DemoResult) -> None:
    innovations = Innovation.objects.select_related("owner").prefetch_related("themes", "stage_events")
    today = timezone.localdate()
    for innovation in innovations:
        assert innovation.search_document == innovation_search_document(innovation, innovation.themes.all())
        events = list(innovation.stage_events.all())
        assert events
        assert events[-1].stage == innovation.stage
        assert [e.date for e in events] == sorted(e.date for e in events)
        assert events[-1].date <= today
        assert len({e.stage for e in events}) == len(events)


def test_classifications_cover_every_dimension(demo: DemoResult) -> None:
    used = set(Classification.objects.values_list("dimension", flat=True))
    assert used == set(Dimension.values)
    types = Counter(Classification.objects.filter(dimension=Dimension.TYPE).values_list("code", flat=True))
    assert types.most_common(1)[0][0] == InnovationType.SERVICE
    sources = Counter(Classification.objects.filter(dimension=Dimension.IDEA_SOURCE).values_list("code", flat=True))
    assert {"domestic_networks", "own_staff"} <= {code for code, _n in sources.most_common(3)}


def test_every_catalogue_facet_value_has_a_published_innovation(demo: DemoResult) -> None:
    counts = innovation_facets(user=AnonymousUser(), filters=CatalogueFilters())
    expected = {
        "types": set(InnovationType.values),
        "stages": set(Stage.values),
        "novelty": set(Novelty.values),
        "org_kinds": set(OrganisationKind.values),
        "regions": set(Region.objects.values_list("code", flat=True)),
        "themes": set(Theme.objects.values_list("slug", flat=True)),
        "partner_kinds": set(OrganisationKind.values),
    }
    for facet, values in expected.items():
        missing = {value for value in values if not counts[facet].get(value)}
        assert not missing, f"{facet}: {missing}"
    assert Partnership.objects.filter(innovation__status=Status.PUBLISHED).exists()


def test_the_plan_is_deterministic(demo: DemoResult) -> None:
    def summary(seed: int) -> list[tuple[object, ...]]:
        plan, _specs, _refs = demo_plan(seed=seed)
        return [
            (p.key, p.owner, p.concept, p.stage, p.history, p.source, p.novelty)
            for p in [*plan.originals, *plan.adoptions]
        ]

    assert summary(DEFAULT_SEED) == summary(DEFAULT_SEED)
    assert summary(DEFAULT_SEED) != summary(DEFAULT_SEED + 1)


def test_demo_shows_what_adopters_need_and_a_source_waiting_for_confirmation(demo: DemoResult) -> None:
    published = Innovation.objects.filter(is_synthetic=True, status="published")
    with_texts = published.filter(target_group_fi__gt="", resources_fi__gt="", evidence_fi__gt="")
    assert with_texts.count() >= 3
    sample = with_texts.first()
    assert sample is not None
    assert sample.target_group_sv
    assert sample.resources_en
    assert sample.evidence_sv
    proposal = LineageProposal.objects.get(state=ProposalState.PENDING)
    assert proposal.source.owner_id != proposal.result.owner_id
    assert not Adoption.objects.filter(result=proposal.result).exists()


def test_demo_innovations_have_pictures_with_text_alternatives_in_three_languages(demo: DemoResult) -> None:
    images = list(InnovationImage.objects.filter(innovation__is_synthetic=True).select_related("innovation"))
    assert len(images) == ILLUSTRATIONS
    assert len({image.innovation_id for image in images}) == ILLUSTRATIONS  # one each, on different records
    assert {image.innovation.status for image in images} == {Status.PUBLISHED}
    assert len({image.alt_text_en for image in images}) == ILLUSTRATIONS  # different pictures, described apart
    for image in images:
        assert "esittelyaineisto" in (image.alt_text_fi or "")  # flagged demo material, like the records
        assert "demomaterial" in (image.alt_text_sv or "")
        assert "demo material" in (image.alt_text_en or "")
        with image.file.open("rb") as handle:
            picture = Image.open(handle)
            picture.load()
        assert (picture.format, picture.size) == ("JPEG", (image.width, image.height))
        assert not picture.info.get("exif")  # re-encoded by the upload service, as real uploads are
    # Saved through the service: it logged each picture on its innovation.
    logged = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Innovation),
        object_id__in=[image.innovation_id for image in images],
    )
    assert sum(1 for record in logged if "images" in record.changes) == ILLUSTRATIONS


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_innovation_page_shows_the_demo_picture(demo: DemoResult, language: str) -> None:
    image = InnovationImage.objects.filter(innovation__is_synthetic=True).order_by("pk").first()
    assert image is not None
    client = Client()
    with translation.override(language):
        page = client.get(image.innovation.get_absolute_url())
        source = reverse("innovations:image", kwargs={"pk": image.innovation_id, "image_pk": image.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'src="{source}"' in html
    assert f'alt="{escape(getattr(image, f"alt_text_{language}"))}"' in html
    served = client.get(source)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"


def test_delete_removes_the_demo_and_only_the_demo(demo: DemoResult) -> None:
    municipalities = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).count()
    pictures = list(InnovationImage.objects.values_list("file", flat=True))
    assert pictures
    with TestCase.captureOnCommitCallbacks(execute=True):
        demo_data_delete()
    assert not any(default_storage.exists(name) for name in pictures)  # the files went with the rows
    assert not Innovation.objects.exists()
    assert not Organisation.objects.filter(is_synthetic=True).exists()
    assert not Network.objects.exists()
    assert not User.objects.filter(username="espoo-admin").exists()
    assert Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).count() == municipalities


def test_adoption_histories_span_2008_to_2026_with_bursts_s_curves_and_unrecorded_lineage(demo: DemoResult) -> None:
    """The diffusion process's shapes, seen in the registry itself (families followed through the lineage)."""
    rows = list(Adoption.objects.values_list("result_id", "source_id", "adopted_on"))
    source_of = {result: source for result, source, _on in rows}
    years = [on.year for _r, _s, on in rows]
    assert min(years) <= 2010
    assert max(years) >= 2025

    def root(pk: int) -> int:
        while pk in source_of:
            pk = source_of[pk]
        return pk

    families: dict[int, Counter[int]] = {}
    for result, _source, on in rows:
        families.setdefault(root(result), Counter())[on.year] += 1
    big = {key: per_year for key, per_year in families.items() if sum(per_year.values()) >= 30}
    assert len(big) >= 5
    shares = {key: max(per_year.values()) / sum(per_year.values()) for key, per_year in big.items()}
    assert max(shares.values()) > 0.5  # a burst: most adoptions in one year
    # S-curves: most big families peak strictly inside their span, with no year above a third of the adoptions.
    gradual = [
        key
        for key, per_year in big.items()
        if shares[key] < 0.34 and min(per_year) < max(per_year, key=per_year.__getitem__) < max(per_year)
    ]
    assert len(gradual) >= len(big) // 2
    # The wellbeing services counties exist from 2023: they take nothing into use before.
    counties = Innovation.objects.filter(owner__kind=OrganisationKind.WELLBEING_COUNTY)
    assert not counties.filter(introduced_on__year__lt=2023).exists()
    assert Adoption.objects.filter(result__owner__kind=OrganisationKind.WELLBEING_COUNTY).exists()
    # Lineage nobody recorded: the same concept taken into use in several organisations without an adoption row.
    unrecorded = Counter(
        Innovation.objects.filter(adopted_from__isnull=True, novelty__in=[Novelty.ADAPTED, Novelty.NEW])
        .exclude(introduced_on=None)
        .values_list("title_en", flat=True)
        .iterator()
    )
    concepts = Counter(title.split(" – ")[0] for title in unrecorded.elements())
    assert concepts.most_common(1)[0][1] >= 10
    # Partners in the same family: an adopter's record names an earlier adopter of the family as its partner.
    result_owner = dict(Innovation.objects.filter(pk__in=source_of).values_list("pk", "owner_id"))
    family_owners: dict[int, set[int]] = {}
    for result in source_of:
        family_owners.setdefault(root(result), set()).add(result_owner[result])
    shared = sum(
        1
        for innovation_id, organisation_id in Partnership.objects.filter(innovation_id__in=source_of).values_list(
            "innovation_id", "organisation_id"
        )
        if organisation_id in family_owners[root(innovation_id)]
    )
    assert shared >= 100


def test_demo_offers_suggested_sources_to_the_espoo_administrator(demo: DemoResult) -> None:
    """Lineage nobody recorded: after the registry recomputation, Espoo's administrator sees "You may have learned
    this from…" on an Espoo record that says it was adapted or copied but has no recorded source."""
    from diffusion import selectors, services

    services.recompute_registry()
    user = User.objects.get(username="espoo-admin")
    open_ones = selectors.source_suggestions_visible(user=user).exclude(record__lineage_proposals_made__state="pending")
    suggestion = open_ones.first()
    assert suggestion is not None
    assert suggestion.record.owner.name_fi == "Espoo"
    assert suggestion.source.owner_id != suggestion.record.owner_id
    assert suggestion.source.status == Status.PUBLISHED
    client = client_for(user)
    html = client.get(reverse("innovations:detail", kwargs={"pk": suggestion.record_id})).content.decode()
    assert "source-suggestions-title" in html
    assert escape(suggestion.source.title) in html
