"""Requests to join: who may ask, who decides, what approval creates, and the mail to the requester in the
language of the request, for every role and action."""

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Role
from organisations import join_requests
from organisations.models import JoinRequest, JoinRequestStatus, Organisation, OrganisationKind
from tests.pages import client_for

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Pohjolan Innovaatiosäätiö",
    "kind": OrganisationKind.THIRD_SECTOR,
    "business_id": "0100002-9",
    "contact_name": "Pia Pohjola",
    "contact_email": "pia@example.fi",
    "message": "Kehitämme palveluja kuntien kanssa.",
}


@pytest.fixture
def pending(registered_user: Any) -> JoinRequest:
    return join_requests.join_request_create(actor=registered_user, data=VALID, language="sv")


def test_anonymous_visitors_are_sent_to_sign_in_first() -> None:
    response = Client().post(reverse("organisations:join"), VALID)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert not JoinRequest.objects.exists()
    with pytest.raises(PermissionDenied):
        join_requests.join_request_create(actor=None, data=VALID)


def test_a_signed_in_person_asks_and_sees_the_request_waiting(registered_user: Any) -> None:
    client = client_for(registered_user)
    response = client.post("/sv" + reverse("organisations:join")[3:], VALID, follow=True)
    request = JoinRequest.objects.get()
    assert (request.requester, request.status, request.language) == (registered_user, "pending", "sv")
    assert "Pohjolan Innovaatiosäätiö" in response.content.decode()
    assert not Organisation.objects.filter(name_fi=VALID["name"]).exists()  # nothing until approved


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"business_id": "0100002-8"}, "business_id"),  # wrong check digit
        ({"kind": OrganisationKind.MUNICIPALITY}, "kind"),  # municipalities are there already
        ({"name": "  "}, "name"),
        ({"contact_email": "not an address"}, "contact_email"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(change: dict, field: str, registered_user: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        join_requests.join_request_create(actor=registered_user, data={**VALID, **change})
    assert field in caught.value.message_dict
    response = client_for(registered_user).post(reverse("organisations:join"), {**VALID, **change})
    assert response.status_code == 400
    assert not JoinRequest.objects.exists()


def test_an_organisation_already_on_innoverkko_is_not_asked_for_again(registered_user: Any) -> None:
    from organisations.reference_data import load_reference_data

    load_reference_data()
    customs = Organisation.objects.get(reference_code="state_agency:tulli")
    with pytest.raises(ValidationError) as caught:
        join_requests.join_request_create(actor=registered_user, data={**VALID, "business_id": customs.business_id})
    assert customs.name in str(caught.value)


def test_a_person_cannot_pile_up_requests(registered_user: Any) -> None:
    for n in range(join_requests.MAX_PENDING):
        join_requests.join_request_create(actor=registered_user, data={**VALID, "business_id": "", "name": f"O {n}"})
    with pytest.raises(ValidationError):
        join_requests.join_request_create(actor=registered_user, data={**VALID, "business_id": ""})


@pytest.mark.parametrize("who", ["registered_user", "editor_a", "admin_a"])
def test_only_platform_administrators_see_the_queue_and_decide(who: str, request, pending: JoinRequest) -> None:
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(reverse("organisations:join_queue")).status_code == 403
    assert (
        client.post(reverse("organisations:join_decide", args=[pending.pk]), {"action": "approve"}).status_code == 403
    )
    with pytest.raises(PermissionDenied):
        join_requests.join_request_approve(actor=user, join_request=pending)
    with pytest.raises(PermissionDenied):
        join_requests.join_request_decline(actor=user, join_request=pending, reason="Ei")
    pending.refresh_from_db()
    assert pending.status == JoinRequestStatus.PENDING


def test_approval_creates_the_organisation_with_the_requester_as_administrator_and_mails_them_in_their_language(
    platform_admin: Any, registered_user: Any, pending: JoinRequest, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(platform_admin)
    assert "Pohjolan Innovaatiosäätiö" in client.get(reverse("organisations:join_queue")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organisations:join_decide", args=[pending.pk]), {"action": "approve"})
    assert response.status_code == 302
    organisation = Organisation.objects.get(business_id="0100002-9")
    assert organisation.kind == OrganisationKind.THIRD_SECTOR
    assert Membership.objects.get(organisation=organisation).user == registered_user
    assert Membership.objects.get(organisation=organisation).role == Role.ADMIN
    [message] = mail.outbox
    assert message.to == [registered_user.email]
    assert "administratör" in message.body  # Swedish, the language of the request
    assert organisation.slug in message.body
    # Decided once: a second approval (another tab) is refused and creates nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("organisations:join_decide", args=[pending.pk]), {"action": "approve"})
    assert Organisation.objects.filter(business_id="0100002-9").count() == 1
    assert len(mail.outbox) == 1


def test_declining_needs_a_reason_which_the_requester_is_told(
    platform_admin: Any, registered_user: Any, pending: JoinRequest, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(platform_admin)
    url = reverse("organisations:join_decide", args=[pending.pk])
    client.post(url, {"action": "decline", "reason": "  "})
    pending.refresh_from_db()
    assert pending.status == JoinRequestStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "decline", "reason": "Ei julkisen sektorin toimija."})
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == (JoinRequestStatus.DECLINED, platform_admin)
    [message] = mail.outbox
    assert message.to == [registered_user.email]
    assert "Ei julkisen sektorin toimija." in message.body
    assert not Organisation.objects.filter(business_id="0100002-9").exists()
