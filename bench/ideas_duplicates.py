"""Likely duplicates at scale: how long the suggestion of similar ideas takes in a challenge of many ideas.

    python -m bench.ideas_duplicates                     # PostgreSQL and SQLite, 5,000 ideas
    python -m bench.ideas_duplicates --db sqlite --ideas 1000

1. A database of its own (PostgreSQL `innoverkko_bench_duplicates`, or /tmp/innoverkko-bench/bench-duplicates.sqlite3),
   dropped and made again: migrations and the reference data, then one open challenge of Tampere with IDEAS
   ideas. Their texts are made of Finnish words in several inflected forms (a small vocabulary, so that nearly
   every idea shares words with every query: the worst case for the index). The ideas are bulk-inserted: the
   benchmark measures reading, and sending goes through the services in the measurement of a change below.
2. In one process, as a worker would: the first query (which builds the scope's index), QUERIES queries with
   other texts (the index as it is), and CHANGES rounds of "an idea is sent through the service, then a query"
   (the index is patched with the new idea).

Results: /tmp/innoverkko-bench/ideas_duplicates.json; times as the selector takes them (no HTTP).
"""

import argparse
import os
import random
import time
from collections.abc import Sequence
from typing import Any

from bench.common import BENCH_DIR, django_setup, log, measured, write_json
from bench.loadtest import prepare_database

SCALE = "duplicates"  # bench.common names its database innoverkko_bench_duplicates
RESULTS = BENCH_DIR / "ideas_duplicates.json"
IDEAS = 5_000
QUERIES = 200
CHANGES = 20
# Stems with their inflected forms, as people write them.
WORDS = [
    ("kirjasto", "kirjastoon", "kirjaston", "kirjastossa", "kirjastot"),
    ("nuori", "nuorille", "nuorten", "nuoret", "nuorisolle"),
    ("ikäihminen", "ikäihmisille", "ikäihmisten", "ikäihmiset", "ikäihmisiä"),
    ("puisto", "puistoon", "puiston", "puistossa", "puistot"),
    ("koulu", "kouluun", "koulun", "koulussa", "koulut"),
    ("pyörätie", "pyörätielle", "pyörätien", "pyöräteitä", "pyörätiet"),
    ("valaistus", "valaistusta", "valaistuksen", "valaistukseen", "valaistukset"),
    ("penkki", "penkkejä", "penkin", "penkit", "penkkiin"),
    ("kerho", "kerhoon", "kerhon", "kerhossa", "kerhot"),
    ("bussi", "bussiin", "bussin", "busseja", "bussit"),
    ("uimahalli", "uimahalliin", "uimahallin", "uimahallissa", "uimahallit"),
    ("leikkipaikka", "leikkipaikalle", "leikkipaikan", "leikkipaikat", "leikkipaikkoja"),
    ("talvi", "talvella", "talven", "talvisin", "talveen"),
    ("ilta", "iltaisin", "illalla", "illan", "iltoja"),
    ("tapahtuma", "tapahtumia", "tapahtuman", "tapahtumaan", "tapahtumat"),
    ("vapaaehtoinen", "vapaaehtoisia", "vapaaehtoisten", "vapaaehtoiset", "vapaaehtoisille"),
    ("kierrätys", "kierrätykseen", "kierrätyksen", "kierrätystä", "kierrätyspiste"),
    ("liikunta", "liikuntaa", "liikunnan", "liikuntaan", "liikuntapaikka"),
    ("kahvila", "kahvilaan", "kahvilan", "kahvilassa", "kahvilat"),
    ("työpaja", "työpajaan", "työpajan", "työpajoja", "työpajat"),
]
FILLER = ("voisi", "olla", "myös", "kaikille", "enemmän", "parempi", "uusi", "yhteinen", "avoin", "lähellä")


def text(rng: random.Random) -> tuple[str, str]:
    topic = rng.sample(WORDS, 3)
    title = " ".join(rng.choice(forms) for forms in topic[:2]).capitalize()
    words = [rng.choice(forms) for forms in topic for _ in range(2)] + rng.sample(FILLER, 5)
    rng.shuffle(words)
    return title, " ".join(words).capitalize() + "."


