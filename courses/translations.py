"""Courses in the five working languages (courses/models/translations.py).

Writes: :func:`refresh_course_text` keeps the English ``CourseText`` (the source the
translators translate) equal to the published course's words; it runs when a course is
published and when a lesson is saved or deleted (``connect_receivers``).

Reads: :func:`course_words` gives a course's words in a language, each one falling back
to the course's own English when not translated (yet); :func:`has_translation` says
whether the course has a translation in that language at all, for the notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale

from courses.models import Course, CourseText, Lesson, LessonText, Module, ModuleText


@transaction.atomic
def refresh_course_text(course: Course) -> CourseText:
    """The English ``CourseText`` of ``course``, created or brought up to date with the
    course's title and summary, its modules' and its lessons' titles, summaries and bodies.
    Rows of modules and lessons keep their translation key, so translations made earlier
    stay attached to them; rows of removed modules and lessons are dropped."""
    locale = Locale.get_default()
    text = CourseText.objects.filter(course=course, locale=locale).first()
    if text is None:
        text = CourseText(course=course, locale=locale)
    text.title = course.title
    text.summary = course.summary
    text.save()

    modules = list(Module.objects.filter(course=course).order_by("sort_order", "pk"))
    existing = {row.module_id: row for row in ModuleText.objects.filter(course_text=text)}
    for order, module in enumerate(modules):
        row = existing.pop(module.pk, None) or ModuleText(
            course_text=text, module=module, locale=locale
        )
        row.title, row.summary, row.sort_order = module.title, module.summary, order
        row.save()
    ModuleText.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()

    lessons = list(
        Lesson.objects.filter(module__course=course).order_by(
            "module__sort_order", "sort_order", "pk"
        )
    )
    existing_lessons = {row.lesson_id: row for row in LessonText.objects.filter(course_text=text)}
    for order, lesson in enumerate(lessons):
        row = existing_lessons.pop(lesson.pk, None) or LessonText(
            course_text=text, lesson=lesson, locale=locale
        )
        row.title, row.body, row.sort_order = lesson.title, lesson.body, order
        row.save()
    LessonText.objects.filter(pk__in=[row.pk for row in existing_lessons.values()]).delete()
    return text


@dataclass
class CourseWords:
    """A course's words in one language; anything not translated is the English."""

    course: Course | int
    translated: bool = False
    title: str = ""
    summary: str = ""
    modules: dict[int, dict[str, str]] = field(default_factory=dict)
    lessons: dict[int, dict[str, str]] = field(default_factory=dict)

    def of(self, obj, name: str) -> str:
        """The word ``name`` (title, summary, body) of the course, a module or a lesson."""
        own = getattr(obj, name, "") or ""
        if isinstance(obj, Course):
            found = {"title": self.title, "summary": self.summary}.get(name)
        elif isinstance(obj, Module):
            found = self.modules.get(obj.pk, {}).get(name)
        elif isinstance(obj, Lesson):
            found = self.lessons.get(obj.pk, {}).get(name)
        else:
            found = None
        return found or own


def course_words(course: Course | int, language: str) -> CourseWords:
    """``course``'s (a course or its id) words in ``language`` (three queries; none in
    English)."""
    words = CourseWords(course=course)
    if language == settings.LANGUAGE_CODE:
        return words
    text = (
        CourseText.objects.filter(course=course, locale__language_code=language)
        .prefetch_related("module_texts", "lesson_texts")
        .first()
    )
    if text is None:
        return words
    words.translated = True
    words.title, words.summary = text.title, text.summary
    words.modules = {
        row.module_id: {"title": row.title, "summary": row.summary}
        for row in text.module_texts.all()
    }
    words.lessons = {
        row.lesson_id: {"title": row.title, "body": row.body} for row in text.lesson_texts.all()
    }
    return words


def course_titles(course_ids, language: str) -> dict[int, str]:
    """The translated titles of many courses in ``language``, by course id (one query;
    none in English). A course without a translation is absent: show its English title."""
    ids = set(course_ids)
    if language == settings.LANGUAGE_CODE or not ids:
        return {}
    rows = CourseText.objects.filter(course_id__in=ids, locale__language_code=language)
    return {
        course_id: title for course_id, title in rows.values_list("course_id", "title") if title
    }


def course_title_translations(course: Course) -> dict[str, str]:
    """``course``'s title in every language it is translated into (language code ->
    title; English, the course's own title, left out). One query."""
    rows = CourseText.objects.filter(course=course).exclude(
        locale__language_code=settings.LANGUAGE_CODE
    )
    return {
        language: title
        for language, title in rows.values_list("locale__language_code", "title")
        if title
    }


def has_translation(course: Course, language: str) -> bool:
    return language == settings.LANGUAGE_CODE or course_words(course, language).translated


# --- receivers --------------------------------------------------------------------------


def _course_published(sender, instance, **kwargs):
    if isinstance(instance, Course):
        refresh_course_text(instance)


def _lesson_changed(sender, instance, **kwargs):
    """A lesson saved or deleted: the English text of its course follows, once the course
    has been published (a draft course has no English text yet)."""
    course_id = (
        Module.objects.filter(pk=instance.module_id).values_list("course_id", flat=True).first()
    )
    if course_id is not None:
        transaction.on_commit(lambda: _refresh_if_published(course_id))


def _refresh_if_published(course_id: int) -> None:
    course = Course.objects.filter(pk=course_id, live=True).first()
    if course is not None:  # gone or unpublished since: nothing to do
        refresh_course_text(course)


def connect_receivers() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import published

    published.connect(_course_published, sender=Course, dispatch_uid="course_text_published")
    post_save.connect(_lesson_changed, sender=Lesson, dispatch_uid="course_text_lesson_saved")
    post_delete.connect(_lesson_changed, sender=Lesson, dispatch_uid="course_text_lesson_deleted")
