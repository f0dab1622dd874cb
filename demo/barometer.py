"""Synthetic demo rounds of the innovation barometer: "Innovaatiobarometri 2022 — kuntasektori (synteettinen)" with
182 responding organisations, and a smaller 2018 round before it to compare with.

The respondents are drawn from the real frame (every municipality and joint municipal authority in the registry;
larger ones answer somewhat more often, as in real surveys, so weighting moves the figures). Their answers are
*planned* so that the 2022 round's unweighted results reproduce the figures of the published Innovation
Barometer 2022 report (as the barometer issue lists them): for each headline figure the count is the one whose percentage of the right
denominator rounds to the reported one (175/182 = 96 %), and who gets which answer follows one latent
"innovativeness" per organisation plus noise, so that answers correlate as they would (an organisation that
supports innovation also tends to have a Lab) and weighted results differ a little from unweighted ones.

Answers obey the questionnaire: routing (the latest-innovation block only for organisations that introduced an
innovation), exclusive options ("none", "don't know") alone, the latest innovation's type among the types
introduced, some "don't know"s that percentages leave out, and a few free-text comments labelled synthetic.
Every answer is checked with barometer.answers before it is written.

Rounds and frames are made through the round services (round_create, frame_draw) and the questionnaire through
its import; responses and answers are bulk-inserted (the answering service saves one answer at a time, as a
respondent gives it). The states are set directly, because a past round cannot be opened through the service
(its closing date has passed). Deterministic for a seed; loading again changes nothing. Measured on 2 shared
cores under load (load average ~7): both rounds (302 responses, 6,124 answers) in 0.6–1.3 s on SQLite and 1.7 s
on PostgreSQL, plus 0.4 s / 1.0 s to import the questionnaire when it is not there yet; the demo registry before it
takes 10–60 s.
"""

import datetime
import math
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Actor, Operator, User
from audit.models import ChangeRecord
from barometer import answers as answer_rules
from barometer.answers import QuestionSpec
from barometer.management.commands.load_barometer_questionnaire import DEFAULT_FILE as DEFAULT_QUESTIONNAIRE_FILE
from barometer.models import Answer, Questionnaire, QuestionnaireVersion, Response, Round
from barometer.questionnaires import file as questionnaire_file
from barometer.questionnaires import services as questionnaire_services
from barometer.rounds import services as round_services
from barometer.selectors import version_contents
from barometer.vocabulary import ResponseSource, ResponseStatus, RoundStatus, Sector, Unit
from organisations.models import Organisation, OrganisationKind

DEFAULT_SEED = 2022
QUESTIONNAIRE_FILE = DEFAULT_QUESTIONNAIRE_FILE  # the shipped municipal questionnaire, barometer/fixtures/
QUESTIONNAIRE_CODE = "municipal-barometer"
FRAME_KINDS = (OrganisationKind.MUNICIPALITY, OrganisationKind.JOINT_AUTHORITY)
SYNTHETIC_LABEL = {
    "fi": "synteettinen esimerkkivastaus",
    "sv": "syntetiskt exempelsvar",
    "en": "synthetic example answer",
}


