"""The innovation services: validation, sanitising, transactions, optimistic locking, stage history, adoption,
deletion, attachments and the change log."""

import datetime
import html
import re
from html.parser import HTMLParser

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from accounts.models import Role
from audit.models import Action, ChangeRecord
from core.errors import ConflictError
from core.sanitise import ALLOWED_TAGS
from innovations import services
from innovations.models import Adoption, Attachment, Classification, Innovation, StageEvent
from innovations.vocabulary import Novelty, PartnerRole, Stage, Status
from organisations.models import OrganisationKind
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    MembershipFactory,
    OrganisationFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _records(obj, action=None):
    qs = ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    return qs.filter(action=action) if action else qs


def _classes(innovation):
    return sorted(Classification.objects.filter(innovation=innovation).values_list("dimension", "code"))


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


# --- create and update: validation ------------------------------------------------------------------------------


def test_create_stores_all_three_languages_and_the_classifications(org_a, editor_a):
    theme = ThemeFactory()
    innovation = services.innovation_create(
        actor=editor_a,
        owner=org_a,
        data={
            "title_fi": " Kirjaston etälainaus ",
            "title_sv": "Bibliotekets distanslån",
            "title_en": "Library remote lending",
            "contact_email": "info@example.fi",
        },
        classifications={"type": ["service", "service", "process"], "motivation": ["user_needs"]},
        themes=[theme],
    )
    innovation = Innovation.objects.get(pk=innovation.pk)
    assert (innovation.title_fi, innovation.title_sv, innovation.title_en) == (
        "Kirjaston etälainaus",  # stripped
        "Bibliotekets distanslån",
        "Library remote lending",
    )
    assert innovation.status == Status.DRAFT
    assert innovation.created_by == editor_a
    assert innovation.version == 1
    assert _classes(innovation) == [("motivation", "user_needs"), ("type", "process"), ("type", "service")]
    assert list(innovation.themes.all()) == [theme]


@pytest.mark.parametrize("titles", [{}, {"title_fi": "", "title_sv": "", "title_en": ""}, {"title_sv": "   "}])
def test_a_title_is_needed_in_some_language(org_a, editor_a, titles):
    with pytest.raises(ValidationError) as excinfo:
        services.innovation_create(actor=editor_a, owner=org_a, data={**titles, "summary_fi": "Ei otsikkoa"})
    assert set(_errors(excinfo)) == {"title_fi"}
    assert not Innovation.objects.filter(owner=org_a).exists()


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_title_in_any_one_language_is_enough(org_a, editor_a, lang):
    innovation = services.innovation_create(actor=editor_a, owner=org_a, data={f"title_{lang}": "Kokeilu"})
    assert getattr(innovation, f"title_{lang}") == "Kokeilu"


def test_an_unknown_classification_dimension_is_named(org_a, editor_a):
    with pytest.raises(ValidationError) as excinfo:
        services.innovation_create(
            actor=editor_a, owner=org_a, data={"title_fi": "X"}, classifications={"colour": ["red"]}
        )
    assert "colour" in _errors(excinfo)
    assert "colour" in _errors(excinfo)["colour"][0]
    assert not Innovation.objects.filter(owner=org_a).exists()


def test_an_unknown_classification_code_is_named(org_a, editor_a):
    with pytest.raises(ValidationError) as excinfo:
        services.innovation_create(
            actor=editor_a,
            owner=org_a,
            data={"title_fi": "X"},
            classifications={"type": ["service", "teleportation"], "channel": ["events"]},
        )
    errors = _errors(excinfo)
    assert set(errors) == {"type"}
    assert "teleportation" in errors["type"][0]


def test_a_code_of_another_dimension_is_refused(org_a, editor_a):
    # "savings" is a motivation, not an outcome.
    with pytest.raises(ValidationError) as excinfo:
        services.innovation_create(
            actor=editor_a, owner=org_a, data={"title_fi": "X"}, classifications={"outcome_achieved": ["savings"]}
        )
    assert "savings" in _errors(excinfo)["outcome_achieved"][0]


