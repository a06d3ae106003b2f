"""Attempts and their responses. An attempt freezes its questions, order and deadline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    NEEDS_MARKING = "needs_marking", _("Waiting for marking")
    FINISHED = "finished", _("Finished")


#: The only moves an attempt's status can make.
TRANSITIONS: dict[str, set[str]] = {
    AttemptStatus.IN_PROGRESS: {AttemptStatus.NEEDS_MARKING, AttemptStatus.FINISHED},
    AttemptStatus.NEEDS_MARKING: {AttemptStatus.FINISHED},
    AttemptStatus.FINISHED: set(),
}


class Attempt(models.Model):
    quiz = models.ForeignKey("quiz.Quiz", on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AttemptStatus.choices,
        default=AttemptStatus.IN_PROGRESS,
        db_index=True,
    )
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True, db_index=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    auto_submitted = models.BooleanField(_("submitted when time ran out"), default=False)
    finalised_at = models.DateTimeField(_("result final"), null=True, blank=True)
    is_exam = models.BooleanField(default=False)
    pass_mark = models.DecimalField(max_digits=5, decimal_places=2)
    page_count = models.PositiveSmallIntegerField(default=1)
    max_marks = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    marks = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(null=True, blank=True)
    #: Where the learner opened the quiz from (``courses.quiz.origins``: "module-12",
    #: "lesson-3"), checked when the attempt started; the attempt and result pages link
    #: back to it while that place still uses the quiz.
    origin = models.CharField(_("opened from"), max_length=40, blank=True, default="")
    #: The language the candidate chose at the start; the snapshots are in it.
    language = models.CharField(_("language"), max_length=15, default=settings.LANGUAGE_CODE)

    #: Nothing refers to an attempt through Wagtail's reference index ("usage" of a quiz
    #: is its lessons, not its thousands of attempts); indexing it cost every start and
    #: submit three queries (tests/perf/RESULTS-exam.md).
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"], name="quiz_attempt_unique_number"
            ),
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(status="in_progress"),
                name="quiz_attempt_one_in_progress",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.number} ({self.user})"

    @property
    def is_in_progress(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS

    @property
    def is_final(self) -> bool:
        return self.status == AttemptStatus.FINISHED


class Response(models.Model):
    """One question of an attempt: its frozen snapshot, the learner's answer and its grade.

    ``version`` grows with every saved answer; a save quoting an older version is refused.
    ``choice_order`` is the display order of the choices (or matching options) as bank
    indexes; ``choice_tokens`` runs parallel to it and holds the opaque names the learner's
    page uses for them, ``prompt_tokens`` those of the matching prompts (see
    ``courses.quiz.tokens``). ``answer`` is stored in bank indexes.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    position = models.PositiveSmallIntegerField()
    page = models.PositiveSmallIntegerField(default=0)
    question = models.ForeignKey(
        "quiz.Question", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    snapshot = models.JSONField()
    choice_order = models.JSONField(default=list, blank=True)
    choice_tokens = models.JSONField(default=list, blank=True)
    prompt_tokens = models.JSONField(default=list, blank=True)
    max_mark = models.DecimalField(max_digits=7, decimal_places=2)
    answer = models.JSONField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(null=True, blank=True)
    flagged = models.BooleanField(default=False)
    fraction = models.DecimalField(max_digits=10, decimal_places=7, null=True, blank=True)
    mark = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    needs_marking = models.BooleanField(default=False, db_index=True)
    marker_feedback = models.TextField(blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="quiz_response_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt} Q{self.position + 1}"

    @property
    def qtype(self) -> str:
        return self.snapshot["qtype"]

    @property
    def is_answered(self) -> bool:
        from courses.quiz.grading import is_answered

        return is_answered(self.snapshot, self.answer)
