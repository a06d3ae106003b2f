"""Factories for courses: published courses with modules and lessons."""

import factory
from django.utils import timezone

from courses import services
from courses.models import (
    Assignment,
    Course,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonKind,
    Module,
)


class CourseFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = "What the course covers."
    live = True

    class Meta:
        model = Course
        skip_postgeneration_save = True

    @factory.post_generation
    def price(obj, create, extracted, **kwargs):
        """price=(amount, member_amount) in EUR cents sells the course in the payments
        catalogue (the one place prices live); without it the course is free."""
        if not create or not extracted:
            return
        from courses.payments.models import CatalogueItem, Kind, Price

        amount, member_amount = extracted
        item = CatalogueItem.objects.create(
            kind=Kind.COURSE_ENROLMENT, name=f"Course: {obj.title}", course=obj
        )
        Price.objects.create(item=item, currency="EUR", amount=amount, member_amount=member_amount)


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    sort_order = factory.Sequence(lambda n: n)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    title = factory.Sequence(lambda n: f"Assignment {n}")
    instructions = "Describe your approach."


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    kind = LessonKind.CONTENT
    body = "<p>Read this.</p>"
    sort_order = factory.Sequence(lambda n: n)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    course = factory.SubFactory(CourseFactory)
    status = EnrollmentStatus.ACTIVE
    source = "test"
    activated_at = factory.LazyFunction(timezone.now)


def make_quiz(slug: str = "quiz", title: str = "Quiz", **extra):
    from courses.quiz.models import Quiz

    return Quiz.objects.create(slug=slug, title=title, **extra)


def finish_course(user, course, lessons, quiz_passes, *, quiz=True, assignment=True):
    """The learner enrols on the ``course`` fixture's course and does its lessons: the two
    content lessons, the quiz (passed, through the ``quiz_passes`` fake) and the assignment
    (accepted by staff), unless told to leave those out. Returns the refreshed enrolment."""
    from tests.factories import SecretariatFactory

    enrollment = services.enrollment_self_enrol(user=user, course=course)
    services.lesson_mark_done(enrollment=enrollment, lesson=lessons[0])
    services.lesson_mark_done(enrollment=enrollment, lesson=lessons[1])
    if quiz:
        quiz_passes[(user.pk, lessons[2].quiz_id)] = timezone.localdate()
    if assignment:
        submission = services.submission_create(
            user=user, assignment=lessons[3].assignment, text="My plan", enrollment=enrollment
        )
        services.submission_mark(
            submission=submission, reviewer=SecretariatFactory(), accepted=True
        )
    services.enrollment_refresh_completion(enrollment=enrollment)
    enrollment.refresh_from_db()
    return enrollment