@pytest.mark.parametrize("email", ["ei-sähköposti", "a@", "@example.fi", "matti meikäläinen@example.fi"])
def test_a_bad_email_is_refused(org_a, editor_a, email):
    with pytest.raises(ValidationError) as excinfo:
        services.innovation_create(actor=editor_a, owner=org_a, data={"title_fi": "X", "contact_email": email})
    assert "contact_email" in _errors(excinfo)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp//broken", "www.example.fi/ilman-skeemaa"])
def test_a_bad_external_source_url_is_refused(org_a, editor_a, url):
    with pytest.raises(ValidationError) as excinfo:
        services.innovation_create(actor=editor_a, owner=org_a, data={"title_fi": "X", "external_source_url": url})
    assert "external_source_url" in _errors(excinfo)


def test_fields_that_no_form_sets_are_refused_by_name(org_a, editor_a):
    with pytest.raises(ValidationError) as excinfo:
        services.innovation_create(
            actor=editor_a, owner=org_a, data={"title_fi": "X", "status": "published", "version": 99}
        )
    assert set(_errors(excinfo)) == {"status", "version"}


def test_unknown_stage_is_refused(org_a, editor_a):
    with pytest.raises(ValidationError) as excinfo:
        services.innovation_create(actor=editor_a, owner=org_a, data={"title_fi": "X", "stage": "hibernating"})
    assert "stage" in _errors(excinfo)


# --- HTML sanitising --------------------------------------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">klikkaa</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;vascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<p onclick="alert(1)">kappale</p>',
    "<strong onmouseover=alert(1)>vahva</strong>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '"><script>alert(document.cookie)</script>',
    "<details open ontoggle=alert(1)>",
    "<style>@import 'javascript:alert(1)';</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<a href="https://ok.example/" onclick="alert(1)" title="ok">ok</a>',
    "<!--<script>alert(1)</script>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    '<a href="mailto:x@example.fi" onfocus=alert(1) autofocus>posti</a>',
]
SAFE_SCHEMES = ("http:", "https:", "mailto:")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def assert_safe_html(value: str) -> None:
    lowered = value.lower()
    assert "<script" not in lowered
    assert "javascript:" not in re.sub(r"\s", "", html.unescape(lowered))
    parser = _Tags()
    parser.feed(value)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, value
        for name, attr_value in attrs:
            assert not name.startswith("on"), value
            if name in ("href", "src", "action"):
                url = re.sub(r"[\s\x00-\x1f]", "", html.unescape(attr_value or "")).lower()
                assert ":" not in url.split("/")[0] or url.startswith(SAFE_SCHEMES), value


def test_the_corpus_is_big_enough():
    assert len(XSS_PAYLOADS) >= 15


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_description_html_is_sanitised_on_create_and_update(org_a, editor_a, payload):
    innovation = services.innovation_create(
        actor=editor_a, owner=org_a, data={"title_fi": "X", "description_fi": f"<p>Alku</p>{payload}"}
    )
    stored = Innovation.objects.get(pk=innovation.pk)
    assert_safe_html(stored.description_fi)
    assert "<p>Alku</p>" in stored.description_fi

    services.innovation_update(
        actor=editor_a, innovation=stored, expected_version=stored.version, data={"description_sv": payload}
    )
    assert_safe_html(Innovation.objects.get(pk=innovation.pk).description_sv)


def test_the_checker_itself_catches_unsafe_html():
    """The assertion helper must be able to fail, or the corpus test proves nothing."""
    for unsafe in (
        "<script>x</script>",
        '<a href="javascript:x">y</a>',
        '<p onclick="x">y</p>',
        "<iframe></iframe>",
        '<a href="&#106;avascript:x">y</a>',
    ):
        with pytest.raises(AssertionError):
            assert_safe_html(unsafe)


