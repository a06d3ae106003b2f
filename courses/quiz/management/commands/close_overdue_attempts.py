from django.core.management.base import BaseCommand, CommandError

from courses.quiz.services import attempts_close_overdue


class Command(BaseCommand):
    help = (
        "Submit every quiz attempt whose deadline has passed (safe to run repeatedly). "
        "An attempt that cannot be submitted is logged and skipped; the command then exits "
        "with an error naming it, after closing all the others."
    )

    def handle(self, *args, **options):
        run = attempts_close_overdue()
        self.stdout.write(f"Submitted {run.closed} overdue attempts")
        if run.failed:
            ids = ", ".join(str(pk) for pk in run.failed)
            raise CommandError(
                f"Could not submit {len(run.failed)} overdue attempts (ids {ids}); "
                "they stay in progress, see the error log."
            )
