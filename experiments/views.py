"""The experiment pages: the list (running and finished, searchable), an experiment's page, the forms that
create, edit and decide, and scaling up into an innovation.

Views parse the request, call one selector or service and render. Permissions are the rules in
experiments.rules (the services check them again); an experiment a person may not see is a 404 everywhere, so
that drafts do not reveal that they exist.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles
from audit.selectors import change_list
from core import events
from core.forms import attach_errors
from experiments import services
from experiments.forms import (
    NOT_DECIDED,
    PHASE_LABELS,
    DecisionForm,
    ExperimentForm,
    PartnerFormSet,
    parse_filters,
    partner_initial,
)
from experiments.models import Decision, Experiment
from experiments.selectors import experiment_detail, experiment_list
from innovations.forms import page_number
from innovations.selectors import innovation_visible
from innovations.vocabulary import Status
from organisations.models import Organisation
from records import views as record_views
from records.forms import VersionForm
from records.views import refusal_shown

PER_PAGE = 20

PAGES = record_views.RecordPages(
    kind=services.RECORD,
    name="experiment",
    detail=experiment_detail,
    not_found=gettext_lazy("No such experiment."),
    done={
        Status.PUBLISHED: gettext_lazy("The experiment is now published: everyone can see it."),
        Status.DRAFT: gettext_lazy("The experiment is now a draft: only your organisation can see it."),
    },
)


def experiment_list_view(request: HttpRequest) -> HttpResponse:
    filters = parse_filters(request.GET)
    paginator = Paginator(experiment_list(user=request.user, filters=filters), PER_PAGE)
    page = paginator.get_page(page_number(request.GET.get("page")))
    owner_ids = Experiment.objects.filter(status=Status.PUBLISHED).values("owner_id")
    return render(
        request,
        "experiments/list.html",
        {
            "filters": filters,
            "page": page,
            "phase_options": [(value, str(label)) for value, label in PHASE_LABELS.items()],
            "decision_options": [
                *((str(v), str(label)) for v, label in Decision.choices),
                (NOT_DECIDED, _("Not decided yet")),
            ],
            "owner_options": Organisation.objects.filter(pk__in=owner_ids).order_by("name"),
            "filtered": bool(filters.q or filters.phase or filters.decision or filters.owner),
            "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "can_create": bool(roles.editable_organisation_ids(request.user)),
        },
    )


def _field_label(name: str) -> str:
    """A readable name for a key of the change log ("title_fi" → "title (fi)", "partners" → "partners")."""
    base, _sep, language = name.rpartition("_")
    if language in ("fi", "sv", "en") and base:
        return _("%(field)s (%(language)s)") % {"field": _model_field_label(base), "language": language}
    return _model_field_label(name)


def _model_field_label(name: str) -> str:
    try:
        field = Experiment._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    verbose_name = getattr(field, "verbose_name", None)
    return str(verbose_name) if verbose_name else name


def _visible_innovation(user: Any, innovation: Any) -> Any:
    return innovation if innovation is not None and user.has_perm("innovations.view_innovation", innovation) else None


def experiment_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = PAGES.visible(request, pk)
    user = request.user
    can_edit = user.has_perm("experiments.change_experiment", experiment)
    changes = None
    if user.has_perm("experiments.view_changes", experiment):
        changes = [
            (record, ", ".join(_field_label(name) for name in sorted(record.changes)))
            for record in change_list(obj=experiment)[:50]
        ]
    return render(
        request,
        "experiments/detail.html",
        {
            "experiment": experiment,
            "is_draft": experiment.status == Status.DRAFT,
            "partnerships": list(experiment.partnerships.all()),
            # The ideas it came from (the ideas app adds them: core/events.py).
            **events.record_page_context(record=experiment, user=user),
            "source_innovation": _visible_innovation(user, experiment.source_innovation),
            "resulting_innovation": _visible_innovation(user, experiment.resulting_innovation),
            "changes": changes,
            "can_edit": can_edit,
            "can_delete": user.has_perm("experiments.delete_experiment", experiment),
            "can_scale_up": can_edit and services.scale_up_refusal(experiment) is None,
        },
    )


@login_required
def experiment_create_view(request: HttpRequest) -> HttpResponse:
    owner, editable = record_views.new_record_owner(request, "experiments.add_experiment_for")
    # "?innovation=<id>": the experiment tries out this innovation (e.g. another organisation's, before adopting).
    source = None
    if request.GET.get("innovation", "").isdigit():
        source = innovation_visible(user=request.user).filter(pk=int(request.GET["innovation"])).first()
        if source is None:
            raise Http404(_("No such innovation."))
    form = ExperimentForm(request.POST or None, owners=None if owner else editable)
    form_valid = request.method == "POST" and form.is_valid()
    chosen_owner = owner or (form.cleaned_data.get("owner") if form_valid else None)
    partner_forms = PartnerFormSet(request.POST or None, owner=chosen_owner)
    if form_valid and chosen_owner is not None and partner_forms.is_valid():
        try:
            experiment = services.experiment_create(
                actor=request.user,
                owner=chosen_owner,
                data=form.experiment_data(),
                partners=partner_forms.partners(),
                source_innovation=source,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The experiment was saved as a draft. Publish it when it is ready."))
            return redirect(experiment)
    return _render_form(request, form, partner_forms, owner=owner, experiment=None, source_innovation=source)


def _render_form(
    request: HttpRequest, form: ExperimentForm, partner_forms: Any, *, owner: Any, experiment: Any, **extra: Any
) -> HttpResponse:
    """The create or edit page. The summary at the top lists the experiment form's errors, then each partner row's
    (the formset's own errors, such as too many rows, go with the experiment's form)."""
    if partner_forms.is_bound and form.errors is not None:
        for error in partner_forms.non_form_errors():
            form.add_error(None, error)
    context = {"form": form, "partner_forms": partner_forms, "owner": owner, "experiment": experiment, **extra}
    return render(request, "experiments/form.html", {**context, "error_forms": [form, *partner_forms.forms]})


@login_required
def experiment_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = PAGES.editable(request, pk)
    if request.method != "POST":
        form = ExperimentForm(initial=ExperimentForm.initial_for(experiment), with_version=True)
        partner_forms = PartnerFormSet(initial=partner_initial(experiment), owner=experiment.owner)
    else:
        form = ExperimentForm(request.POST, with_version=True)
        partner_forms = PartnerFormSet(request.POST, owner=experiment.owner)
        # Both are checked, so that every mistake is listed at once.
        if all([form.is_valid(), partner_forms.is_valid()]):
            # After a conflict every word typed is kept; saving again, after comparing, replaces the other change.
            with refusal_shown(request, form, experiment):
                services.experiment_update(
                    actor=request.user,
                    experiment=experiment,
                    expected_version=form.cleaned_data["version"],
                    data=form.experiment_data(),
                    partners=partner_forms.partners(),
                )
                messages.success(request, _("Your changes were saved."))
                return redirect(experiment)
    return _render_form(request, form, partner_forms, owner=experiment.owner, experiment=experiment)


@login_required
def experiment_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = PAGES.editable(request, pk)
    initial = {"version": experiment.version, "decision": experiment.decision}
    initial.update({f"reasons_{lang}": getattr(experiment, f"decision_reasons_{lang}") for lang in ("fi", "sv", "en")})
    form = DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request, form, experiment):
            services.experiment_decide(
                actor=request.user,
                experiment=experiment,
                expected_version=form.cleaned_data["version"],
                decision=form.cleaned_data["decision"],
                reasons=form.reasons(),
            )
            messages.success(request, _("The decision was saved."))
            return redirect(experiment)
    return render(request, "experiments/decide.html", {"experiment": experiment, "form": form, "error_forms": [form]})


@login_required
def experiment_scale_up_view(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = PAGES.editable(request, pk)
    form = VersionForm(request.POST or None, initial={"version": experiment.version})
    refusal = services.scale_up_refusal(experiment)
    if request.method == "POST" and form.is_valid() and refusal is None:
        with refusal_shown(request, form, experiment):
            innovation = services.experiment_scale_up(
                actor=request.user, experiment=experiment, expected_version=form.cleaned_data["version"]
            )
            messages.success(request, _("The experiment is now an innovation in use. Complete its description here."))
            return redirect("innovations:edit", pk=innovation.pk)
    return render(
        request,
        "experiments/confirm_scale_up.html",
        {"experiment": experiment, "form": form, "error_forms": [form], "refusal": refusal},
    )
