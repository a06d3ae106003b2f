"""Re-applies the completion rule to every active enrolment (a daily sweep for cron).

Quiz passes happen in the quiz engine, which cannot call the courses app; the course
page and the dashboard re-check on opening, and this sweep catches everyone else.
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
