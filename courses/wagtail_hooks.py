"""The courses back office in the Wagtail admin.

Courses are snippets with drafts, revisions, preview and publishing, their modules edited
inline. Lessons are their own snippet (module, position) so that each lesson has room for
its content, video and documents; the listing filters by course. Assignment marking is a
custom queue view.
"""

from __future__ import annotations

from django import forms
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.admin.ui.tables import LiveStatusTagColumn
from wagtail.admin.widgets import Button
from wagtail.models import Revision
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

import courses.privacy_rights  # noqa: F401  (its part of erasure)
from courses import admin_views, permissions, receivers
from courses.models import (
    Assignment,
    Certificate,
    Course,
    CourseText,
    Enrollment,
    Lesson,
)
from courses.work_queues import staff_work_queues


class CourseIndexView(IndexView):
    """The status column asks each course for its scheduled revision (Wagtail's
    ``DraftStateMixin.scheduled_revision``, one query a course): the courses of the page
    get theirs from one query, the same revision (the first scheduled one)."""

    def paginate_queryset(self, queryset, page_size):
        paginator, page, courses, is_paginated = super().paginate_queryset(queryset, page_size)
        courses = list(courses)
        scheduled: dict[str, Revision] = {}
        if courses:
            revisions = Revision.objects.filter(
                base_content_type=Course.get_base_content_type(),
                object_id__in=[str(course.pk) for course in courses],
                approved_go_live_at__isnull=False,
            ).order_by("pk")
            for revision in revisions:
                scheduled.setdefault(revision.object_id, revision)
        for course in courses:
            course.scheduled_revision = scheduled.get(str(course.pk))
        return paginator, page, courses, is_paginated


class CourseViewSet(SnippetViewSet):
    model = Course
    index_view_class = CourseIndexView
    icon = "folder-open-inverse"
    menu_label = _("Courses")
    list_display = ["title", "audience", LiveStatusTagColumn(), "updated_at"]
    list_filter = ["audience", "live"]
    search_fields = ["title", "summary"]
    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("summary"),
        FieldPanel("audience"),
        HelpPanel(
            heading=_("Price"),
            content=_(
                "A course is free unless it is sold in the price catalogue (Payments › "
                "Price catalogue): add a course enrolment item there to set its price, "
                "its member price and its selling dates."
            ),
        ),
        FieldPanel("prerequisites", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [FieldPanel("exam_requires_earlier_lessons"), FieldPanel("exam_min_practice_percent")],
            heading=_("Before the exam"),
        ),
        InlinePanel("modules", heading=_("Modules"), label=_("Module")),
        HelpPanel(
            content=_(
                "Lessons are edited under Courses › Lessons (filter the list by course). "
                "A new module must be saved before lessons can be added to it."
            )
        ),
    ]


class LessonViewSet(SnippetViewSet):
    model = Lesson
    icon = "doc-full"
    menu_label = _("Lessons")
    list_display = ["title", "module", "kind", "required", "sort_order"]
    list_filter = ["module__course", "kind", "required"]
    search_fields = ["title"]
    ordering = ["module__course__title", "module__sort_order", "sort_order"]

    def get_queryset(self, request):
        return Lesson.objects.select_related("module__course")  # "course › module" a row

    panels = [
        FieldRowPanel([FieldPanel("module"), FieldPanel("sort_order")]),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("required")]),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("video"), FieldPanel("video_url")], heading=_("Video")),
        FieldPanel("quiz"),
        FieldPanel("assignment"),
        InlinePanel("documents", heading=_("Downloadable documents"), label=_("Document")),
    ]


class AssignmentViewSet(SnippetViewSet):
    model = Assignment
    icon = "tasks"
    menu_label = _("Assignments")
    list_display = ["title", "accepts_text", "accepts_file"]
    search_fields = ["title", "instructions"]


class CourseTextViewSet(SnippetViewSet):
    """Course translations (courses/models/translations.py). The English ones follow the
    published courses by themselves; "Translate" on one of them makes its translation in
    another language, filled in the translation editor or with a PO file."""

    model = CourseText
    icon = "wagtail-localize-language"
    menu_label = _("Course translations")
    list_display = ["title", "course", "locale"]
    search_fields = ["title"]

    def get_queryset(self, request):
        return CourseText.objects.select_related("course", "locale")  # named on each row


class EnrollmentViewSet(SnippetViewSet):
    model = Enrollment
    icon = "group"
    menu_label = _("Enrolments")
    list_display = ["user", "course", "status", "source", "created_at"]
    list_filter = ["status", "course"]
    inspect_view_enabled = True
    panels = [FieldPanel("status", read_only=True)]

    def get_queryset(self, request):
        return Enrollment.objects.select_related("user", "course")  # named on each row


