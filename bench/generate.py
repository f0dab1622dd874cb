"""Builds a registry at benchmark scale, fast: 10,000 organisations, 200,000 innovations and 500,000 links
(adoptions + partnerships), with classifications, themes, stage history and search documents.

    python -m bench.generate --db sqlite|postgres --scale full|small

The database is made anew and migrated, the reference data is loaded through its own loader, and the rest is
written with COPY (PostgreSQL) or batched executemany in one transaction (SQLite), with ids given here so that no
row needs a round trip. Search documents are made by innovations.services.innovation_search_document and the
catalogue's entries by innovations.catalogue.rebuild, the functions the services use, so search and facets behave
as on real data. The full-text index (PostgreSQL GIN, SQLite FTS5) is built after the load (faster than keeping it
current row by row); then VACUUM ANALYZE (ANALYZE on SQLite). Not written: the change log and users (reads do not use them).

The registry's shape: 15 % new innovations, the rest adoptions (about 65 % adapted, 35 % copied) whose sources are
chosen by preferential attachment (popular innovations become more popular: a heavy tail), a third of them from an
earlier adopter (lineage chains); dates grow with the id from 2012 to 2025, so an adoption follows its source.
"""

import argparse
import datetime
import importlib
import math
import random
import time
from array import array
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate
from types import SimpleNamespace
from typing import Any, cast

from django.db.models import NOT_PROVIDED

from bench.common import (
    POSTGRES_SERVER,
    SIZES,
    Size,
    database_name,
    django_setup,
    log,
    manifest_path,
    read_json,
    sqlite_path,
    write_json,
)

# 2: full-text search index instead of the trigram index; 3: the catalogue table (innovations.catalogue)
GENERATOR_VERSION = 3
SEED = 20220601
EPOCH = datetime.date(2012, 1, 1)
END = datetime.date(2025, 12, 31)

