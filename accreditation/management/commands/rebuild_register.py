"""Rebuilds the public register's read model from the history rows (after the migration that
adds it, or to check it: a second run writes nothing)."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from accreditation import cache as register_cache
from accreditation.services.register import refresh_register


class Command(BaseCommand):
    help = (
        "Recompute who is on the public register today, and with which scope, for every "
        "auditor (writes only what changed)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        with transaction.atomic():
            report = refresh_register()
            if report.changed:
                register_cache.purge_on_commit()
        self.stdout.write(
            f"Auditors looked at: {report.auditors}; listed: {report.listed}; "
            f"entries added {report.entries_added}, removed {report.entries_removed}; "
            f"scope rows added {report.coverage_added}, removed {report.coverage_removed} "
            f"({time.monotonic() - started:.1f} s)"
        )
