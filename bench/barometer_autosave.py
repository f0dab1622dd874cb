"""The barometer's answer autosave under load: many respondents answering at once, through the real server.

    python -m bench.barometer_autosave                      # PostgreSQL, 200 respondents, 60 s
    python -m bench.barometer_autosave --db sqlite --users 50 --duration 20
    python -m bench.barometer_autosave --kill 20             # kill -9 a random worker 20 times instead of SIGHUP

1. A database of its own (PostgreSQL `innoverkko_bench_autosave`, or /tmp/innoverkko-bench/bench-autosave.sqlite3),
   dropped and made again: migrations, the reference data, and an open round whose frame is the first USERS
   municipalities, one invitation each, on a questionnaire shaped like the barometer's (choices, multiple choices
   with an exclusive "none of these", extent scales, a number, free text; routing is the form's, not the save's).
2. gunicorn on a free loopback port (sync workers, as bench/run.py), with DEBUG off and collected static files.
3. locust, headless, in a subprocess running this same file. The respondents come in at SPAWN_RATE a second, each
   opening their personal link (which makes the response, renders the form and sets the CSRF cookie); then, with
   all of them in, for the duration, each autosaves one answer after another with a think time of THINK_S between
   them. About one answer in ten is emptied (an empty answer deletes). Halfway through the duration the server's
   workers are replaced (SIGHUP, what a deploy does), so the run also shows that a restart loses nothing. With
   --kill N a random worker is killed with SIGKILL N times instead, spread over the duration (a crash in the
   middle of a request; gunicorn forks a new worker), the kind of issue 12's probe.
4. After the run the database is read and every answer that a client got a 2xx for must be there with the last
   acknowledged value ("zero lost answers"); an answer sent but not acknowledged (a time-out) may or may not be
   there and is counted apart.

The latency of the autosave is reported for the phase with every respondent answering (the headline, without the
RESTART_WINDOW_S after the restart), for the respondents coming in, for the seconds after the restart, and for the
whole run; before the load, one client alone gives what a save costs without queueing.

Results: /tmp/innoverkko-bench/barometer_autosave.json. Requests/s, latency p50/p95/p99 of the autosave as the
client saw it (whole request, new connection each time, since sync workers close it), errors by status.
"""

import argparse
import json
import os
import random
import secrets
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import BENCH_DIR, collect_static, django_setup, log, measured, write_json
from bench.loadtest import children, prepare_database, run_locust, start_server, stop_server, summarise

SCALE = "autosave"  # bench.common names its database innoverkko_bench_autosave
RESULTS = BENCH_DIR / "barometer_autosave.json"
USERS = 200
DURATION_S = 60
WORKERS = 4
THINK_S = (1.0, 5.0)  # between two answers: quicker than a person, so the load errs on the heavy side
SPAWN_RATE = 10  # respondents opening their link per second, until all are in
LOCUST_PLAN = "BAROMETER_AUTOSAVE_PLAN"  # set for the locust subprocess: where its plan and results are
REQUEST_TIMEOUT_S = 30.0
RESTART_WINDOW_S = 10.0  # after the workers are replaced: reported apart as well as in the whole


# --- the database and the round --------------------------------------------------------------------------------


def _texts(fi: str, en: str, field: str = "text") -> dict[str, str]:
    return {f"{field}_fi": fi, f"{field}_sv": fi, f"{field}_en": en}