QUALIFIERS = (
    ("", "", ""),
    ("", "", ""),
    ("", "", ""),
    ("kokeilu", "försök", "experiment"),
    ("pilotti", "pilot", "pilot"),
    ("2.0", "2.0", "2.0"),
    ("alueellinen malli", "regional modell", "regional model"),
    ("digitaalinen palvelu", "digital tjänst", "digital service"),
    ("hanke", "projekt", "project"),
    ("verkostomalli", "nätverksmodell", "network model"),
    ("yhteiskehittäminen", "samutveckling", "co-development"),
    ("palvelumuotoilu", "tjänstedesign", "service design"),
    ("asukaslähtöinen malli", "invånarorienterad modell", "resident-led model"),
    ("tekoälykokeilu", "AI-försök", "AI experiment"),
    ("hyvinvointiohjelma", "välfärdsprogram", "wellbeing programme"),
    ("toimintamalli", "verksamhetsmodell", "operating model"),
    ("alusta", "plattform", "platform"),
    ("ekosysteemi", "ekosystem", "ecosystem"),
    ("kumppanuusmalli", "partnerskapsmodell", "partnership model"),
    ("vaikuttavuusarviointi", "effektutvärdering", "impact assessment"),
    ("kestävä ratkaisu", "hållbar lösning", "sustainable solution"),
)
SENTENCES = (
    (
        "Kokeilu toteutettiin kolmella alueella ennen laajempaa käyttöönottoa.",
        "Försöket genomfördes i tre områden före en bredare ibruktagning.",
        "The experiment ran in three areas before wider roll-out.",
    ),
    (
        "Asukkaat osallistuivat palvelun suunnitteluun työpajoissa.",
        "Invånarna deltog i planeringen av tjänsten i verkstäder.",
        "Residents took part in designing the service in workshops.",
    ),
    (
        "Henkilöstön hyvinvointi parani, kun rutiinitehtäviä automatisoitiin.",
        "Personalens välbefinnande förbättrades när rutinuppgifter automatiserades.",
        "Staff wellbeing improved as routine tasks were automated.",
    ),
    (
        "Digitaalinen palvelu on saatavilla suomeksi, ruotsiksi ja englanniksi.",
        "Den digitala tjänsten finns på finska, svenska och engelska.",
        "The digital service is available in Finnish, Swedish and English.",
    ),
    (
        "Kustannussäästöt arvioitiin vuoden seurantajakson aikana.",
        "Kostnadsbesparingarna bedömdes under en uppföljningsperiod på ett år.",
        "Cost savings were assessed over a one-year follow-up period.",
    ),
    (
        "Yliopisto arvioi kokeilun vaikutuksia tutkimushankkeessa.",
        "Universitetet utvärderade försökets effekter i ett forskningsprojekt.",
        "A university evaluated the experiment's effects in a research project.",
    ),
    (
        "Ratkaisu hankittiin yhteishankintana naapurikuntien kanssa.",
        "Lösningen upphandlades gemensamt med grannkommunerna.",
        "The solution was procured jointly with neighbouring municipalities.",
    ),
    (
        "Palvelun käyttäjätyytyväisyys nousi selvästi.",
        "Användarnöjdheten med tjänsten steg tydligt.",
        "User satisfaction with the service rose clearly.",
    ),
    (
        "Kokeilun tulokset julkaistiin avoimena datana.",
        "Försökets resultat publicerades som öppna data.",
        "The experiment's results were published as open data.",
    ),
    (
        "Hyvinvointialue ja kunta kehittivät mallia yhdessä.",
        "Välfärdsområdet och kommunen utvecklade modellen tillsammans.",
        "The wellbeing services county and the municipality developed the model together.",
    ),
    (
        "Järjestöt tuovat toimintaan vapaaehtoisia.",
        "Organisationerna bidrar med frivilliga.",
        "Associations bring volunteers to the activity.",
    ),
    (
        "Mallia levitetään maakunnan muihin kuntiin.",
        "Modellen sprids till landskapets andra kommuner.",
        "The model is being spread to other municipalities in the region.",
    ),
    (
        "Päästöt vähenivät ensimmäisenä vuonna noin kymmenen prosenttia.",
        "Utsläppen minskade med cirka tio procent det första året.",
        "Emissions fell by about ten per cent in the first year.",
    ),
    (
        "Lasten ja nuorten palautetta kerättiin mobiilisovelluksella.",
        "Respons från barn och unga samlades in med en mobilapp.",
        "Feedback from children and young people was collected with a mobile app.",
    ),
    (
        "Ikäihmiset saivat opastusta digitaalisten palvelujen käyttöön.",
        "Äldre fick handledning i att använda digitala tjänster.",
        "Older people were guided in using digital services.",
    ),
    (
        "Toiminnan rahoitus tuli osin EU:n rakennerahastoista.",
        "Verksamheten finansierades delvis av EU:s strukturfonder.",
        "The activity was partly funded by EU structural funds.",
    ),
    (
        "Kokeilukulttuuri vahvistui koko organisaatiossa.",
        "Försökskulturen stärktes i hela organisationen.",
        "The culture of experimentation grew stronger across the organisation.",
    ),
    (
        "Yritykset osallistuivat markkinavuoropuheluun ennen hankintaa.",
        "Företagen deltog i en marknadsdialog före upphandlingen.",
        "Companies took part in a market dialogue before the procurement.",
    ),
    (
        "Tiedolla johtamista tuettiin uudella raportointinäkymällä.",
        "Kunskapsbaserad ledning stöddes med en ny rapporteringsvy.",
        "Knowledge-based management was supported with a new reporting view.",
    ),
    ("Palvelu toimii ympäri vuorokauden.", "Tjänsten fungerar dygnet runt.", "The service works round the clock."),
)
NAME_HEADS = (
    "Kunta",
    "Data",
    "Hoiva",
    "Eko",
    "Virta",
    "Tieto",
    "Sote",
    "Kasvu",
    "Silta",
    "Kide",
    "Aalto",
    "Revon",
    "Tuli",
    "Pohja",
    "Ranta",
    "Metsä",
    "Järvi",
    "Kivi",
    "Lumi",
    "Sisu",
    "Meri",
    "Kaari",
    "Tähti",
    "Routa",
)
NAME_TAILS = ("tek", "soft", "lab", "works", "palvelu", "logic", "sense", "link", "nova", "tori", "mind", "pro")
PLACES = ("Pohjois", "Etelä", "Itä", "Länsi", "Keski", "Rannikon", "Järviseudun", "Tunturi", "Saariston", "Laakson")
# Shares of the organisations beyond the reference municipalities, regional councils and counties.
OTHER_KINDS = (
    ("company", 0.5),
    ("third_sector", 0.25),
    ("international", 0.08),
    ("joint_authority", 0.03),
    ("state_agency", 0.02),
    ("research_institute", 0.015),
    ("uas", 0.006),
    ("university", 0.005),
    ("ministry", 0.002),
    ("other", 0.092),
)
# How much each kind owns and adopts innovations (per organisation; municipalities by √population instead).
OWNER_WEIGHT = {
    "wellbeing_county": 120.0,
    "regional_council": 25.0,
    "joint_authority": 12.0,
    "state_agency": 8.0,
    "ministry": 8.0,
    "university": 3.0,
    "uas": 3.0,
    "research_institute": 2.0,
    "company": 0.15,
    "third_sector": 0.3,
    "international": 0.05,
    "other": 0.2,
}
PUBLIC = {"municipality", "wellbeing_county", "regional_council", "joint_authority", "state_agency", "ministry"}
PARTNER_KIND_WEIGHT = {
    "company": 0.33,
    "university": 0.1,
    "uas": 0.1,
    "municipality": 0.2,
    "third_sector": 0.08,
    "research_institute": 0.05,
    "wellbeing_county": 0.04,
    "regional_council": 0.03,
    "joint_authority": 0.02,
    "state_agency": 0.02,
    "ministry": 0.01,
    "international": 0.01,
    "other": 0.01,
}
PARTNER_ROLES = ("co_developer", "supplier", "researcher", "funder", "pilot_site", "other")
STAGES_NEW = (("in_use", 60), ("experiment", 10), ("development", 10), ("idea", 8), ("discontinued", 7))