def test_safe_html_survives_and_links_get_rel(org_a, editor_a):
    description = (
        "<h2>Tausta</h2><p>Idea tuli <strong>asukkailta</strong> ja <em>henkilöstöltä</em>.</p>"
        '<ul><li>yksi</li><li>kaksi</li></ul><a href="https://example.fi/raportti" title="Raportti">raportti</a>'
    )
    innovation = services.innovation_create(
        actor=editor_a, owner=org_a, data={"title_fi": "X", "description_fi": description}
    )
    stored = Innovation.objects.get(pk=innovation.pk).description_fi
    assert "<h2>Tausta</h2>" in stored
    assert "<strong>asukkailta</strong>" in stored
    assert "<ul><li>yksi</li><li>kaksi</li></ul>" in stored
    assert 'href="https://example.fi/raportti"' in stored
    assert 'rel="noopener noreferrer nofollow"' in stored


def test_the_search_document_holds_description_text_but_no_markup(org_a, editor_a):
    innovation = services.innovation_create(
        actor=editor_a,
        owner=org_a,
        data={"title_fi": "X", "description_fi": "<p>Kotihoidon <strong>robotti</strong></p><script>evil()</script>"},
    )
    assert " robotti " in innovation.search_document
    assert "<" not in innovation.search_document
    assert "evil" not in innovation.search_document


# --- nothing half-saved -----------------------------------------------------------------------------------------


def _state(innovation):
    fresh = Innovation.objects.get(pk=innovation.pk)
    return (
        fresh.title_fi,
        fresh.title_en,
        fresh.stage,
        fresh.version,
        fresh.search_document,
        _classes(fresh),
        sorted(fresh.themes.values_list("slug", flat=True)),
        list(fresh.stage_events.values_list("stage", flat=True)),
        _records(fresh).count(),
    )


def test_an_invalid_classification_on_update_changes_nothing(published_a, editor_a):
    before = _state(published_a)
    with pytest.raises(ValidationError):
        services.innovation_update(
            actor=editor_a,
            innovation=published_a,
            expected_version=published_a.version,
            data={"title_fi": "Uusi nimi", "stage": Stage.EXPERIMENT},
            classifications={"type": ["process"], "idea_source": ["aliens"]},
            themes=[ThemeFactory()],
        )
    assert _state(published_a) == before


def test_invalid_data_on_update_changes_nothing(published_a, editor_a):
    before = _state(published_a)
    with pytest.raises(ValidationError):
        services.innovation_update(
            actor=editor_a,
            innovation=published_a,
            expected_version=published_a.version,
            data={"title_fi": "Uusi nimi", "contact_email": "not an address"},
            classifications={"type": ["process"]},
        )
    assert _state(published_a) == before


def test_a_failure_after_the_first_writes_rolls_the_whole_update_back(published_a, editor_a, monkeypatch):
    """The row, classifications, themes and stage history are written before the change log; if the log write
    fails, the transaction must undo all of them."""
    before = _state(published_a)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "change_record", broken)
    with pytest.raises(RuntimeError):
        services.innovation_update(
            actor=editor_a,
            innovation=published_a,
            expected_version=published_a.version,
            data={"title_fi": "Uusi nimi", "stage": Stage.EXPERIMENT},
            classifications={"type": ["process"]},
            themes=[ThemeFactory()],
        )
    assert _state(published_a) == before


def test_a_failure_during_create_leaves_no_innovation(org_a, editor_a, monkeypatch):
    monkeypatch.setattr(services, "change_record", lambda **kwargs: (_ for _ in ()).throw(RuntimeError("x")))
    with pytest.raises(RuntimeError):
        services.innovation_create(
            actor=editor_a, owner=org_a, data={"title_fi": "Puolikas"}, classifications={"type": ["service"]}
        )
    assert not Innovation.objects.filter(title_fi="Puolikas").exists()
    assert not Classification.objects.filter(innovation__owner=org_a).exists()
    assert not StageEvent.objects.filter(innovation__owner=org_a).exists()


def test_classifications_of_dimensions_not_named_are_kept(published_a, editor_a):
    services.innovation_update(
        actor=editor_a,
        innovation=published_a,
        expected_version=1,
        data={},
        classifications={"motivation": ["savings", "legislation"]},
    )
    services.innovation_update(
        actor=editor_a, innovation=published_a, expected_version=2, data={}, classifications={"motivation": ["savings"]}
    )
    assert _classes(published_a) == [("motivation", "savings"), ("type", "service")]


