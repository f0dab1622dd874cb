"""Every write to innovations goes through these functions: they check permission, validate, save in one
transaction, keep the search document, stage history and catalogue entry current, and record the change."""

import datetime
import os
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts.models import Actor, person_of
from audit.models import Action
from audit.services import change_record, diff
from core import events, text_search
from core.models import Theme
from core.permissions import require
from core.sanitise import clean_html, strip_html
from core.text_limits import checks_text_sizes
from core.translated import LANGUAGES as LANGS
from core.translated import first_translation, translations
from core.uploads import Upload, check_file, clean_image
from innovations import catalogue
from innovations.models import (
    Adoption,
    Attachment,
    Classification,
    Innovation,
    InnovationImage,
    LineageProposal,
    Link,
    Partnership,
    ProposalState,
    StageEvent,
)
from innovations.vocabulary import CHOICES_BY_DIMENSION, Novelty, Stage, Status
from organisations.models import Organisation
from records import services as records

TRANSLATED = ("title", "summary", "description", "target_group", "resources", "evidence")
# What an adopter needs (Innokylä's practice descriptions): plain text, each language at most this long.
ADOPTER_TEXT_LIMITS = {"target_group": 2000, "resources": 4000, "evidence": 4000}
# The plain fields a person may set through a form or the API.
EDITABLE_FIELDS = (
    *(f"{field}_{lang}" for field in TRANSLATED for lang in LANGS),
    "is_social",
    "is_systemic",
    "stage",
    "novelty",
    "external_source",
    "external_source_url",
    "introduced_on",
    "contact_name",
    "contact_email",
)


def _snapshot(innovation: Innovation) -> dict[str, Any]:
    """The values the change log compares: plain fields, classifications and themes."""
    values = records.snapshot(innovation, (*EDITABLE_FIELDS, "status"))
    if innovation.pk:
        for dimension, code in innovation.classifications.values_list("dimension", "code"):
            values.setdefault(dimension, []).append(code)
        values["themes"] = list(innovation.themes.values_list("slug", flat=True))
    return values