def _days(on: datetime.date) -> int:
    return (on - EPOCH).days


class Writer:
    """Inserts rows fast: COPY on PostgreSQL, executemany in batches on SQLite. Dates and times are adapted by
    the backend's own adapters, so the values are stored exactly as Django would store them."""

    def __init__(self, connection: Any):
        self.connection = connection
        self.vendor = connection.vendor
        self.rows = 0

    def insert(self, model: Any, rows: Iterable[dict[str, Any]], label: str = "") -> int:
        fields = [f for f in model._meta.concrete_fields]
        columns = [f.column for f in fields]
        names = [f.attname for f in fields]
        ops = self.connection.ops
        adapters: dict[str, Callable[[Any], Any]] = {}
        for f in fields:
            kind = f.get_internal_type()
            if kind == "DateTimeField":
                adapters[f.attname] = ops.adapt_datetimefield_value
            elif kind == "DateField":
                adapters[f.attname] = ops.adapt_datefield_value
        table = model._meta.db_table
        started, count = time.monotonic(), 0
        # Fields with a default (or nullable, or blank text) need not be named by the rows.
        defaults = {
            f.attname: f.get_default()
            for f in fields
            if f.has_default() or f.null or (f.blank and f.get_internal_type() in ("CharField", "TextField"))
        }

        def tuples() -> Iterator[tuple[Any, ...]]:
            nonlocal count
            checked = False
            for row in rows:
                if not checked:
                    missing, extra = set(names) - set(row), set(row) - set(names)
                    if extra or any(defaults.get(name, NOT_PROVIDED) is NOT_PROVIDED for name in missing):
                        raise ValueError(f"{table}: missing {missing}, unknown {extra}")
                    checked = True
                for name in missing:  # columns added since the generator was written: their defaults
                    row[name] = defaults[name]
                for name, adapt in adapters.items():
                    if row[name] is not None:
                        row[name] = adapt(row[name])
                count += 1
                yield tuple(row[name] for name in names)

        quoted = ", ".join(self.connection.ops.quote_name(c) for c in columns)
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for values in tuples():
                        copy.write_row(values)
            else:
                sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
                batch: list[tuple[Any, ...]] = []
                for values in tuples():
                    batch.append(values)
                    if len(batch) >= 5000:
                        cursor.cursor.executemany(sql, batch)
                        batch.clear()
                if batch:
                    cursor.cursor.executemany(sql, batch)
        self.rows += count
        log(f"  {label or table}: {count:,} rows in {time.monotonic() - started:.1f} s")
        return count


