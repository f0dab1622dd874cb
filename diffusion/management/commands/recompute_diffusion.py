"""Recomputes the stored diffusion figures that are stale: for cron (every few minutes), after a bulk load, and
later for the task queue of issue 17. Pages never compute them; a write marks them stale and the response's
after-work usually recomputes them first, so this catches what was left (many writes at once, a bulk load)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from diffusion import services


class Command(BaseCommand):
    help = "Recompute the stale diffusion figures (families, organisations, registry-wide)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Recompute every family, stale or not.")
        parser.add_argument("--limit", type=int, default=None, help="At most this many families this run.")

    def handle(self, *args: Any, **options: Any) -> None:
        added = services.ensure_families()
        if options["all"]:
            services.mark_all_stale()
        families = services.recompute_stale(limit=options["limit"])
        # Rows added here mean a bulk load went around the services (and their version bump): the registry too.
        registry = services.registry_is_stale() or options["all"] or added > 0
        if registry:
            services.recompute_registry()
        elif services.event_history_is_stale():  # recomputed after a response without them
            services.recompute_event_history()
        self.stdout.write(
            f"{families} families recomputed ({added} new), registry-wide figures "
            + ("recomputed" if registry else "current")
        )
