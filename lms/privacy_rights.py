"""The identity app's part of "download my data" (``lms.privacy.export``, the
``privacy_export`` hook): the account, the member organisation and the role in it, the
invitations the person accepted, the notices they accepted, their earlier data exports and
erasure requests, and the audit entries about these. Imported from ``lms/wagtail_hooks.py``.

Other people are never named: an invitation says who invited only as "staff" or "a
manager of the organisation"; an entry says who acted as "you", "staff" or "system".
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from wagtail import hooks

from lms.models import Invitation
from lms.privacy.export import log_entries_about
from lms.privacy.models import Consent, DataExport, ErasureRequest


def _account(user) -> dict[str, Any]:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "preferred_language": user.preferred_language,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "active": user.is_active,
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
    }


def _organisation(user) -> dict[str, Any]:
    organisation = user.organisation
    invitations = Invitation.objects.filter(accepted_by=user).select_related("organisation")
    return {
        "member_organisation": None
        if organisation is None
        else {
            "name": organisation.name,
            "country": str(organisation.country),
            "membership_class": organisation.get_membership_class_display(),
            "your_role": user.get_organisation_role_display(),
        },
        "invitations_accepted": [
            {
                "organisation": invitation.organisation.name,
                "role": invitation.get_role_display(),
                "sent_to": invitation.email,
                "sent_at": invitation.created_at,
                "accepted_at": invitation.accepted_at,
            }
            for invitation in invitations.order_by("accepted_at", "pk")
        ],
    }


def export_part(user) -> dict[str, Any]:
    consents = list(
        Consent.objects.filter(user=user).select_related("version").order_by("accepted_at", "pk")
    )
    exports = list(DataExport.objects.filter(user=user).order_by("requested_at", "pk"))
    erasures = list(ErasureRequest.objects.filter(user=user).order_by("requested_at", "pk"))
    return {
        "account": _account(user),
        "organisation": _organisation(user),
        "consents": [
            {
                "notice": consent.version.get_kind_display(),
                "version": consent.version.label,
                "in_force_from": consent.version.effective_on,
                "accepted_at": consent.accepted_at,
                "how": consent.get_source_display(),
            }
            for consent in consents
        ],
        "data_exports": [
            {
                "requested_at": export.requested_at,
                "status": export.get_status_display(),
                "ready_at": export.ready_at,
                "link_valid_until": export.expires_at,
            }
            for export in exports
        ],
        "erasure_requests": [
            {
                "requested_at": request.requested_at,
                "your_reason": request.reason,
                "status": request.get_status_display(),
                "decided_at": request.decided_at,
                "reason_for_the_decision": request.decision_reason,
            }
            for request in erasures
        ],
        "log_entries": log_entries_about(user, [user, *consents, *exports, *erasures]),
    }


hooks.register("privacy_export", export_part, order=-10)
