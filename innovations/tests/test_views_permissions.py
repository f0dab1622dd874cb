"""Who may do what on the innovation pages: every action for every role, expected outcomes as a table.

"login" means the person is sent to the log-in page; an innovation a person may not see is a 404 whatever the
action, so that drafts do not reveal that they exist.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from innovations.services import link_add
from innovations.tests.test_views_support import form_data, url
from organisations.models import OrganisationKind
from tests.factories import OrganisationFactory, PartnershipFactory

# The shared people and records: org_a, editor_a, admin_a, editor_b, registered_user, published_a, draft_a …
pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "registered_user", "editor_b", "editor_a", "admin_a")


def _link(innovation: Any, actor: Any) -> Any:
    return link_add(actor=actor, innovation=innovation, title="Raportti", url="https://example.fi/")


# action -> (method, how to build the request from (innovation, editor_a), expected per role in ROLES order)
Request = Callable[[Any, Any], tuple[str, dict[str, Any]]]
ACTIONS: dict[str, tuple[str, Request, tuple[Any, ...]]] = {
    "view published": ("get", lambda i, e: (url("innovations:detail", pk=i.pk), {}), (200, 200, 200, 200, 200)),
    "view draft": ("get", lambda i, e: (url("innovations:detail", pk=i.pk), {}), (404, 404, 404, 200, 200)),
    "open create form": ("get", lambda i, e: (url("innovations:create"), {}), ("login", 403, 200, 200, 200)),
    "create": (
        "post",
        lambda i, e: (url("innovations:create", query=f"owner={i.owner.slug}"), form_data(title_fi="Uusi")),
        ("login", 403, 403, 302, 302),
    ),
    "open edit form": ("get", lambda i, e: (url("innovations:edit", pk=i.pk), {}), ("login", 403, 403, 200, 200)),
    "open edit form of a draft": (
        "get",
        lambda i, e: (url("innovations:edit", pk=i.pk), {}),
        ("login", 404, 404, 200, 200),
    ),
    "save edit": (
        "post",
        lambda i, e: (url("innovations:edit", pk=i.pk), form_data(i, title_fi="Muutettu")),
        ("login", 403, 403, 302, 302),
    ),
    "open publish page of a draft": (
        "get",
        lambda i, e: (url("innovations:publish", pk=i.pk), {}),
        ("login", 404, 404, 200, 200),
    ),
    "publish a draft": (
        "post",
        lambda i, e: (url("innovations:publish", pk=i.pk), {"version": i.version}),
        ("login", 404, 404, 302, 302),
    ),
    "unpublish": (
        "post",
        lambda i, e: (url("innovations:unpublish", pk=i.pk), {"version": i.version}),
        ("login", 403, 403, 302, 302),
    ),
    "open delete page": ("get", lambda i, e: (url("innovations:delete", pk=i.pk), {}), ("login", 403, 403, 403, 200)),
    "delete": ("post", lambda i, e: (url("innovations:delete", pk=i.pk), {}), ("login", 403, 403, 403, 302)),
    "open adopt page": ("get", lambda i, e: (url("innovations:adopt", pk=i.pk), {}), ("login", 403, 200, 200, 200)),
    "adopt": (
        "post",
        lambda i, e: (
            url("innovations:adopt", pk=i.pk),
            {"adopter": OrganisationFactory.create().pk, "mode": "copied", "adopted_on": "2025-01-01"},
        ),
        # nobody edits the made-up organisation: the form refuses it as a choice (200 with an error)
        ("login", 403, 200, 200, 200),
    ),
    "add partner": (
        "post",
        lambda i, e: (
            url("innovations:partner_add", pk=i.pk),
            {
                "partner-organisation": OrganisationFactory.create(kind=OrganisationKind.COMPANY).name,
                "partner-role": "funder",
            },
        ),
        ("login", 403, 403, 302, 302),
    ),
    "remove partner": (
        "post",
        lambda i, e: (
            url(
                "innovations:partner_remove",
                pk=i.pk,
                partner_pk=PartnershipFactory.create(innovation=i, organisation=OrganisationFactory.create()).pk,
            ),
            {},
        ),
        ("login", 403, 403, 302, 302),
    ),
    "add link": (
        "post",
        lambda i, e: (url("innovations:link_add", pk=i.pk), {"link-title": "R", "link-url": "https://example.fi/"}),
        ("login", 403, 403, 302, 302),
    ),
    "remove link": (
        "post",
        lambda i, e: (url("innovations:link_remove", pk=i.pk, link_pk=_link(i, e).pk), {}),
        ("login", 403, 403, 302, 302),
    ),
    "add attachment": (
        "post",
        lambda i, e: (
            url("innovations:attachment_add", pk=i.pk),
            {"attachment-file": SimpleUploadedFile("muistio.txt", b"hei", content_type="text/plain")},
        ),
        ("login", 403, 403, 302, 302),
    ),
    "remove partner by GET": (
        "get",
        lambda i, e: (url("innovations:partner_remove", pk=i.pk, partner_pk=1), {}),
        ("login", 405, 405, 405, 405),
    ),
}
DRAFT_ACTIONS = {"view draft", "open edit form of a draft", "open publish page of a draft", "publish a draft"}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_page_actions_by_role(client, request, action, role, published_a, draft_a, editor_a):
    method, build, expected_by_role = ACTIONS[action]
    expected = expected_by_role[ROLES.index(role)]
    innovation = draft_a if action in DRAFT_ACTIONS else published_a
    path, data = build(innovation, editor_a)
    person = request.getfixturevalue(role)
    if role != "anonymous":
        client.force_login(person)
    response = getattr(client, method)(path, data)
    if expected == "login":
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith(url("accounts:login") + "?next=")
    else:
        assert response.status_code == expected
