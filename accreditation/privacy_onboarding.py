"""Firm onboarding's part of erasure (``lms.privacy.erasure``, the ``privacy_erasure``
hook): the applicant's own details on their firm applications (the first administrator's
name and e-mail, the contact phone) are replaced by the pseudonym; the applications stay,
as the firm's record of how it was accredited. Imported from ``wagtail_hooks``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from accreditation.models import FirmApplication
from lms.privacy.erasure import ErasurePart, PlanLine, count_label, erased_email


def firm_applications_erasure_part(user):
    applications = FirmApplication.objects.filter(applicant=user)
    count = applications.count()
    if not count:
        return None

    def erase(user, pseudonym: str) -> dict[str, int]:
        changed = applications.update(
            admin_name=pseudonym, admin_email=erased_email(user), contact_phone=""
        )
        return {"firm_applications": changed}

    return ErasurePart(
        code="firm_applications",
        title=str(_("Audit firm applications")),
        erased=[
            PlanLine(
                count_label(
                    count,
                    _("Your name, e-mail and phone on %(count)s firm application"),
                    _("Your name, e-mail and phone on %(count)s firm applications"),
                )
            )
        ],
        kept=[
            PlanLine(
                _("The firm applications themselves"),
                _("The firms' record of how they were accredited, under the pseudonym."),
            )
        ],
        erase=erase,
    )


hooks.register("privacy_erasure", firm_applications_erasure_part)