class Registry:
    """The registry's skeleton in compact arrays (ints only); texts are made while rows stream to the database."""

    def __init__(self, size: Size, rng: random.Random):
        self.size, self.rng = size, rng

    # --- organisations -----------------------------------------------------------------------------------------

    def organisations(
        self, first_id: int, municipalities: Sequence[Any], regions: dict[str, Any], counties: Sequence[Any]
    ) -> list[dict[str, Any]]:
        from django.utils.text import slugify

        from demo.registry import REGIONAL_COUNCILS
        from organisations.identifiers import business_id_with_check_digit

        rng, rows, next_id = self.rng, [], first_id
        now = datetime.datetime(2025, 12, 31, 12, tzinfo=datetime.UTC)

        def add(
            kind: str,
            names: tuple[str, str, str],
            region: Any = None,
            county: Any = None,
            population: int | None = None,
            business_id: str | None = None,
        ) -> None:
            nonlocal next_id
            rows.append(
                {
                    "id": next_id,
                    "kind": kind,
                    "slug": f"{slugify(names[0])[:100]}-{next_id}",
                    "name": names[0],
                    "name_fi": names[0],
                    "name_sv": names[1],
                    "name_en": names[2],
                    "description": "",
                    "description_fi": "",
                    "description_sv": "",
                    "description_en": "",
                    "municipality_code": None,
                    "business_id": business_id,
                    "region_id": region.pk if region else None,
                    "wellbeing_county_id": county.pk if county else None,
                    "population": population,
                    "size_class": "",
                    "website": "",
                    "is_synthetic": True,
                    "reference_code": None,
                    "requires_two_factor": False,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            next_id += 1

        for code, names in REGIONAL_COUNCILS.items():
            if code in regions:
                add("regional_council", names, regions[code])
        for county in counties:
            add(
                "wellbeing_county",
                (county.name_fi, county.name_sv or county.name_fi, county.name_fi),
                county.region,
                county,
                county.population,
            )
        remaining = self.size.organisations - len(municipalities) - len(rows)
        kinds = [kind for kind, share in OTHER_KINDS for _ in range(round(share * remaining))]
        kinds = (kinds + ["other"] * remaining)[:remaining]
        region_list = list(regions.values())
        seven = 2_000_000
        for i, kind in enumerate(kinds):
            head, tail = rng.choice(NAME_HEADS), rng.choice(NAME_TAILS)
            region = rng.choice(region_list)
            business_id = None
            if kind == "company":
                names = (f"{head}{tail} Oy",) * 3
                while business_id is None:
                    seven += 1
                    business_id = business_id_with_check_digit(f"{seven:07d}")
            elif kind == "third_sector":
                names = (
                    f"{rng.choice(PLACES)}-{region.name_fi} {head.lower()}yhdistys ry",
                    f"{head}föreningen i {region.name_sv} rf",
                    f"{head} Association of {region.name_en}",
                )
            elif kind == "international":
                names = (
                    f"Kansainvälinen {head.lower()}verkosto {i}",
                    f"Internationellt {head.lower()}nätverk {i}",
                    f"International {head} Network {i}",
                )
            else:
                label = {
                    "joint_authority": ("kuntayhtymä", "samkommun", "Joint Authority"),
                    "state_agency": ("virasto", "myndighet", "Agency"),
                    "research_institute": ("tutkimuslaitos", "forskningsinstitut", "Research Institute"),
                    "uas": ("ammattikorkeakoulu", "yrkeshögskola", "University of Applied Sciences"),
                    "university": ("yliopisto", "universitet", "University"),
                    "ministry": ("ministeriö", "ministeriet", "Ministry"),
                }.get(kind, ("keskus", "center", "Centre"))
                names = (
                    f"{rng.choice(PLACES)}-{region.name_fi} {head.lower()}{label[0]}",
                    f"{head}{label[1]} i {region.name_sv}",
                    f"{head} {label[2]} of {region.name_en}",
                )
            add(kind, names, region, business_id=business_id)
        return rows

    # --- innovations: the skeleton -----------------------------------------------------------------------------

    def plan(self, orgs: Sequence[SimpleNamespace], n_concepts: int) -> None:
        """Who owns what, and who adopted what from whom and when. Arrays indexed by innovation number (id - 1)."""
        rng, n = self.rng, self.size.innovations
        self.orgs = orgs
        weights = []
        for org in orgs:
            if org.kind == "municipality":
                weights.append(math.sqrt(org.population or 1000))
            else:
                weights.append(OWNER_WEIGHT.get(org.kind, 0.1))
        owner_cum = list(accumulate(weights))
        adopter_cum = list(accumulate(w if org.kind in PUBLIC else 0.0 for w, org in zip(weights, orgs, strict=True)))

        self.owner = array("i", [0] * n)  # index into orgs
        self.source = array("i", [-1] * n)  # innovation index, -1 for none
        self.mode = array("b", [0] * n)  # 0 new, 1 adapted, 2 copied
        self.concept = array("h", [0] * n)
        self.qualifier = array("h", [0] * n)
        self.day = array("i", [0] * n)  # introduced / adopted, days from EPOCH
        self.published = array("b", [1] * n)
        self.adopters = array("i", [0] * n)
        span = _days(END) - 120
        pool: list[int] = []  # preferential attachment: an innovation appears once per adoption, plus once
        taken: set[tuple[int, int]] = set()
        for i in range(n):
            day = min(span, max(0, int(i / n * span + rng.gauss(0, 60))))
            self.day[i] = day
            adopted = False
            if pool and i > n // 50 and rng.random() < 0.85:
                for _attempt in range(5):
                    s = pool[rng.randrange(len(pool))]
                    if self.day[s] + 30 > day or not self.published[s]:
                        continue
                    adopter = bisect(adopter_cum, rng.random() * adopter_cum[-1])
                    if adopter == self.owner[s] or (s, adopter) in taken:
                        continue
                    taken.add((s, adopter))
                    self.owner[i], self.source[i] = adopter, s
                    self.mode[i] = 1 if rng.random() < 0.65 else 2
                    self.concept[i], self.qualifier[i] = self.concept[s], self.qualifier[s]
                    self.adopters[s] += 1
                    pool.append(s)
                    adopted = True
                    break
            if not adopted:
                self.owner[i] = bisect(owner_cum, rng.random() * owner_cum[-1])
                self.concept[i] = rng.randrange(n_concepts)
                self.qualifier[i] = rng.randrange(len(QUALIFIERS))
            if rng.random() < 0.04:
                self.published[i] = 0
            elif not adopted or rng.random() < 0.3:
                pool.append(i)
        self.n_adoptions = sum(1 for s in self.source if s >= 0)


def _stage_history(rng: random.Random, mode: int, day: int, adopters: int) -> list[tuple[str, int]]:
    if mode:
        history = [("experiment", day - rng.randint(60, 200))] if mode == 1 and rng.random() < 0.5 else []
        history.append(("in_use", day))
        if rng.random() < 0.05 and day + 400 < _days(END):
            history.append(("discontinued", day + rng.randint(300, 400)))
        return history
    stage = rng.choices([s for s, _w in STAGES_NEW], [w for _s, w in STAGES_NEW])[0]
    if adopters >= 3:
        stage = "spreading"
    path = ["idea", "development", "experiment", "in_use", "spreading" if stage == "spreading" else "discontinued"]
    path = path[: path.index(stage) + 1] if stage in path else path[:4]
    if stage == "discontinued":
        path = ["idea", "development", "in_use", "discontinued"]
    in_use = path.index("in_use") if "in_use" in path else len(path) - 1
    history = []
    for k, step in enumerate(path):
        offset = (k - in_use) * rng.randint(90, 200) if k <= in_use else (k - in_use) * rng.randint(300, 700)
        history.append((step, min(_days(END), max(0, day + offset))))
    return history


def generate(db: str, scale: str) -> dict[str, Any]:
    """Makes the bench database anew and fills it. Returns counts and timings."""
    started = time.monotonic()
    size = SIZES[scale]
    _recreate_database(db, scale)
    django_setup(db, scale)

    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Model
    from django.utils import translation

    from core.models import Theme
    from demo.registry import (
        CHANNELS,
        CONCEPTS,
        IDEA_SOURCES_ADOPTED,
        IDEA_SOURCES_ORIGINAL,
        MOTIVATIONS,
        OUTCOMES,
        STRATEGIES,
        THEMES,
    )
    from innovations import catalogue
    from innovations.models import Adoption, CatalogueEntry, Classification, Innovation, Partnership, StageEvent
    from innovations.services import innovation_search_document
    from organisations.models import Organisation, Region, WellbeingCounty
    from organisations.reference_data import load_reference_data

    timings: dict[str, float] = {}
    mark = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    timings["migrate"] = time.monotonic() - mark
    rng = random.Random(SEED)  # noqa: S311 - made-up data
    writer = Writer(connection)
    fts = _fts_migration()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            if fts.has_fts5(connection):
                # the FTS5 index and its triggers: rebuilt after the load, faster than row by row
                for sql in fts.DROP:
                    cursor.execute(sql)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # rebuilt after the load: faster than updating it row by row
            cursor.execute(_search_index_migration().DROP_INDEX)

    mark = time.monotonic()
    with translation.override("fi"), transaction.atomic():
        load_reference_data()
        themes = [Theme.objects.create(slug=slug, name_fi=fi, name_sv=sv, name_en=en) for slug, fi, sv, en in THEMES]
        theme_by_slug = {theme.slug: theme for theme in themes}
        regions = {region.code: region for region in Region.objects.all()}
        counties = list(WellbeingCounty.objects.select_related("region"))
        municipalities = list(Organisation.objects.order_by("id"))
        registry = Registry(size, rng)
        first_id = max(org.pk for org in municipalities) + 1
        org_rows = registry.organisations(first_id, municipalities, regions, counties)
        writer.insert(Organisation, [dict(row) for row in org_rows], "organisations")
        orgs = [
            SimpleNamespace(
                pk=o.pk, kind=o.kind, population=o.population, name_fi=o.name_fi, name_sv=o.name_sv, name_en=o.name_en
            )
            for o in municipalities
        ]
        orgs += [
            SimpleNamespace(
                pk=r["id"],
                kind=r["kind"],
                population=r["population"],
                name_fi=r["name_fi"],
                name_sv=r["name_sv"],
                name_en=r["name_en"],
            )
            for r in org_rows
        ]
        timings["organisations"] = time.monotonic() - mark

        mark = time.monotonic()
        registry.plan(orgs, len(CONCEPTS))
        n = size.innovations
        log(f"  planned {n:,} innovations, {registry.n_adoptions:,} adoptions in {time.monotonic() - mark:.1f} s")
        timings["plan"] = time.monotonic() - mark

        # Texts: a copy has its source's texts (as innovation_adopt makes it); an adaptation its own title.
        def texts(i: int) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
            j = i
            while registry.mode[j] == 2:
                j = registry.source[j]
            concept, qualifier = CONCEPTS[registry.concept[j]], QUALIFIERS[registry.qualifier[j]]
            r = random.Random(SEED * 7 + j)  # noqa: S311 - each record's own sentences, reproducible
            picked = r.sample(range(len(SENTENCES)), r.randint(2, 4))
            owner = orgs[registry.owner[j]]
            owner_names = (owner.name_fi, owner.name_sv, owner.name_en)
            if registry.mode[j] == 1:
                titles = tuple(f"{concept.title[k]} – {owner_names[k]}" for k in range(3))
            else:
                titles = tuple(f"{concept.title[k]} {qualifier[k]}".strip() for k in range(3))
            descriptions = tuple(
                "<p>" + concept.summary[k] + "</p><p>" + " ".join(SENTENCES[s][k] for s in picked) + "</p>"
                for k in range(3)
            )
            return titles, concept.summary, descriptions

        def stamp(day: int, hour: int) -> datetime.datetime:
            on = EPOCH + datetime.timedelta(days=day)
            return datetime.datetime(on.year, on.month, on.day, hour, day % 60, tzinfo=datetime.UTC)

        histories: list[list[tuple[str, int]]] = []
        hrng = random.Random(SEED + 1)  # noqa: S311
        for i in range(n):
            histories.append(_stage_history(hrng, registry.mode[i], registry.day[i], registry.adopters[i]))

        mark = time.monotonic()
        concept_types = [str(c.type) for c in CONCEPTS]
        type_codes = sorted(set(concept_types))
        crng = random.Random(SEED + 2)  # noqa: S311
        second_type = array("b", [-1] * n)
        for i in range(n):
            if registry.mode[i] == 0 and crng.random() < 0.2:
                second_type[i] = crng.randrange(len(type_codes))
            elif registry.mode[i]:
                second_type[i] = second_type[registry.source[i]]

        def innovation_rows() -> Iterator[dict[str, Any]]:
            for i in range(n):
                titles, summaries, descriptions = texts(i)
                owner = orgs[registry.owner[i]]
                concept = CONCEPTS[registry.concept[i]]
                history = histories[i]
                stage = history[-1][0]
                in_use = next((d for s, d in history if s == "in_use"), None)
                row = {
                    "id": i + 1,
                    "owner_id": owner.pk,
                    "title": titles[0],
                    "title_fi": titles[0],
                    "title_sv": titles[1],
                    "title_en": titles[2],
                    "summary": summaries[0],
                    "summary_fi": summaries[0],
                    "summary_sv": summaries[1],
                    "summary_en": summaries[2],
                    "description": descriptions[0],
                    "description_fi": descriptions[0],
                    "description_sv": descriptions[1],
                    "description_en": descriptions[2],
                    "is_social": concept.social,
                    "is_systemic": False,
                    "stage": stage,
                    "novelty": ("new", "adapted", "copied")[registry.mode[i]],
                    "external_source": "",
                    "external_source_url": "",
                    "status": "published" if registry.published[i] else "draft",
                    "introduced_on": EPOCH + datetime.timedelta(days=in_use) if in_use is not None else None,
                    "contact_name": "",
                    "contact_email": "",
                    "search_document": "",
                    "is_synthetic": True,
                    "version": 1,
                    "created_by_id": None,
                    "created_at": stamp(history[0][1], 9),
                    "updated_at": stamp(history[-1][1], 15),
                }
                shell = SimpleNamespace(**row)
                shell.owner = owner
                # A plain namespace with the same attributes: model instances are too slow to make 200,000 times.
                row["search_document"] = innovation_search_document(
                    cast(Innovation, shell),
                    [theme_by_slug[slug] for slug in concept.themes],
                )
                yield row

        writer.insert(Innovation, innovation_rows(), "innovations (with search documents)")
        timings["innovations"] = time.monotonic() - mark

        mark = time.monotonic()

        def theme_rows() -> Iterator[dict[str, Any]]:
            k = 0
            for i in range(n):
                for slug in CONCEPTS[registry.concept[i]].themes:
                    k += 1
                    yield {"id": k, "innovation_id": i + 1, "theme_id": theme_by_slug[slug].pk}

        writer.insert(Innovation.themes.through, theme_rows(), "innovation themes")

        def classification_rows() -> Iterator[dict[str, Any]]:
            from demo.registry import _pick

            r = random.Random(SEED + 3)  # noqa: S311
            k = 0
            for i in range(n):
                mode = registry.mode[i]
                codes = {"type": [concept_types[registry.concept[i]]]}
                if second_type[i] >= 0 and type_codes[second_type[i]] not in codes["type"]:
                    codes["type"].append(type_codes[second_type[i]])
                codes["idea_source"] = _pick(r, IDEA_SOURCES_ADOPTED if mode else IDEA_SOURCES_ORIGINAL)
                codes["motivation"] = _pick(r, MOTIVATIONS)
                codes["strategy"] = _pick(r, STRATEGIES, at_least=0)
                codes["channel"] = _pick(r, CHANNELS, at_least=0)
                stage = histories[i][-1][0]
                outcome = "outcome_achieved" if stage in ("in_use", "spreading", "discontinued") else "outcome_expected"
                codes[outcome] = _pick(r, OUTCOMES)
                for dimension, values in codes.items():
                    for code in values:
                        k += 1
                        yield {"id": k, "innovation_id": i + 1, "dimension": dimension, "code": code}

        writer.insert(Classification, classification_rows(), "classifications")

        def stage_rows() -> Iterator[dict[str, Any]]:
            k = 0
            for i in range(n):
                for stage, day in histories[i]:
                    k += 1
                    yield {
                        "id": k,
                        "innovation_id": i + 1,
                        "stage": stage,
                        "date": EPOCH + datetime.timedelta(days=day),
                    }

        writer.insert(StageEvent, stage_rows(), "stage events")

        def adoption_rows() -> Iterator[dict[str, Any]]:
            k = 0
            for i in range(n):
                s = registry.source[i]
                if s >= 0:
                    k += 1
                    yield {
                        "id": k,
                        "source_id": s + 1,
                        "result_id": i + 1,
                        "mode": ("new", "adapted", "copied")[registry.mode[i]],
                        "adopted_on": EPOCH + datetime.timedelta(days=registry.day[i]),
                        "created_by_id": None,
                        "created_at": stamp(registry.day[i], 10),
                    }

        writer.insert(Adoption, adoption_rows(), "adoptions")

        partner_count = size.links - registry.n_adoptions
        by_kind: dict[str, list[int]] = {}
        for index, org in enumerate(orgs):
            by_kind.setdefault(org.kind, []).append(index)
        kinds = [kind for kind in PARTNER_KIND_WEIGHT if kind in by_kind]
        kind_cum = list(accumulate(PARTNER_KIND_WEIGHT[kind] for kind in kinds))

        def partnership_rows() -> Iterator[dict[str, Any]]:
            r = random.Random(SEED + 4)  # noqa: S311
            pairs: set[tuple[int, int]] = set()
            k = 0
            while k < partner_count:
                i = r.randrange(n)
                kind = kinds[bisect(kind_cum, r.random() * kind_cum[-1])]
                org = orgs[r.choice(by_kind[kind])]
                if org.pk == orgs[registry.owner[i]].pk or (i, org.pk) in pairs:
                    continue
                pairs.add((i, org.pk))
                k += 1
                yield {
                    "id": k,
                    "innovation_id": i + 1,
                    "organisation_id": org.pk,
                    "role": PARTNER_ROLES[r.randrange(len(PARTNER_ROLES))],
                    "in_idea_phase": r.random() < 0.4,
                    "in_development_phase": True,
                    "in_implementation_phase": r.random() < 0.4,
                }

        writer.insert(Partnership, partnership_rows(), "partnerships")
        timings["links_and_classifications"] = time.monotonic() - mark

        models = [
            Organisation,
            Innovation,
            Classification,
            StageEvent,
            Adoption,
            Partnership,
            Innovation.themes.through,
            Theme,
        ]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), cast(list[type[Model]], models)):
                cursor.execute(sql)

    # The catalogue's entries, made by the function the services' refresh uses, from the rows just written.
    mark = time.monotonic()
    log(f"  catalogue entries: {catalogue.rebuild():,} in {time.monotonic() - mark:.1f} s")
    timings["catalogue"] = time.monotonic() - mark

    mark = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The index exactly as the migration makes it; more memory makes the GIN build several times faster.
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(_search_index_migration().CREATE_INDEX)
            timings["search_index"] = time.monotonic() - mark
            mark = time.monotonic()
            # VACUUM too: a database in use has been vacuumed by autovacuum, which sets the visibility map that
            # index-only scans (e.g. counting published innovations) need; a fresh bulk load has not.
            cursor.execute("VACUUM ANALYZE")
        else:
            if fts.has_fts5(connection):
                for sql in fts.CREATE:  # exactly as the migration makes them, then filled ('rebuild')
                    cursor.execute(sql)
                timings["search_index"] = time.monotonic() - mark
                mark = time.monotonic()
            cursor.execute("ANALYZE")
    timings["analyze"] = time.monotonic() - mark
    counts = {
        "organisations": Organisation.objects.count(),
        "innovations": Innovation.objects.count(),
        "adoptions": Adoption.objects.count(),
        "partnerships": Partnership.objects.count(),
        "classifications": Classification.objects.count(),
        "stage_events": StageEvent.objects.count(),
        "innovation_themes": Innovation.themes.through.objects.count(),
        "catalogue_entries": CatalogueEntry.objects.count(),
    }
    return {
        "version": GENERATOR_VERSION,
        "db": db,
        "scale": scale,
        "counts": counts,
        "timings": timings,
        "seconds": time.monotonic() - started,
        "rows": writer.rows,
    }


