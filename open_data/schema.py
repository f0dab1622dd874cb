"""The one definition of the open-data files: which fields the innovation and experiment files carry, their types,
their codes and what each means in Finnish, Swedish and English.

Everything that describes the files is generated from here — the CSV header, the JSON records' keys (see
`exports`), the published Table Schema (Frictionless) and JSON Schema, the Data Package, the OpenAPI response
model and the list of fields on the open-data page — so the page and the files cannot disagree.

Versioning (semantic): a new field is a minor version, a removed or renamed field or a changed meaning a major
one. The version is in every file (the JSON head, a CSV column) next to the address of its schema.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from experiments.models import Decision
from innovations.vocabulary import (
    CHOICES_BY_DIMENSION,
    Dimension,
    Novelty,
    PartnerRole,
    Phase,
    Stage,
)
from organisations.models import OrganisationKind

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

SCHEMA_VERSION = "2.0.0"
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LANGUAGES = ("fi", "sv", "en")
# Several values in one CSV cell are separated by this; the parts of one structured value (a partner) by ":",
# and the phases within a partner by "+". No code contains any of them.
MULTI_VALUE_SEPARATOR = ";"
PART_SEPARATOR = ":"
PHASE_SEPARATOR = "+"
TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class FieldDef:
    """One field of an open-data file. `kind` is a Table Schema type, or "partners" (structured list)."""

    name: str
    kind: str  # integer, number, string, date, datetime, boolean, list, partners
    title: "StrOrPromise"
    description: "StrOrPromise"
    nullable: bool = False
    codes: type[models.TextChoices] | None = None  # the values (of each item, for a list) and their labels
    format: str = ""  # e.g. "uri"

    @property
    def is_list(self) -> bool:
        return self.kind in ("list", "partners")


@dataclass(frozen=True)
class Dataset:
    name: str  # "innovations", "experiments"
    title: "StrOrPromise"
    description: "StrOrPromise"
    fields: tuple[FieldDef, ...] = field(default_factory=tuple)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _per_language(base: str, titles: Mapping[str, "StrOrPromise"], description: "StrOrPromise") -> tuple[FieldDef, ...]:
    return tuple(FieldDef(f"{base}_{lang}", "string", titles[lang], description) for lang in LANGUAGES)


# Both datasets' names and summaries, one column a language.
TITLES = {"fi": _("Title in Finnish"), "sv": _("Title in Swedish"), "en": _("Title in English")}
SUMMARIES = {"fi": _("Summary in Finnish"), "sv": _("Summary in Swedish"), "en": _("Summary in English")}


def _identity(number: "StrOrPromise", name: "StrOrPromise", summary: "StrOrPromise") -> tuple[FieldDef, ...]:
    """The first columns of both datasets: the record's number, its name and summary in each language."""
    return (
        FieldDef("id", "integer", _("Identifier"), number),
        *_per_language("title", TITLES, name),
        *_per_language("summary", SUMMARIES, summary),
    )


def _owner_fields(what: "StrOrPromise") -> tuple[FieldDef, ...]:
    return (
        FieldDef("owner", "string", _("Owner organisation"), what),
        FieldDef(
            "owner_slug",
            "string",
            _("Owner's address name"),
            _("The owner organisation's permanent short name in Innoverkko's addresses and API."),
        ),
        FieldDef(
            "owner_kind",
            "string",
            _("Kind of owner"),
            _("What kind of organisation the owner is."),
            codes=OrganisationKind,
        ),
        FieldDef(
            "owner_business_id",
            "string",
            _("Owner's business ID"),
            _("The owner's business ID (Y-tunnus) in the Finnish Business Information System, e.g. 0101263-6."),
            nullable=True,
        ),
        FieldDef(
            "owner_municipality_code",
            "string",
            _("Owner's municipality code"),
            _("For a municipality, its three-digit code in Statistics Finland's classification, e.g. 049."),
            nullable=True,
        ),
        FieldDef(
            "region",
            "string",
            _("Region"),
            _("The two-digit code of the owner's region in Statistics Finland's classification, e.g. 01."),
            nullable=True,
        ),
    )


