"""The quiz engine's models. (Minimal core: the quiz helper extends this module.)"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Quiz(models.Model):
    """A quiz or, with ``is_exam``, a timed accreditation exam."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_exam = models.BooleanField(
        _("is an exam"),
        default=False,
        help_text=_("Exams never show correct answers and draw from their own question pool."),
    )
    pass_mark = models.DecimalField(_("pass mark (%)"), max_digits=5, decimal_places=2, default=80)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quiz:detail", kwargs={"slug": self.slug})
