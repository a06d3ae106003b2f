"""Who may read members-only content and record progress. Built on lms.permissions."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from lms.models import User
from lms.permissions import can_access_admin, is_member


def can_view_members_only(user: User | AnonymousUser) -> bool:
    """Members of an organisation whose membership is active, and staff."""
    return is_member(user)


def can_view_page(user: User | AnonymousUser, page) -> bool:
    if getattr(page, "is_members_only", False):
        return can_view_members_only(user)
    return True


def can_record_progress(user: User | AnonymousUser, module) -> bool:
    return bool(user.is_authenticated and can_view_page(user, module))


def can_manage_documents(user: User | AnonymousUser) -> bool:
    """Editors who may add, change or choose documents in the admin. They read every
    document, including those used only in drafts or not used at all."""
    from wagtail.documents import get_document_model
    from wagtail.permissions import policy_registry

    if not can_access_admin(user):
        return False
    policy = policy_registry.get_by_type(get_document_model())
    return policy.user_has_any_permission(user, ["add", "change", "choose"])


def can_download_document(user: User | AnonymousUser, document, request) -> bool:
    """Who gets a Wagtail document's file. Nothing is public by default; it is served to:

    - editors of documents (``can_manage_documents``);
    - anyone who may read a live page that uses it: members-only pages need a member (or
      staff), Wagtail's own page privacy settings are honoured, and a public page does not
      open a document that a members-only page (live or draft) uses too;
    - learners (and staff) who may read the lessons of a published course that uses it,
      as a lesson's video, downloadable document or a link in its body.

    So a document used nowhere, only in a draft (an unpublished page, or changes to a live
    page not yet published) or only in an unpublished course is for editors only.
    """
    from cms import selectors
    from courses.selectors import may_read_course_document

    if can_manage_documents(user):
        return True
    pages = selectors.pages_using_document(document)
    members_only = selectors.document_is_members_only(document, pages=pages)
    if not members_only or can_view_members_only(user):
        for page in pages:
            if page.live and _passes_view_restrictions(page, request):
                return True
    return may_read_course_document(user=user, document=document)


def _passes_view_restrictions(page, request) -> bool:
    """Wagtail's privacy settings of the page and the pages above it (login, groups,
    password) accept this request."""
    return all(restriction.accept_request(request) for restriction in page.get_view_restrictions())
