"""A person's own data, all of it, for the right of access and portability (GDPR Art. 15 and 20).

One JSON document, and the same as CSV tables in a zip where a table fits. What is matched by e-mail address
(barometer invitations, innovations naming the person as contact) is matched only by a *verified* address: an
unverified one may be somebody else's, and exporting would hand that person's answers to whoever typed it in.
Secrets are never exported: no password hash, no token hash, no OIDC client secret.
"""

import csv
import io
import json
import zipfile
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Actor, ApiToken, Identity, Membership, RecoveryCode, TwoFactor, User
from audit.models import ChangeRecord
from barometer.models import Answer
from barometer.models import Invitation as BarometerInvitation
from experiments.models import Experiment
from ideas.models import Report
from ideas.services.own_data import own_data_json, own_data_of_user
from innovations.models import Attachment, Innovation
from notifications.models import Preference


def _verified_email(user: User) -> str:
    return user.email if user.email_verified else ""


def _profile(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "email_verified_at": user.email_verified_at,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "strongly_identified_at": user.strongly_identified_at,
        "home_municipality_code": user.home_municipality_code,
        "has_password": user.has_usable_password(),
        "platform_administrator": user.is_superuser,
    }


def _barometer(user: User) -> dict[str, list[dict[str, Any]]]:
    email = _verified_email(user)
    if not email:
        return {"invitations": [], "answers": []}
    invitations = list(
        BarometerInvitation.objects.filter(email__iexact=email)
        .select_related("round", "frame_unit__organisation")
        .order_by("created_at", "pk")
    )
    answers = (
        Answer.objects.filter(response__invitation__in=invitations)
        .select_related("question", "response")
        .order_by("response_id", "question__pk")
    )
    return {
        "invitations": [
            {
                "id": i.pk,
                "round": str(i.round),
                "organisation": str(i.frame_unit.organisation),
                "name": i.name,
                "email": i.email,
                "language": i.language,
                "sent_at": i.sent_at,
                "reminders_sent": i.reminders_sent,
            }
            for i in invitations
        ],
        "answers": [
            {
                "invitation_id": a.response.invitation_id,
                "response_status": a.response.status,
                "question": a.question.code,
                "value": a.value,
                "updated_at": a.updated_at,
            }
            for a in answers
        ],
    }


def _named_on(user: User) -> list[dict[str, Any]]:
    email = _verified_email(user)
    rows: list[dict[str, Any]] = []
    innovations = Innovation.objects.filter(created_by=user)
    if email:
        innovations = innovations | Innovation.objects.filter(contact_email__iexact=email)
    for innovation in innovations.distinct().order_by("pk"):
        roles = []
        if innovation.created_by_id == user.pk:
            roles.append("created_by")
        if email and innovation.contact_email.lower() == email.lower():
            roles.append("contact")
        rows.append(
            {
                "kind": "innovation",
                "id": innovation.pk,
                "title": innovation.title,
                "as": roles,
                "contact_name": innovation.contact_name if "contact" in roles else "",
                "contact_email": innovation.contact_email if "contact" in roles else "",
            }
        )
    for experiment in Experiment.objects.filter(created_by=user).order_by("pk"):
        rows.append({"kind": "experiment", "id": experiment.pk, "title": experiment.title, "as": ["created_by"]})
    for attachment in Attachment.objects.filter(uploaded_by=user).order_by("pk"):
        rows.append({"kind": "attachment", "id": attachment.pk, "title": str(attachment), "as": ["uploaded_by"]})
    return rows


def _two_factor(user: User) -> dict[str, Any]:
    # Whether it is on and how many recovery codes are left; never the shared key or the codes' hashes.
    record = TwoFactor.objects.filter(user=user).first()
    return {
        "enabled": bool(record and record.confirmed_at),
        "enabled_at": record.confirmed_at if record else None,
        "recovery_codes_left": RecoveryCode.objects.filter(user=user, used_at__isnull=True).count(),
    }


