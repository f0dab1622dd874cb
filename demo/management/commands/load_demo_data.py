"""`manage.py load_demo_data`: the synthetic demo registry and one demo log-in per role (see demo.registry)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.dev_provider import register_dev_provider
from demo.barometer import demo_rounds_delete, demo_rounds_load
from demo.ideas import demo_codevelopment_delete, demo_codevelopment_load
from demo.registry import DEFAULT_INNOVATIONS, DEFAULT_SEED, DEMO_PASSWORD, demo_data_load


class Command(BaseCommand):
    help = (
        "Loads a synthetic demo registry (organisations, the Innokaupungit network, themes, ~2000 innovations with "
        "adoption histories 2008–2026 from a diffusion process), two synthetic innovation barometer rounds (2018, 2022), challenges with ideas carried into "
        "experiments and innovations, and demo users. Does nothing when the demo data is already there; --reset "
        "rebuilds it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Remove the existing demo data first, then load.")
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed (the same seed, the same data)."
        )
        parser.add_argument(
            "--innovations",
            type=int,
            default=DEFAULT_INNOVATIONS,
            help="About how many innovations to make (originals, adoptions and records without a recorded source).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 1
        try:
            if options["reset"]:
                demo_rounds_delete()  # first: the barometer rounds sample the demo organisations
                demo_codevelopment_delete()  # and the ideas refer to the demo users and innovations
            result = demo_data_load(
                seed=options["seed"],
                reset=options["reset"],
                innovations=options["innovations"],
                log=self.stdout.write if verbose else None,
            )
            rounds = demo_rounds_load(seed=options["seed"], log=self.stdout.write if verbose else None)
            codevelopment = demo_codevelopment_load(log=self.stdout.write if verbose else None)
            # Sign-in with identification in the demo: the development provider imitating Suomi.fi's test service.
            provider = register_dev_provider()
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if result.created and "recompute_diffusion" in get_commands():
            # The registry was written in bulk, around the services: the stored diffusion figures are made now, so
            # that the demo's diffusion pages have them at once (the diffusion app's command, when it is there).
            call_command("recompute_diffusion", verbosity=options["verbosity"], stdout=self.stdout)
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {result.seconds:.1f} s."))
        else:
            self.stdout.write("Demo data is already loaded: nothing changed (use --reset to rebuild it).")
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in result.counts.items()))
        self.stdout.write(
            f"Barometer: {len(rounds.created)} synthetic round(s) loaded ({rounds.responses} responses) in "
            f"{rounds.seconds:.1f} s, {len(rounds.existing)} already there."
        )
        if codevelopment:
            self.stdout.write("Co-development: " + ", ".join(f"{name}: {n}" for name, n in codevelopment.items()))
        self.stdout.write(
            f"Identification: “{provider.name}” on the log-in page, served by this site when DEBUG is on "
            f"({provider.discovery_url})."
        )
        self.stdout.write("")
        self.stdout.write("All records made by this command are synthetic and flagged as such.")
        self.stdout.write(f"Demo log-ins (password “{DEMO_PASSWORD}”):")
        for username, role, note in result.users:
            self.stdout.write(f"  {username:<16} {role} ({note})")
