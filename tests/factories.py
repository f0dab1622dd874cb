"""factory-boy factories for every app's records. Every translated field is filled in Finnish, Swedish and English.

Records with a service (organisations, networks, innovations, partners, adoptions, experiments, challenges,
ideas, comments, questionnaires, rounds, invitations, responses) are made *through* that service, so a
factory-made record has what a real one has: a valid slug, the search document, the stage history, the
classifications and a change-log entry. The services check permissions; unless a test passes
`actor=…`, a platform administrator kept for the purpose ("factory-robot") acts.

    org = OrganisationFactory(kind=OrganisationKind.COMPANY)
    innovation = InnovationFactory(owner=org, classifications={"type": ["service"]}, themes=[theme])
    adoption = AdoptionFactory(source=innovation, adopter=other_org, mode="adapted")
    idea = IdeaFactory(challenge=ChallengeFactory(owner=org), actor=person)
    round_ = RoundFactory(organiser=org, frame=[org, other_org], status="published", year=2022,
                          responses=[{"organisation": org, "answers": {"q1": "yes"}}])
"""

import csv
import datetime
import json
import random
from pathlib import Path
from typing import Any, TypeVar, cast

import factory
from django.utils import timezone
from django.utils.text import slugify

import barometer
from accounts.models import Membership, Role, User
from barometer.answering import services as answering_services
from barometer.models import Invitation, QuestionnaireVersion, Response, Round
from barometer.questionnaires import services as questionnaire_services
from barometer.rounds import services as round_services
from barometer.vocabulary import RoundStatus
from core.models import Theme
from experiments import services as experiment_services
from experiments.models import Experiment
from ideas.models import Challenge, ChallengeStatus, Comment, Idea
from ideas.services import challenges as challenge_services
from ideas.services import ideas as idea_services
from innovations import services as innovation_services
from innovations.models import Adoption, Innovation, Partnership
from innovations.vocabulary import InnovationType, Novelty, PartnerRole, Stage, Status
from notifications import services as notification_services
from notifications.models import Frequency, Preference
from notifications.selectors import Person
from organisations import services as organisation_services
from organisations.identifiers import business_id_with_check_digit
from organisations.models import Network, Organisation, OrganisationKind, Region
from organisations.reference_data import REFERENCE_DIR

PASSWORD = "pw-for-tests-1"
ROBOT_USERNAME = "factory-robot"

# --- word lists -------------------------------------------------------------------------------------------------

FIRST_NAMES = [
    "Aino",
    "Eero",
    "Helmi",
    "Juhani",
    "Kaisa",
    "Lauri",
    "Maija",
    "Oskari",
    "Saara",
    "Ville",
    "Elsa",
    "Mikael",
]
LAST_NAMES = [
    "Virtanen",
    "Korhonen",
    "Nieminen",
    "Mäkinen",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Lindqvist",
    "Järvinen",
]
# Made-up place names, so no factory organisation is mistaken for one of the 309 real municipalities.
PLACES = ["Järvelä", "Koskela", "Mäntylä", "Rantala", "Lehtola", "Niemelä", "Harjula", "Metsälä", "Peltola", "Salmela"]

# (fi, sv, en) name patterns per kind; {place} is filled in.
KIND_NAMES: dict[str, tuple[str, str, str]] = {
    OrganisationKind.MUNICIPALITY: ("{place}n kunta", "{place} kommun", "Municipality of {place}"),
    OrganisationKind.JOINT_AUTHORITY: ("{place}n kuntayhtymä", "Samkommunen {place}", "{place} Joint Authority"),
    OrganisationKind.WELLBEING_COUNTY: (
        "{place}n hyvinvointialue",
        "{place} välfärdsområde",
        "{place} Wellbeing Services County",
    ),
    OrganisationKind.REGIONAL_COUNCIL: ("{place}n liitto", "Förbundet {place}", "Regional Council of {place}"),
    OrganisationKind.MINISTRY: ("{place}n ministeriö", "{place} ministeriet", "Ministry of {place}"),
    OrganisationKind.STATE_AGENCY: ("{place}n virasto", "{place} ämbetsverket", "{place} Agency"),
    OrganisationKind.COMPANY: ("{place} Oy", "{place} Ab", "{place} Ltd"),
    OrganisationKind.UNIVERSITY: ("{place}n yliopisto", "{place} universitet", "University of {place}"),
    OrganisationKind.UAS: (
        "{place}n ammattikorkeakoulu",
        "{place} yrkeshögskola",
        "{place} University of Applied Sciences",
    ),
    OrganisationKind.RESEARCH_INSTITUTE: (
        "{place}n tutkimuslaitos",
        "{place} forskningsinstitut",
        "{place} Research Institute",
    ),
    OrganisationKind.THIRD_SECTOR: ("{place}n yhdistys ry", "Föreningen {place} rf", "{place} Association"),
    OrganisationKind.INTERNATIONAL: ("{place} International", "{place} International", "{place} International"),
    OrganisationKind.OTHER: ("{place}n toimija", "Aktören {place}", "{place} Actor"),
}

