"""REST API v1 for diffusion: an innovation's family and its adoption curve with the fitted Bass model, flags and
adopter categories. Everything here is built from published records only (see diffusion/selectors.py), so a draft
is never counted; the figures are the stored ones (computed in the background: `status` says whether they are
current, being recomputed, or not computed yet — they are never computed on a request)."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from accounts.api_auth import AUTH_OPTIONAL, AUTH_REQUIRED, OPTIONAL_SECURITY, actor
from core.api_types import ObjectId, OutText
from core.models import Theme
from diffusion import live, overview, selectors, services
from diffusion.models import (
    EventHistoryFigures,
    FamilyFigures,
    FamilySuggestions,
    OrganisationRecommendations,
    RegistryFigures,
    SourceSuggestion,
)
from diffusion.pages import event_history as event_history_pages
from diffusion.pages import families as family_pages
from diffusion.pages import suggestions as suggestion_pages
from innovations.api import InnovationRef, SourceProposalOut
from innovations.models import Innovation
from innovations.selectors import innovation_visible
from organisations.api import OrganisationRef, RegionRef
from organisations.models import Organisation, OrganisationKind

router = Router(tags=["diffusion"])

FigureStatus = Literal["current", "stale", "being_computed"]
CategoryCode = Literal["innovator", "early_adopter", "early_majority", "late_majority", "laggard"]


class MemberOut(Schema):
    """One published record of the family: who took it into use, when and how."""

    innovation: int
    title: OutText
    organisation: OrganisationRef
    region: RegionRef | None
    date: date
    year: int
    mode: Literal["original", "adapted", "copied"]
    adopted_from: int | None
    depth: int
    adopter_category: CategoryCode | None


class FamilyOut(Schema):
    root: int
    count: int
    adopters: int
    items: list[MemberOut]


class FitOut(Schema):
    """The fitted Bass model: p (innovation), q (imitation), m (market potential) with standard errors (null when
    not estimable, e.g. m fixed at the population); per-year expected adopters and the 95 % band of the
    cumulative curve."""

    method: Literal["hazard_mle", "nls", "ols"]
    p: float | None
    q: float | None
    m: float | None
    se_p: float | None
    se_q: float | None
    se_m: float | None
    fitted: list[float | None]
    cumulative_low: list[float | None]
    cumulative_high: list[float | None]
    peak_year: float | None
    past_inflection: bool | None
    converged: bool


class FlagOut(Schema):
    code: Literal["too_few", "before_inflection", "burst", "two_waves", "no_convergence"]
    text: str


class CategoriesOut(Schema):
    """Organisations per Rogers category; non-adopters apart (censored: they may still adopt)."""

    innovator: int
    early_adopter: int
    early_majority: int
    late_majority: int
    laggard: int
    non_adopter: int


class CurveOut(Schema):
    root: int
    status: FigureStatus
    computed_at: datetime | None
    population: int | None
    years: list[int]
    adopters: list[int]
    cumulative: list[int]
    fit: FitOut | None
    flags: list[FlagOut]
    categories: CategoriesOut | None
    boundaries: dict[str, float | None]


def _family(request: HttpRequest, pk: int) -> selectors.Family:
    """The published family of an innovation the person may see; 404 otherwise (also for a draft: it is in no
    published family, and others must not learn that it exists)."""
    if not innovation_visible(user=actor(request)).filter(pk=pk).exists():
        raise Innovation.DoesNotExist
    family = selectors.family(pk)
    if family is None:
        raise Innovation.DoesNotExist
    return family


def _status(figures: FamilyFigures | None) -> FigureStatus:
    if figures is None or not figures.computed:
        return "being_computed"
    return "stale" if figures.stale else "current"


@router.get(
    "/families/{id}", response=FamilyOut, auth=AUTH_OPTIONAL, openapi_extra=OPTIONAL_SECURITY, summary="Read a family"
)
def family_read(request: HttpRequest, id: ObjectId) -> Any:
    """The family of innovation `id`: its published original and every published record adapted or copied from it,
    at any depth (the original first, then by date). Any member's id gives the same family."""
    family = _family(request, id)
    figures = selectors.family_figures(family.root_id)
    categories = figures.data.get("categories", {}) if figures is not None and figures.computed else {}
    items = [
        {
            "innovation": m.innovation.pk,
            "title": m.innovation.title,
            "organisation": m.organisation,
            "region": m.organisation.region,
            "date": m.date,
            "year": m.year,
            "mode": m.mode or "original",
            "adopted_from": m.parent_id,
            "depth": m.depth,
            "adopter_category": categories.get(str(m.innovation.owner_id)),
        }
        for m in family.members
    ]
    return {"root": family.root_id, "count": len(items), "adopters": len(family.first_years()), "items": items}