def make_round(users: int) -> dict[str, Any]:
    """An open round with `users` invitations; returns the plan the clients follow (tokens and questions)."""
    import datetime

    from django.db import transaction

    from barometer.models import (
        Choice,
        FrameUnit,
        Invitation,
        Item,
        Question,
        Questionnaire,
        QuestionnaireVersion,
        Round,
        Section,
    )
    from barometer.vocabulary import QuestionKind, RoundStatus, VersionStatus
    from organisations.models import Organisation, OrganisationKind

    municipalities = list(Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).order_by("municipality_code"))
    if len(municipalities) < users + 1:
        raise SystemExit(f"only {len(municipalities)} municipalities in the reference data: use --users < that")
    extent = [("large", "To a large extent"), ("some", "To some extent"), ("little", "A little"), ("no", "Not at all")]
    plan: list[dict[str, Any]] = []
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(
            code="autosave-bench", organiser=municipalities[0], **_texts("Kuormitustesti", "Load test", "name")
        )
        version = QuestionnaireVersion.objects.create(
            questionnaire=questionnaire, number=1, status=VersionStatus.FROZEN
        )

        def question(
            section: Section,
            order: int,
            code: str,
            kind: str,
            choices: Sequence[tuple[str, str]] = (),
            items: Sequence[str] = (),
            exclusive: Sequence[str] = (),
            **fields: Any,
        ) -> None:
            made = Question.objects.create(
                section=section, version=version, order=order, code=code, kind=kind, **_texts(code, code), **fields
            )
            for n, (choice, label) in enumerate(choices):
                Choice.objects.create(
                    question=made, order=n, code=choice, exclusive=choice in exclusive, **_texts(label, label, "label")
                )
            for n, item in enumerate(items):
                Item.objects.create(question=made, order=n, code=item, **_texts(item, item, "label"))
            plan.append(
                {
                    "code": code,
                    "kind": kind,
                    "choices": [c for c, _l in choices],
                    "items": list(items),
                    "exclusive": list(exclusive),
                }
            )

        pages = [
            Section.objects.create(version=version, order=n, code=code, **_texts(code, code, "title"))
            for n, code in enumerate(("background", "innovations", "latest", "enablers"))
        ]
        yes_no = [("yes", "Yes"), ("no", "No"), ("dont_know", "Don't know")]
        question(pages[0], 0, "kind", QuestionKind.SINGLE, [("municipality", "Municipality"), ("joint", "Joint")])
        question(pages[0], 1, "staff", QuestionKind.NUMBER, min_value=0, max_value=100_000)
        question(
            pages[1],
            0,
            "introduced",
            QuestionKind.GRID,
            yes_no,
            items=["service", "product", "process", "organisational", "communication"],
        )
        question(pages[1], 1, "established", QuestionKind.SINGLE, yes_no)
        question(
            pages[2],
            0,
            "novelty",
            QuestionKind.SINGLE,
            [("new", "New"), ("adapted", "Adapted"), ("copied", "Copied"), ("dont_know", "Don't know")],
        )
        question(
            pages[2],
            1,
            "partners",
            QuestionKind.MULTIPLE,
            [(c, c) for c in ("municipalities", "companies", "universities", "third_sector", "abroad", "none")],
            exclusive=["none"],
        )
        question(
            pages[2],
            2,
            "channels",
            QuestionKind.MULTIPLE,
            [(c, c) for c in ("website", "networks", "partners", "media", "seminars")],
        )
        question(
            pages[3],
            0,
            "enablers",
            QuestionKind.SCALE,
            extent,
            items=["technology", "competence", "cooperation", "leadership", "funding", "time", "culture", "users"],
        )
        question(
            pages[3],
            1,
            "barriers",
            QuestionKind.SCALE,
            extent,
            items=["money", "time", "skills", "rules", "resistance", "risk"],
        )
        question(pages[3], 2, "comments", QuestionKind.TEXT)
        today = datetime.date.today()
        round_ = Round.objects.create(
            slug="autosave-bench",
            questionnaire_version=version,
            organiser=municipalities[0],
            year=today.year,
            reference_period_start=today.replace(year=today.year - 2),
            reference_period_end=today,
            opens_on=today - datetime.timedelta(days=1),
            closes_on=today + datetime.timedelta(days=30),
            status=RoundStatus.OPEN,
            **_texts("Kuormitustesti", "Load test", "name"),
        )
        tokens = []
        # One more invitation than respondents: the probe, for the warm-up and the one-client baseline.
        for organisation in municipalities[: users + 1]:
            unit = FrameUnit.objects.create(
                round=round_, organisation=organisation, kind=organisation.kind, size_class=organisation.size_class
            )
            token = secrets.token_urlsafe(32)
            Invitation.objects.create(
                round=round_, frame_unit=unit, email=f"{organisation.slug}@example.fi", token=token
            )
            tokens.append(token)
    return {"round": round_.pk, "tokens": tokens[:users], "probe": tokens[users], "questions": plan}


# --- what a simulated respondent answers -------------------------------------------------------------------------

WORDS = ("kokeilu", "palvelu", "asukkaat", "yhteistyö", "digitaalinen", "hyvinvointi", "kirjasto", "nuoret")


