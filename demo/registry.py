"""A synthetic demo registry: organisations, the Innokaupungit network, themes and ~2000 innovations whose
adoption histories over 2008–2026 come from a diffusion process (demo/diffusion.py).

Everything it makes is flagged `is_synthetic` and deterministic for a seed. The registry is *planned* first in
plain Python (who originates what, who adopts it when, from whom, with whom) and then *written*. Organisations and
the network go through the services (organisation_create, network_create). The innovations are written in bulk
(`Writer.bulk`), exactly as innovation_create, partnership_add, innovation_adopt and innovation_update would
write them — the same texts copied from the source, classifications, themes, partners, search documents made by
the services' own function, catalogue entries made by `catalogue.refresh`, adoption rows and the change log —
because a registry with time depth has thousands of records, and one service call per record would take minutes
(the services' per-record checks and catalogue refreshes, ~40 ms a record). The past dates of the stage history
and timestamps are set afterwards, and the filled tables analysed (PostgreSQL plans searches by their statistics).
Measured (`manage.py load_demo_data` on a fresh SQLite database, the whole command, CPU time of the process on a
shared 2-core machine): 2006 records in 12.7 s, where 397 records through the services took 28.5 s.

The diffusion: each family (an original and the records derived from it) was designed as an S-curve, a burst
(a law or programme: most adoptions in one year), two waves, an emerging or a failed innovation; each year each
organisation of the kinds that may adopt it takes it up with the hazard p + q·(share of adopters among its peers
in the country, its region, its network and its partners). Adopters learn from the originator or an earlier
adopter near them (lineage has depth); some adoptions have no recorded source and appear as the adopter's own
record of the same concept ("lineage nobody recorded"); the wellbeing services counties adopt from 2023.

The shares loosely follow the seed (Innovation Barometer 2022): most adopted innovations adapt (~60 %) or copy
(~30 %) others' ideas; service innovations are the most common type; idea sources are above all domestic networks
and own staff; motivations are users' needs, savings and technology.
"""

import datetime
import random
import time
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone, translation

from accounts.models import Membership, Role, User
from audit.models import Action, ChangeRecord
from audit.services import diff
from core.models import Theme
from core.sanitise import clean_html
from demo.diffusion import FamilySpec, Member, Root, design_families, partner_ties, simulate_family
from demo.images import illustration
from innovations import catalogue
from innovations import services as innovation_services
from innovations.models import (
    Adoption,
    CatalogueEntry,
    Classification,
    Innovation,
    InnovationImage,
    Partnership,
    StageEvent,
)
from innovations.services import EDITABLE_FIELDS, TRANSLATED, innovation_search_document
from innovations.vocabulary import (
    Channel,
    Dimension,
    IdeaSource,
    InnovationType,
    Motivation,
    Novelty,
    Outcome,
    PartnerRole,
    Stage,
    Status,
    StrategyLink,
)
from organisations import services as organisation_services
from organisations.identifiers import business_id_with_check_digit
from organisations.models import Network, Organisation, OrganisationKind, Region, WellbeingCounty

DEFAULT_SEED = 2022
DEFAULT_INNOVATIONS = 2000  # about how many innovation records the demo makes
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - a documented demo password, printed by the command
DEMO_EMAIL_DOMAIN = "demo.innoverkko.invalid"
NETWORK_SLUG = "innokaupungit"
FIRST_DAY = datetime.date(2015, 1, 1)
LAST_DAY = datetime.date(2026, 12, 31)
FIRST_YEAR = 2008  # adoption histories start here
COUNTIES_FROM = datetime.date(2023, 1, 1)  # the wellbeing services counties exist from this day
# Published innovations that get a demo picture (each drawn at load time: about 0.15 s apiece).
ILLUSTRATIONS = 8

# username, role shown to people, organisation (by Finnish name) and its role, superuser
DEMO_USERS = (
    ("admin", "platform administrator", None, None, True),
    ("espoo-admin", "organisation administrator of Espoo", "Espoo", Role.ADMIN, False),
    ("tampere-editor", "organisation editor of Tampere", "Tampere", Role.EDITOR, False),
    # Kuntaliitto organises the demo barometer rounds: its editors are their barometer team.
    ("barometer-team", "barometer team (editor of Kuntaliitto)", "Suomen Kuntaliitto", Role.EDITOR, False),
    ("resident", "registered user", None, None, False),
)

NOTE = {
    "fi": "Tämä on synteettinen esimerkkitietue: organisaatio, päivämäärät ja tulokset ovat keksittyjä.",
    "sv": "Detta är en syntetisk exempelpost: organisationen, datumen och resultaten är påhittade.",
    "en": "This is a synthetic example record: the organisation, dates and results are made up.",
}
ORG_NOTE = {
    "fi": "Esittelyaineiston tietue: organisaation innovaatiot ja kumppanuudet ovat keksittyjä.",
    "sv": "Demonstrationspost: organisationens innovationer och partnerskap är påhittade.",
    "en": "Demo record: this organisation's innovations and partnerships are made up.",
}

# --- Vocabulary --------------------------------------------------------------------------------------------

THEMES = (
    (
        "hyvinvointi-ja-terveysteknologia",
        "Hyvinvointi- ja terveysteknologia",
        "Välfärds- och hälsoteknologi",
        "Wellbeing and health technology",
    ),
    ("vihrea-siirtyma", "Vihreä siirtymä", "Grön omställning", "Green transition"),
    ("digitalisaatio", "Digitalisaatio", "Digitalisering", "Digitalisation"),
    ("kiertotalous", "Kiertotalous", "Cirkulär ekonomi", "Circular economy"),
    ("alykas-liikkuminen", "Älykäs liikkuminen", "Smart mobilitet", "Smart mobility"),
    ("kasvatus-ja-oppiminen", "Kasvatus ja oppiminen", "Fostran och lärande", "Education and learning"),
    ("ikaantyneiden-palvelut", "Ikääntyneiden palvelut", "Tjänster för äldre", "Services for older people"),
    ("lapset-ja-nuoret", "Lapset ja nuoret", "Barn och unga", "Children and young people"),
    ("tyollisyys-ja-osaaminen", "Työllisyys ja osaaminen", "Sysselsättning och kompetens", "Employment and skills"),
    (
        "osallisuus-ja-demokratia",
        "Osallisuus ja demokratia",
        "Delaktighet och demokrati",
        "Participation and democracy",
    ),
    ("kulttuuri-ja-vapaa-aika", "Kulttuuri ja vapaa-aika", "Kultur och fritid", "Culture and leisure"),
    ("turvallisuus", "Turvallisuus", "Säkerhet", "Safety and security"),
    (
        "kaupunkisuunnittelu-ja-asuminen",
        "Kaupunkisuunnittelu ja asuminen",
        "Stadsplanering och boende",
        "Urban planning and housing",
    ),
    ("energia-ja-ilmasto", "Energia ja ilmasto", "Energi och klimat", "Energy and climate"),
)
NETWORK_THEMES = ("hyvinvointi-ja-terveysteknologia", "vihrea-siirtyma", "digitalisaatio")


@dataclass(frozen=True)
class Concept:
    themes: tuple[str, ...]
    type: str
    title: tuple[str, str, str]  # fi, sv, en
    summary: tuple[str, str, str]
    social: bool = False


SRV, PRC, ORG, PRD, COM = (
    InnovationType.SERVICE,
    InnovationType.PROCESS,
    InnovationType.ORGANISATIONAL,
    InnovationType.PRODUCT,
    InnovationType.COMMUNICATION,
)