class CertificateViewSet(SnippetViewSet):
    model = Certificate
    icon = "doc-full-inverse"
    menu_label = _("Certificates")
    list_display = ["holder_name", "course_title", "issued_on", "revoked_at", "code"]
    search_fields = ["holder_name", "course_title", "code"]
    inspect_view_enabled = True
    panels = [
        FieldPanel("holder_name", read_only=True),
        FieldPanel("course_title", read_only=True),
        FieldPanel("issued_on", read_only=True),
    ]


class CoursesGroup(SnippetViewSetGroup):
    menu_label = _("Courses")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (
        CourseViewSet,
        LessonViewSet,
        CourseTextViewSet,
        AssignmentViewSet,
        EnrollmentViewSet,
        CertificateViewSet,
    )


register_snippet(CoursesGroup)


@hooks.register("register_admin_urls")
def register_marking_urls():
    return [
        path(
            "courses/",
            _include_marking_urls(),
        )
    ]


def _include_marking_urls():
    from django.urls import include

    return include(
        (
            [
                path("marking/", admin_views.marking_queue, name="marking_queue"),
                path("marking/<int:pk>/", admin_views.mark_submission, name="mark_submission"),
                path(
                    "certificates/<int:pk>/revoke/",
                    admin_views.revoke_certificate,
                    name="revoke_certificate",
                ),
            ],
            "courses_admin",
        ),
        namespace="courses_admin",
    )


class MarkingMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_mark_submissions(request.user)


@hooks.register("register_admin_menu_item")
def register_marking_menu_item():
    return MarkingMenuItem(
        _("Assignment marking"),
        reverse("courses_admin:marking_queue"),
        icon_name="tasks",
        order=210,
    )


@hooks.register("register_snippet_listing_buttons")
def certificate_revoke_button(snippet, user, next_url=None):
    revocable = isinstance(snippet, Certificate) and snippet.is_valid
    if revocable and permissions.can_revoke_certificates(user):
        yield Button(
            _("Revoke"),
            reverse("courses_admin:revoke_certificate", args=[snippet.pk]),
            icon_name="cross",
            priority=90,
        )


@hooks.register("register_log_actions")
def register_course_log_actions(actions):
    """The courses app's entries in the audit log (written by ``courses.services``)."""
    for code, label, message in (
        ("courses.enrollment.created", _("Enrol"), _("Enrolment created")),
        ("courses.enrollment.activated", _("Activate enrolment"), _("Enrolment activated")),
        ("courses.enrollment.completed", _("Complete course"), _("Enrolment completed")),
        ("courses.enrollment.cancelled", _("Cancel enrolment"), _("Enrolment cancelled")),
        ("courses.enrollment.revoked", _("Revoke enrolment"), _("Enrolment revoked")),
        ("courses.submission.submitted", _("Submit assignment"), _("Assignment submitted")),
        ("courses.submission.accepted", _("Accept submission"), _("Submission accepted")),
        (
            "courses.submission.needs_revision",
            _("Ask for revision"),
            _("Submission sent back for revision"),
        ),
        ("courses.certificate.issued", _("Issue certificate"), _("Certificate issued")),
        ("courses.certificate.revoked", _("Revoke certificate"), _("Certificate revoked")),
    ):
        actions.register_action(code, label, message)


# An exam that is a lesson of a course is for the people enrolled on that course.
hooks.register("quiz_start_refusal", receivers.quiz_start_gate)
# Quiz pages opened from a lesson or a course link back to it.
hooks.register("quiz_origin", receivers.quiz_origin)
# What waits for staff, on the admin dashboard and in the daily digest (lms.work_queues).
hooks.register("staff_work_queues", staff_work_queues, order=20)


@hooks.register("quiz_attempt_finalised")
def complete_courses_after_quiz(attempt) -> None:
    """A graded attempt may complete the learner's course at once (and so change their
    accreditation eligibility), without waiting for a page view or the daily command."""
    from courses.receivers import on_attempt_finalised

    on_attempt_finalised(attempt=attempt)


@hooks.register("organisation_learning_summary")
def organisation_course_learning(*, user_ids):
    """Courses started and completed, and certificates, of a member organisation's people
    (for its managers; see lms/members/learning.py)."""
    from courses.members import organisation_learning_summary

    return organisation_learning_summary(user_ids=user_ids)