def answer_for(question: dict[str, Any], rng: random.Random) -> Any:
    """A valid raw answer as the form sends it, or an empty one (which deletes) one time in ten."""
    if rng.random() < 0.1:
        return {"single": "", "multiple": [], "scale": {}, "grid": {}}.get(question["kind"], "")
    kind, choices = question["kind"], question["choices"]
    if kind == "single":
        return rng.choice(choices)
    if kind == "multiple":
        plain = [c for c in choices if c not in question["exclusive"]]
        if question["exclusive"] and rng.random() < 0.1:
            return [question["exclusive"][0]]
        return rng.sample(plain, rng.randint(1, len(plain)))
    if kind in ("scale", "grid"):
        items = rng.sample(question["items"], rng.randint(1, len(question["items"])))
        return {item: rng.choice(choices) for item in items}
    if kind == "number":
        return f"{rng.randint(0, 99_999):,}".replace(",", " ")  # as a Finn types it: "12 345"
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 40)))


# --- the locust side (this file is also the locustfile) ---------------------------------------------------------

if os.environ.get(LOCUST_PLAN):
    from locust import HttpUser, between, events, task

    _paths = json.loads(Path(os.environ[LOCUST_PLAN]).read_text())
    _plan = json.loads(Path(_paths["plan"]).read_text())
    _tokens = iter(_plan["tokens"])
    _acknowledged: dict[str, dict[str, Any]] = {}  # token -> question -> last value a 2xx returned
    _unacknowledged: dict[str, dict[str, list[Any]]] = {}  # sent after the last 2xx, outcome unknown
    _samples: list[tuple[float, float, int]] = []  # (start, seconds, status) of every autosave
    _opened: list[tuple[float, float, int]] = []  # the same for each respondent's opening of their link

    class Respondent(HttpUser):
        wait_time = between(*THINK_S)

        def on_start(self) -> None:
            self.token = next(_tokens)
            self.rng = random.Random(self.token)  # noqa: S311 - made-up answers, not security
            # The personal link: creates the response and sets the CSRF cookie, as the form page does.
            started, began = time.time(), time.perf_counter()
            response = self.client.get(
                f"/fi/barometer/answer/{self.token}/", name="open the link", timeout=REQUEST_TIMEOUT_S
            )
            _opened.append((started, time.perf_counter() - began, response.status_code or 0))
            self.csrf = self.client.cookies.get("csrftoken", "")

        @task
        def autosave(self) -> None:
            question = self.rng.choice(_plan["questions"])
            code = question["code"]
            value = answer_for(question, self.rng)
            started = time.time()
            began = time.perf_counter()
            status = 0
            with self.client.post(
                f"/fi/barometer/answer/{self.token}/save/",
                json={"question": code, "value": value},
                headers={"X-CSRFToken": self.csrf},
                name="autosave",
                catch_response=True,
                timeout=REQUEST_TIMEOUT_S,
            ) as response:
                status = response.status_code or 0
                if 200 <= status < 300:
                    _acknowledged.setdefault(self.token, {})[code] = response.json()["value"]
                    _unacknowledged.get(self.token, {}).pop(code, None)
                    response.success()
                else:
                    _unacknowledged.setdefault(self.token, {}).setdefault(code, []).append(value)
                    response.failure(f"status {status}")
            _samples.append((started, time.perf_counter() - began, status))

    @events.test_stop.add_listener
    def _write_results(**_kwargs: Any) -> None:
        Path(_paths["results"]).write_text(
            json.dumps(
                {
                    "acknowledged": _acknowledged,
                    "unacknowledged": _unacknowledged,
                    "samples": _samples,
                    "opened": _opened,
                }
            )
        )


# --- the orchestrator -------------------------------------------------------------------------------------------


def warm_up(port: int, token: str, workers: int) -> None:
    """Every worker's first request loads the URL map and templates: done before measuring, concurrently so
    that each worker gets some."""
    from concurrent.futures import ThreadPoolExecutor

    from bench.run import get

    paths = ["/fi/", f"/fi/barometer/answer/{token}/", f"/fi/barometer/answer/{token}/check/"] * (4 * workers)
    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        list(pool.map(lambda path: get(port, path), paths))


