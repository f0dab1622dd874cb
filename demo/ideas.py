"""Demo co-development: challenges and ideas in several municipalities, in Finnish, Swedish and English, with
comments, supports and handlers' states — and three ideas carried on: one through an experiment that was scaled up
into an innovation in use which two other cities then adopted, one into an experiment still running, and one into an
experiment that was stopped (failed experiments are worth learning from too).

Everything is written through the services, as people would, with the demo log-ins as actors; only the dates are
set afterwards (a service stamps "now"), so that the demo has a history. Deterministic; loading again changes
nothing. The demo residents who support ideas are users without a password: they cannot sign in.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from experiments import services as experiment_services
from experiments.models import Decision
from ideas.models import Audience, Challenge, ChallengeStatus, Idea, IdeaState, Participation
from ideas.services import challenges as challenge_services
from ideas.services import ideas as idea_services
from innovations import services as innovation_services
from innovations.vocabulary import Novelty, Status
from organisations.models import Organisation, OrganisationKind

DEMO_EMAIL_DOMAIN = "demo.innoverkko.invalid"
RESIDENTS = [f"demo-asukas-{number}" for number in range(1, 9)]


@dataclass(frozen=True)
class DemoIdea:
    title: str
    text: str
    sender: str  # a demo user name, or an e-mail address: sent without an account and confirmed
    supporters: int = 0
    comments: Sequence[tuple[str, str]] = ()  # (user name, text)
    state: str = IdeaState.RECEIVED
    reason: str = ""
    days_ago: int = 30
    place: tuple[float, float] | None = None


@dataclass(frozen=True)
class DemoChallenge:
    owner: str  # the organisation's Finnish name
    title: tuple[str, str, str]
    question: tuple[str, str, str]
    description: tuple[str, str, str]
    ideas: Sequence[DemoIdea]
    handler: str
    audience: str = Audience.PUBLIC
    participation: str = Participation.ANYONE
    status: str = ChallengeStatus.OPEN
    opened_days_ago: int = 60
    open_days: int = 120
    extra: dict[str, Any] = field(default_factory=dict)


CHALLENGES = [
    DemoChallenge(
        owner="Espoo",
        handler="espoo-admin",
        title=(
            "Yksinäisyys pois arjesta",
            "Bort med ensamheten i vardagen",
            "Less loneliness in everyday life",
        ),
        question=(
            "Miten voisimme vähentää ikäihmisten yksinäisyyttä?",
            "Hur kunde vi minska ensamheten bland äldre?",
            "How might we reduce loneliness among older people?",
        ),
        description=(
            "<p>Joka kolmas yli 75-vuotias espoolainen kertoo tuntevansa itsensä yksinäiseksi. Kerro, mikä auttaisi "
            "sinua, läheistäsi tai naapuriasi. Parhaita ideoita kokeillaan yhdessä asukkaiden ja järjestöjen "
            "kanssa.</p>",
            "<p>Var tredje esbobo över 75 år säger sig känna sig ensam. Berätta vad som skulle hjälpa dig, en "
            "anhörig eller en granne. De bästa idéerna prövas tillsammans med invånare och organisationer.</p>",
            "<p>One in three Espoo residents over 75 say they feel lonely. Tell us what would help you, someone "
            "close to you or a neighbour. The best ideas are tried out together with residents and associations.</p>",
        ),
        opened_days_ago=700,
        open_days=90,
        status=ChallengeStatus.CLOSED,
        ideas=[
            DemoIdea(
                title="Kaveripuhelin: soitto joka päivä samaan aikaan",
                text="<p>Vapaaehtoinen soittaa yksin asuvalle ikäihmiselle joka päivä samaan aikaan. Lyhytkin "
                "juttutuokio rytmittää päivää, ja soittaja huomaa, jos jokin on hullusti.</p>",
                sender="demo-asukas-1",
                supporters=7,
                comments=[
                    ("demo-asukas-2", "Äitini odottaisi tällaista soittoa joka päivä. Hyvä idea!"),
                    ("espoo-admin", "Kiitos ideasta! Kokeilemme tätä yhdessä järjestöjen kanssa keväällä."),
                ],
                state=IdeaState.IN_USE,
                days_ago=690,
            ),
            DemoIdea(
                title="Träffpunkt i biblioteket på förmiddagar",
                text="<p>Biblioteken kunde ha en öppen träffpunkt med kaffe för äldre på vardagsförmiddagar, när "
                "det är lugnt. En bibliotekarie eller en volontär finns på plats.</p>",
                sender="gunilla.exempel@demo.innoverkko.invalid",
                supporters=4,
                state=IdeaState.UNDER_REVIEW,
                days_ago=680,
                place=(60.2055, 24.6559),
            ),
            DemoIdea(
                title="Lähiliikuntaryhmät taloyhtiöiden pihoille",
                text="<p>Kerran viikossa ohjattu tuolijumppa tai kävelyryhmä taloyhtiön pihalla. Naapurit "
                "tutustuvat toisiinsa ja liikunta pitää kunnossa.</p>",
                sender="demo-asukas-3",
                supporters=3,
                state=IdeaState.NOT_TAKEN_FORWARD,
                reason="Idea yhdistettiin kaupungin liikuntapalvelujen olemassa olevaan Liikkuva arki -ohjelmaan, "
                "joka järjestää pihaliikuntaa jo 40 taloyhtiössä.",
                days_ago=675,
            ),
        ],
    ),
    DemoChallenge(
        owner="Tampere",
        handler="tampere-editor",
        participation=Participation.REGISTERED,
        title=(
            "Kirjasto kohtaamispaikkana",
            "Biblioteket som mötesplats",
            "The library as a meeting place",
        ),
        question=(
            "Miten voisimme tehdä kirjastoista koko kaupunginosan olohuoneita?",
            "Hur kunde vi göra biblioteken till vardagsrum för hela stadsdelen?",
            "How might we make libraries living rooms for the whole neighbourhood?",
        ),
        description=(
            "<p>Kirjastot ovat auki useimpina päivinä, ja niissä on tilaa. Miten ne palvelisivat paremmin "
            "lapsiperheitä, nuoria, ikäihmisiä ja yhdistyksiä?</p>",
            "<p>Biblioteken är öppna de flesta dagar och har utrymme. Hur kunde de bättre betjäna barnfamiljer, "
            "unga, äldre och föreningar?</p>",
            "<p>Libraries are open most days and have room. How could they serve families, young people, older "
            "people and associations better?</p>",
        ),
        opened_days_ago=200,
        open_days=365,
        ideas=[
            DemoIdea(
                title="Omatoimikirjasto iltaisin myös yhdistyksille",
                text="<p>Yhdistykset voisivat varata omatoimiaikana kirjaston tilan kokouksiin kirjastokortilla. "
                "Tilat ovat nyt iltaisin tyhjillään.</p>",
                sender="resident",
                supporters=6,
                comments=[("demo-asukas-4", "Meidän asukasyhdistys tarvitsisi juuri tällaisen tilan.")],
                state=IdeaState.EXPERIMENTING,
                days_ago=190,
                place=(61.4981, 23.7610),
            ),
            DemoIdea(
                title="Pelikerho nuorille perjantai-iltaisin",
                text="<p>Lautapeli- ja konsolipeli-ilta nuorille perjantaisin, nuoriso-ohjaajan kanssa.</p>",
                sender="demo-asukas-5",
                supporters=5,
                state=IdeaState.IN_DEVELOPMENT,
                days_ago=150,
            ),
            DemoIdea(
                title="Tool library in the neighbourhood branch",
                text="<p>Lend drills, ladders and sewing machines like books. Many people need a drill twice a "
                "year; the library already knows how to lend things.</p>",
                sender="demo-asukas-6",
                supporters=2,
                comments=[("tampere-editor", "Thanks! We are checking the insurance questions first.")],
                state=IdeaState.UNDER_REVIEW,
                days_ago=40,
            ),
        ],
    ),
    DemoChallenge(
        owner="Oulu",
        handler="admin",
        title=(
            "Talviliikenne kouluun",
            "Vintertrafik till skolan",
            "Getting to school in winter",
        ),
        question=(
            "Miten voisimme tehdä koulumatkoista turvallisempia pimeänä vuodenaikana?",
            "Hur kunde vi göra skolvägarna tryggare under den mörka årstiden?",
            "How might we make the way to school safer in the dark season?",
        ),
        description=(
            "<p>Kerro vaarallisista kohdista ja ideoista, joilla lapset pääsisivät kouluun turvallisesti "
            "kävellen ja pyörällä.</p>",
            "<p>Berätta om farliga ställen och idéer som gör att barnen kan ta sig tryggt till skolan till fots "
            "och med cykel.</p>",
            "<p>Tell us about dangerous places and ideas that would let children walk and cycle to school safely.</p>",
        ),
        opened_days_ago=500,
        open_days=120,
        status=ChallengeStatus.CLOSED,
        ideas=[
            DemoIdea(
                title="Heijastinautomaatit koulujen aulaan",
                text="<p>Ilmaiset heijastimet automaatista koulun aulasta, jos oma on hukassa.</p>",
                sender="demo-asukas-7",
                supporters=3,
                state=IdeaState.NOT_TAKEN_FORWARD,
                reason="Kokeilussa heijastimia jaettiin kolmessa koulussa, mutta niiden käyttö ei lisääntynyt "
                "mittauksissa. Tulokset on kirjattu kokeiluun.",
                days_ago=480,
            ),
            DemoIdea(
                title="Valaistus Kaakkurin koulupolulle",
                text="<p>Koulupolku metsän läpi on täysin pimeä joulukuussa. Liiketunnistimella toimiva "
                "valaistus riittäisi.</p>",
                sender="demo-asukas-8",
                supporters=6,
                state=IdeaState.IN_DEVELOPMENT,
                days_ago=470,
                place=(64.9780, 25.5230),
            ),
        ],
    ),
]

IDEAS_WITHOUT_CHALLENGE = [
    (
        "Vantaa",
        DemoIdea(
            title="Flerspråkig rådgivning i hälsostationens väntrum",
            text="<p>En handledare som talar flera språk kunde hjälpa i väntrummet med e-tjänster och tidsbokning.</p>",
            sender="demo-asukas-2",
            supporters=2,
            days_ago=12,
        ),
    ),
    (
        "Helsinki",
        DemoIdea(
            title="Kaupunkipyörät myös talvella",
            text="<p>Osa kaupunkipyöristä nastarenkailla ympäri vuoden keskustan asemilla.</p>",
            sender="demo-asukas-4",
            supporters=4,
            comments=[("demo-asukas-1", "Kyllä! Ajan pyörällä töihin ympäri vuoden.")],
            days_ago=20,
        ),
    ),
]


def _three(values: tuple[str, str, str], name: str) -> dict[str, str]:
    return {f"{name}_{lang}": value for lang, value in zip(("fi", "sv", "en"), values, strict=True)}


def _residents() -> dict[str, User]:
    people = {}
    for username in RESIDENTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@{DEMO_EMAIL_DOMAIN}",
                "first_name": "Demo",
                "last_name": username,
                "email_verified_at": timezone.now(),  # the demo's own addresses: they send ideas and comments
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        elif user.email_verified_at is None and user.email == f"{username}@{DEMO_EMAIL_DOMAIN}":
            User.objects.filter(pk=user.pk).update(email_verified_at=timezone.now())
            user.email_verified_at = timezone.now()
        people[username] = user
    return people


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _send(
    idea: DemoIdea, people: dict[str, User], handler: User, *, challenge: Challenge | None, organisation: Organisation
) -> Idea:
    if "@" in idea.sender:
        sent = idea_services.idea_send(
            actor=AnonymousUser(),
            title=idea.title,
            text=idea.text,
            challenge=challenge,
            organisation=organisation,
            sender_email=idea.sender,
            latitude=idea.place[0] if idea.place else None,
            longitude=idea.place[1] if idea.place else None,
        )
        sent = idea_services.idea_confirm(token=sent.confirmation_token) or sent
    else:
        sent = idea_services.idea_send(
            actor=people[idea.sender],
            title=idea.title,
            text=idea.text,
            challenge=challenge,
            organisation=organisation,
            latitude=idea.place[0] if idea.place else None,
            longitude=idea.place[1] if idea.place else None,
        )
    supporters = [user for name, user in people.items() if name.startswith("demo-asukas") and name != idea.sender]
    for supporter in supporters[: idea.supporters]:
        idea_services.support_add(actor=supporter, idea=sent)
    for username, text in idea.comments:
        idea_services.comment_add(actor=people[username], idea=sent, text=text)
    if idea.state != IdeaState.RECEIVED:
        idea_services.idea_set_state(actor=handler, idea=sent, state=idea.state, reason=idea.reason)
    Idea.objects.filter(pk=sent.pk).update(created_at=_ago(idea.days_ago), updated_at=_ago(max(idea.days_ago - 10, 1)))
    sent.refresh_from_db()
    return sent


def _carry_on(ideas: dict[str, Idea], actor: User) -> int:
    """The three ideas that went on: experiment → innovation → adopted; an experiment running; one stopped."""
    by_name = {org.name_fi: org for org in Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)}
    today = timezone.localdate()
    made = 0

    phone = ideas["Kaveripuhelin: soitto joka päivä samaan aikaan"]
    experiment = experiment_services.experiment_create(
        actor=actor,
        owner=phone.organisation,
        data={
            **_three(("Kaveripuhelin-kokeilu", "Vänsamtal – försök", "Friendly phone call trial"), "title"),
            **_three(
                (
                    "Vapaaehtoiset soittivat 60 yksin asuvalle ikäihmiselle joka päivä puolen vuoden ajan.",
                    "Frivilliga ringde 60 äldre som bor ensamma varje dag i ett halvår.",
                    "Volunteers called 60 older people living alone every day for six months.",
                ),
                "summary",
            ),
            **_three(
                (
                    "Päivittäinen soitto vähentää koettua yksinäisyyttä ja ennakoimattomia päivystyskäyntejä.",
                    "Ett dagligt samtal minskar upplevd ensamhet och oplanerade jourbesök.",
                    "A daily call reduces felt loneliness and unplanned emergency visits.",
                ),
                "hypothesis",
            ),
            **_three(
                (
                    "UCLA-yksinäisyysmittari alussa ja lopussa; päivystyskäynnit verrokkiryhmään.",
                    "UCLA-skalan för ensamhet i början och slutet; jourbesök jämfört med en kontrollgrupp.",
                    "UCLA loneliness scale at the start and end; emergency visits against a comparison group.",
                ),
                "measures",
            ),
            "starts_on": today - datetime.timedelta(days=600),
            "ends_on": today - datetime.timedelta(days=420),
            "budget": "18000",
        },
        status=Status.PUBLISHED,
    )
    experiment = experiment_services.experiment_decide(
        actor=actor,
        experiment=experiment,
        expected_version=experiment.version,
        decision=Decision.SCALE_UP,
        reasons={
            "fi": "Yksinäisyys väheni selvästi ja osallistujat halusivat jatkaa; kustannus on pieni.",
            "sv": "Ensamheten minskade tydligt och deltagarna ville fortsätta; kostnaden är liten.",
            "en": "Loneliness fell clearly and the participants wanted to go on; the cost is small.",
        },
        results={
            "fi": "Yksinäisyyspisteet laskivat keskimäärin 18 %. Päivystyskäyntejä oli 22 % vähemmän kuin verrokeilla.",
            "sv": "Ensamhetspoängen sjönk i genomsnitt med 18 %. Jourbesöken var 22 % färre än i kontrollgruppen.",
            "en": "Loneliness scores fell by 18 % on average. There were 22 % fewer emergency visits than in the "
            "comparison group.",
        },
    )
    innovation = experiment_services.experiment_scale_up(
        actor=actor, experiment=experiment, expected_version=experiment.version
    )
    for adopter, mode in (("Tampere", Novelty.ADAPTED), ("Vantaa", Novelty.COPIED)):
        innovation_services.innovation_adopt(actor=actor, source=innovation, adopter=by_name[adopter], mode=mode)
    Idea.objects.filter(pk=phone.pk).update(experiment=experiment, innovation=innovation)
    made += 1

    club = ideas["Omatoimikirjasto iltaisin myös yhdistyksille"]
    running = experiment_services.experiment_create(
        actor=actor,
        owner=club.organisation,
        data={
            **_three(
                ("Iltakirjasto yhdistyksille", "Kvällsbibliotek för föreningar", "Evening library for associations"),
                "title",
            ),
            **_three(
                (
                    "Kolme kirjastoa avaa tilansa yhdistyksille omatoimiaikana.",
                    "Tre bibliotek öppnar sina lokaler för föreningar under meröppet-tid.",
                    "Three libraries open their rooms to associations in self-service hours.",
                ),
                "summary",
            ),
            "starts_on": today - datetime.timedelta(days=60),
            "ends_on": today + datetime.timedelta(days=240),
        },
        status=Status.PUBLISHED,
    )
    Idea.objects.filter(pk=club.pk).update(experiment=running)
    made += 1

    reflectors = ideas["Heijastinautomaatit koulujen aulaan"]
    stopped = experiment_services.experiment_create(
        actor=actor,
        owner=reflectors.organisation,
        data={
            **_three(
                ("Heijastinautomaatit kouluissa", "Reflexautomater i skolor", "Reflector machines in schools"), "title"
            ),
            **_three(
                (
                    "Kolmen koulun aulaan asennettiin heijastinautomaatti lukuvuodeksi.",
                    "En reflexautomat installerades i tre skolors aula för ett läsår.",
                    "A reflector machine was installed in the lobby of three schools for a school year.",
                ),
                "summary",
            ),
            "starts_on": today - datetime.timedelta(days=460),
            "ends_on": today - datetime.timedelta(days=300),
        },
        status=Status.PUBLISHED,
    )
    experiment_services.experiment_decide(
        actor=actor,
        experiment=stopped,
        expected_version=stopped.version,
        decision=Decision.STOP,
        reasons={
            "fi": "Heijastinten käyttö ei lisääntynyt laskennoissa; varat suunnataan valaistukseen.",
            "sv": "Användningen av reflexer ökade inte i räkningarna; medlen går till belysning.",
            "en": "Reflector use did not rise in the counts; the money goes to lighting instead.",
        },
    )
    Idea.objects.filter(pk=reflectors.pk).update(experiment=stopped)
    return made + 1


def demo_codevelopment_exists() -> bool:
    return Challenge.objects.filter(title_fi__in=[c.title[0] for c in CHALLENGES]).exists()


def demo_codevelopment_delete() -> None:
    challenges = Challenge.objects.filter(title_fi__in=[c.title[0] for c in CHALLENGES])
    Idea.objects.filter(title__in=[idea.title for _org, idea in IDEAS_WITHOUT_CHALLENGE]).delete()
    Idea.objects.filter(challenge__in=challenges).delete()
    challenges.delete()


def demo_codevelopment_load(*, log: Callable[[str], Any] | None = None) -> dict[str, int]:
    """Loads the demo challenges and ideas unless they are there; needs the demo registry and log-ins."""
    log = log or (lambda message: None)
    if demo_codevelopment_exists():
        return {}
    log("Co-development: challenges, ideas and experiments …")
    organisations = {org.name_fi: org for org in Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)}
    with transaction.atomic():
        people = {
            **{
                user.username: user
                for user in User.objects.filter(username__in=["admin", "espoo-admin", "tampere-editor", "resident"])
            },
            **_residents(),
        }
        admin = people["admin"]
        ideas: dict[str, Idea] = {}
        for spec in CHALLENGES:
            challenge = challenge_services.challenge_create(
                actor=admin,
                owner=organisations[spec.owner],
                data={
                    **_three(spec.title, "title"),
                    **_three(spec.question, "question"),
                    **_three(spec.description, "description"),
                    "audience": spec.audience,
                    "participation": spec.participation,
                    "status": ChallengeStatus.OPEN,
                },
                handlers=[people[spec.handler]] if spec.handler != "admin" else [],
            )
            for idea in spec.ideas:
                ideas[idea.title] = _send(
                    idea, people, people[spec.handler], challenge=challenge, organisation=challenge.owner
                )
            if spec.status != ChallengeStatus.OPEN:
                challenge_services.challenge_set_status(actor=admin, challenge=challenge, status=spec.status)
            # The dates are history: set after the ideas were sent (a closed challenge takes no ideas).
            opened = timezone.localdate() - datetime.timedelta(days=spec.opened_days_ago)
            Challenge.objects.filter(pk=challenge.pk).update(
                created_at=_ago(spec.opened_days_ago),
                opens_on=opened,
                closes_on=opened + datetime.timedelta(days=spec.open_days),
            )
        for owner, idea in IDEAS_WITHOUT_CHALLENGE:
            ideas[idea.title] = _send(idea, people, admin, challenge=None, organisation=organisations[owner])
        experiments = _carry_on(ideas, admin)
    return {"challenges": len(CHALLENGES), "ideas": len(ideas), "experiments": experiments}