PARTNERS_DESCRIPTION = _(
    "Development partners. In JSON a list of objects (organisation, slug, business_id, kind, role, phases); in CSV "
    "one item per partner, items separated by “;”, each item “slug:kind:role:phases” with the phases separated "
    "by “+” (e.g. aalto-university:university:researcher:idea+development)."
)


class _Phases(models.TextChoices):
    """The phase codes as they appear in a partner item."""

    IDEA = Phase.IDEA.value, Phase.IDEA.label
    DEVELOPMENT = Phase.DEVELOPMENT.value, Phase.DEVELOPMENT.label
    IMPLEMENTATION = Phase.IMPLEMENTATION.value, Phase.IMPLEMENTATION.label


def _classification(name: str, dimension: str, title: "StrOrPromise") -> FieldDef:
    return FieldDef(
        name,
        "list",
        title,
        _("Codes of the innovation's classification, as in the Innovation Barometer; the labels are in the schema."),
        codes=CHOICES_BY_DIMENSION[dimension],
    )


class _AdoptionModes(models.TextChoices):
    ADAPTED = Novelty.ADAPTED.value, Novelty.ADAPTED.label
    COPIED = Novelty.COPIED.value, Novelty.COPIED.label


INNOVATIONS = Dataset(
    name="innovations",
    title=_("Published innovations"),
    description=_("Every published innovation of Finland's public sector recorded in Innoverkko, one per row."),
    fields=(
        *_identity(
            _("The innovation's permanent number in Innoverkko."),
            _("The innovation's name."),
            _("The innovation in a few sentences."),
        ),
        *_per_language(
            "description",
            {"fi": _("Description in Finnish"), "sv": _("Description in Swedish"), "en": _("Description in English")},
            _("The full description as plain text (the page shows it with its formatting)."),
        ),
        *_per_language(
            "target_group",
            {
                "fi": _("Target group in Finnish"),
                "sv": _("Target group in Swedish"),
                "en": _("Target group in English"),
            },
            _("Whom the innovation is for."),
        ),
        *_per_language(
            "resources",
            {
                "fi": _("Resources and costs in Finnish"),
                "sv": _("Resources and costs in Swedish"),
                "en": _("Resources and costs in English"),
            },
            _("What taking the innovation into use takes: people, skills, equipment, money."),
        ),
        *_per_language(
            "evidence",
            {
                "fi": _("Evidence of effect in Finnish"),
                "sv": _("Evidence of effect in Swedish"),
                "en": _("Evidence of effect in English"),
            },
            _("What is known of the innovation's effects, and how it was found out."),
        ),
        *_owner_fields(_("The name of the organisation that recorded the innovation, in Finnish if it has one.")),
        FieldDef("stage", "string", _("Stage"), _("Where the innovation is now."), codes=Stage),
        FieldDef(
            "novelty",
            "string",
            _("Novelty"),
            _("Entirely new, adapted from another's idea, or copied from another."),
            codes=Novelty,
        ),
        FieldDef(
            "source_innovation_id",
            "integer",
            _("Adopted from"),
            _("The identifier of the published innovation in the registry this one was adopted from (lineage)."),
            nullable=True,
        ),
        FieldDef(
            "adoption_mode",
            "string",
            _("How it was adopted"),
            _("Whether it was adapted or copied from the innovation it was adopted from."),
            nullable=True,
            codes=_AdoptionModes,
        ),
        FieldDef(
            "external_source",
            "string",
            _("External source"),
            _("What outside the registry the innovation draws on, e.g. another country's service."),
        ),
        FieldDef(
            "external_source_url",
            "string",
            _("Address of the external source"),
            _("A web address of the external source."),
            format="uri",
        ),
        FieldDef("is_social", "boolean", _("Social innovation"), _("It changes how people act together.")),
        FieldDef(
            "is_systemic",
            "boolean",
            _("Systemic innovation"),
            _("It changes a whole system of services, organisations or rules."),
        ),
        _classification("types", Dimension.TYPE, _("Type of innovation")),
        _classification("idea_sources", Dimension.IDEA_SOURCE, _("Idea sources")),
        _classification("motivations", Dimension.MOTIVATION, _("Motivations")),
        _classification("strategy_links", Dimension.STRATEGY, _("Strategy links")),
        _classification("channels", Dimension.CHANNEL, _("Communication channels")),
        _classification("outcomes_achieved", Dimension.OUTCOME_ACHIEVED, _("Outcomes achieved")),
        _classification("outcomes_expected", Dimension.OUTCOME_EXPECTED, _("Outcomes expected")),
        FieldDef("themes", "list", _("Themes"), _("The address names (slugs) of the innovation's subject themes.")),
        FieldDef("partners", "partners", _("Development partners"), PARTNERS_DESCRIPTION),
        FieldDef(
            "introduced_on",
            "date",
            _("Taken into use on"),
            _("The date the innovation was taken into use (ISO 8601); empty if not in use yet."),
            nullable=True,
        ),
        FieldDef("updated_at", "datetime", _("Last updated"), _("When the record was last changed (ISO 8601, UTC).")),
        FieldDef("url", "string", _("Address"), _("The address of the innovation's page."), format="uri"),
        FieldDef(
            "is_synthetic",
            "boolean",
            _("Demonstration record"),
            _("True for made-up demonstration records, which are not real organisations' data."),
        ),
        FieldDef(
            "schema_version",
            "string",
            _("Schema version"),
            _("The version of this description of the file, the same on every row."),
        ),
    ),
)