def _search_index_migration() -> Any:
    return importlib.import_module("innovations.migrations.0003_search_fulltext_index")


def _fts_migration() -> Any:
    return importlib.import_module("innovations.migrations.0005_search_fts5")


def _recreate_database(db: str, scale: str) -> None:
    if db == "sqlite":
        path = sqlite_path(scale)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return
    import psycopg

    name = database_name(scale)
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def is_current(db: str, scale: str) -> bool:
    """Whether the bench database of this size was made by this generator and is still there."""
    manifest = read_json(manifest_path(db, scale))
    if not manifest or manifest.get("version") != GENERATOR_VERSION:
        return False
    if db == "sqlite":
        return sqlite_path(scale).exists()
    try:
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/{database_name(scale)}", connect_timeout=5) as connection:
            row = connection.execute("SELECT count(*) FROM innovations_innovation").fetchone()
            return row is not None and row[0] == manifest["counts"]["innovations"]
    except Exception:
        return False


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--scale", choices=tuple(SIZES), default="full")
    args = parser.parse_args(argv)
    log(f"Generating the {args.scale} registry on {args.db} …")
    result = generate(args.db, args.scale)
    write_json(manifest_path(args.db, args.scale), result)
    log(f"Generated in {result['seconds']:.0f} s: " + ", ".join(f"{k} {v:,}" for k, v in result["counts"].items()))


if __name__ == "__main__":
    main()