CONCEPTS = (
    Concept(
        ("digitalisaatio", "lapset-ja-nuoret"),
        SRV,
        ("Digitaalinen asiointipalvelu perheille", "Digital e-tjänst för familjer", "Digital service for families"),
        (
            "Perheiden palvelut yhdessä digitaalisessa palvelussa: hakemukset, ajanvaraus ja viestit samassa paikassa.",
            "Familjernas tjänster i en digital tjänst: ansökningar, tidsbokning och meddelanden på ett ställe.",
            "Family services in one digital service: applications, appointments and messages in one place.",
        ),
    ),
    Concept(
        ("hyvinvointi-ja-terveysteknologia", "ikaantyneiden-palvelut"),
        SRV,
        ("Etäkotihoito videoyhteydellä", "Distanshemvård via videolänk", "Remote home care by video"),
        (
            "Kotihoidon asiakkaat saavat osan käynneistä videoyhteydellä, mikä vapauttaa hoitajien aikaa ja tukee "
            "asiakkaiden hyvinvointia.",
            "Hemvårdens klienter får en del av besöken via videolänk, vilket frigör vårdarnas tid och stöder "
            "klienternas välbefinnande.",
            "Home care clients receive some of their visits by video, which frees nurses' time and supports the "
            "clients' wellbeing.",
        ),
    ),
    Concept(
        ("osallisuus-ja-demokratia",),
        SRV,
        ("Osallistuva budjetointi", "Medborgarbudget", "Participatory budgeting"),
        (
            "Asukkaat ideoivat ja äänestävät, mihin osa kaupungin budjetista käytetään.",
            "Invånarna föreslår och röstar om hur en del av stadens budget används.",
            "Residents propose and vote on how part of the city's budget is spent.",
        ),
        social=True,
    ),
    Concept(
        ("vihrea-siirtyma", "energia-ja-ilmasto"),
        PRC,
        (
            "Hiilineutraalien hankintojen kriteeristö",
            "Kriterier för koldioxidneutral upphandling",
            "Criteria for carbon-neutral procurement",
        ),
        (
            "Yhteiset ympäristökriteerit kaupungin hankintoihin; kokeilu aloitettiin rakennushankkeista.",
            "Gemensamma miljökriterier för stadens upphandlingar; försöket inleddes med byggprojekt.",
            "Shared environmental criteria for the city's procurement; the experiment started with construction "
            "projects.",
        ),
    ),
    Concept(
        ("lapset-ja-nuoret", "digitalisaatio"),
        SRV,
        ("Nuorten matalan kynnyksen chat", "Lågtröskelchatt för unga", "Low-threshold chat for young people"),
        (
            "Nuoret saavat nimettömänä keskusteluapua ammattilaiselta iltaisin ja viikonloppuisin.",
            "Unga får anonymt samtalsstöd av en yrkesperson på kvällar och veckoslut.",
            "Young people get anonymous counselling from a professional in the evenings and at weekends.",
        ),
        social=True,
    ),
    Concept(
        ("ikaantyneiden-palvelut", "hyvinvointi-ja-terveysteknologia"),
        SRV,
        ("Ikäihmisten liikuntaresepti", "Motionsrecept för äldre", "Exercise prescription for older people"),
        (
            "Terveydenhuolto ohjaa ikäihmisiä maksuttomiin liikuntaryhmiin, joiden vaikutusta hyvinvointiin seurataan.",
            "Hälsovården hänvisar äldre till avgiftsfria motionsgrupper vars effekt på välbefinnandet följs upp.",
            "Health care refers older people to free exercise groups whose effect on wellbeing is followed up.",
        ),
    ),
    Concept(
        ("alykas-liikkuminen",),
        SRV,
        ("Kutsuohjattu joukkoliikenne", "Anropsstyrd kollektivtrafik", "Demand-responsive public transport"),
        (
            "Pienbussit ajavat tilausten mukaan harvaan asutuilla alueilla; kyydin voi tilata sovelluksella tai "
            "puhelimella.",
            "Minibussar kör enligt beställningar i glesbygden; resan kan beställas i en app eller per telefon.",
            "Minibuses run on demand in sparsely populated areas; rides are booked in an app or by phone.",
        ),
    ),
    Concept(
        ("kiertotalous", "kulttuuri-ja-vapaa-aika"),
        SRV,
        ("Tavaralainaamo kirjastossa", "Sakbibliotek på biblioteket", "Library of things"),
        (
            "Kirjastosta voi lainata työkaluja, urheiluvälineitä ja laitteita kirjojen tapaan.",
            "Från biblioteket kan man låna verktyg, sportutrustning och apparater på samma sätt som böcker.",
            "Tools, sports equipment and appliances can be borrowed from the library just like books.",
        ),
    ),
    Concept(
        ("tyollisyys-ja-osaaminen",),
        ORG,
        (
            "Työllisyyden yhden luukun palvelupiste",
            "Servicepunkt för sysselsättning med en lucka",
            "One-stop employment service point",
        ),
        (
            "Kunnan, työvoimapalveluiden ja oppilaitosten palvelut samassa paikassa työtä hakeville.",
            "Kommunens, arbetskraftstjänsternas och läroanstalternas tjänster på ett ställe för arbetssökande.",
            "Services of the municipality, employment services and educational institutions in one place for job "
            "seekers.",
        ),
    ),
    Concept(
        ("kasvatus-ja-oppiminen", "digitalisaatio"),
        PRC,
        ("Tekoälyavusteinen oppimisen tuki", "AI-stött lärande", "AI-assisted learning support"),
        (
            "Peruskoulun oppilaat harjoittelevat matematiikkaa tekoälyn avulla; opettaja näkee edistymisen.",
            "Grundskolans elever övar matematik med hjälp av AI; läraren ser framstegen.",
            "Comprehensive school pupils practise maths with AI support; the teacher sees their progress.",
        ),
    ),
    Concept(
        ("kaupunkisuunnittelu-ja-asuminen", "digitalisaatio"),
        PRC,
        ("Kaupungin digitaalinen kaksonen", "Stadens digitala tvilling", "Digital twin of the city"),
        (
            "Kolmiulotteinen kaupunkimalli kaavoituksen, rakennuslupien ja asukasvuorovaikutuksen tueksi.",
            "En tredimensionell stadsmodell som stöd för planläggning, bygglov och dialog med invånarna.",
            "A three-dimensional city model supporting land-use planning, building permits and dialogue with "
            "residents.",
        ),
    ),
    Concept(
        ("energia-ja-ilmasto", "kasvatus-ja-oppiminen"),
        COM,
        ("Koulujen energiansäästökisa", "Energisparstävling mellan skolor", "Energy-saving contest between schools"),
        (
            "Koulut kilpailevat energiankulutuksen vähentämisestä; oppilaat seuraavat mittareita näytöltä.",
            "Skolorna tävlar om att minska energiförbrukningen; eleverna följer mätarna på en skärm.",
            "Schools compete to cut their energy use; pupils follow the meters on a screen.",
        ),
    ),
    Concept(
        ("hyvinvointi-ja-terveysteknologia", "ikaantyneiden-palvelut"),
        PRD,
        ("Lääkeannosteluautomaatti kotiin", "Läkemedelsautomat för hemmet", "Home medicine dispenser"),
        (
            "Automaatti muistuttaa ja annostelee lääkkeet oikeaan aikaan; kotihoito saa ilmoituksen, jos annos jää "
            "ottamatta.",
            "Automaten påminner och doserar läkemedlen i rätt tid; hemvården får ett meddelande om en dos inte tas.",
            "The device reminds and dispenses medicines at the right time; home care is alerted if a dose is missed.",
        ),
    ),
    Concept(
        ("turvallisuus", "lapset-ja-nuoret"),
        SRV,
        (
            "Turvalliset koulumatkat asukkaiden kanssa",
            "Trygga skolvägar tillsammans med invånarna",
            "Safe routes to school with residents",
        ),
        (
            "Lapset ja vanhemmat merkitsevät karttapalveluun vaaralliset kohdat, jotka korjataan katusuunnitelmassa.",
            "Barn och föräldrar markerar farliga ställen på en karttjänst och de åtgärdas i gatuplanen.",
            "Children and parents mark dangerous spots on an online map, and they are fixed in the street plan.",
        ),
        social=True,
    ),
    Concept(
        ("kulttuuri-ja-vapaa-aika",),
        SRV,
        ("Kulttuurikaveritoiminta", "Kulturkompisverksamhet", "Culture buddy scheme"),
        (
            "Vapaaehtoiset kulttuurikaverit lähtevät seuraksi teatteriin, konserttiin tai museoon.",
            "Frivilliga kulturkompisar följer med på teater, konsert eller museum.",
            "Volunteer culture buddies go along to the theatre, concerts or museums.",
        ),
        social=True,
    ),
    Concept(
        ("digitalisaatio",),
        PRC,
        (
            "Ohjelmistorobotiikka taloushallinnossa",
            "Programvarurobotik i ekonomiförvaltningen",
            "Robotic process automation in financial administration",
        ),
        (
            "Ohjelmistorobotit käsittelevät ostolaskut ja täsmäytykset, ja henkilöstö keskittyy vaativampiin "
            "tehtäviin.",
            "Programvarurobotar hanterar inköpsfakturor och avstämningar, och personalen fokuserar på mer krävande "
            "uppgifter.",
            "Software robots process purchase invoices and reconciliations, and staff focus on more demanding tasks.",
        ),
    ),
    Concept(
        ("alykas-liikkuminen", "vihrea-siirtyma"),
        SRV,
        ("Kaupunkipyörät", "Stadscyklar", "City bikes"),
        (
            "Asukkaat ja matkailijat vuokraavat pyörän asemalta sovelluksella; kausimaksuun sisältyy rajaton määrä "
            "lyhyitä matkoja.",
            "Invånare och turister hyr en cykel vid en station med en app; säsongsavgiften omfattar obegränsat med "
            "korta resor.",
            "Residents and visitors rent a bike at a station with an app; the season fee covers unlimited short trips.",
        ),
    ),
    Concept(
        ("ikaantyneiden-palvelut",),
        ORG,
        (
            "Ikäystävällisen kunnan toimintamalli",
            "Verksamhetsmodell för en äldrevänlig kommun",
            "Age-friendly municipality model",
        ),
        (
            "Kunnan kaikki toimialat arvioivat päätöstensä vaikutukset ikäihmisiin yhteisellä työkalulla.",
            "Kommunens alla sektorer bedömer besluts konsekvenser för äldre med ett gemensamt verktyg.",
            "Every department of the municipality assesses how its decisions affect older people with a shared tool.",
        ),
        social=True,
    ),
    Concept(
        ("osallisuus-ja-demokratia",),
        COM,
        ("Asukasraati", "Medborgarpanel", "Citizens' jury"),
        (
            "Satunnaisesti valitut asukkaat perehtyvät kysymykseen ja antavat valtuustolle suosituksen.",
            "Slumpmässigt utvalda invånare sätter sig in i en fråga och ger fullmäktige en rekommendation.",
            "Randomly selected residents study a question and give the council a recommendation.",
        ),
        social=True,
    ),
    Concept(
        ("lapset-ja-nuoret", "hyvinvointi-ja-terveysteknologia"),
        ORG,
        ("Perhekeskusmalli", "Familjecentermodell", "Family centre model"),
        (
            "Lasten ja perheiden palvelut kootaan perhekeskukseen; neuvola, perhetyö ja järjestöt toimivat yhdessä.",
            "Barn- och familjetjänster samlas i ett familjecenter; rådgivningen, familjearbetet och "
            "organisationerna arbetar tillsammans.",
            "Services for children and families are brought together in a family centre; child health clinics, "
            "family work and associations work together.",
        ),
        social=True,
    ),
    Concept(
        ("digitalisaatio",),
        SRV,
        ("Chatbot kaupungin neuvontaan", "Chattbot för stadens rådgivning", "Chatbot for city information"),
        (
            "Digitaalinen palvelu vastaa yleisimpiin kysymyksiin ympäri vuorokauden kolmella kielellä.",
            "En digital tjänst svarar på de vanligaste frågorna dygnet runt på tre språk.",
            "A digital service answers the most common questions round the clock in three languages.",
        ),
    ),
    Concept(
        ("kiertotalous", "kaupunkisuunnittelu-ja-asuminen"),
        PRC,
        (
            "Rakennusmateriaalien kierrätysalusta",
            "Återvinningsplattform för byggmaterial",
            "Platform for reusing construction materials",
        ),
        (
            "Purkukohteiden materiaalit listataan alustalle, josta toiset rakennushankkeet voivat hyödyntää ne.",
            "Material från rivningsobjekt listas på en plattform där andra byggprojekt kan använda dem.",
            "Materials from demolition sites are listed on a platform where other construction projects can use them.",
        ),
    ),
    Concept(
        ("tyollisyys-ja-osaaminen", "lapset-ja-nuoret"),
        SRV,
        ("Nuorten kesätyöseteli", "Sommarjobbssedel för unga", "Summer job voucher for young people"),
        (
            "Yritys saa tuen palkatessaan nuoren kesätöihin; seteli haetaan digitaalisesti.",
            "Ett företag får stöd när det anställer en ung person för sommaren; sedeln söks digitalt.",
            "A company gets support when it hires a young person for the summer; the voucher is applied for online.",
        ),
    ),
    Concept(
        ("hyvinvointi-ja-terveysteknologia", "digitalisaatio"),
        SRV,
        ("Digitaalinen terveystarkastus", "Digital hälsokontroll", "Digital health check"),
        (
            "Asukas täyttää verkossa terveyskyselyn ja saa oman hyvinvointisuunnitelman; riskiryhmät kutsutaan "
            "vastaanotolle.",
            "Invånaren fyller i en hälsoenkät på nätet och får en egen välfärdsplan; riskgrupper kallas till "
            "mottagningen.",
            "Residents fill in a health questionnaire online and get a personal wellbeing plan; people at risk "
            "are invited to an appointment.",
        ),
    ),
    Concept(
        ("kasvatus-ja-oppiminen", "vihrea-siirtyma"),
        SRV,
        ("Ulkona oppimisen ympäristöt", "Utomhusmiljöer för lärande", "Outdoor learning environments"),
        (
            "Koulujen lähimetsiin ja puistoihin rakennetaan opetustiloja; kokeilu lisäsi oppilaiden liikkumista.",
            "Undervisningsplatser byggs i skolornas närskogar och parker; försöket ökade elevernas rörelse.",
            "Teaching spaces are built in the woods and parks near schools; the experiment increased pupils' "
            "physical activity.",
        ),
    ),
    Concept(
        ("energia-ja-ilmasto", "digitalisaatio"),
        PRC,
        (
            "Kiinteistöjen energiadatan reaaliaikainen seuranta",
            "Realtidsuppföljning av fastigheternas energidata",
            "Real-time monitoring of building energy data",
        ),
        (
            "Kaupungin kiinteistöjen sähkö-, lämpö- ja vesidata kootaan yhteen näkymään, joka hälyttää poikkeamista.",
            "El-, värme- och vattendata från stadens fastigheter samlas i en vy som larmar om avvikelser.",
            "Electricity, heating and water data of the city's buildings is gathered in one view that raises an "
            "alarm on anomalies.",
        ),
    ),
    Concept(
        ("kaupunkisuunnittelu-ja-asuminen", "kulttuuri-ja-vapaa-aika"),
        SRV,
        (
            "Tyhjien tilojen väliaikaiskäyttö",
            "Tillfällig användning av tomma lokaler",
            "Temporary use of empty premises",
        ),
        (
            "Tyhjät liiketilat annetaan määräajaksi yhdistysten, taiteilijoiden ja yrittäjien kokeiluihin.",
            "Tomma affärslokaler lånas ut för en viss tid till försök av föreningar, konstnärer och företagare.",
            "Empty shop premises are lent for a fixed term to experiments by associations, artists and entrepreneurs.",
        ),
    ),
    Concept(
        ("alykas-liikkuminen", "energia-ja-ilmasto"),
        PRD,
        ("Sähköiset koulukuljetukset", "Elektriska skolskjutsar", "Electric school transport"),
        (
            "Koulukuljetukset siirretään sähköautoihin ja reitit suunnitellaan digitaalisesti.",
            "Skolskjutsarna flyttas till elbilar och rutterna planeras digitalt.",
            "School transport moves to electric vehicles and the routes are planned digitally.",
        ),
    ),
    Concept(
        ("turvallisuus", "digitalisaatio"),
        PRC,
        ("Yhteinen tilannekuva kriiseihin", "Gemensam lägesbild för kriser", "Shared situational picture for crises"),
        (
            "Kunta, pelastuslaitos ja hyvinvointialue jakavat tilannekuvan yhteisellä alustalla.",
            "Kommunen, räddningsverket och välfärdsområdet delar en lägesbild på en gemensam plattform.",
            "The municipality, the rescue service and the wellbeing services county share a situational picture on "
            "one platform.",
        ),
    ),
    Concept(
        ("kulttuuri-ja-vapaa-aika", "kasvatus-ja-oppiminen"),
        COM,
        ("Kirjaston podcast-studio", "Bibliotekets podcaststudio", "Library podcast studio"),
        (
            "Asukkaat voivat varata kirjastosta studion ja tuottaa omia podcasteja ohjauksen kanssa.",
            "Invånarna kan boka en studio på biblioteket och producera egna poddar med handledning.",
            "Residents can book a studio at the library and produce their own podcasts with guidance.",
        ),
    ),
    Concept(
        ("ikaantyneiden-palvelut", "digitalisaatio"),
        SRV,
        ("Virtuaaliset päivätoiminnan ryhmät", "Virtuella dagverksamhetsgrupper", "Virtual day activity groups"),
        (
            "Kotona asuvat ikäihmiset osallistuvat jumppaan, muistiryhmiin ja keskusteluihin tabletilla.",
            "Äldre som bor hemma deltar i gymnastik, minnesgrupper och samtal med en surfplatta.",
            "Older people living at home take part in exercise, memory groups and conversations on a tablet.",
        ),
    ),
    Concept(
        ("digitalisaatio", "osallisuus-ja-demokratia"),
        ORG,
        ("Innovaatiolaboratorio", "Innovationslaboratorium", "Innovation lab"),
        (
            "Keskitetty innovaatioyksikkö koordinoi kokeiluja, tukee johtoryhmää ja kokoaa ideat henkilöstöltä ja "
            "asukkailta.",
            "En central innovationsenhet samordnar försök, stöder ledningsgruppen och samlar idéer från personal och "
            "invånare.",
            "A central innovation unit coordinates experiments, supports the management group and gathers ideas "
            "from staff and residents.",
        ),
    ),
    Concept(
        ("osallisuus-ja-demokratia", "tyollisyys-ja-osaaminen"),
        PRC,
        ("Henkilöstön ideakanava", "Personalens idékanal", "Staff idea channel"),
        (
            "Työntekijät jättävät kehitysideoita digitaaliseen kanavaan; parhaat viedään kokeiluun kolmessa "
            "kuukaudessa.",
            "De anställda lämnar utvecklingsidéer i en digital kanal; de bästa prövas inom tre månader.",
            "Employees submit development ideas in a digital channel; the best are taken to an experiment within "
            "three months.",
        ),
    ),
    Concept(
        ("vihrea-siirtyma", "energia-ja-ilmasto"),
        COM,
        ("Ilmastovahti", "Klimatvakten", "Climate watch"),
        (
            "Avoin verkkopalvelu näyttää kaupungin ilmastotoimien etenemisen ja päästöt.",
            "En öppen webbtjänst visar hur stadens klimatåtgärder framskrider och hur utsläppen utvecklas.",
            "An open web service shows the progress of the city's climate actions and its emissions.",
        ),
    ),
    Concept(
        ("lapset-ja-nuoret", "kulttuuri-ja-vapaa-aika"),
        SRV,
        (
            "Maksuton harrastus koulupäivän yhteydessä",
            "Avgiftsfri hobby i anslutning till skoldagen",
            "Free hobbies after the school day",
        ),
        (
            "Koulupäivän yhteydessä tarjotaan maksuttomia harrastuksia lasten toiveiden mukaan.",
            "I anslutning till skoldagen erbjuds avgiftsfria hobbyer enligt barnens önskemål.",
            "Free hobbies chosen by the children are offered right after the school day.",
        ),
        social=True,
    ),
    Concept(
        ("tyollisyys-ja-osaaminen", "digitalisaatio"),
        PRC,
        (
            "Osaamiskartoitus maahan muuttaneille",
            "Kompetenskartläggning för inflyttade",
            "Skills mapping for immigrants",
        ),
        (
            "Maahan muuttaneiden osaaminen kartoitetaan digitaalisesti omalla kielellä, ja heidät ohjataan "
            "koulutukseen tai työhön.",
            "Inflyttades kompetens kartläggs digitalt på deras eget språk, och de vägleds till utbildning eller "
            "arbete.",
            "Immigrants' skills are mapped digitally in their own language, and they are guided to training or work.",
        ),
        social=True,
    ),
    Concept(
        ("hyvinvointi-ja-terveysteknologia",),
        PRC,
        ("Tekoälyavusteinen kirjaaminen", "AI-stödd journalföring", "AI-assisted clinical documentation"),
        (
            "Puheentunnistus ja tekoäly tekevät luonnoksen potilaskirjauksesta; hoitajan aikaa vapautuu asiakastyöhön.",
            "Taligenkänning och AI gör ett utkast till journalanteckningen; vårdarens tid frigörs för klientarbete.",
            "Speech recognition and AI draft the patient record entry; nurses' time is freed for client work.",
        ),
    ),
    Concept(
        ("kiertotalous", "kasvatus-ja-oppiminen"),
        SRV,
        ("Koulujen ruokahävikin vähentäminen", "Minskat matsvinn i skolorna", "Cutting food waste in schools"),
        (
            "Ylijäämäruoka myydään edullisesti asukkaille sovelluksen kautta, ja hävikkiä mitataan päivittäin.",
            "Överbliven mat säljs billigt till invånarna via en app, och svinnet mäts dagligen.",
            "Leftover food is sold cheaply to residents through an app, and waste is measured every day.",
        ),
    ),
    Concept(
        ("kaupunkisuunnittelu-ja-asuminen", "osallisuus-ja-demokratia"),
        ORG,
        ("Kaavoituksen yhteiskehittäminen", "Samutveckling av planläggningen", "Co-development of land-use planning"),
        (
            "Asukkaat, yritykset ja kaupunki suunnittelevat alueen yhdessä työpajoissa ennen kaavaluonnosta.",
            "Invånare, företag och staden planerar området tillsammans i verkstäder före planutkastet.",
            "Residents, companies and the city plan the area together in workshops before the draft plan.",
        ),
    ),
    Concept(
        ("digitalisaatio", "kaupunkisuunnittelu-ja-asuminen"),
        SRV,
        ("Sähköinen rakennuslupa", "Elektroniskt bygglov", "Electronic building permit"),
        (
            "Rakennuslupa haetaan ja käsitellään kokonaan digitaalisesti; käsittelyaika lyheni kolmanneksella.",
            "Bygglovet söks och behandlas helt digitalt; handläggningstiden förkortades med en tredjedel.",
            "Building permits are applied for and processed entirely online; processing time fell by a third.",
        ),
    ),
    Concept(
        ("energia-ja-ilmasto", "vihrea-siirtyma"),
        SRV,
        ("Aurinkosähkön yhteishankinta", "Gemensam upphandling av solel", "Joint purchase of solar power"),
        (
            "Kunta kilpailuttaa aurinkopaneelit asukkaille ja yrityksille; yhteishankinta laskee hintaa.",
            "Kommunen konkurrensutsätter solpaneler för invånare och företag; den gemensamma upphandlingen sänker "
            "priset.",
            "The municipality tenders solar panels for residents and companies; buying together lowers the price.",
        ),
    ),
    Concept(
        ("turvallisuus", "ikaantyneiden-palvelut"),
        SRV,
        (
            "Ikäihmisten kotien turvallisuuskäynnit",
            "Säkerhetsbesök i äldres hem",
            "Home safety visits for older people",
        ),
        (
            "Pelastuslaitos ja kotihoito tekevät yhteisiä käyntejä, joissa tarkistetaan palovaroittimet ja "
            "kaatumisriskit.",
            "Räddningsverket och hemvården gör gemensamma besök där brandvarnare och fallrisker kontrolleras.",
            "The rescue service and home care make joint visits that check smoke alarms and the risk of falls.",
        ),
    ),
    Concept(
        ("kasvatus-ja-oppiminen",),
        COM,
        ("Vanhempainillat verkossa", "Föräldramöten på nätet", "Online parents' evenings"),
        (
            "Koulut järjestävät vanhempainillat verkossa tekstitettynä ja tulkattuna useille kielille.",
            "Skolorna ordnar föräldramöten på nätet, textade och tolkade till flera språk.",
            "Schools hold parents' evenings online, subtitled and interpreted into several languages.",
        ),
    ),
    Concept(
        ("kulttuuri-ja-vapaa-aika", "hyvinvointi-ja-terveysteknologia"),
        SRV,
        ("Kulttuurilähete", "Kulturremiss", "Culture on prescription"),
        (
            "Sosiaali- ja terveydenhuollon ammattilainen ohjaa asiakkaan kulttuuritoimintaan hyvinvoinnin tueksi.",
            "En yrkesperson inom social- och hälsovården hänvisar klienten till kulturverksamhet som stöd för "
            "välbefinnandet.",
            "A health or social care professional refers the client to cultural activities to support their wellbeing.",
        ),
        social=True,
    ),
    Concept(
        ("alykas-liikkuminen", "digitalisaatio"),
        PRC,
        ("Pysäköinnin dynaaminen hinnoittelu", "Dynamisk prissättning av parkering", "Dynamic parking pricing"),
        (
            "Pysäköintimaksu vaihtelee käyttöasteen mukaan; tieto välittyy sovellukseen reaaliajassa.",
            "Parkeringsavgiften varierar med beläggningen; informationen förmedlas till en app i realtid.",
            "The parking fee varies with occupancy; the information reaches an app in real time.",
        ),
    ),
    Concept(
        ("hyvinvointi-ja-terveysteknologia",),
        ORG,
        (
            "Sosiaali- ja terveyspalvelujen yhteinen asiakasohjaus",
            "Gemensam kundstyrning i social- och hälsovården",
            "Joint client guidance for health and social services",
        ),
        (
            "Yksi yhteystieto ohjaa asiakkaan oikeaan sosiaali- tai terveyspalveluun ensimmäisellä kerralla.",
            "En enda kontaktpunkt styr klienten till rätt social- eller hälsotjänst redan första gången.",
            "A single point of contact guides the client to the right health or social service the first time.",
        ),
    ),
    Concept(
        ("vihrea-siirtyma", "kaupunkisuunnittelu-ja-asuminen"),
        PRC,
        (
            "Hulevesien luonnonmukainen hallinta",
            "Naturbaserad dagvattenhantering",
            "Nature-based stormwater management",
        ),
        (
            "Viherkatot, sadepuutarhat ja kosteikot vähentävät tulvia ja parantavat vesien laatua.",
            "Gröna tak, regnträdgårdar och våtmarker minskar översvämningar och förbättrar vattenkvaliteten.",
            "Green roofs, rain gardens and wetlands reduce flooding and improve water quality.",
        ),
    ),
    Concept(
        ("osallisuus-ja-demokratia", "lapset-ja-nuoret"),
        SRV,
        (
            "Nuorisovaltuuston digitaalinen aloitekanava",
            "Ungdomsfullmäktiges digitala initiativkanal",
            "Youth council's digital initiative channel",
        ),
        (
            "Nuoret tekevät ja kannattavat aloitteita verkossa; nuorisovaltuusto vie suosituimmat päätöksentekoon.",
            "Unga lämnar och stöder initiativ på nätet; ungdomsfullmäktige för de populäraste vidare till "
            "beslutsfattandet.",
            "Young people make and support initiatives online; the youth council takes the most popular ones to the "
            "decision makers.",
        ),
        social=True,
    ),
)