def check_classifications(classifications: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Validates {dimension: [code, …]}; errors name the dimension and the unknown value."""
    clean: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    for dimension, codes in classifications.items():
        choices = CHOICES_BY_DIMENSION.get(dimension)
        if choices is None:
            errors[dimension] = _("Unknown classification “%(name)s”.") % {"name": dimension}
            continue
        codes = list(dict.fromkeys(codes))
        unknown = [code for code in codes if code not in choices.values]
        if unknown:
            errors[dimension] = _("Unknown value “%(value)s”.") % {"value": unknown[0]}
        clean[dimension] = codes
    if errors:
        raise ValidationError(errors)
    return clean


def _clean_value(field: str, value: Any) -> Any:
    if field.startswith("description_"):
        value = clean_html(value or "")
    elif isinstance(value, str):
        value = value.strip()
    if value is None and field != "introduced_on":
        value = False if field.startswith("is_") else ""
    limit = ADOPTER_TEXT_LIMITS.get(field.rsplit("_", 1)[0])
    if limit is not None and len(value) > limit:
        raise ValidationError(
            _("At most %(limit)d characters, please (now %(count)d).") % {"limit": limit, "count": len(value)}
        )
    return value


def _apply(innovation: Innovation, data: Mapping[str, Any]) -> None:
    records.apply_fields(innovation, data, EDITABLE_FIELDS, _clean_value)
    if not first_translation(innovation, "title"):
        raise ValidationError({"title_fi": _("Give the innovation a title in at least one language.")})
    innovation.full_clean(exclude=["owner", "created_by"])


def innovation_search_document(innovation: Innovation, themes: Iterable[Theme]) -> str:
    """The stemmed search document of an innovation: its texts, its owner's name and its themes' names.

    Public so that bulk loaders (demo data, benchmarks) make exactly the document the services make."""
    pairs = [
        (lang, strip_html(text) if field == "description" else text)
        for field in TRANSLATED
        for lang, text in translations(innovation, field)
    ]
    pairs += translations(innovation.owner, "name")
    # By id, not by name: themes sort by name in the active language, and the document must not depend on it.
    for theme in sorted(themes, key=lambda theme: theme.pk):
        pairs += translations(theme, "name")
    return text_search.document(pairs)


def _refresh_search_document(innovation: Innovation) -> None:
    innovation.search_document = innovation_search_document(innovation, innovation.themes.all())
    Innovation.objects.filter(pk=innovation.pk).update(search_document=innovation.search_document)


def _set_classifications(innovation: Innovation, classifications: Mapping[str, list[str]]) -> None:
    for dimension, codes in classifications.items():
        innovation.classifications.filter(dimension=dimension).exclude(code__in=codes).delete()
        existing = set(innovation.classifications.filter(dimension=dimension).values_list("code", flat=True))
        Classification.objects.bulk_create(
            [Classification(innovation=innovation, dimension=dimension, code=c) for c in codes if c not in existing]
        )


def _record_stage(innovation: Innovation, on: datetime.date | None = None) -> None:
    last = innovation.stage_events.order_by("-date", "-id").first()
    if last is None or last.stage != innovation.stage:
        StageEvent.objects.create(innovation=innovation, stage=innovation.stage, date=on or timezone.localdate())


@checks_text_sizes(Innovation)
@transaction.atomic
def innovation_create(
    *,
    actor: Actor,
    owner: Organisation,
    data: Mapping[str, Any],
    classifications: Mapping[str, Iterable[str]] | None = None,
    themes: Iterable[Theme] = (),
    status: str = Status.DRAFT,
) -> Innovation:
    require(actor, "innovations.add_innovation_for", owner)
    clean_classes = check_classifications(classifications or {})
    innovation = Innovation(owner=owner, created_by=person_of(actor), status=status)
    _apply(innovation, data)
    innovation.save()
    innovation.themes.set(list(themes))
    _set_classifications(innovation, clean_classes)
    _record_stage(innovation, innovation.introduced_on if innovation.stage == Stage.IN_USE else None)
    _refresh_search_document(innovation)
    catalogue.refresh([innovation.pk])
    if innovation.status == Status.PUBLISHED:
        events.announce_lineage_changed(innovation_ids=[innovation.pk])  # a new published original is a family of one
    change_record(obj=innovation, actor=actor, action=Action.CREATE, changes=diff({}, _snapshot(innovation)))
    return innovation


@checks_text_sizes(Innovation)
@transaction.atomic
def innovation_update(
    *,
    actor: Actor,
    innovation: Innovation,
    expected_version: int,
    data: Mapping[str, Any],
    classifications: Mapping[str, Iterable[str]] | None = None,
    themes: Iterable[Theme] | None = None,
) -> Innovation:
    require(actor, "innovations.change_innovation", innovation)
    current = RECORD.locked(innovation, expected_version)
    clean_classes = check_classifications(classifications or {})
    before = _snapshot(current)
    introduced_before = current.introduced_on
    _apply(current, data)
    records.save_new_version(current)
    if themes is not None:
        current.themes.set(list(themes))
    _set_classifications(current, clean_classes)
    _record_stage(current)
    _refresh_search_document(current)
    catalogue.refresh([current.pk])
    if current.introduced_on != introduced_before and current.status == Status.PUBLISHED:
        # An original's year is its place on the adoption curve.
        events.announce_lineage_changed(innovation_ids=[current.pk])
    changes = diff(before, _snapshot(current))
    change_record(obj=current, actor=actor, action=Action.UPDATE, changes=changes)
    return current


def _status_changed(innovation: Innovation) -> None:
    catalogue.refresh([innovation.pk])
    # Publishing or unpublishing joins or splits families.
    events.announce_lineage_changed(innovation_ids=[innovation.pk])


def _before_delete(innovation: Innovation) -> None:
    if innovation.adoptions.exists():
        raise ValidationError(
            _(
                "Other organisations have adopted this innovation, so it cannot be deleted: it is part of their lineage. Mark it discontinued instead."
            )
        )
    if innovation.status == Status.PUBLISHED:
        # Announced while the record still links its family.
        events.announce_lineage_changed(innovation_ids=[innovation.pk])


RECORD = records.RecordType(
    model=Innovation,
    change_perm="innovations.change_innovation",
    delete_perm="innovations.delete_innovation",
    status_changed=_status_changed,
    before_delete=_before_delete,
    deleted=lambda pk: catalogue.refresh([pk]),  # the entry went with the row; the counts must go too
)


def innovation_set_status(*, actor: Actor, innovation: Innovation, status: str, expected_version: int) -> Innovation:
    return records.set_status(RECORD, actor=actor, record=innovation, status=status, expected_version=expected_version)


def innovation_delete(*, actor: Actor, innovation: Innovation) -> None:
    records.delete(RECORD, actor=actor, record=innovation)


@transaction.atomic
def innovation_adopt(
    *,
    actor: Actor,
    source: Innovation,
    adopter: Organisation,
    mode: str,
    adopted_on: datetime.date | None = None,
    publish: bool = True,
) -> Adoption:
    """The adopter takes the source into use: a new innovation of the adopter's, linked to the source.

    The new record starts as a copy of the source's texts and classifications (the adopter then edits what they
    changed); idea sources, partners and outcomes are the adopter's own story and start empty.
    """
    require(actor, "innovations.view_innovation", source)
    require(actor, "innovations.add_innovation_for", adopter)
    if source.status != Status.PUBLISHED:
        raise ValidationError(_("Only published innovations can be adopted."))
    if mode not in (Novelty.ADAPTED, Novelty.COPIED):
        raise ValidationError({"mode": _("Choose whether the innovation was copied or adapted.")})
    if adopter.pk == source.owner_id:
        raise ValidationError({"adopter": _("An organisation cannot adopt its own innovation.")})
    if Adoption.objects.filter(source=source, result__owner=adopter).exists():
        raise ValidationError(
            {"adopter": _("%(organisation)s has already adopted this innovation.") % {"organisation": adopter}}
        )
    adopted_on = adopted_on or timezone.localdate()
    if adopted_on > timezone.localdate():
        raise ValidationError({"adopted_on": _("The adoption date cannot be in the future.")})
    data = {f"{field}_{lang}": getattr(source, f"{field}_{lang}") or "" for field in TRANSLATED for lang in LANGS}
    data.update(
        is_social=source.is_social,
        is_systemic=source.is_systemic,
        stage=Stage.IN_USE,
        novelty=mode,
        introduced_on=adopted_on,
    )
    result = innovation_create(
        actor=actor,
        owner=adopter,
        data=data,
        classifications={"type": list(source.classifications.filter(dimension="type").values_list("code", flat=True))},
        themes=source.themes.all(),
        status=Status.PUBLISHED if publish else Status.DRAFT,
    )
    adoption = Adoption.objects.create(
        source=source,
        result=result,
        mode=mode,
        adopted_on=adopted_on,
        created_by=person_of(actor),
    )
    events.announce_lineage_changed(innovation_ids=[result.pk])
    change_record(
        obj=source, actor=actor, action=Action.ADOPT, changes={"adopted_by": [None, str(adopter)], "mode": [None, mode]}
    )
    # The source's owner is told (the notifications app reacts), once the change is committed.
    events.announce_innovation_adopted(adoption=adoption, actor=actor)
    return adoption


def _partner_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    allowed = {"role", "in_idea_phase", "in_development_phase", "in_implementation_phase"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    return dict(data)


@transaction.atomic
def partnership_add(*, actor: Actor, innovation: Innovation, organisation: Organisation, **data: Any) -> Partnership:
    require(actor, "innovations.change_innovation", innovation)
    if organisation.pk == innovation.owner_id:
        raise ValidationError({"organisation": _("The owner cannot be its own partner.")})
    if innovation.partnerships.filter(organisation=organisation).exists():
        raise ValidationError(
            {"organisation": _("%(organisation)s is already a partner.") % {"organisation": organisation}}
        )
    partnership = Partnership(innovation=innovation, organisation=organisation, **_partner_fields(data))
    partnership.full_clean()
    partnership.save()
    catalogue.refresh([innovation.pk])
    if innovation.status == Status.PUBLISHED:
        events.announce_partners_changed()  # a partnership is the network's second tie type
    change_record(obj=innovation, actor=actor, action=Action.UPDATE, changes={"partners": [None, str(organisation)]})
    return partnership


@transaction.atomic
def partnership_update(*, actor: Actor, partnership: Partnership, **data: Any) -> Partnership:
    require(actor, "innovations.change_innovation", partnership.innovation)
    # Checked before reading the old values: an unknown name must be a ValidationError, not an AttributeError.
    fields = _partner_fields(data)
    before = {field: getattr(partnership, field) for field in fields}
    for field, value in fields.items():
        setattr(partnership, field, value)
    partnership.full_clean()
    partnership.save()
    catalogue.refresh([partnership.innovation_id])
    changes = {f"partner {partnership.organisation}: {k}": v for k, v in diff(before, data).items()}
    change_record(obj=partnership.innovation, actor=actor, action=Action.UPDATE, changes=changes)
    return partnership


@transaction.atomic
def partnership_remove(*, actor: Actor, partnership: Partnership) -> None:
    require(actor, "innovations.change_innovation", partnership.innovation)
    change_record(
        obj=partnership.innovation,
        actor=actor,
        action=Action.UPDATE,
        changes={"partners": [str(partnership.organisation), None]},
    )
    partnership.delete()
    catalogue.refresh([partnership.innovation_id])
    if partnership.innovation.status == Status.PUBLISHED:
        events.announce_partners_changed()


@transaction.atomic
def link_add(*, actor: Actor, innovation: Innovation, title: str, url: str) -> Link:
    require(actor, "innovations.change_innovation", innovation)
    link = Link(innovation=innovation, title=title.strip(), url=url.strip())
    link.full_clean()
    link.save()
    change_record(obj=innovation, actor=actor, action=Action.UPDATE, changes={"links": [None, link.url]})
    return link


@transaction.atomic
def link_remove(*, actor: Actor, link: Link) -> None:
    require(actor, "innovations.change_innovation", link.innovation)
    change_record(obj=link.innovation, actor=actor, action=Action.UPDATE, changes={"links": [link.url, None]})
    link.delete()


def check_upload(upload: Upload) -> str:
    """Refuses files that are too large, of a type we do not serve, or whose content is not what the name says;
    returns the content type (the checks are shared with ideas' files in core/uploads.py)."""
    return check_file(upload, field="file")


def attachment_add(*, actor: Actor, innovation: Innovation, upload: Upload, title: str = "") -> Attachment:
    """The file is checked and written before the transaction, which then only saves the row: a check or a disk
    write inside it would hold the database's write lock (on SQLite, every writer's) for as long as they take."""
    require(actor, "innovations.change_innovation", innovation)
    content_type = check_upload(upload)
    attachment = Attachment(
        innovation=innovation,
        title=(title or upload.name or "").strip()[:200],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=person_of(actor),
    )
    attachment.file.save(upload.name or "attachment", upload, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            change_record(
                obj=innovation, actor=actor, action=Action.UPDATE, changes={"attachments": [None, attachment.title]}
            )
    except BaseException:
        attachment.file.delete(save=False)  # the row was not saved: no file without one
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Actor, attachment: Attachment) -> None:
    require(actor, "innovations.change_innovation", attachment.innovation)
    change_record(
        obj=attachment.innovation, actor=actor, action=Action.UPDATE, changes={"attachments": [attachment.title, None]}
    )
    attachment.file.delete(save=False)
    attachment.delete()


# --- images ---------------------------------------------------------------------------------------------------

MAX_IMAGES = 12
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_MAX_SIDE = 1600
ALT_TEXT_MAX = 300


def _alt_texts(alt_text: Mapping[str, str]) -> dict[str, str]:
    unknown = set(alt_text) - set(LANGS)
    if unknown:
        raise ValidationError(_("Unknown language “%(value)s”.") % {"value": sorted(unknown)[0]})
    texts = {lang: " ".join((alt_text.get(lang) or "").split()) for lang in LANGS}
    errors = {
        f"alt_text_{lang}": _("At most %(limit)d characters, please (now %(count)d).")
        % {"limit": ALT_TEXT_MAX, "count": len(text)}
        for lang, text in texts.items()
        if len(text) > ALT_TEXT_MAX
    }
    if errors:
        raise ValidationError(errors)
    if not any(texts.values()):
        # A picture without words is nothing to a person who cannot see it.
        raise ValidationError({"alt_text_fi": _("Describe the image in at least one language.")})
    return texts


def image_add(*, actor: Actor, innovation: Innovation, upload: Upload, alt_text: Mapping[str, str]) -> InnovationImage:
    """A picture of the innovation, with its text alternative in {language: text}. The file is decoded and
    re-encoded without metadata (core.uploads.clean_image) before the transaction, so a slow or hostile file
    never holds a database lock."""
    require(actor, "innovations.change_innovation", innovation)
    texts = _alt_texts(alt_text)
    cleaned = clean_image(upload, field="image", max_pixels=IMAGE_MAX_PIXELS, max_side=IMAGE_MAX_SIDE)
    stem = os.path.splitext(os.path.basename(upload.name or ""))[0]
    name = (get_valid_filename(stem)[:60] if stem.strip(" ._-") else "") or "image"
    with transaction.atomic():
        locked = Innovation.objects.select_for_update().get(pk=innovation.pk)
        if locked.images.count() >= MAX_IMAGES:
            raise ValidationError(
                {"image": _("An innovation can have at most %(limit)d images.") % {"limit": MAX_IMAGES}}
            )
        image = InnovationImage(
            innovation=locked, uploaded_by=person_of(actor), width=cleaned.width, height=cleaned.height
        )
        for lang, text in texts.items():
            setattr(image, f"alt_text_{lang}", text)
        image.file.save(name + cleaned.extension, ContentFile(cleaned.content), save=False)
        image.save()
        change_record(obj=locked, actor=actor, action=Action.UPDATE, changes={"images": [None, first_text(texts)]})
    return image


def first_text(texts: Mapping[str, str]) -> str:
    return next((text for text in texts.values() if text), "")


@transaction.atomic
def image_update(*, actor: Actor, image: InnovationImage, alt_text: Mapping[str, str]) -> InnovationImage:
    require(actor, "innovations.change_innovation", image.innovation)
    texts = _alt_texts(alt_text)
    before = {f"alt_text_{lang}": getattr(image, f"alt_text_{lang}") or "" for lang in LANGS}
    for lang, text in texts.items():
        setattr(image, f"alt_text_{lang}", text)
    image.save()
    after = {f"alt_text_{lang}": text for lang, text in texts.items()}
    if before != after:
        change_record(
            obj=image.innovation,
            actor=actor,
            action=Action.UPDATE,
            changes={"images": [first_text(before), first_text(after)]},
        )
    return image


@transaction.atomic
def image_remove(*, actor: Actor, image: InnovationImage) -> None:
    require(actor, "innovations.change_innovation", image.innovation)
    change_record(
        obj=image.innovation, actor=actor, action=Action.UPDATE, changes={"images": [str(image.alt_text), None]}
    )
    name = image.file.name
    storage = image.file.storage
    image.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(name) if name else None)


