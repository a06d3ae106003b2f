"""Courses: catalogue (course, module, lesson), learning records, assignments, certificates.

Other apps import from here (``courses.models.Course``); the package splits by topic.
"""

from courses.models.assignments import Submission, SubmissionStatus, private_storage
from courses.models.catalogue import (
    Assignment,
    Audience,
    Course,
    CourseQuerySet,
    Lesson,
    LessonDocument,
    LessonKind,
    Module,
)
from courses.models.learning import (
    Certificate,
    CourseCompletion,
    Enrollment,
    EnrollmentStatus,
    EnrollmentStatusChange,
    LessonCompletion,
)
from courses.models.translations import CourseText, LessonText, ModuleText

__all__ = [
    "Assignment",
    "Audience",
    "Certificate",
    "Course",
    "CourseCompletion",
    "CourseQuerySet",
    "CourseText",
    "Enrollment",
    "EnrollmentStatus",
    "EnrollmentStatusChange",
    "Lesson",
    "LessonCompletion",
    "LessonDocument",
    "LessonKind",
    "LessonText",
    "Module",
    "ModuleText",
    "Submission",
    "SubmissionStatus",
    "private_storage",
]
