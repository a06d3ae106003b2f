"""Re-applies the completion rule to every active enrolment (a daily sweep for cron).

The services that change an input of the completion rule re-check at once (a lesson marked
done, a submission accepted, a quiz attempt finalised); page views only read. This sweep
catches what changes without a learner's action: a course whose lessons were edited (a
required lesson removed or made optional).
"""

from django.core.management.base import BaseCommand

from courses.models import Enrollment, EnrollmentStatus
from courses.services import enrollment_refresh_completion


class Command(BaseCommand):
    help = "Complete the active enrolments whose completion rule is now met."

    def handle(self, *args, **options):
        completed = 0
        for enrollment in Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE).iterator():
            if enrollment_refresh_completion(enrollment=enrollment) is not None:
                completed += 1
        self.stdout.write(f"{completed} enrolment(s) completed.")