# --- lineage proposals: "we adapted this from …", confirmed by the source's owner ------------------------------


def _ancestors(innovation: Innovation) -> list[int]:
    """The chain of sources above an innovation (each has at most one), nearest first."""
    chain: list[int] = []
    current: int | None = innovation.pk
    while current is not None and len(chain) < 10_000:
        current = Adoption.objects.filter(result_id=current).values_list("source_id", flat=True).first()
        if current is not None:
            if current in chain:
                break
            chain.append(current)
    return chain


def _lineage_refusal(*, source: Innovation, result: Innovation) -> ValidationError | None:
    """Why `result` cannot become an adoption of `source`, or None. Checked when proposed and again, under
    locks, when confirmed (things may have changed in between)."""
    if source.pk == result.pk:
        return ValidationError({"source": _("An innovation cannot be adopted from itself.")})
    if source.owner_id == result.owner_id:
        return ValidationError({"source": _("An organisation cannot adopt its own innovation.")})
    if source.status != Status.PUBLISHED:
        return ValidationError({"source": _("Only published innovations can be adopted.")})
    if Adoption.objects.filter(result=result).exists():
        return ValidationError({"source": _("This record is already linked to the innovation it was adopted from.")})
    if Adoption.objects.filter(source=source, result__owner_id=result.owner_id).exists():
        return ValidationError(
            {"source": _("%(organisation)s has already adopted this innovation.") % {"organisation": result.owner}}
        )
    if result.pk in _ancestors(source):
        # result → … → source already: linking source → result would close a circle.
        return ValidationError(
            {"source": _("That innovation was itself adopted, directly or through others, from this record.")}
        )
    return None