# Changes an adapter typically makes, for the description of an adaptation.
ADAPTATIONS = (
    ("kohderyhmää", "målgruppen", "the target group"),
    ("toteutuksen laajuutta", "omfattningen", "the scale of implementation"),
    ("kumppaneita ja rahoitusta", "partnerna och finansieringen", "the partners and funding"),
    ("digitaalista alustaa", "den digitala plattformen", "the digital platform"),
    ("palveluprosessia", "serviceprocessen", "the service process"),
    ("viestintää asukkaille", "kommunikationen till invånarna", "communication with residents"),
)
EXTERNAL_SOURCES = (
    "Kansainvälinen kaupunkiverkosto (EU-hanke)",
    "Pohjoismainen kuntayhteistyö",
    "Euroopan innovaatiopääkaupunkikilpailun aineistot",
)
STAGE_SENTENCE = {
    Stage.IDEA: ("Idea odottaa kokeilua.", "Idén väntar på ett försök.", "The idea is waiting for an experiment."),
    Stage.DEVELOPMENT: (
        "Ratkaisua kehitetään yhdessä käyttäjien kanssa.",
        "Lösningen utvecklas tillsammans med användarna.",
        "The solution is being developed together with its users.",
    ),
    Stage.EXPERIMENT: (
        "Kokeilu on käynnissä, ja sen tuloksia mitataan.",
        "Försöket pågår och resultaten mäts.",
        "The experiment is running and its results are being measured.",
    ),
    Stage.IN_USE: (
        "Ratkaisu otettiin pysyvään käyttöön kokeilun jälkeen.",
        "Lösningen togs i permanent bruk efter försöket.",
        "The solution was taken into permanent use after the experiment.",
    ),
    Stage.SPREADING: (
        "Ratkaisu on levinnyt useisiin muihin organisaatioihin.",
        "Lösningen har spridits till flera andra organisationer.",
        "The solution has spread to several other organisations.",
    ),
    Stage.DISCONTINUED: (
        "Toiminta päättyi, mutta opit on jaettu muille.",
        "Verksamheten upphörde, men lärdomarna har delats med andra.",
        "The activity ended, but the lessons were shared with others.",
    ),
}
FIRST_NAMES = (
    "Anna",
    "Mikko",
    "Laura",
    "Jussi",
    "Sanna",
    "Antti",
    "Maria",
    "Timo",
    "Elina",
    "Ville",
    "Johanna",
    "Petri",
    "Katja",
    "Juha",
    "Henna",
    "Markus",
    "Linnea",
    "Oskari",
    "Aino",
    "Emil",
)
LAST_NAMES = (
    "Virtanen",
    "Korhonen",
    "Mäkinen",
    "Nieminen",
    "Lindqvist",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Salonen",
    "Holmström",
    "Laine",
    "Hämäläinen",
    "Karjalainen",
    "Rantanen",
    "Sjöberg",
)

# --- Organisations -----------------------------------------------------------------------------------------

# Neighbouring regions (by Statistics Finland's code): adoptions spread to these before the rest of the country.
NEIGHBOURS = {
    "01": ("02", "05", "07", "08"),
    "02": ("01", "04", "05", "06", "21"),
    "04": ("02", "05", "06", "14", "15"),
    "05": ("01", "02", "04", "06", "07"),
    "06": ("02", "04", "05", "07", "13", "14"),
    "07": ("01", "05", "06", "08", "10", "13"),
    "08": ("01", "07", "09", "10"),
    "09": ("08", "10"),
    "10": ("07", "08", "09", "11", "12", "13"),
    "11": ("10", "12", "13", "17", "18"),
    "12": ("10", "11", "18"),
    "13": ("06", "07", "10", "11", "14", "16", "17"),
    "14": ("04", "06", "13", "15", "16"),
    "15": ("04", "14", "16"),
    "16": ("13", "14", "15", "17"),
    "17": ("11", "13", "16", "18", "19"),
    "18": ("11", "12", "17", "19"),
    "19": ("17", "18"),
    "21": ("02",),
}
# The 19 university cities of the Innokaupungit network.
INNOKAUPUNGIT = (
    "Helsinki",
    "Espoo",
    "Vantaa",
    "Turku",
    "Tampere",
    "Oulu",
    "Jyväskylä",
    "Kuopio",
    "Lahti",
    "Pori",
    "Joensuu",
    "Lappeenranta",
    "Vaasa",
    "Seinäjoki",
    "Rovaniemi",
    "Kokkola",
    "Kajaani",
    "Mikkeli",
    "Hämeenlinna",
)
# Big cities whose innovations most others adapt or copy, with their share of the originals.
ORIGINATORS = (
    ("Helsinki", 7),
    ("Espoo", 6),
    ("Tampere", 7),
    ("Vantaa", 4),
    ("Oulu", 5),
    ("Turku", 4),
    ("Jyväskylä", 3),
    ("Kuopio", 3),
    ("Lahti", 2),
)

REGIONAL_COUNCILS = {
    "01": ("Uudenmaan liitto", "Nylands förbund", "Helsinki-Uusimaa Regional Council"),
    "02": ("Varsinais-Suomen liitto", "Egentliga Finlands förbund", "Regional Council of Southwest Finland"),
    "04": ("Satakuntaliitto", "Satakunta förbund", "Regional Council of Satakunta"),
    "05": ("Hämeen liitto", "Tavastlands förbund", "Häme Regional Council"),
    "06": ("Pirkanmaan liitto", "Birkalands förbund", "Council of Tampere Region"),
    "07": ("Päijät-Hämeen liitto", "Päijänne-Tavastlands förbund", "Regional Council of Päijät-Häme"),
    "08": ("Kymenlaakson liitto", "Kymmenedalens förbund", "Regional Council of Kymenlaakso"),
    "09": ("Etelä-Karjalan liitto", "Södra Karelens förbund", "Regional Council of South Karelia"),
    "10": ("Etelä-Savon maakuntaliitto", "Södra Savolax landskapsförbund", "Regional Council of South Savo"),
    "11": ("Pohjois-Savon liitto", "Norra Savolax förbund", "Regional Council of North Savo"),
    "12": ("Pohjois-Karjalan maakuntaliitto", "Norra Karelens landskapsförbund", "Regional Council of North Karelia"),
    "13": ("Keski-Suomen liitto", "Mellersta Finlands förbund", "Regional Council of Central Finland"),
    "14": ("Etelä-Pohjanmaan liitto", "Södra Österbottens förbund", "Regional Council of South Ostrobothnia"),
    "15": ("Pohjanmaan liitto", "Österbottens förbund", "Regional Council of Ostrobothnia"),
    "16": ("Keski-Pohjanmaan liitto", "Mellersta Österbottens förbund", "Regional Council of Central Ostrobothnia"),
    "17": ("Pohjois-Pohjanmaan liitto", "Norra Österbottens förbund", "Council of Oulu Region"),
    "18": ("Kainuun liitto", "Kajanalands förbund", "Regional Council of Kainuu"),
    "19": ("Lapin liitto", "Lapplands förbund", "Regional Council of Lapland"),
    # Åland has no regional council; its government has the council's tasks.
    "21": ("Ahvenanmaan maakunnan hallitus", "Ålands landskapsregering", "Government of Åland"),
}
COUNTY_NAMES_EN = {"IU": "East Uusimaa", "KU": "Central Uusimaa", "LU": "West Uusimaa", "VK": "Vantaa and Kerava"}


