from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms import i18n, views
from lms.admin_access import admin_urlpatterns
from lms.api import api
from lms.media import public_media_urlpatterns

# Outside the language prefix (lms/i18n.py): machines, the admin (each user's own admin
# language), files and the catalogue for scripts. Never prefixed.
urlpatterns = [
    # Wagtail's own login forms would sign staff in with a password alone: both go to
    # allauth's login (second factor, rate limits) instead.
    path("admin/login/", views.login_elsewhere, name="wagtailadmin_login"),
    path("_util/login/", views.login_elsewhere, name="wagtailcore_login"),
    # Signed-in people without admin access get a 403 there, not a login loop.
    path("admin/", include(admin_urlpatterns())),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("jsi18n/", i18n.javascript_catalog, name="javascript-catalog"),
    path("", include("courses.payments.webhook_urls")),
]

# DEBUG only: the public media folders (never private files; see lms.media).
urlpatterns += public_media_urlpatterns()

# Site pages: English unprefixed, /fr/, /zh-hans/, /de/, /pt-br/ (README, "Languages").
# Every one of them also answers unprefixed (in English), so links printed on certificates
# or sent by e-mail keep working.
urlpatterns += i18n_patterns(
    path("accounts/profile/", views.profile, name="account_profile"),
    path("", include("lms.privacy.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("lms.members.urls")),
    path("", include("courses.quiz.urls")),
    path("", include("courses.urls")),
    path("", include("accreditation.urls")),
    path("", include("courses.payments.urls")),
    path("", include("cms.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler500 = "lms.views.server_error"  # a database outage is a 503 (lms/resilience.py)
