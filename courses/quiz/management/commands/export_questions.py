from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.quiz import formats
from courses.quiz.models import QuestionBank
from courses.quiz.services import questions_for_export


class Command(BaseCommand):
    help = "Export a question bank as GIFT or Moodle XML (to stdout or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("--bank", required=True)
        parser.add_argument("--format", choices=sorted(formats.FORMATS), required=True)
        parser.add_argument("--output")

    def handle(self, *args, **options):
        bank = QuestionBank.objects.filter(name=options["bank"]).first()
        if bank is None:
            raise CommandError(f"No question bank named {options['bank']!r}.")
        questions = questions_for_export(bank=bank)
        text = formats.render(options["format"], questions)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(
                f"Exported {len(questions)} questions from {bank.name} to {options['output']}"
            )
        else:
            self.stdout.write(text, ending="")
            self.stderr.write(f"Exported {len(questions)} questions from {bank.name}")
