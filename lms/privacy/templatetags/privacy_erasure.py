"""``{% erasure_panel %}``: the erasure part of the profile page (a pending request, or
the link to ask for erasure)."""

from django import template

from lms.privacy import erasure

register = template.Library()


@register.inclusion_tag("privacy/_erasure_panel.html", takes_context=True)
def erasure_panel(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"pending": erasure.pending_request_of(user), "csrf_token": context.get("csrf_token")}
