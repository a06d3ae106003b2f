"""The daily retention job: ``python manage.py apply_retention [--dry-run]``."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lms.privacy.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Apply the retention schedule (lms/privacy/retention.py; periods in the README's "
        "settings table): delete unverified accounts, expired sessions, old evidence files, "
        "erase old attempts' typed answers. One line per rule. --dry-run changes nothing "
        "and says what would be done."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be done; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        verb = "would be removed" if dry_run else "removed"
        for result in apply_retention(dry_run=dry_run):
            outcome = result.outcome
            cutoff = f" (before {outcome.cutoff:%Y-%m-%d})" if outcome.cutoff else ""
            skipped = f", {outcome.skipped} kept (still referenced)" if outcome.skipped else ""
            self.stdout.write(
                f"{result.rule.code}: {outcome.count} {outcome.noun} {verb}{cutoff}{skipped}"
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
