"""The innovation pages: the catalogue, an innovation's page, adoption, and the forms that create and edit.

Views parse the request, call one selector or service and render. Permissions are the rules in
innovations.rules (the services check them again); an innovation a person may not see is a 404 everywhere,
so that drafts do not reveal that they exist.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import roles
from audit.selectors import change_list
from core import events
from core.forms import attach_errors
from core.models import Theme
from core.uploads import IMAGE_TYPES, content_type_of, sandboxed
from innovations import services
from innovations.forms import (
    FACET_PARAMS,
    SORT_LABELS,
    AdoptForm,
    AttachmentForm,
    ImageForm,
    InnovationForm,
    LinkForm,
    PartnerForm,
    SourceProposalForm,
    page_number,
    parse_catalogue,
)
from innovations.lineage_graph import NodeIn, PlacedNode, layered_layout, limit_columns
from innovations.models import (
    Attachment,
    Innovation,
    InnovationImage,
    LineageProposal,
    Link,
    Partnership,
    ProposalState,
)
from innovations.selectors import (
    CatalogueFilters,
    CatalogueResults,
    LineageNode,
    innovation_detail,
    innovation_lineage,
    lineage_proposals,
)
from innovations.vocabulary import (
    CHOICES_BY_DIMENSION,
    Dimension,
    InnovationType,
    Novelty,
    Stage,
    Status,
)
from organisations.models import Organisation, OrganisationKind, Region
from records import views as record_views
from records.views import refusal_shown

PER_PAGE = 20

PAGES = record_views.RecordPages(
    kind=services.RECORD,
    name="innovation",
    detail=innovation_detail,
    not_found=gettext_lazy("No such innovation."),
    done={
        Status.PUBLISHED: gettext_lazy("The innovation is now published: everyone can see it."),
        Status.DRAFT: gettext_lazy("The innovation is now a draft: only your organisation can see it."),
    },
)

# --- catalogue --------------------------------------------------------------------------------------------------


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    checked: bool


@dataclass
class FacetGroup:
    param: str
    legend: str
    options: list[FacetOption]

    @property
    def selected(self) -> int:
        return sum(option.checked for option in self.options)


def _facet_groups(
    filters: CatalogueFilters, counts: dict[str, dict[str, int]], regions: list[Region], themes: list[Theme]
) -> list[FacetGroup]:
    labels: dict[str, list[tuple[str, str]]] = {
        "types": [(str(v), str(label)) for v, label in InnovationType.choices],
        "stages": [(str(v), str(label)) for v, label in Stage.choices],
        "novelty": [(str(v), str(label)) for v, label in Novelty.choices],
        "org_kinds": [(str(v), str(label)) for v, label in OrganisationKind.choices],
        "regions": sorted(((r.code, str(r.name)) for r in regions), key=lambda pair: pair[1]),
        "themes": [(t.slug, str(t.name)) for t in themes],
        "partner_kinds": [(str(v), str(label)) for v, label in OrganisationKind.choices],
    }
    legends = {
        "types": _("Type of innovation"),
        "stages": _("Stage"),
        "novelty": _("Novelty"),
        "org_kinds": _("Owner organisation's kind"),
        "regions": _("Owner organisation's region"),
        "themes": _("Theme"),
        "partner_kinds": _("Partners' kind"),
    }
    groups = []
    for attribute in CatalogueFilters.FACETS:
        chosen = set(getattr(filters, attribute))
        options = [
            FacetOption(value, label, counts.get(attribute, {}).get(value, 0), value in chosen)
            for value, label in labels[attribute]
        ]
        # A value that would give no results is no use as a filter, unless it is chosen already.
        options = [option for option in options if option.count or option.checked]
        groups.append(FacetGroup(FACET_PARAMS[attribute], legends[attribute], options))
    return groups


def innovation_list_view(request: HttpRequest) -> HttpResponse:
    regions = list(Region.objects.all())
    themes = list(Theme.objects.all())
    filters = parse_catalogue(request.GET, region_codes=[r.code for r in regions], theme_slugs=[t.slug for t in themes])
    results = CatalogueResults(user=request.user, filters=filters)
    paginator = Paginator(results, PER_PAGE)
    page = paginator.get_page(page_number(request.GET.get("page")))
    filtered = bool(filters.q) or any(getattr(filters, attribute) for attribute in CatalogueFilters.FACETS)
    return render(
        request,
        "innovations/list.html",
        {
            "filters": filters,
            "page": page,
            "facet_groups": _facet_groups(filters, results.counts.facets, regions, themes),
            "sort_options": [(value, str(label)) for value, label in SORT_LABELS.items()],
            "filtered": filtered,
            "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "can_create": bool(roles.editable_organisation_ids(request.user)),
        },
    )


# --- the innovation's page --------------------------------------------------------------------------------------


# The lineage drawing: box size and how many adopters of one generation are drawn (the list below it has all).
BOX_WIDTH, BOX_HEIGHT = 190, 64
MAX_DRAWN_PER_GENERATION = 8


@dataclass
class LineageBox:
    """One box of the drawing: an innovation, or the "n more" box at the bottom of a thinned generation."""

    box: PlacedNode
    innovation: Innovation | None = None
    mode: str = ""
    is_current: bool = False
    more: int = 0

    @property
    def short_title(self) -> str:
        return Truncator(str(self.innovation.title)).chars(25) if self.innovation else ""

    @property
    def short_owner(self) -> str:
        return Truncator(str(self.innovation.owner)).chars(23) if self.innovation else ""

    # Three lines of text inside the box: the owner, the title and how it was adopted.
    @property
    def text_x(self) -> float:
        return self.box.x + 10

    @property
    def line1_y(self) -> float:
        return self.box.y + 20

    @property
    def line2_y(self) -> float:
        return self.box.y + 38

    @property
    def line3_y(self) -> float:
        return self.box.y + 55


@dataclass
class LineageLine:
    mode: str
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def path(self) -> str:
        # A smooth S-curve from the source's right side to just before the target's left side (the arrow head).
        mid = (self.x1 + self.x2) / 2
        return f"M{self.x1:g},{self.y1:g} C{mid:g},{self.y1:g} {mid:g},{self.y2:g} {self.x2 - 2:g},{self.y2:g}"


@dataclass
class LineageSentence:
    source: Innovation
    target: Innovation
    mode: str


def _lineage(nodes: list[LineageNode], current: Innovation) -> dict[str, Any] | None:
    """The drawing and the text version of the lineage, or None when there is nothing but the innovation."""
    if len(nodes) < 2:
        return None
    by_pk = {n.innovation.pk: n for n in nodes}
    drawn, hidden = limit_columns(
        [NodeIn(n.innovation.pk, n.depth, n.parent_id) for n in nodes], max_per_column=MAX_DRAWN_PER_GENERATION
    )
    more_boxes = [NodeIn(("more", depth), depth) for depth in sorted(hidden)]
    layout = layered_layout(
        [*drawn, *more_boxes], node_width=BOX_WIDTH, node_height=BOX_HEIGHT, column_gap=56, row_gap=12
    )
    boxes = []
    for placed in layout.nodes:
        node = by_pk.get(placed.key)  # type: ignore[call-overload]
        if node is None:
            boxes.append(LineageBox(placed, more=hidden[placed.depth]))
        else:
            boxes.append(LineageBox(placed, node.innovation, node.mode, node.innovation.pk == current.pk))
    lines = [
        LineageLine(by_pk[edge.target].mode, edge.x1, edge.y1, edge.x2, edge.y2)  # type: ignore[index]
        for edge in layout.edges
    ]
    # The text version names every edge, also those the drawing leaves out.
    sentences = [
        LineageSentence(by_pk[n.parent_id].innovation, n.innovation, n.mode)
        for n in nodes
        if n.parent_id is not None and n.parent_id in by_pk
    ]
    return {
        "width": layout.width,
        "height": layout.height,
        "boxes": boxes,
        "lines": lines,
        "sources": [s for s in sentences if by_pk[s.target.pk].depth <= 0],
        "adopters": [s for s in sentences if by_pk[s.target.pk].depth > 0],
        "adopter_count": sum(1 for n in nodes if n.depth > 0),
        "hidden_count": sum(hidden.values()),
    }


# The diffusion page draws a whole family with the same drawing.
lineage_drawing = _lineage


def _classifications(innovation: Innovation) -> list[tuple[str, list[str]]]:
    """(heading, [labels]) for every dimension, in the vocabulary's order; uses the prefetched rows."""
    codes: dict[str, set[str]] = {}
    for classification in innovation.classifications.all():
        codes.setdefault(classification.dimension, set()).add(classification.code)
    result = []
    for dimension, label in Dimension.choices:
        choices = CHOICES_BY_DIMENSION[dimension]
        chosen = codes.get(dimension, set())
        result.append((str(label), [str(choice.label) for choice in choices if choice.value in chosen]))
    return result