# --- optimistic locking -----------------------------------------------------------------------------------------


def test_a_stale_version_is_a_conflict_and_changes_nothing(published_a, editor_a, admin_a):
    opened_by_editor = Innovation.objects.get(pk=published_a.pk)
    opened_by_admin = Innovation.objects.get(pk=published_a.pk)
    services.innovation_update(
        actor=admin_a, innovation=opened_by_admin, expected_version=opened_by_admin.version, data={"title_en": "Admin"}
    )
    before = _state(published_a)
    with pytest.raises(ConflictError):
        services.innovation_update(
            actor=editor_a,
            innovation=opened_by_editor,
            expected_version=opened_by_editor.version,
            data={"title_en": "Editor"},
            classifications={"type": ["product"]},
        )
    assert _state(published_a) == before
    assert Innovation.objects.get(pk=published_a.pk).title_en == "Admin"


def test_each_update_bumps_the_version(published_a, editor_a):
    updated = services.innovation_update(
        actor=editor_a, innovation=published_a, expected_version=1, data={"title_en": "A"}
    )
    assert updated.version == 2
    updated = services.innovation_update(actor=editor_a, innovation=updated, expected_version=2, data={"title_en": "B"})
    assert Innovation.objects.get(pk=published_a.pk).version == 3


def test_publishing_with_a_stale_version_is_a_conflict(draft_a, editor_a):
    services.innovation_update(actor=editor_a, innovation=draft_a, expected_version=1, data={"title_en": "A"})
    with pytest.raises(ConflictError):
        services.innovation_set_status(actor=editor_a, innovation=draft_a, status=Status.PUBLISHED, expected_version=1)
    assert Innovation.objects.get(pk=draft_a.pk).status == Status.DRAFT


def test_an_unknown_status_is_refused(draft_a, editor_a):
    with pytest.raises(ValidationError) as excinfo:
        services.innovation_set_status(actor=editor_a, innovation=draft_a, status="archived", expected_version=1)
    assert "status" in _errors(excinfo)


# --- stage history ----------------------------------------------------------------------------------------------


def _stages(innovation):
    return list(StageEvent.objects.filter(innovation=innovation).order_by("date", "id").values_list("stage", "date"))


def test_stage_changes_are_recorded_once_each(org_a, editor_a):
    innovation = services.innovation_create(
        actor=editor_a, owner=org_a, data={"title_fi": "Vaiheet", "stage": Stage.IDEA}
    )
    assert _stages(innovation) == [(Stage.IDEA, TODAY())]
    innovation = services.innovation_update(
        actor=editor_a, innovation=innovation, expected_version=1, data={"stage": Stage.EXPERIMENT}
    )
    innovation = services.innovation_update(
        actor=editor_a, innovation=innovation, expected_version=2, data={"title_en": "Stages"}
    )
    assert _stages(innovation) == [(Stage.IDEA, TODAY()), (Stage.EXPERIMENT, TODAY())]
    services.innovation_update(actor=editor_a, innovation=innovation, expected_version=3, data={"stage": Stage.IN_USE})
    assert [stage for stage, _date in _stages(innovation)] == [Stage.IDEA, Stage.EXPERIMENT, Stage.IN_USE]


def test_an_innovation_created_in_use_dates_its_stage_from_when_it_was_taken_into_use(org_a, editor_a):
    day = datetime.date(2021, 5, 17)
    innovation = services.innovation_create(
        actor=editor_a, owner=org_a, data={"title_fi": "Käytössä", "stage": Stage.IN_USE, "introduced_on": day}
    )
    assert _stages(innovation) == [(Stage.IN_USE, day)]


# --- adoption ---------------------------------------------------------------------------------------------------


@pytest.fixture
def rich_source(org_a, editor_a):
    themes = [ThemeFactory(), ThemeFactory()]
    return InnovationFactory(
        owner=org_a,
        actor=editor_a,
        is_social=True,
        stage=Stage.SPREADING,
        classifications={"type": ["service", "process"], "idea_source": ["users"], "outcome_achieved": ["quality"]},
        themes=themes,
    )