# --- what to reproduce ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Figures to reproduce for one question: % of the denominator per choice (single, multiple) or per item
    (scale: "to a large or some extent"; grid: "yes"). `dont_know` respondents (per item for scales and grids)
    answer the option left out of percentages; `none` respondents of a multiple choice answer its exclusive
    option that does count ("none", "not communicated")."""

    shares: Mapping[str, float]
    dont_know: int = 0
    none: int = 0


@dataclass(frozen=True)
class RoundPlan:
    slug: str
    year: int
    respondents: int
    names: tuple[str, str, str]  # fi, sv, en
    descriptions: tuple[str, str, str]
    opens_on: datetime.date
    closes_on: datetime.date
    # Share of respondents (%) that introduced at least one innovation: they answer the latest-innovation block.
    introduced: float
    targets: Mapping[str, Target]


def _description(n: int, source: tuple[str, str, str]) -> tuple[str, str, str]:
    return (
        f"SYNTEETTINEN ESIMERKKIAINEISTO. Vastaukset ({n} kuntaa ja kuntayhtymää) on tuotettu ohjelmallisesti: ne "
        f"eivät ole oikeiden organisaatioiden vastauksia. {source[0]}",
        f"SYNTETISKA EXEMPELDATA. Svaren ({n} kommuner och samkommuner) har genererats med ett program: de är inte "
        f"verkliga organisationers svar. {source[1]}",
        f"SYNTHETIC DEMO DATA. The answers ({n} municipalities and joint municipal authorities) were generated by a "
        f"program: they are not real organisations' answers. {source[2]}",
    )


ROUND_2022 = RoundPlan(
    slug="innovaatiobarometri-2022-kuntasektori-synteettinen",
    year=2022,
    respondents=182,
    names=(
        "Innovaatiobarometri 2022 — kuntasektori (synteettinen)",
        "Innovationsbarometern 2022 — kommunsektorn (syntetisk)",
        "Innovation barometer 2022 — municipal sector (synthetic)",
    ),
    descriptions=_description(
        182,
        (
            "Painottamattomat tulokset toistavat Innovaatiobarometri 2022 -kyselyn kuntasektorin julkaistut luvut.",
            "De ovägda resultaten återger de publicerade siffrorna för kommunsektorn i Innovationsbarometern 2022.",
            "Its unweighted results reproduce the published municipal-sector figures of the Innovation Barometer 2022.",
        ),
    ),
    opens_on=datetime.date(2022, 3, 7),
    closes_on=datetime.date(2022, 4, 29),
    introduced=96,
    targets={
        # Service innovations are the most common, process and organisational ones next (the seed).
        "q_introduced_types": Target(
            {"service": 86, "process": 71, "organisational": 63, "communication": 45, "product": 34}, dont_know=2
        ),
        "q_established": Target({"yes": 58}, dont_know=6),
        # Over half adaptations, about half entirely new, a good third copies (several answers allowed).
        "q_novelty": Target({"adapted": 55, "new": 50, "copied": 35}, dont_know=4),
        # Domestic networks and own staff first; over half universities and companies; over a third third sector
        # and international networks.
        "q_idea_sources": Target(
            {
                "domestic_networks": 76,
                "own_staff": 73,
                "other_municipalities": 61,
                "universities": 56,
                "companies": 54,
                "users": 49,
                "management": 44,
                "third_sector": 38,
                "international": 35,
                "state_agencies": 24,
                "other": 4,
            },
            dont_know=3,
        ),
        "q_partners": Target(
            {
                "other_municipalities": 79,
                "companies": 64,
                "universities": 58,
                "residents": 33,
                "third_sector": 27,
                "state_agencies": 22,
                "international": 9,
            },
            dont_know=3,
            none=2,
        ),
        # Users' needs, savings and efficiency, and new technology drove the latest innovation.
        "q_motivations": Target(
            {
                "user_needs": 71,
                "savings": 62,
                "technology": 57,
                "strategy": 41,
                "legislation": 24,
                "crisis": 21,
                "other": 4,
            },
            dont_know=2,
        ),
        # Four in five on websites and in own networks, half through partners' channels.
        "q_channels": Target(
            {
                "own_website": 80,
                "own_networks": 80,
                "social_media": 58,
                "partner_channels": 50,
                "events": 38,
                "publications": 17,
            },
            dont_know=3,
            none=3,
        ),
        "q_supports": Target({"yes": 90}, dont_know=2),
        # Most common: leaders' backing, innovation competence, collaboration with users; most also have a culture
        # of experiments and working time for innovation.
        "q_support_forms": Target(
            {
                "leadership_support": 81,
                "innovation_competence": 76,
                "user_collaboration": 72,
                "experimental_culture": 61,
                "working_time": 56,
                "processes_methods": 51,
                "clear_goals": 48,
                "funding": 33,
                "other": 4,
            },
            dont_know=2,
        ),
        # A separate central function (unit, team or Lab) in one organisation in three.
        "q_coordination": Target({"yes": 33}, dont_know=3),
        "q_coordination_form": Target({"lab": 42, "unit": 27, "team": 22}),
        # Steered most often by the regional councils', the ministries' and the government programme's strategies.
        "q_steering": Target(
            {
                "regional_council": 71,
                "ministry": 66,
                "government": 61,
                "own": 54,
                "other_municipalities": 43,
                "eu": 38,
                "other": 4,
            },
            dont_know=4,
            none=3,
        ),
        # The three most significant enablers: new technology, staff competence, collaboration between units.
        "q_enablers": Target(
            {
                "technology": 78,
                "staff_competence": 75,
                "cooperation": 70,
                "management_support": 66,
                "user_involvement": 61,
                "external_partners": 57,
                "external_funding": 48,
                "legislation": 27,
            },
            dont_know=3,
        ),
        "q_barriers": Target(
            {
                "lack_of_time": 74,
                "lack_of_funding": 71,
                "it_systems": 55,
                "legislation": 46,
                "risk_aversion": 43,
                "lack_of_competence": 39,
                "resistance": 33,
                "lack_of_management_support": 24,
            },
            dont_know=3,
        ),
    },
)

# Four years earlier: fewer respondents and somewhat lower figures, so that the comparison shows growth.
ROUND_2018 = RoundPlan(
    slug="innovaatiobarometri-2018-kuntasektori-synteettinen",
    year=2018,
    respondents=120,
    names=(
        "Innovaatiobarometri 2018 — kuntasektori (synteettinen)",
        "Innovationsbarometern 2018 — kommunsektorn (syntetisk)",
        "Innovation barometer 2018 — municipal sector (synthetic)",
    ),
    descriptions=_description(
        120,
        (
            "Vertailukierros: luvut ovat keksittyjä ja hieman vuoden 2022 lukuja pienempiä.",
            "Jämförelseomgång: siffrorna är påhittade och något lägre än 2022 års.",
            "A round to compare with: its figures are made up and somewhat lower than those of 2022.",
        ),
    ),
    opens_on=datetime.date(2018, 3, 5),
    closes_on=datetime.date(2018, 4, 27),
    introduced=91,
    targets={
        "q_introduced_types": Target(
            {"service": 80, "process": 62, "organisational": 55, "communication": 36, "product": 30}, dont_know=2
        ),
        "q_established": Target({"yes": 47}, dont_know=5),
        "q_novelty": Target({"adapted": 51, "new": 47, "copied": 31}, dont_know=3),
        "q_partners": Target(
            {"other_municipalities": 72, "companies": 55, "universities": 49, "residents": 25, "third_sector": 24},
            dont_know=2,
            none=3,
        ),
        "q_channels": Target({"own_website": 71, "own_networks": 74, "partner_channels": 41}, dont_know=2, none=3),
        "q_supports": Target({"yes": 84}, dont_know=2),
        "q_coordination": Target({"yes": 24}, dont_know=2),
        "q_steering": Target({"regional_council": 64, "ministry": 57, "government": 55, "own": 50}, dont_know=3),
        "q_enablers": Target({"technology": 70, "staff_competence": 71, "cooperation": 63}, dont_know=2),
    },
)

ROUNDS = (ROUND_2018, ROUND_2022)  # in this order: 2022 compares with 2018

# Free texts, labelled synthetic in the respondent's language (fi, sv).
DESCRIPTIONS = (
    ("Etäkotihoito videoyhteydellä", "Distanshemvård via videolänk"),
    ("Digitaalinen asiointipalvelu perheille", "Digital e-tjänst för familjer"),
    ("Osallistuva budjetointi", "Medborgarbudget"),
    ("Kutsuohjattu joukkoliikenne", "Anropsstyrd kollektivtrafik"),
    ("Tavaralainaamo kirjastossa", "Sakbibliotek på biblioteket"),
    ("Ohjelmistorobotiikka taloushallinnossa", "Programvarurobotik i ekonomiförvaltningen"),
    ("Työllisyyden yhden luukun palvelupiste", "Servicepunkt för sysselsättning med en lucka"),
    ("Nuorten matalan kynnyksen chat", "Lågtröskelchatt för unga"),
    ("Hiilineutraalien hankintojen kriteeristö", "Kriterier för koldioxidneutral upphandling"),
    ("Ikäihmisten liikuntaresepti", "Motionsrecept för äldre"),
)
COMMENTS = (
    (
        "Kokeilukulttuuri on vahvistunut, mutta resurssit kehittämiseen ovat niukat.",
        "Försökskulturen har blivit starkare, men resurserna för utveckling är knappa.",
    ),
    (
        "Yhteistyö naapurikuntien kanssa on ollut tärkein innovaatioiden lähde.",
        "Samarbetet med grannkommunerna har varit den viktigaste källan till innovationer.",
    ),
    (
        "Toivomme valtakunnallista alustaa, jolla kunnat voisivat jakaa ratkaisujaan.",
        "Vi önskar en nationell plattform där kommunerna kan dela sina lösningar.",
    ),
    (
        "Henkilöstön ideoita kerätään nyt järjestelmällisesti, ja osa niistä on jo käytössä.",
        "Personalens idéer samlas nu in systematiskt, och en del av dem används redan.",
    ),
    (
        "Pandemia pakotti digitalisoimaan palveluja nopeasti; osa muutoksista jää pysyviksi.",
        "Pandemin tvingade oss att snabbt digitalisera tjänster; en del av förändringarna blir bestående.",
    ),
    (
        "Innovaatiotoiminnan mittaaminen on vaikeaa, ja tarvitsisimme siihen yhteisiä mittareita.",
        "Det är svårt att mäta innovationsverksamheten, och vi skulle behöva gemensamma mätare för det.",
    ),
)


def exact_count(percent: float, denominator: int) -> int:
    """The count nearest to percent × denominator whose share of the denominator, rounded as a report rounds
    (half up), is `percent` rounded; when none is (a small denominator), the nearest count."""
    if denominator <= 0:
        return 0
    nearest = max(0, min(denominator, round(percent * denominator / 100)))
    wanted = math.floor(percent + 0.5)
    for step in (0, -1, 1, -2, 2):
        k = nearest + step
        if 0 <= k <= denominator and math.floor(100 * k / denominator + 0.5) == wanted:
            return k
    return nearest


def _apportion(weights: Mapping[str, float], total: int) -> dict[str, int]:
    """`total` shared in proportion to the weights, by largest remainders: the counts add up exactly."""
    whole = sum(weights.values())
    exact = {code: total * weight / whole for code, weight in weights.items()}
    counts = {code: math.floor(value) for code, value in exact.items()}
    by_remainder = sorted(exact, key=lambda code: exact[code] - counts[code], reverse=True)
    for code in by_remainder[: total - sum(counts.values())]:
        counts[code] += 1
    return counts


# --- planning the answers (plain Python) ------------------------------------------------------------------------

# Larger organisations answer somewhat more often and innovate somewhat more (as in real surveys).
SIZE_SCORE = {"lt5k": -1.0, "5k-10k": -0.5, "10k-20k": 0.0, "20k-50k": 0.5, "50k-100k": 1.0, "100k+": 1.5}
SWEDISH_REGIONS = {"15", "21"}  # Ostrobothnia and Åland: answered in Swedish


@dataclass
class Respondent:
    frame_unit_id: int
    kind: str
    size_class: str
    region: str
    language: str
    latent: float
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class QuestionPlan:
    """What the planner needs of one question: its spec and which options are left out or exclusive."""

    spec: QuestionSpec
    excluded: frozenset[str]
    section_condition: Mapping[str, Any]


def draw_respondents(rng: random.Random, frame: Sequence[tuple[int, str, str, str]], n: int) -> list[Respondent]:
    """`n` of the frame's units (id, kind, size class, region), larger ones more likely (weighted sampling
    without replacement by Efraimidis–Spirakis keys)."""
    if n > len(frame):
        raise ValidationError(
            f"The sampling frame has {len(frame)} organisations, fewer than the {n} respondents to make."
        )
    keyed = []
    for unit in frame:
        weight = 1.5 + 0.5 * SIZE_SCORE.get(unit[2], 0.0)
        keyed.append((rng.random() ** (1 / weight), unit))
    chosen = sorted((unit for _key, unit in sorted(keyed, reverse=True)[:n]), key=lambda unit: unit[0])
    return [
        Respondent(
            frame_unit_id=pk,
            kind=kind,
            size_class=size,
            region=region,
            language="sv" if region in SWEDISH_REGIONS else "fi",
            latent=0.4 * SIZE_SCORE.get(size, 0.3) + rng.gauss(0, 1),
        )
        for pk, kind, size, region in chosen
    ]


class Planner:
    """Fills every respondent's answers, question by question in questionnaire order."""

    def __init__(self, rng: random.Random, plan: RoundPlan, questions: Sequence[QuestionPlan]) -> None:
        self.rng = rng
        self.plan = plan
        self.questions = list(questions)
        self.specs = [q.spec for q in self.questions]
        self.conditions = {q.spec.code: q.section_condition for q in self.questions}

    # Ranking: who gets the "more innovative" answer, with noise so that answers correlate but do not coincide.
    def _ranked(self, people: Sequence[Respondent]) -> list[Respondent]:
        return sorted(people, key=lambda r: r.latent + self.rng.gauss(0, 1.1), reverse=True)

    def _sample(self, people: Sequence[Respondent], k: int) -> list[Respondent]:
        return self.rng.sample(list(people), k)

    def run(self, respondents: list[Respondent]) -> list[Respondent]:
        for question in self.questions:
            spec = question.spec
            asked = [r for r in respondents if spec.code in answer_rules.asked(self.specs, r.answers, self.conditions)]
            if not asked:
                continue
            fill: Callable[[QuestionPlan, list[Respondent]], None] = getattr(self, f"_q_{spec.code}", None) or getattr(
                self, f"_{spec.kind}"
            )
            fill(question, asked)
        for r in respondents:
            self._check(r)
        return respondents

    def _check(self, respondent: Respondent) -> None:
        """Every planned answer has its canonical shape, is asked, and every required question is answered."""
        by_code = {spec.code: spec for spec in self.specs}
        shown = answer_rules.asked(self.specs, respondent.answers, self.conditions)
        for code, value in respondent.answers.items():
            if code not in shown or answer_rules.clean(by_code[code], value) != value:
                raise ValidationError(f"Demo plan error: {code} = {value!r} for frame unit {respondent.frame_unit_id}")
        missing = answer_rules.missing_required(self.specs, respondent.answers, self.conditions)
        if missing:
            raise ValidationError(f"Demo plan error: {missing} unanswered for frame unit {respondent.frame_unit_id}")

    def _target(self, question: QuestionPlan) -> Target | None:
        return self.plan.targets.get(question.spec.code)

    def _default_shares(self, codes: Sequence[str], low: float, high: float) -> dict[str, float]:
        """Made-up shares for a question without a target, falling with the option's position."""
        shares = sorted((self.rng.uniform(low, high) for _ in codes), reverse=True)
        return dict(zip(codes, shares, strict=True))

    # Background questions: what the frame knows (a joint authority reports its member municipalities' size).
    def _q_q_org_kind(self, question: QuestionPlan, people: list[Respondent]) -> None:
        for r in people:
            r.answers[question.spec.code] = r.kind if r.kind in question.spec.choices else "other"

    def _q_q_size(self, question: QuestionPlan, people: list[Respondent]) -> None:
        for r in people:
            size = r.size_class or self.rng.choice(("20k-50k", "50k-100k", "100k+"))
            r.answers[question.spec.code] = size

    def _q_q_region(self, question: QuestionPlan, people: list[Respondent]) -> None:
        for r in people:
            r.answers[question.spec.code] = r.region

    # Choices by exact counts.
    def _single(self, question: QuestionPlan, people: list[Respondent]) -> None:
        spec, target = question.spec, self._target(question)
        counted = [c for c in spec.choices if c not in question.excluded]
        dont_know = [c for c in spec.choices if c in question.excluded]
        rest = list(people)
        if dont_know and target and target.dont_know:
            for r in self._sample(rest, min(target.dont_know, len(rest))):
                r.answers[spec.code] = dont_know[0]
                rest.remove(r)
        if target:
            counts = {code: exact_count(share, len(rest)) for code, share in target.shares.items()}
            others = [code for code in counted if code not in counts]
            left = len(rest) - sum(counts.values())
            for i, code in enumerate(others):  # the rest shared evenly among the options without a figure
                counts[code] = left // len(others) + (1 if i < left % len(others) else 0)
        else:
            counts = _apportion(self._default_shares(counted, 10, 60), len(rest))
        if sum(counts.values()) != len(rest) or min(counts.values()) < 0:
            raise ValidationError(f"Demo plan error: the answers to {spec.code} do not add up.")
        ranked = iter(self._ranked(rest))
        for code in counted:
            for _ in range(counts.get(code, 0)):
                next(ranked).answers[spec.code] = code

    def _multiple(self, question: QuestionPlan, people: list[Respondent]) -> None:
        spec, target = question.spec, self._target(question)
        excluded = [c for c in spec.choices if c in question.excluded]
        none = [c for c in spec.choices if c in spec.exclusive and c not in question.excluded]
        options = [c for c in spec.choices if c not in question.excluded and c not in spec.exclusive]
        rest = list(people)
        if excluded and target and target.dont_know:
            for r in self._sample(rest, min(target.dont_know, len(rest))):
                r.answers[spec.code] = [excluded[0]]
                rest.remove(r)
        denominator = len(rest)
        if none and target and target.none:
            for r in self._ranked(rest)[-target.none :]:
                r.answers[spec.code] = [none[0]]
                rest.remove(r)
        shares = dict(target.shares) if target else self._default_shares(options, 10, 70)
        chosen: dict[int, set[str]] = {id(r): set() for r in rest}
        for code in options:
            k = min(exact_count(shares.get(code, 3), denominator), len(rest))
            for r in self._ranked(rest)[:k]:
                chosen[id(r)].add(code)
        self._everyone_chooses(rest, chosen)
        for r in rest:
            r.answers[spec.code] = [c for c in spec.choices if c in chosen[id(r)]]

    def _everyone_chooses(self, people: list[Respondent], chosen: dict[int, set[str]]) -> None:
        """Moves one choice from someone with several to each who has none: every count stays as planned."""
        for r in people:
            if chosen[id(r)]:
                continue
            donors = [d for d in people if len(chosen[id(d)]) > 1]
            if not donors:
                raise ValidationError("Demo plan error: too few choices for everyone to choose one.")
            donor = self.rng.choice(donors)
            code = self.rng.choice(sorted(chosen[id(donor)]))
            chosen[id(donor)].remove(code)
            chosen[id(r)].add(code)

    def _scale(self, question: QuestionPlan, people: list[Respondent]) -> None:
        """Per item: the target share answers "to a large or some extent" (the first two columns)."""
        spec, target = question.spec, self._target(question)
        columns = [c for c in spec.choices if c not in question.excluded]
        dont_know = [c for c in spec.choices if c in question.excluded]
        shares = dict(target.shares) if target else self._default_shares(list(spec.items), 45, 80)
        for item in spec.items:
            rest = list(people)
            if dont_know and target and target.dont_know:
                for r in self._sample(rest, min(target.dont_know + self.rng.randint(-1, 1), len(rest))):
                    r.answers.setdefault(spec.code, {})[item] = dont_know[0]
                    rest.remove(r)
            positive = exact_count(shares.get(item, 50), len(rest))
            large = round(positive * self.rng.uniform(0.3, 0.45))
            little = round((len(rest) - positive) * self.rng.uniform(0.55, 0.75))
            counts = (large, positive - large, little, len(rest) - positive - little)
            ranked = iter(self._ranked(rest))
            for column, count in zip(columns, counts, strict=False):
                for _ in range(count):
                    next(ranked).answers.setdefault(spec.code, {})[item] = column

    def _q_q_introduced_types(self, question: QuestionPlan, people: list[Respondent]) -> None:
        """Yes/no per type; exactly `plan.introduced` % answer yes to at least one type (they are asked about
        their latest innovation), the others no to every type."""
        spec, target = question.spec, self._target(question) or Target({})
        yes, no = "yes", "no"
        dont_know = next(c for c in spec.choices if c in question.excluded)
        introducers = self._ranked(people)[: exact_count(self.plan.introduced, len(people))]
        chosen: dict[int, set[str]] = {id(r): set() for r in introducers}
        unknown: dict[str, int] = {}
        for item in spec.items:
            unknown[item] = max(0, target.dont_know + self.rng.randint(-1, 1))
            k = min(exact_count(target.shares.get(item, 40), len(people) - unknown[item]), len(introducers))
            for r in self._ranked(introducers)[:k]:
                chosen[id(r)].add(item)
        self._everyone_chooses(introducers, chosen)
        for r in people:
            r.answers[spec.code] = {item: yes if item in chosen.get(id(r), ()) else no for item in spec.items}
        # "Don't know" only where an introducer did not say yes, so that nobody's routing changes.
        for item, count in unknown.items():
            candidates = [r for r in introducers if item not in chosen[id(r)]]
            for r in self._sample(candidates, min(count, len(candidates))):
                r.answers[spec.code][item] = dont_know

    def _q_q_latest_type(self, question: QuestionPlan, people: list[Respondent]) -> None:
        """The latest innovation is of a type the organisation said it introduced (one, sometimes two)."""
        spec = question.spec
        grid = "q_introduced_types"
        preference = {"service": 5, "process": 3, "organisational": 3, "communication": 1, "product": 1}
        for r in people:
            types = [item for item, value in r.answers[grid].items() if value == "yes" and item in spec.choices]
            weights = [preference.get(t, 1) for t in types]
            first = self.rng.choices(types, weights)[0]
            picked = {first}
            if len(types) > 1 and self.rng.random() < 0.25:
                picked.add(self.rng.choice([t for t in types if t != first]))
            r.answers[spec.code] = [c for c in spec.choices if c in picked]

    def _grid(self, question: QuestionPlan, people: list[Respondent]) -> None:
        spec, target = question.spec, self._target(question)
        shares = dict(target.shares) if target else self._default_shares(list(spec.items), 20, 80)
        for item in spec.items:
            k = exact_count(shares.get(item, 50), len(people))
            ranked = self._ranked(people)
            for i, r in enumerate(ranked):
                r.answers.setdefault(spec.code, {})[item] = spec.choices[0] if i < k else spec.choices[1]

    def _number(self, question: QuestionPlan, people: list[Respondent]) -> None:
        """About three in four give an estimate (a share of working time: a few per cent, more in active ones)."""
        spec = question.spec
        low = float(spec.min_value) if spec.min_value is not None else 0.0
        high = float(spec.max_value) if spec.max_value is not None else 100.0
        for r in people:
            if self.rng.random() < 0.75:
                value = math.exp(math.log(5) + 0.35 * r.latent + self.rng.gauss(0, 0.5))
                r.answers[spec.code] = int(min(high, max(low, round(value))))

    def _text(self, question: QuestionPlan, people: list[Respondent]) -> None:
        """Free texts: a short description of the latest innovation by most, a comment by a few; labelled."""
        describes = question.spec.code != "q_comments"
        phrases = DESCRIPTIONS if describes else COMMENTS
        for r in people:
            if self.rng.random() < (0.7 if describes else 0.15):
                phrase = self.rng.choice(phrases)[1 if r.language == "sv" else 0]
                r.answers[question.spec.code] = f"{phrase} ({SYNTHETIC_LABEL[r.language]})"


