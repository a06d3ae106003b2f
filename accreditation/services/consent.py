"""An auditor's consent to be named on the public register: explicit, dated, withdrawable.

Each grant and each withdrawal is a :class:`~accreditation.models.RegisterConsent` row
(who, when, how); ``AuditorProfile.listed_consent`` mirrors the latest row so that the
register's queries stay one join, and is written only here, with its row, in one
transaction. Withdrawing takes the person off every public listing at once: the register
pages, its CSV export and the JSON API read ``listed_consent``, and saving the profile
purges the register's cache after commit (``accreditation.cache``, the same purge as a
suspension's). Re-granting lists the person again.

Register policy for certificate verification (``/verify/<code>/``): whoever holds a
certificate's code was given it by the holder, so verification keeps answering whether
the accreditation is valid, with the holder's name, whatever the register consent; it
never lists or searches people.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accreditation.cache import purge_on_commit
from accreditation.models import AuditorProfile, RegisterConsent
from lms import audit


def register_consent_set(
    *,
    profile: AuditorProfile,
    granted: bool,
    actor=None,
    source: str = RegisterConsent.Source.PROFILE,
    now: datetime.datetime | None = None,
) -> RegisterConsent | None:
    """Grants or withdraws ``profile``'s consent to be named on the register, records the
    dated row and the audit entry, and returns the row (None when nothing changes: the
    consent in force is already ``granted``)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = AuditorProfile.objects.select_for_update().get(pk=profile.pk)
        if locked.listed_consent == granted:
            profile.listed_consent = granted
            return None
        locked.listed_consent = granted
        locked.save(update_fields=["listed_consent"])
        profile.listed_consent = granted
        record = RegisterConsent.objects.create(
            auditor=locked,
            granted=granted,
            at=now,
            source=source,
            by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(
            "accreditation.auditor.consent_changed",
            instance=locked,
            user=actor,
            data={"listed_consent": granted},  # the row holds when and how
        )
        purge_on_commit()
    return record


def register_consent_history(profile: AuditorProfile) -> list[RegisterConsent]:
    """Every grant and withdrawal of ``profile``, newest first."""
    if profile.pk is None:
        return []
    return list(profile.register_consents.all())
