from django.urls import path

from lms.privacy import erasure_views, export_views, views

app_name = "privacy"

urlpatterns = [
    path("accounts/notices/accept/", views.accept, name="accept"),
    path("accounts/my-data/", export_views.export, name="export"),
    path("accounts/my-data/<int:pk>/status/", export_views.export_status, name="export_status"),
    path(
        "accounts/my-data/<str:token>/download/",
        export_views.download,
        name="export_download",
    ),
    path("accounts/erasure/", erasure_views.erasure_request, name="erasure_request"),
    path(
        "accounts/erasure/<int:pk>/withdraw/",
        erasure_views.erasure_withdraw,
        name="erasure_withdraw",
    ),
]