THEMES: list[tuple[str, str, str]] = [
    ("hyvinvointi", "välfärd", "wellbeing"),
    ("liikkuminen", "mobilitet", "mobility"),
    ("koulutus", "utbildning", "education"),
    ("ympäristö", "miljö", "environment"),
    ("digitalisaatio", "digitalisering", "digitalisation"),
    ("asuminen", "boende", "housing"),
    ("kulttuuri", "kultur", "culture"),
    ("osallisuus", "delaktighet", "participation"),
]

# Innovation titles: (fi, sv, en) subject + (fi, sv, en) what was done to it.
SUBJECTS: list[tuple[str, str, str]] = [
    ("Kotihoidon", "Hemvårdens", "Home care"),
    ("Kirjaston", "Bibliotekets", "Library"),
    ("Koulukyytien", "Skolskjutsarnas", "School transport"),
    ("Nuorisotyön", "Ungdomsarbetets", "Youth work"),
    ("Ruokapalvelun", "Kostservicens", "Catering"),
    ("Rakennusvalvonnan", "Byggnadstillsynens", "Building control"),
    ("Jätehuollon", "Avfallshanteringens", "Waste management"),
]
ACTIONS: list[tuple[str, str, str]] = [
    ("digitaalinen palvelu", "digitala tjänst", "digital service"),
    ("uusi toimintamalli", "nya verksamhetsmodell", "new operating model"),
    ("asiakaspalaute", "kundrespons", "customer feedback"),
    ("etäpalvelu", "distanstjänst", "remote service"),
    ("yhteiskehittäminen", "samutveckling", "co-development"),
]
SUMMARIES = (
    "Palvelua kehitettiin yhdessä asukkaiden ja henkilöstön kanssa.",
    "Tjänsten utvecklades tillsammans med invånarna och personalen.",
    "The service was developed together with residents and staff.",
)
DESCRIPTIONS = (
    "<p>Ajatus syntyi henkilöstön <strong>ideasta</strong>. Toimintaa on arvioitu asiakaskyselyllä.</p>",
    "<p>Idén kom från <strong>personalen</strong>. Verksamheten har utvärderats med en kundenkät.</p>",
    "<p>The idea came from <strong>staff</strong>. The service has been evaluated with a customer survey.</p>",
)


def _pick(options: list[tuple[str, str, str]], n: int) -> tuple[str, str, str]:
    return options[n % len(options)]


# --- helpers ----------------------------------------------------------------------------------------------------


def robot() -> User:
    """The platform administrator the factories act as when a test names no actor."""
    user, created = User.objects.get_or_create(
        username=ROBOT_USERNAME,
        defaults={
            "is_superuser": True,
            "is_staff": True,
            "email": "robot@example.fi",
            "email_verified_at": timezone.now(),
        },
    )
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return user


def forget_roles(user: Any) -> None:
    """accounts.roles memoises a person's roles on the user object; a new membership must be seen at once."""
    if hasattr(user, "_organisation_roles"):
        del user._organisation_roles


def free_municipality_code() -> str:
    """A three-digit code that no organisation holds (the 309 real ones come from the reference data)."""
    taken = set(Organisation.objects.exclude(municipality_code=None).values_list("municipality_code", flat=True))
    for number in range(999, 0, -1):
        code = f"{number:03d}"
        if code not in taken:
            return code
    raise RuntimeError("no free municipality code left")


_business_id_counter = iter(range(1_000_000, 9_999_999))


def free_business_id() -> str:
    """A valid business ID (correct check digit) that no organisation holds."""
    for seven in _business_id_counter:
        candidate = business_id_with_check_digit(f"{seven:07d}")
        if candidate and not Organisation.objects.filter(business_id=candidate).exists():
            return candidate
    raise RuntimeError("no free business ID left")


