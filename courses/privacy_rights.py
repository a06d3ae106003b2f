"""Courses' part of erasure (``lms.privacy.erasure``, the ``privacy_erasure`` hook).

Erased: what the person wrote or uploaded for assignments (the text, the file in the private
storage, its name) and the marker's feedback on it; the holder's name on certificates of
completion (replaced by the pseudonym). Kept: enrolments, lesson and course completions,
the submissions' status and dates and the certificates' codes and dates, so that course
statistics, completion reports and certificate verification keep their numbers. Imported
from ``courses/wagtail_hooks.py``.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from courses.models import (
    Certificate,
    CourseCompletion,
    Enrollment,
    LessonCompletion,
    Submission,
)
from lms.privacy.erasure import ErasurePart, PlanLine, count_label, delete_file_after_commit
from lms.privacy.export import ExportFile, by_whom


def _submissions_with_content(user):
    return Submission.objects.filter(user=user).filter(
        ~Q(text="") | ~Q(file="") | ~Q(original_filename="") | ~Q(feedback="")
    )


def erasure_part(user) -> ErasurePart | None:
    submissions = _submissions_with_content(user)
    certificates = Certificate.objects.filter(completion__user=user)
    enrolments = Enrollment.objects.filter(user=user).count()
    completions = CourseCompletion.objects.filter(user=user).count()
    if not (submissions.exists() or certificates.exists() or enrolments):
        return None
    files = submissions.exclude(file="").count()
    return ErasurePart(
        code="courses",
        title=str(_("Courses")),
        erased=[
            PlanLine(
                count_label(
                    submissions.count(),
                    _("Text and feedback of %(count)s assignment submission"),
                    _("Text and feedback of %(count)s assignment submissions"),
                )
            ),
            PlanLine(
                count_label(files, _("%(count)s submitted file"), _("%(count)s submitted files"))
            ),
            PlanLine(
                count_label(
                    certificates.count(),
                    _("Holder's name on %(count)s certificate of completion"),
                    _("Holder's name on %(count)s certificates of completion"),
                )
            ),
        ],
        kept=[
            PlanLine(
                count_label(
                    enrolments,
                    _("%(count)s enrolment, its progress and status history"),
                    _("%(count)s enrolments, their progress and status history"),
                ),
                _("Course statistics and completion reports keep their numbers."),
            ),
            PlanLine(
                count_label(
                    completions,
                    _("%(count)s course completion"),
                    _("%(count)s course completions"),
                ),
                _(
                    "Accreditation requirements refer to them; certificates keep their codes "
                    "and dates under the pseudonym."
                ),
            ),
        ],
        erase=erase,
    )


def erase(user, pseudonym: str) -> dict[str, int]:
    files = 0
    submissions = 0
    for submission in _submissions_with_content(user):
        files += int(delete_file_after_commit(submission.file))
        submission.file = ""
        submission.text = ""
        submission.original_filename = ""
        submission.feedback = ""
        submission.save(update_fields=["file", "text", "original_filename", "feedback"])
        submissions += 1
    certificates = Certificate.objects.filter(completion__user=user).update(holder_name=pseudonym)
    return {
        "submissions_blanked": submissions,
        "submission_files": files,
        "certificates_pseudonymised": certificates,
    }


hooks.register("privacy_erasure", erasure_part)


# --- "Download my data" (``lms.privacy.export``, the ``privacy_export`` hook) ---------------
#
# Enrolments with their status history, progress (lessons and courses completed),
# certificates of completion, and assignment submissions with their files (under
# ``files/submissions/``). Survey answers: the platform has no surveys yet.


def export_part(user) -> dict:
    enrolments = (
        Enrollment.objects.filter(user=user)
        .select_related("course")
        .prefetch_related("status_changes")
        .order_by("created_at", "pk")
    )
    completions = CourseCompletion.objects.filter(user=user).select_related("course")
    lessons = LessonCompletion.objects.filter(enrollment__user=user).select_related(
        "lesson__module__course"
    )
    submissions = (
        Submission.objects.filter(user=user)
        .select_related("assignment")
        .order_by("submitted_at", "pk")
    )
    certificates = Certificate.objects.filter(completion__user=user).order_by("issued_on", "pk")
    return {
        "enrolments": [
            {
                "course": enrolment.course.title,
                "status": enrolment.get_status_display(),
                "how": enrolment.source,
                "created_at": enrolment.created_at,
                "activated_at": enrolment.activated_at,
                "completed_at": enrolment.completed_at,
                "last_visited_at": enrolment.last_visited_at,
                "status_history": [
                    {
                        "from": change.from_status,
                        "to": change.to_status,
                        "at": change.at,
                        "by": by_whom(change.actor_id, user),
                        "reason": change.reason,
                    }
                    for change in enrolment.status_changes.all()
                ],
            }
            for enrolment in enrolments
        ],
        "progress": {
            "lessons_completed": [
                {
                    "course": done.lesson.module.course.title,
                    "lesson": done.lesson.title,
                    "completed_at": done.completed_at,
                    "how": done.source,
                }
                for done in lessons.order_by("completed_at", "pk")
            ],
            "courses_completed": [
                {"course": done.course.title, "completed_on": done.completed_on}
                for done in completions.order_by("completed_on", "pk")
            ],
        },
        "certificates": [
            {
                "course": certificate.course_title,
                "holder": certificate.holder_name,
                "code": certificate.code,
                "issued_on": certificate.issued_on,
                "revoked_at": certificate.revoked_at,
                "reason_for_revocation": certificate.revoked_reason,
            }
            for certificate in certificates
        ],
        "assignment_submissions": [
            {
                "assignment": submission.assignment.title,
                "submitted_at": submission.submitted_at,
                "answer": submission.text,
                "file": ExportFile(
                    submission.file,
                    f"{submission.pk}-{submission.original_filename or submission.file.name}",
                    folder="submissions",
                )
                if submission.file
                else None,
                "status": submission.get_status_display(),
                "feedback": submission.feedback,
                "marked_by": by_whom(submission.reviewed_by_id, user)
                if submission.reviewed_by_id
                else None,
                "marked_at": submission.reviewed_at,
            }
            for submission in submissions
        ],
    }


hooks.register("privacy_export", export_part, order=20)
