from importlib.util import find_spec

from django.urls import include, path

from accreditation import views_auditor

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
]

# The public register, certificates and /verify/ live in urls_public (built alongside).
if find_spec("accreditation.urls_public") is not None:
    urlpatterns.append(path("", include("accreditation.urls_public")))