def _region_names() -> dict[str, tuple[str, str, str]]:
    with (REFERENCE_DIR / "regions.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: (row["name_fi"], row["name_sv"], row["name_en"]) for row in csv.DictReader(handle)}


REGION_NAMES = _region_names()


T = TypeVar("T")


# --- factories --------------------------------------------------------------------------------------------------


class ServiceFactory(factory.django.DjangoModelFactory[T]):
    """Base of the factories that create through a service: `actor` is for the service, not a model field."""

    class Meta:
        abstract = True

    actor = None

    @classmethod
    def _build(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        for key in ("actor", "classifications", "themes", "adopter", "publish", "frame", "responses", "frozen", "code"):
            kwargs.pop(key, None)
        return model_class(*args, **kwargs)


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    """A region; the reference data's row when its code is already loaded (it usually is)."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Iterator(sorted(REGION_NAMES))
    name_fi = factory.LazyAttribute(lambda o: REGION_NAMES.get(o.code, (f"Maakunta {o.code}",) * 3)[0])
    name_sv = factory.LazyAttribute(lambda o: REGION_NAMES.get(o.code, (f"Landskap {o.code}",) * 3)[1])
    name_en = factory.LazyAttribute(lambda o: REGION_NAMES.get(o.code, (f"Region {o.code}",) * 3)[2])


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: FIRST_NAMES[n % len(FIRST_NAMES)])
    last_name = factory.Sequence(lambda n: LAST_NAMES[n % len(LAST_NAMES)])
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.fi")
    # Verified by default, as a person who registered and opened the link; `email_verified_at=None` for one who did not.
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password(PASSWORD)
    is_superuser = False
    is_staff = False

    class Params:
        platform_admin = factory.Trait(is_superuser=True, is_staff=True)


class OrganisationFactory(ServiceFactory[Organisation]):
    """An organisation made by organisations.services.organisation_create (unique slug, full validation).

    Kind defaults to municipality (with a free municipality code); every kind gets a valid business ID.
    """

    class Meta:
        model = Organisation

    class Params:
        place = factory.Sequence(lambda n: PLACES[n % len(PLACES)])
        number = factory.Sequence(lambda n: n)

    kind = OrganisationKind.MUNICIPALITY
    name_fi = factory.LazyAttribute(lambda o: f"{KIND_NAMES[o.kind][0].format(place=o.place)} {o.number}")
    name_sv = factory.LazyAttribute(lambda o: f"{KIND_NAMES[o.kind][1].format(place=o.place)} {o.number}")
    name_en = factory.LazyAttribute(lambda o: f"{KIND_NAMES[o.kind][2].format(place=o.place)} {o.number}")
    description_fi = factory.LazyAttribute(lambda o: f"{o.name_fi} kehittää palvelujaan yhdessä asukkaiden kanssa.")
    description_sv = factory.LazyAttribute(lambda o: f"{o.name_sv} utvecklar sina tjänster tillsammans med invånarna.")
    description_en = factory.LazyAttribute(lambda o: f"{o.name_en} develops its services together with residents.")
    municipality_code = factory.LazyAttribute(
        lambda o: free_municipality_code() if o.kind == OrganisationKind.MUNICIPALITY else None
    )
    business_id = factory.LazyFunction(free_business_id)
    region = factory.SubFactory(RegionFactory)
    wellbeing_county = None
    population = factory.LazyAttribute(
        lambda o: random.randint(800, 250_000) if o.kind == OrganisationKind.MUNICIPALITY else None
    )
    website = factory.LazyAttribute(lambda o: f"https://www.{slugify(o.place)}-{o.number}.example.fi/")

    @classmethod
    def _create(cls, model_class: type[Organisation], *args: Any, actor: Any = None, **kwargs: Any) -> Organisation:
        extra = {key: kwargs.pop(key) for key in list(kwargs) if key not in organisation_services.ORGANISATION_FIELDS}
        organisation = organisation_services.organisation_create(actor=actor or robot(), data=kwargs)
        if extra:  # fields no form sets (slug, is_synthetic …): straight to the row, as the loaders do
            for key, value in extra.items():
                setattr(organisation, key, value)
            organisation.save(update_fields=list(extra))
        return organisation


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership
        django_get_or_create = ("user", "organisation")

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.EDITOR

    @classmethod
    def _create(cls, model_class: type[Membership], *args: Any, **kwargs: Any) -> Membership:
        membership = super()._create(model_class, *args, **kwargs)
        forget_roles(membership.user)
        return membership


class ThemeFactory(factory.django.DjangoModelFactory[Theme]):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    class Params:
        words = factory.Sequence(lambda n: _pick(THEMES, n))
        number = factory.Sequence(lambda n: n)

    slug = factory.LazyAttribute(lambda o: f"{o.words[2]}-{o.number}")
    name_fi = factory.LazyAttribute(lambda o: o.words[0].capitalize())
    name_sv = factory.LazyAttribute(lambda o: o.words[1].capitalize())
    name_en = factory.LazyAttribute(lambda o: o.words[2].capitalize())


class InnovationFactory(ServiceFactory[Innovation]):
    """An innovation made by innovations.services.innovation_create: published unless `status=` says otherwise.

    Trait `titles_only=True`: no summary or description. Extra keywords: `classifications={"type": ["service"], …}`
    (validated by the service; default: one type),
    `themes=[theme, …]`, `actor=user` (default: the robot; an editor of the owner makes `created_by` real).
    """

    class Meta:
        model = Innovation

    class Params:
        subject = factory.Sequence(lambda n: _pick(SUBJECTS, n))
        action = factory.Sequence(lambda n: _pick(ACTIONS, n // len(SUBJECTS)))
        number = factory.Sequence(lambda n: n)
        # No summary or description: searches hit exactly the titles a test gives.
        titles_only = factory.Trait(
            summary_fi="", summary_sv="", summary_en="", description_fi="", description_sv="", description_en=""
        )

    owner = factory.SubFactory(OrganisationFactory)
    status = Status.PUBLISHED
    title_fi = factory.LazyAttribute(lambda o: f"{o.subject[0]} {o.action[0]} {o.number}")
    title_sv = factory.LazyAttribute(lambda o: f"{o.subject[1]} {o.action[1]} {o.number}")
    title_en = factory.LazyAttribute(lambda o: f"{o.subject[2]} {o.action[2]} {o.number}")
    summary_fi = SUMMARIES[0]
    summary_sv = SUMMARIES[1]
    summary_en = SUMMARIES[2]
    description_fi = DESCRIPTIONS[0]
    description_sv = DESCRIPTIONS[1]
    description_en = DESCRIPTIONS[2]
    stage = Stage.DEVELOPMENT
    novelty = Novelty.NEW
    is_social = False
    is_systemic = False
    contact_name = factory.Sequence(lambda n: f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n % len(LAST_NAMES)]}")
    contact_email = factory.Sequence(lambda n: f"yhteys{n}@example.fi")
    classifications = factory.LazyFunction(lambda: {"type": [InnovationType.SERVICE]})
    themes: Any = ()

    @classmethod
    def _create(cls, model_class: type[Innovation], *args: Any, actor: Any = None, **kwargs: Any) -> Innovation:
        owner = kwargs.pop("owner")
        status = kwargs.pop("status")
        classifications = kwargs.pop("classifications") or {}
        themes = list(kwargs.pop("themes") or ())
        return innovation_services.innovation_create(
            actor=actor or robot(),
            owner=owner,
            data=kwargs,
            classifications=classifications,
            themes=themes,
            status=status,
        )


class PartnershipFactory(ServiceFactory[Partnership]):
    """A development partner, added by innovations.services.partnership_add."""

    class Meta:
        model = Partnership

    innovation = factory.SubFactory(InnovationFactory)
    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.UNIVERSITY)
    role = PartnerRole.CO_DEVELOPER
    in_idea_phase = False
    in_development_phase = True
    in_implementation_phase = False

    @classmethod
    def _create(cls, model_class: type[Partnership], *args: Any, actor: Any = None, **kwargs: Any) -> Partnership:
        return innovation_services.partnership_add(
            actor=actor or robot(),
            innovation=kwargs.pop("innovation"),
            organisation=kwargs.pop("organisation"),
            **kwargs,
        )


class AdoptionFactory(ServiceFactory[Adoption]):
    """An adoption made by innovations.services.innovation_adopt: `adopter` gets its own linked innovation."""

    class Meta:
        model = Adoption

    source = factory.SubFactory(InnovationFactory)
    adopter = factory.SubFactory(OrganisationFactory)
    mode = Novelty.ADAPTED
    adopted_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    publish = True

    @classmethod
    def _create(cls, model_class: type[Adoption], *args: Any, **kwargs: Any) -> Adoption:
        return innovation_services.innovation_adopt(
            actor=kwargs["actor"] or robot(),
            source=kwargs["source"],
            adopter=kwargs["adopter"],
            mode=kwargs["mode"],
            adopted_on=kwargs["adopted_on"],
            publish=kwargs["publish"],
        )


class NetworkFactory(ServiceFactory[Network]):
    """A network made by organisations.services.network_create; `members=[org, …]` adds members after it."""

    class Meta:
        model = Network
        skip_postgeneration_save = True

    class Params:
        place = factory.Sequence(lambda n: f"{PLACES[n % len(PLACES)]} {n}")

    name_fi = factory.LazyAttribute(lambda o: f"{o.place} – innovaatioverkosto")
    name_sv = factory.LazyAttribute(lambda o: f"{o.place} – innovationsnätverk")
    name_en = factory.LazyAttribute(lambda o: f"{o.place} innovation network")
    description_fi = "Kunnat jakavat kokeilujen tuloksia ja kehittävät palveluja yhdessä."
    description_sv = "Kommunerna delar resultaten av försöken och utvecklar tjänster tillsammans."
    description_en = "The municipalities share the results of experiments and develop services together."
    coordinator = factory.SubFactory(OrganisationFactory)
    agreement_start = datetime.date(2023, 1, 1)
    agreement_end = datetime.date(2026, 12, 31)
    website = ""

    @classmethod
    def _create(cls, model_class: type[Network], *args: Any, actor: Any = None, **kwargs: Any) -> Network:
        themes = list(kwargs.pop("themes", ()) or ())
        return organisation_services.network_create(actor=actor or robot(), data=kwargs, themes=themes)

    @factory.post_generation
    def members(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create or not extracted:
            return
        for organisation in extracted:
            organisation_services.network_member_add(
                actor=kwargs.get("actor") or robot(), network=cast(Network, self), organisation=organisation
            )


# --- experiments ------------------------------------------------------------------------------------------------


class ExperimentFactory(ServiceFactory[Experiment]):
    """An experiment made by experiments.services.experiment_create: a draft running from 30 days ago for 60 days
    unless `status=`/dates say otherwise. `school_exercise=True`: the exercise experiment the experiment tests
    search and list (fixed titles in fi/sv/en, a Finnish hypothesis only)."""

    class Meta:
        model = Experiment

    class Params:
        subject = factory.Sequence(lambda n: _pick(SUBJECTS, n))
        number = factory.Sequence(lambda n: n)
        school_exercise = factory.Trait(
            title_fi="Liikuntakokeilu kouluissa",
            title_sv="Motionsförsök i skolor",
            title_en="Exercise experiment in schools",
            hypothesis_fi="Päivittäinen liikuntatuokio parantaa keskittymistä.",
            hypothesis_sv="",
            hypothesis_en="",
        )

    owner = factory.SubFactory(OrganisationFactory)
    status = Status.DRAFT
    title_fi = factory.LazyAttribute(lambda o: f"{o.subject[0]} kokeilu {o.number}")
    title_sv = factory.LazyAttribute(lambda o: f"{o.subject[1]} försök {o.number}")
    title_en = factory.LazyAttribute(lambda o: f"{o.subject[2]} experiment {o.number}")
    hypothesis_fi = "Uusi toimintatapa lyhentää odotusaikoja."
    hypothesis_sv = "Det nya arbetssättet förkortar väntetiderna."
    hypothesis_en = "The new way of working shortens waiting times."
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    budget = "12500.50"

    @classmethod
    def _create(cls, model_class: type[Experiment], *args: Any, actor: Any = None, **kwargs: Any) -> Experiment:
        owner, status = kwargs.pop("owner"), kwargs.pop("status")
        return experiment_services.experiment_create(actor=actor or robot(), owner=owner, data=kwargs, status=status)


# --- ideas ------------------------------------------------------------------------------------------------------

# (title, text) of ideas as people send them: each in one language, as a person writes.
IDEAS: list[tuple[str, str]] = [
    ("Kylätalo kaikille", "<p>Yhteinen kylätalo, jossa eri ikäiset tapaavat.</p>"),
    ("Bytesdag på biblioteket", "<p>En dag i månaden då invånarna byter böcker och verktyg.</p>"),
    ("Walking groups for seniors", "<p>Weekly walks led by volunteers, starting at the health centre.</p>"),
]
COMMENTS = ("Hyvä ajatus, olisin mukana.", "Bra idé, jag vill delta.", "Good idea, count me in.")


class ChallengeFactory(ServiceFactory[Challenge]):
    """An open, public challenge made by ideas.services.challenges.challenge_create (`status=`, `audience=` … as data).
    `unnumbered=True`: the titles without their number and the question in English only, as the idea tests
    assert them."""

    class Meta:
        model = Challenge

    class Params:
        number = factory.Sequence(lambda n: n)
        unnumbered = factory.Trait(
            title_fi="Miten voisimme vähentää yksinäisyyttä?",
            title_sv="Hur kunde vi minska ensamheten?",
            title_en="How might we reduce loneliness?",
            question_fi="",
            question_sv="",
        )

    owner = factory.SubFactory(OrganisationFactory)
    title_fi = factory.LazyAttribute(lambda o: f"Miten voisimme vähentää yksinäisyyttä? {o.number}")
    title_sv = factory.LazyAttribute(lambda o: f"Hur kunde vi minska ensamheten? {o.number}")
    title_en = factory.LazyAttribute(lambda o: f"How might we reduce loneliness? {o.number}")
    question_fi = "Miten voisimme vähentää ikäihmisten yksinäisyyttä?"
    question_sv = "Hur kunde vi minska ensamheten bland äldre?"
    question_en = "How might we reduce loneliness among the elderly?"
    status = ChallengeStatus.OPEN

    @classmethod
    def _create(cls, model_class: type[Challenge], *args: Any, actor: Any = None, **kwargs: Any) -> Challenge:
        owner = kwargs.pop("owner")
        return challenge_services.challenge_create(actor=actor or robot(), owner=owner, data=kwargs)


class IdeaFactory(ServiceFactory[Idea]):
    """An idea sent by ideas.services.ideas.idea_send to `challenge` by a signed-in person (`actor`, default: a new
    registered user), so confirmed at once; fi, sv and en in turn."""

    class Meta:
        model = Idea

    class Params:
        words = factory.Sequence(lambda n: IDEAS[n % len(IDEAS)])

    challenge = factory.SubFactory(ChallengeFactory)
    title = factory.LazyAttribute(lambda o: o.words[0])
    text = factory.LazyAttribute(lambda o: o.words[1])

    @classmethod
    def _create(cls, model_class: type[Idea], *args: Any, actor: Any = None, **kwargs: Any) -> Idea:
        return idea_services.idea_send(actor=actor or UserFactory.create(), **kwargs)


class CommentFactory(ServiceFactory[Comment]):
    """A comment added by ideas.services.ideas.comment_add (`actor`, default: a new registered user)."""

    class Meta:
        model = Comment

    idea = factory.SubFactory(IdeaFactory)
    text = factory.Sequence(lambda n: COMMENTS[n % len(COMMENTS)])

    @classmethod
    def _create(cls, model_class: type[Comment], *args: Any, actor: Any = None, **kwargs: Any) -> Comment:
        return idea_services.comment_add(actor=actor or UserFactory.create(), **kwargs)


# --- barometer --------------------------------------------------------------------------------------------------

BAROMETER_FILE = Path(barometer.__file__).resolve().parent / "fixtures" / "municipal_barometer.json"


class QuestionnaireVersionFactory(ServiceFactory[QuestionnaireVersion]):
    """The shipped municipal barometer (barometer/fixtures/municipal_barometer.json, fi/sv/en), imported by
    barometer.questionnaires.services.questionnaire_import under a questionnaire `code` of its own (a new
    questionnaire each time): a draft, or frozen with `frozen=True`."""

    class Meta:
        model = QuestionnaireVersion

    organiser = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"barometri-{n}")
    frozen = False

    @classmethod
    def _create(
        cls, model_class: type[QuestionnaireVersion], *args: Any, actor: Any = None, **kwargs: Any
    ) -> QuestionnaireVersion:
        data = json.loads(BAROMETER_FILE.read_text(encoding="utf-8"))
        data["questionnaire"]["code"] = kwargs["code"]
        actor = actor or robot()
        version = questionnaire_services.questionnaire_import(
            actor=actor, organiser=kwargs["organiser"], data=data
        ).version
        if kwargs["frozen"]:
            version = questionnaire_services.questionnaire_version_freeze(version, actor=actor)
        return version


def _round_dates(o: Any) -> dict[str, datetime.date]:
    """A round of `o.year`: about the two years before, open for 30 days from 1 March (this year: from today)."""
    today = timezone.localdate()
    opens_on = today if o.year == today.year else datetime.date(o.year, 3, 1)
    return {
        "reference_period_start": datetime.date(o.year - 2, 1, 1),
        "reference_period_end": datetime.date(o.year - 1, 12, 31),
        "opens_on": opens_on,
        "closes_on": opens_on + datetime.timedelta(days=30),
    }


class RoundFactory(ServiceFactory[Round]):
    """A survey round made by barometer.rounds.services: created, `frame=[organisation, …]` added, and moved
    through the states to `status` (draft, open, closed, published), as the round's team would.

    `responses=[{"organisation": org, "answers": {question code: value}}, …]` are given (and submitted, unless an
    entry says `"submit": False`) through the answering services while the round is open: each entry holds
    ResponseFactory's keywords. A round of a past year is opened and answered as if today were within its dates,
    and its real dates are set by round_update after. `spring=True`: named "Round <year>" (fi, sv, en) and open
    from 1 March to 30 April of its year.
    """

    class Meta:
        model = Round

    class Params:
        dates = factory.LazyAttribute(_round_dates)
        # "Kierros 2022" / "Omgång 2022" / "Round 2022", open from 1 March to 30 April of its year.
        spring = factory.Trait(
            name_fi=factory.LazyAttribute(lambda o: f"Kierros {o.year}"),
            name_sv=factory.LazyAttribute(lambda o: f"Omgång {o.year}"),
            name_en=factory.LazyAttribute(lambda o: f"Round {o.year}"),
            opens_on=factory.LazyAttribute(lambda o: datetime.date(o.year, 3, 1)),
            closes_on=factory.LazyAttribute(lambda o: datetime.date(o.year, 4, 30)),
        )

    organiser = factory.SubFactory(OrganisationFactory)
    questionnaire_version = factory.SubFactory(
        QuestionnaireVersionFactory, organiser=factory.SelfAttribute("..organiser")
    )
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    name_fi = factory.LazyAttribute(lambda o: f"Innovaatiobarometri {o.year}")
    name_sv = factory.LazyAttribute(lambda o: f"Innovationsbarometern {o.year}")
    name_en = factory.LazyAttribute(lambda o: f"Innovation barometer {o.year}")
    reference_period_start = factory.LazyAttribute(lambda o: o.dates["reference_period_start"])
    reference_period_end = factory.LazyAttribute(lambda o: o.dates["reference_period_end"])
    opens_on = factory.LazyAttribute(lambda o: o.dates["opens_on"])
    closes_on = factory.LazyAttribute(lambda o: o.dates["closes_on"])
    status = RoundStatus.DRAFT
    frame: Any = ()
    responses: Any = ()

    @classmethod
    def _create(cls, model_class: type[Round], *args: Any, actor: Any = None, **kwargs: Any) -> Round:
        actor = actor or robot()
        organiser, status = kwargs.pop("organiser"), kwargs.pop("status")
        frame, responses = list(kwargs.pop("frame")), list(kwargs.pop("responses"))
        extra = {key: kwargs.pop(key) for key in list(kwargs) if key not in round_services.ROUND_FIELDS}
        today = timezone.localdate()
        dates = {name: kwargs[name] for name in ("opens_on", "closes_on")}
        if status != RoundStatus.DRAFT:  # to be opened (and answered) today
            kwargs["opens_on"], kwargs["closes_on"] = min(dates["opens_on"], today), max(dates["closes_on"], today)
        round_ = round_services.round_create(actor=actor, organiser=organiser, data=kwargs)
        for organisation in frame:
            round_services.frame_add(actor=actor, round=round_, organisation=organisation)
        for state in ORDER_OF_STATES[1 : ORDER_OF_STATES.index(status) + 1]:
            if state == RoundStatus.CLOSED:  # answered while open
                _respond(actor, round_, responses)
            round_ = STATE_CHANGES[state](actor=actor, round=round_, expected_version=round_.version)
        if status == RoundStatus.OPEN:
            _respond(actor, round_, responses)
        if dates != {name: getattr(round_, name) for name in dates}:
            round_ = round_services.round_update(actor=actor, round=round_, expected_version=round_.version, data=dates)
        if extra:  # fields no form sets (is_synthetic …): straight to the row, as the loaders do
            for key, value in extra.items():
                setattr(round_, key, value)
            round_.save(update_fields=list(extra))
        return round_


def _respond(actor: Any, round_: Round, responses: list[dict[str, Any]]) -> None:
    """RoundFactory's responses; their invitations are made in one call, as from an uploaded list (faster)."""
    rows = [
        round_services.InvitationRow(organisation=response["organisation"], email=_respondent_email())
        for response in responses
    ]
    invitations = round_services.invitations_create(actor=actor, round=round_, rows=rows) if rows else []
    for invitation, response in zip(invitations, responses, strict=True):
        ResponseFactory.create(round=round_, invitation=invitation, **response)


ORDER_OF_STATES = (RoundStatus.DRAFT, RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.PUBLISHED)
STATE_CHANGES = {
    RoundStatus.OPEN: round_services.round_open,
    RoundStatus.CLOSED: round_services.round_close,
    RoundStatus.PUBLISHED: round_services.round_publish,
}


_invitation_counter = iter(range(1, 10**9))


def _respondent_email() -> str:
    return f"vastaaja{next(_invitation_counter)}@example.fi"


class InvitationFactory(ServiceFactory[Invitation]):
    """An invitation of `organisation` (in the round's frame) made by barometer.rounds.services.invitations_create."""

    class Meta:
        model = Invitation

    round = factory.SubFactory(RoundFactory)
    organisation: Any = None
    email = factory.LazyFunction(_respondent_email)
    name = factory.LazyAttribute(lambda o: o.email.split("@")[0].capitalize())
    language = "fi"

    @classmethod
    def _create(cls, model_class: type[Invitation], *args: Any, actor: Any = None, **kwargs: Any) -> Invitation:
        round_, organisation = kwargs.pop("round"), kwargs.pop("organisation")
        row = round_services.InvitationRow(organisation=organisation, **kwargs)
        (invitation,) = round_services.invitations_create(actor=actor or robot(), round=round_, rows=[row])
        return invitation


class ResponseFactory(ServiceFactory[Response]):
    """A response of `organisation` to an open round, given as the respondent gives it: an invitation is made
    (unless `invitation=` is given), `answers` ({question code: value}) saved and, unless `submit=False`, submitted, through
    barometer.answering.services. `submitted_at=` (a past submission) is set on the row after: no service
    back-dates a submission."""

    class Meta:
        model = Response

    round = factory.SubFactory(RoundFactory, status=RoundStatus.OPEN)
    organisation: Any = None
    invitation: Any = None  # made for `organisation` when not given
    answers = factory.LazyFunction(dict)
    submit = True
    submitted_at = None

    @classmethod
    def _create(cls, model_class: type[Response], *args: Any, actor: Any = None, **kwargs: Any) -> Response:
        invitation = kwargs["invitation"] or InvitationFactory.create(
            round=kwargs["round"], organisation=kwargs["organisation"], actor=actor
        )
        response = answering_services.response_open(invitation=invitation)
        if kwargs["answers"]:
            answering_services.answers_save(invitation=invitation, values=kwargs["answers"])
        if kwargs["submit"]:
            response = answering_services.response_submit(invitation=invitation).response
            if kwargs["submitted_at"] is not None:
                Response.objects.filter(pk=response.pk).update(submitted_at=kwargs["submitted_at"])
                response.submitted_at = kwargs["submitted_at"]
        return response


# --- notifications ----------------------------------------------------------------------------------------------


class PreferenceFactory(ServiceFactory[Preference]):
    """How often and in which language `user` (or, without an account, `email`) gets notifications, saved by
    notifications.services.preference_set as the person saves it: signed in, or through a mail's signed link.
    As the service does, it moves the person's waiting notifications to the new frequency."""

    class Meta:
        model = Preference

    user: Any = None
    email = ""
    frequency = Frequency.IMMEDIATE
    language = "fi"

    @classmethod
    def _create(cls, model_class: type[Preference], *args: Any, actor: Any = None, **kwargs: Any) -> Preference:
        choice = {"frequency": kwargs["frequency"], "language": kwargs["language"]}
        if kwargs["user"] is not None:
            return notification_services.preference_set(actor=kwargs["user"], **choice)
        token = notification_services.person_token(Person(email=kwargs["email"]))
        return notification_services.preference_set(actor=None, token=token, **choice)
