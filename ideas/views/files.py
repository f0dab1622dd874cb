"""An idea's image and attachment, served through a view that checks who may see the idea, never straight from
MEDIA_ROOT: a private idea's files are as private as the idea (and the random folder name is no secret once a
link has been shared). A person who may not see the idea gets a 404, like on the idea's page."""

from django.http import FileResponse, Http404, HttpRequest
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from core.uploads import IMAGE_TYPES, content_type_of, sandboxed
from ideas.models import Idea


def _file_response(request: HttpRequest, pk: int, field: str) -> FileResponse:
    idea = Idea.objects.select_related("challenge__owner", "organisation").filter(pk=pk).first()
    if idea is None or not request.user.has_perm("ideas.view_idea", idea):
        raise Http404(_("No such idea."))
    if idea.hidden and not request.user.has_perm("ideas.handle_idea", idea):
        # Moderators hid the idea: its files, like its text, are for the handlers only.
        raise Http404(_("No such idea."))
    stored = getattr(idea, field)
    if not stored.name:
        raise Http404(_("The idea has no such file."))
    try:
        handle = stored.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("The idea has no such file.")) from missing
    name = stored.name.rsplit("/", 1)[-1]
    # The type comes from the name, which the upload checks matched to the content; anything else is bytes.
    content_type = content_type_of(name) or "application/octet-stream"
    inline = field == "image" and content_type in IMAGE_TYPES
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)
    sandboxed(response)
    # Who may see it depends on the person: shared caches must not keep it.
    response["Cache-Control"] = "private, max-age=3600"
    return response


def idea_image_view(request: HttpRequest, pk: int) -> FileResponse:
    return _file_response(request, pk, "image")


def idea_attachment_view(request: HttpRequest, pk: int) -> FileResponse:
    return _file_response(request, pk, "attachment")


urls: list[URLPattern] = [
    path("ideas/<int:pk>/image/", idea_image_view, name="idea_image"),
    path("ideas/<int:pk>/attachment/", idea_attachment_view, name="idea_attachment"),
]
