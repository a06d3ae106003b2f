"""Loads the demo content. Idempotent: running it twice changes nothing."""

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each app seeds its own part, in dependency order. An app without a ``demo`` module
# (not built yet) is skipped.
SEEDERS = [
    "lms.demo",
    "courses.quiz.demo",
    "courses.demo",
    "courses.payments.demo",
    "accreditation.demo",
    "cms.demo",
]


class Command(BaseCommand):
    help = "Create the demo accounts and content (never in production)."

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_SEEDING_ALLOWED", False):
            raise CommandError("Demo content is not allowed with these settings (production?).")
        for name in SEEDERS:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            self.stdout.write(f"Seeding {name} ...")
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
