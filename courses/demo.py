"""Demo courses. Runs after courses.quiz.demo (which makes the quizzes looked up here by
slug) and is idempotent: running it twice changes nothing."""

from __future__ import annotations

from django.core.files.base import ContentFile

from courses import services
from courses.models import Assignment, Audience, Course, Enrollment, Lesson, LessonKind, Module
from lms.models import User

PS_COURSE = "ps-v3-auditor-training"
DD_COURSE = "due-diligence-essentials"
PUBLIC_COURSE = "responsible-aluminium-introduction"


def _say(stdout, message: str) -> None:
    if stdout:
        stdout.write(message)


def _course(slug: str, stdout, **fields) -> Course:
    """The published course with this slug, created (and announced) if missing."""
    course = Course.objects.filter(slug=slug).first()
    if course is not None:
        return course
    course = Course.objects.create(slug=slug, **fields)
    course.save_revision().publish()
    course.refresh_from_db()
    _say(stdout, f"  created course {course.title}")
    return course


def _module(course: Course, order: int, title: str, summary: str = "") -> Module:
    module, _ = Module.objects.get_or_create(
        course=course, title=title, defaults={"sort_order": order, "summary": summary}
    )
    return module


def _lesson(module: Module, order: int, title: str, **fields) -> Lesson:
    lesson, _ = Lesson.objects.get_or_create(
        module=module, title=title, defaults={"sort_order": order, **fields}
    )
    return lesson


def _document(title: str, filename: str, text: str):
    from wagtail.documents.models import Document

    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title)
        document.file.save(filename, ContentFile(text.encode()), save=False)
        document.save()
    return document


def _quiz(slug: str, stdout):
    from courses.quiz.models import Quiz

    quiz = Quiz.objects.filter(slug=slug).first()
    if quiz is None:
        _say(stdout, f"  quiz {slug} not found: its lesson is left out")
    return quiz


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def seed_ps_course(stdout=None) -> Course:
    course = _course(
        PS_COURSE,
        stdout,
        title="Performance Standard V3 auditor training",
        summary=(
            "The mandatory training for auditors of the Performance Standard V3 (2022): "
            "the principles and criteria, how to audit them, a practice quiz, an audit-plan "
            "assignment and the timed accreditation exam."
        ),
        audience=Audience.AUDITORS,
        # The exam opens once the lessons, the practice quiz and the assignment before it
        # are done (courses.prerequisites).
        exam_requires_earlier_lessons=True,
    )
    _ps_introduction(
        _module(course, 0, "Introduction", "The standard, its scope and the assurance model.")
    )
    _ps_criteria(_module(course, 1, "Principles and criteria", "Governance, environment, social."))
    _ps_assessment(
        _module(course, 2, "Assessment", "Practise, plan an audit, sit the exam."), stdout
    )
    return course


def _ps_introduction(intro: Module) -> None:
    """How the course works (with the standard's summary to download), the assurance model."""
    summary = _document(
        "Performance Standard V3: summary for auditors",
        "ps-v3-summary.txt",
        "Performance Standard V3 (2022)\n\nGovernance, Environment and Social principles "
        "with their criteria. This summary is demo content.\n",
    )
    welcome = _lesson(
        intro,
        0,
        "Welcome and how this course works",
        body=_p(
            "This course prepares you to audit against the <b>Performance Standard V3</b>.",
            "Work through the modules in order. Content lessons are marked as done by you; "
            "the quiz is done when you pass it, the assignment when the secretariat accepts "
            "it. The final exam is timed.",
        ),
    )
    if not welcome.documents.exists():
        welcome.documents.create(document=summary, title="Summary of the standard (text)")
        welcome.save()
    _lesson(
        intro,
        1,
        "The assurance model",
        body=_p(
            "Entities are certified by accredited audit firms. Auditors must complete this "
            "training, pass the exam and keep their training current with a refresher "
            "every two years."
        ),
        video_url="https://example.org/videos/assurance-model",
    )