@transaction.atomic
def lineage_propose(
    *,
    actor: Actor,
    result: Innovation,
    source: Innovation,
    mode: str,
    adopted_on: datetime.date | None = None,
    message: str = "",
) -> LineageProposal:
    """The result's editor says the record was adapted or copied from `source`. Nothing is linked until the
    source's owner confirms (lineage_confirm)."""
    require(actor, "innovations.change_innovation", result)
    require(actor, "innovations.view_innovation", source)
    if mode not in (Novelty.ADAPTED, Novelty.COPIED):
        raise ValidationError({"mode": _("Choose whether the innovation was copied or adapted.")})
    adopted_on = adopted_on or result.introduced_on or timezone.localdate()
    if adopted_on > timezone.localdate():
        raise ValidationError({"adopted_on": _("The adoption date cannot be in the future.")})
    message = " ".join((message or "").split())
    if len(message) > 1000:
        raise ValidationError(
            {
                "message": _("At most %(limit)d characters, please (now %(count)d).")
                % {"limit": 1000, "count": len(message)}
            }
        )
    Innovation.objects.select_for_update().filter(pk=result.pk).first()
    refusal = _lineage_refusal(source=source, result=result)
    if refusal is not None:
        raise refusal
    if LineageProposal.objects.filter(result=result, state=ProposalState.PENDING).exists():
        raise ValidationError(
            {"source": _("A link from this record is already waiting for confirmation: withdraw it first.")}
        )
    proposal = LineageProposal.objects.create(
        source=source,
        result=result,
        mode=mode,
        adopted_on=adopted_on,
        message=message,
        proposed_by=person_of(actor),
    )
    change_record(
        obj=result, actor=actor, action=Action.UPDATE, changes={"lineage_proposal": [None, f"{source} ({mode})"]}
    )
    return proposal


