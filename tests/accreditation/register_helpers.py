"""Test data for the public register: many listed auditors, made quickly with bulk_create."""

from __future__ import annotations

import datetime
import secrets

from django.utils import timezone

from accreditation import models
from lms.models import User
from tests.accreditation.factories import (
    DEFAULT_FROM,
    DEFAULT_UNTIL,
    FirmFactory,
    StandardVersionFactory,
    sector_for,
)

COUNTRIES = ["CN", "DE", "GN", "BR", "AU", "CA", "IN", "NO"]
SECTORS = ["casthouse", "aluminium-smelting", "bauxite-mining", "semi-fabrication"]


def bulk_register(
    count: int,
    *,
    firms: int = 4,
    elements_each: int = 2,
    prefix: str = "bulk",
    listed: bool = True,
) -> list[models.AuditorProfile]:
    """``count`` auditors on the register, each with one PS accreditation through one of
    ``firms`` firms and ``elements_each`` active scope elements (a handful of INSERTs)."""
    version = StandardVersionFactory(standard__code="PS")
    sectors = [sector_for(version.standard, slug) for slug in SECTORS]
    firm_rows = [
        FirmFactory(name=f"{prefix} firm {i}", slug=f"{prefix}-firm-{i}") for i in range(firms)
    ]
    users = User.objects.bulk_create(
        [
            User(email=f"{prefix}{i}@example.org", full_name=f"{prefix.title()} Auditor {i:05d}")
            for i in range(count)
        ]
    )
    if users and users[0].pk is None:  # backends without RETURNING
        users = list(User.objects.filter(email__startswith=prefix).order_by("pk"))
    profiles = models.AuditorProfile.objects.bulk_create(
        [models.AuditorProfile(user=user, listed_consent=listed) for user in users]
    )
    if profiles and profiles[0].pk is None:
        profiles = list(models.AuditorProfile.objects.filter(user__in=users).order_by("pk"))
    models.Affiliation.objects.bulk_create(
        [
            models.Affiliation(
                auditor=profile,
                firm=firm_rows[i % firms],
                status=models.Affiliation.Status.CONFIRMED,
            )
            for i, profile in enumerate(profiles)
        ]
    )
    now = timezone.now()
    accreditations = models.Accreditation.objects.bulk_create(
        [
            models.Accreditation(
                auditor=profile,
                firm=firm_rows[i % firms],
                standard_version=version,
                granted_at=now,
                code=secrets.token_urlsafe(12),
            )
            for i, profile in enumerate(profiles)
        ]
    )
    elements = models.ScopeElement.objects.bulk_create(
        [
            models.ScopeElement(
                accreditation=accreditation,
                sector=sectors[(i + j) % len(sectors)],
                country=COUNTRIES[(i + j) % len(COUNTRIES)],
                valid_from=DEFAULT_FROM,
                valid_until=DEFAULT_UNTIL,
            )
            for i, accreditation in enumerate(accreditations)
            for j in range(elements_each)
        ]
    )
    models.ScopeStatusChange.objects.bulk_create(
        [
            models.ScopeStatusChange(
                element=element, status=models.ScopeStatus.ACTIVE, effective_from=DEFAULT_FROM
            )
            for element in elements
        ]
    )
    return profiles


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)
