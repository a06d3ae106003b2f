"""The daily digest for staff: ``python manage.py staff_digest [--dry-run]``."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lms.work_queues import send_staff_digests


class Command(BaseCommand):
    help = (
        "Send each secretariat member (active, with an e-mail address and a second factor) "
        "one e-mail listing the work queues that wait for them (lms/work_queues.py); "
        "nobody with nothing waiting is written to. Safe to run twice a day: one digest per "
        "person and day. --dry-run sends and records nothing and says who would get one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say who would get a digest; send nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        report = send_staff_digests(dry_run=dry_run)
        verb = "would be sent" if dry_run else "sent"
        for email in report.sent:
            self.stdout.write(f"digest {verb}: {email}")
        self.stdout.write(
            f"{len(report.sent)} digest(s) {verb}, {len(report.empty)} with nothing waiting, "
            f"{len(report.already_sent)} already sent today."
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was sent.")
