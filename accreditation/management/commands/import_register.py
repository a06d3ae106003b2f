"""Imports an existing register from a CSV file (see accreditation/importer.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accreditation.importer import COLUMNS, import_register


class Command(BaseCommand):
    help = (
        "Import an existing register. Columns: " + ",".join(COLUMNS) + ". A bad row is "
        "reported with its line number and nothing is written; --dry-run never writes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8)")
        parser.add_argument("--dry-run", action="store_true", help="report without writing")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        report = import_register(text=text, dry_run=options["dry_run"], filename=path.name)
        if report.errors:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(report.errors)} bad row(s) in {path.name}: nothing was written."
            )
        verb = "Would create" if report.dry_run else "Created"
        self.stdout.write(f"{report.rows} row(s) read from {path.name}.")
        if not report.changed:
            self.stdout.write("Nothing to change: the register is already up to date.")
        for what, n in report.created.items():
            self.stdout.write(f"{verb} {n} {what}.")
        for what, n in report.updated.items():
            self.stdout.write(f"{'Would update' if report.dry_run else 'Updated'} {n} {what}.")
        if report.dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS("Import finished."))