def make_challenge(ideas: int, rng: random.Random) -> tuple[Any, Any]:
    """The challenge with its ideas, and an editor of its organisation (who may see every idea)."""
    from django.db import transaction

    from accounts.models import Membership, Role, User
    from ideas.models import ChallengeStatus, Idea, IdeaSource
    from ideas.services import challenges as challenge_services
    from organisations.models import Organisation

    tampere = Organisation.objects.get(name_fi="Tampere")
    with transaction.atomic():
        editor = User.objects.create_user("bench-editor", "editor@example.invalid", None)
        Membership.objects.create(user=editor, organisation=tampere, role=Role.EDITOR)
        challenge = challenge_services.challenge_create(
            actor=editor,
            owner=tampere,
            data={"title_fi": "Kuormitustesti: samankaltaiset ideat", "status": ChallengeStatus.OPEN},
        )
        rows = []
        for _ in range(ideas):
            title, body = text(rng)
            rows.append(
                Idea(
                    challenge=challenge,
                    organisation=tampere,
                    title=title,
                    text=f"<p>{body}</p>",
                    sender=editor,
                    confirmed=True,
                    source=IdeaSource.USERS,
                )
            )
        Idea.objects.bulk_create(rows, batch_size=1_000)
    return challenge, editor


def timed(work: Any) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def summary(seconds: Sequence[float]) -> dict[str, Any]:
    from bench.run import percentile

    return {
        "count": len(seconds),
        "p50_ms": round(percentile(seconds, 50) * 1000, 1),
        "p95_ms": round(percentile(seconds, 95) * 1000, 1),
        "max_ms": round(max(seconds) * 1000, 1),
    }


def measure(db: str, ideas: int) -> dict[str, Any]:
    prepare_database(db, SCALE)
    django_setup(db, SCALE)
    from ideas.selectors.duplicates import likely_duplicates
    from ideas.services import ideas as services

    rng = random.Random(2026)  # noqa: S311 - made-up texts, not security
    challenge, editor = make_challenge(ideas, rng)

    def query(for_text: str) -> Any:
        return lambda: likely_duplicates(
            text=for_text, organisation=challenge.owner, challenge=challenge, user=editor, limit=5
        )

    first = timed(query(" ".join(text(rng))))
    warm = [timed(query(" ".join(text(rng)))) for _ in range(QUERIES)]
    after_change = []
    for _ in range(CHANGES):
        title, body = text(rng)
        services.idea_send(actor=editor, challenge=challenge, title=title, text=body)
        after_change.append(timed(query(" ".join(text(rng)))))
    found = query("Kirjastoon iltaisin nuorille kerho")()
    return {
        "db": db,
        "ideas": ideas,
        "first_query_builds_the_index_s": round(first, 2),
        "query": summary(warm),
        "query_after_a_new_idea": summary(after_change),
        "suggestions_found": len(found),
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.ideas_duplicates", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("postgres", "sqlite", "both"), default="both")
    parser.add_argument("--ideas", type=int, default=IDEAS)
    args = parser.parse_args(argv)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    results: dict[str, Any] = {}
    # One database per process: Django is set up once, for the database measured.
    databases = ("postgres", "sqlite") if args.db == "both" else (args.db,)
    if len(databases) > 1:
        import subprocess
        import sys

        from bench.common import ROOT, read_json

        for db in databases:
            subprocess.run(  # noqa: S603 - this same module
                [sys.executable, "-m", "bench.ideas_duplicates", "--db", db, "--ideas", str(args.ideas)],
                cwd=ROOT,
                check=True,
            )
            results[db] = (read_json(RESULTS) or {}).get(db)
    else:
        log(f"Likely duplicates: {args.ideas} ideas in one challenge, {databases[0]}")
        results[databases[0]] = measure(databases[0], args.ideas)
        row = results[databases[0]]
        log(
            f"  first query (builds the index) {row['first_query_builds_the_index_s']} s; query p50 "
            f"{row['query']['p50_ms']} ms, p95 {row['query']['p95_ms']} ms; after a new idea p50 "
            f"{row['query_after_a_new_idea']['p50_ms']} ms, p95 {row['query_after_a_new_idea']['p95_ms']} ms"
        )
    results["measured"] = measured(load_before=load_before)
    write_json(RESULTS, results)
    return results


if __name__ == "__main__":
    main()
