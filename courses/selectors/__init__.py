"""Reads about courses, progress and completion. Other apps call these, never the models.

Re-exported from the modules of this package:

- ``catalogue``: the catalogue (which courses a person sees, what they pay, why they may
  not enrol), their enrolments, the dashboard's list of them;
- ``progress``: the quiz engine's answers, lessons done and the course outline;
- ``completion``: completion dates and certificates (other apps ask these), assignment
  submissions, who may take a quiz;
- ``records``: the learner record (transcript).

Tests replace ``course_completed_on``, ``assignment_accepted_on`` and ``quiz_passed_on``
here (``courses.selectors.<name>``): ``prerequisites_missing`` and ``lesson_done_on``
import them from here when called, so that they see the replacements.
"""

import logging

from courses.selectors.catalogue import (
    course_is_free_for,
    course_lessons,
    course_price_for,
    courses_using_document,
    courses_visible_to,
    current_enrollment,
    enrol_blockers,
    enrollment_is_started,
    learner_enrollments,
    locked_open_enrollment,
    may_read_course_document,
    open_enrollment,
    prerequisites_missing,
)
from courses.selectors.completion import (
    acceptance_times,
    assignment_accepted_on,
    certificates_of,
    completion_dates,
    course_completed_on,
    submission_refusal,
    submissions_of,
    submissions_to_mark,
    user_may_take_quiz,
)
from courses.selectors.progress import (
    DASHBOARD_RESULTS,
    CourseOutline,
    LessonState,
    ModuleState,
    Progress,
    course_outline,
    course_outlines,
    lesson_done_on,
    quiz_passed_on,
    quiz_results_for_user,
)
from courses.selectors.progress import _fill_outline as _fill_outline
from courses.selectors.progress import _lesson_done_from as _lesson_done_from
from courses.selectors.progress import _since as _since
from courses.selectors.records import CourseRecord, LearnerRecord, learner_record
from courses.selectors.records import _latest_acceptances as _latest_acceptances

logger = logging.getLogger(__name__)

__all__ = [
    "DASHBOARD_RESULTS",
    "CourseOutline",
    "CourseRecord",
    "LearnerRecord",
    "LessonState",
    "ModuleState",
    "Progress",
    "acceptance_times",
    "assignment_accepted_on",
    "certificates_of",
    "completion_dates",
    "course_completed_on",
    "course_is_free_for",
    "course_lessons",
    "course_outline",
    "course_outlines",
    "course_price_for",
    "courses_using_document",
    "courses_visible_to",
    "current_enrollment",
    "enrol_blockers",
    "enrollment_is_started",
    "learner_enrollments",
    "learner_record",
    "lesson_done_on",
    "locked_open_enrollment",
    "may_read_course_document",
    "open_enrollment",
    "prerequisites_missing",
    "quiz_passed_on",
    "quiz_results_for_user",
    "submission_refusal",
    "submissions_of",
    "submissions_to_mark",
    "user_may_take_quiz",
]