# --- writing ----------------------------------------------------------------------------------------------------


@dataclass
class DemoRoundsResult:
    created: list[str]
    existing: list[str]
    responses: int
    answers: int
    seconds: float


def _actor() -> Actor:
    admin = User.objects.filter(username="admin", is_superuser=True).first()
    return admin or Operator()


def demo_questionnaire(actor: Actor) -> QuestionnaireVersion:
    """The default municipal-sector questionnaire, imported from its file when missing, frozen for use."""
    version = QuestionnaireVersion.objects.filter(questionnaire__code=QUESTIONNAIRE_CODE).order_by("number").first()
    if version is None:
        # The command's choice of organiser: Kuntaliitto, else the Ministry of Finance, else a ministry.
        from barometer.management.commands.load_barometer_questionnaire import find_organiser

        try:
            organiser = find_organiser(None)
        except CommandError as error:
            raise ValidationError(str(error)) from error
        data = questionnaire_file.loads(QUESTIONNAIRE_FILE.read_bytes())
        version = questionnaire_services.questionnaire_import(actor=actor, organiser=organiser, data=data).version
    return questionnaire_services.questionnaire_version_freeze(version, actor=actor)


def frame_rows(round_: Round) -> list[tuple[int, str, str, str]]:
    """The frame as (id, kind, size class, region), by the organisations' slugs sorted in Python: the same order
    on every database (PostgreSQL's collation would sort hyphens differently)."""
    rows = round_.frame.values_list("organisation__slug", "pk", "kind", "size_class", "region_code")
    return [row[1:] for row in sorted(rows)]


