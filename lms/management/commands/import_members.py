"""Imports member organisations and their people from a CSV file (see
lms/members/importer.py for the columns and the rules)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.members.importer import COLUMNS, MAX_FILE_BYTES, ImportFileError, decode, import_members


class Command(BaseCommand):
    help = (
        "Import member organisations and people. Columns: " + ",".join(COLUMNS) + ". A bad "
        "row is reported with its line number and nothing is written; --dry-run writes "
        "nothing and sends no invitation."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8)")
        parser.add_argument("--dry-run", action="store_true", help="report without writing")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ImportFileError(
                    f"The file is larger than {MAX_FILE_BYTES // 1024} kB. Split it into "
                    "smaller files."
                )
            with path.open("rb") as handle:
                text = decode(handle.read(MAX_FILE_BYTES + 1))
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        except ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc.message}") from exc
        result = import_members(text=text, dry_run=options["dry_run"], filename=path.name)
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(result.errors)} bad row(s) in {path.name}: nothing was written."
            )
        would = "would be " if result.dry_run else ""
        self.stdout.write(
            f"Organisations: {result.count('organisation', 'created')} {would}created, "
            f"{result.count('organisation', 'updated')} {would}updated, "
            f"{result.count('organisation', 'unchanged')} unchanged."
        )
        self.stdout.write(
            f"People: {result.count('person', 'created')} {would}created, "
            f"{result.count('person', 'updated')} {would}updated, "
            f"{result.count('person', 'unchanged')} unchanged."
        )
        if result.dry_run:
            self.stdout.write(
                f"Would import {result.people} people into {result.organisations} organisations"
            )
            self.stdout.write(
                self.style.WARNING("Dry run: nothing was written and no invitation was sent.")
            )
            return
        self.stdout.write(f"Invitations sent: {result.invitations}.")
        self.stdout.write(self.style.SUCCESS(result.summary))
