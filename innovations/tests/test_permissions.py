"""Who may do what: every role against every action, through the real services and selectors.

The expected outcome of each pair is written out in MATRIX below. A denied write must raise PermissionDenied
and leave no trace (no change-log entry, the effect absent); an allowed one must really happen.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import ChangeRecord
from innovations import selectors, services
from innovations.models import Adoption, Attachment, Innovation, Link, Partnership
from innovations.vocabulary import PartnerRole, Status
from organisations import services as organisation_services
from organisations.models import Network, NetworkMembership, Organisation, OrganisationKind
from tests.factories import InnovationFactory, NetworkFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "registered_user", "editor_a", "admin_a", "editor_b", "platform_admin")

# The innovations and partners belong to org A; the network is coordinated by org A.
# "adopt_into_b" adopts org A's published innovation into org B; "adopt_into_a" org B's into org A.
MATRIX = """
action               anonymous  registered_user  editor_a  admin_a  editor_b  platform_admin
view_published       allow      allow            allow     allow    allow     allow
view_draft           deny       deny             allow     allow    deny      allow
create_for_a         deny       deny             allow     allow    deny      allow
update               deny       deny             allow     allow    deny      allow
publish              deny       deny             allow     allow    deny      allow
unpublish            deny       deny             allow     allow    deny      allow
delete               deny       deny             deny      allow    deny      allow
adopt_into_b         deny       deny             deny      deny     allow     allow
adopt_into_a         deny       deny             allow     allow    deny      allow
partner_add          deny       deny             allow     allow    deny      allow
partner_update       deny       deny             allow     allow    deny      allow
partner_remove       deny       deny             allow     allow    deny      allow
link_add             deny       deny             allow     allow    deny      allow
link_remove          deny       deny             allow     allow    deny      allow
attachment_add       deny       deny             allow     allow    deny      allow
attachment_remove    deny       deny             allow     allow    deny      allow
view_changes         deny       deny             allow     allow    deny      allow
organisation_update  deny       deny             deny      allow    deny      allow
network_update       deny       deny             deny      allow    deny      allow
network_member_add   deny       deny             deny      allow    deny      allow
organisation_create  deny       deny             deny      deny     deny      allow
network_create       deny       deny             deny      allow    deny      allow
"""


def _parse(table: str) -> dict[tuple[str, str], bool]:
    header, *rows = [line.split() for line in table.strip().splitlines()]
    assert tuple(header[1:]) == ROLES
    expected = {}
    for action, *outcomes in rows:
        assert len(outcomes) == len(ROLES), action
        for role, outcome in zip(ROLES, outcomes, strict=True):
            assert outcome in ("allow", "deny"), (action, role)
            expected[(action, role)] = outcome == "allow"
    return expected


EXPECTED = _parse(MATRIX)


@dataclass
class World:
    org_a: Organisation
    org_b: Organisation
    published_a: Innovation
    draft_a: Innovation
    published_b: Innovation
    partnership: Partnership
    link: Link
    attachment: Attachment
    network: Network
    outsider: Organisation


@pytest.fixture
def world(org_a, org_b, editor_a, published_a, draft_a) -> World:
    published_b = InnovationFactory.create(owner=org_b)
    university = OrganisationFactory.create(kind=OrganisationKind.UNIVERSITY)
    partnership = services.partnership_add(actor=editor_a, innovation=published_a, organisation=university)
    link = services.link_add(actor=editor_a, innovation=published_a, title="Raportti", url="https://example.fi/r")
    attachment = services.attachment_add(actor=editor_a, innovation=published_a, upload=_pdf("liite.pdf"))
    network = NetworkFactory.create(coordinator=org_a, members=[org_a])
    outsider = OrganisationFactory.create(kind=OrganisationKind.JOINT_AUTHORITY)
    return World(org_a, org_b, published_a, draft_a, published_b, partnership, link, attachment, network, outsider)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", content_type="application/pdf")


def _fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


# Each action: (do it as `user`, did its effect happen?). `do` may return a value for `happened`.
Action = tuple[Callable[[World, Any], Any], Callable[[World], bool]]


def _view(attr: str) -> Action:
    def do(w: World, user: Any) -> None:
        innovation = getattr(w, attr)
        found = selectors.innovation_detail(user=user, pk=innovation.pk)
        allowed = user.has_perm("innovations.view_innovation", innovation)
        # The selector and the rule must agree; a view that is refused behaves like a PermissionDenied.
        assert (found is not None) == allowed
        if not allowed:
            raise PermissionDenied

    return do, lambda w: True


def _view_changes(w: World, user: Any) -> None:
    if not user.has_perm("innovations.view_changes", w.published_a):
        raise PermissionDenied


ACTIONS: dict[str, Action] = {
    "view_published": _view("published_a"),
    "view_draft": _view("draft_a"),
    "create_for_a": (
        lambda w, u: services.innovation_create(actor=u, owner=w.org_a, data={"title_fi": "Uusi kokeilu"}),
        lambda w: Innovation.objects.filter(owner=w.org_a, title_fi="Uusi kokeilu").exists(),
    ),
    "update": (
        lambda w, u: services.innovation_update(
            actor=u,
            innovation=w.published_a,
            expected_version=w.published_a.version,
            data={"title_en": "Renamed"},
        ),
        lambda w: _fresh(w.published_a).title_en == "Renamed",
    ),
    "publish": (
        lambda w, u: services.innovation_set_status(
            actor=u, innovation=w.draft_a, status=Status.PUBLISHED, expected_version=w.draft_a.version
        ),
        lambda w: _fresh(w.draft_a).status == Status.PUBLISHED,
    ),
    "unpublish": (
        lambda w, u: services.innovation_set_status(
            actor=u, innovation=w.published_a, status=Status.DRAFT, expected_version=w.published_a.version
        ),
        lambda w: _fresh(w.published_a).status == Status.DRAFT,
    ),
    "delete": (
        lambda w, u: services.innovation_delete(actor=u, innovation=w.published_a),
        lambda w: not Innovation.objects.filter(pk=w.published_a.pk).exists(),
    ),
    "adopt_into_b": (
        lambda w, u: services.innovation_adopt(actor=u, source=w.published_a, adopter=w.org_b, mode="adapted"),
        lambda w: Adoption.objects.filter(source=w.published_a, result__owner=w.org_b).exists(),
    ),
    "adopt_into_a": (
        lambda w, u: services.innovation_adopt(actor=u, source=w.published_b, adopter=w.org_a, mode="copied"),
        lambda w: Adoption.objects.filter(source=w.published_b, result__owner=w.org_a).exists(),
    ),
    "partner_add": (
        lambda w, u: services.partnership_add(
            actor=u, innovation=w.published_a, organisation=w.outsider, role=PartnerRole.FUNDER
        ),
        lambda w: w.published_a.partnerships.filter(organisation=w.outsider, role=PartnerRole.FUNDER).exists(),
    ),
    "partner_update": (
        lambda w, u: services.partnership_update(actor=u, partnership=w.partnership, role=PartnerRole.RESEARCHER),
        lambda w: _fresh(w.partnership).role == PartnerRole.RESEARCHER,
    ),
    "partner_remove": (
        lambda w, u: services.partnership_remove(actor=u, partnership=w.partnership),
        lambda w: not Partnership.objects.filter(pk=w.partnership.pk).exists(),
    ),
    "link_add": (
        lambda w, u: services.link_add(actor=u, innovation=w.published_a, title="Video", url="https://example.fi/v"),
        lambda w: w.published_a.links.filter(url="https://example.fi/v").exists(),
    ),
    "link_remove": (
        lambda w, u: services.link_remove(actor=u, link=w.link),
        lambda w: not Link.objects.filter(pk=w.link.pk).exists(),
    ),
    "attachment_add": (
        lambda w, u: services.attachment_add(actor=u, innovation=w.published_a, upload=_pdf("toinen.pdf")),
        lambda w: w.published_a.attachments.count() == 2,
    ),
    "attachment_remove": (
        lambda w, u: services.attachment_remove(actor=u, attachment=w.attachment),
        lambda w: not Attachment.objects.filter(pk=w.attachment.pk).exists(),
    ),
    "view_changes": (_view_changes, lambda w: True),
    "organisation_update": (
        lambda w, u: organisation_services.organisation_update(
            actor=u, organisation=w.org_a, expected_version=w.org_a.version, data={"population": 12345}
        ),
        lambda w: _fresh(w.org_a).population == 12345,
    ),
    "network_update": (
        lambda w, u: organisation_services.network_update(
            actor=u, network=w.network, expected_version=w.network.version, data={"name_en": "Renamed network"}
        ),
        lambda w: _fresh(w.network).name_en == "Renamed network",
    ),
    "network_member_add": (
        lambda w, u: organisation_services.network_member_add(
            actor=u, network=w.network, organisation=w.org_b, joined_on=datetime.date(2024, 3, 1)
        ),
        lambda w: NetworkMembership.objects.filter(network=w.network, organisation=w.org_b).exists(),
    ),
    "organisation_create": (
        lambda w, u: organisation_services.organisation_create(
            actor=u, data={"kind": OrganisationKind.COMPANY, "name_fi": "Uusyritys Oy", "name_sv": "Nyföretag Ab"}
        ),
        lambda w: Organisation.objects.filter(name_fi="Uusyritys Oy").exists(),
    ),
    "network_create": (
        # An organisation's administrator starts a network the organisation coordinates.
        lambda w, u: organisation_services.network_create(
            actor=u, data={"name_fi": "Uusi verkosto", "coordinator": w.org_a}
        ),
        lambda w: Network.objects.filter(name_fi="Uusi verkosto").exists(),
    ),
}

READS = {"view_published", "view_draft", "view_changes"}


def test_the_matrix_covers_every_action_and_role():
    assert {action for action, _role in EXPECTED} == set(ACTIONS)
    assert len(EXPECTED) == len(ACTIONS) * len(ROLES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission(request, world, action, role):
    user = request.getfixturevalue(role)
    do, happened = ACTIONS[action]
    log_before = ChangeRecord.objects.count()
    if EXPECTED[(action, role)]:
        do(world, user)
        assert happened(world), f"{role} may {action}, but nothing happened"
        if action not in READS:
            assert ChangeRecord.objects.count() > log_before, "an allowed write is recorded in the change log"
    else:
        with pytest.raises(PermissionDenied):
            do(world, user)
        if action not in READS:
            assert not happened(world), f"{role} may not {action}, yet it happened"
        assert ChangeRecord.objects.count() == log_before


def test_a_draft_is_hidden_from_the_catalogue_of_outsiders_but_not_of_members(world, editor_a, editor_b):
    filters = selectors.CatalogueFilters()
    assert world.draft_a in selectors.innovation_list(user=editor_a, filters=filters)
    assert world.draft_a not in selectors.innovation_list(user=editor_b, filters=filters)


def test_a_new_membership_counts_at_once_on_a_fresh_user_object(world, registered_user):
    """Roles are memoised per user object (one request); a fresh object from the database sees the new role."""
    from accounts.models import Membership, Role, User

    assert not registered_user.has_perm("innovations.change_innovation", world.published_a)
    Membership.objects.create(user=registered_user, organisation=world.org_a, role=Role.EDITOR)
    assert User.objects.get(pk=registered_user.pk).has_perm("innovations.change_innovation", world.published_a)