EXPERIMENTS = Dataset(
    name="experiments",
    title=_("Published experiments"),
    description=_(
        "Every published experiment, one per row, whatever its decision: also those stopped or changed, because "
        "what did not work is worth knowing too."
    ),
    fields=(
        *_identity(
            _("The experiment's permanent number in Innoverkko."),
            _("The experiment's name."),
            _("The experiment in a few sentences."),
        ),
        *_per_language(
            "hypothesis",
            {"fi": _("Hypothesis in Finnish"), "sv": _("Hypothesis in Swedish"), "en": _("Hypothesis in English")},
            _("What the experiment set out to find out."),
        ),
        *_per_language(
            "measures",
            {
                "fi": _("What is measured and how, in Finnish"),
                "sv": _("What is measured and how, in Swedish"),
                "en": _("What is measured and how, in English"),
            },
            _("What was measured and how."),
        ),
        *_per_language(
            "places",
            {"fi": _("Places in Finnish"), "sv": _("Places in Swedish"), "en": _("Places in English")},
            _("Where the experiment was run."),
        ),
        *_per_language(
            "participants",
            {
                "fi": _("Participants in Finnish"),
                "sv": _("Participants in Swedish"),
                "en": _("Participants in English"),
            },
            _("Who took part."),
        ),
        *_per_language(
            "results",
            {"fi": _("Results in Finnish"), "sv": _("Results in Swedish"), "en": _("Results in English")},
            _("What the experiment showed."),
        ),
        *_per_language(
            "decision_reasons",
            {
                "fi": _("Reasons for the decision in Finnish"),
                "sv": _("Reasons for the decision in Swedish"),
                "en": _("Reasons for the decision in English"),
            },
            _("Why the decision was taken."),
        ),
        *_owner_fields(_("The name of the organisation that ran the experiment, in Finnish if it has one.")),
        FieldDef("starts_on", "date", _("Starts on"), _("The first day of the experiment (ISO 8601)."), nullable=True),
        FieldDef("ends_on", "date", _("Ends on"), _("The last day of the experiment (ISO 8601)."), nullable=True),
        FieldDef(
            "budget",
            "number",
            _("Budget (euros)"),
            _("The experiment's budget in euros, with a decimal point."),
            nullable=True,
        ),
        FieldDef(
            "decision",
            "string",
            _("Decision"),
            _("What was decided on the results; empty while undecided."),
            nullable=True,
            codes=Decision,
        ),
        FieldDef(
            "source_innovation_id",
            "integer",
            _("Innovation tried out"),
            _("The identifier of the published innovation the experiment tried out."),
            nullable=True,
        ),
        FieldDef(
            "resulting_innovation_id",
            "integer",
            _("Resulting innovation"),
            _("The identifier of the published innovation the experiment became when it was scaled up."),
            nullable=True,
        ),
        FieldDef(
            "partners",
            "partners",
            _("Partners"),
            _(
                "Partners of the experiment. In JSON a list of objects (organisation, slug, business_id, kind, role); "
                "in CSV items separated by “;”, each item “slug:kind:role”."
            ),
        ),
        FieldDef("updated_at", "datetime", _("Last updated"), _("When the record was last changed (ISO 8601, UTC).")),
        FieldDef("url", "string", _("Address"), _("The address of the experiment's page."), format="uri"),
        FieldDef(
            "schema_version",
            "string",
            _("Schema version"),
            _("The version of this description of the file, the same on every row."),
        ),
    ),
)

