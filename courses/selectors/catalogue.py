"""Reads about the catalogue and enrolments: which courses a person sees, what they pay,
whether they may enrol, their enrolments (re-exported by ``courses.selectors``)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from courses import permissions, pricing
from courses.models import (
    Audience,
    Course,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonKind,
    Module,
)
from courses.models.learning import OPEN_STATUSES
from courses.pricing import CoursePrice
from courses.quiz import selectors as quiz_selectors
from lms.models import User

# --- Catalogue ------------------------------------------------------------------------


def courses_visible_to(*, user: User | AnonymousUser) -> QuerySet[Course]:
    """Published courses this person's audience covers (staff see every published one)."""
    qs = Course.objects.published()
    if permissions.is_course_staff(user):
        return qs
    audiences = [Audience.PUBLIC]
    if permissions.is_member(user):
        audiences.append(Audience.MEMBERS)
    if permissions.is_auditor(user):
        audiences.append(Audience.AUDITORS)
    return qs.filter(audience__in=audiences)


def course_price_for(*, user: User | AnonymousUser, course: Course) -> CoursePrice | None:
    """What this person pays for the course, from the payments catalogue (None: not sold)."""
    return pricing.course_price_for(user=user, course=course)


def course_is_free_for(*, user: User | AnonymousUser, course: Course) -> bool:
    price = course_price_for(user=user, course=course)
    return price is None or price.is_free


def course_lessons(*, course: Course) -> list[Lesson]:
    """The course's lessons in order (module by module)."""
    return list(
        Lesson.objects.filter(module__course=course)
        .select_related("module", "quiz", "assignment")
        .order_by("module__sort_order", "module_id", "sort_order", "id")
    )


def prerequisites_missing(*, user: User, course: Course) -> list[Course]:
    """Prerequisite courses the learner has not completed."""
    from courses.selectors import course_completed_on  # the package's: tests replace it

    missing = []
    for prerequisite in course.prerequisites.all():
        if course_completed_on(user=user, course=prerequisite) is None:
            missing.append(prerequisite)
    return missing


def enrol_blockers(*, user: User | AnonymousUser, course: Course) -> list[str]:
    """Why this person may not self-enrol, in plain words (empty: they may)."""
    from django.utils.translation import gettext as _

    if not user.is_authenticated:
        return [_("Sign in to enrol.")]
    reasons = []
    if not course.live:
        reasons.append(_("This course is not published."))
    if not permissions.audience_allows(user, course):
        reasons.append(
            _("This course is for %(audience)s only.")
            % {"audience": course.get_audience_display().lower()}
        )
    price = course_price_for(user=user, course=course)
    if price is not None and not price.on_sale:
        reasons.append(_("This course is not on sale at the moment."))
    elif price is not None and not price.is_free:
        reasons.append(_("This course must be bought."))
    missing = prerequisites_missing(user=user, course=course)
    if missing:
        reasons.append(
            _("Complete these courses first: %(courses)s.")
            % {"courses": ", ".join(c.title for c in missing)}
        )
    if open_enrollment(user=user, course=course) is not None:
        reasons.append(_("You are already enrolled."))
    return reasons


# --- Enrolments -----------------------------------------------------------------------


def open_enrollment(*, user: User, course: Course) -> Enrollment | None:
    """The learner's pending or active enrolment on the course, if any."""
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course, status__in=OPEN_STATUSES).first()


def locked_open_enrollment(*, user: User, course: Course) -> Enrollment | None:
    """The learner's open enrolment on the course, row-locked until the transaction ends
    (None: there is none to lock). Must run inside a transaction."""
    return (
        Enrollment.objects.select_for_update()
        .filter(user=user, course=course, status__in=OPEN_STATUSES)
        .first()
    )


def current_enrollment(*, user: User | AnonymousUser, course: Course) -> Enrollment | None:
    """The enrolment that the course page shows: the open one, else the latest completed."""
    if not user.is_authenticated:
        return None
    enrollment = open_enrollment(user=user, course=course)
    if enrollment is None:
        enrollment = (
            Enrollment.objects.filter(user=user, course=course, status=EnrollmentStatus.COMPLETED)
            .order_by("-completed_at", "-id")
            .first()
        )
    return enrollment


def courses_using_document(*, document) -> QuerySet[Course]:
    """Courses with a lesson that uses the Wagtail ``document``: as its video, as one of its
    downloadable documents, or linked from its body (found in Wagtail's reference index)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q
    from wagtail.models import ReferenceIndex

    lesson_type = ContentType.objects.get_for_model(Lesson)
    linked = ReferenceIndex.get_references_to(document).filter(base_content_type=lesson_type)
    lesson_ids = [int(pk) for pk in linked.values_list("object_id", flat=True)]
    lessons = Lesson.objects.filter(
        Q(video=document) | Q(documents__document=document) | Q(pk__in=lesson_ids)
    )
    return Course.objects.filter(modules__lessons__in=lessons).distinct()


def may_read_course_document(*, user: User | AnonymousUser, document) -> bool:
    """Whether the person may read a lesson that uses ``document``: staff, or a learner
    with access to the lessons of a published course that uses it."""
    if not user.is_authenticated:
        return False
    for course in courses_using_document(document=document):
        if not course.live and not permissions.is_course_staff(user):
            continue
        if permissions.can_view_lessons(user, current_enrollment(user=user, course=course)):
            return True
    return False


def enrollment_is_started(*, enrollment: Enrollment) -> bool:
    """Whether the learner has begun: a lesson done, a submission, or a quiz attempt."""
    if enrollment.lesson_completions.exists() or enrollment.submissions.exists():
        return True
    for lesson in course_lessons(course=enrollment.course):
        quiz_lesson = lesson.kind == LessonKind.QUIZ and lesson.quiz_id
        if quiz_lesson and quiz_selectors.attempts_used(user=enrollment.user, quiz=lesson.quiz):
            return True
    return False


# --- Dashboard ------------------------------------------------------------------------


def learner_enrollments(*, user: User) -> list[Enrollment]:
    """Each course's current enrolment for the learner (the open one, else the latest)."""
    enrollments = (
        Enrollment.objects.filter(user=user)
        .exclude(status__in=[EnrollmentStatus.CANCELLED, EnrollmentStatus.REVOKED])
        .select_related("course", "last_lesson")
        .prefetch_related(
            Prefetch("course__modules", queryset=Module.objects.order_by("sort_order"))
        )
        .order_by("-last_visited_at", "-created_at")
    )
    seen: dict[int, Enrollment] = {}
    for enrollment in enrollments:
        kept = seen.get(enrollment.course_id)
        if kept is None or (enrollment.is_open and not kept.is_open):
            seen[enrollment.course_id] = enrollment
    return list(seen.values())
