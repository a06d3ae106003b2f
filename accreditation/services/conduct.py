"""The code of conduct: an auditor accepts a version (a dated record, never edited), and
the audit log says so (``accreditation.conduct.accepted``, by the auditor).

The register follows at once: saving the acceptance refreshes the auditor's entry in the
same transaction (``services.register``, through the acceptance's signal).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation.models import AuditorProfile, CodeOfConductAcceptance, CodeOfConductVersion
from accreditation.services.base import AccreditationError
from lms import audit


def conduct_acceptable(version: CodeOfConductVersion, on: datetime.date) -> bool:
    """A version may be accepted while it is in force on ``on`` or published to come into
    force later; one replaced by a newer version in force may not."""
    return version.in_force_from > on or CodeOfConductVersion.objects.in_force_on(on) == version


@transaction.atomic
def conduct_accept(
    *, auditor: AuditorProfile, version: CodeOfConductVersion, at: datetime.datetime | None = None
) -> CodeOfConductAcceptance:
    """Records that ``auditor`` accepted ``version`` (at ``at``, default now) and returns
    the record. Accepting a version twice keeps the first record. Refuses a version that a
    newer one has replaced."""
    existing = CodeOfConductAcceptance.objects.filter(auditor=auditor, version=version).first()
    if existing is not None:
        return existing
    at = at or timezone.now()
    if not conduct_acceptable(version, timezone.localdate(at)):
        raise AccreditationError(
            _(
                "Version %(version)s of the code of conduct has been replaced: accept the "
                "version in force."
            )
            % {"version": version.label}
        )
    acceptance, created = CodeOfConductAcceptance.objects.get_or_create(
        auditor=auditor, version=version, defaults={"accepted_at": at}
    )
    if created:
        audit.record(
            "accreditation.conduct.accepted",
            instance=auditor,
            user=auditor.user,
            data={"version": version.label, "version_id": version.pk},
        )
    return acceptance