def _decide(proposal: LineageProposal, *, actor: Actor, state: str) -> LineageProposal:
    proposal.state = state
    proposal.decided_by = person_of(actor)
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    return proposal


def _pending(proposal: LineageProposal) -> LineageProposal:
    locked = (
        LineageProposal.objects.select_for_update().select_related("source__owner", "result__owner").get(pk=proposal.pk)
    )
    if locked.state != ProposalState.PENDING:
        raise ValidationError(_("This proposal has already been answered or withdrawn."))
    return locked


@transaction.atomic
def lineage_confirm(*, actor: Actor, proposal: LineageProposal) -> Adoption:
    """The source's owner confirms: the proposal becomes a lineage edge, the result's novelty says how it was
    adopted, and both records' change logs tell — all in one transaction, or nothing."""
    require(actor, "innovations.change_innovation", proposal.source)
    locked = _pending(proposal)
    # Locked in id order, so two confirmations touching the same records cannot deadlock.
    rows = {
        i.pk: i
        for i in Innovation.objects.select_for_update()
        .filter(pk__in=[locked.source_id, locked.result_id])
        .order_by("pk")
    }
    source, result = rows[locked.source_id], rows[locked.result_id]
    refusal = _lineage_refusal(source=source, result=result)
    if refusal is not None:
        raise refusal
    adoption = Adoption.objects.create(
        source=source, result=result, mode=locked.mode, adopted_on=locked.adopted_on, created_by=locked.proposed_by
    )
    events.announce_lineage_changed(innovation_ids=[result.pk])  # two families become one
    if result.novelty != locked.mode:
        before = result.novelty
        result.novelty = locked.mode
        records.save_new_version(result, "novelty")
        catalogue.refresh([result.pk])
        change_record(obj=result, actor=actor, action=Action.UPDATE, changes={"novelty": [before, locked.mode]})
    _decide(locked, actor=actor, state=ProposalState.CONFIRMED)
    change_record(
        obj=source,
        actor=actor,
        action=Action.ADOPT,
        changes={"adopted_by": [None, str(result.owner)], "mode": [None, locked.mode]},
    )
    change_record(obj=result, actor=actor, action=Action.UPDATE, changes={"adopted_from": [None, str(source)]})
    return adoption


@transaction.atomic
def lineage_decline(*, actor: Actor, proposal: LineageProposal) -> LineageProposal:
    require(actor, "innovations.change_innovation", proposal.source)
    locked = _decide(_pending(proposal), actor=actor, state=ProposalState.DECLINED)
    change_record(
        obj=locked.result, actor=actor, action=Action.UPDATE, changes={"lineage_proposal": [str(locked.source), None]}
    )
    return locked


@transaction.atomic
def lineage_withdraw(*, actor: Actor, proposal: LineageProposal) -> LineageProposal:
    require(actor, "innovations.change_innovation", proposal.result)
    locked = _decide(_pending(proposal), actor=actor, state=ProposalState.WITHDRAWN)
    change_record(
        obj=locked.result, actor=actor, action=Action.UPDATE, changes={"lineage_proposal": [str(locked.source), None]}
    )
    return locked