@pytest.mark.parametrize("mode", [Novelty.ADAPTED, Novelty.COPIED])
def test_adoption_links_the_lineage_and_copies_what_it_should(rich_source, org_b, editor_b, mode):
    day = TODAY() - datetime.timedelta(days=10)
    adoption = services.innovation_adopt(actor=editor_b, source=rich_source, adopter=org_b, mode=mode, adopted_on=day)
    result = Innovation.objects.get(pk=adoption.result_id)
    assert adoption.source == rich_source
    assert adoption.mode == mode
    assert adoption.adopted_on == day
    assert adoption.created_by == editor_b
    assert result.adopted_from == adoption
    assert result.owner == org_b
    assert result.novelty == mode
    assert result.stage == Stage.IN_USE
    assert result.introduced_on == day
    assert result.status == Status.PUBLISHED
    assert result.is_social is True
    for field in ("title", "summary", "description"):
        for lang in ("fi", "sv", "en"):
            assert getattr(result, f"{field}_{lang}") == getattr(rich_source, f"{field}_{lang}"), (field, lang)
    # Types and themes are copied; idea sources and outcomes are the adopter's own story.
    assert _classes(result) == [("type", "process"), ("type", "service")]
    assert set(result.themes.all()) == set(rich_source.themes.all())
    assert _stages(result) == [(Stage.IN_USE, day)]
    # Searchable under the adopter's name, not the source owner's.
    assert f" {org_b.name_fi.split()[-1]} " in result.search_document
    # The source is unchanged.
    assert Innovation.objects.get(pk=rich_source.pk).version == rich_source.version


def test_an_adoption_can_start_as_a_draft(published_a, org_b, editor_b):
    adoption = services.innovation_adopt(
        actor=editor_b, source=published_a, adopter=org_b, mode=Novelty.COPIED, publish=False
    )
    assert adoption.result.status == Status.DRAFT
    assert adoption.adopted_on == TODAY()


def _refused(callable_, key=None):
    innovations, adoptions = Innovation.objects.count(), Adoption.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        callable_()
    assert (Innovation.objects.count(), Adoption.objects.count()) == (innovations, adoptions)
    if key:
        assert key in _errors(excinfo)
    return excinfo


def test_adoption_of_ones_own_innovation_is_refused(published_a, org_a, editor_a):
    _refused(
        lambda: services.innovation_adopt(actor=editor_a, source=published_a, adopter=org_a, mode="adapted"),
        "adopter",
    )


def test_adopting_twice_is_refused(published_a, org_b, editor_b):
    services.innovation_adopt(actor=editor_b, source=published_a, adopter=org_b, mode="adapted")
    _refused(
        lambda: services.innovation_adopt(actor=editor_b, source=published_a, adopter=org_b, mode="copied"),
        "adopter",
    )


def test_adopting_an_unpublished_innovation_is_refused(draft_a, org_a, org_b):
    # A person in both organisations can see the draft, so only the status stops them.
    both = UserFactory()
    MembershipFactory(user=both, organisation=org_a, role=Role.EDITOR)
    MembershipFactory(user=both, organisation=org_b, role=Role.EDITOR)
    with translation.override("en"):
        excinfo = _refused(lambda: services.innovation_adopt(actor=both, source=draft_a, adopter=org_b, mode="copied"))
    assert "published" in excinfo.value.messages[0]


def test_an_adoption_date_in_the_future_is_refused(published_a, org_b, editor_b):
    tomorrow = TODAY() + datetime.timedelta(days=1)
    _refused(
        lambda: services.innovation_adopt(
            actor=editor_b, source=published_a, adopter=org_b, mode="copied", adopted_on=tomorrow
        ),
        "adopted_on",
    )


@pytest.mark.parametrize("mode", [Novelty.NEW, "stolen", ""])
def test_an_invalid_adoption_mode_is_refused(published_a, org_b, editor_b, mode):
    _refused(lambda: services.innovation_adopt(actor=editor_b, source=published_a, adopter=org_b, mode=mode), "mode")


