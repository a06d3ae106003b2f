"""What the app records of its own doings: the audit log's action codes, and the
reminder e-mails already sent."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The audit log's action codes of this app (registered in ``wagtail_hooks``; entries are
# written by ``lms.audit.record``, decisions through ``services.record_decision``).
DECISION_ACTIONS = {
    "accreditation.application.rejected": _("Application rejected"),
    "accreditation.evidence.accepted": _("Evidence accepted"),
    "accreditation.evidence.rejected": _("Evidence rejected"),
    "accreditation.granted": _("Accreditation granted"),
    "accreditation.suspended": _("Accreditation suspended"),
    "accreditation.reinstated": _("Accreditation reinstated"),
    "accreditation.withdrawn": _("Accreditation withdrawn"),
    "accreditation.scope.reduced": _("Accreditation scope reduced"),
    "accreditation.renewed": _("Accreditation renewed"),
    "accreditation.expired": _("Accreditation expired"),
    "accreditation.imported": _("Accreditation imported"),
    "accreditation.firm.granted": _("Firm accreditation granted"),
    "accreditation.firm.renewed": _("Firm accreditation renewed"),
    "accreditation.firm.suspended": _("Firm accreditation suspended"),
    "accreditation.firm.reinstated": _("Firm accreditation reinstated"),
    "accreditation.firm.withdrawn": _("Firm accreditation withdrawn"),
    "accreditation.firm_application.approved": _("Firm application approved"),
    "accreditation.firm_application.rejected": _("Firm application rejected"),
}
# What people do that is not a decision about them, logged all the same.
EVENT_ACTIONS = {
    "accreditation.application.submitted": _("Application submitted"),
    "accreditation.evidence.uploaded": _("Evidence uploaded"),
    "accreditation.auditor.consent_changed": _("Consent to be named on the register changed"),
    "accreditation.affiliation.requested": _("Affiliation to a firm requested"),
    "accreditation.affiliation.confirmed": _("Affiliation to a firm confirmed"),
    "accreditation.affiliation.declined": _("Affiliation to a firm declined"),
    "accreditation.affiliation.ended": _("Affiliation to a firm ended"),
    "accreditation.firm_application.submitted": _("Firm application submitted"),
    "accreditation.firm.admin_added": _("Firm administrator added"),
    "accreditation.firm.admin_removed": _("Firm administrator removed"),
    "accreditation.conduct.accepted": _("Code of conduct accepted"),
}


class ReminderSent(models.Model):
    """A reminder e-mail already sent, so that the daily run is safe to repeat.

    ``key`` names what the reminder is about (``scope:<element pk>:<valid_until>``,
    ``firm:<period pk>`` or ``transition:<version pk>:<auditor pk>``); ``days_before`` is
    90, 30 or 7.
    """

    key = models.CharField(max_length=100)
    days_before = models.PositiveSmallIntegerField()
    recipient = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "days_before", "recipient"], name="reminder_sent_once"
            )
        ]
