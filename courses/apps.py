from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from courses import receivers
        from courses.quiz.extensions import register_start_gate
        from courses.verification import register_verifier

        register_verifier(receivers.find_course_certificate)
        register_start_gate("courses-enrolment", receivers.quiz_start_gate)
