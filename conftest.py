"""Project-wide pytest set-up (pytest-django).

- The test database is created the normal pytest-django way (migrations run; on PostgreSQL, selected by the
  DATABASE_URL environment variable, the database `test` gets the test database `test_test`, and under
  pytest-xdist each worker its own, `test_test_gw0`, `test_test_gw1`, …), then the reference data (regions,
  wellbeing services counties, municipalities) is loaded once for the session (once per worker).
- Transactional tests (transaction=True, live_server) flush every table when they end; pytest-django runs them
  last, and each one gets the reference data back before it starts.
- Tests write uploads to a temporary MEDIA_ROOT (one per process, so each xdist worker has its own) and hash
  passwords with fast MD5.
- Hypothesis has no deadline: speed is measured in benchmarks, and a busy shared machine must not fail a
  property test on time.
"""

import shutil
import tempfile
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import settings as hypothesis_settings
from pytest_django import DjangoDbBlocker

# Shared factories-backed fixtures: organisations, one user per role, innovations.
pytest_plugins = ["tests.fixtures"]

_media_root: str | None = None

hypothesis_settings.register_profile("innoverkko", deadline=None)
hypothesis_settings.load_profile("innoverkko")


def pytest_configure(config: pytest.Config) -> None:
    global _media_root  # one temporary folder for the whole session
    _media_root = tempfile.mkdtemp(prefix="innoverkko-test-media-")
    settings.MEDIA_ROOT = _media_root
    # whitenoise warns on every request when STATIC_ROOT does not exist; tests never collect static files.
    settings.STATIC_ROOT = tempfile.mkdtemp(prefix="static-", dir=_media_root)  # removed with the media folder
    # Password hashing is slow on purpose; tests don't need that.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Without DEBUG the settings ask for collectstatic's manifest; tests render templates without running it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_unconfigure(config: pytest.Config) -> None:
    if _media_root:
        shutil.rmtree(_media_root, ignore_errors=True)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In a pytest-xdist worker: hands the fuzzers' request counts to the controller, which prints them."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        from tests.api import fuzzing

        workeroutput["fuzzing_sent"] = [[role, operation, number] for (role, operation), number in fuzzing.SENT.items()]


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: unknown when the suite runs without xdist (-p no:xdist)
def pytest_testnodedown(node: Any, error: Any) -> None:
    from tests.api import fuzzing

    for role, operation, number in getattr(node, "workeroutput", {}).get("fuzzing_sent", []):
        fuzzing.SENT[role, operation] += number


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The fuzzers' request counts (tests/api/fuzzing.py), when any ran, added up over the xdist workers."""
    from tests.api import fuzzing

    lines = fuzzing.summary()
    if lines:
        terminalreporter.section("fuzzing (schemathesis)")
        for line in lines:
            terminalreporter.write_line(line)


def _load_reference_data() -> None:
    from organisations.reference_data import load_reference_data

    # Municipalities, regions and counties only: the public-sector organisations (ministries, agencies, councils,
    # counties as organisations) are loaded by their own tests (organisations/tests/test_public_organisations.py),
    # since many tests count organisations or draw demo frames from what the reference data holds.
    load_reference_data(public_organisations=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> None:
    """pytest-django's own set-up (creates and migrates the test database), then the reference data, once."""
    with django_db_blocker.unblock():
        _load_reference_data()


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Every test starts in the default language (Finnish): a request through the test client leaves its page's
    language active in the thread, and what sorts or reads by the active language would follow the test before."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _no_counter_cleanup_in_the_middle_of_a_test() -> None:
    """The rate-limit counters' store deletes expired rows at most once a minute, on whichever request comes then:
    counted from the start of each test, so that a test comparing two requests' query counts is not one DELETE
    apart because a minute happened to end between them (core/tests/test_limits.py moves the clock itself)."""
    import time

    from core import limits

    store = limits.counters()
    if isinstance(store, limits.DatabaseCounters):
        store._last_cleanup = time.time()


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request: pytest.FixtureRequest) -> None:
    """Gives a transactional test the reference data that an earlier transactional test flushed away."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and bool(marker.kwargs.get("transaction"))) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")  # the database is open from here on
        from organisations.models import Region

        if not Region.objects.exists():
            _load_reference_data()


@pytest.fixture(autouse=True)
def _every_page_has_a_content_security_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every HTML page a test renders through the test client must carry the site's Content-Security-Policy,
    and no policy that lets inline or foreign scripts run: a page that loses it fails the test that opens it."""
    from django.test.client import Client

    original = Client.request

    def request(self: Client, **kwargs: Any) -> Any:
        response = original(self, **kwargs)
        if response.get("Content-Type", "").startswith("text/html") and response.status_code != 304:
            policy = response.get("Content-Security-Policy", "")
            script_src = next((d for d in policy.split(";") if d.strip().startswith("script-src")), "")
            assert policy, f"{kwargs.get('PATH_INFO')}: an HTML page without a Content-Security-Policy"
            assert "'self'" in script_src or "sandbox" in policy, f"{kwargs.get('PATH_INFO')}: {policy}"
            assert "unsafe-inline" not in script_src, f"{kwargs.get('PATH_INFO')}: {policy}"
            assert "*" not in script_src, f"{kwargs.get('PATH_INFO')}: {policy}"
        return response

    monkeypatch.setattr(Client, "request", request)