def _change_log(user: User) -> list[dict[str, Any]]:
    # Which fields of which record the person changed, not the values: those are the organisation's record (shown
    # in its history) and may be other people's data, e.g. a contact person's address (GDPR Art. 15(4)).
    types = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    return [
        {
            "record": types.get(c.content_type_id, ""),
            "object_id": c.object_id,
            "action": c.action,
            "at": c.at,
            "fields": sorted(c.changes) if isinstance(c.changes, dict) else [],
        }
        for c in ChangeRecord.objects.filter(actor=user).order_by("at", "pk")
    ]


def data_export(*, actor: Actor) -> dict[str, Any]:
    """Everything stored about the signed-in person, as plain data."""
    if not isinstance(actor, User):
        raise PermissionDenied(_("Log in to see your data."))
    user = actor
    preference = Preference.objects.filter(user=user).first()
    own = json.loads(own_data_json(own_data_of_user(user=user)))
    return {
        "exported_at": timezone.now(),
        "profile": _profile(user),
        "memberships": [
            {
                "organisation": m.organisation.name,
                "organisation_id": m.organisation_id,
                "role": m.role,
                "since": m.created_at,
            }
            for m in Membership.objects.filter(user=user).select_related("organisation").order_by("pk")
        ],
        "identities": [
            {
                "provider": i.provider.slug,
                "provider_name": i.provider.name,
                "subject": i.subject,
                "linked_at": i.created_at,
                "last_used_at": i.last_used_at,
                "last_acr": i.last_acr,
            }
            for i in Identity.objects.filter(user=user).select_related("provider").order_by("pk")
        ],
        "api_tokens": [
            {"name": t.name, "begins_with": t.prefix, "created_at": t.created_at, "last_used_at": t.last_used_at}
            for t in ApiToken.objects.filter(user=user).order_by("pk")
        ],
        "two_step_sign_in": _two_factor(user),
        "notification_preferences": (
            {"frequency": preference.frequency, "language": preference.language, "updated_at": preference.updated_at}
            if preference
            else None
        ),
        "ideas": own["ideas"],
        "comments": own["comments"],
        "supports": own["supports"],
        "reports": [
            {
                "id": r.pk,
                "idea_id": r.idea_id,
                "comment_id": r.comment_id,
                "reason": r.reason,
                "status": r.status,
                "created_at": r.created_at,
            }
            for r in Report.objects.filter(reporter=user).order_by("pk")
        ],
        "barometer": _barometer(user),
        "records_named_on": _named_on(user),
        "change_log": _change_log(user),
    }


def data_export_json(data: dict[str, Any]) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _csv(rows: list[dict[str, Any]]) -> str:
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or ["empty"])
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: json.dumps(v, cls=DjangoJSONEncoder, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                for k, v in row.items()
            }
        )
    return out.getvalue()


def data_export_zip(data: dict[str, Any]) -> bytes:
    """The same data as one CSV table per category in a zip, with the JSON document beside them."""
    tables: dict[str, list[dict[str, Any]]] = {
        "profile": [data["profile"]],
        "two_step_sign_in": [data["two_step_sign_in"]],
        "memberships": data["memberships"],
        "identities": data["identities"],
        "api_tokens": data["api_tokens"],
        "notification_preferences": [data["notification_preferences"]] if data["notification_preferences"] else [],
        "ideas": data["ideas"],
        "comments": data["comments"],
        "supports": data["supports"],
        "reports": data["reports"],
        "barometer_invitations": data["barometer"]["invitations"],
        "barometer_answers": data["barometer"]["answers"],
        "records_named_on": data["records_named_on"],
        "change_log": data["change_log"],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-data.json", data_export_json(data))
        for name, rows in tables.items():
            # A byte order mark: Excel then reads the UTF-8 (ä, ö, å) right.
            archive.writestr(f"{name}.csv", "\ufeff" + _csv(rows))
    return buffer.getvalue()