@dataclass(frozen=True)
class OrgSpec:
    """An organisation the demo creates. `key` is stable across runs and databases; names fi, sv, en."""

    key: str
    kind: str
    names: tuple[str, str, str]
    region: str | None = None
    county: str | None = None
    population: int | None = None
    about: tuple[str, str, str] = ("", "", "")


def _same(name: str) -> tuple[str, str, str]:
    return (name, name, name)


def _association(fi: str, sv: str, en: str) -> tuple[str, str, str]:
    return (fi, sv, en)


# Made-up but realistic organisations (universities, companies, associations); real public bodies are named as
# they are, and all of them are flagged synthetic because their innovations and partnerships are made up.
FIXED_ORGS = (
    OrgSpec(
        "uni-jarvisuomi",
        OrganisationKind.UNIVERSITY,
        ("Järvi-Suomen yliopisto", "Insjöfinlands universitet", "University of Lakeland Finland"),
        "11",
    ),
    OrgSpec(
        "uni-pohjanlahti",
        OrganisationKind.UNIVERSITY,
        ("Pohjanlahden yliopisto", "Bottniska vikens universitet", "University of the Gulf of Bothnia"),
        "17",
    ),
    OrgSpec(
        "uni-saimaa",
        OrganisationKind.UNIVERSITY,
        ("Saimaan teknillinen yliopisto", "Saimens tekniska universitet", "Saimaa University of Technology"),
        "09",
    ),
    OrgSpec(
        "uni-itameri",
        OrganisationKind.UNIVERSITY,
        ("Itämeren yliopisto", "Östersjöuniversitetet", "Baltic Sea University"),
        "01",
    ),
    OrgSpec(
        "uni-harju",
        OrganisationKind.UNIVERSITY,
        ("Harjun yliopisto", "Åsens universitet", "University of the Ridge"),
        "06",
    ),
    OrgSpec(
        "uas-kaakko",
        OrganisationKind.UAS,
        ("Kaakon ammattikorkeakoulu", "Yrkeshögskolan i Sydost", "South-East University of Applied Sciences"),
        "08",
    ),
    OrgSpec(
        "uas-rannikko",
        OrganisationKind.UAS,
        ("Rannikon ammattikorkeakoulu", "Kustens yrkeshögskola", "Coastal University of Applied Sciences"),
        "15",
    ),
    OrgSpec(
        "uas-sisamaa",
        OrganisationKind.UAS,
        ("Sisämaan ammattikorkeakoulu", "Inlandets yrkeshögskola", "Inland University of Applied Sciences"),
        "13",
    ),
    OrgSpec(
        "uas-pohjola",
        OrganisationKind.UAS,
        ("Pohjolan ammattikorkeakoulu", "Nordens yrkeshögskola", "Northern University of Applied Sciences"),
        "19",
    ),
    OrgSpec(
        "uas-metropoli",
        OrganisationKind.UAS,
        ("Metropolin ammattikorkeakoulu", "Metropolens yrkeshögskola", "Metropolitan University of Applied Sciences"),
        "01",
    ),
    OrgSpec(
        "ri-hyvinvointi",
        OrganisationKind.RESEARCH_INSTITUTE,
        ("Hyvinvoinnin tutkimuslaitos", "Forskningsinstitutet för välfärd", "Institute for Wellbeing Research"),
        "01",
    ),
    OrgSpec(
        "ri-kunta",
        OrganisationKind.RESEARCH_INSTITUTE,
        ("Kuntatutkimuksen keskus", "Centrum för kommunforskning", "Centre for Municipal Research"),
        "06",
    ),
    OrgSpec("co-kuntadata", OrganisationKind.COMPANY, _same("Kuntadata Oy"), "06"),
    OrgSpec("co-hoivatekno", OrganisationKind.COMPANY, _same("Hoivatekno Oy"), "17"),
    OrgSpec("co-ekokaari", OrganisationKind.COMPANY, _same("Ekokaari Oy"), "02"),
    OrgSpec("co-liikkuvakaupunki", OrganisationKind.COMPANY, _same("Liikkuva Kaupunki Oy"), "01"),
    OrgSpec("co-oppimo", OrganisationKind.COMPANY, _same("Oppimo Oy"), "13"),
    OrgSpec("co-virtajousi", OrganisationKind.COMPANY, _same("Virtajousi Oy"), "11"),
    OrgSpec("co-sovelluspaja", OrganisationKind.COMPANY, _same("Sovelluspaja Nordic Oy"), "01"),
    OrgSpec("co-kiertomaa", OrganisationKind.COMPANY, _same("Kiertomaa Oy"), "07"),
    OrgSpec("co-tekoalytupa", OrganisationKind.COMPANY, _same("Tekoälytupa Oy"), "06"),
    OrgSpec("co-rakennusdata", OrganisationKind.COMPANY, _same("Rakennusdata Suomi Oy"), "02"),
    OrgSpec("co-terveysvirta", OrganisationKind.COMPANY, _same("Terveysvirta Oy"), "12"),
    OrgSpec("co-kide", OrganisationKind.COMPANY, _same("Palvelumuotoilu Kide Oy"), "01"),
    OrgSpec(
        "st-vm", OrganisationKind.MINISTRY, ("Valtiovarainministeriö", "Finansministeriet", "Ministry of Finance"), "01"
    ),
    OrgSpec(
        "st-stm",
        OrganisationKind.MINISTRY,
        (
            "Sosiaali- ja terveysministeriö",
            "Social- och hälsovårdsministeriet",
            "Ministry of Social Affairs and Health",
        ),
        "01",
    ),
    OrgSpec(
        "st-tem",
        OrganisationKind.MINISTRY,
        (
            "Työ- ja elinkeinoministeriö",
            "Arbets- och näringsministeriet",
            "Ministry of Economic Affairs and Employment",
        ),
        "01",
    ),
    OrgSpec(
        "st-ym",
        OrganisationKind.MINISTRY,
        ("Ympäristöministeriö", "Miljöministeriet", "Ministry of the Environment"),
        "01",
    ),
    OrgSpec(
        "st-dvv",
        OrganisationKind.STATE_AGENCY,
        (
            "Digi- ja väestötietovirasto",
            "Myndigheten för digitalisering och befolkningsdata",
            "Digital and Population Data Services Agency",
        ),
        "01",
    ),
    OrgSpec(
        "st-ely-esa",
        OrganisationKind.STATE_AGENCY,
        ("Etelä-Savon ELY-keskus", "NTM-centralen i Södra Savolax", "ELY Centre for South Savo"),
        "10",
    ),
    # Kuntaliitto is a registered association, but it speaks for the municipalities: counting it with the civic
    # third sector would distort the barometer's partner shares, so it is "other".
    OrgSpec(
        "ot-kuntaliitto",
        OrganisationKind.OTHER,
        ("Suomen Kuntaliitto", "Finlands Kommunförbund", "Association of Finnish Municipalities"),
        "01",
    ),
    OrgSpec(
        "ts-kotiseutu",
        OrganisationKind.THIRD_SECTOR,
        ("Kotiseudun Kumppanit ry", "Hembygdens Partner rf", "Home Region Partners association"),
        "13",
    ),
    OrgSpec(
        "ts-nuoret",
        OrganisationKind.THIRD_SECTOR,
        ("Nuorten Tulevaisuus ry", "Ungas Framtid rf", "Youth Future association"),
        "01",
    ),
    OrgSpec(
        "ts-ikaihmiset",
        OrganisationKind.THIRD_SECTOR,
        ("Ikäihmisten Tuki ry", "Stöd för äldre rf", "Support for Older People association"),
        "06",
    ),
    OrgSpec(
        "ts-vapaaehtoiset",
        OrganisationKind.THIRD_SECTOR,
        ("Vapaaehtoistyön Keskus ry", "Centret för frivilligarbete rf", "Volunteer Work Centre association"),
        "02",
    ),
    OrgSpec(
        "ts-lahiluonto",
        OrganisationKind.THIRD_SECTOR,
        ("Lähiluonto ry", "Närnaturen rf", "Nearby Nature association"),
        "11",
    ),
    OrgSpec(
        "ts-monikulttuuri",
        OrganisationKind.THIRD_SECTOR,
        ("Monikulttuurinen Foorumi ry", "Mångkulturellt Forum rf", "Multicultural Forum association"),
        "17",
    ),
    OrgSpec(
        "in-nordic",
        OrganisationKind.INTERNATIONAL,
        ("Pohjoismainen kuntaverkosto", "Nordiskt kommunnätverk", "Nordic Municipal Network"),
    ),
    OrgSpec(
        "in-eurocity",
        OrganisationKind.INTERNATIONAL,
        (
            "Eurooppalainen kaupunki-innovaatioverkosto",
            "Europeiskt nätverk för stadsinnovation",
            "European City Innovation Network",
        ),
    ),
    OrgSpec(
        "ja-keuda",
        OrganisationKind.JOINT_AUTHORITY,
        (
            "Keski-Uudenmaan koulutuskuntayhtymä",
            "Samkommunen för utbildning i Mellersta Nyland",
            "Central Uusimaa Joint Authority for Education",
        ),
        "01",
    ),
    OrgSpec(
        "ja-hsl",
        OrganisationKind.JOINT_AUTHORITY,
        (
            "Helsingin seudun liikenne -kuntayhtymä",
            "Samkommunen Helsingforsregionens trafik",
            "Helsinki Region Transport",
        ),
        "01",
    ),
    OrgSpec(
        "ja-pirkanmaa-jate",
        OrganisationKind.JOINT_AUTHORITY,
        (
            "Pirkanmaan jätehuollon kuntayhtymä",
            "Birkalands avfallshantering samkommun",
            "Pirkanmaa Joint Authority for Waste Management",
        ),
        "06",
    ),
    OrgSpec(
        "ja-oulu-koulutus",
        OrganisationKind.JOINT_AUTHORITY,
        (
            "Oulun seudun koulutuskuntayhtymä",
            "Samkommunen för utbildning i Uleåregionen",
            "Oulu Region Joint Authority for Education",
        ),
        "17",
    ),
    OrgSpec(
        "ja-kainuu-liikenne",
        OrganisationKind.JOINT_AUTHORITY,
        (
            "Kainuun joukkoliikenteen kuntayhtymä",
            "Kajanalands kollektivtrafik samkommun",
            "Kainuu Joint Authority for Public Transport",
        ),
        "18",
    ),
    OrgSpec(
        "ja-satakunta-koulutus",
        OrganisationKind.JOINT_AUTHORITY,
        (
            "Satakunnan koulutuskuntayhtymä",
            "Satakunta samkommun för utbildning",
            "Satakunta Joint Authority for Education",
        ),
        "04",
    ),
    OrgSpec(
        "ja-aland-social",
        OrganisationKind.JOINT_AUTHORITY,
        (
            "Ahvenanmaan kuntien sosiaalipalvelut",
            "Kommunernas socialtjänst på Åland",
            "Social Services of the Åland Municipalities",
        ),
        "21",
    ),
)

KIND_ABOUT: dict[str, tuple[str, str, str]] = {
    OrganisationKind.UNIVERSITY: (
        "Monialainen yliopisto.",
        "Ett mångvetenskapligt universitet.",
        "A multidisciplinary university.",
    ),
    OrganisationKind.UAS: (
        "Ammattikorkeakoulu, jolla on vahva soveltavan tutkimuksen toiminta.",
        "En yrkeshögskola med stark tillämpad forskning.",
        "A university of applied sciences with strong applied research.",
    ),
    OrganisationKind.RESEARCH_INSTITUTE: ("Tutkimuslaitos.", "Ett forskningsinstitut.", "A research institute."),
    OrganisationKind.COMPANY: (
        "Julkisen sektorin palveluja kehittävä yritys.",
        "Ett företag som utvecklar tjänster för den offentliga sektorn.",
        "A company developing services for the public sector.",
    ),
    OrganisationKind.THIRD_SECTOR: (
        "Yleishyödyllinen yhdistys.",
        "En allmännyttig förening.",
        "A non-profit association.",
    ),
    OrganisationKind.INTERNATIONAL: (
        "Kansainvälinen verkosto.",
        "Ett internationellt nätverk.",
        "An international network.",
    ),
}

# Partners that innovations of each kind of theme tend to have, by organisation kind: (probability, role).
PARTNER_KINDS = (
    (OrganisationKind.UNIVERSITY, 0.35, PartnerRole.RESEARCHER),
    (OrganisationKind.UAS, 0.3, PartnerRole.CO_DEVELOPER),
    (OrganisationKind.COMPANY, 0.5, PartnerRole.SUPPLIER),
    (OrganisationKind.MUNICIPALITY, 0.45, PartnerRole.PILOT_SITE),
    (OrganisationKind.THIRD_SECTOR, 0.2, PartnerRole.CO_DEVELOPER),
    (OrganisationKind.RESEARCH_INSTITUTE, 0.12, PartnerRole.RESEARCHER),
    (OrganisationKind.STATE_AGENCY, 0.1, PartnerRole.FUNDER),
    (OrganisationKind.REGIONAL_COUNCIL, 0.15, PartnerRole.FUNDER),
    (OrganisationKind.WELLBEING_COUNTY, 0.1, PartnerRole.CO_DEVELOPER),
    (OrganisationKind.JOINT_AUTHORITY, 0.08, PartnerRole.CO_DEVELOPER),
    (OrganisationKind.MINISTRY, 0.05, PartnerRole.FUNDER),
    (OrganisationKind.INTERNATIONAL, 0.05, PartnerRole.OTHER),
    (OrganisationKind.OTHER, 0.04, PartnerRole.OTHER),
)

