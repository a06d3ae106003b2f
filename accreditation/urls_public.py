"""Public register, certificate and firm-admin URLs (included by accreditation/urls.py)."""

from django.urls import path

from accreditation import views_firm, views_public

urlpatterns = [
    path("auditors/", views_public.auditor_list, name="register"),
    path("auditors/export.csv", views_public.export_csv, name="register_csv"),
    path("auditors/firms/", views_public.firm_list, name="register_firms"),
    path("auditors/firms/<slug:slug>/", views_public.firm_detail, name="register_firm"),
    path("auditors/<int:pk>/", views_public.auditor_detail, name="register_auditor"),
    path(
        "accreditation/certificates/<str:code>.pdf",
        views_public.certificate_pdf,
        name="certificate_pdf",
    ),
    path("accreditation/firm/", views_firm.firm_admin, name="firm_admin"),
]
