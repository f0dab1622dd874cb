"""Browser test set-up: one headless Chromium for the session, a fresh browser context per test, pytest-django's
live server, a small scenario built through the services, and a log-in helper that uses the real log-in form.

Chromium is Debian's /usr/bin/chromium (never `playwright install`: no browser is downloaded). Every request to
another host is refused, so a page that depends on a CDN shows up here rather than in production.
"""

import os
import re
import tempfile
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connections

# Playwright's sync API runs an asyncio event loop in the test thread; Django would then refuse every ORM call
# from the test ("You cannot call this from an async context"). The test thread never awaits anything itself.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from tests import pages
from tests.factories import PASSWORD  # every factory-made user has this password

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps calling home, and this machine's closed network refuses its connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
# Failed tests leave a screenshot and the page's HTML here.
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS") or Path(tempfile.gettempdir()) / "innoverkko-browser-artifacts")

expect.set_options(timeout=TIMEOUT_MS)


# --- the browser -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}: browser tests cannot run (apt-get install chromium)."
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs Chromium; a missing one there is a broken build, not a skip
        pytest.skip(message)
    with sync_playwright() as instance:
        yield instance
        # While Playwright's loop runs in the test thread, Django's connections there are kept apart from those
        # made before it started (asgiref's Local sees an async context), and the test database's teardown closes
        # only the earlier ones: the ones the tests used since would keep PostgreSQL from dropping it.
        connections.close_all()


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