# --- Classification shares (independent probabilities per value; loosely after the seed) -------------------

IDEA_SOURCES_ORIGINAL = {
    IdeaSource.DOMESTIC_NETWORKS: 0.72,
    IdeaSource.OWN_STAFF: 0.7,
    IdeaSource.UNIVERSITIES: 0.52,
    IdeaSource.COMPANIES: 0.52,
    IdeaSource.USERS: 0.48,
    IdeaSource.OTHER_MUNICIPALITIES: 0.4,
    IdeaSource.THIRD_SECTOR: 0.36,
    IdeaSource.INTERNATIONAL: 0.34,
    IdeaSource.STATE_AGENCIES: 0.2,
}
IDEA_SOURCES_ADOPTED = {
    IdeaSource.OTHER_MUNICIPALITIES: 0.8,
    IdeaSource.DOMESTIC_NETWORKS: 0.65,
    IdeaSource.OWN_STAFF: 0.45,
    IdeaSource.USERS: 0.3,
    IdeaSource.COMPANIES: 0.25,
    IdeaSource.UNIVERSITIES: 0.15,
    IdeaSource.THIRD_SECTOR: 0.1,
    IdeaSource.INTERNATIONAL: 0.05,
    IdeaSource.STATE_AGENCIES: 0.08,
}
MOTIVATIONS = {
    Motivation.USER_NEEDS: 0.72,
    Motivation.SAVINGS: 0.58,
    Motivation.TECHNOLOGY: 0.52,
    Motivation.STRATEGY: 0.3,
    Motivation.LEGISLATION: 0.16,
    Motivation.OTHER: 0.05,
}
STRATEGIES = {
    StrategyLink.OWN: 0.55,
    StrategyLink.REGIONAL_COUNCIL: 0.42,
    StrategyLink.MINISTRY: 0.38,
    StrategyLink.GOVERNMENT: 0.34,
    StrategyLink.EU: 0.18,
}
CHANNELS = {
    Channel.OWN_WEBSITE: 0.8,
    Channel.OWN_NETWORKS: 0.78,
    Channel.PARTNER_CHANNELS: 0.5,
    Channel.SOCIAL_MEDIA: 0.45,
    Channel.EVENTS: 0.3,
    Channel.PUBLICATIONS: 0.15,
}
OUTCOMES = {
    Outcome.CUSTOMER_SATISFACTION: 0.55,
    Outcome.PROCESSES: 0.5,
    Outcome.QUALITY: 0.5,
    Outcome.PRODUCTIVITY: 0.4,
    Outcome.WELLBEING_AT_WORK: 0.28,
    Outcome.SUSTAINABILITY: 0.25,
}
SECOND_TYPE = {SRV: 0.0, PRC: 0.45, ORG: 0.25, PRD: 0.15, COM: 0.15}  # weights of a second type, when there is one


# --- The plan ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgRef:
    """What the planner knows of an organisation: enough to choose owners, adopters and partners."""

    key: str
    kind: str
    region: str | None
    population: int | None
    names: tuple[str, str, str]


@dataclass
class PartnerPlan:
    org: str
    role: str
    phases: tuple[bool, bool, bool]  # idea, development, implementation


@dataclass
class InnovationPlan:
    key: str
    owner: str
    concept: int
    stage: str
    status: str
    history: list[tuple[str, datetime.date]]  # stages entered, oldest first; the last is the current stage
    classifications: dict[str, list[str]]
    partners: list[PartnerPlan] = field(default_factory=list)
    novelty: str = Novelty.NEW
    external_source: str = ""
    # Adoptions only:
    source: str | None = None
    adopted_on: datetime.date | None = None
    changes: tuple[int, ...] = ()
    contact: tuple[str, str] = ("", "")
    family: str = ""  # the key of the family's original, for records made by the diffusion process

    @property
    def start(self) -> datetime.date:
        return self.history[0][1]

    @property
    def introduced_on(self) -> datetime.date | None:
        return next((on for stage, on in self.history if stage == Stage.IN_USE), None)


@dataclass
class Plan:
    originals: list[InnovationPlan]
    adoptions: list[InnovationPlan]  # in date order: a source is always made before those adopting it
    # Records of a family's concept taken into use without a recorded source ("lineage nobody recorded").
    unrecorded: list[InnovationPlan] = field(default_factory=list)
    families: list[FamilySpec] = field(default_factory=list)  # how each family was designed to spread


def _pick(rng: random.Random, shares: Mapping[Any, float], at_least: int = 1) -> list[str]:
    chosen = [code for code, p in shares.items() if rng.random() < p]
    if len(chosen) < at_least:
        chosen = [max(shares, key=lambda c: shares[c] * rng.random())]
    return [str(code) for code in chosen]


def _days(rng: random.Random, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, high))


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


