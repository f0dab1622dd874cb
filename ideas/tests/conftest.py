"""Fixtures of the challenge and idea tests: challenges of org_a in each audience and ideas in each condition.

The people (anonymous, registered_user, editor_a, admin_a, editor_b, platform_admin) come from tests/fixtures.py.
"""

from typing import Any

import pytest
from django.core.cache import cache

from ideas.models import Audience, Challenge, ChallengeStatus, Idea, Participation
from ideas.services import challenges as challenge_services
from ideas.services import ideas as idea_services
from organisations.models import Organisation
from tests.factories import ChallengeFactory

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "<svg/onload=alert(1)>",
    '"><iframe src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    # Broken up, encoded or hidden in other markup (ideas/tests/test_xss.py runs them all through every text field).
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<details open ontoggle=alert(1)>x</details>",
    "<input autofocus onfocus=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "</textarea><script>alert(1)</script>",
    "'><svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<style>@import 'javascript:alert(1)';</style>",
]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # Nothing cached by an earlier test. (Rate limits count in the database, which each test rolls back.)
    cache.clear()


@pytest.fixture
def challenge_a(org_a: Organisation, editor_a: Any) -> Challenge:
    """Open, public, anyone may send ideas."""
    return ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True)


@pytest.fixture
def registered_only_a(org_a: Organisation, editor_a: Any) -> Challenge:
    return ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True, participation=Participation.REGISTERED)


@pytest.fixture
def staff_challenge_a(org_a: Organisation, editor_a: Any) -> Challenge:
    return ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True, audience=Audience.STAFF)


@pytest.fixture
def draft_challenge_a(org_a: Organisation, editor_a: Any) -> Challenge:
    return ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True, status=ChallengeStatus.DRAFT)


@pytest.fixture
def sender(db: None) -> Any:
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def idea_a(challenge_a: Challenge, sender: Any) -> Idea:
    """A confirmed idea of a signed-in sender, still "received"."""
    return idea_services.idea_send(
        actor=sender, challenge=challenge_a, title="Kylätalo", text="<p>Yhteinen kylätalo</p>"
    )


@pytest.fixture
def unconfirmed_a(challenge_a: Challenge, anonymous: Any) -> Idea:
    return idea_services.idea_send(
        actor=anonymous,
        challenge=challenge_a,
        title="Salainen idea",
        text="Ei vielä vahvistettu",
        sender_email="nimeton@example.fi",
    )


@pytest.fixture
def co_organiser(db: None) -> Organisation:
    from tests.factories import OrganisationFactory

    return OrganisationFactory.create()


@pytest.fixture
def challenge_handler(challenge_a: Challenge, co_organiser: Organisation, editor_a: Any) -> Any:
    """A person of a co-organiser of challenge_a, named on the challenge as a handler (not org_a's editor)."""
    from accounts.models import Role
    from tests.factories import MembershipFactory

    person = MembershipFactory(organisation=co_organiser, role=Role.EDITOR).user
    challenge_services.challenge_update(
        actor=editor_a,
        challenge=challenge_a,
        data={"co_organisers": [co_organiser], "handlers": [person]},
        expected_version=challenge_services.challenge_version(challenge_a),
    )
    challenge_a.refresh_from_db()
    return person


# Every role the co-development tests check an action for (see tests/fixtures.py and the fixtures above).
ROLES = ("anonymous", "registered_user", "sender", "editor_a", "editor_b", "challenge_handler", "platform_admin")
