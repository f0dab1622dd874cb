"""factory-boy factories for the registry. Every translated field is filled in Finnish, Swedish and English.

Records with a service (organisations, networks, innovations, partners, adoptions) are made *through* that
service, so a factory-made record has what a real one has: a valid slug, the search document, the stage
history, the classifications and a change-log entry. The services check permissions; unless a test passes
`actor=…`, a platform administrator kept for the purpose ("factory-robot") acts.

    org = OrganisationFactory(kind=OrganisationKind.COMPANY)
    innovation = InnovationFactory(owner=org, classifications={"type": ["service"]}, themes=[theme])
    adoption = AdoptionFactory(source=innovation, adopter=other_org, mode="adapted")
"""

import csv
import datetime
import random
from typing import Any, TypeVar, cast

import factory
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Membership, Role, User
from core.models import Theme
from innovations import services as innovation_services
from innovations.models import Adoption, Innovation, Partnership
from innovations.vocabulary import InnovationType, Novelty, PartnerRole, Stage, Status
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
        for key in ("actor", "classifications", "themes", "adopter", "publish"):
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

    Extra keywords: `classifications={"type": ["service"], …}` (validated by the service; default: one type),
    `themes=[theme, …]`, `actor=user` (default: the robot; an editor of the owner makes `created_by` real).
    """

    class Meta:
        model = Innovation

    class Params:
        subject = factory.Sequence(lambda n: _pick(SUBJECTS, n))
        action = factory.Sequence(lambda n: _pick(ACTIONS, n // len(SUBJECTS)))
        number = factory.Sequence(lambda n: n)

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