class Planner:
    """Decides the whole registry in memory, from a seed and the organisations; touches no database."""

    def __init__(self, rng: random.Random, orgs: Sequence[OrgRef], network: Iterable[str], today: datetime.date):
        self.rng = rng
        self.orgs = {org.key: org for org in orgs}
        self.network = set(network)
        self.last_day = min(LAST_DAY, today)
        self.by_kind: dict[str, list[OrgRef]] = defaultdict(list)
        for org in orgs:
            self.by_kind[org.kind].append(org)
        self.municipalities = self.by_kind[OrganisationKind.MUNICIPALITY]
        self.by_name = {org.names[0]: org for org in self.municipalities}
        self.families: list[FamilySpec] = []

    # Stage history: idea → development → (experiment) → in use → spreading or discontinued.
    def _history(self, start: datetime.date, stage: str) -> list[tuple[str, datetime.date]]:
        rng = self.rng
        path: list[str] = [Stage.IDEA, Stage.DEVELOPMENT]
        if rng.random() < 0.75 or stage == Stage.EXPERIMENT:
            path.append(Stage.EXPERIMENT)
        path += [Stage.IN_USE, stage] if stage in (Stage.SPREADING, Stage.DISCONTINUED) else [Stage.IN_USE]
        path = path[: path.index(stage) + 1]
        history, on = [], start
        for step in path:
            history.append((str(step), min(on, self.last_day)))
            on = on + _days(rng, 60, 270) if step != Stage.IN_USE else on + _days(rng, 365, 1100)
        return history

    def _classify(self, concept: Concept, stage: str, shares: Mapping[Any, float], own: bool) -> dict[str, list[str]]:
        rng = self.rng
        types = [str(concept.type)]
        if rng.random() < 0.2:
            others = [t for t in SECOND_TYPE if t != concept.type]
            types.append(str(rng.choices(others, [SECOND_TYPE[t] or 0.05 for t in others])[0]))
        outcome_dimension = (
            Dimension.OUTCOME_ACHIEVED
            if stage in (Stage.IN_USE, Stage.SPREADING, Stage.DISCONTINUED)
            else Dimension.OUTCOME_EXPECTED
        )
        result = {
            Dimension.TYPE: types,
            Dimension.IDEA_SOURCE: _pick(rng, shares),
            Dimension.MOTIVATION: _pick(rng, MOTIVATIONS),
            Dimension.STRATEGY: _pick(rng, STRATEGIES, at_least=0),
            Dimension.CHANNEL: _pick(rng, CHANNELS) if own else _pick(rng, CHANNELS, at_least=0),
            outcome_dimension: _pick(rng, OUTCOMES),
        }
        return {str(dimension): codes for dimension, codes in result.items()}

    def _partners(self, owner: OrgRef, scale: float, start: datetime.date) -> list[PartnerPlan]:
        rng, partners, taken = self.rng, [], {owner.key}
        for kind, p, role in PARTNER_KINDS:
            if rng.random() >= p * scale:
                continue
            pool = [org for org in self.by_kind[kind] if org.key not in taken]
            if kind == OrganisationKind.WELLBEING_COUNTY and start.year < 2023:
                continue  # the counties exist from 2023
            if kind in (
                OrganisationKind.MUNICIPALITY,
                OrganisationKind.REGIONAL_COUNCIL,
                OrganisationKind.WELLBEING_COUNTY,
            ):
                near = [
                    org
                    for org in pool
                    if org.region == owner.region or org.region in NEIGHBOURS.get(owner.region or "", ())
                ]
                pool = near or pool
            if not pool:
                continue
            org = rng.choice(pool)
            taken.add(org.key)
            partners.append(PartnerPlan(org.key, str(role), (rng.random() < 0.5, True, rng.random() < 0.4)))
        return partners

    def _contact(self, owner: OrgRef) -> tuple[str, str]:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        domain = _ascii(owner.names[0]).replace("-", "")[:30] or "demo"
        return f"{first} {last}", f"{_ascii(first)}.{_ascii(last)}@{domain}.example"

    def _original_owners(self, count: int) -> list[OrgRef]:
        """Big cities first, then one of every other kind (so every kind owns something), then others."""
        owners = [self.by_name[name] for name, n in ORIGINATORS for _ in range(n) if name in self.by_name]
        for kind in OrganisationKind.values:
            if kind != OrganisationKind.MUNICIPALITY and self.by_kind[kind]:
                owners.append(self.rng.choice(self.by_kind[kind]))
        counties = self.by_kind[OrganisationKind.WELLBEING_COUNTY]
        owners += self.rng.sample(counties, min(2, len(counties)))
        rest = [org for org in self.municipalities if org.names[0] not in dict(ORIGINATORS)]
        rest.sort(key=lambda org: -(org.population or 0))
        while len(owners) < count:
            owners.append(self.rng.choice(rest[:80]))
        return owners[:count]

    def originals(self, count: int) -> list[InnovationPlan]:
        rng = self.rng
        concepts = list(range(len(CONCEPTS)))
        rng.shuffle(concepts)
        owners = self._original_owners(count)
        # Every stage must occur among published records; the rest mostly in use, as in a registry of
        # innovations taken into use.
        stages = [Stage.IDEA, Stage.DEVELOPMENT, Stage.EXPERIMENT, Stage.DISCONTINUED]
        plans, seen_kinds = [], set()
        for i, owner in enumerate(owners):
            stage = (
                stages[i]
                if i < len(stages)
                else rng.choices(
                    [Stage.IN_USE, Stage.EXPERIMENT, Stage.DEVELOPMENT, Stage.IDEA, Stage.DISCONTINUED],
                    [70, 10, 8, 6, 6],
                )[0]
            )
            # Idea and development records are recent; in-use ones started early enough to have spread.
            if stage in (Stage.IDEA, Stage.DEVELOPMENT, Stage.EXPERIMENT):
                start = datetime.date(rng.choice((2023, 2024, 2025)), rng.randint(1, 12), rng.randint(1, 28))
            else:
                start = datetime.date(rng.randint(2015, 2021), rng.randint(1, 12), rng.randint(1, 28))
            if owner.kind == OrganisationKind.WELLBEING_COUNTY:
                start = max(start, datetime.date(2023, 1, 2))
            concept = concepts[i % len(concepts)]
            # Some ideas and plans are drafts; each kind's first record stays published (every facet value shows).
            draft = owner.kind in seen_kinds and stage in (Stage.IDEA, Stage.DEVELOPMENT) and rng.random() < 0.5
            status = Status.DRAFT if i >= len(stages) and draft else Status.PUBLISHED
            seen_kinds.add(owner.kind)
            novelty, external = Novelty.NEW, ""
            if rng.random() < 0.08:
                novelty, external = rng.choice((Novelty.ADAPTED, Novelty.COPIED)), rng.choice(EXTERNAL_SOURCES)
            plans.append(
                InnovationPlan(
                    key=f"o{i}",
                    owner=owner.key,
                    concept=concept,
                    stage=str(stage),
                    status=str(status),
                    history=self._history(start, stage),
                    classifications=self._classify(CONCEPTS[concept], stage, IDEA_SOURCES_ORIGINAL, own=True),
                    partners=self._partners(owner, 1.0, start),
                    novelty=str(novelty),
                    external_source=external,
                    contact=self._contact(owner),
                )
            )
        return plans

    def _members(self) -> list[Member]:
        """Who may adopt in the diffusion process: municipalities (with their network), joint authorities, the
        wellbeing services counties (from 2023), state agencies and ministries."""
        kinds = {
            OrganisationKind.MUNICIPALITY,
            OrganisationKind.JOINT_AUTHORITY,
            OrganisationKind.WELLBEING_COUNTY,
            OrganisationKind.STATE_AGENCY,
            OrganisationKind.MINISTRY,
        }
        return [
            Member(
                org.key,
                org.kind,
                org.region,
                org.population,
                frozenset({f"network:{NETWORK_SLUG}"}) if org.key in self.network else frozenset(),
                first_year=COUNTIES_FROM.year if org.kind == OrganisationKind.WELLBEING_COUNTY else FIRST_YEAR,
            )
            for org in self.orgs.values()
            if org.kind in kinds
        ]

    def _adopter_kinds(self, owner: OrgRef) -> tuple[frozenset[str], int]:
        """Who may adopt an owner's innovation, and the first year its family may start."""
        kind = owner.kind
        if kind == OrganisationKind.WELLBEING_COUNTY:
            return frozenset({OrganisationKind.WELLBEING_COUNTY}), COUNTIES_FROM.year + 1
        if kind in (OrganisationKind.STATE_AGENCY, OrganisationKind.MINISTRY):
            return frozenset({OrganisationKind.STATE_AGENCY, OrganisationKind.MINISTRY}), FIRST_YEAR
        if kind == OrganisationKind.JOINT_AUTHORITY or self.rng.random() < 0.12:
            return frozenset({OrganisationKind.MUNICIPALITY, OrganisationKind.JOINT_AUTHORITY}), FIRST_YEAR
        return frozenset({OrganisationKind.MUNICIPALITY}), FIRST_YEAR

    def _history_until(self, introduced: datetime.date, earliest: datetime.date) -> list[tuple[str, datetime.date]]:
        """Idea, development, (experiment) and in use on `introduced`, counted backwards (not before `earliest`)."""
        path = [Stage.IDEA, Stage.DEVELOPMENT, *([Stage.EXPERIMENT] if self.rng.random() < 0.75 else []), Stage.IN_USE]
        dates, on = [], introduced
        for _step in path:
            dates.append(max(on, earliest))
            on -= _days(self.rng, 60, 270)
        return [(str(step), on) for step, on in zip(path, reversed(dates), strict=True)]

    def diffuse(
        self, originals: list[InnovationPlan], budget: int
    ) -> tuple[list[InnovationPlan], list[InnovationPlan]]:
        """Adoption histories 2008–2026 from the diffusion process (demo/diffusion.py): recorded adoptions and,
        for adoptions nobody recorded the source of, the adopter's own record of the same concept."""
        rng = self.rng
        members = self._members()
        member_keys = {member.key for member in members}
        ties = partner_ties(
            rng, [m for m in members if m.region and m.kind != OrganisationKind.WELLBEING_COUNTY], NEIGHBOURS
        )
        ties |= {
            frozenset((plan.owner, partner.org))
            for plan in originals
            for partner in plan.partners
            if plan.owner in member_keys and partner.org in member_keys
        }
        big = {self.by_name[name].key for name, _n in ORIGINATORS if name in self.by_name}
        candidates = [
            plan
            for plan in originals
            if plan.status == Status.PUBLISHED
            and plan.stage == Stage.IN_USE
            and self.orgs[plan.owner].kind != OrganisationKind.INTERNATIONAL
        ]
        # The big cities' innovations first (the first families burst and spread in two waves, the next ones get
        # the larger shares), one per concept; service innovations are the most adopted kind (the seed), so they
        # get a head start in the order.
        head_start = {p.key: rng.random() * (0.4 if CONCEPTS[p.concept].type == SRV else 1.0) for p in candidates}
        candidates.sort(key=lambda plan: (plan.owner not in big, head_start[plan.key]))
        chosen: list[InnovationPlan] = []
        concepts: set[int] = set()
        wanted = max(2, round(budget / 42))
        for plan in candidates:
            if plan.concept not in concepts and len(chosen) < wanted:
                chosen.append(plan)
                concepts.add(plan.concept)
        roots = []
        for plan in chosen:
            kinds, earliest = self._adopter_kinds(self.orgs[plan.owner])
            roots.append(Root(plan.key, plan.owner, kinds, earliest))
        last_year = self.last_day.year
        specs = design_families(rng, roots, members, budget, last_year=last_year)
        by_key = {plan.key: plan for plan in originals}
        recorded: list[InnovationPlan] = []
        unrecorded: list[InnovationPlan] = []
        for spec in specs:
            root = by_key[spec.key]
            first = datetime.date(spec.start_year, 1, 1)
            introduced = min(first + _days(rng, 0, 300), self.last_day)
            not_before = (
                COUNTIES_FROM
                if self.orgs[root.owner].kind == OrganisationKind.WELLBEING_COUNTY
                else first.replace(year=first.year - 3)
            )
            root.history = self._history_until(introduced, not_before)
            root.family = root.key
            made = {root.owner: root}
            history = simulate_family(spec, members, ties, rng, last_year=last_year)
            for adopter in history.adopters:
                january = datetime.date(adopter.year, 1, 1)
                on = january + _days(rng, 0, max(0, min(364, (self.last_day - january).days)))
                ref = self.orgs[adopter.organisation]
                parent = made[adopter.source] if adopter.source else root
                mode = Novelty.ADAPTED if rng.random() < 0.64 else Novelty.COPIED
                plan = self._adoption(f"d{len(recorded) + len(unrecorded)}", parent, ref, str(mode), on)
                plan.family = root.key
                plan.status = str(Status.PUBLISHED)  # drafts are chosen below, among those nobody learnt from
                if ref.kind == OrganisationKind.WELLBEING_COUNTY:  # no experiment before the county existed
                    plan.history = [(stage, max(day, COUNTIES_FROM)) for stage, day in plan.history]
                if adopter.source is None:
                    # Taken into use without recording where the idea came from: the adopter's own record.
                    plan.source = None
                    plan.novelty = str(Novelty.ADAPTED if rng.random() < 0.7 else Novelty.NEW)
                    plan.classifications[str(Dimension.TYPE)] = list(root.classifications[str(Dimension.TYPE)])
                    unrecorded.append(plan)
                else:
                    recorded.append(plan)
                # Partners in the same family: a tie whose other end adopted earlier helped with this one.
                helpers = [made[k] for k in made if frozenset((k, ref.key)) in ties and k != ref.key]
                if helpers and rng.random() < 0.6:
                    helper = rng.choice(helpers).owner
                    if helper not in {p.org for p in plan.partners}:
                        plan.partners.append(PartnerPlan(helper, str(PartnerRole.CO_DEVELOPER), (False, True, True)))
                made[ref.key] = plan
        sources = {plan.source for plan in recorded}
        for plan in [*recorded, *unrecorded]:
            if plan.key not in sources and rng.random() < 0.03:
                plan.status = str(Status.DRAFT)
        self.families = specs
        recorded.sort(key=lambda plan: (plan.adopted_on or FIRST_DAY, plan.key))
        unrecorded.sort(key=lambda plan: (plan.adopted_on or FIRST_DAY, plan.key))
        return recorded, unrecorded

    def _adoption(
        self, key: str, parent: InnovationPlan, adopter: OrgRef, mode: str, on: datetime.date
    ) -> InnovationPlan:
        rng = self.rng
        history: list[tuple[str, datetime.date]] = []
        if mode == Novelty.ADAPTED and rng.random() < 0.6:
            history.append((str(Stage.EXPERIMENT), on - _days(rng, 90, 240)))
        history.append((str(Stage.IN_USE), on))
        stage = Stage.IN_USE
        if rng.random() < 0.07 and on + datetime.timedelta(days=400) < self.last_day:
            stage = Stage.DISCONTINUED
            history.append((str(stage), on + _days(rng, 400, 900)))
            history[-1] = (history[-1][0], min(history[-1][1], self.last_day))
        return InnovationPlan(
            key=key,
            owner=adopter.key,
            concept=parent.concept,
            stage=str(stage),
            status=Status.DRAFT if rng.random() < 0.03 else Status.PUBLISHED,
            history=history,
            classifications={
                k: v
                for k, v in self._classify(CONCEPTS[parent.concept], stage, IDEA_SOURCES_ADOPTED, own=False).items()
                if k != Dimension.TYPE
            },
            partners=self._partners(adopter, 0.25, on),
            novelty=mode,
            source=parent.key,
            adopted_on=on,
            changes=tuple(rng.sample(range(len(ADAPTATIONS)), 2)),
            contact=self._contact(adopter),
        )

    def plan(self, innovations: int) -> Plan:
        n_originals = max(len(CONCEPTS) + 6, round(innovations * 0.07))
        originals = self.originals(n_originals)
        adoptions, unrecorded = self.diffuse(originals, max(12, innovations - n_originals))
        self._cover(originals, adoptions)
        # Sources of three or more adoptions are spreading from the date of the third.
        adopters_of: dict[str, list[datetime.date]] = defaultdict(list)
        for plan in adoptions:
            adopters_of[plan.source or ""].append(plan.adopted_on or FIRST_DAY)
        for plan in originals:
            dates = sorted(adopters_of.get(plan.key, []))
            if plan.stage == Stage.IN_USE and len(dates) >= 3:
                plan.stage = str(Stage.SPREADING)
                plan.history.append((plan.stage, dates[2]))
        return Plan(originals, adoptions, unrecorded, self.families)

    def _cover(self, originals: list[InnovationPlan], adoptions: list[InnovationPlan]) -> None:
        """Every partner kind and region appears at least once among published innovations: the catalogue's
        facets then show every value."""
        published = [p for p in originals if p.status == Status.PUBLISHED]
        kinds = {self.orgs[p.org].kind for plan in published + adoptions for p in plan.partners}
        for i, (kind, _p, role) in enumerate(PARTNER_KINDS):
            if kind not in kinds and self.by_kind[kind]:
                plan = published[i % len(published)]
                taken = {plan.owner, *(p.org for p in plan.partners)}
                org = next(o for o in self.by_kind[kind] if o.key not in taken)
                plan.partners.append(PartnerPlan(org.key, str(role), (False, True, False)))
        regions = {self.orgs[p.owner].region for p in published + adoptions if p.status == Status.PUBLISHED}
        sources = [
            p
            for p in published
            if p.stage == Stage.IN_USE
            and p.introduced_on
            and p.introduced_on < self.last_day - datetime.timedelta(days=400)
        ]
        for code in sorted(NEIGHBOURS):
            if code in regions or not sources:
                continue
            in_region = [o for o in self.municipalities if o.region == code]
            if not in_region:
                continue
            adopter = max(in_region, key=lambda o: o.population or 0)
            source = sources[len(regions) % len(sources)]
            on = (source.introduced_on or FIRST_DAY) + _days(self.rng, 200, 380)
            plan = self._adoption(f"a{len(adoptions)}", source, adopter, str(Novelty.COPIED), on)
            plan.status = str(Status.PUBLISHED)
            adoptions.append(plan)
            regions.add(code)
        adoptions.sort(key=lambda plan: (plan.adopted_on or FIRST_DAY, plan.key))


# --- Writing it through the services -----------------------------------------------------------------------


@dataclass
class DemoResult:
    created: bool
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, note


def _three(values: Sequence[str], field_name: str) -> dict[str, str]:
    return {f"{field_name}_{lang}": value for lang, value in zip(("fi", "sv", "en"), values, strict=True)}


def _join(names: Sequence[str]) -> str:
    return ", ".join(names)


def _org_refs(municipalities: Sequence[Organisation], specs: Sequence[OrgSpec]) -> list[OrgRef]:
    refs = [
        OrgRef(
            f"m{org.municipality_code}",
            OrganisationKind.MUNICIPALITY,
            org.region.code if org.region else None,
            org.population,
            (org.name_fi or org.name, org.name_sv or org.name_fi or org.name, org.name_en or org.name_fi or org.name),
        )
        for org in municipalities
    ]
    refs += [OrgRef(spec.key, spec.kind, spec.region, spec.population, spec.names) for spec in specs]
    return refs


def _names(org: Organisation) -> tuple[str, str, str]:
    return (org.name_fi or org.name, org.name_sv or org.name_fi or org.name, org.name_en or org.name_fi or org.name)


def _reference_adopters() -> list[Organisation]:
    kinds = (OrganisationKind.STATE_AGENCY, OrganisationKind.MINISTRY, OrganisationKind.JOINT_AUTHORITY)
    return list(
        Organisation.objects.filter(reference_code__isnull=False, kind__in=kinds)
        .select_related("region")
        .order_by("reference_code")
    )


def _public_specs(regions: Sequence[Region], counties: Sequence[WellbeingCounty]) -> list[OrgSpec]:
    """The regional councils and wellbeing services counties, from the reference data."""
    specs = [
        OrgSpec(f"rc-{region.code}", OrganisationKind.REGIONAL_COUNCIL, REGIONAL_COUNCILS[region.code], region.code)
        for region in regions
        if region.code in REGIONAL_COUNCILS
    ]
    region_en = {region.name_fi: region.name_en or region.name_fi for region in regions}
    for county in counties:
        short = county.short_name_fi or county.name_fi
        en = COUNTY_NAMES_EN.get(county.code) or region_en.get(short) or short
        specs.append(
            OrgSpec(
                f"wc-{county.code}",
                OrganisationKind.WELLBEING_COUNTY,
                (county.name_fi or "", county.name_sv or county.name_fi or "", f"Wellbeing services county of {en}"),
                county.region.code,
                county.code,
                county.population,
            )
        )
    return specs


# The texts an adopter's record starts from (innovation_adopt copies them from the source).
COPIED_TEXTS = tuple(f"{name}_{lang}" for name in TRANSLATED for lang in ("fi", "sv", "en"))

# Whom each type of innovation is for (fi, sv, en): what an adopter reads first.
TARGET_GROUPS = {
    InnovationType.SERVICE: (
        "Palvelun käyttäjät ja heidän läheisensä sekä palvelua tuottava henkilöstö.",
        "Tjänstens användare och deras anhöriga samt personalen som producerar tjänsten.",
        "The service's users and their families, and the staff who provide it.",
    ),
    InnovationType.PROCESS: (
        "Henkilöstö, jonka työtä prosessi muuttaa, ja palvelujen asiakkaat.",
        "Personalen vars arbete processen förändrar och tjänsternas klienter.",
        "The staff whose work the process changes, and the clients of the services.",
    ),
    InnovationType.ORGANISATIONAL: (
        "Organisaation johto, esihenkilöt ja henkilöstö.",
        "Organisationens ledning, chefer och personal.",
        "The organisation's management, supervisors and staff.",
    ),
    InnovationType.PRODUCT: (
        "Asiakkaat, jotka käyttävät tuotetta, ja henkilöstö, joka ottaa sen käyttöön.",
        "Klienterna som använder produkten och personalen som tar den i bruk.",
        "The clients who use the product and the staff who take it into use.",
    ),
    InnovationType.COMMUNICATION: (
        "Kunnan asukkaat, yhdistykset ja yritykset.",
        "Kommunens invånare, föreningar och företag.",
        "The municipality's residents, associations and companies.",
    ),
}