def _ps_criteria(criteria: Module) -> None:
    _lesson(
        criteria,
        0,
        "Governance principles",
        body=_p(
            "Business integrity, policy and management systems, transparency, material stewardship."
        ),
    )
    _lesson(
        criteria,
        1,
        "Environment and social principles",
        body=_p(
            "Emissions, effluents and waste, water, biodiversity; human rights, labour "
            "rights, occupational health and safety."
        ),
    )


def _ps_assessment(assessment: Module, stdout) -> None:
    """The practice quiz (optional), the audit-plan assignment and the final exam; a quiz
    the quiz demo has not made is left out."""
    practice = _quiz("ps-practice-quiz", stdout)
    if practice is not None:
        _lesson(
            assessment,
            0,
            "Practice quiz",
            kind=LessonKind.QUIZ,
            quiz=practice,
            required=False,
            body=_p("Try the practice quiz as often as you like; it does not count."),
        )
    assignment, _ = Assignment.objects.get_or_create(
        title="Audit plan for a casthouse",
        defaults={
            "instructions": (
                "Draft an audit plan for a casthouse certified against the Performance "
                "Standard V3: scope, sampling, interviews and site visit schedule. "
                "Write it below or upload a PDF or Word file."
            )
        },
    )
    _lesson(
        assessment,
        1,
        "Assignment: audit plan",
        kind=LessonKind.ASSIGNMENT,
        assignment=assignment,
    )
    exam = _quiz("ps-auditor-exam", stdout)
    if exam is not None:
        _lesson(
            assessment,
            2,
            "Final exam",
            kind=LessonKind.QUIZ,
            quiz=exam,
            body=_p("The timed accreditation exam. Answers are not shown afterwards."),
        )


def seed_dd_course(stdout=None) -> Course:
    course = _course(
        DD_COURSE,
        stdout,
        title="Due diligence essentials",
        summary="A short course for members: supply-chain due diligence in four lessons.",
        audience=Audience.MEMBERS,
    )
    basics = _module(course, 0, "Basics")
    practice = _module(course, 1, "In practice")
    _lesson(basics, 0, "What due diligence means", body=_p("Identify, prevent, mitigate, account."))
    _lesson(basics, 1, "Risk-based approach", body=_p("Focus where the risks are highest."))
    _lesson(practice, 0, "Supplier engagement", body=_p("Questionnaires, visits, follow-up."))
    _lesson(practice, 1, "Reporting", body=_p("What to disclose and how often."))
    return course


def seed_public_course(stdout=None) -> Course:
    course = _course(
        PUBLIC_COURSE,
        stdout,
        title="Introduction to responsible aluminium",
        summary="Open to everyone: the aluminium value chain and why standards matter.",
        audience=Audience.PUBLIC,
    )
    module = _module(course, 0, "The value chain")
    _lesson(module, 0, "From bauxite to products", body=_p("Mining, refining, smelting, casting."))
    _lesson(module, 1, "Why standards matter", body=_p("Trust, transparency and improvement."))
    return course


def seed(stdout=None) -> None:
    ps_course = seed_ps_course(stdout)
    dd_course = seed_dd_course(stdout)
    seed_public_course(stdout)

    member = User.objects.filter(email="member@example.org").first()
    if member is not None and not Enrollment.objects.filter(user=member, course=dd_course).exists():
        enrollment = services.enrollment_activate(user=member, course=dd_course, source="demo")
        first = dd_course.modules.first().lessons.order_by("sort_order").first()
        if first is not None:
            services.lesson_mark_done(enrollment=enrollment, lesson=first)
            services.enrollment_record_visit(enrollment=enrollment, lesson=first)
    auditor = User.objects.filter(email="auditor@example.org").first()
    if (
        auditor is not None
        and not Enrollment.objects.filter(user=auditor, course=ps_course).exists()
    ):
        services.enrollment_activate(user=auditor, course=ps_course, source="demo")
