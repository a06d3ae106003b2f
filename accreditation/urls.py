"""The accreditation app's URLs: the auditor's own pages, the public register, certificates
and the firm admin's page (/verify/<code>/ is courses' shared page)."""

from django.urls import path

from accreditation.views import (
    auditor,
    conduct,
    consent,
    fees,
    firm,
    firm_onboarding,
    public,
    specialists,
)

app_name = "accreditation"

urlpatterns = [
    path("accreditation/", auditor.my_accreditation, name="mine"),
    path("accreditation/apply/", auditor.apply_choose, name="apply_choose"),
    path("accreditation/apply/<int:version_pk>/", auditor.apply, name="apply"),
    path(
        "accreditation/applications/<int:pk>/",
        auditor.application_detail,
        name="application",
    ),
    path(
        "accreditation/applications/<int:pk>/submit/",
        auditor.application_submit,
        name="application_submit",
    ),
    path(
        "accreditation/applications/<int:pk>/delete/",
        auditor.application_delete,
        name="application_delete",
    ),
    path(
        "accreditation/applications/<int:pk>/evidence/",
        auditor.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "accreditation/evidence/<int:pk>/file/",
        auditor.evidence_file,
        name="evidence_file",
    ),
    path("accreditation/profile/", auditor.profile, name="profile"),
    path(
        "accreditation/profile/register-consent/",
        consent.register_consent,
        name="register_consent",
    ),
    path(
        "accreditation/code-of-conduct/<int:pk>/",
        conduct.conduct_accept_page,
        name="conduct_accept",
    ),
    path("accreditation/firm/", firm.firm_admin, name="firm_admin"),
    path(
        "accreditation/firm/<int:firm_pk>/affiliations/",
        firm.affiliation_list,
        name="firm_affiliations",
    ),
    path(
        "accreditation/firm/<int:firm_pk>/affiliations/<int:pk>/<slug:action>/",
        firm.affiliation_decide,
        name="firm_affiliation_decide",
    ),
    path(
        "accreditation/firm/<int:firm_pk>/fees/<str:kind>/",
        fees.firm_fee,
        name="firm_fee",
    ),
    # Firm onboarding: a firm applies online, pays its fee; firm admins add co-admins.
    path("accreditation/firm-applications/apply/", firm_onboarding.firm_apply, name="firm_apply"),
    path(
        "accreditation/firm-applications/<int:pk>/",
        firm_onboarding.firm_application_detail,
        name="firm_application",
    ),
    path(
        "accreditation/firm-applications/<int:pk>/edit/",
        firm_onboarding.firm_application_edit,
        name="firm_application_edit",
    ),
    path(
        "accreditation/firm-applications/<int:pk>/submit/",
        firm_onboarding.firm_application_submit,
        name="firm_application_submit",
    ),
    path(
        "accreditation/firm-applications/<int:pk>/certificate/",
        firm_onboarding.firm_application_certificate,
        name="firm_application_certificate",
    ),
    path(
        "accreditation/firm-applications/<int:pk>/fee/",
        firm_onboarding.firm_application_fee,
        name="firm_application_fee",
    ),
    path(
        "accreditation/firm/<int:firm_pk>/admins/",
        firm_onboarding.firm_admins,
        name="firm_admins",
    ),
    path(
        "accreditation/firm/<int:firm_pk>/admins/<int:user_pk>/remove/",
        firm_onboarding.firm_admin_remove,
        name="firm_admin_remove",
    ),
    path(
        "accreditation/certificates/<str:code>.pdf",
        public.certificate_pdf,
        name="certificate_pdf",
    ),
    path("auditors/", public.auditor_list, name="register"),
    path("auditors/export.csv", public.export_csv, name="register_csv"),
    path("auditors/search/", public.search, name="register_search"),
    path("auditors/firms/", public.firm_list, name="register_firms"),
    path("auditors/firms/<slug:slug>/", public.firm_detail, name="register_firm"),
    path("auditors/<int:pk>/", public.auditor_detail, name="register_auditor"),
    # Registered Specialists: non-auditor experts, a separate tab (never auditors).
    path("auditors/specialists/", specialists.specialist_list, name="register_specialists"),
    path(
        "auditors/specialists/export.csv",
        specialists.specialist_csv,
        name="register_specialists_csv",
    ),
    path(
        "auditors/specialists/<int:pk>/",
        specialists.specialist_detail,
        name="register_specialist",
    ),
]
