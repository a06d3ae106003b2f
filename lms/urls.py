from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms import views
from lms.api import api

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/profile/", views.profile, name="account_profile"),
    path("accounts/", include("allauth.urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    path("healthz", views.healthz, name="healthz"),
    path("", include("courses.quiz.urls")),
    path("", include("courses.urls")),
    path("", include("accreditation.urls")),
    path("", include("courses.payments.urls")),
    path("", include("cms.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