def _questions(version: QuestionnaireVersion) -> list[QuestionPlan]:
    from barometer.selectors import question_spec

    plans = []
    for section in version_contents(version):
        for question in section.questions.all():
            plans.append(
                QuestionPlan(
                    spec=question_spec(question),
                    excluded=frozenset(c.code for c in question.choices.all() if c.excluded_from_percent),
                    section_condition=section.show_if or {},
                )
            )
    return plans


def _write_round(
    plan: RoundPlan, *, actor: Actor, version: QuestionnaireVersion, previous: Round | None, seed: int
) -> tuple[Round, int, int]:
    rng = random.Random(f"{seed}-{plan.slug}")  # noqa: S311 - made-up data, not security
    names = {f"name_{lang}": text for lang, text in zip(("fi", "sv", "en"), plan.names, strict=True)}
    descriptions = {f"description_{lang}": t for lang, t in zip(("fi", "sv", "en"), plan.descriptions, strict=True)}
    round_ = round_services.round_create(
        actor=actor,
        organiser=version.questionnaire.organiser,
        data={
            "slug": plan.slug,
            **names,
            **descriptions,
            "questionnaire_version": version,
            "sector": Sector.MUNICIPAL,
            "year": plan.year,
            "reference_period_start": datetime.date(plan.year - 2, 1, 1),
            "reference_period_end": datetime.date(plan.year - 1, 12, 31),
            "opens_on": plan.opens_on,
            "closes_on": plan.closes_on,
            "unit": Unit.ORGANISATION,
            "answers_public": False,
            "previous_round": previous,
        },
    )
    round_services.frame_draw(actor=actor, round=round_, kinds=FRAME_KINDS)
    respondents = Planner(rng, plan, _questions(version)).run(
        draw_respondents(rng, frame_rows(round_), plan.respondents)
    )
    tz = timezone.get_current_timezone()
    days = (plan.closes_on - plan.opens_on).days
    responses = Response.objects.bulk_create(
        [
            Response(
                round=round_,
                frame_unit_id=r.frame_unit_id,
                external_id=f"synthetic-{plan.year}-{i:04d}",
                source=ResponseSource.IMPORT,
                status=ResponseStatus.SUBMITTED,
                language=r.language,
                submitted_at=datetime.datetime.combine(
                    plan.opens_on + datetime.timedelta(days=int(days * rng.random() ** 1.5)),
                    datetime.time(8 + rng.randint(0, 8), rng.randint(0, 59)),
                    tz,
                ),
            )
            for i, r in enumerate(respondents, start=1)
        ],
        batch_size=500,
    )
    question_ids = dict(version.questions.values_list("code", "pk"))
    answers = [
        Answer(response=response, question_id=question_ids[code], value=value)
        for response, r in zip(responses, respondents, strict=True)
        for code, value in r.answers.items()
    ]
    Answer.objects.bulk_create(answers, batch_size=1000)
    # A past round is published as it stands; the service opens only rounds whose closing date is ahead.
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.PUBLISHED, is_synthetic=True)
    round_.refresh_from_db()
    return round_, len(responses), len(answers)