def test_an_adopted_innovation_can_be_adopted_again_further_down_the_chain(published_a, org_b):
    first = AdoptionFactory(source=published_a, adopter=org_b)
    third_org = OrganisationFactory(kind=OrganisationKind.WELLBEING_COUNTY)
    second = AdoptionFactory(source=first.result, adopter=third_org, mode=Novelty.COPIED)
    assert second.source.adopted_from.source == published_a


# --- delete -----------------------------------------------------------------------------------------------------


def test_delete_is_refused_when_others_adopted_the_innovation(published_a, admin_a, org_b):
    AdoptionFactory(source=published_a, adopter=org_b)
    with pytest.raises(ValidationError):
        services.innovation_delete(actor=admin_a, innovation=published_a)
    assert Innovation.objects.filter(pk=published_a.pk).exists()
    assert not _records(published_a, Action.DELETE).exists()


def test_the_adopters_own_record_can_be_deleted_and_the_lineage_edge_goes_with_it(published_a, org_b):
    adoption = AdoptionFactory(source=published_a, adopter=org_b)
    admin_b = MembershipFactory(organisation=org_b, role=Role.ADMIN).user
    services.innovation_delete(actor=admin_b, innovation=adoption.result)
    assert not Adoption.objects.filter(pk=adoption.pk).exists()
    assert Innovation.objects.filter(pk=published_a.pk).exists()


def test_delete_removes_the_record_and_logs_it(published_a, admin_a):
    pk = published_a.pk
    services.innovation_delete(actor=admin_a, innovation=published_a)
    assert not Innovation.objects.filter(pk=pk).exists()
    record = ChangeRecord.objects.get(object_id=pk, action=Action.DELETE)
    assert record.actor == admin_a
    assert record.changes["title"][0] == published_a.title


# --- partners and links -----------------------------------------------------------------------------------------


def test_the_owner_cannot_be_its_own_partner(published_a, editor_a, org_a):
    with pytest.raises(ValidationError) as excinfo:
        services.partnership_add(actor=editor_a, innovation=published_a, organisation=org_a)
    assert "organisation" in _errors(excinfo)


def test_a_partner_is_added_once(published_a, editor_a, org_b):
    services.partnership_add(actor=editor_a, innovation=published_a, organisation=org_b)
    with pytest.raises(ValidationError) as excinfo:
        services.partnership_add(actor=editor_a, innovation=published_a, organisation=org_b)
    assert "organisation" in _errors(excinfo)
    assert published_a.partnerships.count() == 1


def test_a_partner_role_must_be_known(published_a, editor_a, org_b):
    with pytest.raises(ValidationError) as excinfo:
        services.partnership_add(actor=editor_a, innovation=published_a, organisation=org_b, role="sponsor")
    assert "role" in _errors(excinfo)


def test_partner_update_refuses_fields_it_does_not_know(published_a, editor_a, org_b):
    """An unknown field is a ValidationError naming it (it used to be an AttributeError: a 500)."""
    partnership = services.partnership_add(actor=editor_a, innovation=published_a, organisation=org_b)
    with pytest.raises(ValidationError) as excinfo:
        services.partnership_update(actor=editor_a, partnership=partnership, role=PartnerRole.FUNDER, colour="red")
    assert set(_errors(excinfo)) == {"colour"}
    partnership.refresh_from_db()
    assert partnership.role == PartnerRole.CO_DEVELOPER


@pytest.mark.parametrize("url", ["javascript:alert(1)", "not a url", ""])
def test_a_link_needs_a_web_address(published_a, editor_a, url):
    with pytest.raises(ValidationError) as excinfo:
        services.link_add(actor=editor_a, innovation=published_a, title="Linkki", url=url)
    assert "url" in _errors(excinfo)
    assert not published_a.links.exists()


