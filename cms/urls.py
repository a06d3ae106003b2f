from django.urls import path

from cms import views

app_name = "cms"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("calendar/<int:page_id>.ics", views.session_calendar, name="session_calendar"),
    path(
        "learning-progress/<int:page_id>/start/",
        views.module_start,
        name="module_start",
    ),
    path(
        "learning-progress/<int:page_id>/complete/",
        views.module_complete,
        name="module_complete",
    ),
]
