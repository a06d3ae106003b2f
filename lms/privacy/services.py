"""Writes of the privacy app: recording consent, publishing a new version of a notice."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import audit
from lms.errors import ServiceError
from lms.privacy.models import Consent, ConsentSource, PolicyVersion


class PrivacyError(ServiceError):
    """A privacy request the rules refuse."""


def record_acceptance(
    *,
    user,
    versions: Iterable[PolicyVersion],
    source: str = ConsentSource.RECONSENT,
    now: datetime.datetime | None = None,
) -> list[Consent]:
    """Records that ``user`` accepted each of ``versions`` now, and returns the new consents.

    Precondition: every version is in force (or was: accepting an older version the person
    never accepted is harmless); a version not yet in force cannot be accepted. A version
    the person already accepted is skipped, so sending the form twice records one consent.
    """
    if user is None or not user.is_authenticated:
        raise PrivacyError(_("Sign in to accept the terms and the privacy notice."))
    now = now or timezone.now()
    versions = list(versions)
    today = timezone.localdate(now)
    if any(version.effective_on > today for version in versions):
        raise PrivacyError(_("This version is not in force yet."))
    created: list[Consent] = []
    with transaction.atomic():
        done = set(
            Consent.objects.filter(user=user, version__in=versions).values_list(
                "version_id", flat=True
            )
        )
        for version in versions:
            if version.pk in done:
                continue
            try:
                with transaction.atomic():
                    consent = Consent.objects.create(
                        user=user, version=version, accepted_at=now, source=source
                    )
            except IntegrityError:  # accepted in a parallel request a moment ago
                continue
            done.add(version.pk)
            audit.record(
                "privacy.consent.recorded",
                instance=consent,
                user=user,
                data={
                    "kind": version.kind,
                    "version": version.label,
                    "version_id": version.pk,
                    "source": source,
                    "accepted_at": now.isoformat(),
                },
                title=f"{version} – {user.pk}",
            )
            created.append(consent)
    return created


def policy_version_create(
    *,
    actor,
    kind: str,
    label: str,
    effective_on: datetime.date,
    page,
    summary: str = "",
) -> PolicyVersion:
    """Publishes a new version of a notice. From ``effective_on`` on, every signed-in person
    is asked to accept it. The page must be live, so that people can read what they accept."""
    if effective_on < timezone.localdate():
        raise PrivacyError(_("A new version cannot come into force in the past."))
    if not page.live:
        raise PrivacyError(_("Publish the page with the text of this version first."))
    if PolicyVersion.objects.filter(kind=kind, label=label).exists():
        raise PrivacyError(_("A version with this name exists already."))
    with transaction.atomic():
        version = PolicyVersion.objects.create(
            kind=kind, label=label, effective_on=effective_on, page=page, summary=summary
        )
        audit.record(
            "privacy.version.created",
            instance=version,
            user=actor,
            data={
                "kind": kind,
                "version": label,
                "effective_on": effective_on.isoformat(),
                "page_id": page.pk,
            },
        )
    return version


def policy_version_update(
    *,
    version: PolicyVersion,
    actor,
    label: str,
    effective_on: datetime.date,
    page,
    summary: str = "",
) -> PolicyVersion:
    """Changes a version that is not in force yet. A version in force (or past) is what
    people accepted: it cannot change; publish a new version instead."""
    today = timezone.localdate()
    if version.effective_on <= today or version.consents.exists():
        raise PrivacyError(
            _("This version is in force and people accepted it: publish a new version instead.")
        )
    if effective_on < today:
        raise PrivacyError(_("A changed version cannot come into force in the past."))
    if not page.live:
        raise PrivacyError(_("Publish the page with the text of this version first."))
    before = {"version": version.label, "effective_on": version.effective_on.isoformat()}
    with transaction.atomic():
        version.label = label
        version.effective_on = effective_on
        version.page = page
        version.summary = summary
        version.save(update_fields=["label", "effective_on", "page", "summary"])
        audit.record(
            "privacy.version.updated",
            instance=version,
            user=actor,
            data={
                "before": before,
                "after": {"version": label, "effective_on": effective_on.isoformat()},
            },
        )
    return version


def policy_version_delete(*, version: PolicyVersion, actor) -> None:
    """Withdraws a version that is not in force yet (nobody can have accepted it)."""
    if version.effective_on <= timezone.localdate() or version.consents.exists():
        raise PrivacyError(
            _("This version is in force and people accepted it: publish a new version instead.")
        )
    with transaction.atomic():
        audit.record(
            "privacy.version.deleted",
            instance=version,
            user=actor,
            data={"kind": version.kind, "version": version.label},
        )
        version.delete()