# --- attachments ------------------------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "content", "expected_type"),
    [
        ("raportti.pdf", PDF, "application/pdf"),
        ("kuva.png", PNG, "image/png"),
        ("muistio.txt", "Hei maailma – åäö".encode(), "text/plain"),
        ("LUVUT.CSV", b"a;b\n1;2\n", "text/csv"),
    ],
)
def test_an_allowed_attachment_is_stored(published_a, editor_a, name, content, expected_type):
    attachment = services.attachment_add(
        actor=editor_a, innovation=published_a, upload=_upload(name, content), title="Liite"
    )
    attachment = Attachment.objects.get(pk=attachment.pk)
    assert attachment.content_type == expected_type
    assert attachment.size == len(content)
    assert attachment.uploaded_by == editor_a
    assert attachment.title == "Liite"
    with default_storage.open(attachment.file.name) as stored:
        assert stored.read() == content


def test_an_attachment_without_title_is_named_after_its_file(published_a, editor_a):
    attachment = services.attachment_add(actor=editor_a, innovation=published_a, upload=_upload("esite.pdf", PDF))
    assert attachment.title == "esite.pdf"


def test_a_too_big_attachment_is_refused(published_a, editor_a, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as excinfo:
        services.attachment_add(actor=editor_a, innovation=published_a, upload=_upload("iso.pdf", PDF + b"0" * 1024))
    assert set(_errors(excinfo)) == {"file"}
    assert not published_a.attachments.exists()


def test_an_attachment_at_the_limit_is_accepted(published_a, editor_a, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    content = PDF + b"0" * (1024 - len(PDF))
    attachment = services.attachment_add(actor=editor_a, innovation=published_a, upload=_upload("raja.pdf", content))
    assert attachment.size == 1024


@pytest.mark.parametrize(
    "name", ["ohjelma.exe", "sivu.html", "skripti.js", "kuva.svg", "ilman_paatetta", "arkisto.zip", "makro.docm"]
)
def test_an_attachment_of_a_wrong_type_is_refused(published_a, editor_a, name):
    with pytest.raises(ValidationError) as excinfo:
        services.attachment_add(actor=editor_a, innovation=published_a, upload=_upload(name, PDF))
    assert set(_errors(excinfo)) == {"file"}
    assert not published_a.attachments.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("raportti.pdf", b"<html><script>alert(1)</script></html>"),
        ("kuva.png", PDF),
        ("kuva.jpg", PNG),
        ("kuva.webp", b"GIF89a" + b"\x00" * 10),
        ("tyhja.pdf", b""),
    ],
)
def test_an_attachment_whose_content_does_not_match_its_name_is_refused(published_a, editor_a, name, content):
    with pytest.raises(ValidationError) as excinfo:
        services.attachment_add(actor=editor_a, innovation=published_a, upload=_upload(name, content))
    assert set(_errors(excinfo)) == {"file"}
    assert not published_a.attachments.exists()


def test_removing_an_attachment_removes_its_file(published_a, editor_a):
    attachment = services.attachment_add(actor=editor_a, innovation=published_a, upload=_upload("pois.pdf", PDF))
    name = attachment.file.name
    assert default_storage.exists(name)
    services.attachment_remove(actor=editor_a, attachment=attachment)
    assert not default_storage.exists(name)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()


# --- the change log ---------------------------------------------------------------------------------------------


def _latest(obj, action):
    return _records(obj, action).order_by("-id").first()


def test_create_records_who_when_and_the_initial_values(org_a, editor_a):
    started = timezone.now()
    innovation = services.innovation_create(
        actor=editor_a,
        owner=org_a,
        data={"title_fi": "Loki", "contact_email": "a@example.fi"},
        classifications={"type": ["service"]},
    )
    record = _latest(innovation, Action.CREATE)
    assert record.actor == editor_a
    assert started <= record.at <= timezone.now()
    assert record.changes["title_fi"] == [None, "Loki"]
    assert record.changes["contact_email"] == [None, "a@example.fi"]
    assert record.changes["type"] == [None, ["service"]]
    assert "title_sv" not in record.changes  # empty before and after: no change


