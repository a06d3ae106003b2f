from django.conf import settings
from django.urls import path, re_path

from cms import views

app_name = "cms"

_media = settings.MEDIA_URL.lstrip("/")

urlpatterns = [
    path("search/", views.search, name="search"),
    path("calendar/<int:page_id>.ics", views.session_calendar, name="session_calendar"),
    path(
        "learning-progress/<int:page_id>/complete/",
        views.module_complete,
        name="module_complete",
    ),
]

if _media and not _media.startswith(("http:", "https:")):
    # Shadows Django's DEBUG media serving for documents, so a private document's file
    # path cannot be fetched around the checked view.
    urlpatterns.append(
        re_path(rf"^{_media}documents/(?P<path>.+)$", views.media_document, name="media_document")
    )
