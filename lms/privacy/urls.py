from django.urls import path

from lms.privacy import views

app_name = "privacy"

urlpatterns = [
    path("accounts/notices/accept/", views.accept, name="accept"),
]