@router.get(
    "/families/{id}/curve",
    response=CurveOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Read a family's adoption curve and Bass fit",
)
def family_curve(request: HttpRequest, id: ObjectId) -> Any:
    """Adopters per year (organisations, at their first adoption in the family) and cumulative, the fitted Bass
    model with its band, the flags in words (in the language of `Accept-Language`) and the adopter categories.
    Before the first computation `status` is `being_computed` and the figures are empty."""
    family = _family(request, id)
    figures = selectors.family_figures(family.root_id)
    status = _status(figures)
    data: dict[str, Any] = figures.data if figures is not None and figures.computed else {}
    curve = data.get("curve", {})
    return {
        "root": family.root_id,
        "status": status,
        "computed_at": figures.computed_at if figures is not None else None,
        "population": data.get("population"),
        "years": curve.get("years", []),
        "adopters": curve.get("adopters", []),
        "cumulative": curve.get("cumulative", []),
        "fit": data.get("fit"),
        "flags": [{"code": code, "text": str(family_pages.FLAGS[code])} for code in data.get("flags", [])],
        "categories": data.get("category_counts"),
        "boundaries": data.get("boundaries", {}),
    }


@router.get(
    "/families/{id}/csv",
    auth=AUTH_OPTIONAL,
    openapi_extra={**OPTIONAL_SECURITY, "responses": {200: {"description": "The family as CSV (UTF-8)."}}},
    summary="Download a family as CSV",
)
def family_csv(request: HttpRequest, id: ObjectId) -> HttpResponse:
    """One row per published record of the family: innovation, title, organisation, its kind and region, date,
    year, mode, adopted_from, depth and adopter_category (codes)."""
    family = _family(request, id)
    figures = selectors.family_figures(family.root_id)
    content = family_pages.family_csv(family, figures.data if figures is not None and figures.computed else None)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    name = slugify(str(family.root.innovation.title))[:60] or str(family.root_id)
    response["Content-Disposition"] = f'attachment; filename="{name}-family.csv"'
    return response


class PeerGroupOut(Schema):
    group: Literal["size_class", "region"]
    value: str
    peers: int
    percentiles: dict[str, float]


class WalkerYearOut(Schema):
    year: int
    score: float | None


class WalkerRankOut(Schema):
    """Its place by Walker's score among the organisations of its size class that have a score: 1 = highest,
    ties share the best rank."""

    rank: int
    of: int
    size_class: str


class OrganisationFiguresOut(Schema):
    """An organisation's place in the network of who learns from whom (published records only): organisations it
    learned from and taught, the adoptions behind them, partners, betweenness, influence (PageRank on the reversed
    learning ties, recency-weighted), community, role, Walker's innovativeness score (0–1, 1 = always first), the
    same as it stood at the end of each year (`walker_by_year`: only the adoptions made by then; the last year's
    equals `walker`), the number of innovation families it took into use (its own included) the score rests on,
    its rank by the score within its size class, its strongest ties (organisation ids) and its percentile ranks
    among peers of its size class and region."""

    organisation: int
    status: Literal["current", "stale"]
    computed_at: datetime
    learned_from: int
    taught: int
    adoptions_in: int
    adoptions_out: int
    partners: int
    betweenness: float | None
    influence: float | None
    community: int
    community_size: int
    role: Literal["broker", "source", "adopter", "isolated"]
    walker: float | None
    walker_by_year: list[WalkerYearOut]
    walker_innovations: int
    walker_rank: WalkerRankOut | None
    sources: list[int]
    adopters: list[int]
    peers: list[PeerGroupOut]


class FlowOut(Schema):
    source_region: str
    adopter_region: str
    adoptions: int


class TrendsOut(Schema):
    years: list[int]
    new: list[int]
    adapted: list[int]
    copied: list[int]


class FlowMatrixOut(Schema):
    """Adoptions between regions as a square matrix: row i is the source record's owner's region `regions[i]`,
    column j the adopter's region `regions[j]` (every region, by code)."""

    regions: list[str]
    adoptions: list[list[int]]


