"""Co-development under load: many people sending ideas, comments and supports at once, through the real server.

    python -m bench.ideas_load                      # PostgreSQL, 500 people, 60 s
    python -m bench.ideas_load --db sqlite --users 100 --duration 20

1. A database of its own (PostgreSQL `innoverkko_bench_ideas`, or /tmp/innoverkko-bench/bench-ideas.sqlite3),
   dropped and made again: migrations, the reference data, one open challenge of Tampere for registered users
   with SEED_IDEAS ideas in it, and USERS people, each already signed in (a session made in the database: the
   benchmark measures the writes, not the password hashing of 500 sign-ins).
2. gunicorn on a free loopback port (sync workers, as bench/run.py), with DEBUG off and collected static files.
3. locust, headless, in a subprocess running this same file. The people come in at SPAWN_RATE a second, each
   opening the challenge page (which sets the CSRF cookie); then, for the duration, each does one thing after
   another with a think time of THINK_S between them: reads an idea (3), supports one (3), comments on one (3) or
   sends an idea of their own (1), the weights in brackets. Every write is the form post a browser makes; its 302
   is the acknowledgement.
4. After the run the database is read: every acknowledged idea and comment (each carries a unique marker) must be
   stored exactly once, every acknowledged support must exist, and nothing may be stored twice ("zero lost or
   doubled writes"). A write that was sent but not acknowledged (a time-out) may or may not be there; it is
   counted apart.

Results: /tmp/innoverkko-bench/ideas_load.json. Requests/s, latency p50/p95/p99 as the client saw it (whole
request, a new connection each time, since sync workers close it) and errors by status, for the phase with
everyone in (the headline) and for the people coming in; and the count.
"""

import argparse
import json
import os
import random
import secrets
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bench.common import BENCH_DIR, collect_static, django_setup, log, measured, write_json
from bench.loadtest import prepare_database, run_locust, start_server, stop_server, summarise

SCALE = "ideas"  # bench.common names its database innoverkko_bench_ideas
RESULTS = BENCH_DIR / "ideas_load.json"
USERS = 500
DURATION_S = 60
WORKERS = 4
SEED_IDEAS = 100
THINK_S = (10.0, 30.0)  # between two actions: 500 people acting every 20 s on average, far busier than real use
SPAWN_RATE = 25  # people coming in per second, until all are in
LOCUST_PLAN = "IDEAS_LOAD_PLAN"  # set for the locust subprocess: where its plan and results are
REQUEST_TIMEOUT_S = 30.0
MARKER = "bench-"  # every idea title and comment the clients write carries MARKER + a unique token


# --- the database ----------------------------------------------------------------------------------------------


