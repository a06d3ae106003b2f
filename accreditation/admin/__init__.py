"""The accreditation back office's viewsets in the Wagtail admin, grouped under the
"Accreditation" menu (``AccreditationGroup``, registered in ``accreditation/wagtail_hooks.py``).

Reference data, programmes (with their requirements inline), firms (with their scope inline)
and auditor profiles are edited with plain forms. Applications, accreditations and firms'
own accreditation change only through decision screens (``views/admin.py``) that call the
services: their "edit" URLs open those screens. Modules by topic: ``reference`` (standards,
sectors, versions, programmes), ``firms`` (firms, auditors, affiliations, firm
applications), ``specialists``, ``applications`` (applications, accreditations, decisions
log), ``conduct`` (code of conduct) and ``columns`` (columns they share).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSetGroup

from accreditation.admin.applications import (
    AccreditationViewSet,
    ApplicationViewSet,
    DecisionsLogViewSet,
)
from accreditation.admin.conduct import CodeOfConductViewSet
from accreditation.admin.firms import (
    AffiliationViewSet,
    AuditFirmViewSet,
    AuditorProfileViewSet,
    FirmApplicationViewSet,
)
from accreditation.admin.reference import (
    ProgrammeViewSet,
    SectorViewSet,
    StandardVersionViewSet,
    StandardViewSet,
)
from accreditation.admin.specialists import RegisteredSpecialistViewSet


class AccreditationGroup(ModelViewSetGroup):
    menu_label = _("Accreditation")
    menu_icon = "success"
    menu_order = 300
    items = [
        ApplicationViewSet("accreditation_application", url_prefix="accreditation/applications"),
        AccreditationViewSet(
            "accreditation_accreditation", url_prefix="accreditation/accreditations"
        ),
        AuditFirmViewSet("accreditation_firm", url_prefix="accreditation/firms"),
        AuditorProfileViewSet("accreditation_auditor", url_prefix="accreditation/auditors"),
        AffiliationViewSet("accreditation_affiliation", url_prefix="accreditation/affiliations"),
        FirmApplicationViewSet(
            "accreditation_firm_application", url_prefix="accreditation/firm-applications"
        ),
        RegisteredSpecialistViewSet(
            "accreditation_specialist", url_prefix="accreditation/specialists"
        ),
        ProgrammeViewSet("accreditation_programme", url_prefix="accreditation/programmes"),
        StandardViewSet("accreditation_standard", url_prefix="accreditation/standards"),
        StandardVersionViewSet("accreditation_version", url_prefix="accreditation/versions"),
        SectorViewSet("accreditation_sector", url_prefix="accreditation/sectors"),
        DecisionsLogViewSet("accreditation_decision", url_prefix="accreditation/decisions"),
        CodeOfConductViewSet("accreditation_conduct", url_prefix="accreditation/code-of-conduct"),
    ]
