from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.quiz import formats
from courses.quiz.models import QuestionBank
from courses.quiz.services import TranslationRefused, questions_import, questions_import_translation


class Command(BaseCommand):
    help = "Import questions from a GIFT or Moodle XML file into a question bank (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=sorted(formats.FORMATS), required=True)
        parser.add_argument("--bank", required=True, help="Bank name (created if new).")
        parser.add_argument(
            "--translation",
            metavar="LANGUAGE",
            help="Store the file as the translation into LANGUAGE (e.g. fr) of the bank's "
            "existing questions, matched in order, instead of creating questions.",
        )
        parser.add_argument(
            "--category",
            help="With --translation: the category path (with its subcategories) translated.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            questions = formats.parse(options["format"], path.read_bytes())
        except formats.FormatError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        if options["translation"]:
            self._import_translation(questions, path, options)
            return
        if options["category"]:
            raise CommandError("--category is for --translation only")
        result = questions_import(bank_name=options["bank"], questions=questions, source=path.name)
        self.stdout.write(f"Imported {result.created} questions into {result.bank.name}")

    def _import_translation(self, questions, path: Path, options) -> None:
        bank = QuestionBank.objects.filter(name=options["bank"]).first()
        if bank is None:
            raise CommandError(f"No question bank named {options['bank']!r}")
        category = options["category"] or ""
        try:
            result = questions_import_translation(
                bank=bank,
                category=category,
                language=options["translation"],
                questions=questions,
                source=path.name,
            )
        except TranslationRefused as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(
            f"Stored {result.translated} translations into {result.language} for "
            f"{bank.name}{': ' + category if category else ''}"
        )
