"""Learner pages: catalogue, course outline, lessons, assignments, dashboard, verification.

Views stay thin: they ask selectors and permissions, call one service, then redirect.
A GET only reads: completion is recomputed by the services that change its inputs.
A service's refusal is shown with ``lms.errors.show_refusal``: on the form that was sent,
else as a message.
"""

from __future__ import annotations

import functools
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from courses import permissions, pricing, selectors, services
from courses.certificates import certificate_pdf as render_certificate_pdf
from courses.dashboard import render_panels
from courses.forms import SubmissionForm, VerifyCodeForm
from courses.learner_record import learner_record_pdf as render_learner_record_pdf
from courses.models import Certificate, Course, EnrollmentStatus, Lesson, LessonKind, Submission
from courses.translations import course_titles
from courses.verification import verify_code
from lms.errors import show_refusal
from lms.privacy.access_log import AccessKind, record_access


def _course_or_404(request: HttpRequest, slug: str) -> Course:
    qs = (
        Course.objects.all()
        if permissions.is_course_staff(request.user)
        else (Course.objects.published())
    )
    return get_object_or_404(qs, slug=slug)


def _buy_url(course: Course) -> str:
    return f"/payments/buy/course/{course.slug}/"


def catalogue(request: HttpRequest) -> HttpResponse:
    courses = list(selectors.courses_visible_to(user=request.user))
    prices = pricing.course_prices_for(user=request.user, courses=courses)
    entries = []
    for course in courses:
        enrollment = selectors.current_enrollment(user=request.user, course=course)
        entries.append(
            {
                "course": course,
                "enrollment": enrollment,
                "price": prices.get(course.pk),
                "buy_url": _buy_url(course),
            }
        )
    return render(request, "courses/catalogue.html", {"entries": entries})


def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = _course_or_404(request, slug)
    enrollment = selectors.current_enrollment(user=request.user, course=course)
    outline = selectors.course_outline(course=course, enrollment=enrollment)
    completion = getattr(enrollment, "completion", None) if enrollment else None
    price = selectors.course_price_for(user=request.user, course=course)
    context = {
        "course": course,
        "outline": outline,
        "enrollment": enrollment,
        "completion": completion,
        "certificate": getattr(completion, "certificate", None) if completion else None,
        "price": price,
        "is_free": price is None or price.is_free,
        "blockers": selectors.enrol_blockers(user=request.user, course=course),
        "audience_allows": permissions.audience_allows(request.user, course),
        "may_view_lessons": permissions.can_view_lessons(request.user, enrollment),
        "buy_url": _buy_url(course),
        "prerequisites": list(course.prerequisites.all()),
    }
    return render(request, "courses/course_detail.html", context)


@require_POST
@login_required
def enrol(request: HttpRequest, slug: str) -> HttpResponse:
    course = get_object_or_404(Course.objects.published(), slug=slug)
    try:
        services.enrollment_self_enrol(user=request.user, course=course)
    except services.CourseError as refusal:
        show_refusal(request, refusal)
        return redirect(course)
    messages.success(request, _("You are enrolled. Welcome to the course!"))
    return redirect(course)


