"""The append-only log of the quiz engine: who did what, when, and why."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class QuizLogEntry(models.Model):
    """One decision or event: `attempt.started`, `essay.marked`, `sitting.revoked`, ..."""

    action = models.CharField(_("action"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    quiz = models.ForeignKey(
        "quiz.Quiz", on_delete=models.CASCADE, null=True, blank=True, related_name="log_entries"
    )
    attempt = models.ForeignKey(
        "quiz.Attempt", on_delete=models.CASCADE, null=True, blank=True, related_name="log_entries"
    )
    reason = models.TextField(_("reason"), blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("quiz log entry")
        verbose_name_plural = _("quiz log entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