class TimeSummaryOut(Schema):
    """Time (years) from an original's introduction to its first adoption by another organisation, estimated by
    Kaplan–Meier with innovations nobody adopted yet censored at their present age: quartiles (null when the
    estimate does not reach them), the share not adopted yet (observed) and Kaplan–Meier's share remaining."""

    families: int
    adopted: int
    q1: float | None
    median: float | None
    q3: float | None
    unadopted_share: float | None
    remaining: float | None


class TimeCurveOut(Schema):
    years: list[float]  # years since introduction at each first adoption
    unadopted: list[float | None]  # Kaplan–Meier's share not yet adopted just after


class TimeOverallOut(TimeSummaryOut):
    curve: TimeCurveOut


class TimeByYearOut(TimeSummaryOut):
    year: int  # of introduction


class TimeToAdoptionOut(Schema):
    overall: TimeOverallOut
    by_year: list[TimeByYearOut]


class SpreadGroupOut(Schema):
    """One innovation type or theme (code or slug) of the originals: families, adopting organisations per family,
    the median time (years) to the first adoption (Kaplan–Meier; null when under half were adopted) and whether
    the group is small (fewer than `small_group` families)."""

    dimension: Literal["type", "theme"]
    code: str
    families: int
    adopters_per_family: float
    median: float | None
    unadopted_share: float | None
    small: bool


class RegistryOut(Schema):
    """The registry-wide figures: published records per year by novelty, adoptions between regions (by region
    code, as a list and as a matrix) and how far they travelled, the time to an innovation's first adoption, and
    which types and themes spread fastest (fastest first). Fields added later are null until the next
    recomputation."""

    status: Literal["current", "stale"]
    computed_at: datetime
    trends: TrendsOut
    region_flows: list[FlowOut]
    flow_matrix: FlowMatrixOut | None
    travel: dict[str, int]
    time_to_adoption: TimeToAdoptionOut | None
    spread_by_group: list[SpreadGroupOut] | None
    small_group: int | None


@router.get(
    "/organisations/{id}",
    response=OrganisationFiguresOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Read an organisation's network figures",
)
def organisation_figures_read(request: HttpRequest, id: ObjectId) -> Any:
    """404 when the organisation has no published adoption or partnership yet, or the figures are not computed."""
    figures = selectors.organisation_figures(id)
    if figures is None:
        raise Organisation.DoesNotExist
    status = "current" if figures.registry_version >= selectors.state_version() else "stale"
    data = figures.data
    by_year = [
        {"year": int(year), "score": score}
        for year, score in sorted(data.get("walker_by_year", {}).items(), key=lambda item: int(item[0]))
    ]
    return {
        "organisation": id,
        "status": status,
        "computed_at": figures.computed_at,
        **data,
        # Figures stored before the dynamic score was kept have none of it until the next computation.
        "walker_by_year": by_year,
        "walker_innovations": data.get("walker_innovations", 0),
        "walker_rank": data.get("walker_rank"),
    }


@router.get(
    "/registry",
    response=RegistryOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Read the registry-wide diffusion figures",
)
def registry_figures_read(request: HttpRequest) -> Any:
    """404 before the first computation."""
    figures = selectors.registry_figures()
    if figures is None:
        raise RegistryFigures.DoesNotExist
    status = "current" if figures.registry_version >= selectors.state_version() else "stale"
    data = figures.data
    return {
        "status": status,
        "computed_at": figures.computed_at,
        "trends": data["trends"],
        "region_flows": [{"source_region": s, "adopter_region": t, "adoptions": n} for s, t, n in data["region_flows"]],
        "travel": data["travel"],
        "flow_matrix": data.get("flow_matrix"),
        "time_to_adoption": data.get("time_to_adoption"),
        "spread_by_group": data.get("spread_by_group"),
        "small_group": data.get("small_group"),
    }


