"""Invitations: made one by one or from a CSV file (every bad row listed, nothing saved), unguessable tokens,
e-mails in the invitee's language with the personal link and the closing date, reminders only to those who have
not submitted and not too often, no double e-mail, and the cron command."""

import datetime
import random
import smtplib
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import resolve
from django.utils import timezone, translation

from barometer.models import Invitation, Round
from barometer.rounds import services
from barometer.rounds.services import InvitationRow, InvitationRowsError
from barometer.tests.test_rounds_support import respond
from barometer.vocabulary import ResponseStatus, RoundStatus, Unit
from organisations.models import Organisation, OrganisationKind
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are read in English (the message ids), whatever the Finnish and Swedish catalogues say."""
    with translation.override("en"):
        yield


def _invite(actor, round, organisation, email, **fields):
    return services.invitations_create(
        actor=actor, round=round, rows=[InvitationRow(organisation=organisation, email=email, **fields)]
    )[0]


# --- creating ---------------------------------------------------------------------------------------------------


def test_several_respondents_of_one_organisation_get_their_own_unguessable_tokens(editor_a, round_open, org_b):
    first = _invite(editor_a, round_open, org_b, "first@example.fi", name="Eka", language="sv")
    second = _invite(editor_a, round_open, org_b, "second@example.fi")
    assert first.frame_unit == second.frame_unit == round_open.frame.get(organisation=org_b)
    assert (first.name, first.language, second.language) == ("Eka", "sv", "fi")
    assert len(first.token) == 43
    assert first.token != second.token
    assert first.sent_at is None


def test_a_duplicate_email_in_the_round_is_refused_whatever_its_case(editor_a, round_open, org_a, org_b):
    _invite(editor_a, round_open, org_b, "someone@example.fi")
    with pytest.raises(ValidationError) as excinfo:
        _invite(editor_a, round_open, org_a, "SomeOne@Example.fi")
    assert excinfo.value.message_dict == {"email": ["SomeOne@Example.fi already has an invitation to this round."]}
    assert round_open.invitations.count() == 1


def test_an_organisation_outside_the_frame_and_a_bad_address_are_named_by_field(editor_a, round_open):
    outsider = OrganisationFactory.create()
    with pytest.raises(ValidationError) as excinfo:
        _invite(editor_a, round_open, outsider, "not-an-address", language="de")
    errors = excinfo.value.message_dict
    assert set(errors) == {"organisation", "email", "language"}
    assert "sampling frame" in errors["organisation"][0]


def test_a_closed_round_takes_no_invitations(editor_a, round_open, org_b):
    Round.objects.filter(pk=round_open.pk).update(status=RoundStatus.CLOSED)
    with pytest.raises(ValidationError, match="closed"):
        _invite(editor_a, round_open, org_b, "late@example.fi")


# --- from a file ----------------------------------------------------------------------------------------------------


@pytest.fixture
def helsinki(round_open, editor_a):
    organisation = Organisation.objects.get(municipality_code="091")
    services.frame_add(actor=editor_a, round=round_open, organisation=organisation)
    return organisation


def test_a_file_names_organisations_by_municipality_code_business_id_or_name(editor_a, round_open, org_b, helsinki):
    data = (
        "\ufeffOrganisaatio;Sähköposti;Nimi;Kieli\n"
        "91;innovaatiot@example.fi;Maija Meikäläinen;suomi\n"  # Excel dropped the leading zero of 091
        f"{org_b.business_id};b@example.fi;;sv\n"
        "\n"
        f"{org_b.name_en.upper()};b2@example.fi;;English\n"
        "Helsingfors;hki@example.fi;;\n"
    ).encode()
    created = services.invitations_create_from_csv(actor=editor_a, round=round_open, data=data)
    got = {(i.email, i.frame_unit.organisation_id, i.language, i.name) for i in created}
    assert got == {
        ("innovaatiot@example.fi", helsinki.pk, "fi", "Maija Meikäläinen"),
        ("b@example.fi", org_b.pk, "sv", ""),
        ("b2@example.fi", org_b.pk, "en", ""),
        ("hki@example.fi", helsinki.pk, "fi", ""),
    }


def test_every_bad_row_of_a_file_is_listed_with_its_line_and_nothing_is_saved(editor_a, round_open, org_b, helsinki):
    _invite(editor_a, round_open, org_b, "taken@example.fi")
    outsider = OrganisationFactory.create()
    data = (
        "organisation,email,name,language\n"
        "091,ok@example.fi,,fi\n"  # line 2: fine, but not saved because others fail
        "Atlantis,a@example.fi,,fi\n"  # 3: no such organisation
        f"{outsider.business_id},o@example.fi,,fi\n"  # 4: not in the frame
        "091,not an address,,fi\n"  # 5
        "091,taken@example.fi,,fi\n"  # 6: invited already
        "091,ok@example.fi,,fi\n"  # 7: same as line 2
        "091,lang@example.fi,,klingon\n"  # 8
        ",empty@example.fi,,fi\n"  # 9
    ).encode()
    with pytest.raises(InvitationRowsError) as excinfo:
        services.invitations_create_from_csv(actor=editor_a, round=round_open, data=data)
    problems = [(p.line, p.field) for p in excinfo.value.problems]
    assert problems == [
        (3, "organisation"),
        (4, "organisation"),
        (5, "email"),
        (6, "email"),
        (7, "email"),
        (8, "language"),
        (9, "organisation"),
    ]
    assert "line 2" in excinfo.value.problems[4].message
    assert excinfo.value.messages[0].startswith("Line 3, organisation: ")
    assert round_open.invitations.count() == 1


def test_a_name_shared_by_two_organisations_asks_for_the_business_id(editor_a, round_open):
    twins = [OrganisationFactory.create(kind=OrganisationKind.COMPANY, name_fi="Kaksoset Oy") for _ in range(2)]
    for twin in twins:
        services.frame_add(actor=editor_a, round=round_open, organisation=twin)
    with pytest.raises(InvitationRowsError, match="business ID"):
        services.invitations_create_from_csv(
            actor=editor_a, round=round_open, data=b"organisation,email\nKaksoset Oy,k@example.fi\n"
        )


def test_a_windows_1252_file_from_excel_is_read(editor_a, round_open, helsinki):
    data = "organisaatio;sähköposti;nimi\n091;a@example.fi;Åsa Öhman\n".encode("cp1252")
    (created,) = services.invitations_create_from_csv(actor=editor_a, round=round_open, data=data)
    assert created.name == "Åsa Öhman"


def test_a_file_cut_inside_a_quoted_name_is_refused_naming_its_line(editor_a, round_open, helsinki):
    whole = 'organisation,email,name\n091,a@example.fi,"Meikäläinen, Maija"\n091,b@example.fi,"Virtanen, Ville"\n'
    assert len(services.invitations_create_from_csv(actor=editor_a, round=round_open, data=whole.encode())) == 2
    round_open.invitations.all().delete()
    cut = whole[: whole.index("Ville")]  # …,"Virtanen,   (the file ends inside the quotes)
    with pytest.raises(InvitationRowsError) as excinfo:
        services.invitations_create_from_csv(actor=editor_a, round=round_open, data=cut.encode())
    assert [(p.line, p.field) for p in excinfo.value.problems] == [(3, "file")]
    assert "cut short" in excinfo.value.problems[0].message
    assert not round_open.invitations.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"organisation,email\n", "no rows"),
        (b"who,where\nx,y\n", "no column"),
        (b"\x00\x01\x02\xff\xfe", "no column"),
    ],
)
def test_an_unusable_file_says_why(editor_a, round_open, data, message):
    with pytest.raises(InvitationRowsError, match=message):
        services.invitations_create_from_csv(actor=editor_a, round=round_open, data=data)


# --- sending ------------------------------------------------------------------------------------------------------


@override_settings(SITE_URL="https://innoverkko.example.fi")
def test_invitations_go_out_once_in_the_invitees_language_with_the_link_and_closing_date(editor_a, round_open, org_b):
    Round.objects.filter(pk=round_open.pk).update(name_fi="Testi & kierros")
    round_open.refresh_from_db()
    finn = _invite(editor_a, round_open, org_b, "fi@example.fi", name="Maija")
    swede = _invite(editor_a, round_open, org_b, "sv@example.fi", language="sv")
    delivery = services.invitations_send(actor=editor_a, round=round_open)
    assert (delivery.sent, delivery.failed) == (2, [])
    by_address = {message.to[0]: message for message in mail.outbox}
    finnish, swedish = by_address["fi@example.fi"], by_address["sv@example.fi"]
    assert finnish.subject.endswith(": Testi & kierros")  # the Finnish name; plain text, not HTML
    assert "Testi & kierros" in swedish.subject  # no Swedish name: the Finnish one (fallback fi, sv, en)
    assert f"https://innoverkko.example.fi/fi/barometer/answer/{finn.token}/" in finnish.body
    assert f"https://innoverkko.example.fi/sv/barometer/answer/{swede.token}/" in swedish.body
    assert "Maija" in finnish.body
    assert round_open.closes_on.strftime("%-d.%-m.%Y") in finnish.body
    assert "Testi & kierros" in finnish.body  # plain text: the ampersand is not escaped
    assert "&amp;" not in finnish.body
    # The link resolves to the answering form.
    with translation.override("fi"):
        assert resolve(f"/fi/barometer/answer/{finn.token}/").url_name == "answer"
    finn.refresh_from_db()
    assert finn.sent_at is not None
    assert services.invitations_send(actor=editor_a, round=round_open).sent == 0
    assert len(mail.outbox) == 2


def test_nothing_is_sent_while_the_round_is_not_open(editor_a, round_open, org_b):
    _invite(editor_a, round_open, org_b, "x@example.fi")
    Round.objects.filter(pk=round_open.pk).update(status=RoundStatus.DRAFT)
    round_open.refresh_from_db()
    with pytest.raises(ValidationError, match="Open the round"):
        services.invitations_send(actor=editor_a, round=round_open)
    assert mail.outbox == []


def test_a_refused_address_is_left_unsent_and_tried_again(editor_a, round_open, org_b):
    _invite(editor_a, round_open, org_b, "ok@example.fi")
    bad = _invite(editor_a, round_open, org_b, "bad@example.fi")
    original = mail.backends.locmem.EmailBackend.send_messages

    def refuse_bad(self, messages):
        if messages[0].to == ["bad@example.fi"]:
            raise smtplib.SMTPRecipientsRefused({"bad@example.fi": (550, b"no such user")})
        return original(self, messages)

    with mock.patch.object(mail.backends.locmem.EmailBackend, "send_messages", refuse_bad):
        delivery = services.invitations_send(actor=editor_a, round=round_open)
    assert (delivery.sent, delivery.failed) == (1, ["bad@example.fi"])
    bad.refresh_from_db()
    assert bad.sent_at is None
    assert services.invitations_send(actor=editor_a, round=round_open).sent == 1


# --- reminders ----------------------------------------------------------------------------------------------------

DAY = datetime.timedelta(days=1)


@pytest.fixture
def sent(editor_a, round_open, org_a, org_b):
    """Three invitations sent ten days ago: two at org_b, one at org_a."""
    invitations = [
        _invite(editor_a, round_open, org_b, "b1@example.fi"),
        _invite(editor_a, round_open, org_b, "b2@example.fi", language="en"),
        _invite(editor_a, round_open, org_a, "a1@example.fi"),
    ]
    Invitation.objects.filter(round=round_open).update(sent_at=timezone.now() - 10 * DAY)
    for invitation in invitations:
        invitation.refresh_from_db()
    return invitations


def test_reminders_go_to_those_who_have_not_submitted_at_most_every_n_days(round_open, sent):
    b1, b2, a1 = sent
    respond(a1.frame_unit, ResponseStatus.IN_PROGRESS, invitation=a1)  # answering, not submitted: reminded
    now = timezone.now()
    delivery = services.reminders_send(round=round_open, now=now)
    assert delivery.sent == 3
    reminded = {message.to[0]: message for message in mail.outbox}
    assert set(reminded) == {"b1@example.fi", "b2@example.fi", "a1@example.fi"}
    assert "Reminder" in reminded["b2@example.fi"].subject  # English for the English invitee
    assert b2.token in reminded["b2@example.fi"].body
    # Not again within the interval, and again after it.
    assert services.reminders_send(round=round_open, now=now + 6 * DAY).sent == 0
    assert services.reminders_send(round=round_open, now=now + 7 * DAY).sent == 3
    b1.refresh_from_db()
    assert (b1.reminders_sent, b1.last_reminded_at) == (2, now + 7 * DAY)


def test_reminders_stop_after_the_maximum(round_open, sent):
    now = timezone.now()
    for week in range(5):
        services.reminders_send(round=round_open, now=now + week * 7 * DAY, max_reminders=2)
    assert len(mail.outbox) == 2 * 3
    assert set(Invitation.objects.values_list("reminders_sent", flat=True)) == {2}


def test_unsent_and_recently_sent_invitations_are_not_reminded(editor_a, round_open, org_a):
    _invite(editor_a, round_open, org_a, "never@example.fi")
    recent = _invite(editor_a, round_open, org_a, "recent@example.fi")
    Invitation.objects.filter(pk=recent.pk).update(sent_at=timezone.now() - 2 * DAY)
    assert services.reminders_send(round=round_open, now=timezone.now()).sent == 0


def test_a_colleagues_submitted_answer_stops_reminders_when_organisations_are_counted(round_open, sent):
    b1 = sent[0]
    respond(b1.frame_unit, invitation=b1)  # org_b has answered
    services.reminders_send(round=round_open, now=timezone.now())
    assert [message.to[0] for message in mail.outbox] == ["a1@example.fi"]


def test_when_respondents_are_counted_every_invitee_is_reminded_until_they_submit(round_open, sent):
    b1 = sent[0]
    Round.objects.filter(pk=round_open.pk).update(unit=Unit.RESPONDENT)
    round_open.refresh_from_db()
    respond(b1.frame_unit, invitation=b1)
    services.reminders_send(round=round_open, now=timezone.now())
    assert sorted(message.to[0] for message in mail.outbox) == ["a1@example.fi", "b2@example.fi"]


def test_a_reminder_claimed_by_another_sender_is_not_sent_twice(round_open, sent):
    now = timezone.now()
    due = list(services.reminders_due(round=round_open, now=now, interval_days=7, max_reminders=3))
    # Another process sends the same reminders between this one's read and its send.
    services.reminders_send(round=round_open, now=now)
    with mock.patch.object(services, "reminders_due", return_value=due):
        assert services.reminders_send(round=round_open, now=now).sent == 0
    assert len(mail.outbox) == 3


def test_no_reminders_after_the_closing_date(round_open, sent):
    Round.objects.filter(pk=round_open.pk).update(
        opens_on=timezone.localdate() - 20 * DAY, closes_on=timezone.localdate() - DAY
    )
    round_open.refresh_from_db()
    with pytest.raises(ValidationError, match="closing date"):
        services.reminders_send(round=round_open, now=timezone.now())
    assert mail.outbox == []


def test_the_cron_command_reminds_in_every_open_round_and_only_once(round_open, sent):
    out = StringIO()
    call_command("send_barometer_reminders", stdout=out)
    assert f"{round_open.slug}: 3 sent, 0 failed" in out.getvalue()
    call_command("send_barometer_reminders", stdout=StringIO())
    assert len(mail.outbox) == 3


def test_the_cron_commands_dry_run_only_counts(round_open, sent):
    out = StringIO()
    call_command("send_barometer_reminders", "--dry-run", "--every-days", "30", stdout=out)
    assert f"{round_open.slug}: 0 due" in out.getvalue()
    call_command("send_barometer_reminders", "--dry-run", stdout=out)
    assert f"{round_open.slug}: 3 due" in out.getvalue()
    assert mail.outbox == []


def test_the_cron_command_fails_loudly_when_the_mail_server_refuses(round_open, sent):
    with (
        mock.patch.object(mail.backends.locmem.EmailBackend, "send_messages", side_effect=smtplib.SMTPException),
        pytest.raises(SystemExit) as excinfo,
    ):
        call_command("send_barometer_reminders", stdout=StringIO())
    assert excinfo.value.code == 1
    assert set(Invitation.objects.values_list("reminders_sent", flat=True)) == {0}


def test_the_status_counts_agree_with_each_invitations_status(editor_a, round_open, org_a, org_b):
    """invitation_counts counts in the database what invitation_status decides one by one: a recount."""
    from collections import Counter

    from barometer.rounds.selectors import invitation_counts, invitation_list, invitation_status

    rng = random.Random(5)
    for n in range(60):
        invitation = _invite(editor_a, round_open, rng.choice((org_a, org_b)), f"p{n}@example.fi")
        sent = rng.random() < 0.7
        reminders = rng.choice((0, 0, 1, 2)) if sent else 0
        Invitation.objects.filter(pk=invitation.pk).update(
            sent_at=timezone.now() if sent else None, reminders_sent=reminders
        )
        if sent and rng.random() < 0.5:
            respond(invitation.frame_unit, rng.choice(list(ResponseStatus)), invitation=invitation)
    recount = Counter(invitation_status(invitation).value for invitation in invitation_list(round=round_open))
    counts = invitation_counts(round=round_open)
    assert counts == {status: recount[status] for status in counts}
    assert sum(counts.values()) == 60
    assert all(counts.values())  # every status occurs, so each condition was checked


def test_sending_stops_at_the_time_limit_and_the_next_run_goes_on(editor_a, round_open, org_b):
    for n in range(3):
        _invite(editor_a, round_open, org_b, f"t{n}@example.fi")
    # The start, then the check before each message: the third finds the time up.
    with mock.patch.object(services.time, "monotonic", side_effect=[0.0, 0.0, 1.0, 99.0]):
        delivery = services.invitations_send(actor=editor_a, round=round_open, time_limit=10)
    assert (delivery.sent, delivery.left) == (2, 1)
    assert round_open.invitations.filter(sent_at__isnull=True).count() == 1
    assert services.invitations_send(actor=editor_a, round=round_open, time_limit=10).sent == 1
    assert len(mail.outbox) == 3