def _adopter_texts(plan: "InnovationPlan", concept: "Concept") -> dict[str, str]:
    """Target group, resources and costs, and (once in use) evidence of effect for an original demo innovation.
    The figures come from the plan's key, not from the random generator, so the rest of the demo stays as it was."""
    seed = zlib.crc32(plan.key.encode())
    months, euros = 2 + seed % 10, 5_000 * (1 + (seed >> 4) % 12)
    spaced = f"{euros:,}".replace(",", "\u00a0")  # 25 000 in Finnish and Swedish
    texts = {
        **_three(TARGET_GROUPS[InnovationType(concept.type)], "target_group"),
        **_three(
            (
                f"Käyttöönotto vei noin {months} henkilötyökuukautta ja maksoi noin {spaced} euroa "
                "(laitteet, lisenssit ja koulutus). Ylläpito kuuluu tavalliseen työhön.",
                f"Införandet tog cirka {months} personmånader och kostade cirka {spaced} euro "
                "(utrustning, licenser och utbildning). Underhållet ingår i det vanliga arbetet.",
                f"Taking it into use took about {months} person-months and cost about EUR {euros:,} "
                "(equipment, licences and training). Upkeep is part of the usual work.",
            ),
            "resources",
        ),
    }
    if plan.stage in (Stage.IN_USE, Stage.SPREADING) and plan.introduced_on:
        share, year = 55 + seed % 40, plan.introduced_on.year + 1
        texts.update(
            _three(
                (
                    f"Seurantakyselyssä {year} {share} % asiakkaista ja henkilöstöstä arvioi muutoksen hyväksi. "
                    "Vertailuryhmää ei ollut, joten vaikutusta ei voi erottaa muista muutoksista.",
                    f"I uppföljningsenkäten {year} bedömde {share} % av klienterna och personalen förändringen som "
                    "bra. Det fanns ingen jämförelsegrupp, så effekten kan inte skiljas från andra förändringar.",
                    f"In the {year} follow-up survey, {share}% of clients and staff rated the change as good. There "
                    "was no comparison group, so the effect cannot be told apart from other changes.",
                ),
                "evidence",
            )
        )
    return texts


class Writer:
    """Writes a Plan through the services as the platform administrator."""

    def __init__(
        self,
        *,
        actor: User,
        rng: random.Random,
        plan: Plan,
        refs: dict[str, OrgRef],
        orgs: dict[str, Organisation],
        themes: dict[str, Theme],
        log: Any = None,
    ):
        self.actor, self.rng, self.plan, self.refs, self.orgs, self.themes = actor, rng, plan, refs, orgs, themes
        self.log = log or (lambda message: None)
        self.made: dict[str, Innovation] = {}
        self.copied: dict[str, tuple[dict[str, str], tuple[bool, bool], list[str]]] = {}
        self.plans = {p.key: p for p in [*plan.originals, *plan.adoptions, *plan.unrecorded]}
        self.concept_uses: dict[int, int] = defaultdict(int)

    def _root(self, plan: InnovationPlan) -> InnovationPlan:
        while plan.source:
            plan = self.plans[plan.source]
        return plan

    def _names(self, key: str) -> tuple[str, str, str]:
        return self.refs[key].names

    def _original_texts(self, plan: InnovationPlan) -> dict[str, Any]:
        concept = CONCEPTS[plan.concept]
        self.concept_uses[plan.concept] += 1
        owner = self._names(plan.owner)
        titles = concept.title
        if self.concept_uses[plan.concept] > 1:  # a second organisation's own, independent take on the idea
            titles = tuple(f"{t} – {n}" for t, n in zip(titles, owner, strict=True))  # type: ignore[assignment]
        partners = [self._names(p.org) for p in plan.partners]
        year = plan.start.year
        stage = STAGE_SENTENCE[Stage(plan.stage)]
        with_partners = (
            (f" Kehittämisessä mukana: {_join([n[0] for n in partners])}." if partners else ""),
            (f" I utvecklingen deltog: {_join([n[1] for n in partners])}." if partners else ""),
            (f" Developed together with: {_join([n[2] for n in partners])}." if partners else ""),
        )
        external = (
            (
                f" Idea saatiin lähteestä: {plan.external_source}.",
                f" Idén kom från: {plan.external_source}.",
                f" The idea came from: {plan.external_source}.",
            )
            if plan.external_source
            else ("", "", "")
        )
        started = (
            f"Kehittäminen alkoi vuonna {year}.",
            f"Utvecklingen började år {year}.",
            f"Development started in {year}.",
        )
        descriptions = tuple(
            f"<p>{concept.summary[i]}</p><p>{started[i]}{with_partners[i]}{external[i]} {stage[i]}</p>"
            f"<p><em>{NOTE[lang]}</em></p>"
            for i, lang in enumerate(("fi", "sv", "en"))
        )
        return {
            **_three(titles, "title"),
            **_three(concept.summary, "summary"),
            **_three(descriptions, "description"),
        }

    def _adapted_texts(self, plan: InnovationPlan) -> dict[str, Any]:
        concept, root = CONCEPTS[plan.concept], self._root(plan)
        adopter, origin = self._names(plan.owner), self._names(root.owner)
        year = (plan.adopted_on or FIRST_DAY).year
        c1, c2 = (ADAPTATIONS[i] for i in plan.changes)
        titles = tuple(f"{t} – {n}" for t, n in zip(concept.title, adopter, strict=True))
        summaries = (
            f"{concept.summary[0]} Sovellettu paikallisiin tarpeisiin.",
            f"{concept.summary[1]} Anpassad till lokala behov.",
            f"{concept.summary[2]} Adapted to local needs.",
        )
        middle = (
            f"{adopter[0]} otti ratkaisun käyttöön vuonna {year} ja muokkasi {c1[0]} ja {c2[0]}. "
            f"Alkuperäinen ratkaisu: {concept.title[0]} ({origin[0]}).",
            f"{adopter[1]} tog lösningen i bruk år {year} och ändrade {c1[1]} och {c2[1]}. "
            f"Den ursprungliga lösningen: {concept.title[1]} ({origin[1]}).",
            f"{adopter[2]} took the solution into use in {year} and changed {c1[2]} and {c2[2]}. "
            f"The original solution: {concept.title[2]} ({origin[2]}).",
        )
        descriptions = tuple(
            f"<p>{summaries[i]}</p><p>{middle[i]}</p><p><em>{NOTE[lang]}</em></p>"
            for i, lang in enumerate(("fi", "sv", "en"))
        )
        return {
            **_three(titles, "title"),
            **_three(summaries, "summary"),
            **_three(descriptions, "description"),
        }

    def _unrecorded_texts(self, plan: InnovationPlan) -> dict[str, Any]:
        """An organisation's own record of a concept it took into use without recording where the idea came from."""
        concept = CONCEPTS[plan.concept]
        adopter = self._names(plan.owner)
        year = (plan.introduced_on or FIRST_DAY).year
        titles = tuple(f"{t} – {n}" for t, n in zip(concept.title, adopter, strict=True))
        middle = (
            f"{adopter[0]} otti ratkaisun käyttöön vuonna {year}.",
            f"{adopter[1]} tog lösningen i bruk år {year}.",
            f"{adopter[2]} took the solution into use in {year}.",
        )
        descriptions = tuple(
            f"<p>{concept.summary[i]}</p><p>{middle[i]}</p><p><em>{NOTE[lang]}</em></p>"
            for i, lang in enumerate(("fi", "sv", "en"))
        )
        return {
            **_three(titles, "title"),
            **_three(concept.summary, "summary"),
            **_three(descriptions, "description"),
            **_adopter_texts(plan, concept),
        }

    def bulk(self, plans: Sequence[InnovationPlan]) -> None:
        """Writes the records as innovation_create, partnership_add and (for an adoption) innovation_adopt followed
        by innovation_update would, but in bulk: an adopter's record starts as a copy of its source's texts, types,
        themes and flags (an adaptation's own texts over them); every record gets its classifications, themes,
        partners, search document (by the services' own function), catalogue entry (by catalogue.refresh), the
        adoption row and the change log's "created" and "adopted" entries. Two things differ, on purpose: no
        notification is sent (these adoptions are history, not news), and the change log has one "created" entry
        with the final values instead of one entry per service call. Sources come before their adopters in
        `plans`, so every source has its texts when its adopters are made and its id when the rows are linked."""
        innovations: list[Innovation] = []
        extras: list[tuple[InnovationPlan, Innovation, list[str], dict[str, list[str]]]] = []
        for plan in plans:
            concept = CONCEPTS[plan.concept]
            external, types = "", plan.classifications.get(str(Dimension.TYPE), [])
            if plan.source:  # an adoption: a copy of the source, with an adaptation's own texts over it
                copied, (social, systemic), types = self.copied[plan.source]
                texts: dict[str, str] = dict(copied)
                if plan.novelty == Novelty.ADAPTED:
                    texts.update(self._adapted_texts(plan))
                else:  # copied as it is, but under the adopter's own name (not its source's, when that had one)
                    adopter = self._names(plan.owner)
                    texts.update(_three([f"{t} – {n}" for t, n in zip(concept.title, adopter, strict=True)], "title"))
            elif plan.adopted_on is None:  # an original
                texts = {**self._original_texts(plan), **_adopter_texts(plan, concept)}
                social = concept.social
                systemic = concept.type == InnovationType.ORGANISATIONAL and self.rng.random() < 0.5
                external = plan.external_source
            else:  # taken into use without a recorded source
                texts, social, systemic = self._unrecorded_texts(plan), concept.social, False
            values = {
                name: clean_html(value) if name.startswith("description_") else value.strip()
                for name, value in texts.items()
            }
            innovation = Innovation(
                owner=self.orgs[plan.owner],
                created_by=self.actor,
                status=plan.status,
                stage=plan.stage,
                novelty=plan.novelty,
                introduced_on=plan.introduced_on,
                is_social=social,
                is_systemic=systemic,
                contact_name=plan.contact[0],
                contact_email=plan.contact[1],
                external_source=external,
                is_synthetic=True,
                **values,
            )
            self.copied[plan.key] = (values, (social, systemic), list(types))  # its own adopters may follow
            themes = [self.themes[slug] for slug in concept.themes]
            innovation.search_document = innovation_search_document(innovation, themes)
            classifications = {**plan.classifications, str(Dimension.TYPE): list(types)}
            innovations.append(innovation)
            extras.append((plan, innovation, [theme.slug for theme in themes], classifications))
        Innovation.objects.bulk_create(innovations, batch_size=500)
        through = Innovation.themes.through
        theme_rows: list[Any] = []
        class_rows: list[Classification] = []
        partner_rows: list[Partnership] = []
        adoption_rows: list[Adoption] = []
        log_rows: list[ChangeRecord] = []
        innovation_type = ContentType.objects.get_for_model(Innovation)
        for plan, innovation, slugs, classifications in extras:
            self.made[plan.key] = innovation
            theme_rows += [through(innovation_id=innovation.pk, theme_id=self.themes[slug].pk) for slug in slugs]
            class_rows += [
                Classification(innovation_id=innovation.pk, dimension=dimension, code=code)
                for dimension, codes in classifications.items()
                for code in dict.fromkeys(codes)
            ]
            partner_rows += [
                Partnership(
                    innovation_id=innovation.pk,
                    organisation=self.orgs[partner.org],
                    role=partner.role,
                    in_idea_phase=partner.phases[0],
                    in_development_phase=partner.phases[1],
                    in_implementation_phase=partner.phases[2],
                )
                for partner in plan.partners
            ]
            snapshot: dict[str, Any] = {name: getattr(innovation, name) for name in EDITABLE_FIELDS}
            snapshot.update(classifications, status=innovation.status, themes=slugs)
            log_rows.append(
                ChangeRecord(
                    content_type=innovation_type,
                    object_id=innovation.pk,
                    actor=self.actor,
                    action=Action.CREATE,
                    changes=diff({}, snapshot),
                )
            )
            if plan.source:
                source = self.made[plan.source]
                adoption_rows.append(
                    Adoption(
                        source=source,
                        result=innovation,
                        mode=plan.novelty,
                        adopted_on=plan.adopted_on or plan.start,
                        created_by=self.actor,
                    )
                )
                log_rows.append(
                    ChangeRecord(
                        content_type=innovation_type,
                        object_id=source.pk,
                        actor=self.actor,
                        action=Action.ADOPT,
                        changes={"adopted_by": [None, str(innovation.owner)], "mode": [None, plan.novelty]},
                    )
                )
        through.objects.bulk_create(theme_rows, batch_size=1000)
        Classification.objects.bulk_create(class_rows, batch_size=1000)
        Partnership.objects.bulk_create(partner_rows, batch_size=1000)
        Adoption.objects.bulk_create(adoption_rows, batch_size=1000)
        ChangeRecord.objects.bulk_create(log_rows, batch_size=500)
        ids = [innovation.pk for innovation in innovations]
        for start in range(0, len(ids), catalogue.BATCH):
            catalogue.refresh(ids[start : start + catalogue.BATCH])

    def write(self) -> None:
        # Originals first (in their planned order: their titles number the concepts' uses), then the rest by date.
        later = sorted(
            [*self.plan.adoptions, *self.plan.unrecorded], key=lambda plan: (plan.adopted_on or FIRST_DAY, plan.key)
        )
        self.bulk([*self.plan.originals, *later])
        self.log(
            f"  {len(self.plan.originals)} originals, {len(self.plan.adoptions)} adoptions, "
            f"{len(self.plan.unrecorded)} without a recorded source"
        )
        self._propose_a_source()
        self._illustrate()
        self._backdate()

    def _illustrate(self) -> None:
        """A picture for a handful of published originals, spread over the list, drawn now (demo/images.py)
        and saved through the service real uploads go through (its checks, re-encoding, change log)."""
        published = [p for p in self.plan.originals if self.made[p.key].status == Status.PUBLISHED]
        step = max(1, len(published) // ILLUSTRATIONS)
        seed = self.rng.randint(0, 10_000)
        for number, plan in enumerate(published[::step][:ILLUSTRATIONS]):
            picture = illustration(number, seed)
            innovation_services.image_add(
                actor=self.actor,
                innovation=self.made[plan.key],
                upload=SimpleUploadedFile(f"demo-illustration-{number + 1}.jpg", picture.jpeg, "image/jpeg"),
                alt_text=picture.alt_text,
            )

    def _propose_a_source(self) -> None:
        """One pending "we adapted this from …" proposal, so that the demo shows the source owner's confirmation:
        an organisation's own take on a concept names the first published record of that concept as its source."""
        first: dict[int, Innovation] = {}
        for plan in self.plan.originals:
            innovation = self.made[plan.key]
            if innovation.status != Status.PUBLISHED:
                continue
            earlier = first.setdefault(plan.concept, innovation)
            if earlier is not innovation and earlier.owner_id != innovation.owner_id:
                innovation_services.lineage_propose(
                    actor=self.actor,
                    result=innovation,
                    source=earlier,
                    mode=Novelty.ADAPTED,
                    adopted_on=innovation.introduced_on,
                    message="Saimme idean tästä ratkaisusta ja sovelsimme sitä omiin palveluihimme.",
                )
                return

    def _backdate(self) -> None:
        """Puts the stage history and timestamps at their planned dates. The services date a stage change
        "today" (or the introduction date); the demo's changes happened over 2015–2025."""
        ids = {innovation.pk: key for key, innovation in self.made.items()}
        current = dict(Innovation.objects.filter(pk__in=ids).values_list("pk", "stage"))
        events, stamps = [], []
        tz = timezone.get_current_timezone()
        for pk, key in ids.items():
            plan = self.plans[key]
            if plan.history[-1][0] != current[pk]:
                raise ValidationError(f"Demo plan and database disagree on the stage of {key}.")
            events += [StageEvent(innovation_id=pk, stage=stage, date=on) for stage, on in plan.history]
            first, last = plan.history[0][1], plan.history[-1][1]
            innovation = self.made[key]
            innovation.created_at = datetime.datetime.combine(first, datetime.time(9, self.rng.randint(0, 59)), tz)
            innovation.updated_at = datetime.datetime.combine(last, datetime.time(14, self.rng.randint(0, 59)), tz)
            stamps.append(innovation)
        StageEvent.objects.filter(innovation_id__in=ids).delete()
        StageEvent.objects.bulk_create(events, batch_size=500)
        Innovation.objects.rewrite(False).bulk_update(stamps, ["created_at", "updated_at"], batch_size=200)
        Innovation.objects.filter(pk__in=ids).update(is_synthetic=True)


def _ensure_themes() -> dict[str, Theme]:
    themes = {}
    for slug, fi, sv, en in THEMES:
        theme, _created = Theme.objects.get_or_create(slug=slug, defaults={"name_fi": fi, "name_sv": sv, "name_en": en})
        themes[slug] = theme
    return themes


def _business_ids(rng: random.Random, count: int) -> list[str]:
    taken = set(Organisation.objects.exclude(business_id=None).values_list("business_id", flat=True))
    result: list[str] = []
    while len(result) < count:
        candidate = business_id_with_check_digit(f"{rng.randint(2_000_000, 3_299_999):07d}")
        if candidate and candidate not in taken:
            taken.add(candidate)
            result.append(candidate)
    return result


def _create_organisations(actor: User, rng: random.Random, specs: Sequence[OrgSpec]) -> dict[str, Organisation]:
    regions = {region.code: region for region in Region.objects.all()}
    counties = {county.code: county for county in WellbeingCounty.objects.all()}
    ids = iter(_business_ids(rng, sum(spec.kind == OrganisationKind.COMPANY for spec in specs)))
    # The real public organisations of the reference data (counties, regional councils, ministries, agencies) are
    # used as they are, like the municipalities: only their innovations are made up.
    reference = {(org.kind, org.name_fi): org for org in Organisation.objects.filter(reference_code__isnull=False)}
    made = {}
    for spec in specs:
        if (spec.kind, spec.names[0]) in reference:
            made[spec.key] = reference[(spec.kind, spec.names[0])]
            continue
        about: Sequence[str] = KIND_ABOUT.get(spec.kind) or ("", "", "")
        descriptions = tuple(f"{about[i]} {ORG_NOTE[lang]}".strip() for i, lang in enumerate(("fi", "sv", "en")))
        data = {
            "kind": spec.kind,
            **_three(spec.names, "name"),
            **_three(descriptions, "description"),
            "region": regions.get(spec.region or ""),
            "wellbeing_county": counties.get(spec.county or ""),
            "population": spec.population,
            "business_id": next(ids) if spec.kind == OrganisationKind.COMPANY else None,
        }
        made[spec.key] = organisation_services.organisation_create(actor=actor, data=data)
    Organisation.objects.filter(pk__in=[org.pk for org in made.values()], reference_code__isnull=True).update(
        is_synthetic=True
    )
    return made


def _create_network(actor: User, orgs: dict[str, Organisation], themes: dict[str, Theme]) -> Network:
    description = (
        "Innokaupungit-verkostossa on 19 yliopisto- ja korkeakoulukeskuskaupunkia, jotka ovat määritelleet omat "
        "osaamisen ja kehittämisen kärkiteemansa ekosysteemisopimuksissa valtion kanssa vuosille 2021–2027. "
        "Pirkanmaan liitto koordinoi sopimuksia. " + ORG_NOTE["fi"],
        "Nätverket Innostäderna består av 19 universitets- och högskolestäder som har definierat sina egna "
        "spetsteman för kompetens och utveckling i ekosystemavtal med staten för 2021–2027. Birkalands förbund "
        "samordnar avtalen. " + ORG_NOTE["sv"],
        "The Innokaupungit (Innovative Cities) network has 19 university and university-centre cities that have "
        "defined their spearhead themes of competence and development in ecosystem agreements with the state for "
        "2021–2027. The Council of Tampere Region coordinates the agreements. " + ORG_NOTE["en"],
    )
    network = organisation_services.network_create(
        actor=actor,
        data={
            **_three(("Innokaupungit", "Innostäderna", "Innovative Cities (Innokaupungit)"), "name"),
            **_three(description, "description"),
            "coordinator": orgs["rc-06"],
            "agreement_start": datetime.date(2021, 1, 1),
            "agreement_end": datetime.date(2027, 12, 31),
        },
        themes=[themes[slug] for slug in NETWORK_THEMES],
    )
    Network.objects.filter(pk=network.pk).update(is_synthetic=True)
    by_name = {org.name_fi: org for org in orgs.values() if org.kind == OrganisationKind.MUNICIPALITY}
    for name in INNOKAUPUNGIT:
        organisation_services.network_member_add(
            actor=actor, network=network, organisation=by_name[name], joined_on=datetime.date(2021, 1, 1)
        )
    return network


def demo_users_ensure() -> list[tuple[str, str, str]]:
    """The demo log-ins, one per role; made when missing, never changed when they exist."""
    result = []
    for username, role_label, _organisation, _role, superuser in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                email=f"{username}@{DEMO_EMAIL_DOMAIN}",
                is_superuser=superuser,
                is_staff=superuser,
                first_name="Demo",
                last_name=username.replace("-", " ").title(),
                email_verified_at=timezone.now(),  # the demo's own addresses (a reserved domain) need no link
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            note = "created"
        else:
            note = "already existed: password unchanged"
            if user.email == f"{username}@{DEMO_EMAIL_DOMAIN}" and user.email_verified_at is None:
                User.objects.filter(pk=user.pk).update(email_verified_at=timezone.now())  # made before verification
        result.append((username, role_label, note))
    demo_memberships_ensure()
    return result


def demo_memberships_ensure() -> None:
    """The demo log-ins' roles in those of their organisations that exist (the demo ones come after the users)."""
    for username, _label, organisation_name, role, _superuser in DEMO_USERS:
        organisation = Organisation.objects.filter(name_fi=organisation_name).first() if organisation_name else None
        if organisation and role:
            user = User.objects.get(username=username)
            Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": role})


def demo_data_exists() -> bool:
    return Innovation.objects.filter(is_synthetic=True).exists()


def demo_counts() -> dict[str, int]:
    innovations = Innovation.objects.filter(is_synthetic=True)
    return {
        "organisations": Organisation.objects.filter(is_synthetic=True).count(),
        "networks": Network.objects.filter(is_synthetic=True).count(),
        "themes": Theme.objects.count(),
        "innovations": innovations.count(),
        "published": innovations.filter(status=Status.PUBLISHED).count(),
        "adoptions": Adoption.objects.filter(result__is_synthetic=True).count(),
        "partnerships": Partnership.objects.filter(innovation__is_synthetic=True).count(),
        "stage_events": StageEvent.objects.filter(innovation__is_synthetic=True).count(),
    }


@transaction.atomic
def demo_data_delete() -> None:
    """Removes every synthetic record and the demo users. Refuses when real records depend on synthetic ones."""
    innovations = Innovation.objects.filter(is_synthetic=True)
    organisations = Organisation.objects.filter(is_synthetic=True)
    problems = []
    if Adoption.objects.filter(source__is_synthetic=True, result__is_synthetic=False).exists():
        problems.append("real innovations were adopted from synthetic ones")
    if Innovation.objects.filter(is_synthetic=False, owner__is_synthetic=True).exists():
        problems.append("synthetic organisations own real innovations")
    if Partnership.objects.filter(organisation__is_synthetic=True, innovation__is_synthetic=False).exists():
        problems.append("synthetic organisations are partners of real innovations")
    if problems:
        raise ValidationError("Cannot remove the demo data: " + "; ".join(problems) + ".")
    innovation_ids = list(innovations.values_list("pk", flat=True))
    organisation_ids = list(organisations.values_list("pk", flat=True))
    network_ids = list(Network.objects.filter(is_synthetic=True).values_list("pk", flat=True))
    # The pictures' files outlive their rows: removed once the deletion is committed.
    pictures = list(InnovationImage.objects.filter(innovation__is_synthetic=True).values_list("file", flat=True))

    def remove_pictures() -> None:
        for name in pictures:
            if name:
                default_storage.delete(name)

    transaction.on_commit(remove_pictures)
    Adoption.objects.filter(result__is_synthetic=True).delete()
    innovations.delete()
    catalogue.refresh(innovation_ids)  # their catalogue entries went with them; the cached counts must go too
    Network.objects.filter(pk__in=network_ids).delete()
    organisations.delete()
    for model, ids in ((Innovation, innovation_ids), (Organisation, organisation_ids), (Network, network_ids)):
        ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids).delete()
    User.objects.filter(username__in=[u[0] for u in DEMO_USERS], email__endswith=f"@{DEMO_EMAIL_DOMAIN}").delete()


