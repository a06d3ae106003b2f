"""Demo accreditation content: firms and auditors in different states, so that the register
and the eligibility answers are worth looking at. Idempotent: running it twice changes nothing.

- Nordic Certification AS (NO): accredited; admin firmadmin@example.org.
  - auditor@example.org (Ade Auditor): CoC V2, casthouse + post-casthouse in NO, SE, DE,
    active; plus an open PS V3 application (in training).
  - Elin Expiring: PS V3 aluminium-smelting in NO / IS, expires in 45 days.
  - Rui Reduced: CoC V2 casthouse in DE, FR, PL; FR removed from the scope.
- Andes Assurance SAC (PE): accredited.
  - Sofia Suspended: PS V3 bauxite-mining in BR, GN, suspended.
  - Carlos Consentless: PS V3 alumina-refining in BR, active, not named on the register.
- Guinea Audit SARL (GN): firm suspended, so its auditor is not eligible through it.
  - Moussa Firm-Suspended: PS V3 bauxite-mining in GN.
- Legacy Register GmbH (DE): an imported accreditation (source "imported").
- Every firm has its own scope (``FIRM_SCOPE``), covering its auditors' scope.
- Paula Pending asks to work under Nordic Certification AS: a request waiting for the firm
  admin's confirmation (on "My firm").
- Three registered specialists (not auditors): Ana Paula Ferreira (BR, Portuguese, community
  engagement and FPIC), Mamadou Sow (GN, French, Pular and Susu, human rights and community
  engagement), Grace Walker (AU, English and Kriol, environment; her listing has ended).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from accreditation import services
from accreditation.models import (
    Accreditation,
    Affiliation,
    Application,
    AuditFirm,
    AuditorProfile,
    Evidence,
    FirmAccreditationPeriod,
    FirmScopeElement,
    Programme,
    RegisteredSpecialist,
    Requirement,
    ScopeElement,
    ScopeStatus,
    ScopeStatusChange,
    Sector,
    Standard,
    StandardVersion,
)
from courses.models import Course
from lms import roles
from lms.models import User

FIRMS = [
    # name, slug, country, scheme, body, number
    (
        "Nordic Certification AS",
        "nordic-certification",
        "NO",
        "17065",
        "Norsk Akkreditering",
        "P-123",
    ),
    ("Andes Assurance SAC", "andes-assurance", "PE", "17021", "INACAL-DA", "OC-045"),
    ("Guinea Audit SARL", "guinea-audit", "GN", "17065", "SOAC", "SOAC-17-009"),
    ("Legacy Register GmbH", "legacy-register", "DE", "17065", "DAkkS", "D-ZE-19001"),
]

PEOPLE = [
    # email, name, consent, lead
    ("elin.expiring@example.org", "Elin Expiring", True, True),
    ("rui.reduced@example.org", "Rui Reduced", True, False),
    ("sofia.suspended@example.org", "Sofia Suspended", True, True),
    ("carlos.consentless@example.org", "Carlos Consentless", False, False),
    ("moussa.firm@example.org", "Moussa Firm-Suspended", True, False),
    ("lena.legacy@example.org", "Lena Legacy", True, False),
]


def _say(stdout, text):
    if stdout:
        stdout.write(f"  {text}")


def _version(code: str) -> StandardVersion:
    return StandardVersion.objects.filter(standard__code=code).order_by("-effective_from").first()


def _sector(code: str, slug: str) -> Sector:
    return Sector.objects.get(standard__code=code, slug=slug)


def _person(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=name)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=roles.AUDITOR))
    return user


def _profile(
    user: User, *, consent: bool, lead: bool, languages: str = "English"
) -> AuditorProfile:
    profile, _ = AuditorProfile.objects.get_or_create(
        user=user,
        defaults={"listed_consent": consent, "is_lead_auditor": lead, "languages": languages},
    )
    return profile


def _accredit(
    *,
    auditor: AuditorProfile,
    firm: AuditFirm,
    code: str,
    scope: list[tuple[str, str]],
    valid_from: datetime.date,
    valid_until: datetime.date,
    staff: User,
    source: str = Accreditation.Source.GRANTED,
) -> tuple[Accreditation, bool]:
    version = _version(code)
    existing = Accreditation.objects.filter(
        auditor=auditor, firm=firm, standard_version=version
    ).first()
    if existing:
        return existing, False
    Affiliation.objects.get_or_create(
        auditor=auditor,
        firm=firm,
        until__isnull=True,
        defaults={"status": Affiliation.Status.CONFIRMED},
    )
    application = None
    if source == Accreditation.Source.GRANTED:
        application = Application.objects.create(
            auditor=auditor,
            firm=firm,
            standard_version=version,
            status=Application.Status.GRANTED,
            countries=sorted({c for _s, c in scope}),
            submitted_at=timezone.now(),
            decided_at=timezone.now(),
        )
        application.sectors.set({_sector(code, s) for s, _c in scope})
    accreditation = Accreditation.objects.create(
        auditor=auditor,
        firm=firm,
        standard_version=version,
        application=application,
        source=source,
        granted_at=timezone.now(),
    )
    services.record_decision(
        action="accreditation.granted"
        if source == Accreditation.Source.GRANTED
        else "accreditation.imported",
        user=staff if source == Accreditation.Source.GRANTED else None,
        reason="Demo data: training, exam and evidence complete."
        if source == Accreditation.Source.GRANTED
        else "Imported from the previous register (demo).",
        accreditation=accreditation,
        application=application,
        data={"valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat()},
        notify=False,
    )
    for slug, country in scope:
        element = ScopeElement.objects.create(
            accreditation=accreditation,
            sector=_sector(code, slug),
            country=country,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        ScopeStatusChange.objects.create(
            element=element, status=ScopeStatus.ACTIVE, effective_from=valid_from
        )
    return accreditation, True


def _programme_requirements(stdout) -> None:
    """Evidence requirements for every programme, and course / exam requirements when the
    demo courses and exams exist (they are seeded before this module)."""
    for programme in Programme.objects.select_related("standard_version__standard"):
        code = programme.standard_version.standard.code
        Requirement.objects.get_or_create(
            programme=programme,
            title="Lead-auditor course certificate",
            defaults={
                "kind": Requirement.Kind.EVIDENCE_ACCEPTED,
                "evidence_description": "A certificate of a recognised lead-auditor course "
                "(ISO 19011 based).",
                "sort_order": 10,
            },
        )
        Requirement.objects.get_or_create(
            programme=programme,
            title="CV with audit days",
            defaults={
                "kind": Requirement.Kind.EVIDENCE_ACCEPTED,
                "evidence_description": "A CV showing at least 20 audit days in the last "
                "three years.",
                "sort_order": 20,
            },
        )
        names = {"PS": "Performance Standard", "CoC": "Chain of Custody"}
        course = Course.objects.filter(
            audience="auditors", title__icontains=names.get(code, code)
        ).first()
        module_sector = Sector.objects.filter(standard__code=code, slug="semi-fabrication").first()
        if course and not programme.requirements.filter(kind="course").exists():
            # A sector-specific module: the open demo application (PS, casthouse and
            # semi-fabrication) shows it with its link; the demo accreditations hold other
            # sectors, so their eligibility does not depend on demo course results.
            Requirement.objects.create(
                programme=programme,
                kind=Requirement.Kind.COURSE_COMPLETED,
                title=f"{course.title} (valid 24 months; a refresher renews it)",
                course=course,
                sector=module_sector,
                recency_months=24,
                sort_order=30,
            )
        # The demo exam is not required: demo people cannot sit it for real.
    _say(stdout, "programme requirements ready")


def _meet_requirements(accreditation: Accreditation, staff: User | None) -> None:
    """Demo holders of granted accreditations have their evidence accepted. (Course and exam
    results cannot be faked honestly: the demo course requirement is sector-specific to a
    sector no demo accreditation holds, see ``_programme_requirements``.)"""
    from django.core.files.base import ContentFile

    programme = getattr(accreditation.standard_version, "programme", None)
    if programme is None or accreditation.application is None:
        return
    for requirement in programme.requirements.all():
        if (
            requirement.kind == Requirement.Kind.EVIDENCE_ACCEPTED
            and not Evidence.objects.filter(
                application=accreditation.application, requirement=requirement
            ).exists()
        ):
            Evidence.objects.create(
                application=accreditation.application,
                requirement=requirement,
                description=requirement.title,
                file=ContentFile(b"Demo evidence.\n", name="demo-evidence.txt"),
                status=Evidence.Status.ACCEPTED,
                reviewed_by=staff,
                reviewed_at=timezone.now(),
                review_note="Demo: accepted.",
            )


def seed(stdout=None) -> None:
    today = timezone.localdate()
    staff = User.objects.filter(email="staff@example.org").first()
    _programme_requirements(stdout)
    firms = _seed_firms(today, staff, stdout)
    start = today - datetime.timedelta(days=400)
    _seed_demo_auditor(firms, start, staff, stdout)
    _seed_people(firms, today, start, staff)
    _seed_legacy_import(firms, today, staff)
    _seed_pending_affiliation(firms)
    _seed_firm_application(today)
    _seed_specialists(today)
    for accreditation in Accreditation.objects.filter(
        source=Accreditation.Source.GRANTED,
        auditor__user__email__in=[p[0] for p in PEOPLE] + ["auditor@example.org"],
    ).select_related("auditor__user", "application", "standard_version"):
        _meet_requirements(accreditation, staff)
    _seed_code_of_conduct(today, stdout)
    _say(stdout, "accreditation demo ready")


CODE_OF_CONDUCT = """<p>Accredited auditors act with integrity, impartiality and competence.</p>
<ul>
<li>Declare any conflict of interest before accepting an audit, and decline it if the
conflict cannot be managed.</li>
<li>Accept no gift, payment or favour from the audited organisation.</li>
<li>Keep what you learn during an audit confidential, unless the law requires otherwise.</li>
<li>Report what you find truthfully, and only within your accredited scope.</li>
<li>Tell the secretariat at once of any change that affects your accreditation.</li>
</ul>"""


def _seed_code_of_conduct(today: datetime.date, stdout) -> None:
    """A code of conduct version in force since before every demo accreditation, accepted by
    every accredited demo auditor on its first day (so that the register stays as it is and
    past dates answer the same). Paula Pending, not accredited, has not accepted it: her
    dashboard and profile show the prompt. Once: existing rows are left as they are."""
    from django.db import transaction

    from accreditation.models import CodeOfConductAcceptance, CodeOfConductVersion
    from accreditation.services.register import register_batch

    in_force_from = datetime.date(today.year - 3, 1, 1)
    accepted_at = timezone.make_aware(datetime.datetime.combine(in_force_from, datetime.time(9)))
    with transaction.atomic(), register_batch():  # one refresh of the register at the end
        version, created = CodeOfConductVersion.objects.get_or_create(
            label="1.0",
            defaults={
                "title": "Code of conduct for accredited auditors",
                "body": CODE_OF_CONDUCT,
                "in_force_from": in_force_from,
            },
        )
        accredited = AuditorProfile.objects.filter(accreditations__isnull=False).distinct()
        for auditor in accredited.exclude(conduct_acceptances__version=version):
            CodeOfConductAcceptance.objects.create(
                auditor=auditor, version=version, accepted_at=accepted_at
            )
    if created:
        _say(stdout, "code of conduct 1.0 in force, accepted by the accredited auditors")


def _seed_firms(today: datetime.date, staff, stdout) -> dict[str, AuditFirm]:
    """The demo firms with two yearly periods each (the legacy one has none of its own),
    Guinea Audit suspended, and the demo firm admin running Nordic Certification."""
    firms: dict[str, AuditFirm] = {}
    for name, slug, country, scheme, body, number in FIRMS:
        firm, created = AuditFirm.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "country": country,
                "scheme": scheme,
                "accreditation_body": body,
                "accreditation_number": number,
            },
        )
        firms[slug] = firm
        if created:
            _say(stdout, f"created firm {name}")
            if slug != "legacy-register":
                FirmAccreditationPeriod.objects.create(
                    firm=firm,
                    valid_from=datetime.date(today.year - 2, 1, 1),
                    valid_until=datetime.date(today.year - 1, 12, 31),
                )
                FirmAccreditationPeriod.objects.create(
                    firm=firm,
                    valid_from=datetime.date(today.year, 1, 1),
                    valid_until=datetime.date(today.year, 12, 31),
                    source="renewed",
                )
            if slug == "guinea-audit":
                services.firm_accreditation_suspend(
                    firm=firm,
                    actor=staff,
                    reason="Demo: the firm's ISO/IEC 17065 accreditation is under review.",
                    effective=today - datetime.timedelta(days=20),
                )
    firmadmin = User.objects.filter(email="firmadmin@example.org").first()
    if firmadmin:
        firms["nordic-certification"].admins.add(firmadmin)
    _seed_firm_scope(firms, today)
    return firms


# Each firm's own scope: (standard, sector, countries). It covers every demo accreditation
# granted through the firm (the register shows an auditor's scope only where the firm's own
# scope covers it) and the open demo application, and a little more, as a real firm's does.
FIRM_SCOPE = {
    "nordic-certification": [
        ("CoC", "casthouse", ("NO", "SE", "DE", "FR", "PL", "IS")),
        ("CoC", "post-casthouse", ("NO", "SE", "DE")),
        ("PS", "aluminium-smelting", ("NO", "IS")),
        ("PS", "casthouse", ("NO", "SE")),
        ("PS", "semi-fabrication", ("NO", "SE")),
    ],
    "andes-assurance": [
        ("PS", "bauxite-mining", ("BR", "GN", "PE")),
        ("PS", "alumina-refining", ("BR",)),
    ],
    "guinea-audit": [
        ("PS", "bauxite-mining", ("GN",)),
        ("PS", "alumina-refining", ("GN",)),
    ],
    "legacy-register": [
        ("CoC", "aluminium-remelting-refining", ("DE", "AT")),
    ],
}


def _seed_firm_scope(firms: dict[str, AuditFirm], today: datetime.date) -> None:
    """The firms' own scope, open-ended from the start of their first period (the legacy
    firm's from its imported accreditation). Idempotent: an element the firm already has,
    whatever its dates, is left as it is."""
    for slug, lines in FIRM_SCOPE.items():
        firm = firms[slug]
        first_period = firm.periods.order_by("valid_from").first()
        valid_from = (
            first_period.valid_from
            if first_period
            else datetime.date(today.year - 1, 7, 1)  # the legacy import's start
        )
        existing = set(firm.scope.values_list("sector_id", "country"))
        for code, slug_, countries in lines:
            sector = _sector(code, slug_)
            for country in countries:
                if (sector.pk, country) not in existing:
                    FirmScopeElement.objects.create(
                        firm=firm, sector=sector, country=country, valid_from=valid_from
                    )


def _seed_demo_auditor(firms, start: datetime.date, staff, stdout) -> None:
    """auditor@example.org: accredited for CoC, with an open PS application in training."""
    ade = User.objects.filter(email="auditor@example.org").first()
    if not ade:
        return
    profile = _profile(ade, consent=True, lead=True, languages="English, French")
    _accreditation, created = _accredit(
        auditor=profile,
        firm=firms["nordic-certification"],
        code="CoC",
        scope=[
            (sector, country)
            for sector in ("casthouse", "post-casthouse")
            for country in ("NO", "SE", "DE")
        ],
        valid_from=start,
        valid_until=start + datetime.timedelta(days=3 * 365),
        staff=staff,
    )
    if created:
        _say(stdout, "accredited auditor@example.org (CoC)")
    if not Application.objects.filter(auditor=profile, standard_version=_version("PS")).exists():
        application = services.application_create(
            auditor=profile,
            firm=firms["nordic-certification"],
            standard_version=_version("PS"),
            sectors=[_sector("PS", "casthouse"), _sector("PS", "semi-fabrication")],
            countries=["NO", "SE"],
        )
        services.application_submit(application=application, by=ade)


def _seed_people(firms, today: datetime.date, start: datetime.date, staff) -> None:
    """The demo auditors of ``PEOPLE``, each in the state the module docstring lists."""
    people = {
        email: _profile(_person(email, name), consent=consent, lead=lead)
        for email, name, consent, lead in PEOPLE
    }
    three_years = start + datetime.timedelta(days=3 * 365)
    _accredit(
        auditor=people["elin.expiring@example.org"],
        firm=firms["nordic-certification"],
        code="PS",
        scope=[("aluminium-smelting", "NO"), ("aluminium-smelting", "IS")],
        valid_from=today - datetime.timedelta(days=3 * 365 - 45),
        valid_until=today + datetime.timedelta(days=45),
        staff=staff,
    )
    rui, created = _accredit(
        auditor=people["rui.reduced@example.org"],
        firm=firms["nordic-certification"],
        code="CoC",
        scope=[("casthouse", "DE"), ("casthouse", "FR"), ("casthouse", "PL")],
        valid_from=start,
        valid_until=three_years,
        staff=staff,
    )
    if created:
        services.accreditation_reduce_scope(
            accreditation=rui,
            elements=[rui.scope.get(country="FR")],
            actor=staff,
            reason="Demo: no casthouse audits in France for three years.",
            effective=today - datetime.timedelta(days=60),
        )
    sofia, created = _accredit(
        auditor=people["sofia.suspended@example.org"],
        firm=firms["andes-assurance"],
        code="PS",
        scope=[("bauxite-mining", "BR"), ("bauxite-mining", "GN")],
        valid_from=start,
        valid_until=three_years,
        staff=staff,
    )
    if created:
        services.accreditation_suspend(
            accreditation=sofia,
            actor=staff,
            reason="Demo: a complaint about an audit is under investigation.",
            effective=today - datetime.timedelta(days=10),
        )
    for email, firm, scope in (
        ("carlos.consentless@example.org", "andes-assurance", [("alumina-refining", "BR")]),
        ("moussa.firm@example.org", "guinea-audit", [("bauxite-mining", "GN")]),
    ):
        _accredit(
            auditor=people[email],
            firm=firms[firm],
            code="PS",
            scope=scope,
            valid_from=start,
            valid_until=three_years,
            staff=staff,
        )


def _seed_legacy_import(firms, today: datetime.date, staff) -> None:
    """Lena Legacy: an accreditation imported from the previous register."""
    legacy_from = datetime.date(today.year - 1, 7, 1)
    legacy_until = legacy_from + datetime.timedelta(days=3 * 365)
    _legacy, created = _accredit(
        auditor=AuditorProfile.objects.get(user__email="lena.legacy@example.org"),
        firm=firms["legacy-register"],
        code="CoC",
        scope=[("aluminium-remelting-refining", "DE"), ("aluminium-remelting-refining", "AT")],
        valid_from=legacy_from,
        valid_until=legacy_until,
        staff=staff,
        source=Accreditation.Source.IMPORTED,
    )
    if created:
        FirmAccreditationPeriod.objects.get_or_create(
            firm=firms["legacy-register"],
            valid_from=legacy_from,
            valid_until=legacy_until,
            source="imported",
        )


def _seed_pending_affiliation(firms) -> None:
    """Paula Pending asks Nordic Certification to confirm that she audits for it (once: a
    request the firm admin already decided is left as it is)."""
    paula = _profile(
        _person("paula.pending@example.org", "Paula Pending"), consent=True, lead=False
    )
    firm = firms["nordic-certification"]
    if not Affiliation.objects.filter(auditor=paula, firm=firm).exists():
        services.affiliation_request(auditor=paula, firm=firm, user=paula.user)


def _seed_firm_application(today: datetime.date) -> None:
    """A certification body's application submitted online and waiting for the secretariat
    (Accreditation › Firm applications), once."""
    from django.core.files.base import ContentFile

    from accreditation.models import FirmApplication
    from accreditation.services import firm_onboarding

    name = "Andes Auditores S.A."
    if FirmApplication.objects.filter(legal_name=name).exists():
        return
    person = _person("firm.applicant@example.org", "Lucía Fernández")
    application = firm_onboarding.firm_application_create(
        applicant=person,
        details={
            "legal_name": name,
            "country": "CL",
            "website": "https://andes-auditores.example",
            "scheme": "17065",
            "accreditation_body": "INN Chile",
            "accreditation_number": "OC-P-123",
            "accreditation_scope": "Certification of products and supply chains (ISO/IEC 17065)",
            "accreditation_expires_on": today + datetime.timedelta(days=700),
            "admin_name": person.full_name,
            "admin_email": person.email,
            "contact_phone": "",
        },
        certificate=ContentFile(b"%PDF-1.4\n% demo certificate\n", name="certificate.pdf"),
    )
    firm_onboarding.firm_application_submit(application=application, actor=person)


SPECIALISTS = [
    # name, country, organisation, expertise, languages, standards, description, email, ended
    (
        "Ana Paula Ferreira",
        "BR",
        "Instituto Vozes da Floresta",
        ["community-engagement", "fpic-indigenous-peoples"],
        ["pt", "es", "en"],
        ["PS"],
        "Community consultations and FPIC processes with traditional and indigenous "
        "communities near bauxite mines in Pará, in Portuguese.",
        "ana.ferreira@example.org",
        False,
    ),
    (
        "Mamadou Sow",
        "GN",
        "",
        ["human-rights", "community-engagement"],
        ["fr", "ff", "sus"],
        ["PS", "CoC"],
        "Human rights due diligence and grievance mechanisms in the Boké region, in French, "
        "Pular and Susu.",
        "",
        False,
    ),
    (
        "Grace Walker",
        "AU",
        "Top End Land and Sea Consulting",
        ["environment-biodiversity"],
        ["en", "rop"],
        ["PS"],
        "Rehabilitation of mined land and biodiversity monitoring with Traditional Owners.",
        "",
        True,
    ),
]


def _seed_specialists(today: datetime.date) -> None:
    """The registered specialists (non-auditor experts), once each by name; Grace Walker's
    listing ended last month, so she is not on the public register."""
    for name, country, organisation, expertise, languages, codes, text, email, ended in SPECIALISTS:
        if RegisteredSpecialist.objects.filter(full_name=name).exists():
            continue
        listed_from = today - datetime.timedelta(days=200)
        specialist = RegisteredSpecialist.objects.create(
            full_name=name,
            country=country,
            organisation=organisation,
            expertise=expertise,
            languages=languages,
            description=text,
            public_email=email,
            listed_from=listed_from,
            listed_until=today - datetime.timedelta(days=30) if ended else None,
            publication_consent_on=listed_from,
        )
        specialist.standards.set(Standard.objects.filter(code__in=codes))