def test_update_records_only_what_changed(published_a, editor_a):
    old_title = published_a.title_en
    services.innovation_update(
        actor=editor_a,
        innovation=published_a,
        expected_version=1,
        data={"title_en": "Changed", "title_fi": published_a.title_fi, "stage": Stage.EXPERIMENT},
        classifications={"type": ["service", "product"]},
    )
    record = _latest(published_a, Action.UPDATE)
    assert record.actor == editor_a
    assert record.changes == {
        "title_en": [old_title, "Changed"],
        "stage": [Stage.DEVELOPMENT, Stage.EXPERIMENT],
        "type": [["service"], ["product", "service"]],
    }


def test_publish_and_unpublish_are_recorded(draft_a, editor_a):
    services.innovation_set_status(actor=editor_a, innovation=draft_a, status=Status.PUBLISHED, expected_version=1)
    services.innovation_set_status(actor=editor_a, innovation=draft_a, status=Status.DRAFT, expected_version=2)
    assert _latest(draft_a, Action.PUBLISH).changes == {"status": ["draft", "published"]}
    assert _latest(draft_a, Action.UNPUBLISH).changes == {"status": ["published", "draft"]}
    assert _latest(draft_a, Action.UNPUBLISH).actor == editor_a


def test_setting_the_same_status_again_writes_nothing(published_a, editor_a):
    count = _records(published_a).count()
    result = services.innovation_set_status(
        actor=editor_a, innovation=published_a, status=Status.PUBLISHED, expected_version=1
    )
    assert result.version == 1
    assert _records(published_a).count() == count


def test_adoption_is_recorded_on_the_source_and_the_new_record(published_a, org_b, editor_b):
    adoption = services.innovation_adopt(actor=editor_b, source=published_a, adopter=org_b, mode=Novelty.COPIED)
    on_source = _latest(published_a, Action.ADOPT)
    assert on_source.actor == editor_b
    assert on_source.changes == {"adopted_by": [None, str(org_b)], "mode": [None, "copied"]}
    on_result = _latest(adoption.result, Action.CREATE)
    assert on_result.actor == editor_b
    assert on_result.changes["novelty"] == [None, "copied"]


def test_partner_link_and_attachment_changes_are_recorded(published_a, editor_a, org_b):
    partnership = services.partnership_add(actor=editor_a, innovation=published_a, organisation=org_b)
    assert _latest(published_a, Action.UPDATE).changes == {"partners": [None, str(org_b)]}
    services.partnership_update(actor=editor_a, partnership=partnership, role=PartnerRole.FUNDER)
    assert _latest(published_a, Action.UPDATE).changes == {
        f"partner {org_b}: role": [PartnerRole.CO_DEVELOPER, PartnerRole.FUNDER]
    }
    services.partnership_remove(actor=editor_a, partnership=partnership)
    assert _latest(published_a, Action.UPDATE).changes == {"partners": [str(org_b), None]}
    link = services.link_add(actor=editor_a, innovation=published_a, title="Video", url="https://example.fi/v")
    assert _latest(published_a, Action.UPDATE).changes == {"links": [None, "https://example.fi/v"]}
    services.link_remove(actor=editor_a, link=link)
    assert _latest(published_a, Action.UPDATE).changes == {"links": ["https://example.fi/v", None]}
    attachment = services.attachment_add(
        actor=editor_a, innovation=published_a, upload=_upload("a.pdf", PDF), title="Esite"
    )
    assert _latest(published_a, Action.UPDATE).changes == {"attachments": [None, "Esite"]}
    services.attachment_remove(actor=editor_a, attachment=attachment)
    assert _latest(published_a, Action.UPDATE).changes == {"attachments": ["Esite", None]}
    assert set(_records(published_a, Action.UPDATE).values_list("actor", flat=True)) == {editor_a.pk}


def test_themes_change_the_search_document(published_a, editor_a):
    theme = ThemeFactory(name_fi="Saaristo", name_sv="Skärgård", name_en="Archipelago")
    assert " saaristo " not in published_a.search_document
    updated = services.innovation_update(
        actor=editor_a, innovation=published_a, expected_version=1, data={}, themes=[theme]
    )
    assert " saaristo " in updated.search_document
    assert " saaristo " in Innovation.objects.get(pk=published_a.pk).search_document
    assert _latest(published_a, Action.UPDATE).changes["themes"] == [None, [theme.slug]]