DATASETS = {dataset.name: dataset for dataset in (INNOVATIONS, EXPERIMENTS)}


def _in_languages(text: "StrOrPromise") -> dict[str, str]:
    result = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            result[lang] = str(text)
    return result


def _categories(codes: type[models.TextChoices]) -> list[dict[str, Any]]:
    return [{"value": value, "label": str(label), "labels": _in_languages(label)} for value, label in codes.choices]


# The Table Schema type of each kind; a partner list is a list of strings in CSV.
_TABLE_TYPES = {"partners": "list"}


def table_schema(dataset: Dataset, *, url: str = "") -> dict[str, Any]:
    """The Frictionless Table Schema (v2) of the CSV file. Titles and descriptions are in the active language,
    with all three languages in `titles` and `descriptions`; codes come with their labels (`categories`)."""
    fields = []
    for definition in dataset.fields:
        item: dict[str, Any] = {
            "name": definition.name,
            "type": _TABLE_TYPES.get(definition.kind, definition.kind),
            "title": str(definition.title),
            "description": str(definition.description),
            "titles": _in_languages(definition.title),
            "descriptions": _in_languages(definition.description),
        }
        if definition.is_list:
            item.update(delimiter=MULTI_VALUE_SEPARATOR, itemType="string")
        if definition.format:
            item["format"] = definition.format
        if definition.kind == "boolean":
            item.update(trueValues=["true"], falseValues=["false"])
        if definition.codes is not None:
            item["categories"] = _categories(definition.codes)
            if not definition.is_list:
                item["constraints"] = {"enum": list(definition.codes.values)}
        if not definition.nullable and definition.kind in ("integer", "datetime", "boolean"):
            item.setdefault("constraints", {})["required"] = True
        fields.append(item)
    schema: dict[str, Any] = {
        "$schema": TABLE_SCHEMA_PROFILE,
        "name": f"innoverkko-{dataset.name}",
        "title": str(dataset.title),
        "description": str(dataset.description),
        "version": SCHEMA_VERSION,
        "licenses": [{"name": "CC-BY-4.0", "path": LICENCE_URL, "title": LICENCE}],
        "fields": fields,
        "primaryKey": ["id"],
        "missingValues": [""],
    }
    if url:
        schema["path"] = url
    return schema


_JSON_TYPES = {
    "integer": "integer",
    "number": "number",
    "string": "string",
    "boolean": "boolean",
}


