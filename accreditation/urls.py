"""The accreditation app's URLs: the auditor's own pages, the public register, certificates
and the firm admin's page (/verify/<code>/ is courses' shared page)."""

from django.urls import path

from accreditation.views import auditor, fees, firm, public

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
]