@router.get(
    "/registry/organisations/csv",
    auth=AUTH_OPTIONAL,
    openapi_extra={**OPTIONAL_SECURITY, "responses": {200: {"description": "The figures as CSV (UTF-8)."}}},
    summary="Download every organisation's network figures as CSV",
)
def organisation_figures_csv(request: HttpRequest) -> HttpResponse:
    """One row per organisation with stored figures (published records only): organisation, name, kind, region,
    size_class, learned_from, taught, adoptions_in, adoptions_out, partners, betweenness, pagerank, walker_score,
    role, community (codes)."""
    response = HttpResponse(
        overview.organisation_figures_csv(selectors.all_organisation_figures()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="diffusion-organisations.csv"'
    return response


class ReasonOut(Schema):
    """Why it is suggested, as data: adopters among everyone, in the organisation's region, size class, both, and
    its networks (null when the organisation lacks that feature); one example adopter with its year and relation;
    the innovation family already adopted that this one is most like, and how many adopted both."""

    adopters: int
    adopters_same_region: int | None
    adopters_same_size_class: int | None
    adopters_same_region_and_size_class: int | None
    adopters_in_shared_networks: int | None
    example_adopter: OrganisationRef | None
    example_year: int | None
    example_relation: (
        Literal["same_region_and_size_class", "same_region", "network_partner", "same_size_class", "other"] | None
    )
    because_of: int | None  # a published family's original


class RecommendationOut(Schema):
    innovation: InnovationRef  # the published original of the family
    score: float | None
    reason: ReasonOut
    text: str  # the reason in words, in the request's language


class RecommendationsOut(Schema):
    organisation: int
    status: Literal["current", "stale"]
    computed_at: datetime
    items: list[RecommendationOut]


class AlsoAdoptedOut(Schema):
    innovation: InnovationRef
    co_adopters: int  # organisations that adopted both
    share: float | None  # co_adopters / adopters of this family


class AlsoAdoptedListOut(Schema):
    root: int
    status: Literal["current", "stale"]
    computed_at: datetime
    items: list[AlsoAdoptedOut]


class LikelyAdopterOut(Schema):
    organisation: OrganisationRef
    score: float | None
    reason: ReasonOut
    text: str


class LikelyAdoptersOut(Schema):
    root: int
    status: Literal["current", "stale"]
    computed_at: datetime
    items: list[LikelyAdopterOut]


def _current(registry_version: int) -> Literal["current", "stale"]:
    return "current" if registry_version >= selectors.state_version() else "stale"


def _reason(suggested: selectors.Suggested) -> dict[str, Any]:
    return {**suggested.item["reason"], "example_adopter": suggested.example_adopter}


@router.get(
    "/organisations/{id}/recommendations",
    response=RecommendationsOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="What an organisation could adopt next",
)
def organisation_recommendations_read(request: HttpRequest, id: ObjectId) -> Any:
    """Up to ten published innovation families that organisations like this one adopted and it has not, best
    first, each with its reason as data and in words. Stored after each change (never computed on a request);
    404 for an unknown organisation or before the first computation."""
    row = OrganisationRecommendations.objects.filter(organisation_id=id).first()
    if row is None:
        raise Organisation.DoesNotExist
    items = [
        {
            "innovation": s.innovation,
            "score": s.item["score"],
            "reason": _reason(s),
            "text": suggestion_pages.reason_text(s),
        }
        for s in selectors.organisation_recommendations(id) or []
    ]
    return {
        "organisation": id,
        "status": _current(row.registry_version),
        "computed_at": row.computed_at,
        "items": items,
    }


def _suggestions(request: HttpRequest, pk: int) -> tuple[FamilySuggestions, selectors.FamilySuggestionLists]:
    family = _family(request, pk)
    row = FamilySuggestions.objects.filter(root_id=family.root_id).first()
    lists = selectors.family_suggestions(family.root_id)
    if row is None or lists is None:
        raise Innovation.DoesNotExist
    return row, lists


@router.get(
    "/families/{id}/also-adopted",
    response=AlsoAdoptedListOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Families the adopters of this one also adopted",
)
def family_also_adopted(request: HttpRequest, id: ObjectId) -> Any:
    """Up to five published families most often adopted by the organisations that adopted the family of
    innovation `id` (stored; 404 for a draft, an innovation you may not see, or before the first computation)."""
    row, lists = _suggestions(request, id)
    items = [
        {"innovation": s.innovation, "co_adopters": s.item["co_adopters"], "share": s.item["share"]}
        for s in lists.also_adopted
    ]
    return {
        "root": row.root_id,
        "status": _current(row.registry_version),
        "computed_at": row.computed_at,
        "items": items,
    }


@router.get(
    "/families/{id}/likely-adopters",
    response=LikelyAdoptersOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Organisations likely to adopt this family next",
)
def family_likely_adopters(request: HttpRequest, id: ObjectId) -> Any:
    """Up to ten organisations that have not adopted the family of innovation `id` and are most like its adopters,
    best first, each with its reason (stored; 404 as for also-adopted)."""
    row, lists = _suggestions(request, id)
    items = [
        {
            "organisation": s.organisation,
            "score": s.item["score"],
            "reason": _reason(s),
            "text": suggestion_pages.reason_text(s),
        }
        for s in lists.likely_next
    ]
    return {
        "root": row.root_id,
        "status": _current(row.registry_version),
        "computed_at": row.computed_at,
        "items": items,
    }


class LiveSurveyOut(Schema):
    """A survey option's estimate (percent, 0–100) with its 95 % interval, from the round in `survey_round`."""

    percent: float | None
    ci_low: float | None
    ci_high: float | None


class LiveRowOut(Schema):
    code: str
    count: int
    share: float | None  # 0–1, of the records that name any code in the facet (novelty: of all records)
    survey: LiveSurveyOut | None  # null where the survey has no matching option, or no round is published


class LiveFacetOut(Schema):
    code: Literal["idea_source", "partner", "motivation", "channel", "outcome_achieved", "outcome_expected"]
    question: str  # the survey question's code; "" where none matches
    recorded: int
    rows: list[LiveRowOut]


class LiveYearOut(Schema):
    year: int | None
    total: int
    new: int
    adapted: int
    copied: int


class LiveFiltersOut(Schema):
    year: int | None
    region: str
    kind: str


class LiveRoundOut(Schema):
    slug: str
    name: OutText
    year: int
    is_synthetic: bool
    weighted: bool
    # The region and kind the estimates are among ({} the whole round); filters_ignored: a region or kind was asked
    # for but the round's answers are not public, so its estimates are the whole round's.
    domain: dict[str, str]
    filters_ignored: bool
    suppressed: list[str]  # questions with too few answers in the domain: no estimates


class LiveBarometerOut(Schema):
    """The barometer's questions answered from published registry records (not a sample), beside the latest
    published survey round's estimates where the survey asks the same question: among the chosen region's and kind's
    respondents when the round's answers are public, else for the whole round."""

    source: Literal["registry records, not a sample"]
    filters: LiveFiltersOut
    total: int
    by_year: list[LiveYearOut]
    novelty: list[LiveRowOut]
    facets: list[LiveFacetOut]
    survey_round: LiveRoundOut | None


@router.get(
    "/live-barometer",
    response=LiveBarometerOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Read the live barometer",
)
def live_barometer_read(
    request: HttpRequest,
    year: Annotated[int | None, Field(ge=1900, le=2100)] = None,
    region: Annotated[str, Field(max_length=2)] = "",
    kind: OrganisationKind | None = None,
) -> Any:
    """Filters: the year records were taken into use, the owner's region code and organisation kind. A fixed
    number of GROUP BY queries whatever the registry's size; drafts are never counted."""
    figures = live.live_barometer(live.Filters(year=year, region=region, kind=kind.value if kind else ""))
    return live.as_data(figures)


# --- lineage nobody recorded: suggested sources, for the record's editors ------------------------------------------


class SourceReasonOut(Schema):
    """Why the source is suggested, as data: its adoption came `delay_days` before this record's (on
    `source_date`); `tie_support` adoptions in the registry the inferred learning tie explains; title similarity
    (0…1); same region; networks both belong to; whether they have been partners in a published innovation; whether
    it was the family's first adopter."""

    delay_days: int
    source_date: date | None
    tie_support: int
    similarity: float | None
    same_region: bool
    networks: list[int]
    partners: bool
    first: bool = Field(..., description="The source was the first in the registry to take the innovation into use.")


class SourceSuggestionOut(Schema):
    id: int
    record: InnovationRef
    source: InnovationRef
    organisation: OrganisationRef = Field(..., description="The suggested source's owner.")
    score: float = Field(
        ...,
        description="The estimated probability (0…1) that this is the source: a choice model fitted on the registry's "
        "recorded lineage (timing, the family's original, region, networks, partners, NetInf's inferred ties).",
    )
    reason: SourceReasonOut
    text: list[str] = Field(..., description="The reason in words, in the request's language.")
    state: Literal["open", "confirmed", "dismissed"]
    computed_at: datetime
    decided_at: datetime | None


class SourceSuggestionListOut(Schema):
    record: int
    count: int
    items: list[SourceSuggestionOut]


def _suggestion_out(suggestion: SourceSuggestion, networks: dict[int, str]) -> dict[str, Any]:
    reason = suggestion.reason
    return {
        "id": suggestion.pk,
        "record": suggestion.record,
        "source": suggestion.source,
        "organisation": suggestion.source.owner,
        "score": suggestion.score,
        "reason": {
            "delay_days": reason.get("delay_days", 0),
            "source_date": reason.get("source_date"),
            "tie_support": reason.get("tie_support", 0),
            "similarity": reason.get("similarity"),
            "same_region": bool(reason.get("same_region")),
            "networks": reason.get("networks", []),
            "partners": bool(reason.get("partners")),
            "first": bool(reason.get("first")),
        },
        "text": suggestion_pages.source_reason_sentences(reason, suggestion.source.owner, networks, suggestion.score),
        "state": suggestion.state,
        "computed_at": suggestion.computed_at,
        "decided_at": suggestion.decided_at,
    }


@router.get(
    "/innovations/{id}/source-suggestions",
    response=SourceSuggestionListOut,
    auth=AUTH_REQUIRED,
    summary="Suggested sources of a record with no recorded source",
)
def source_suggestion_list(request: HttpRequest, id: ObjectId) -> Any:
    """For the editors of innovation `id`: the open suggestions of where it was likely learned from, inferred from
    adoption timing and the networks (NetInf) — suggestions to confirm, never recorded lineage. Best first.
    404 when you may not see the innovation, 403 when you may not edit it."""
    user = actor(request)
    innovation = innovation_visible(user=user).filter(pk=id).select_related("owner").first()
    if innovation is None:
        raise Innovation.DoesNotExist
    if not user.has_perm("innovations.change_innovation", innovation):
        raise PermissionDenied(_("You do not have permission to do this."))
    suggestions = selectors.source_suggestions_for(user=user, innovation=innovation)
    networks = selectors.network_names(suggestions)
    items = [_suggestion_out(s, networks) for s in suggestions]
    return {"record": innovation.pk, "count": len(items), "items": items}


def _open_suggestion(request: HttpRequest, pk: int) -> SourceSuggestion:
    # Only the record's editors learn that a suggestion exists: anyone else gets 404.
    return get_object_or_404(selectors.source_suggestions_visible(user=actor(request)), pk=pk)


@router.post(
    "/source-suggestions/{id}/confirm",
    response={201: SourceProposalOut},
    auth=AUTH_REQUIRED,
    summary="Confirm a suggested source: propose it as the record's source",
)
def source_suggestion_confirm(request: HttpRequest, id: ObjectId) -> Any:
    """The record's editors: "yes, we learned it from there". Makes the normal lineage proposal (as POST
    /innovations/{id}/source-proposals); the source's owner still confirms it before it is lineage."""
    proposal = services.source_suggestion_confirm(actor=actor(request), suggestion=_open_suggestion(request, id))
    return Status(201, proposal)


@router.post(
    "/source-suggestions/{id}/dismiss",
    response=SourceSuggestionOut,
    auth=AUTH_REQUIRED,
    summary="Dismiss a suggested source",
)
def source_suggestion_dismiss(request: HttpRequest, id: ObjectId) -> Any:
    """The record's editors: not where it was learned from. Dismissed for good: never suggested again."""
    suggestion = services.source_suggestion_dismiss(actor=actor(request), suggestion=_open_suggestion(request, id))
    return _suggestion_out(suggestion, selectors.network_names([suggestion]))


EventHistoryTerm = Literal["partners_share", "region_share", "size_class_share", "size"]
EventHistoryFlag = Literal[
    "no_events",
    "no_non_events",
    "too_few_events",
    "few_events_per_term",
    "separation",
    "no_convergence",
    "singular",
    "subset",
    "budget",
    "too_few_adopters",
    "dropped:partners_share",
    "dropped:region_share",
    "dropped:size_class_share",
    "dropped:size",
]


class EffectOut(Schema):
    """One factor's effect on the odds of adopting in a year. `odds_ratio` and its 95 % interval are per `unit`:
    10 percentage points of a share, or a doubling of the population (as the page shows them); `coefficient` and
    `std_error` are the logit's own, per a share from none to all and per log2 of the population."""

    term: EventHistoryTerm
    factor: str  # the term in words, in the language of Accept-Language
    unit: Literal["10_percentage_points", "doubling"]
    odds_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    coefficient: float | None
    std_error: float | None
    verdict: Literal["higher", "lower", "unclear", "untrusted"]
    reading: str  # the effect in a sentence


class EventHistoryFlagOut(Schema):
    code: EventHistoryFlag
    text: str


class EventHistoryOut(Schema):
    """Does the network explain adoption? Berry & Berry's discrete-time event-history logit: the hazard that an
    organisation adopts in a year, explained by the shares of its partners, of the other organisations in its region
    and of its size class that had adopted by the year before, and by its population (with a cubic baseline in years
    since the first adoption and, in a theme, a fixed effect per family). Fitted in the background from published
    records and their lineage only; `status` is `not_fitted` for a family with fewer adopters than the model needs
    (flag `too_few_adopters`), `being_computed` before the first fit."""

    kind: Literal["family", "theme"]
    key: str  # the family's published root id, or the theme's slug
    status: Literal["current", "stale", "being_computed", "not_fitted"]
    computed_at: datetime | None
    organisation_years: int
    adoptions: int
    organisations: int
    dropped: int  # organisation-years left out: region, size class or population unknown
    families: int  # families pooled (1 for a family)
    families_in_theme: int | None
    start_year: int | None
    end_year: int | None
    converged: bool
    pseudo_r2: float | None  # McFadden's
    effects: list[EffectOut]
    flags: list[EventHistoryFlagOut]


def _event_history_out(kind: str, key: str, row: EventHistoryFigures | None, status: str) -> dict[str, Any]:
    data: dict[str, Any] = row.data if row is not None else {}
    effects = [
        {
            "term": line.term,
            "factor": line.label,
            "unit": event_history_pages.UNIT_CODES[line.term],
            "odds_ratio": line.odds_ratio,
            "ci_low": line.ci_low,
            "ci_high": line.ci_high,
            "p_value": line.p_value,
            "coefficient": line.coefficient,
            "std_error": line.std_error,
            "verdict": line.verdict,
            "reading": line.reading,
        }
        for line in event_history_pages.effect_lines(data)
    ]
    flags = event_history_pages.flag_items(data)
    if status == "not_fitted":
        text = str(event_history_pages.TOO_FEW_ADOPTERS) % {"minimum": EventHistoryFigures.FAMILY_MIN_ADOPTERS}
        flags.append({"code": "too_few_adopters", "text": text})
    return {
        "kind": kind,
        "key": key,
        "status": status,
        "computed_at": row.computed_at if row is not None else None,
        "organisation_years": data.get("n_rows", 0),
        "adoptions": data.get("n_events", 0),
        "organisations": data.get("n_organisations", 0),
        "dropped": data.get("n_dropped", 0),
        "families": data.get("families", 0),
        "families_in_theme": data.get("families_in_theme"),
        "start_year": data.get("start_year"),
        "end_year": data.get("end_year"),
        "converged": data.get("converged", False),
        "pseudo_r2": data.get("pseudo_r2"),
        "effects": effects,
        "flags": flags,
    }


@router.get(
    "/families/{id}/event-history",
    response=EventHistoryOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Does the network explain a family's adoption?",
)
def family_event_history(request: HttpRequest, id: ObjectId) -> Any:
    """The event-history model of the family of innovation `id` (stored; 404 for a draft or an innovation you may
    not see). A family is fitted once enough organisations have adopted it; before that `status` is `not_fitted`."""
    family = _family(request, id)
    row = selectors.event_history(EventHistoryFigures.Kind.FAMILY, family.root_id)
    status: Literal["current", "stale", "being_computed", "not_fitted"]
    if row is not None:
        status = _current(row.registry_version)
    elif len(family.first_years()) < EventHistoryFigures.FAMILY_MIN_ADOPTERS:
        status = "not_fitted"
    else:
        status = "being_computed"
    return _event_history_out("family", str(family.root_id), row, status)


@router.get(
    "/themes/{code}/event-history",
    response=EventHistoryOut,
    auth=AUTH_OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Does the network explain adoption in a theme?",
)
def theme_event_history(request: HttpRequest, code: Annotated[str, Field(max_length=80)]) -> Any:
    """The model pooled over the published families of the theme `code` (its slug) that at least two organisations
    adopted (stored; 404 for an unknown theme or one without a model yet)."""
    row = selectors.event_history(EventHistoryFigures.Kind.THEME, code)
    if row is None or not Theme.objects.filter(slug=code).exists():
        raise Theme.DoesNotExist
    return _event_history_out("theme", code, row, _current(row.registry_version))