TRYOUT_SLUG = "kokeile-vastaamista"
INVITED_SLUG = "demo-kutsukierros"


def _open_round(
    *, actor: Actor, version: QuestionnaireVersion, slug: str, names: tuple[str, str, str], tryout: bool
) -> Round:
    today = timezone.localdate()
    round_ = round_services.round_create(
        actor=actor,
        organiser=version.questionnaire.organiser,
        data={
            "slug": slug,
            **{f"name_{lang}": text for lang, text in zip(("fi", "sv", "en"), names, strict=True)},
            "questionnaire_version": version,
            "sector": Sector.MUNICIPAL,
            "year": today.year,
            "reference_period_start": datetime.date(today.year - 2, 1, 1),
            "reference_period_end": datetime.date(today.year - 1, 12, 31),
            "opens_on": today,
            "closes_on": today + datetime.timedelta(days=365),
            "unit": Unit.ORGANISATION,
            "answers_public": False,
        },
    )
    Round.objects.filter(pk=round_.pk).update(is_synthetic=True, is_tryout=tryout)
    round_.refresh_from_db()
    if not tryout:
        round_services.frame_draw(actor=actor, round=round_, kinds=FRAME_KINDS)
    else:  # the organiser itself is the try-out's only frame unit (services.rounds.tryout_start)
        from barometer.models import FrameUnit

        FrameUnit.objects.create(round=round_, organisation=round_.organiser, kind=round_.organiser.kind)
    return round_services.round_open(actor=actor, round=round_, expected_version=round_.version)


