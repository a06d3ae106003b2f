"""``{% load course_words %}``: a course's words in the reader's language
(courses/translations.py).

``{% words course "title" %}``, ``{% words module "summary" %}``,
``{% words lesson "body" as body %}{{ body|richtext }}``: the translation when there is one,
else the English. ``{% course_untranslated course as missing %}``: True when the reader's
language is not English and the course has no translation in it (for the notice).
The words of a course are read once per request and language.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils import translation

from courses.models import Course, Lesson, Module
from courses.translations import CourseWords, course_words

register = template.Library()


def _course_id(obj) -> int | None:
    if isinstance(obj, Course):
        return obj.pk
    if isinstance(obj, Module):
        return obj.course_id
    if isinstance(obj, Lesson):
        return obj.module.course_id
    return None


def _words(context, obj) -> CourseWords | None:
    language = translation.get_language() or settings.LANGUAGE_CODE
    course_id = _course_id(obj)
    if language == settings.LANGUAGE_CODE or course_id is None:
        return None
    request = context.get("request")
    cache = getattr(request, "_course_words", None) if request is not None else None
    if cache is None:
        cache = {}
        if request is not None:
            request._course_words = cache
    key = (course_id, language)
    if key not in cache:
        cache[key] = course_words(course_id, language)
    return cache[key]


@register.simple_tag(takes_context=True)
def words(context, obj, name: str) -> str:
    found = _words(context, obj)
    if found is None:
        return getattr(obj, name, "") or ""
    return found.of(obj, name)


@register.simple_tag(takes_context=True)
def course_untranslated(context, course) -> bool:
    found = _words(context, course)
    return found is not None and not found.translated