def demo_plan(
    *, seed: int = DEFAULT_SEED, innovations: int = DEFAULT_INNOVATIONS, today: datetime.date | None = None
) -> tuple[Plan, list[OrgSpec], list[OrgRef]]:
    """The plan for the current reference data: deterministic for a seed."""
    rng = random.Random(seed)  # noqa: S311 - made-up data, not security
    municipalities = list(
        Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY, municipality_code__isnull=False)
        .select_related("region")
        .order_by("municipality_code")
    )
    specs = [
        *FIXED_ORGS,
        *_public_specs(list(Region.objects.all()), list(WellbeingCounty.objects.select_related("region"))),
    ]
    refs = _org_refs(municipalities, specs)
    # The reference data's other state agencies, ministries and joint authorities adopt too (as they are: only
    # their innovations are made up).
    named = {(spec.kind, spec.names[0]) for spec in specs}
    refs += [
        OrgRef(
            f"ref-{org.reference_code}", org.kind, org.region.code if org.region else None, org.population, _names(org)
        )
        for org in _reference_adopters()
        if (org.kind, org.name_fi) not in named
    ]
    network = [ref.key for ref in refs if ref.kind == OrganisationKind.MUNICIPALITY and ref.names[0] in INNOKAUPUNGIT]
    planner = Planner(rng, refs, network, today or timezone.localdate())
    return planner.plan(innovations), specs, refs


def demo_data_load(
    *, seed: int = DEFAULT_SEED, reset: bool = False, innovations: int = DEFAULT_INNOVATIONS, log: Any = None
) -> DemoResult:
    """Loads the demo registry unless it is there already (then only the demo users are ensured)."""
    started = time.monotonic()
    log = log or (lambda message: None)
    if not Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).exists():
        raise ValidationError("Load the reference data first: manage.py load_reference_data")
    with translation.override("fi"):
        if reset:
            demo_data_delete()
        if demo_data_exists():
            return DemoResult(False, time.monotonic() - started, demo_counts(), demo_users_ensure())
        with transaction.atomic():
            users = demo_users_ensure()
            actor = User.objects.get(username="admin")
            if not actor.is_superuser:
                raise ValidationError("The user “admin” exists but is not a platform administrator.")
            plan, specs, refs = demo_plan(seed=seed, innovations=innovations)
            rng = random.Random(seed + 1)  # noqa: S311 - made-up data, not security
            themes = _ensure_themes()
            log("Organisations and the Innokaupungit network …")
            orgs = _create_organisations(actor, rng, specs)
            orgs.update(
                {
                    f"m{org.municipality_code}": org
                    for org in Organisation.objects.filter(
                        kind=OrganisationKind.MUNICIPALITY, municipality_code__isnull=False
                    )
                }
            )
            orgs.update({f"ref-{org.reference_code}": org for org in _reference_adopters()})
            _create_network(actor, orgs, themes)
            demo_memberships_ensure()
            log(f"Innovations: {len(plan.originals)} originals, {len(plan.adoptions)} adoptions …")
            Writer(
                actor=actor, rng=rng, plan=plan, refs={ref.key: ref for ref in refs}, orgs=orgs, themes=themes, log=log
            ).write()
        _analyze()
    return DemoResult(True, time.monotonic() - started, demo_counts(), users)


def _analyze() -> None:
    """Fresh planner statistics for the tables just filled in bulk. Without them PostgreSQL plans a search over
    the catalogue as for an empty table (a sequential scan computing every document: seconds instead of ~0.1 s)
    until autovacuum gets to them."""
    models = (Innovation, Innovation.themes.through, Classification, Adoption, Partnership, StageEvent, CatalogueEntry)
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