def _field_label(name: str) -> str:
    """A readable name for a key of the change log ("title_fi" → "title (fi)", "partners" → "Partners")."""
    other = {
        "partners": _("Partners"),
        "links": _("Links"),
        "attachments": _("Attachments"),
        "themes": _("Themes"),
        "adopted_by": _("Adopted by"),
        "mode": _("How it was adopted"),
        "images": _("Images"),
        "adopted_from": _("Adopted from"),
        "lineage_proposal": _("Proposed source"),
    }
    if name in other:
        return str(other[name])
    if name in Dimension.values:
        return str(Dimension(name).label)
    base, _sep, language = name.rpartition("_")
    label = _model_field_label(base) if language in ("fi", "sv", "en") and base else None
    if label:
        return _("%(field)s (%(language)s)") % {"field": label, "language": language}
    return _model_field_label(name) or name


# Fields of the change log whose values are codes of a choice list.
_CODED_FIELDS: dict[str, Any] = {"stage": Stage, "novelty": Novelty, "status": Status, "mode": Novelty}


def _value_label(name: str, value: Any, themes: dict[str, str] | None = None) -> Any:
    """A change-log value as a person reads it: codes as their labels, themes by their names in the reader's
    language (the log keeps their identifiers), yes/no for flags, lists joined."""
    choices = _CODED_FIELDS.get(name) or (CHOICES_BY_DIMENSION.get(name) if name in Dimension.values else None)
    if isinstance(value, list):
        return ", ".join(str(_value_label(name, item, themes)) for item in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name == "themes" and themes is not None and value in themes:
        return themes[value]
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return value


def _theme_names(records: list[Any]) -> dict[str, str]:
    """Theme identifier → name in the active language, for the themes these change records mention."""
    slugs: set[str] = set()
    for record in records:
        for value in record.changes.get("themes") or []:  # [before, after], each a list of identifiers
            slugs.update(value if isinstance(value, list) else [value])
    return {theme.slug: theme.name for theme in Theme.objects.filter(slug__in=slugs)} if slugs else {}


def _model_field_label(name: str) -> str | None:
    try:
        field = Innovation._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    verbose_name = getattr(field, "verbose_name", None)
    return str(verbose_name) if verbose_name else None


def innovation_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = PAGES.visible(request, pk)
    user = request.user
    changes = None
    if user.has_perm("innovations.view_changes", innovation):
        records = list(change_list(obj=innovation)[:50])
        themes = _theme_names(records)
        changes = [
            (
                record,
                [
                    (_field_label(name), [_value_label(name, value, themes) for value in values])
                    for name, values in sorted(record.changes.items())
                ],
            )
            for record in records
        ]
    can_edit = user.has_perm("innovations.change_innovation", innovation)
    proposals: dict[str, Any] = {}
    if can_edit:
        # One query: the pending proposals naming this record as the source (its owner answers them), and this
        # record's own pending or declined proposal.
        concerning = list(
            lineage_proposals(user=user)
            .filter(
                Q(source=innovation, state=ProposalState.PENDING)
                | Q(result=innovation, state__in=[ProposalState.PENDING, ProposalState.DECLINED])
            )
            .order_by("-proposed_at", "-id")
        )
        mine = [p for p in concerning if p.result_id == innovation.pk]
        proposals = {
            "received": [p for p in concerning if p.source_id == innovation.pk],
            "made": next((p for p in mine if p.state == ProposalState.PENDING), None),
            "last_declined": next((p for p in mine if p.state == ProposalState.DECLINED), None),
            "may_propose": not hasattr(innovation, "adopted_from"),
        }
    return render(
        request,
        "innovations/detail.html",
        {
            "innovation": innovation,
            "images": list(innovation.images.all()),
            "proposals": proposals,
            "is_draft": innovation.status == Status.DRAFT,
            "classifications": _classifications(innovation),
            "stage_events": list(innovation.stage_events.all()),
            "lineage": _lineage(innovation_lineage(user=user, innovation=innovation), innovation),
            "partnerships": list(innovation.partnerships.all()),
            # The experiments with it, the ideas behind it, its family's spread and, for its editors, the sources it
            # may have been learned from: their apps add them (core/events.py).
            **events.record_page_context(record=innovation, user=user),
            "may_experiment": user.has_perm("innovations.adopt_innovation"),
            "changes": changes,
            "can_edit": can_edit,
            "can_delete": user.has_perm("innovations.delete_innovation", innovation),
            "can_adopt": innovation.status == Status.PUBLISHED and _may_adopt(user, innovation),
        },
    )


# --- adoption ---------------------------------------------------------------------------------------------------


def _adopters(user: Any, source: Innovation) -> Any:
    """The organisations on whose behalf the person may adopt: those they edit (platform administrators: any),
    never the owner itself."""
    organisations = Organisation.objects.exclude(pk=source.owner_id)
    if getattr(user, "is_superuser", False):
        return organisations
    return organisations.filter(pk__in=roles.editable_organisation_ids(user))


def _may_adopt(user: Any, source: Innovation) -> bool:
    """Whether to offer the adopt button: the person edits some organisation other than the owner."""
    if not user.has_perm("innovations.adopt_innovation"):
        return False
    return bool(getattr(user, "is_superuser", False)) or any(
        pk != source.owner_id for pk in roles.editable_organisation_ids(user)
    )


@login_required
def innovation_adopt_view(request: HttpRequest, pk: int) -> HttpResponse:
    source = PAGES.visible(request, pk)
    if not request.user.has_perm("innovations.adopt_innovation"):
        raise PermissionDenied
    adopters = _adopters(request.user, source)
    form = AdoptForm(request.POST or None, adopters=adopters)
    if request.method == "POST" and form.is_valid():
        try:
            adoption = services.innovation_adopt(
                actor=request.user,
                source=source,
                adopter=form.cleaned_data["adopter"],
                mode=form.cleaned_data["mode"],
                adopted_on=form.cleaned_data["adopted_on"],
                publish=form.cleaned_data["publish"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _("%(organisation)s’s record of the innovation was created. Describe here what you changed.")
                % {"organisation": adoption.result.owner},
            )
            return redirect(adoption.result)
    return render(
        request,
        "innovations/adopt.html",
        {"innovation": source, "form": form, "error_forms": [form], "has_adopters": adopters.exists()},
    )


# --- create and edit --------------------------------------------------------------------------------------------


@login_required
def innovation_create_view(request: HttpRequest) -> HttpResponse:
    owner, editable = record_views.new_record_owner(request, "innovations.add_innovation_for")
    form = InnovationForm(request.POST or None, owners=None if owner else editable)
    if request.method == "POST" and form.is_valid():
        try:
            innovation = services.innovation_create(
                actor=request.user,
                owner=owner or form.cleaned_data["owner"],
                data=form.innovation_data(),
                classifications=form.classifications(),
                themes=form.cleaned_data["themes"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The innovation was saved as a draft. Publish it when it is ready."))
            return redirect("innovations:edit", pk=innovation.pk)
    return render(request, "innovations/form.html", {"form": form, "error_forms": [form], "owner": owner})


def _render_edit(request: HttpRequest, innovation: Innovation, **bound: Any) -> HttpResponse:
    """The edit page with its main form and the manage forms; a failed sub-form passes itself in bound."""
    form = bound.get("form") or InnovationForm(initial=InnovationForm.initial_for(innovation), with_version=True)
    partner_form = bound.get("partner_form") or PartnerForm(innovation=innovation)
    link_form = bound.get("link_form") or LinkForm()
    attachment_form = bound.get("attachment_form") or AttachmentForm(max_megabytes=_max_megabytes())
    image_form = bound.get("image_form") or ImageForm()
    context = {
        "innovation": innovation,
        "owner": innovation.owner,
        "form": form,
        "partner_form": partner_form,
        "link_form": link_form,
        "attachment_form": attachment_form,
        "image_form": image_form,
        "images": list(innovation.images.all()),
        "error_forms": [form, partner_form, link_form, attachment_form, image_form],
        "partnerships": list(innovation.partnerships.all()),
        "conflict": bound.get("conflict", False),
        "is_draft": innovation.status == Status.DRAFT,
        "can_delete": request.user.has_perm("innovations.delete_innovation", innovation),
    }
    return render(request, "innovations/edit.html", context)


@login_required
def innovation_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = PAGES.editable(request, pk)
    if request.method != "POST":
        return _render_edit(request, innovation)
    form = InnovationForm(request.POST, with_version=True)
    # After a conflict every word the person typed is kept; the form now names the version that is saved, so saving
    # it again, after they have compared, deliberately replaces the other person's change.
    with refusal_shown(request, form, innovation) as refused:
        if form.is_valid():
            services.innovation_update(
                actor=request.user,
                innovation=innovation,
                expected_version=form.cleaned_data["version"],
                data=form.innovation_data(),
                classifications=form.classifications(),
                themes=form.cleaned_data["themes"],
            )
            messages.success(request, _("Your changes were saved."))
            return redirect(innovation)
    return _render_edit(request, innovation, form=form, conflict=refused.conflict)


# --- partners, links and attachments (the "manage" part of the edit page) ---------------------------------------


@login_required
@require_POST
def partner_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = PAGES.editable(request, pk)
    form = PartnerForm(request.POST, innovation=innovation)
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            services.partnership_add(
                actor=request.user, innovation=innovation, organisation=organisation, **form.partner_data()
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(organisation)s was added as a partner.") % {"organisation": organisation})
            return redirect(_manage_url(innovation, "partners"))
    return _render_edit(request, innovation, partner_form=form)


@login_required
@require_POST
def partner_remove_view(request: HttpRequest, pk: int, partner_pk: int) -> HttpResponse:
    innovation = PAGES.editable(request, pk)
    partnership = get_object_or_404(
        Partnership.objects.select_related("organisation", "innovation"), pk=partner_pk, innovation=innovation
    )
    services.partnership_remove(actor=request.user, partnership=partnership)
    messages.success(
        request, _("%(organisation)s is no longer a partner.") % {"organisation": partnership.organisation}
    )
    return redirect(_manage_url(innovation, "partners"))


@login_required
@require_POST
def link_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = PAGES.editable(request, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            services.link_add(
                actor=request.user,
                innovation=innovation,
                title=form.cleaned_data["title"],
                url=form.cleaned_data["url"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The link was added."))
            return redirect(_manage_url(innovation, "links"))
    return _render_edit(request, innovation, link_form=form)


@login_required
@require_POST
def link_remove_view(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    innovation = PAGES.editable(request, pk)
    link = get_object_or_404(Link.objects.select_related("innovation"), pk=link_pk, innovation=innovation)
    services.link_remove(actor=request.user, link=link)
    messages.success(request, _("The link “%(title)s” was removed.") % {"title": link.title})
    return redirect(_manage_url(innovation, "links"))


@login_required
@require_POST
def attachment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = PAGES.editable(request, pk)
    form = AttachmentForm(request.POST, request.FILES, max_megabytes=_max_megabytes())
    if form.is_valid():
        try:
            services.attachment_add(
                actor=request.user,
                innovation=innovation,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The file was attached."))
            return redirect(_manage_url(innovation, "attachments"))
    return _render_edit(request, innovation, attachment_form=form)


@login_required
@require_POST
def attachment_remove_view(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    innovation = PAGES.editable(request, pk)
    attachment = get_object_or_404(
        Attachment.objects.select_related("innovation"), pk=attachment_pk, innovation=innovation
    )
    services.attachment_remove(actor=request.user, attachment=attachment)
    messages.success(request, _("The attachment “%(title)s” was removed.") % {"title": attachment.title})
    return redirect(_manage_url(innovation, "attachments"))


def attachment_download_view(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """Attachments are served through this view, never straight from MEDIA_ROOT, so that a draft's files stay
    inside its organisation like the draft itself."""
    innovation = PAGES.visible(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, innovation=innovation)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    name = (attachment.file.name or "attachment").rsplit("/", 1)[-1]
    # Always a download, and sandboxed like ideas' files should a browser render it anyway.
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=attachment.content_type)
    sandboxed(response)
    if innovation.status != Status.PUBLISHED:
        response["Cache-Control"] = "private"  # a draft's file is for its organisation only: no shared cache
    return response


def _max_megabytes() -> int:
    return int(settings.MAX_UPLOAD_BYTES // (1024 * 1024))


def _manage_url(innovation: Innovation, section: str) -> str:
    return reverse("innovations:edit", kwargs={"pk": innovation.pk}) + f"#{section}"


# --- images -----------------------------------------------------------------------------------------------------


@login_required
@require_POST
def image_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    innovation = PAGES.editable(request, pk)
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.image_add(
                actor=request.user, innovation=innovation, upload=form.cleaned_data["image"], alt_text=form.alt_texts()
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The image was added."))
            return redirect(_manage_url(innovation, "images"))
    return _render_edit(request, innovation, image_form=form)


@login_required
@require_POST
def image_remove_view(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    innovation = PAGES.editable(request, pk)
    image: InnovationImage = get_object_or_404(
        InnovationImage.objects.select_related("innovation"), pk=image_pk, innovation=innovation
    )
    services.image_remove(actor=request.user, image=image)
    messages.success(request, _("The image was removed."))
    return redirect(_manage_url(innovation, "images"))


def image_view(request: HttpRequest, pk: int, image_pk: int) -> FileResponse:
    """Images are served through this view, like attachments: a draft's pictures stay inside its organisation."""
    innovation = PAGES.visible(request, pk)
    image = get_object_or_404(InnovationImage, pk=image_pk, innovation=innovation)
    try:
        handle = image.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    name = (image.file.name or "image").rsplit("/", 1)[-1]
    content_type = content_type_of(name) or "application/octet-stream"
    if content_type not in IMAGE_TYPES:
        raise Http404
    response = FileResponse(handle, filename=name, content_type=content_type)
    sandboxed(response)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- lineage proposals ------------------------------------------------------------------------------------------


@login_required
def innovation_source_view(request: HttpRequest, pk: int) -> HttpResponse:
    """ "We adapted this from …": the record's editor names the source; its owner is asked to confirm."""
    innovation = PAGES.editable(request, pk)
    form = SourceProposalForm(request.POST or None, initial={"adopted_on": innovation.introduced_on})
    if request.method == "POST" and form.is_valid():
        source = innovation_detail(user=request.user, pk=form.cleaned_data["source"])
        if source is None:
            form.add_error("source", _("No published innovation has that number."))
        else:
            try:
                services.lineage_propose(
                    actor=request.user,
                    result=innovation,
                    source=source,
                    mode=form.cleaned_data["mode"],
                    adopted_on=form.cleaned_data["adopted_on"],
                    message=form.cleaned_data["message"],
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(organisation)s was asked to confirm that your record comes from “%(title)s”.")
                    % {"organisation": source.owner, "title": source.title},
                )
                return redirect(innovation)
    return render(
        request, "innovations/propose_source.html", {"innovation": innovation, "form": form, "error_forms": [form]}
    )


def _proposal_or_404(request: HttpRequest, proposal_pk: int) -> LineageProposal:
    # Only people the proposal concerns know it exists.
    return get_object_or_404(lineage_proposals(user=request.user), pk=proposal_pk)


def _answer(request: HttpRequest, proposal_pk: int, answer: str) -> HttpResponse:
    proposal = _proposal_or_404(request, proposal_pk)
    back = proposal.result if answer == "withdraw" else proposal.source
    try:
        if answer == "confirm":
            services.lineage_confirm(actor=request.user, proposal=proposal)
            messages.success(
                request,
                _("Confirmed: %(organisation)s’s record is now in the lineage of your innovation.")
                % {"organisation": proposal.result.owner},
            )
        elif answer == "decline":
            services.lineage_decline(actor=request.user, proposal=proposal)
            messages.success(request, _("The proposal was declined."))
        else:
            services.lineage_withdraw(actor=request.user, proposal=proposal)
            messages.success(request, _("The proposal was withdrawn."))
    except ValidationError as error:
        messages.error(request, " ".join(str(m) for m in error.messages))
    return redirect(back)


@login_required
@require_POST
def proposal_confirm_view(request: HttpRequest, proposal_pk: int) -> HttpResponse:
    return _answer(request, proposal_pk, "confirm")


@login_required
@require_POST
def proposal_decline_view(request: HttpRequest, proposal_pk: int) -> HttpResponse:
    return _answer(request, proposal_pk, "decline")


@login_required
@require_POST
def proposal_withdraw_view(request: HttpRequest, proposal_pk: int) -> HttpResponse:
    return _answer(request, proposal_pk, "withdraw")


urls = [
    path("", innovation_list_view, name="list"),
    path("new/", innovation_create_view, name="create"),
    path("<int:pk>/", innovation_detail_view, name="detail"),
    path("<int:pk>/edit/", innovation_edit_view, name="edit"),
    path("<int:pk>/adopt/", innovation_adopt_view, name="adopt"),
    path("<int:pk>/publish/", PAGES.publish, name="publish"),
    path("<int:pk>/unpublish/", PAGES.unpublish, name="unpublish"),
    path("<int:pk>/delete/", PAGES.delete, name="delete"),
    path("<int:pk>/partners/add/", partner_add_view, name="partner_add"),
    path("<int:pk>/partners/<int:partner_pk>/remove/", partner_remove_view, name="partner_remove"),
    path("<int:pk>/links/add/", link_add_view, name="link_add"),
    path("<int:pk>/links/<int:link_pk>/remove/", link_remove_view, name="link_remove"),
    path("<int:pk>/attachments/add/", attachment_add_view, name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", attachment_download_view, name="attachment"),
    path("<int:pk>/attachments/<int:attachment_pk>/remove/", attachment_remove_view, name="attachment_remove"),
    path("<int:pk>/images/add/", image_add_view, name="image_add"),
    path("<int:pk>/images/<int:image_pk>/", image_view, name="image"),
    path("<int:pk>/images/<int:image_pk>/remove/", image_remove_view, name="image_remove"),
    path("<int:pk>/source/", innovation_source_view, name="propose_source"),
    path("source-proposals/<int:proposal_pk>/confirm/", proposal_confirm_view, name="proposal_confirm"),
    path("source-proposals/<int:proposal_pk>/decline/", proposal_decline_view, name="proposal_decline"),
    path("source-proposals/<int:proposal_pk>/withdraw/", proposal_withdraw_view, name="proposal_withdraw"),
]