def _write_live_rounds(
    *, actor: Actor, version: QuestionnaireVersion, answered_from: Round | None
) -> tuple[list[str], list[str], int]:
    """Two open rounds: a try-out anyone may answer through its open link (shown on the barometer page), and a
    round with invitations in every state — sent, opened (answering), answered, reminded."""
    from barometer.models import Invitation

    made: list[str] = []
    existing = [slug for slug in (TRYOUT_SLUG, INVITED_SLUG) if Round.objects.filter(slug=slug).exists()]
    copied = 0
    if not Round.objects.filter(slug=TRYOUT_SLUG).exists():
        _open_round(
            actor=actor,
            version=version,
            slug=TRYOUT_SLUG,
            names=(
                "Kokeile vastaamista (demo)",
                "Prova att svara (demo)",
                "Try answering (demo)",
            ),
            tryout=True,
        )
        made.append(TRYOUT_SLUG)
    if not Round.objects.filter(slug=INVITED_SLUG).exists():
        round_ = _open_round(
            actor=actor,
            version=version,
            slug=INVITED_SLUG,
            names=(
                "Kutsukierros (demo, synteettinen)",
                "Inbjudningsomgång (demo, syntetisk)",
                "Invitation round (demo, synthetic)",
            ),
            tryout=False,
        )
        now = timezone.now()
        units = list(round_.frame.select_related("organisation").order_by("organisation__name")[:8])
        states = ["sent", "sent", "opened", "opened", "answered", "answered", "reminded", "reminded"]
        donors = (
            list(answered_from.responses.filter(status=ResponseStatus.SUBMITTED).order_by("pk")[:2])
            if answered_from is not None
            else []
        )
        for i, (unit, state) in enumerate(zip(units, states, strict=False)):
            invitation = Invitation.objects.create(
                round=round_,
                frame_unit=unit,
                email=f"vastaaja{i + 1}@example.fi",
                name=f"Vastaaja {i + 1} (synteettinen)",
                language="fi",
                token=round_services._token(),
                sent_at=now - datetime.timedelta(days=14),
                last_reminded_at=now - datetime.timedelta(days=3) if state == "reminded" else None,
                reminders_sent=1 if state == "reminded" else 0,
            )
            if state in ("opened", "answered"):
                response = Response.objects.create(
                    round=round_,
                    frame_unit=unit,
                    invitation=invitation,
                    status=ResponseStatus.SUBMITTED if state == "answered" else ResponseStatus.IN_PROGRESS,
                    submitted_at=now - datetime.timedelta(days=2) if state == "answered" else None,
                )
                donor = donors[i % len(donors)] if donors and state == "answered" else None
                if donor is not None:  # the answers of a synthetic 2022 respondent (the same questionnaire)
                    copied += len(
                        Answer.objects.bulk_create(
                            Answer(response=response, question_id=a.question_id, value=a.value)
                            for a in donor.answers.all()
                        )
                    )
        made.append(INVITED_SLUG)
    return made, existing, copied


