from django.core.management.base import BaseCommand

from courses.quiz.services import attempts_close_overdue


class Command(BaseCommand):
    help = "Submit every quiz attempt whose deadline has passed (safe to run repeatedly)."

    def handle(self, *args, **options):
        closed = attempts_close_overdue()
        self.stdout.write(f"Submitted {closed} overdue attempts")
