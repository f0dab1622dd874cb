"""Limits with two real worker processes: two gunicorn servers on loopback, one database (a SQLite file, or the
PostgreSQL test database when DATABASE_URL names one), requests taking turns between them as a load balancer
would send them. With counts kept per process, each worker let the whole limit through (issue 12: 20 of 100
anonymous ideas and 60 of 100 comments for limits of 10 and 30)."""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.test import Client
from django.utils import translation
from django.utils.translation import ngettext

from accounts.limits import SIGN_IN_ACCOUNT_RATE
from core.limits import parse_rate
from ideas.models import Challenge, Comment, Idea
from ideas.views.limits import COMMENT_RATE, SEND_RATE
from tests.factories import PASSWORD, UserFactory
from tests.pages import url

ROOT = Path(__file__).resolve().parents[2]
ATTEMPTS = 100


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_url(tmp_path: Path) -> str:
    """A URL the servers can open for the test's own database, with what the test made in it."""
    if connection.vendor == "sqlite":
        # The test database lives in memory: copy it, schema and rows, into a file both servers open.
        path = tmp_path / "shared.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        return f"sqlite:///{path}"
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def servers(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """Starts two gunicorn servers, one worker each; stopped after the test."""
    database_url = request.getfixturevalue("shared_data")["database_url"]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "true",  # static files from the source folders: no collectstatic needed
        "MEDIA_ROOT": str(tmp_path / "media"),
        "SECRET_KEY": settings.SECRET_KEY,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    processes, bases = [], []
    for number in range(2):
        port = _free_port()
        log = (tmp_path / f"gunicorn-{number}.log").open("wb")
        processes.append(
            subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--no-control-socket",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base, process in zip(bases, processes, strict=True):
            deadline = time.monotonic() + 90
            while True:
                assert process.poll() is None, (tmp_path / "gunicorn-0.log").read_text()
                try:
                    requests.get(f"{base}{url('accounts:login')}", timeout=60)
                    break
                except requests.ConnectionError:
                    assert time.monotonic() < deadline, "gunicorn did not start"
                    time.sleep(0.3)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


@pytest.fixture
def shared_data(challenge_a: Challenge, idea_a: Idea, registered_user: Any, tmp_path: Path) -> dict[str, Any]:
    signed_in = Client()
    signed_in.force_login(registered_user)  # a session row both servers read
    victim: Any = UserFactory(username="victim")
    # The servers run with the production hashers, not the tests' fast one: a hash they can check (few rounds).
    victim.password = PBKDF2PasswordHasher().encode(PASSWORD, "twoworkers", iterations=1000)
    victim.save()
    return {
        "challenge": challenge_a,
        "idea": idea_a,
        "session": signed_in.cookies["sessionid"].value,
        "database_url": _database_url(tmp_path),
    }


def _csrf(session: requests.Session, page: str) -> str:
    session.get(page, timeout=30).raise_for_status()
    return str(session.cookies["csrftoken"])


def _post_in_turns(
    bases: list[str], path: str, session: requests.Session, data: list[dict[str, str]], *, form: str = ""
) -> list[int]:
    """Posts each item in turn to the two servers; `form` is the page with the form (`path` if not given)."""
    token = _csrf(session, bases[0] + (form or path))
    return [
        session.post(
            bases[number % 2] + path, data={**item, "csrfmiddlewaretoken": token}, allow_redirects=False, timeout=60
        ).status_code
        for number, item in enumerate(data)
    ]


def _in_one_window(seconds: int, needed_s: int = 150) -> None:
    """Waits for the next window when the current one ends within `needed_s`: counts are kept in fixed windows,
    and a burst that straddles two of them may take the limit in each."""
    left = seconds - time.time() % seconds
    if left < needed_s:
        time.sleep(left + 1)


def _stored(database_url: str, model: type[Any], where: str, value: str) -> int:
    if database_url.startswith("sqlite:"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            table = model._meta.db_table
            return int(db.execute(f"SELECT count(*) FROM {table} WHERE {where} LIKE ?", [value + "%"]).fetchone()[0])  # noqa: S608
    return int(model.objects.filter(**{f"{where}__startswith": value}).count())


@pytest.mark.django_db(transaction=True)
def test_two_workers_together_let_exactly_the_limit_through(servers: list[str], shared_data: dict[str, Any]) -> None:
    database_url = shared_data["database_url"]

    # Anonymous ideas from one address.
    _in_one_window(parse_rate(SEND_RATE).seconds)
    send = url("ideas:send", pk=shared_data["challenge"].pk)
    ideas = [{"title": f"Tulva {n}", "text": "T", "sender_email": "a@example.fi"} for n in range(ATTEMPTS)]
    statuses = _post_in_turns(servers, send, requests.Session(), ideas)
    assert statuses.count(302) == parse_rate(SEND_RATE).limit, statuses
    assert set(statuses) == {302, 429}
    assert _stored(database_url, Idea, "title", "Tulva") == parse_rate(SEND_RATE).limit

    # Comments of one signed-in person.
    _in_one_window(parse_rate(COMMENT_RATE).seconds)
    person = requests.Session()
    person.cookies["sessionid"] = shared_data["session"]
    comment = url("ideas:comment", pk=shared_data["idea"].pk)
    comments = [{"text": f"Kommentti {n}"} for n in range(ATTEMPTS)]
    statuses = _post_in_turns(servers, comment, person, comments, form=url("ideas:idea", pk=shared_data["idea"].pk))
    assert statuses.count(302) == parse_rate(COMMENT_RATE).limit, statuses
    assert _stored(database_url, Comment, "text", "Kommentti") == parse_rate(COMMENT_RATE).limit

    # Wrong passwords, then the right one.
    _in_one_window(parse_rate(SIGN_IN_ACCOUNT_RATE).seconds)
    login = url("accounts:login")
    guesses = [{"username": "victim", "password": f"guess-{n}"} for n in range(ATTEMPTS)]
    attacker = requests.Session()
    statuses = _post_in_turns(servers, login, attacker, guesses)
    assert statuses.count(200) == parse_rate(SIGN_IN_ACCOUNT_RATE).limit, statuses
    right = attacker.post(
        servers[1] + login,
        data={"username": "victim", "password": PASSWORD, "csrfmiddlewaretoken": attacker.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=60,
    )
    assert right.status_code == 429
    minutes = -(-int(right.headers["Retry-After"]) // 60)
    with translation.override("fi"):
        message = ngettext(
            "Too many sign-in attempts. Wait %(minutes)s minute and try again.",
            "Too many sign-in attempts. Wait %(minutes)s minutes and try again.",
            minutes,
        ) % {"minutes": minutes}
    assert message in re.sub(r"\s+", " ", right.text)