# --- the live server --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(django_db_setup: None, live_server: Any) -> Iterator[Any]:
    """pytest-django's live server, with one request or query at a time on an in-memory SQLite database.

    There the server's threads and the test share one connection (an in-memory database lives in its connection),
    and Django leaves it to the tests to keep them from using it at once. Two autosaves served together, or a test
    reading while a request writes, otherwise break the connection's transaction, and with it every later test.
    So a request holds a lock from its start to its end, and any query outside a request waits for it.
    On PostgreSQL every thread has its own connection and nothing changes. (The test database is made first: a
    server started before it would not know that the database is in memory, and would open its own connections.)
    """
    from django.core.signals import request_finished, request_started

    shared = list(live_server.thread.connections_override.values())
    if not shared:
        yield live_server
        return
    lock = threading.RLock()
    holding = threading.local()

    def take(**kwargs: Any) -> None:
        _acquire(lock)
        holding.request = True

    def give_back(**kwargs: Any) -> None:
        if getattr(holding, "request", False):
            holding.request = False
            lock.release()

    def one_query_at_a_time(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        _acquire(lock)
        try:
            return execute(sql, params, many, context)
        finally:
            lock.release()

    request_started.connect(take, weak=False, dispatch_uid="tests.browser.take")
    request_finished.connect(give_back, weak=False, dispatch_uid="tests.browser.give_back")
    for connection in shared:
        connection.execute_wrappers.append(one_query_at_a_time)
    yield live_server
    for connection in shared:
        connection.execute_wrappers.remove(one_query_at_a_time)
    request_started.disconnect(dispatch_uid="tests.browser.take")
    request_finished.disconnect(dispatch_uid="tests.browser.give_back")


def _acquire(lock: Any) -> None:
    """Waits for the lock, but not for ever: a request that never ends must fail its test, not hang the suite."""
    if not lock.acquire(timeout=TIMEOUT_MS / 1000 * 3):
        pytest.fail("The live server held the shared SQLite connection for over 30 s.")


@dataclass
class Blocked:
    """Requests to other hosts that the page tried to make (and were refused)."""

    urls: list[str] = field(default_factory=list)


@pytest.fixture
def blocked_requests() -> Blocked:
    return Blocked()


@pytest.fixture
def context(browser: Browser, live_server: Any, blocked_requests: Blocked) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) per test, pointed at the live server."""
    context = browser.new_context(base_url=live_server.url, locale="fi-FI", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    own_host = urlsplit(live_server.url).netloc

    def only_own_host(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).netloc == own_host or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked_requests.urls.append(url)
            route.abort()

    context.route("**/*", only_own_host)
    yield context
    context.close()


# Every page the browser tests open is also a test of the Content-Security-Policy: a script, style or image the
# policy refuses is reported by the page (securitypolicyviolation) and in the console, and fails the test.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("Content Security Policy violation: " + event.violatedDirective + " blocked " +
    (event.blockedURI || "inline") + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    errors: list[str] = []
    violations: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.add_init_script(CSP_LISTENER)
    page.javascript_errors = errors  # type: ignore[attr-defined]  # read by the report hook below
    page.csp_violations = violations  # type: ignore[attr-defined]
    yield page
    page.close()
    assert not violations, "\n".join(violations)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """When a browser test fails, keeps a screenshot and the HTML and adds what the browser saw to the report."""
    report = yield
    funcargs: dict[str, Any] = getattr(item, "funcargs", {})
    page = funcargs.get("page")
    if report.when == "call" and report.failed and page is not None and not page.is_closed():
        report.sections.append(("browser", _what_the_browser_saw(item.nodeid, page, funcargs.get("blocked_requests"))))
    return report


def _what_the_browser_saw(nodeid: str, page: Page, blocked: Blocked | None) -> str:
    lines = [f"URL: {page.url}"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", nodeid)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
        lines.append(f"Screenshot and HTML: {ARTIFACTS}/{name}.png / .html")
    except Exception as error:  # a broken page must not hide the real failure
        lines.append(f"Could not save the page: {error}")
    errors = getattr(page, "javascript_errors", [])
    if errors:
        lines += ["JavaScript errors:", *(f"  {error}" for error in errors)]
    if blocked and blocked.urls:
        lines += ["Refused requests to other hosts:", *(f"  {url}" for url in blocked.urls)]
    return "\n".join(lines)


# --- the scenario ----------------------------------------------------------------------------------------------


@dataclass
class Scenario:
    """Two municipalities, their editors, and one published innovation of the first one."""

    source_org: Any  # Tampere: owns the innovation
    adopter_org: Any  # Turku: adopts it
    source_editor: Any
    adopter_editor: Any
    admin: Any
    innovation: Any
    theme: Any
    network: Any
    password: str = PASSWORD


INNOVATION_TEXTS = {
    "title_fi": "Kirjaston kokeiluja",
    "title_sv": "Bibliotekets försök",
    "title_en": "Library experiments",
    "summary_fi": "Kirjasto kokeilee uusia palveluja asukkaiden kanssa.",
    "summary_sv": "Biblioteket prövar nya tjänster tillsammans med invånarna.",
    "summary_en": "The library tries out new services together with residents.",
    "description_fi": "<p>Kirjasto avaa tilansa ja kokeilee lainattavia työkaluja.</p>",
    "description_sv": "<p>Biblioteket öppnar sina lokaler och prövar verktyg som kan lånas.</p>",
    "description_en": "<p>The library opens its rooms and tries out tools that can be borrowed.</p>",
}


@pytest.fixture
def scenario(live_server: Any, transactional_db: None) -> Scenario:
    """Made with the shared factories, which create through the services, so the pages see what real use leaves.

    The two municipalities are real ones from the reference data; the root conftest reloads it before every
    live-server test, since a transactional test's flush empties every table.
    """
    from accounts.models import Role
    from innovations.vocabulary import IdeaSource, InnovationType, Novelty, Stage, Status
    from organisations.models import Organisation
    from tests.factories import InnovationFactory, MembershipFactory, NetworkFactory, ThemeFactory, UserFactory

    source_org = Organisation.objects.get(municipality_code="837")  # Tampere
    adopter_org = Organisation.objects.get(municipality_code="853")  # Turku
    admin = UserFactory(username="yllapitaja", first_name="Ylläpitäjä", last_name="Innoverkko", platform_admin=True)
    source_editor = UserFactory(username="tampere-editori", first_name="Tiina", last_name="Tampere")
    adopter_editor = UserFactory(username="turku-editori", first_name="Tuomas", last_name="Turku")
    MembershipFactory(user=source_editor, organisation=source_org, role=Role.EDITOR)
    MembershipFactory(user=adopter_editor, organisation=adopter_org, role=Role.EDITOR)
    theme = ThemeFactory(slug="kirjastot", name_fi="Kirjastot", name_sv="Bibliotek", name_en="Libraries")
    innovation = InnovationFactory(
        owner=source_org,
        actor=source_editor,
        status=Status.PUBLISHED,
        stage=Stage.IN_USE,
        novelty=Novelty.NEW,
        classifications={"type": [InnovationType.SERVICE], "idea_source": [IdeaSource.USERS, IdeaSource.OWN_STAFF]},
        themes=[theme],
        contact_name="Tiina Tampere",
        contact_email="tiina.tampere@example.fi",
        **INNOVATION_TEXTS,
    )
    network = NetworkFactory(
        actor=admin,
        coordinator=source_org,
        name_fi="Kirjastokokeilujen verkosto",
        name_sv="Nätverket för biblioteksförsök",
        name_en="Library experiments network",
        themes=[theme],
        members=[source_org, adopter_org],
    )
    return Scenario(
        source_org=source_org,
        adopter_org=adopter_org,
        source_editor=source_editor,
        adopter_editor=adopter_editor,
        admin=admin,
        innovation=innovation,
        theme=theme,
        network=network,
    )


@pytest.fixture
def adopted(scenario: Scenario) -> Any:
    """The scenario after Turku adapted Tampere's innovation: the Adoption row, whose result has a lineage."""
    from innovations.vocabulary import Novelty
    from tests.factories import AdoptionFactory

    return AdoptionFactory(
        actor=scenario.adopter_editor, source=scenario.innovation, adopter=scenario.adopter_org, mode=Novelty.ADAPTED
    )


