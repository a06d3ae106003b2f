"""The daily sweep: run it from cron or a systemd timer. Safe to run twice."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from accreditation.services import run_daily


class Command(BaseCommand):
    help = (
        "Expire what is due, move applications whose requirements are met, and send "
        "reminders 90, 30 and 7 days before expiry and transition deadlines."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="run as if today were this date (YYYY-MM-DD)")

    def handle(self, *args, **options):
        on = None
        if options.get("date"):
            try:
                on = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date must be YYYY-MM-DD") from exc
        report = run_daily(on=on)
        self.stdout.write(f"Expired scope elements: {report.expired}")
        self.stdout.write(f"Register rows changed: {report.register_changed}")
        self.stdout.write(f"Applications moved: {report.applications_moved}")
        self.stdout.write(f"Reminders sent: {len(report.reminders)}")
        for line in report.reminders:
            self.stdout.write(f"  {line}")
