"""The accreditation app's URLs: the auditor's own pages, the public register, certificates
and the firm admin's page (/verify/<code>/ is courses' shared page)."""

from django.urls import path

from accreditation import views_auditor, views_firm, views_public

app_name = "accreditation"

urlpatterns = [
    path("accreditation/", views_auditor.my_accreditation, name="mine"),
    path("accreditation/apply/", views_auditor.apply_choose, name="apply_choose"),
    path("accreditation/apply/<int:version_pk>/", views_auditor.apply, name="apply"),
    path(
        "accreditation/applications/<int:pk>/",
        views_auditor.application_detail,
        name="application",
    ),
    path(
        "accreditation/applications/<int:pk>/submit/",
        views_auditor.application_submit,
        name="application_submit",
    ),
    path(
        "accreditation/applications/<int:pk>/delete/",
        views_auditor.application_delete,
        name="application_delete",
    ),
    path(
        "accreditation/applications/<int:pk>/evidence/",
        views_auditor.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "accreditation/evidence/<int:pk>/file/",
        views_auditor.evidence_file,
        name="evidence_file",
    ),
    path("accreditation/profile/", views_auditor.profile, name="profile"),
    path("accreditation/firm/", views_firm.firm_admin, name="firm_admin"),
    path(
        "accreditation/certificates/<str:code>.pdf",
        views_public.certificate_pdf,
        name="certificate_pdf",
    ),
    path("auditors/", views_public.auditor_list, name="register"),
    path("auditors/export.csv", views_public.export_csv, name="register_csv"),
    path("auditors/firms/", views_public.firm_list, name="register_firms"),
    path("auditors/firms/<slug:slug>/", views_public.firm_detail, name="register_firm"),
    path("auditors/<int:pk>/", views_public.auditor_detail, name="register_auditor"),
]