def lesson_view(view):
    """For views of one lesson (``<slug>/lessons/<lesson_id>/...``): finds the course and the
    lesson and calls ``view(request, course, lesson, enrollment)`` when the person may open
    the course's lessons; otherwise sends them to sign in, or to the course page to enrol."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
        course = _course_or_404(request, slug)
        lesson = get_object_or_404(
            Lesson.objects.select_related("module", "quiz", "assignment", "video"),
            pk=lesson_id,
            module__course=course,
        )
        enrollment = selectors.current_enrollment(user=request.user, course=course)
        if not permissions.can_view_lessons(request.user, enrollment):
            if not request.user.is_authenticated:
                return redirect(f"/accounts/login/?next={request.path}")
            messages.info(request, _("Enrol in the course to open its lessons."))
            return redirect(course)
        return view(request, course, lesson, enrollment)

    return wrapper


@login_required
@lesson_view
def lesson_detail(request: HttpRequest, course, lesson, enrollment) -> HttpResponse:
    return _render_lesson(request, course, lesson, enrollment)


@require_POST
@login_required
def lesson_visit(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    """Remembers the lesson as the learner's place in the course. The lesson page posts
    here once it has loaded (``data-record-visit``), so that showing a lesson never writes."""
    course = _course_or_404(request, slug)
    lesson = get_object_or_404(Lesson, pk=lesson_id, module__course=course)
    enrollment = selectors.current_enrollment(user=request.user, course=course)
    if not permissions.can_record_progress(request.user, enrollment):
        raise PermissionDenied
    services.enrollment_record_visit(enrollment=enrollment, lesson=lesson)
    return HttpResponse(status=204)


def _render_lesson(request, course, lesson, enrollment, form=None, status=200):
    outline = selectors.course_outline(course=course, enrollment=enrollment)
    previous, following = outline.neighbours(lesson)
    state = outline.state_of(lesson)
    context = {
        "course": course,
        "lesson": lesson,
        "enrollment": enrollment,
        "outline": outline,
        "state": state,
        "previous": previous,
        "next": following,
        "documents": list(lesson.documents.select_related("document")),
    }
    if lesson.kind == LessonKind.ASSIGNMENT:
        submissions = list(
            selectors.submissions_of(user=request.user, assignment=lesson.assignment)
        )
        latest = submissions[0] if submissions else None
        may_submit = (
            enrollment is not None
            and enrollment.status == EnrollmentStatus.ACTIVE
            and selectors.submission_refusal(
                user=request.user, assignment=lesson.assignment, enrollment=enrollment
            )
            is None
        )
        context.update(
            submissions=submissions,
            latest_submission=latest,
            may_submit=may_submit,
            form=form or SubmissionForm(assignment=lesson.assignment),
        )
    return render(request, "courses/lesson_detail.html", context, status=status)


@require_POST
@login_required
@lesson_view
def lesson_mark_done(request: HttpRequest, course, lesson, enrollment) -> HttpResponse:
    if enrollment is None:
        raise PermissionDenied
    try:
        services.lesson_mark_done(enrollment=enrollment, lesson=lesson)
    except services.CourseError as refusal:
        show_refusal(request, refusal)
        return redirect(lesson)
    enrollment.refresh_from_db()
    if enrollment.status == EnrollmentStatus.COMPLETED:
        messages.success(request, _("Course completed. Your certificate is ready."))
        return redirect(course)
    outline = selectors.course_outline(course=course, enrollment=enrollment)
    _previous, following = outline.neighbours(lesson)
    messages.success(request, _("Lesson marked as done."))
    return redirect(following or course)


@require_POST
@login_required
@lesson_view
def assignment_submit(request: HttpRequest, course, lesson, enrollment) -> HttpResponse:
    if lesson.kind != LessonKind.ASSIGNMENT or enrollment is None:
        raise Http404
    form = SubmissionForm(request.POST, request.FILES, assignment=lesson.assignment)
    if not form.is_valid():
        return _render_lesson(request, course, lesson, enrollment, form=form, status=400)
    try:
        services.submission_create(
            user=request.user,
            assignment=lesson.assignment,
            text=form.cleaned_data.get("text", ""),
            file=form.cleaned_data.get("file"),
            enrollment=enrollment,
        )
    except services.CourseError as refusal:
        show_refusal(request, refusal, form=form)
        return _render_lesson(request, course, lesson, enrollment, form=form, status=400)
    messages.success(request, _("Submitted. You will see the result here once it is marked."))
    return redirect(lesson)


@login_required
def submission_file(request: HttpRequest, pk: int) -> FileResponse:
    submission = get_object_or_404(Submission, pk=pk)
    if not permissions.can_download_submission(request.user, submission) or not submission.file:
        raise Http404
    name = submission.original_filename or submission.file.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    handle = submission.file.open("rb")
    record_access(request, submission, submission.user_id, AccessKind.SUBMISSION_FILE)
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    certificate = get_object_or_404(Certificate.objects.select_related("completion"), code=code)
    if not permissions.can_download_certificate(request.user, certificate):
        raise Http404
    response = HttpResponse(render_certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    in_progress, completed, waiting = [], [], []
    enrollments = selectors.learner_enrollments(user=request.user)
    titles = course_titles({e.course_id for e in enrollments}, translation.get_language() or "")
    for enrollment, outline in zip(
        enrollments, selectors.course_outlines(enrollments=enrollments), strict=True
    ):
        entry = {
            "enrollment": enrollment,
            "course": enrollment.course,
            "title": titles.get(enrollment.course_id) or enrollment.course.title,
            "outline": outline,
        }
        if enrollment.status == EnrollmentStatus.COMPLETED:
            completed.append(entry)
        elif enrollment.status == EnrollmentStatus.PENDING_PAYMENT:
            waiting.append(entry)
        else:
            in_progress.append(entry)
    context = {
        "in_progress": in_progress,
        "completed": completed,
        "waiting": waiting,
        "quiz_results": selectors.quiz_results_for_user(user=request.user),
        "certificates": list(selectors.certificates_of(user=request.user)),
        "panels": render_panels(request),
    }
    return render(request, "courses/dashboard.html", context)


@login_required
def learner_record(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own learner record (there is no way to ask for another's)."""
    record = selectors.learner_record(user=request.user)
    return render(request, "courses/learner_record.html", {"record": record})


@login_required
def learner_record_pdf(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own learner record as a PDF."""
    record = selectors.learner_record(user=request.user)
    response = HttpResponse(render_learner_record_pdf(record), content_type="application/pdf")
    filename = f"learning-record-{timezone.localdate(record.generated_at).isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """/verify/ without a code: a box to type one (or paste the link), sent by GET to
    /verify/<code>/. A blank or malformed code is shown again with the reason (a 400)."""
    form = VerifyCodeForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("courses:verify", code=form.cleaned_data["code"])
    response = render(
        request, "courses/verify_form.html", {"form": form}, status=400 if form.is_bound else 200
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def verify(request: HttpRequest, code: str) -> HttpResponse:
    result = verify_code(code)
    if result is None:
        return render(
            request,
            "courses/verify_not_found.html",
            {"code": code, "form": VerifyCodeForm()},
            status=404,
        )
    response = render(request, "courses/verify.html", {"result": result})
    response["X-Robots-Tag"] = "noindex"
    return response