def make_plan(users: int) -> dict[str, Any]:
    """The challenge, its seed ideas and the signed-in people; returns what the clients need."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from ideas.models import ChallengeStatus, Participation
    from ideas.services import challenges as challenge_services
    from ideas.services import ideas as services
    from organisations.models import Organisation

    tampere = Organisation.objects.get(name_fi="Tampere")
    unusable = make_password(None)  # the people never sign in with a password: their sessions are made below
    with transaction.atomic():
        organiser = User.objects.create_superuser("bench-organiser", "organiser@example.invalid", None)
        challenge = challenge_services.challenge_create(
            actor=organiser,
            owner=tampere,
            data={
                "title_fi": "Kuormitustesti: miten voisimme parantaa kirjastoja?",
                "title_en": "Load test: how might we improve libraries?",
                "participation": Participation.REGISTERED,
                "status": ChallengeStatus.OPEN,
            },
        )
        people = User.objects.bulk_create(
            User(
                username=f"bench-person-{n}",
                email=f"bench-person-{n}@example.invalid",
                password=unusable,
                email_verified_at=timezone.now(),  # only people with a verified address send and comment
            )
            for n in range(users)
        )
        ideas = [
            services.idea_send(
                actor=people[n % users],
                challenge=challenge,
                title=f"Siemenidea {n}: kirjasto auki myös sunnuntaisin",
                text="<p>Kirjastot voisivat olla auki sunnuntaisin, kun perheillä on aikaa.</p>",
            ).pk
            for n in range(SEED_IDEAS)
        ]
        sessions = []
        for person in people:
            session = SessionStore()
            session[SESSION_KEY] = str(person.pk)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
            session[HASH_SESSION_KEY] = person.get_session_auth_hash()
            session.create()
            sessions.append(session.session_key)
    return {
        "challenge": challenge.pk,
        "ideas": ideas,
        "people": [{"id": person.pk, "session": key} for person, key in zip(people, sessions, strict=True)],
        "session_cookie": settings.SESSION_COOKIE_NAME,
    }


# --- the locust side (this file is also the locustfile) ---------------------------------------------------------

if os.environ.get(LOCUST_PLAN):
    from locust import HttpUser, between, events, task

    _paths = json.loads(Path(os.environ[LOCUST_PLAN]).read_text())
    _plan = json.loads(Path(_paths["plan"]).read_text())
    _people = iter(_plan["people"])
    _writes: dict[str, list[Any]] = {"ideas": [], "comments": [], "supports": []}  # acknowledged
    _unacknowledged: dict[str, list[Any]] = {"ideas": [], "comments": [], "supports": []}
    _samples: dict[str, list[tuple[float, float, int, bool]]] = {
        "open": [],
        "read": [],
        "send": [],
        "comment": [],
        "support": [],
    }

    class Person(HttpUser):
        wait_time = between(*_plan["think_s"])

        def on_start(self) -> None:
            person = next(_people)
            self.person = person["id"]
            self.rng = random.Random(person["session"])  # noqa: S311 - made-up actions, not security
            self.client.cookies.set(_plan["session_cookie"], person["session"])
            self._get(f"/fi/challenges/{_plan['challenge']}/", "open")
            self.csrf = self.client.cookies.get("csrftoken", "")

        def _get(self, path: str, kind: str) -> None:
            started, began = time.time(), time.perf_counter()
            response = self.client.get(path, name=kind, timeout=REQUEST_TIMEOUT_S)
            status = response.status_code or 0
            _samples[kind].append((started, time.perf_counter() - began, status, 200 <= status < 300))

        def _post(self, path: str, kind: str, data: dict[str, str], written: tuple[str, Any]) -> None:
            """A form post; its 302 (the redirect after saving) is the acknowledgement."""
            started, began = time.time(), time.perf_counter()
            with self.client.post(
                path,
                data={"csrfmiddlewaretoken": self.csrf, **data},
                name=kind,
                allow_redirects=False,
                catch_response=True,
                timeout=REQUEST_TIMEOUT_S,
            ) as response:
                status = response.status_code or 0
                if status == 302:
                    _writes[written[0]].append(written[1])
                    response.success()
                else:
                    _unacknowledged[written[0]].append(written[1])
                    response.failure(f"status {status}")
            _samples[kind].append((started, time.perf_counter() - began, status, status == 302))

        @task(3)
        def read(self) -> None:
            self._get(f"/fi/challenges/ideas/{self.rng.choice(_plan['ideas'])}/", "read")

        @task(3)
        def support(self) -> None:
            idea = self.rng.choice(_plan["ideas"])
            self._post(f"/fi/challenges/ideas/{idea}/support/", "support", {}, ("supports", f"{self.person}:{idea}"))

        @task(3)
        def comment(self) -> None:
            marker = MARKER + secrets.token_hex(8)
            idea = self.rng.choice(_plan["ideas"])
            text = f"Hyvä ajatus, kannatan lämpimästi. {marker}"
            self._post(f"/fi/challenges/ideas/{idea}/comment/", "comment", {"text": text}, ("comments", marker))

        @task(1)
        def send(self) -> None:
            marker = MARKER + secrets.token_hex(8)
            self._post(
                f"/fi/challenges/{_plan['challenge']}/send/",
                "send",
                {
                    "title": f"Kirjastoon lukunurkkaus nuorille {marker}",
                    "text": "Nuoret tarvitsevat rauhallisen paikan lukea ja tehdä läksyjä iltaisin.",
                    "website": "",
                },
                ("ideas", marker),
            )

    @events.test_stop.add_listener
    def _write_results(**_kwargs: Any) -> None:
        Path(_paths["results"]).write_text(
            json.dumps({"writes": _writes, "unacknowledged": _unacknowledged, "samples": _samples})
        )


# --- the orchestrator -------------------------------------------------------------------------------------------


def count_writes(plan: dict[str, Any], clients: dict[str, Any]) -> dict[str, Any]:
    """Every acknowledged write stored exactly once; nothing stored that nobody sent."""
    from ideas.models import Comment, Idea, Support

    def markers(texts: Iterable[str]) -> Counter[str]:
        return Counter(text.rsplit(" ", 1)[-1] for text in texts)

    stored_ideas = markers(
        Idea.objects.filter(challenge_id=plan["challenge"], title__contains=MARKER).values_list("title", flat=True)
    )
    stored_comments = markers(Comment.objects.filter(text__contains=MARKER).values_list("text", flat=True))
    stored_supports = Counter(
        f"{user}:{idea}"
        for user, idea in Support.objects.filter(idea_id__in=plan["ideas"]).values_list("user_id", "idea_id")
    )
    result: dict[str, Any] = {}
    stored: Counter[str]
    for kind, stored in (("ideas", stored_ideas), ("comments", stored_comments), ("supports", stored_supports)):
        acknowledged, unknown = set(clients["writes"][kind]), set(clients["unacknowledged"][kind])
        result[kind] = {
            "acknowledged": len(acknowledged),
            "stored": sum(stored.values()),
            "lost": sum(1 for key in acknowledged if stored[key] == 0),
            "doubled": sum(1 for count in stored.values() if count > 1),
            # Stored but never acknowledged: a time-out whose write went through (allowed), or a phantom (not).
            "stored_after_time_out": sum(1 for key in stored if key not in acknowledged and key in unknown),
            "stored_but_never_sent": sum(1 for key in stored if key not in acknowledged and key not in unknown),
        }
    return result


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.ideas_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--duration", type=int, default=DURATION_S, help="seconds with everyone in")
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument(
        "--think", type=float, nargs=2, default=THINK_S, metavar=("MIN", "MAX"), help="seconds between two actions"
    )
    args = parser.parse_args(argv)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    ramp = -(-args.users // SPAWN_RATE) + 2
    log(f"Ideas under load: {args.users} people (coming in over {ramp} s), then {args.duration} s, {args.db}")
    log("  database …")
    prepare_database(args.db, SCALE)
    django_setup(args.db, SCALE)
    plan = {**make_plan(args.users), "think_s": list(args.think)}
    (BENCH_DIR / "ideas-plan.json").write_text(json.dumps(plan))
    log("  collectstatic …")
    collect_static(args.db, SCALE)
    from bench.run import free_port, get

    port = free_port()
    server = start_server(args.db, SCALE, port, args.workers, log_name="server-ideas.log")
    try:
        for _ in range(4 * args.workers):  # each worker's first request loads templates
            get(port, f"/fi/challenges/ideas/{plan['ideas'][0]}/")
        log(f"  server on 127.0.0.1:{port}; locust …")
        clients_path = run_locust(
            str(Path(__file__).resolve()),
            plan_variable=LOCUST_PLAN,
            name="ideas",
            port=port,
            users=args.users,
            spawn_rate=SPAWN_RATE,
            seconds=ramp + args.duration,
        )
        clients = json.loads(clients_path.read_text())
    finally:
        stop_server(server)
    samples = clients["samples"]
    # Two phases: the people coming in (each opening the challenge page, the heavier request) and everyone in,
    # the headline. The actions of each phase, by kind, and all of them together.
    all_in = max((start + seconds for start, seconds, *_rest in samples["open"]), default=0.0)
    actions = ("send", "comment", "support", "read")
    phases = {
        "everyone_in": {kind: [x for x in samples[kind] if x[0] >= all_in] for kind in actions},
        "coming_in": {kind: [x for x in samples[kind] if x[0] < all_in] for kind in actions},
    }
    results: dict[str, Any] = {
        "db": args.db,
        "users": args.users,
        "ramp_up_s": ramp,
        "duration_s": args.duration,
        "workers": args.workers,
        "think_time_s": list(args.think),
        **{
            phase: {
                "all_actions": summarise([x for rows in by_kind.values() for x in rows]),
                **{kind: summarise(rows) for kind, rows in by_kind.items()},
            }
            for phase, by_kind in phases.items()
        },
        "opening_the_challenge": summarise(samples["open"]),
        "count": count_writes(plan, clients),
        "measured": measured(load_before=load_before),
    }
    write_json(RESULTS, results)
    for phase in phases:
        for name, row in results[phase].items():
            log(
                f"  {phase.replace('_', ' ')}, {name.replace('_', ' ')}: {row['requests']} requests, "
                f"{row['requests_per_s']} req/s, p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, "
                f"p99 {row['p99_ms']} ms, errors {row['errors']} {row['statuses']}"
            )
    for kind, row in results["count"].items():
        log(f"  {kind}: " + ", ".join(f"{key} {value}" for key, value in row.items()))
    log(f"Results written to {RESULTS}")
    return results


if __name__ == "__main__":
    main()
