"""``{% load cms_translations %}``: content translations in templates (cms/translations.py)."""

from django import template

from cms import translations

register = template.Library()


@register.filter
def untranslated(page) -> bool:
    """``{% if page|untranslated %}``: the page is shown in English because it has no
    translation in the reader's language."""
    return translations.is_untranslated(page)


@register.filter
def localized(obj):
    """``{{ speaker.person|localized }}``: a translatable object (a snippet) in the reader's
    language when translated, else as it is."""
    return getattr(obj, "localized", obj)