def baseline(port: int, token: str, questions: list[dict[str, Any]], count: int = 200) -> dict[str, Any]:
    """One client alone, one autosave after another: what an autosave costs without any queueing."""
    import http.client
    from http.cookies import SimpleCookie

    from bench.run import percentile

    def request(method: str, path: str, body: str = "", headers: dict[str, str] | None = None) -> Any:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
        try:
            connection.request(method, path, body=body or None, headers=headers or {})
            response = connection.getresponse()
            response.read()
            return response
        finally:
            connection.close()

    opened = request("GET", f"/fi/barometer/answer/{token}/page/background/")
    cookie = SimpleCookie()
    for header in opened.headers.get_all("Set-Cookie") or []:
        cookie.load(header)
    csrf = cookie["csrftoken"].value
    headers = {"Content-Type": "application/json", "X-CSRFToken": csrf, "Cookie": f"csrftoken={csrf}"}
    rng = random.Random(0)  # noqa: S311
    times, errors = [], 0
    for _ in range(count):
        question = rng.choice(questions)
        body = json.dumps({"question": question["code"], "value": answer_for(question, rng)})
        started = time.perf_counter()
        status = request("POST", f"/fi/barometer/answer/{token}/save/", body, headers).status
        times.append(time.perf_counter() - started)
        errors += status != 200
    return {
        "requests": count,
        "errors": errors,
        "p50_ms": round(percentile(times, 50) * 1000, 1),
        "p95_ms": round(percentile(times, 95) * 1000, 1),
    }


def run_clients(
    port: int, users: int, ramp: int, duration: int, server: subprocess.Popen[bytes], restart: bool, kills: int = 0
) -> tuple[Path, tuple[float, float] | None, int]:
    """Runs locust: `ramp` seconds while the respondents come in, then `duration` seconds with all of them
    answering. Halfway through the `duration` the workers are replaced (SIGHUP) when `restart`; with `kills`, a
    random worker is killed with SIGKILL that many times instead, spread over the `duration` (a crash in the middle
    of requests: gunicorn forks a new one). Returns the path of the clients' results, the span of the disturbance
    (epoch seconds, first to last signal), if any, and the number of workers killed."""
    span: list[float] = []
    killed = 0

    def replace_workers() -> None:
        time.sleep(ramp + duration / 2)
        log(f"  {ramp + duration / 2:.0f} s: replacing the server's workers (SIGHUP)")
        span.append(time.time())
        os.kill(server.pid, signal.SIGHUP)

    def kill_workers() -> None:
        nonlocal killed
        time.sleep(ramp)
        rng = random.Random(9)  # noqa: S311 - which worker dies
        for _ in range(kills):
            time.sleep(duration / (kills + 1))
            workers = children(server.pid)
            if not workers:
                continue
            span.append(time.time())
            try:
                os.kill(rng.choice(workers), signal.SIGKILL)
                killed += 1
            except ProcessLookupError:  # it was being replaced already
                continue
        log(f"  {killed} workers killed with SIGKILL")

    results_path = run_locust(
        str(Path(__file__).resolve()),
        plan_variable=LOCUST_PLAN,
        name="autosave",
        port=port,
        users=users,
        spawn_rate=SPAWN_RATE,
        seconds=ramp + duration,
        while_running=kill_workers if kills else replace_workers if restart else None,
    )
    return results_path, (min(span), max(span)) if span else None, killed


def count_lost(round_pk: int, tokens: list[str], clients: dict[str, Any]) -> dict[str, Any]:
    """Every acknowledged answer must be stored with its last acknowledged value."""
    from barometer.models import Answer

    stored: dict[tuple[str, str], Any] = {
        (token, code): value
        for token, code, value in Answer.objects.filter(
            response__round_id=round_pk, response__invitation__token__in=tokens
        ).values_list("response__invitation__token", "question__code", "value")
    }
    acknowledged = clients["acknowledged"]
    unknown = clients["unacknowledged"]
    lost, differing_unacknowledged, checked = [], 0, 0
    for token, answers in acknowledged.items():
        for code, value in answers.items():
            checked += 1
            have = stored.get((token, code))
            if have == value:
                continue
            # A later save that timed out on the client may have been committed: that is not a lost answer.
            if code in unknown.get(token, {}):
                differing_unacknowledged += 1
                continue
            lost.append({"token": token[:8] + "…", "question": code, "acknowledged": value, "stored": have})
    return {
        "acknowledged_answers": checked,
        "stored_answers": len(stored),
        "lost": len(lost),
        "lost_examples": lost[:10],
        "differing_after_unacknowledged_save": differing_unacknowledged,
    }


