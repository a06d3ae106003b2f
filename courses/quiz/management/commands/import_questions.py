from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.quiz import formats
from courses.quiz.services import questions_import


class Command(BaseCommand):
    help = "Import questions from a GIFT or Moodle XML file into a question bank (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=sorted(formats.FORMATS), required=True)
        parser.add_argument("--bank", required=True, help="Bank name (created if new).")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            questions = formats.parse(options["format"], path.read_bytes())
        except formats.FormatError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        result = questions_import(bank_name=options["bank"], questions=questions, source=path.name)
        self.stdout.write(f"Imported {result.created} questions into {result.bank.name}")
