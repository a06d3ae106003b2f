"""Loads the demo content. Idempotent: running it twice changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accreditation import demo as accreditation_demo
from cms import demo as cms_demo
from cms import demo_translations as cms_demo_translations
from courses import demo as courses_demo
from courses.payments import demo as payments_demo
from courses.quiz import demo as quiz_demo
from lms import demo as lms_demo

# Each app seeds its own part, in dependency order.
SEEDERS = [
    ("lms.demo", lms_demo),
    ("courses.quiz.demo", quiz_demo),
    ("courses.demo", courses_demo),
    ("courses.payments.demo", payments_demo),
    ("accreditation.demo", accreditation_demo),
    ("cms.demo", cms_demo),
    ("cms.demo_translations", cms_demo_translations),  # French and Chinese pages
]


class Command(BaseCommand):
    help = "Create the demo accounts and content (never in production)."

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_SEEDING_ALLOWED", False):
            raise CommandError("Demo content is not allowed with these settings (production?).")
        for name, module in SEEDERS:
            self.stdout.write(f"Seeding {name} ...")
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