def _json_property(definition: FieldDef) -> dict[str, Any]:
    prop: dict[str, Any]
    if definition.kind == "partners":
        prop = {"type": "array", "items": {"$ref": "#/$defs/partner"}}
    elif definition.kind == "list":
        items: dict[str, Any] = {"type": "string"}
        if definition.codes is not None:
            items["enum"] = list(definition.codes.values)
        prop = {"type": "array", "items": items}
    elif definition.kind in ("date", "datetime"):
        prop = {"type": "string", "format": "date" if definition.kind == "date" else "date-time"}
    else:
        prop = {"type": _JSON_TYPES[definition.kind]}
        if definition.format:
            prop["format"] = definition.format
        if definition.codes is not None:
            prop["enum"] = list(definition.codes.values)
    if definition.nullable:
        prop["type"] = [prop["type"], "null"]
        if "enum" in prop:
            prop["enum"] = [*prop["enum"], None]
    prop.update(title=str(definition.title), description=str(definition.description))
    return prop


def json_schema(dataset: Dataset, *, url: str = "") -> dict[str, Any]:
    """The JSON Schema (2020-12) of the JSON document: the head (licence, version, schema) and the records."""
    record = {
        "type": "object",
        "properties": {definition.name: _json_property(definition) for definition in dataset.fields},
        "required": list(dataset.columns),
        "additionalProperties": False,
    }
    partner = {
        "type": "object",
        "properties": {
            "organisation": {"type": "string"},
            "slug": {"type": "string"},
            "business_id": {"type": ["string", "null"]},
            "kind": {"type": "string", "enum": list(OrganisationKind.values)},
            "role": {"type": "string", "enum": list(PartnerRole.values)},
            "phases": {"type": "array", "items": {"type": "string", "enum": list(_Phases.values)}},
        },
        "required": ["organisation", "slug", "business_id", "kind", "role"],
    }
    schema: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "type": "object",
        "properties": {
            "licence": {"const": LICENCE},
            "licence_url": {"const": LICENCE_URL},
            "attribution": {"type": "string"},
            "schema_version": {"const": SCHEMA_VERSION},
            "schema": {"type": "string", "format": "uri"},
            "generated_at": {"type": "string", "format": "date-time"},
            dataset.name: {"type": "array", "items": {"$ref": "#/$defs/record"}},
        },
        "required": ["licence", "licence_url", "attribution", "schema_version", "schema", "generated_at", dataset.name],
        "$defs": {"record": record, "partner": partner},
    }
    if url:
        schema["$id"] = url
    return schema


def data_package(*, resource_url: Callable[[str, str], str]) -> dict[str, Any]:
    """The Frictionless Data Package that lists every file with its schema: `resource_url(dataset, kind)` gives
    the address of a dataset's "csv", "json", "tableschema" or "jsonschema"."""
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "innoverkko",
        "title": str(_("Innoverkko – the innovation registry of Finland's public sector")),
        "version": SCHEMA_VERSION,
        "licenses": [{"name": "CC-BY-4.0", "path": LICENCE_URL, "title": LICENCE}],
        "resources": [
            {
                "name": f"{dataset.name}-csv",
                "title": str(dataset.title),
                "path": resource_url(dataset.name, "csv"),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": resource_url(dataset.name, "tableschema"),
            }
            for dataset in DATASETS.values()
        ]
        + [
            {
                "name": f"{dataset.name}-json",
                "title": str(dataset.title),
                "path": resource_url(dataset.name, "json"),
                "format": "json",
                "mediatype": "application/json",
                "jsonSchema": resource_url(dataset.name, "jsonschema"),
            }
            for dataset in DATASETS.values()
        ],
    }


def kind_label(definition: FieldDef) -> "StrOrPromise":
    """How the open-data page names a field's type for a reader."""
    if definition.kind == "partners":
        return _("list of partners")
    if definition.is_list:
        return _("list of codes") if definition.codes is not None else _("list")
    if definition.codes is not None:
        return _("code")
    return {
        "integer": _("whole number"),
        "number": _("number"),
        "string": _("text"),
        "date": _("date"),
        "datetime": _("date and time"),
        "boolean": _("true or false"),
    }[definition.kind]
