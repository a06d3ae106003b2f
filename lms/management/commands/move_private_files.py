"""Moves personal and restricted files out of the public media folder. Safe to run twice.

Run it once after deploying private storage (files uploaded before it are still public).
"""

from django.core.management.base import BaseCommand

from lms.storage import move_private_files


class Command(BaseCommand):
    help = (
        "Move evidence, submissions and Wagtail documents that are still in the public media "
        "storage into the private storage, under random names, and delete the public copies. "
        "Files already private are left alone, so it is safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count what would be moved")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        reports = move_private_files(dry_run=dry_run)
        for report in reports:
            verb = "to move" if dry_run else "moved"
            self.stdout.write(
                f"{report.label}: {report.moved} {verb}, {report.already_private} already "
                f"private, {len(report.missing)} missing"
            )
            for name in report.missing:
                self.stderr.write(f"  in neither storage (row left unchanged): {name}")
