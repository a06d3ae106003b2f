"""The role groups. Their permissions are set by data migrations, never by hand.

Each app grants its own permissions to these groups in its own data migration, so that
``lms`` depends on nothing of ours.
"""

from django.utils.translation import gettext_lazy as _

MEMBER = "Members"
AUDITOR = "Auditors"
FIRM_ADMIN = "Audit firm admins"
SECRETARIAT = "Secretariat"

ALL = (MEMBER, AUDITOR, FIRM_ADMIN, SECRETARIAT)

DESCRIPTIONS = {
    MEMBER: _("Staff of a member organisation whose membership is active."),
    AUDITOR: _("Auditors with an auditor profile."),
    FIRM_ADMIN: _("Administrators of an audit firm."),
    SECRETARIAT: _("Secretariat staff: run the platform from the Wagtail admin."),
}