# --- helpers (as fixtures, so that test modules need not import this conftest) ---------------------------------

USERNAME_LABEL = re.compile(r"käyttäjätunnus|username|användarnamn", re.IGNORECASE)
PASSWORD_LABEL = re.compile(r"^\s*(salasana|password|lösenord)", re.IGNORECASE)
LOGIN_BUTTON = re.compile(r"^\s*(kirjaudu|log in|logga in|sign in)", re.IGNORECASE)


@pytest.fixture
def url() -> Any:
    """tests.pages.url as a fixture: `url("innovations:detail", pk=1)` → "/fi/innovations/1/";
    `url(…, language="sv", query="q=x")`."""
    return pages.url


def fill_login_form(page: Page, username: str, password: str = PASSWORD) -> None:
    """Fills and sends the log-in form on the current page, finding the fields by their labels."""
    page.get_by_label(USERNAME_LABEL).fill(username)
    page.get_by_label(PASSWORD_LABEL).fill(password)
    # The password form's own button: the page may also offer sign-in with identification providers.
    page.locator("main form:has(input[type=password])").get_by_role("button", name=LOGIN_BUTTON).click()


@pytest.fixture
def log_in() -> Any:
    """`log_in(page, user, next_path="/fi/…")`: logs in through the real log-in page and waits for the redirect."""

    def do(page: Page, user: Any, *, next_path: str = "", language: str = "fi") -> None:
        page.goto(pages.url("accounts:login", language, query=f"next={next_path}" if next_path else ""))
        fill_login_form(page, user.username)
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        if next_path:
            expect(page).to_have_url(re.compile(re.escape(next_path) + r"$"))

    return do


@pytest.fixture
def submit_login() -> Any:
    """`submit_login(page, user)` (or a username, and a password): fills and sends the log-in form on the page."""

    def do(page: Page, user: Any, password: str = PASSWORD) -> None:
        fill_login_form(page, getattr(user, "username", user), password)

    return do
