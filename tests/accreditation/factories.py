"""Factories for the accreditation app.

The reference data migration seeds PS V3 and CoC V2 with their sectors; the factories reuse
those rows (get-or-create by code / slug) so that tests and the seeded data agree.

Typical use::

    firm = FirmFactory()                       # accredited 2020-01-01 .. 2030-12-31
    acc = AccreditationFactory(firm=firm, scope=[("casthouse", "GN"), ("casthouse", "DE")])
    acc.scope.get(country="GN")                # ScopeElement, with an "active" change row
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from accreditation import models
from lms import roles
from tests.factories import UserFactory

DEFAULT_FROM = datetime.date(2020, 1, 1)
DEFAULT_UNTIL = datetime.date(2030, 12, 31)


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Standard
        django_get_or_create = ("code",)

    code = "PS"
    name = factory.LazyAttribute(
        lambda o: {"PS": "Performance Standard", "CoC": "Chain of Custody Standard"}.get(
            o.code, f"Standard {o.code}"
        )
    )


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Sector
        django_get_or_create = ("standard", "slug")

    standard = factory.SubFactory(StandardFactory)
    slug = factory.Sequence(lambda n: f"sector-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())


class StandardVersionFactory(factory.django.DjangoModelFactory):
    """The seeded current version (PS V3, CoC V2) unless another ``version`` is given."""

    class Meta:
        model = models.StandardVersion
        django_get_or_create = ("standard", "version")
        skip_postgeneration_save = True

    standard = factory.SubFactory(StandardFactory)
    version = factory.LazyAttribute(lambda o: {"PS": "V3", "CoC": "V2"}.get(o.standard.code, "V1"))
    effective_from = datetime.date(2022, 5, 1)

    @factory.post_generation
    def sectors(obj, create, extracted, **kwargs):
        """``sectors=["casthouse", ...]`` (slugs or Sector rows) adds them to the vocabulary."""
        if not create or not extracted:
            return
        for item in extracted:
            sector = item if isinstance(item, models.Sector) else sector_for(obj.standard, item)
            obj.sectors.add(sector)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Programme
        django_get_or_create = ("standard_version",)

    standard_version = factory.SubFactory(StandardVersionFactory)
    name = factory.LazyAttribute(lambda o: f"{o.standard_version} programme")


class RequirementFactory(factory.django.DjangoModelFactory):
    """An 'evidence accepted by staff' requirement unless another kind is given."""

    class Meta:
        model = models.Requirement

    programme = factory.SubFactory(ProgrammeFactory)
    kind = models.Requirement.Kind.EVIDENCE_ACCEPTED
    title = factory.Sequence(lambda n: f"Requirement {n}")
    evidence_description = "A lead-auditor course certificate"


class FirmFactory(factory.django.DjangoModelFactory):
    """An audit firm with one accreditation period: 2020-01-01 .. 2030-12-31 by default,
    ``period=(from, until)`` for other dates, ``period=False`` for none."""

    class Meta:
        model = models.AuditFirm
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Audit Firm {n}")
    slug = factory.Sequence(lambda n: f"audit-firm-{n}")
    country = "DE"
    scheme = models.AuditFirm.Scheme.ISO_17065
    accreditation_body = "DAkkS"
    accreditation_number = factory.Sequence(lambda n: f"D-ZE-{10000 + n}")

    @factory.post_generation
    def period(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        valid_from, valid_until = extracted or (DEFAULT_FROM, DEFAULT_UNTIL)
        models.FirmAccreditationPeriod.objects.create(
            firm=obj, valid_from=valid_from, valid_until=valid_until
        )

    @factory.post_generation
    def admins(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.admins.add(*extracted)


class FirmScopeElementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FirmScopeElement

    firm = factory.SubFactory(FirmFactory)
    sector = factory.LazyFunction(lambda: sector_for("PS", "casthouse"))
    country = "DE"
    valid_from = DEFAULT_FROM
    valid_until = None


class AuditorFactory(factory.django.DjangoModelFactory):
    """An auditor profile with its user (in the Auditors group). ``firm=`` adds a
    confirmed affiliation."""

    class Meta:
        model = models.AuditorProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role=roles.AUDITOR)
    is_lead_auditor = False
    languages = "English"
    listed_consent = True

    @factory.post_generation
    def firm(obj, create, extracted, **kwargs):
        if create and extracted:
            confirmed_affiliation(auditor=obj, firm=extracted)


AuditorProfileFactory = AuditorFactory


class AffiliationFactory(factory.django.DjangoModelFactory):
    """A confirmed affiliation (``status=...PENDING`` for a request waiting for the firm)."""

    class Meta:
        model = models.Affiliation

    auditor = factory.SubFactory(AuditorFactory)
    firm = factory.SubFactory(FirmFactory)
    status = models.Affiliation.Status.CONFIRMED
    requested_at = factory.LazyFunction(timezone.now)


def confirmed_affiliation(*, auditor, firm) -> models.Affiliation:
    """The auditor's open affiliation to the firm; created confirmed when missing (an
    existing request is left as it is)."""
    affiliation, _created = models.Affiliation.objects.get_or_create(
        auditor=auditor,
        firm=firm,
        until__isnull=True,
        defaults={"status": models.Affiliation.Status.CONFIRMED},
    )
    return affiliation


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft application. ``sectors=["casthouse"]`` (slugs of the version's standard)."""

    class Meta:
        model = models.Application
        skip_postgeneration_save = True

    auditor = factory.SubFactory(AuditorFactory)
    firm = factory.SubFactory(FirmFactory)
    standard_version = factory.SubFactory(StandardVersionFactory)
    countries = factory.LazyFunction(lambda: ["DE"])

    @factory.post_generation
    def sectors(obj, create, extracted, **kwargs):
        if not create:
            return
        for item in extracted or ["casthouse"]:
            sector = (
                item
                if isinstance(item, models.Sector)
                else sector_for(obj.standard_version.standard, item)
            )
            obj.sectors.add(sector)

    @factory.post_generation
    def affiliate(obj, create, extracted, **kwargs):
        if create:
            confirmed_affiliation(auditor=obj.auditor, firm=obj.firm)