def _within(sample: tuple[float, float, int], window: tuple[float, float] | None) -> bool:
    return window is not None and window[0] <= sample[0] < window[1]


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.barometer_autosave", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--duration", type=int, default=DURATION_S, help="seconds with every respondent answering")
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--no-restart", action="store_true", help="do not replace the workers halfway")
    parser.add_argument("--kill", type=int, default=0, help="kill a random worker with SIGKILL this many times instead")
    args = parser.parse_args(argv)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    ramp = -(-args.users // SPAWN_RATE) + 2
    log(
        f"Barometer autosave: {args.users} respondents (coming in over {ramp} s), then {args.duration} s, "
        f"{args.db}, {args.workers} workers"
    )
    log("  database …")
    prepare_database(args.db, SCALE)
    django_setup(args.db, SCALE)
    plan = make_round(args.users)
    (BENCH_DIR / "autosave-plan.json").write_text(json.dumps(plan))
    log("  collectstatic …")
    collect_static(args.db, SCALE)
    from bench.run import free_port

    port = free_port()
    server = start_server(args.db, SCALE, port, args.workers, log_name="server-autosave.log")
    try:
        warm_up(port, plan["probe"], args.workers)
        alone = baseline(port, plan["probe"], plan["questions"])
        log(f"  one client alone: p50 {alone['p50_ms']} ms, p95 {alone['p95_ms']} ms, errors {alone['errors']}")
        log(f"  server on 127.0.0.1:{port}; locust …")
        clients_path, disturbed, killed = run_clients(
            port, args.users, ramp, args.duration, server, not args.no_restart, args.kill
        )
    finally:
        stop_server(server)
    clients = json.loads(clients_path.read_text())
    samples = [(float(a), float(b), int(c)) for a, b, c in clients["samples"]]
    opened = [(float(a), float(b), int(c)) for a, b, c in clients["opened"]]
    # Three phases: the respondents coming in (each opening their link renders the form, the heavier request),
    # all of them answering (the headline), and the seconds after the restart, when requests wait for new workers.
    all_in = max((start + seconds for start, seconds, _status in opened), default=0.0)
    window = (disturbed[0], disturbed[1] + RESTART_WINDOW_S) if disturbed else None
    steady = [s for s in samples if s[0] >= all_in and not _within(s, window)]
    results: dict[str, Any] = {
        "db": args.db,
        "users": args.users,
        "ramp_up_s": ramp,
        "duration_s": args.duration,
        "workers": args.workers,
        "think_time_s": list(THINK_S),
        "workers_replaced_halfway": not args.no_restart and not args.kill,
        "workers_killed": killed,
        "autosave_one_client_alone": alone,
        "autosave_all_answering": summarise(steady),
        "autosave_while_coming_in": summarise([s for s in samples if s[0] < all_in]),
        "autosave_after_restart": summarise([s for s in samples if _within(s, window)]) if window else None,
        "autosave_whole_run": summarise(samples),
        "restart_window_s": RESTART_WINDOW_S if window else None,
        "link_opened": summarise(opened),
        "answers": count_lost(plan["round"], plan["tokens"], clients),
        "measured": measured(load_before=load_before),
    }
    write_json(RESULTS, results)
    answers = results["answers"]
    for name in ("all_answering", "while_coming_in", "after_restart", "whole_run"):
        auto = results[f"autosave_{name}"]
        if auto:
            log(
                f"  autosave, {name.replace('_', ' ')}: {auto['requests']} requests, {auto['requests_per_s']} req/s, "
                f"p50 {auto['p50_ms']} ms, p95 {auto['p95_ms']} ms, p99 {auto['p99_ms']} ms, errors {auto['errors']}"
            )
    log(
        f"  answers: {answers['acknowledged_answers']} acknowledged, {answers['stored_answers']} stored, "
        f"lost {answers['lost']}"
    )
    log(f"Results written to {RESULTS}")
    return results


if __name__ == "__main__":
    main()