def demo_rounds_load(*, seed: int = DEFAULT_SEED, log: Callable[[str], Any] | None = None) -> DemoRoundsResult:
    """Loads the synthetic rounds that are not there yet (by slug); the ones that are stay as they are."""
    started = time.monotonic()
    log = log or (lambda message: None)
    if not Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).exists():
        raise ValidationError("Load the reference data first: manage.py load_reference_data")
    created, existing, responses, answers = [], [], 0, 0
    with transaction.atomic():
        actor = _actor()
        version = demo_questionnaire(actor)
        previous: Round | None = None
        for plan in ROUNDS:
            found = Round.objects.filter(slug=plan.slug).first()
            if found is not None:
                existing.append(plan.slug)
                previous = found
                continue
            log(f"Barometer: {plan.names[2]} …")
            previous, made_responses, made_answers = _write_round(
                plan, actor=actor, version=version, previous=previous, seed=seed
            )
            created.append(plan.slug)
            responses += made_responses
            answers += made_answers
        made, there, copied = _write_live_rounds(actor=actor, version=version, answered_from=previous)
        created += made
        existing += there
        answers += copied
    return DemoRoundsResult(created, existing, responses, answers, time.monotonic() - started)


@transaction.atomic
def demo_rounds_delete() -> None:
    """Removes the synthetic rounds, and the demo questionnaire when a synthetic organisation organises it and
    nothing else uses it (it goes with the demo registry). Refuses when real rounds depend on demo records."""
    synthetic = Round.objects.filter(is_synthetic=True)
    problems = []
    if (
        Round.objects.filter(is_synthetic=False)
        .filter(Q(organiser__is_synthetic=True) | Q(frame__organisation__is_synthetic=True))
        .exists()
    ):
        problems.append("real rounds are organised by or sample synthetic organisations")
    if problems:
        raise ValidationError("Cannot remove the demo data: " + "; ".join(problems) + ".")
    round_ids = list(synthetic.values_list("pk", flat=True))
    # Responses first: a response protects its frame unit, which the round would otherwise delete under it.
    Response.objects.filter(round_id__in=round_ids).delete()
    Round.objects.filter(pk__in=round_ids).delete()
    ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(Round), object_id__in=round_ids).delete()
    questionnaire = Questionnaire.objects.filter(code=QUESTIONNAIRE_CODE, organiser__is_synthetic=True).first()
    if (
        questionnaire is not None
        and not Round.objects.filter(questionnaire_version__questionnaire=questionnaire).exists()
    ):
        ids_of = {
            QuestionnaireVersion: list(questionnaire.versions.values_list("pk", flat=True)),
            Questionnaire: [questionnaire.pk],
        }
        questionnaire.delete()
        for model, ids in ids_of.items():
            ChangeRecord.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id__in=ids
            ).delete()