class AccreditationFactory(factory.django.DjangoModelFactory):
    """A granted accreditation with scope elements, each with an "active" status row.

    ``scope=[("casthouse", "GN"), ...]`` (sector slug, country); default one element
    (casthouse, DE). ``valid_from`` / ``valid_until`` are the elements' dates.
    ``affiliate=False`` skips the auditor's affiliation to the firm.
    """

    class Meta:
        model = models.Accreditation
        skip_postgeneration_save = True

    auditor = factory.SubFactory(AuditorFactory)
    firm = factory.SubFactory(FirmFactory)
    standard_version = factory.SubFactory(StandardVersionFactory)
    source = models.Accreditation.Source.GRANTED
    granted_at = factory.LazyFunction(timezone.now)
    valid_from = DEFAULT_FROM
    valid_until = DEFAULT_UNTIL

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        dates = (kwargs.pop("valid_from"), kwargs.pop("valid_until"))
        obj = super()._create(model_class, *args, **kwargs)
        obj._factory_dates = dates
        return obj

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        kwargs.pop("valid_from")
        kwargs.pop("valid_until")
        return super()._build(model_class, *args, **kwargs)

    @factory.post_generation
    def scope(obj, create, extracted, **kwargs):
        if not create:
            return
        valid_from, valid_until = obj._factory_dates
        for sector_slug, country in extracted or [("casthouse", "DE")]:
            sector = (
                sector_slug
                if isinstance(sector_slug, models.Sector)
                else sector_for(obj.standard_version.standard, sector_slug)
            )
            element = models.ScopeElement.objects.create(
                accreditation=obj,
                sector=sector,
                country=country,
                valid_from=valid_from,
                valid_until=valid_until,
            )
            models.ScopeStatusChange.objects.create(
                element=element, status=models.ScopeStatus.ACTIVE, effective_from=valid_from
            )

    @factory.post_generation
    def affiliate(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            confirmed_affiliation(auditor=obj.auditor, firm=obj.firm)


def sector_for(standard: models.Standard | str, slug: str) -> models.Sector:
    """The sector ``slug`` of ``standard`` (a Standard or its code), created if missing."""
    if isinstance(standard, str):
        standard = StandardFactory(code=standard)
    return SectorFactory(standard=standard, slug=slug)
