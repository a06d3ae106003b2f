"""Demo identities for the embedded default. Never run in production (seed_demo refuses)."""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from lms import roles
from lms.models import MembershipClass, Organisation, OrganisationRole, User

# Shown in the README so that a newcomer can sign in to the back office at once:
# `oathtool --totp -b JBSWY3DPEHPK3PXP` prints the current code.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"

DEMO_ACCOUNTS = [
    # e-mail, password, full name, role group
    ("staff@example.org", "demo-staff-2026", "Sam Secretariat", roles.SECRETARIAT),
    ("member@example.org", "demo-member-2026", "Maria Member", roles.MEMBER),
    ("auditor@example.org", "demo-auditor-2026", "Ade Auditor", roles.AUDITOR),
    ("firmadmin@example.org", "demo-firmadmin-2026", "Fiona Firm-Admin", roles.FIRM_ADMIN),
    ("manager@example.org", "demo-manager-2026", "Magnus Manager", roles.MEMBER),
]

# The demo organisation's manager (above) and, besides the member account, a colleague
# whose account was made by an import: no password until they answer their invitation.
MANAGER_EMAIL = "manager@example.org"
COLLEAGUE = ("colleague@example.org", "Camille Colleague")


def seed(stdout=None) -> dict[str, User]:
    """Creates (once) the demo organisations, one account per role, and the member
    organisation's manager with two colleagues."""
    organisation, _ = Organisation.objects.get_or_create(
        name="Nordic Aluminium AS",
        defaults={
            "country": "NO",
            "membership_class": MembershipClass.PRODUCTION_TRANSFORMATION,
            "membership_active_from": datetime.date(2023, 1, 1),
        },
    )
    Organisation.objects.get_or_create(
        name="Lapsed Metals Ltd",
        defaults={
            "country": "GB",
            "membership_class": MembershipClass.INDUSTRIAL_USERS,
            "membership_active_from": datetime.date(2020, 1, 1),
            "membership_active_until": datetime.date(2024, 12, 31),
        },
    )
    users: dict[str, User] = {}
    for email, password, full_name, group_name in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=password, full_name=full_name)
            if stdout:
                stdout.write(f"  created {email} ({group_name})")
        user.groups.add(Group.objects.get(name=group_name))
        if group_name == roles.MEMBER and user.organisation_id is None:
            user.organisation = organisation
            user.save(update_fields=["organisation"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        users.setdefault(group_name, user)

    manager = User.objects.get(email=MANAGER_EMAIL)
    if manager.organisation_role != OrganisationRole.MANAGER:
        manager.organisation_role = OrganisationRole.MANAGER
        manager.save(update_fields=["organisation_role"])
    email, full_name = COLLEAGUE
    if not User.objects.filter(email=email).exists():
        colleague = User.objects.create_user(
            email=email, password=None, full_name=full_name, organisation=organisation
        )
        colleague.groups.add(Group.objects.get(name=roles.MEMBER))
        if stdout:
            stdout.write(f"  created {email} (colleague without a password yet)")

    staff = users[roles.SECRETARIAT]
    if not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(staff, DEMO_TOTP_SECRET)
        RecoveryCodes.activate(staff)
    return users
